"""Fetch a notebook and cut its compact rendering into parts that each fit a token budget.

Cleaning and rendering cells is the context engine's job (`kaggle_mcp.context.notebooks`, shared with
the competition context); this module only walks the parts so read_notebook can say "part 2 of 5".
"""

from __future__ import annotations

from typing import Any

MAX_PARTS = 500


async def fetch(kc: Any, owner: str, slug: str, version: int | None) -> tuple[Any, str, str, str]:
    """(metadata, source, kernel_type, language) of one notebook version."""
    resp = await kc.kernels.get_kernel(owner, slug, version_label=f"v{version}" if version else None)
    meta, blob = resp.metadata, resp.blob
    kernel_type = (getattr(blob, "kernel_type", None) or getattr(meta, "kernel_type", None) or "script").lower()
    language = (getattr(blob, "language", None) or getattr(meta, "language", None) or "python").lower()
    return meta, getattr(blob, "source", None) or "", kernel_type, language


def split(source: str, kernel_type: str, language: str, budget: int) -> list[tuple[str, int, int]]:
    """[(text, cells, tokens)] per part; the engine's own "more cells" line is replaced by ours."""
    from kaggle_mcp.context.notebooks import clean_notebook, render_cells

    cells = clean_notebook(source, kernel_type=kernel_type, language=language)
    parts: list[tuple[str, int, int]] = []
    start = 0
    while len(parts) < MAX_PARTS:
        text, stats = render_cells(cells, budget, start=start, language=language)
        if stats.next_start is not None and "\n\n[" in text:
            text = text.rsplit("\n\n[", 1)[0]
        parts.append((text or "(empty notebook)", stats.end - stats.start, stats.tokens))
        if stats.next_start is None or stats.next_start <= start:
            break
        start = stats.next_start
    return parts


async def fetch_parts(kc: Any, owner: str, slug: str, version: int | None,
                      budget: int) -> tuple[Any, list[tuple[str, int, int]]]:
    meta, source, kernel_type, language = await fetch(kc, owner, slug, version)
    return meta, split(source, kernel_type, language, budget)
