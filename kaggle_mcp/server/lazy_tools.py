"""Answer `tools/list` from a cached snapshot; import the tool modules and build a tool on first call.

Importing the tool modules and building the argument and output models of 17 tools costs about 20% of
a cold start, and MCP clients start servers often (Claude Desktop at every launch). The snapshot holds
what registration would produce (names, titles, descriptions, annotations, input and output schemas);
it lives in the user cache directory, is keyed by the versions and the mtimes of this package's
sources, and is rebuilt automatically when stale, so it never describes tools other than the real ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mcp.server.mcpserver.tools import Tool, ToolManager
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import ToolAnnotations

log = logging.getLogger("kaggle_mcp.server")
SNAPSHOT_NAME = "tool-schemas.json"


def cache_dir() -> Path:
    """`KAGGLE_MCP_CACHE_DIR`, else the platform cache dir (computed without platformdirs on Linux: it is slow to import)."""
    if os.environ.get("KAGGLE_MCP_CACHE_DIR"):
        return Path(os.environ["KAGGLE_MCP_CACHE_DIR"])
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "kaggle-agent-mcp"
    import platformdirs

    return Path(platformdirs.user_cache_dir("kaggle-agent-mcp", appauthor=False))


def snapshot_key() -> str:
    """Changes whenever anything that shapes the schemas could have: versions, or a source file here."""
    from importlib.metadata import version

    from kaggle_mcp import __version__

    parts = [__version__, sys.version]
    try:
        parts += [version("mcp"), version("pydantic")]
    except Exception:  # metadata missing (unusual installs): the source mtimes below still key it
        parts.append("no-metadata")
    here = Path(__file__).parent
    for source in sorted(here.glob("*.py")):
        stat = source.stat()
        parts.append(f"{source.name}:{stat.st_mtime_ns}:{stat.st_size}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _never_called(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a snapshot-listed tool is built by get_tool before it is called")


class LazyToolManager(ToolManager):
    """Tools listed from the snapshot; the tool modules are imported and a tool built only when called.

    `loader` registers every tool (importing the tool modules); it runs on the first call of any tool,
    or at once when the snapshot does not describe this mode's tools.
    """

    def __init__(self, read_only: bool, loader: Callable[[], None]) -> None:
        super().__init__()
        self._key = snapshot_key()
        self._mode = "read-only" if read_only else "full"
        self._loader = loader
        snapshot = self._load()
        self._snapshot: dict[str, dict[str, Any]] = snapshot.get("tools", {})
        self._listings: dict[str, list[str]] = snapshot.get("listings", {})
        self._pending: dict[str, tuple[Any, dict[str, Any]]] = {}
        self._order: list[str] = []
        self._deferred = False

    def _path(self) -> Path:
        return cache_dir() / SNAPSHOT_NAME

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self._path().read_text())
        except (OSError, ValueError):
            return {}
        return data if data.get("key") == self._key else {}

    def start(self) -> None:
        """List from the snapshot if it covers this mode; otherwise register (and snapshot) everything now."""
        listing = self._listings.get(self._mode)
        if listing and all(name in self._snapshot for name in listing):
            self._order, self._deferred = list(listing), True
            return
        self._loader()
        self._save()

    def add_tool(self, fn: Any, name: str | None = None, **kwargs: Any) -> Tool | None:
        name = name or fn.__name__
        self._order.append(name)
        if name in self._snapshot:
            self._pending[name] = (fn, kwargs)
            return None
        return super().add_tool(fn, name=name, **kwargs)

    def get_tool(self, name: str) -> Tool | None:
        if self._deferred:
            self._deferred, self._order = False, []
            self._loader()
        if name in self._pending:
            fn, kwargs = self._pending.pop(name)
            super().add_tool(fn, name=name, **kwargs)
        return super().get_tool(name)

    def list_tools(self) -> list[Any]:
        return [self._tools.get(name) or self._listed(name) for name in self._order]

    def _listed(self, name: str) -> Tool:
        """A real SDK `Tool` built from the snapshot without running registration: every field the SDK
        may read exists (with its default where the snapshot is silent); it is never called."""
        entry = self._snapshot[name]
        hints = entry.get("annotations")
        metadata = FuncMetadata.model_construct(arg_model=ArgModelBase, output_schema=entry["output_schema"])
        return Tool.model_construct(fn=_never_called, name=name, title=entry.get("title"),
                                    description=entry.get("description") or "", parameters=entry["parameters"],
                                    fn_metadata=metadata, is_async=True,
                                    annotations=ToolAnnotations(**hints) if hints else None)

    def _save(self) -> None:
        """Record what was just built eagerly, so the next start of this mode imports no tool module."""
        built = {name: {"title": tool.title, "description": tool.description, "parameters": tool.parameters,
                        "output_schema": tool.output_schema,
                        "annotations": tool.annotations.model_dump(exclude_none=True) if tool.annotations else None}
                 for name, tool in self._tools.items()}
        listings = {**self._listings, self._mode: list(self._order)}
        if not built.keys() - self._snapshot.keys() and listings == self._listings:
            return
        path = self._path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"key": self._key, "tools": {**self._snapshot, **built}, "listings": listings}))
            tmp.replace(path)
        except OSError as exc:  # a read-only cache only costs speed
            log.debug("could not save the tool schema snapshot: %s", exc)
