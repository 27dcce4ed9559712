"""How long work reports how far it got: `await progress(done, total, message)`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

#: done and total in the work's own unit (bytes, seconds, steps); total None when unknown
Progress = Callable[[float, float | None, str], Awaitable[None]]


async def no_progress(done: float, total: float | None, message: str) -> None:
    """The default reporter: nobody is listening."""
