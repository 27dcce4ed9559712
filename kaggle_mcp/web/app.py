"""The HTTP app: streamable HTTP at /mcp, SSE at /sse, the KaggleIngest-compatible REST routes, the web
page at /, /health.

One Starlette app so one port serves every kind of client. It binds loopback by default (the CLI's
choice); every route checks Host and Origin; when KAGGLE_MCP_HTTP_TOKEN is set, every route but /health and
the page's static shell needs `Authorization: Bearer <token>`, and without one it refuses to serve beyond
loopback (guards.py): an MCP server holding Kaggle credentials must not be an open proxy.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.types import ASGIApp

from kaggle_mcp.deployment import Deployment
from kaggle_mcp.settings import Settings
from kaggle_mcp.web.guards import BearerToken, HostOriginGuard, allowed_hosts_from_env, check_exposure, transport_security
from kaggle_mcp.web.page import PAGE_PATHS, page_routes

log = logging.getLogger("kaggle_mcp.web")

OPEN_PATHS = {"/health", *PAGE_PATHS}  # the page's shell carries no data; its script asks for the token


class _NoMessageBodies(logging.Filter):
    """The SDK's SSE transport logs every JSON-RPC message it receives and sends at DEBUG: tool arguments,
    answers with Kaggle content and signed URLs. The line stays, the body goes."""

    PREFIXES = ("Received JSON", "Validated client message", "Sending message via SSE",
                "Sending session message to writer")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(self.PREFIXES):
            record.msg, record.args = record.msg.split(":", 1)[0] + ": [body redacted]", ()
        return True


_NO_BODIES = _NoMessageBodies()


def build_app(settings: Settings, *, host: str = "127.0.0.1", http_token: str | None = None,
              deployment: Deployment | None = None, allowed_hosts: Sequence[str] | None = None,
              insecure_no_auth: bool = False) -> ASGIApp:
    """The MCP server, the REST routes and the page on one app, sharing one Deployment (one client, one store).

    `host` is the bind address; `allowed_hosts` the extra names clients reach it by (default:
    KAGGLE_MCP_ALLOWED_HOSTS). Raises guards.ExposureRefused when serving `host` without a token is unsafe
    (check_exposure; never with the sandbox, even with `insecure_no_auth`)."""
    from kaggle_mcp.server import build_server
    from kaggle_mcp.web.ingest_jobs import ingest_routes
    from kaggle_mcp.web.rest import BuildQueue, rest_routes

    check_exposure(host, http_token=http_token, insecure_no_auth=insecure_no_auth,
                   sandbox=settings.sandbox or settings.sandbox_fallback)
    sse_log = logging.getLogger("mcp.server.sse")
    if _NO_BODIES not in sse_log.filters:
        sse_log.addFilter(_NO_BODIES)
    security = transport_security(host, allowed_hosts_from_env() if allowed_hosts is None else allowed_hosts)
    shared = deployment or Deployment(settings)
    server = build_server(settings, deployment=shared)
    http_app = server.streamable_http_app(streamable_http_path="/mcp", host=host, transport_security=security)
    sse_app = server.sse_app(sse_path="/sse", message_path="/messages/", host=host, transport_security=security)
    builds = BuildQueue()  # background builds of both REST dialects share one bound
    routes = [*http_app.routes, *sse_app.routes, *rest_routes(shared, builds=builds),
              *ingest_routes(shared, builds=builds), *page_routes(shared)]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(shared.running())
            await shared.account()  # decide sandbox vs kaggle.com once, before the first request
            await shared.store()  # opening it fails the builds a dead process left
            await stack.enter_async_context(server.session_manager.run())
            yield

    app: ASGIApp = Starlette(routes=routes, lifespan=lifespan)
    if http_token:
        app = BearerToken(app, http_token, open_paths=OPEN_PATHS)
    return HostOriginGuard(app, security)
