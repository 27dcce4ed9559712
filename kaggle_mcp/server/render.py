"""What the model reads: compact TOON tables, a size cap with a way to continue, fenced Kaggle text.

Every tool answer is a `CallToolResult` whose text is written for a model (TOON for tables, a short
"next step" line) and whose `structured_content` is the same data as JSON for clients that use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from kaggle_mcp.textsafe import scrub
from kaggle_mcp.untrusted import Fence, neutralise  # adapters fence Kaggle-authored text with one Fence per answer
from kaggle_mcp.workflows.shaping import (decode_cursor, encode_cursor, estimate_tokens, fit_rows, next_cursor,
                                          page_token, plain, present_columns, toon)

__all__ = ["Fence", "estimate_tokens", "fence_overhead", "fit_rows", "neutralise", "next_cursor", "page_token",
           "result", "saved_files", "scrub", "skipped_note", "table_answer", "tail", "tail_within", "toon"]

if TYPE_CHECKING:
    from kaggle_mcp.workflows.workspace import SavedFile


def result(text: str, structured: BaseModel) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=scrub(text))],
        structured_content=plain(structured.model_dump(mode="json", by_alias=True)),
    )


def fence_overhead(source: str) -> int:
    """The tokens a fence and its note add to an answer, charged for the costliest nonce: a text cut into
    parts around them must be cut the same way on every call, whatever nonce each answer draws."""
    fence = Fence()
    costliest = ("0a" * len(fence.nonce))[:len(fence.nonce)]  # digit, letter, ...: every character a piece
    return estimate_tokens((fence.note() + fence.wrap("", source)).replace(fence.nonce, costliest))


def table_answer(name: str, rows: list[dict[str, Any]], budget: int, *, cursor: str | None = None,
                 next_cursor: str | None = None, header: str = "",
                 pageable: bool = True) -> tuple[str, list[dict[str, Any]], str | None]:
    """Render rows as a TOON table under `budget` tokens; returns (text, shown rows, next cursor).

    `rows` is the page `cursor` asked for, `next_cursor` where the page after it starts. If the rows do
    not all fit, the returned cursor points inside the same page (`cursor` plus how many rows were shown);
    otherwise it is `next_cursor`. The text ends with a sentence saying how to continue. Tools that page
    by number (`pageable=False`) say how many rows were cut instead. A column empty in every shown row
    is left out of the text (the shown rows come back whole, for the structured twin).
    """
    state = decode_cursor(cursor)
    offset = state.get("o", 0)
    remaining = rows[offset:]

    def table(some: Sequence[dict[str, Any]]) -> str:
        return toon({name: present_columns(some)})

    count = fit_rows(remaining, max(budget - estimate_tokens(header) - 60, 200), table)
    shown = remaining[:count]
    parts = [header] if header else []
    parts.append(table(shown) if shown else f"No {name} found.")
    if not pageable:
        if count < len(remaining):
            parts.append(f"{len(remaining) - count} more {name} were cut to fit the answer size cap; narrow the "
                         "request (fewer rows or a more specific query).")
        return "\n".join(parts), shown, None
    after = encode_cursor({**state, "o": offset + count}) if count < len(remaining) else next_cursor
    if after:
        parts.append(f'More {name} exist: call again with cursor="{after}" (same other arguments).')
    return "\n".join(parts), shown, after


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
