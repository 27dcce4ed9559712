"""The HTTP app: streamable HTTP at /mcp, SSE at /sse, the KaggleIngest-compatible REST routes, the web
page at /, /health.

One Starlette app so one port serves every kind of client. It binds loopback by default (the CLI's
choice) and, when KAGGLE_MCP_HTTP_TOKEN is set, every route but /health and the page's static shell needs
`Authorization: Bearer <token>`: an MCP server holding Kaggle credentials must not be an open proxy.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from kaggle_mcp.deployment import Deployment
from kaggle_mcp.settings import Settings
from kaggle_mcp.web.page import PAGE_PATHS, page_routes

log = logging.getLogger("kaggle_mcp.web")

OPEN_PATHS = {"/health", *PAGE_PATHS}  # the page's shell carries no data; its script asks for the token


class BearerToken:
    """Pure ASGI (not BaseHTTPMiddleware) so SSE and streamed responses pass through untouched."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"authorization", b"")
        if hmac.compare_digest(given, self.expected):
            await self.app(scope, receive, send)
            return
        response = JSONResponse({"error": "unauthorized", "message": "Send Authorization: Bearer <KAGGLE_MCP_HTTP_TOKEN>."},
                                status_code=401, headers={"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)


def build_app(settings: Settings, *, host: str = "127.0.0.1", http_token: str | None = None,
              deployment: Deployment | None = None) -> ASGIApp:
    """The MCP server, the REST routes and the page on one app, sharing one Deployment (one client, one store)."""
    from kaggle_mcp.server import build_server
    from kaggle_mcp.web.rest import rest_routes

    shared = deployment or Deployment(settings)
    server = build_server(settings, deployment=shared)
    http_app = server.streamable_http_app(streamable_http_path="/mcp", host=host)
    sse_app = server.sse_app(sse_path="/sse", message_path="/messages/", host=host)
    routes = [*http_app.routes, *sse_app.routes, *rest_routes(shared), *page_routes(shared)]

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
        app = BearerToken(app, http_token)
    return app
