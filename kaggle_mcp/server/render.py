"""What the model reads: compact TOON tables, a size cap with a way to continue, fenced Kaggle text.

Every tool answer is a `CallToolResult` whose text is written for a model (TOON for tables, a short
"next step" line) and whose `structured_content` is the same data as JSON for clients that use it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from kaggle_mcp.textsafe import scrub
from kaggle_mcp.untrusted import Fence as Fence  # adapters fence Kaggle-authored text with one Fence per answer
from kaggle_mcp.untrusted import neutralise as neutralise

if TYPE_CHECKING:
    from kaggle_mcp.workflows.workspace import SavedFile


def estimate_tokens(text: str) -> int:
    """Cheap token estimate used for every size cap (the context engine's, imported on first use)."""
    from kaggle_mcp.context.tokens import estimate_tokens as estimate

    return estimate(text)


def toon(data: Any) -> str:
    """Encode with the official toon-format library (imported on first use: it is slow to import)."""
    import toon_format

    return toon_format.encode(_plain(data))


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode="json"))
    if isinstance(value, dict):
        return {scrub(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):  # a table cell may be Kaggle-authored: it must not be able to forge a fence
        return neutralise(scrub(value))
    return value


def result(text: str, structured: BaseModel) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=scrub(text))],
        structured_content=_plain(structured.model_dump(mode="json", by_alias=True)),
    )


def fit_rows(rows: list[dict[str, Any]], budget_tokens: int,
             render: Callable[[list[dict[str, Any]]], str] | None = None) -> int:
    """How many leading rows fit the budget once rendered (at least one, so progress is always made)."""
    render = render or (lambda rs: toon({"rows": rs}))
    if not rows or estimate_tokens(render(rows)) <= budget_tokens:
        return len(rows)
    lo, hi = 1, len(rows)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if estimate_tokens(render(rows[:mid])) <= budget_tokens:
            lo = mid
        else:
            hi = mid - 1
    return lo


def encode_cursor(page_token: str | None, offset: int = 0) -> str | None:
    """An opaque cursor: Kaggle's page token plus how many rows of that page were already shown."""
    if not page_token and not offset:
        return None
    raw = json.dumps({"t": page_token or "", "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[str, int]:
    if not cursor:
        return "", 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        return str(data.get("t", "")), int(data.get("o", 0))
    except (ValueError, TypeError, AttributeError):
        raise ToolError(f"cursor '{cursor[:40]}' is not one this server issued; pass the next_cursor value "
                        "from the previous answer unchanged, or omit it to start from the beginning.") from None


def table_answer(name: str, rows: list[dict[str, Any]], budget: int, *, current_token: str = "",
                 next_token: str | None = None, offset: int = 0, header: str = "",
                 pageable: bool = True) -> tuple[str, list[dict[str, Any]], str | None]:
    """Render rows as a TOON table under `budget` tokens; returns (text, shown rows, next cursor).

    If the rows do not all fit, the cursor points inside the same Kaggle page (`current_token` plus
    an offset); otherwise at Kaggle's next page. The text ends with a sentence saying how to continue.
    Tools that page by number (`pageable=False`) say how many rows were cut instead.
    """
    remaining = rows[offset:]
    count = fit_rows(remaining, max(budget - estimate_tokens(header) - 60, 200),
                     lambda rs: toon({name: rs}))
    shown = remaining[:count]
    if not pageable:
        text = "\n".join([*([header] if header else []), toon({name: shown}) if shown else f"No {name} found."])
        if count < len(remaining):
            text += (f"\n{len(remaining) - count} more {name} were cut to fit the answer size cap; narrow the "
                     "request (fewer rows or a more specific query).")
        return text, shown, None
    if count < len(remaining):
        cursor = encode_cursor(current_token, offset + count) or encode_cursor("", offset + count)
    else:
        cursor = encode_cursor(next_token, 0) if next_token else None
    parts = [header] if header else []
    parts.append(toon({name: shown}) if shown else f"No {name} found.")
    if cursor:
        parts.append(f'More {name} exist: call again with cursor="{cursor}" (same other arguments).')
    return "\n".join(parts), shown, cursor


def saved_files(files: list[SavedFile], header: str, budget: int,
                unsafe: list[str] | None = None) -> tuple[str, list[dict[str, str]]]:
    """A capped TOON listing of files written to the workspace (an unzipped archive can hold thousands),
    followed by the `unsafe` names that were skipped, so the agent knows what it is missing."""
    rows = [f.model_dump() for f in files]
    shown = rows[:fit_rows(rows, budget, lambda rs: toon({"files": rs}))]
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


def tail(text: str, lines: int) -> str:
    """The last `lines` lines of a log."""
    if lines <= 0:
        return ""
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def tail_within(text: str, max_tokens: int) -> str:
    """Keep the end of a log within the answer's budget (the end is where the error is)."""
    if estimate_tokens(text) <= max_tokens:
        return text
    kept = text[-max_tokens * 4:]
    return "[... earlier lines are in the log file ...]\n" + kept[kept.find("\n") + 1:]
