"""The hosted store: one PostgreSQL database shared by every replica (psycopg 3, async, with a pool).

Selected by `KAGGLE_MCP_DATABASE_URL=postgresql://...`. Migrations (`migrations/postgres/*.sql`) are
applied at open inside one transaction that first takes a transaction-scoped advisory lock, so replicas
starting together apply each migration once and the others wait, then find nothing to do; the applied
versions are rows of `kaggle_mcp_schema_migrations`.

A claim is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE <the claim is free>`: PostgreSQL locks the
row, and a second claimer waits for the first to commit and then sees the row as claimed, so exactly one
wins. Lease times come from the database's clock, never a replica's.

Every completed or failed build sends `NOTIFY kaggle_mcp_contexts` in its transaction; each replica
LISTENs on a connection of its own and drops the key from memory at once, and wakes its waiters. So a
rebuild is seen everywhere within a notification's delivery time, and a remembered result needs no
periodic re-read while the LISTEN connection is up. When that connection drops, memory falls back to
re-reading every RECHECK_SECONDS and waiters to polling, until it is back (and everything remembered is
dropped then, since changes may have been missed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Json, Jsonb
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from .migrations import migrations
from .store import (JOB_TIMEOUT_SECONDS, KEEP_SECONDS, BuildSummary, Claim, ContextStore, JobRow, StoreHealth,
                    StoreUnavailable, Watch)

__all__ = ["PostgresStore"]

log = logging.getLogger(__name__)

CHANNEL = "kaggle_mcp_contexts"
POOL_MAX_SIZE = 10
CONNECT_SECONDS = 10.0
WAIT_SECONDS = 5.0  # how long a request waits for a pooled connection (through a database restart, say)
HEALTH_SECONDS = 2.0  # a readiness probe must answer before the load balancer's own timeout
POLL_SECONDS = 0.2  # how waiters poll while the LISTEN connection is down
LISTENING_POLL_SECONDS = 5.0  # a safety net only: a notification normally wakes them
MIGRATION_LOCK = 0x6B61676D  # "kagm": pg_advisory_xact_lock key serialising migrations
NOW = "extract(epoch FROM clock_timestamp())::double precision"

_CLAIM = f"""
INSERT INTO kaggle_mcp_contexts AS c (key, competition, params, status, title, pid, owner, started_at, lease_until)
VALUES (%(key)s, %(competition)s, %(params)s, 'processing', %(title)s, %(pid)s, %(owner)s, {NOW}, {NOW} + %(lease)s)
ON CONFLICT (key) DO UPDATE SET status = 'processing', error = NULL, pid = excluded.pid, owner = excluded.owner,
    started_at = excluded.started_at, finished_at = NULL, lease_until = excluded.lease_until,
    title = COALESCE(excluded.title, c.title)
WHERE c.status <> 'processing' OR c.owner = excluded.owner OR c.lease_until < excluded.started_at
    OR c.started_at < excluded.started_at - %(timeout)s OR %(steal)s
RETURNING owner, lease_until
"""
_COMPLETE = f"""
WITH done AS (
    UPDATE kaggle_mcp_contexts SET title = COALESCE(%(title)s, title), toon = %(toon)s, data = %(data)s,
        built_at = {NOW},
        status = CASE WHEN owner = %(owner)s THEN 'completed' ELSE status END,
        finished_at = CASE WHEN owner = %(owner)s THEN {NOW} ELSE finished_at END,
        error = CASE WHEN owner = %(owner)s THEN NULL ELSE error END
    WHERE key = %(key)s RETURNING *)
SELECT done.*, pg_notify('{CHANNEL}', %(payload)s) FROM done
"""
_FAIL = f"""
WITH failed AS (
    UPDATE kaggle_mcp_contexts SET status = 'failed', error = %(error)s, finished_at = {NOW}
    WHERE key = %(key)s AND owner = %(owner)s AND status = 'processing' RETURNING key)
