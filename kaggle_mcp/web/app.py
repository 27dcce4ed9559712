"""The HTTP app: streamable HTTP at /mcp, SSE at /sse, the KaggleIngest-compatible REST routes, the web
page at /, /health, /health/ready and /metrics.

One Starlette app so one port serves every kind of client. It binds loopback by default (the CLI's
choice); every route checks Host and Origin; when KAGGLE_MCP_HTTP_TOKEN is set, every route but /health and
the page's static shell needs `Authorization: Bearer <token>`, and without one it refuses to serve beyond
loopback (guards.py): an MCP server holding Kaggle credentials must not be an open proxy.

In multi-user mode (`settings.multi_user`) the server holds no Kaggle credentials: every request brings its
caller's own (caller_gate.py), so KAGGLE_MCP_HTTP_TOKEN does not apply (the two modes exclude each other).
Streamable HTTP then runs stateless, so any replica answers any request, and there is no SSE: its session
lives in one process's memory.
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
from kaggle_mcp.web.health import HEALTH_PATHS, health_routes
from kaggle_mcp.web.page import PAGE_PATHS, page_routes

log = logging.getLogger("kaggle_mcp.web")

# the page's shell carries no data (its script asks for the token); health and metrics carry no user data
OPEN_PATHS = {*HEALTH_PATHS, "/metrics", *PAGE_PATHS}


class ModeConflict(ValueError):
    """Settings that ask for both multi-user mode and something it excludes; the message says which to drop."""


def check_multi_user(settings: Settings, http_token: str | None) -> None:
    if http_token:
        raise ModeConflict("KAGGLE_MCP_HTTP_TOKEN is for single-user mode (one shared secret in front of the server's "
                           "own Kaggle account); in multi-user mode every caller sends their own Kaggle token. Unset "
                           "KAGGLE_MCP_HTTP_TOKEN or drop --multi-user.")
    if settings.sandbox:
        raise ModeConflict("Multi-user mode forwards each caller's own Kaggle credentials, which the embedded sandbox "
                           "does not take; drop --sandbox (KAGGLE_MCP_SANDBOX), or aim at a standalone sandbox with "
                           "KAGGLE_API_ENDPOINT.")


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
    (check_exposure; never with the sandbox, even with `insecure_no_auth`), and ModeConflict for multi-user
    mode with a token or the sandbox. A multi-user server holds no credentials to expose, so it may bind
    beyond loopback without a token."""
    from kaggle_mcp.server import build_server
    from kaggle_mcp.web.caller_gate import CallerGate
    from kaggle_mcp.web.ingest_jobs import ingest_routes
    from kaggle_mcp.web.metrics import RequestObserver, metrics_route, tool_metrics
    from kaggle_mcp.web.rest import BuildQueue, rest_routes

    multi_user = settings.multi_user
    if multi_user:
        check_multi_user(settings, http_token)
    else:
        check_exposure(host, http_token=http_token, insecure_no_auth=insecure_no_auth,
                       sandbox=settings.sandbox or settings.sandbox_fallback)
    sse_log = logging.getLogger("mcp.server.sse")
    if _NO_BODIES not in sse_log.filters:
        sse_log.addFilter(_NO_BODIES)
    security = transport_security(host, allowed_hosts_from_env() if allowed_hosts is None else allowed_hosts)
    shared = deployment or Deployment(settings)
    server = build_server(settings, deployment=shared)
    server.middleware.append(tool_metrics(server))
    http_app = server.streamable_http_app(streamable_http_path="/mcp", host=host, transport_security=security,
                                          stateless_http=multi_user)
    routes = [*http_app.routes]
    if not multi_user:
        routes += server.sse_app(sse_path="/sse", message_path="/messages/", host=host,
                                 transport_security=security).routes
    builds = BuildQueue()  # background builds of both REST dialects share one bound
    routes += [*rest_routes(shared, builds=builds), *ingest_routes(shared, builds=builds), *page_routes(shared),
               *health_routes(shared), metrics_route(shared)]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(shared.running())
            if not multi_user:
                await shared.account()  # decide sandbox vs kaggle.com once, before the first request
            await shared.store()  # opening it fails the builds a dead process left
            await stack.enter_async_context(server.session_manager.run())
            yield

    app: ASGIApp = Starlette(routes=routes, lifespan=lifespan)
    if multi_user:
        app = CallerGate(app, shared.callers, open_paths=OPEN_PATHS)
    elif http_token:
        app = BearerToken(app, http_token, open_paths=OPEN_PATHS)
    return HostOriginGuard(RequestObserver(app, routes), security)
