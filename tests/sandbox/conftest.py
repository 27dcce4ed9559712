"""Helpers for sandbox tests: a small RPC caller over real HTTP (httpx) against a running sandbox."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from kaggle_mcp.sandbox import SANDBOX_TOKEN

AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
SERVICES = {"S": "competitions.CompetitionApiService", "K": "kernels.KernelsApiService",
            "D": "datasets.DatasetApiService", "B": "blobs.BlobApiService", "O": "security.OAuthService"}


def make_call(base_url: str, client: httpx.Client) -> Callable[..., httpx.Response]:
    """``call("S/ListDataFiles", {...})`` POSTs to ``/v1/<service>/<Method>`` with the sandbox token."""

    def call(rpc: str, body: dict | None = None, *, headers: dict | None = None, auth: bool = True,
             prefix: str = "/v1", follow_redirects: bool = False) -> httpx.Response:
        short, _, method = rpc.partition("/")
        service = SERVICES.get(short, short)
        sent = {**(AUTH if auth else {}), **(headers or {})}
        return client.post(f"{base_url}{prefix}/{service}/{method}", json=body if body is not None else {},
                           headers=sent, follow_redirects=follow_redirects)

    return call


@pytest.fixture
def http():
    """One keep-alive client per test (building a client per request costs ~50 ms of TLS set-up)."""
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def call(sandbox, http):
    return make_call(sandbox.url, http)


@pytest.fixture
def fresh_call(fresh_sandbox, http):
    return make_call(fresh_sandbox.url, http)


@pytest.fixture
def call_on(http):
    """``call_on(sb)`` -> a caller for a sandbox of the test's own."""
    return lambda sb: make_call(sb.url, http)
