"""How a tool is registered: its name, a description written for a model, honest hints, the error guard."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

from kaggle_mcp.server.errors import guarded


def add_tool(mcp: MCPServer, fn: Callable[..., Awaitable[Any]], *, title: str, kind: str | None = None,
             read_only: bool, idempotent: bool = False, destructive: bool = False,
             open_world: bool = True) -> None:
    """Register `fn` under its own name with its docstring as the description and honest hints."""
    mcp.add_tool(
        guarded(fn.__name__, kind)(fn),
        name=fn.__name__,
        title=title,
        description=_one_paragraph_per_block(fn.__doc__ or ""),
        annotations=ToolAnnotations(
            title=title,
            read_only_hint=read_only,
            destructive_hint=destructive,
            idempotent_hint=idempotent,
            open_world_hint=open_world,
        ),
    )


def _one_paragraph_per_block(doc: str) -> str:
    """Docstrings wrap at 110 columns; clients render descriptions as prose, so unwrap the lines."""
    blocks = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(block.split()) for block in blocks)
