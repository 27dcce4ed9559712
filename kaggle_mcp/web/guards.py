"""What stands between the network and the HTTP app: who may bind where, Host/Origin, the bearer token,
and how much of a body is read.

The server holds Kaggle credentials and, on the sandbox, runs pushed code on this machine, so:

- `check_exposure` refuses a non-loopback bind without `KAGGLE_MCP_HTTP_TOKEN` (an explicit
  `insecure_no_auth` overrides, never with the sandbox: that would be remote code execution for anyone
  who can reach the port).
- `HostOriginGuard` applies to every route the rules the MCP SDK applies to `/mcp` (its own
  `TransportSecurityMiddleware`): a Host outside the allow-list is 421, a cross-site Origin 403. That
  stops DNS rebinding (a page on evil.example resolving to 127.0.0.1) and CSRF from a browser. The SDK
  turns these checks off for non-loopback binds; here they stay on, and a real hostname is added with
  `KAGGLE_MCP_ALLOWED_HOSTS`.
- `BearerToken` requires `Authorization: Bearer <token>` on every route but the open ones (`/health`, the
  web page's static shell), websockets included.
- `read_capped` reads a body while counting, so a 300 MB or chunked body costs at most the cap.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Collection, Sequence

from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from kaggle_mcp.bearer import carries_bearer

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
ALLOWED_HOSTS_ENV = "KAGGLE_MCP_ALLOWED_HOSTS"


class ExposureRefused(Exception):
    """Serving as asked would expose the account (or this machine) to the network; the message says how
    to serve safely."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, *, http_token: str | None, insecure_no_auth: bool = False, sandbox: bool = False) -> None:
    """Raise ExposureRefused unless serving on `host` is safe. `sandbox` must be true whenever the server may
    run on the embedded sandbox (asked for, or the fallback when no credentials are configured)."""
    if is_loopback(host) or http_token:
        return
    if sandbox:
        raise ExposureRefused(
            f"Refusing to serve the sandbox on {host} without KAGGLE_MCP_HTTP_TOKEN: a notebook pushed to the "
            "sandbox runs on this machine, so anyone who can reach the port could run code here "
            "(--insecure-no-auth does not lift this). Set KAGGLE_MCP_HTTP_TOKEN=$(openssl rand -hex 16) "
            "(clients then send Authorization: Bearer <token>), or bind 127.0.0.1.")
    if not insecure_no_auth:
        raise ExposureRefused(
            f"Refusing to serve on {host} without KAGGLE_MCP_HTTP_TOKEN: anyone who can reach the port could act "
            "as your Kaggle account. Set KAGGLE_MCP_HTTP_TOKEN=$(openssl rand -hex 16) (clients then send "
            "Authorization: Bearer <token>), bind 127.0.0.1, or pass --insecure-no-auth if a proxy in front "
            "of this server authenticates every request.")


def allowed_hosts_from_env() -> list[str]:
    """`KAGGLE_MCP_ALLOWED_HOSTS`: comma-separated host names (or host:port) clients use to reach the app."""
    return [h.strip() for h in os.environ.get(ALLOWED_HOSTS_ENV, "").split(",") if h.strip()]


def transport_security(bind_host: str, allowed_hosts: Sequence[str]) -> TransportSecuritySettings:
    """Loopback names, the bound address (unless a wildcard) and the allow-list; for each, any port, and
    http/https origins. Given to the SDK's transports and to `HostOriginGuard` alike."""
    names = list(LOOPBACK_HOSTS)
    if bind_host not in ("0.0.0.0", "::", "") and not is_loopback(bind_host):
        names.append(f"[{bind_host}]" if ":" in bind_host else bind_host)
    names += allowed_hosts
    hosts, origins = [], []
    for name in dict.fromkeys(names):
        bare = name if name.endswith("]") or ":" not in name else None  # "example.com:8443" keeps its port
        hosts += [name, f"{name}:*"] if bare else [name]
        for scheme in ("http", "https"):
            origins += [f"{scheme}://{name}", f"{scheme}://{name}:*"] if bare else [f"{scheme}://{name}"]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


def passes_gates(scope: Scope, open_paths: Collection[str] = ()) -> bool:
    """What no gate checks: scopes that are not requests (the lifespan), and plain HTTP to `open_paths`."""
    return scope["type"] not in ("http", "websocket") or (scope["type"] == "http" and scope.get("path") in open_paths)


async def refuse(response: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """A gate's refusal: `response` to an HTTP request; a websocket is closed with 1008 (policy violation)."""
    if scope["type"] == "websocket":
        await WebSocketClose(code=1008)(scope, receive, send)
    else:
        await response(scope, receive, send)


class HostOriginGuard:
    """The SDK's Host/Origin validation in front of every route (pure ASGI, so SSE streams pass untouched)."""

    def __init__(self, app: ASGIApp, settings: TransportSecuritySettings) -> None:
        self.app = app
        self.check = TransportSecurityMiddleware(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not passes_gates(scope):
            refused = await self.check.validate_request(HTTPConnection(scope))  # type: ignore[arg-type]
            if refused is not None:
                await refuse(refused, scope, receive, send)
                return
        await self.app(scope, receive, send)


class BearerToken:
    """`Authorization: Bearer <token>` on every http and websocket request but `open_paths`; the lifespan
    passes. Pure ASGI (not BaseHTTPMiddleware) so SSE and streamed responses pass through untouched."""

    def __init__(self, app: ASGIApp, token: str, *, open_paths: Collection[str]) -> None:
        self.app = app
        self.token = token
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if passes_gates(scope, self.open_paths) or carries_bearer(scope, self.token):
            await self.app(scope, receive, send)
            return
        response = JSONResponse({"error": "unauthorized", "message": "Send Authorization: Bearer <KAGGLE_MCP_HTTP_TOKEN>."},
                                status_code=401, headers={"WWW-Authenticate": "Bearer"})
        await refuse(response, scope, receive, send)


class BodyTooLarge(Exception):
    """The body went past the cap; nothing more of it was read."""


async def read_capped(request: Request, cap: int) -> bytes:
    """The whole body, or BodyTooLarge as soon as the declared length or the bytes received pass `cap`
    (chunked bodies declare nothing, so the count while streaming is what binds)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise BodyTooLarge()
    return bytes(body)


def replayed(request: Request, body: bytes) -> Request:
    """A request whose body is `body` (already read), for parsers that read the stream themselves."""
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
