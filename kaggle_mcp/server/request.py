"""What a tool call needs from its MCP request: the Account it acts as, and a progress reporter."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from mcp.server.mcpserver import Context

from kaggle_mcp.deployment import Deployment

if TYPE_CHECKING:
    from kaggle_mcp.workflows.account import Account
    from kaggle_mcp.workflows.progress import Progress

PROGRESS_INTERVAL_SECONDS = 0.2


def deployment(ctx: Context) -> Deployment:
    """The server's shared parts, which its lifespan yields."""
    shared = ctx.request_context.lifespan_context
    assert isinstance(shared, Deployment), "the server's lifespan yields its Deployment"
    return shared


async def account(ctx: Context) -> Account:
    """The account this request acts as (the server's own: one Kaggle user per process)."""
    return await deployment(ctx).account()


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
