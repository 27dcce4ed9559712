"""How long work reports how far it got: `await progress(done, total, message)`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .display import human_bytes

if TYPE_CHECKING:
    from ..kaggle.transfer import Progress as ByteProgress

#: done and total in the work's own unit (bytes, seconds, steps); total None when unknown
Progress = Callable[[float, float | None, str], Awaitable[None]]


async def no_progress(done: float, total: float | None, message: str) -> None:
    """The default reporter: nobody is listening."""


def byte_progress(progress: Progress | None, label: str) -> ByteProgress | None:
    """The client's transfer reporter (done and total bytes) as the caller's, with sizes in the message."""
    if progress is None:
        return None
    report = progress

    async def transferred(done: int, total: int | None) -> None:
        size = f"{human_bytes(done)} of {human_bytes(total)}" if total else human_bytes(done)
        await report(done, total, f"{label}: {size}")

    return transferred
