"""Answer `tools/list` from the catalog an earlier start saved; build a tool when it is first called.

Why: importing the tool modules and building the argument and output models of every tool costs a
fifth of a cold start, and MCP clients start servers often (Claude Desktop at every launch), mostly to
list tools. So a stdio server lists from the catalog, and builds only the tools that are called.

Why it cannot go stale: the catalog is keyed by the content (sha256) of every source file that can shape
a tool's schema (the whole package but the sandbox), the versions of Python, mcp and pydantic, and the
mode. Whenever a tool is built, it is compared with the catalog's entry; on any difference
everything is built, the catalog is rewritten, and a client that was shown the old list is sent
`notifications/tools/list_changed`. What is listed is the SDK's own `tools/list` answer for the same
protocol version, recorded when every tool was built; only its `tools` array is replayed.

This is a `ServerMiddleware` (the SDK's public extension point); tools are registered with the public
`MCPServer.add_tool`, so nothing of the SDK's internals is touched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer

from kaggle_mcp.locations import cache_dir
from kaggle_mcp.server.registration import ToolSpec, register

log = logging.getLogger("kaggle_mcp.server")

PACKAGE = Path(__file__).resolve().parents[1]
TOOL_MODULES = ("competitions", "submissions", "notebooks", "runs", "datasets", "previews", "discussions", "model_hub",
                "search", "identity")


def catalog_key(mode: str) -> str:
    """Changes whenever anything that could shape a schema changes: a source file's bytes, or a version."""
    from importlib.metadata import version

    import pydantic

    digest = hashlib.sha256(f"{mode}|{sys.version}|{version('mcp')}|{pydantic.VERSION}".encode())
    for name in _schema_sources():
        with open(PACKAGE / name, "rb") as source:
            digest.update(name.encode() + b"\0" + source.read() + b"\0")
    return digest.hexdigest()


def _schema_sources() -> list[str]:
    """Every source file of the package but the sandbox's, relative and sorted (a walk that skips the
    sandbox and bytecode directories instead of listing them)."""
    found = []
    for directory, subdirectories, files in os.walk(PACKAGE):
        subdirectories[:] = [d for d in subdirectories if d not in ("sandbox", "__pycache__")]
        relative = os.path.relpath(directory, PACKAGE)
        found += [name if relative == "." else f"{relative}/{name}" for name in files if name.endswith(".py")]
    return sorted(found)


def tools_of(module: str) -> tuple[ToolSpec, ...]:
    specs: tuple[ToolSpec, ...] = import_module(f"kaggle_mcp.server.{module}").TOOLS
    return specs


def register_all(mcp: MCPServer, read_only: bool) -> None:
    """Every tool, in the order an agent meets them (what a server without a catalog does at start)."""
    for module in TOOL_MODULES:
        register(mcp, tools_of(module), read_only)


class ToolCatalog:
    """Lists from the saved catalog until the tools are built; builds a module on its first call."""

    def __init__(self, read_only: bool) -> None:
        self.read_only = read_only
        self.mode = "read-only" if read_only else "full"
        self.path = cache_dir() / f"tool-catalog-{self.mode}.json"
        self.key = catalog_key(self.mode)
        self.saved: dict[str, Any] = self._load()
        self.built: set[str] = set()  # tool names
        self.complete = False  # every tool built
        self.listed_from_catalog = False
        self._mcp: MCPServer | None = None

    def attach(self, mcp: MCPServer) -> None:
        """The server whose tools this catalog builds (it is created with its middleware, this one included)."""
        self._mcp = mcp

    @property
    def mcp(self) -> MCPServer:
        assert self._mcp is not None, "ToolCatalog.attach(server) first"
        return self._mcp

    # -- the catalog file -------------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) and data.get("key") == self.key else {}

    def _save(self) -> None:
        """Write atomically; a cache that cannot be written only costs speed."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.saved), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            log.debug("could not save the tool catalog: %s", exc)

    # -- building -----------------------------------------------------------------------------------

    async def _build(self, wanted: dict[str, set[str] | None]) -> bool:
        """Register the tools `wanted` (module -> names, None for all of them), recording each; True if the
        catalog described any of them otherwise."""
        known: dict[str, Any] = self.saved.setdefault("tools", {})
        believed = dict(known)
        added: dict[str, str] = {}
        for module, names in wanted.items():
            tools = tools_of(module)
            only = ({spec.name for spec in tools} if names is None else names) - self.built
            for name in register(self.mcp, tools, self.read_only, only=only):
                added[name] = module
        self.built |= added.keys()
        stale = False
        for tool in await self.mcp.list_tools():
            if tool.name in added:
                entry = tool.model_dump(mode="json", by_alias=True, exclude_none=True)
                stale = stale or (bool(believed) and believed.get(tool.name) != entry)
                known[tool.name] = entry
                self.saved.setdefault("modules", {})[tool.name] = added[tool.name]
        return stale

    async def _build_all(self) -> bool:
        stale = await self._build({module: None for module in TOOL_MODULES})
        self.complete = True
        return stale

    async def _rebuild(self, ctx: ServerRequestContext[Any, Any]) -> None:
        """The catalog described other tools than the code builds: build all, forget the recorded listings,
        and tell a client that was shown the old list."""
        log.info("the tool catalog was stale; rebuilding it")
        await self._build_all()
        self.saved.pop("listings", None)
        self._save()
        if self.listed_from_catalog:
            try:
                await ctx.session.send_tool_list_changed()
            except Exception as exc:  # no back-channel (stateless HTTP): the next tools/list is right anyway
                log.debug("could not send tools/list_changed: %s", exc)

    # -- the middleware -----------------------------------------------------------------------------

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method == "tools/list":
            return await self._list(ctx, call_next)
        if ctx.method == "tools/call" and not self.complete:
            name = str((ctx.params or {}).get("name"))
            module = self.saved.get("modules", {}).get(name)
            if name not in self.built:
                stale = await (self._build({module: {name}}) if module in TOOL_MODULES else self._build_all())
                if stale:
                    await self._rebuild(ctx)
        return await call_next(ctx)

    async def _list(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        listing = self.saved.get("listings", {}).get(ctx.protocol_version)
        if not self.complete and listing is not None:
            answer = await call_next(ctx)  # the SDK's envelope, around the tools built so far
            if isinstance(answer, dict) and "tools" in answer:
                self.listed_from_catalog = True
                return {**answer, "tools": listing}
        if not self.complete and await self._build_all():
            await self._rebuild(ctx)
        answer = await call_next(ctx)
        if isinstance(answer, dict) and "tools" in answer:
            listings = self.saved.setdefault("listings", {})
            if listings.get(ctx.protocol_version) != answer["tools"]:
                listings[ctx.protocol_version] = answer["tools"]
                self.saved["key"] = self.key
                self._save()
        return answer
