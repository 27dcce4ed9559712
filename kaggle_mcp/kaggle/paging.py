"""Following ``nextPageToken`` (reference §1.7) once, for every list RPC."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import TypeVar

R = TypeVar("R")
T = TypeVar("T")


async def follow_pages(
    fetch: Callable[[str], Awaitable[R]],
    items: Callable[[R], Iterable[T]],
    *,
    start_token: str = "",
    max_pages: int | None = None,
) -> AsyncGenerator[T, None]:
    """Yield items page by page until the token is empty, repeats (a server bug that would loop
    forever), or ``max_pages`` pages were read."""
    token, seen, pages = start_token, {start_token}, 0
    while True:
        page = await fetch(token)
        pages += 1
        for item in items(page):
            yield item
        token = getattr(page, "next_page_token", None) or ""
        if not token or token in seen or (max_pages is not None and pages >= max_pages):
            return
        seen.add(token)