SELECT pg_notify('{CHANNEL}', %(payload)s) FROM failed
"""


def _row(raw: dict[str, Any] | None) -> JobRow | None:
    if raw is None:
        return None
    return JobRow(
        key=raw["key"], competition=raw["competition"], params=raw["params"], status=raw["status"],
        title=raw["title"], error=raw["error"], pid=raw["pid"], owner=raw["owner"], started_at=raw["started_at"],
        finished_at=raw["finished_at"], toon=raw["toon"], data=raw["data"], built_at=raw["built_at"],
        lease_until=raw["lease_until"])


def address(url: str) -> str:
    """`user@host:port/db` of a connection URL: enough to say which database, never its password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the database in KAGGLE_MCP_DATABASE_URL"
    host = info.get("host") or "localhost"
    where = f"{host}:{info['port']}" if info.get("port") else str(host)
    user = f"{info['user']}@" if info.get("user") else ""
    return f"postgresql://{user}{where}/{info.get('dbname') or ''}"


def _unavailable(where: str, exc: BaseException) -> StoreUnavailable:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # libpq quotes a URL it cannot parse, password and all
    reason = re.sub(r"password\s*=\s*\S+", "password=***", re.sub(r"\w+://[^\s\"']*", "<the URL>", reason))
    return StoreUnavailable(f"PostgreSQL at {where} is unavailable ({reason}): check that it is running and that "
                            "KAGGLE_MCP_DATABASE_URL names it")


