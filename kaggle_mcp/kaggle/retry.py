"""When to try a call again, and how long to wait (reference §6), expressed with tenacity.

Reads (``"read"``): 429 (waiting what ``Retry-After`` says, seconds or HTTP-date), 502/503/504 and
connection level failures (jittered exponential backoff). Other 4xx and 500 are never retried
(retrying cannot fix them), nor is a request httpx refuses to send (an invalid header value).

A connection that cannot be made at all (DNS failure, refused) is retried only briefly (``UNREACHABLE_*``):
a blip passes in a second, while an offline machine stays offline, and its user should hear so in seconds,
not after the minute-long budget meant for a busy Kaggle.

Writes Kaggle does not make idempotent (CreateSubmission, SaveKernel, CreateDataset...) use
``"unsent"``: retried only on failures that prove the request never took effect (429, a connection
that could not be opened). A dropped or garbled answer may hide a success, so it is never retried:
the caller is told to check before repeating. ``"never"`` is a single attempt.

The whole sequence is bounded by a time budget: a wait that would cross it is not started, and the
last error is raised as is, so an agent hears "rate limited, retry after N s" instead of hanging.
"""

from __future__ import annotations

import logging
from typing import Literal

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
    stop_before_delay,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from .errors import GarbledResponse, KaggleError, RateLimited, ServerError
from .protocol import describe_transport_failure

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({502, 503, 504})
RetryMode = Literal["read", "unsent", "never"]
#: attempts and seconds spent on a host that cannot be connected to (DNS failure, connection refused)
UNREACHABLE_ATTEMPTS = 3
UNREACHABLE_SECONDS = 2.0


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, RateLimited | GarbledResponse):
        return True
    if isinstance(exc, ServerError):
        return exc.status in RETRYABLE_STATUSES
    if isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol):
        return False  # the same request would be refused again
    return isinstance(exc, httpx.TransportError)


def is_unsent(exc: BaseException) -> bool:
    """The server never acted on the request: a rate-limit refusal, or no connection was made."""
    return isinstance(exc, RateLimited | httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


class ServerHintedWait:
    """Honour the server's Retry-After on 429; otherwise full-jitter exponential backoff."""

    def __init__(self, initial: float, maximum: float) -> None:
        self._backoff = wait_random_exponential(multiplier=initial, max=maximum)
        self._unreachable_backoff = wait_random_exponential(multiplier=0.25, max=UNREACHABLE_SECONDS / 2)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return exc.retry_after
        if isinstance(exc, httpx.ConnectError):
            return float(self._unreachable_backoff(state))
        return float(self._backoff(state))


class stop_when_unreachable(stop_base):  # noqa: N801 - named like tenacity's own stop conditions
    """Stop retrying a host that still cannot be connected to after a few quick attempts."""

    def __call__(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        elapsed = state.seconds_since_start or 0.0
        return isinstance(exc, httpx.ConnectError) and (
            state.attempt_number >= UNREACHABLE_ATTEMPTS or elapsed >= UNREACHABLE_SECONDS
        )


def _describe(exc: BaseException | None) -> str:
    """Kaggle's message for its own errors; for transport failures our words, never httpx's text."""
    if exc is None or isinstance(exc, KaggleError):
        return str(exc)
    return describe_transport_failure(exc)


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.info("attempt %d failed (%s); retrying in %.2f s", state.attempt_number, _describe(exc), wait)


def retrying(
    budget_seconds: float, max_attempts: int, *, mode: RetryMode = "read", initial: float = 0.5, maximum: float = 20.0
) -> AsyncRetrying:
    """A fresh tenacity controller: ``async for attempt in retrying(...): with attempt: ...``."""
    if mode == "never":
        return single_attempt()
    return AsyncRetrying(
        retry=retry_if_exception(is_retryable if mode == "read" else is_unsent),
        wait=ServerHintedWait(initial, maximum),
        stop=stop_any(stop_before_delay(budget_seconds), stop_after_attempt(max_attempts), stop_when_unreachable()),
        before_sleep=_log_retry,
        reraise=True,
    )


def single_attempt() -> AsyncRetrying:
    """For writes that must never be repeated blindly."""
    return AsyncRetrying(stop=stop_after_attempt(1), reraise=True)
