"""Every Kaggle client of the process verifies TLS with one trust store, loaded once (kaggle/tls.py)."""

from __future__ import annotations

import ssl

import httpx
import pytest

from kaggle_mcp.kaggle.client import ClientSettings, KaggleClient
from kaggle_mcp.kaggle.tls import trust_store

pytestmark = pytest.mark.anyio


def _context_of(client: httpx.AsyncClient | httpx.Client) -> ssl.SSLContext:
    return client._transport._pool._ssl_context  # httpx's own wiring: the context its pool connects with


async def test_clients_share_one_verifying_trust_store():
    store = trust_store()
    assert store is trust_store()
    assert store.verify_mode == ssl.CERT_REQUIRED and store.check_hostname
    reference = httpx.create_ssl_context()  # what httpx would have loaded for each client
    assert len(store.get_ca_certs()) == len(reference.get_ca_certs()) > 50
    settings = ClientSettings(endpoint="https://api.kaggle.com")
    first, second = KaggleClient(settings), KaggleClient(settings)
    try:
        assert _context_of(first.http) is _context_of(second.http) is store
        assert _context_of(first.sync_http) is store
    finally:
        await first.aclose()
        await second.aclose()
