"""Registration helpers shared by the tool modules: annotations, the error guard, state and progress."""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import ToolAnnotations

from kaggle_mcp.server.errors import guarded
from kaggle_mcp.server.state import AppState


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


def state(ctx: Context) -> AppState:
    return ctx.request_context.lifespan_context


async def client(ctx: Context) -> Any:
    return await state(ctx).client()


def byte_progress(ctx: Context, label: str) -> Callable[[int, int | None], Awaitable[None]]:
    """An MCP progress reporter for transfers, throttled so big files do not flood the client."""
    last: list = [0.0, None]

    async def report(done: int, total: int | None) -> None:
        now = time.monotonic()
        if (done, total) == last[1] or (now - last[0] < 0.2 and (total is None or done < total)):
            return
        last[0], last[1] = now, (done, total)
        size = f"{human_bytes(done)} of {human_bytes(total)}" if total else human_bytes(done)
        await ctx.report_progress(done, total, f"{label}: {size}")

    return report


def human_bytes(n: int | None) -> str:
    if n is None:
        return "?"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def day(value: Any) -> str | None:
    """A timestamp shown as its date (the time of day rarely matters to an agent and costs tokens)."""
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10] or None


def get(obj: Any, *names: str, default: Any = None) -> Any:
    """First present attribute: wire models leave optional fields as None."""
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return default


def saved_files(st: AppState, paths: list, header: str, unsafe: list[str] | None = None) -> tuple[str, list[dict]]:
    """A capped TOON listing of files written to the workspace (an unzipped archive can hold thousands),
    followed by the `unsafe` names that were skipped, so the agent knows what it is missing."""
    from kaggle_mcp.server.render import fit_rows, toon

    rows = [{"file": st.workspace.relative(p), "size": human_bytes(p.stat().st_size)} for p in paths if p.exists()]
    shown = rows[:fit_rows(rows, st.max_tokens // 2, lambda rs: toon({"files": rs}))]
    text = f"{header}\n" + toon({"files": shown})
    if len(shown) < len(rows):
        text += f"\n{len(rows) - len(shown)} more files were saved beside these (not listed, to save tokens)."
    return text + skipped_note(unsafe), shown


def skipped_note(unsafe: list[str] | None) -> str:
    """The line that names what a download skipped because its name would land outside the workspace."""
    if not unsafe:
        return ""
    from kaggle_mcp.kaggle.paths import unsafe_summary

    return (f"\nSkipped, to keep every file inside the workspace: {unsafe_summary(unsafe)}. "
            "Those files are not available through this server.")
