"""Workflow fixtures: an Account whose client talks to a real sandbox over HTTP, with its own workspace."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from kaggle_mcp.context import SqliteStore
from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
from kaggle_mcp.workflows.account import Account
from kaggle_mcp.workflows.workspace import Workspace


@asynccontextmanager
async def open_account(sb, root, read_only: bool = False):
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    store = SqliteStore(root / "contexts.db")

    async def opened() -> SqliteStore:
        return store

    try:
        async with KaggleClient(ClientSettings(endpoint=sb.url, retry_seconds=10, list_cache_seconds=0),
                                Credentials.token(SANDBOX_TOKEN, "test token")) as kc:
            yield Account(kc, Workspace(root / "workspace"), opened, read_only=read_only, sandbox=True)
    finally:
        store.close()


@pytest.fixture
def account(sandbox, tmp_path):
    """``async with account() as a`` on the shared sandbox."""
    return lambda **kw: open_account(sandbox, tmp_path, **kw)


@pytest.fixture
def own_account(fresh_sandbox, tmp_path):
    """On a sandbox of this test's own, for tests that push, publish or cancel."""
    return lambda **kw: open_account(fresh_sandbox, tmp_path, **kw)

