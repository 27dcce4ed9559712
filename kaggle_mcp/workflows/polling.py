"""Waiting for Kaggle: poll a state until it is final or the caller's time is up, backing off.

Every wait of the workflows (a run's end, a submission's score, a cancel's acknowledgement) goes through
`poll`, so each is bounded the same way: by the caller's `wait_seconds`, by the account's longest wait
(an HTTP server cannot tell that a legacy client has gone away, so its waits are capped), and by the
account's number of waits in flight (past it a call checks once instead of waiting, so abandoned waits
cannot pile up polls on Kaggle). A cancelled request stops at its next await.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import anyio

from .account import Account
from .progress import Progress

T = TypeVar("T")


@dataclass(frozen=True)
class Polled(Generic[T]):
    """The last state seen, how long was waited, and why the wait was cut short (None: it was not)."""

    value: T
    waited: float
    cut_short: str | None = None


async def poll(account: Account, check: Callable[[], Awaitable[T]], final: Callable[[T], bool], wait_seconds: float,
               progress: Progress | None, say: Callable[[T, float], str], *, first_delay: float = 2.0,
               longest_delay: float = 15.0) -> Polled[T]:
    """`check()` until `final(state)` or `wait_seconds` have passed; `say(state, waited)` is the progress line."""
    value = await check()
    if final(value) or wait_seconds <= 0:
        return Polled(value, 0.0)
    limit, cut_short = min(wait_seconds, account.max_wait_seconds), None
    if limit < wait_seconds:
        cut_short = f"this server waits at most {account.max_wait_seconds:.0f} s per call"
    try:
        account.waits.acquire_nowait()
    except anyio.WouldBlock:
        return Polled(value, 0.0, f"{account.waits.total_tokens:.0f} waits are already in flight on this server, so "
                                  "this call checked once instead of waiting")
    try:
        start, delay = anyio.current_time(), first_delay
        while True:
            waited = anyio.current_time() - start
            if waited + 0.5 >= limit:
                return Polled(value, round(waited, 1), cut_short)
            if progress is not None:
                await progress(waited, limit, say(value, waited))
            await anyio.sleep(min(delay, max(limit - waited, 0.5)))
            delay = min(delay * 1.5, longest_delay)
            value = await check()
            if final(value):
                return Polled(value, round(anyio.current_time() - start, 1))
    finally:
        account.waits.release()
