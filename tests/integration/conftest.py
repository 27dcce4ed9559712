"""Client <-> sandbox fixtures: a real KaggleClient over real HTTP to a sandbox on 127.0.0.1.

``Recorder`` wraps httpx's real transport (it still sends every byte over the socket) and keeps a
copy of each request, so tests can assert on the exact JSON bodies and headers that went out.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest

from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient


@dataclass
class Sent:
    method: str
    url: str
    headers: httpx.Headers
    body: bytes | None

    @property
    def json(self):
        return json.loads(self.body or b"{}")

    @property
    def rpc(self) -> str:
        return self.url.split("/v1/", 1)[-1] if "/v1/" in self.url else ""


class Recorder(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """Async for RPCs and uploads, sync for the download worker threads; both real sockets. `connections`
    counts the TCP connections opened (httpcore's trace events)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.inner_sync = httpx.HTTPTransport()
        self.sent: list[Sent] = []
        self.connections = 0

    def _record(self, request: httpx.Request) -> None:
        body = request.content if isinstance(request.stream, httpx.ByteStream) else None
        self.sent.append(Sent(request.method, str(request.url), request.headers.copy(), body))

    def _count(self, event: str) -> None:
        if event == "connection.connect_tcp.complete":
            self.connections += 1

    async def _atrace(self, event: str, info: dict) -> None:
        self._count(event)

    def _trace(self, event: str, info: dict) -> None:
        self._count(event)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._record(request)
        request.extensions["trace"] = self._atrace
        return await self.inner.handle_async_request(request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._record(request)
        request.extensions["trace"] = self._trace
        return self.inner_sync.handle_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def close(self) -> None:
        self.inner_sync.close()

    def bodies(self, method: str) -> list[dict]:
        return [s.json for s in self.sent if s.method == "POST" and s.rpc.endswith("/" + method)]


def sandbox_token() -> str:
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    return SANDBOX_TOKEN


@asynccontextmanager
async def open_client(sb, credentials: Credentials | None = "token", retry_seconds: float = 10.0, **settings):
    """A client on ``sb`` with the sandbox's valid token (or the given credentials)."""
    if credentials == "token":
        credentials = Credentials.token(sandbox_token(), "test token")
    recorder = Recorder()
    kc = KaggleClient(
        ClientSettings(endpoint=sb.url, retry_seconds=retry_seconds, **settings), credentials, transport=recorder
    )
    kc.recorder = recorder  # type: ignore[attr-defined]
    async with kc:
        yield kc


@pytest.fixture
def client(sandbox):
    """``async with client() as kc`` on the shared sandbox."""
    return lambda **kw: open_client(sandbox, **kw)


@pytest.fixture
def own_client(fresh_sandbox):
    """Like ``client`` but on a sandbox of this test's own: for tests that submit, push or publish,
    so the shared sandbox's world (daily submission quotas, notebook lists) stays as seeded."""
    return lambda **kw: open_client(fresh_sandbox, **kw)
