"""How a tool is registered: its name, a description written for a model, honest hints, the error guard.

Each tool module lists its tools as `TOOLS` (a tuple of ToolSpec); `register` adds them to a server, all
of them or only some (the tool catalog builds just the tool that is called).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

from kaggle_mcp.server.errors import guarded
from kaggle_mcp.server.request import stopped_when_abandoned


@dataclass(frozen=True)
class ToolSpec:
    """One tool: the adapter function (named as the tool, its docstring the description), its title, what
    kind of thing its errors are about, and its hints. `writes` tools change things on Kaggle and are left
    out in read-only mode."""

    fn: Callable[..., Awaitable[Any]]
    title: str
    kind: str | None = None
    read_only: bool = False
    idempotent: bool = False
    destructive: bool = False
    writes: bool = False

    @property
    def name(self) -> str:
        return self.fn.__name__


def register(mcp: MCPServer, tools: Iterable[ToolSpec], read_only_mode: bool,
             only: Collection[str] | None = None) -> list[str]:
    """Add `tools` (those named in `only`, if given) to `mcp`; returns the names added."""
    added = []
    for spec in tools:
        if (read_only_mode and spec.writes) or (only is not None and spec.name not in only):
            continue
        mcp.add_tool(
            guarded(spec.name, spec.kind)(_stoppable(spec.fn)),
            name=spec.name,
            title=spec.title,
            description=_one_paragraph_per_block(spec.fn.__doc__ or ""),
            annotations=ToolAnnotations(title=spec.title, read_only_hint=spec.read_only,
                                        destructive_hint=spec.destructive, idempotent_hint=spec.idempotent,
                                        open_world_hint=True),
        )
        added.append(spec.name)
    return added


def _stoppable(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`fn`, stopped if its HTTP client goes away (see `request.stopped_when_abandoned`)."""

    @functools.wraps(fn)
    async def call(*args: Any, **kwargs: Any) -> Any:
        async with stopped_when_abandoned(kwargs.get("ctx")):
            return await fn(*args, **kwargs)

    return call


def _one_paragraph_per_block(doc: str) -> str:
    """Docstrings wrap at 110 columns; clients render descriptions as prose, so unwrap the lines."""
    blocks = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(block.split()) for block in blocks)
