"""Shaping answers for a model, the same for every front end: TOON, token budgets, cursors, parts.

Every list a workflow returns is paged by an opaque cursor (Kaggle's own page token, wrapped so the
caller passes it back unchanged; a front end that shows only part of a page adds how many rows it
showed), and every long text is cut into parts that each fit a token budget. The MCP adapter, the REST
API and the CLI render with these same helpers, so a budget means the same thing everywhere.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from ..context.tokens import estimate_tokens
from ..textsafe import scrub
from ..untrusted import neutralise
from .errors import WorkflowError

__all__ = ["decode_cursor", "encode_cursor", "estimate_tokens", "fit_rows", "next_cursor", "pack_parts",
           "page_token", "plain", "present_columns", "toon"]


def plain(value: Any) -> Any:
    """JSON-ready data: models dumped, dates as ISO text, lone surrogates replaced, fence look-alikes defused."""
    if isinstance(value, BaseModel):
        return plain(value.model_dump(mode="json"))
    if isinstance(value, dict):
        return {scrub(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):  # a table cell may be Kaggle-authored: it must not be able to forge a fence
        return neutralise(scrub(value))
    return value


def toon(data: Any) -> str:
    """TOON through the official library (imported on first use: it is slow to import)."""
    import toon_format

    return str(toon_format.encode(plain(data)))


def present_columns(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows without the columns that are empty in every row (a table of topics has no `place` column
    unless one of them is a write-up), so a TOON table spends no tokens on a column of nulls."""
    keep = [key for key in (rows[0] if rows else {}) if any(row.get(key) not in (None, [], "") for row in rows)]
    return [{key: row.get(key) for key in keep} for row in rows]


def fit_rows(rows: Sequence[Any], budget: int, render: Callable[[Sequence[Any]], str]) -> int:
    """How many leading rows fit ``budget`` tokens once rendered (at least one, so a page always moves on)."""
    if not rows or estimate_tokens(render(rows)) <= budget:
        return len(rows)
    lo, hi = 1, len(rows)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if estimate_tokens(render(rows[:mid])) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo


def encode_cursor(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    """The state a cursor carries ({} for none): ``t`` Kaggle's page token, ``o`` how many rows of that page
    were already shown. A cursor this server did not issue is the caller's error."""
    if not cursor:
        return {}
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        state = None
    offset = state.get("o", 0) if isinstance(state, dict) else None
    if not (isinstance(state, dict) and isinstance(state.get("t", ""), str | int) and type(offset) is int
            and offset >= 0):
        raise WorkflowError(f"Cursor '{cursor[:40]}' was not issued by this server.",
                            "Pass next_cursor from the previous answer unchanged, or omit it to start over.")
    return state


def page_token(cursor: str | None) -> str:
    """Kaggle's page token inside a cursor ('' for the first page)."""
    return str(decode_cursor(cursor).get("t", ""))


def next_cursor(token: str | None) -> str | None:
    """The cursor of Kaggle's next page, or None when there is none."""
    return encode_cursor({"t": token}) if token else None


def pack_parts(blocks: Sequence[str], max_tokens: int, reserve: int = 0) -> list[list[int]]:
    """Group consecutive blocks into parts of at most ``max_tokens`` each (``reserve`` is kept for the part's
    own header). Every block is in exactly one part, in order; a block too big for any part gets a part of
    its own (the caller trims it first)."""
    parts: list[list[int]] = [[]]
    used = 0
    for index, block in enumerate(blocks):
        cost = estimate_tokens(block) + 1
        if parts[-1] and used + cost > max_tokens - reserve:
            parts.append([])
            used = 0
        parts[-1].append(index)
        used += cost
    return parts if parts[-1] else parts[:-1] or [[]]