class PostgresStore(ContextStore):
    """Open it with `async with PostgresStore.open(url) as store:` (or `context.database.open_store`)."""

    backend = "postgresql"

    def __init__(self, pool: AsyncConnectionPool[psycopg.AsyncConnection[DictRow]], where: str, ttl_seconds: float,
                 lease_seconds: float) -> None:
        super().__init__(ttl_seconds, lease_seconds)
        self.pool = pool
        self.where = where
        self._watches: dict[str, set[Watch]] = {}
        self._listening = False
        self._first_listen = anyio.Event()
        self._listener: asyncio.Task[None] | None = None

    @classmethod
    @asynccontextmanager
    async def open(cls, url: str, *, ttl_seconds: float, lease_seconds: float) -> AsyncIterator[PostgresStore]:
        store = await cls.connect(url, ttl_seconds=ttl_seconds, lease_seconds=lease_seconds)
        try:
            yield store
        finally:
            with anyio.CancelScope(shield=True):
                await store.aclose()

    @classmethod
    async def connect(cls, url: str, *, ttl_seconds: float, lease_seconds: float) -> PostgresStore:
        """An open store (close it with `aclose`): pool filled, migrations applied, LISTEN started.

        The LISTEN loop is an asyncio task of its own, not a child of the caller's task group: a
        deployment opens its store in whichever request needs it first and closes it in another task."""
        where = address(url)
        try:  # one connection first: a refused connection or a bad password fails at once, in its own words
            probe = await psycopg.AsyncConnection.connect(url, connect_timeout=int(CONNECT_SECONDS))
        except psycopg.Error as exc:
            raise _unavailable(where, exc) from None
        await probe.close()
        pool = AsyncConnectionPool(
            url, connection_class=psycopg.AsyncConnection[DictRow], min_size=1, max_size=POOL_MAX_SIZE, open=False,
            timeout=WAIT_SECONDS, name="kaggle-mcp-store",
            kwargs={"autocommit": True, "row_factory": dict_row, "connect_timeout": int(CONNECT_SECONDS)},
            # a connection broken by a database restart is replaced before it fails a request
            check=AsyncConnectionPool.check_connection)
        try:
            await pool.open(wait=True, timeout=CONNECT_SECONDS)
            store = cls(pool, where, ttl_seconds, lease_seconds)
            await store._migrate()
            await store._upkeep()
        except (PoolTimeout, psycopg.Error) as exc:  # e.g. no right to create tables: in the database's words
            await pool.close()
            raise _unavailable(where, exc) from None
        except BaseException:
            await pool.close()
            raise
        store._listener = asyncio.get_running_loop().create_task(store._listen(url))
        with anyio.move_on_after(CONNECT_SECONDS):
            await store._first_listen.wait()  # until LISTEN is on (or has failed once: then we poll)
        return store

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        await self.pool.close()

    @asynccontextmanager
    async def _connection(self, timeout: float | None = None) -> AsyncIterator[psycopg.AsyncConnection[DictRow]]:
        try:
            async with self.pool.connection(timeout) as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise _unavailable(self.where, exc) from None

    async def _one(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = (), *,
                   timeout: float | None = None) -> dict[str, Any] | None:
        async with self._connection(timeout) as conn:
            cursor = await conn.execute(sql, params)
            return await cursor.fetchone()

    async def _migrate(self) -> None:
        async with self._connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await conn.execute("CREATE TABLE IF NOT EXISTS kaggle_mcp_schema_migrations (version integer PRIMARY KEY,"
                               " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
            cursor = await conn.execute("SELECT version FROM kaggle_mcp_schema_migrations")
            applied = {row["version"] for row in await cursor.fetchall()}
            for migration in migrations("postgres"):
                if migration.version not in applied:
                    log.info("context store: applying PostgreSQL migration %04d %s", migration.version, migration.name)
                    await conn.execute(migration.sql.encode())  # bytes: no placeholders, several statements
                    await conn.execute("INSERT INTO kaggle_mcp_schema_migrations (version, name) VALUES (%s, %s)",
                                       (migration.version, migration.name))

    async def _upkeep(self) -> None:
        """Fail jobs whose builder is gone (so the REST API stops showing them) and forget week-old rows."""
        async with self._connection() as conn:
            cursor = await conn.execute(
                f"""UPDATE kaggle_mcp_contexts SET status = 'failed', finished_at = {NOW},
                        error = CASE WHEN started_at < {NOW} - %(timeout)s THEN 'build timed out'
                                     ELSE 'build abandoned: its lease ran out' END
                    WHERE status = 'processing' AND (lease_until < {NOW} OR started_at < {NOW} - %(timeout)s)""",
                {"timeout": JOB_TIMEOUT_SECONDS})
            if cursor.rowcount:
                log.warning("context store: marked %d abandoned job(s) as failed", cursor.rowcount)
            await conn.execute(
                f"""DELETE FROM kaggle_mcp_contexts WHERE status <> 'processing'
                    AND COALESCE(finished_at, started_at) < {NOW} - %(keep)s
                    AND COALESCE(built_at, 0) < {NOW} - %(keep)s""",
                {"keep": KEEP_SECONDS})

    # -- change notifications ----------------------------------------------------------------------

    async def _listen(self, url: str) -> None:
        """LISTEN for other replicas' changes for as long as the store is open, reconnecting with backoff."""
        backoff = 0.1
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=int(CONNECT_SECONDS))
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if self._first_listen.is_set():
                        log.info("context store: change notifications from %s are back", self.where)
                    self._set_listening(True)
                    self._first_listen.set()
                    backoff = 0.1
                    async for note in conn.notifies():
                        owner, _, key = note.payload.partition(" ")
                        if owner != self.owner:  # our own changes are already in memory
                            self._changed(key)
            except psycopg.Error as exc:
                (log.warning if self._listening else log.debug)(
                    "context store: change notifications from %s interrupted (%s); reconnecting", self.where,
                    type(exc).__name__)
            finally:
                self._set_listening(False)
            self._first_listen.set()  # open anyway: memory and waiters fall back to polling
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    def _set_listening(self, listening: bool) -> None:
        if listening == self._listening:
            return
        self._listening = listening
        self.recent.forget()  # changes made while nobody listened may have been missed
        self.recent.trusted_since = self.recent.clock() if listening else math.inf
        for watches in self._watches.values():
            for watch in watches:
                watch.changed.set()

    def _changed(self, key: str) -> None:
        self.recent.forget(key)
        for watch in self._watches.get(key, ()):
            watch.changed.set()

    @asynccontextmanager
    async def watch(self, key: str) -> AsyncIterator[Watch]:
        watch = Watch(LISTENING_POLL_SECONDS if self._listening else POLL_SECONDS)
        self._watches.setdefault(key, set()).add(watch)
        try:
            yield watch
        finally:
            watches = self._watches[key]
            watches.discard(watch)
            if not watches:
                del self._watches[key]

    # -- rows --------------------------------------------------------------------------------------

    async def get(self, key: str) -> JobRow | None:
        return _row(await self._one("SELECT * FROM kaggle_mcp_contexts WHERE key = %s", (key,)))

    async def latest(self, competition: str, job: str | None = None, *, any_job: bool = False,
                     entrants: bool = False) -> JobRow | None:
        return _row(await self._one(
            "SELECT * FROM kaggle_mcp_contexts WHERE competition = %s"
            " AND (%s OR params->>'job' IS NOT DISTINCT FROM %s)"
            " AND (params->>'scope' IS DISTINCT FROM 'entrants' OR %s) ORDER BY started_at DESC LIMIT 1",
            (competition, any_job, job, entrants)))

    async def recent_builds(self, limit: int = 10) -> list[BuildSummary]:
        async with self._connection() as conn:
            cursor = await conn.execute(
                "SELECT competition, title, built_at, (params->>'top_notebooks')::integer AS top_notebooks,"
                " (data::jsonb #>> '{stats,tokens_estimated}')::integer AS tokens FROM kaggle_mcp_contexts"
                " WHERE toon IS NOT NULL AND params->>'job' IS NULL ORDER BY built_at DESC LIMIT %s", (limit,))
            rows = await cursor.fetchall()
        return [BuildSummary(r["competition"], r["title"], r["top_notebooks"], r["tokens"], r["built_at"])
                for r in rows]

    async def claim(self, key: str, competition: str, params: dict[str, Any], *, title: str | None = None,
                    steal: bool = False) -> Claim:
        won = await self._one(_CLAIM, {"key": key, "competition": competition, "params": Jsonb(params),
                                       "title": title, "pid": os.getpid(), "owner": self.owner,
                                       "lease": self.lease_seconds, "timeout": JOB_TIMEOUT_SECONDS, "steal": steal})
        if won is not None:
            return Claim(key, self.owner, won["lease_until"], mine=True)
        held = await self._one("SELECT owner, status, lease_until FROM kaggle_mcp_contexts WHERE key = %s", (key,))
        if held is None or held["status"] != "processing":  # finished between the two statements: look again
            return Claim(key, held["owner"] if held else "", 0.0, mine=False)
        return Claim(key, held["owner"], held["lease_until"], mine=False)

    async def renew(self, claim: Claim) -> bool:
        renewed = await self._one(
            f"UPDATE kaggle_mcp_contexts SET lease_until = {NOW} + %s WHERE key = %s AND owner = %s"
            " AND status = 'processing' RETURNING lease_until", (self.lease_seconds, claim.key, self.owner))
        return renewed is not None

    async def complete(self, claim: Claim, title: str | None, toon: str, data: dict[str, Any]) -> JobRow:
        generation = self.recent.generation
        row = _row(await self._one(_COMPLETE, {"key": claim.key, "owner": self.owner, "title": title, "toon": toon,
                                               "data": Json(data), "payload": f"{self.owner} {claim.key}"}))
        if row is None:
            raise RuntimeError(f"context row {claim.key!r} vanished during its build")
        self.recent.remember(row, generation)
        return row

    async def fail(self, claim: Claim, error: str) -> None:
        await self._one(_FAIL, {"key": claim.key, "owner": self.owner, "error": error[:2000],
                                "payload": f"{self.owner} {claim.key}"})

    async def health(self) -> StoreHealth:
        stats = {name: value for name, value in self.pool.get_stats().items()
                 if name in ("pool_min", "pool_max", "pool_size", "pool_available", "requests_waiting")}
        try:
            with anyio.fail_after(HEALTH_SECONDS + 1):  # a connection that hangs mid-query
                await self._one("SELECT 1", timeout=HEALTH_SECONDS)
        except (StoreUnavailable, TimeoutError) as exc:
            return StoreHealth(self.backend, False, str(exc) or f"PostgreSQL at {self.where} does not answer", stats)
        detail = self.where if self._listening else f"{self.where} (change notifications reconnecting)"
        return StoreHealth(self.backend, True, detail, stats)
