"""The HTTP app: streamable HTTP at /mcp, SSE at /sse, the KaggleIngest-compatible REST routes, /health.

One Starlette app so one port serves every kind of client. It binds loopback by default (the CLI's
choice) and, when KAGGLE_MCP_HTTP_TOKEN is set, every route but /health needs
`Authorization: Bearer <token>`: an MCP server holding Kaggle credentials must not be an open proxy.
"""

from __future__ import annotations

import hmac
import logging
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("kaggle_mcp.web")

OPEN_PATHS = {"/health"}


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


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def _rest_routes(server: Any, state_ref: dict[str, Any]) -> list[Route]:
    """The context engine's REST routes (sharing the tools' store); /health stays ours."""
    try:
        from kaggle_mcp.web.rest import rest_routes
    except ImportError:
        log.info("context REST routes unavailable (kaggle_mcp.web.rest not importable)")
        return []

    def make_client(credentials: Any) -> Any:
        return state_ref["state"].make_client(credentials)

    routes = rest_routes(make_client, server.shared_state.context_store())
    return [r for r in routes if getattr(r, "path", None) not in OPEN_PATHS]


def build_app(server: Any, *, host: str = "127.0.0.1", http_token: str | None = None) -> ASGIApp:
    """Everything on one app; `server` comes from kaggle_mcp.server.build_server."""
    http_app = server.streamable_http_app(streamable_http_path="/mcp", host=host)
    sse_app = server.sse_app(sse_path="/sse", message_path="/messages/", host=host)
    state_ref: dict[str, Any] = {}
    routes = [*http_app.routes, *sse_app.routes, *_rest_routes(server, state_ref), Route("/health", health, methods=["GET"])]

    @asynccontextmanager
    async def lifespan(_: Starlette):
        async with AsyncExitStack() as stack:
            state = await stack.enter_async_context(server.shared_state.use())
            await state.target()  # decide sandbox vs kaggle.com once, before the first request
            state_ref["state"] = state
            await stack.enter_async_context(server.session_manager.run())
            yield

    app: ASGIApp = Starlette(routes=routes, lifespan=lifespan)
    if http_token:
        app = BearerToken(app, http_token)
    return app
