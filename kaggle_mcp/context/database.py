"""Which database a process keeps its contexts in, and opening it: `open_store(url)`.

Kept apart from the contract (`store`) so that neither implementation imports the module that chooses
between them. PostgreSQL's driver is imported only when a `postgresql://` URL asks for it.
"""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio

from .store import DEFAULT_LEASE_SECONDS, DEFAULT_TTL_SECONDS, JOB_TIMEOUT_SECONDS, ContextStore

__all__ = ["lease_seconds", "open_store"]


def lease_seconds() -> float:
    """`KAGGLE_MCP_BUILD_LEASE_SECONDS`: how soon a dead builder's claim passes to another process."""
    raw = os.environ.get("KAGGLE_MCP_BUILD_LEASE_SECONDS")
    if not raw:
        return DEFAULT_LEASE_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 1 <= value <= JOB_TIMEOUT_SECONDS:
        raise ValueError(f"KAGGLE_MCP_BUILD_LEASE_SECONDS must be a number of seconds between 1 and "
                         f"{JOB_TIMEOUT_SECONDS}, got {raw!r}")
    return value


@asynccontextmanager
async def open_store(url: str | None = None, *, sqlite_path: Path | None = None, ttl_seconds: float = DEFAULT_TTL_SECONDS,
                     lease: float | None = None) -> AsyncIterator[ContextStore]:
    """The store a process runs on: PostgreSQL for a `postgresql://` (or `postgres://`) URL, else the
    SQLite file (`sqlite_path`, default `$KAGGLE_MCP_CACHE_DIR/context.sqlite3`). Migrations are applied
    before it is yielded; it is closed after. `lease` defaults to `lease_seconds()`. Raises
    StoreUnavailable when the database cannot be reached and ValueError for a URL of another kind."""
    lease = lease_seconds() if lease is None else lease
    if url is None:
        from .sqlite_store import SqliteStore

        store = await anyio.to_thread.run_sync(lambda: SqliteStore(sqlite_path, ttl_seconds, lease_seconds=lease))
        try:
            yield store
        finally:
            with anyio.CancelScope(shield=True):
                await store.aclose()
        return
    if url.split("://", 1)[0] not in ("postgresql", "postgres"):
        raise ValueError("KAGGLE_MCP_DATABASE_URL must be a postgresql:// URL (unset it for the embedded SQLite "
                         "store)")
    from .postgres_store import PostgresStore

    async with PostgresStore.open(url, ttl_seconds=ttl_seconds, lease_seconds=lease) as pg:
        yield pg
