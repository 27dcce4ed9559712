"""What a tool call needs from its MCP request: the Account it acts as, a progress reporter, and to stop
when the client that asked has gone away."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
from mcp.server.mcpserver import Context

from kaggle_mcp.deployment import Deployment

if TYPE_CHECKING:
    from kaggle_mcp.workflows.account import Account
    from kaggle_mcp.workflows.progress import Progress

PROGRESS_INTERVAL_SECONDS = 0.2
#: where the HTTP app serves streamable HTTP; a request there holds its answer's stream open
STREAMABLE_HTTP_PATH = "/mcp"
DISCONNECT_CHECK_SECONDS = 1.0

log = logging.getLogger("kaggle_mcp.server")


class ClientGone(Exception):
    """The HTTP client of a streamable-HTTP request disconnected while its tool was still working."""


def deployment(ctx: Context) -> Deployment:
    """The server's shared parts, which its lifespan yields."""
    shared = ctx.request_context.lifespan_context
    assert isinstance(shared, Deployment), "the server's lifespan yields its Deployment"
    return shared


async def account(ctx: Context) -> Account:
    """The account this request acts as: the server's own, or in multi-user mode the caller's."""
    request: Any = getattr(ctx.request_context, "request", None)
    return await deployment(ctx).account_for(getattr(request, "scope", None))


class _Throttled:
    """Reports MCP progress at most every PROGRESS_INTERVAL_SECONDS, so a big transfer does not flood the
    client; the last report (done == total) always goes out."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.sent_at = 0.0
        self.last: tuple[float, float | None] | None = None

    async def __call__(self, done: float, total: float | None, message: str) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if (done, total) == self.last or (now - self.sent_at < PROGRESS_INTERVAL_SECONDS and not finished):
            return
        self.sent_at, self.last = now, (done, total)
        await self.ctx.report_progress(done, total, message)


def progress(ctx: Context) -> Progress:
    return _Throttled(ctx)


@asynccontextmanager
async def stopped_when_abandoned(ctx: Context | None) -> AsyncIterator[None]:
    """Cancel the work inside when the client of this streamable-HTTP request disconnects.

    A legacy streamable-HTTP client answered over its POST's own stream can drop that stream (given up,
    timed out) without a cancel notification, and the SDK keeps the tool running: a wait of minutes would
    keep polling Kaggle for nobody. Other transports end abandoned requests themselves, and an SSE
    `/messages/` POST is complete as soon as it is accepted, so only `/mcp` requests are watched.
    """
    request: Any = getattr(ctx.request_context, "request", None) if ctx is not None else None
    if request is None or getattr(getattr(request, "url", None), "path", None) != STREAMABLE_HTTP_PATH:
        yield
        return
    gone = False
    failure: BaseException | None = None
    async with anyio.create_task_group() as tg:

        async def watch() -> None:
            nonlocal gone
            while not await request.is_disconnected():
                await anyio.sleep(DISCONNECT_CHECK_SECONDS)
            gone = True
            tg.cancel_scope.cancel()

        tg.start_soon(watch)
        try:
            yield
        except BaseException as exc:  # raised again below: out here the task group would wrap it in a group
            failure = exc
        finally:
            tg.cancel_scope.cancel()
    if gone:
        log.info("the client went away; its tool call was stopped")
        raise ClientGone("the client disconnected") from failure
    if failure is not None:
        raise failure
