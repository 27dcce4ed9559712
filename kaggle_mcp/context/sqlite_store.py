"""The embedded store: one SQLite file (WAL) in the cache directory, shared by the processes of a machine.

Why SQLite: several processes of one machine (an MCP server per client window, the HTTP app, the CLI)
want the same contexts, the REST API needs job rows that survive a restart, WAL lets readers and a
writer share the file across processes, and the standard library has it. Calls run in worker threads,
one at a time on one connection.

A claim is taken inside `BEGIN IMMEDIATE`, which holds the file's write lock, so two processes cannot
both take it. Besides the lease, a claim dies with its process: the row records the pid, and a pid
that is gone (or that now belongs to a new process: same pid, an owner no open store of this process
has) frees the claim at once; opening the store fails such jobs so the REST API stops showing them.

Nothing tells another process that a row changed, so a result read from the file is served from
memory for RECHECK_SECONDS and waiters poll every POLL_SECONDS: a per-hit check of the file would put
a worker-thread hop back on every cache hit.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread

from .migrations import migrations
from .store import (DEFAULT_LEASE_SECONDS, DEFAULT_TTL_SECONDS, JOB_TIMEOUT_SECONDS, KEEP_SECONDS, BuildSummary, Claim,
                    ContextStore, JobRow, StoreHealth, Watch)

__all__ = ["SqliteStore", "default_store_path"]

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
_OPEN_OWNERS: set[str] = set()  # owners of this process's open stores: their claims are alive


def default_store_path() -> Path:
    """`context.sqlite3` in the cache directory (`KAGGLE_MCP_CACHE_DIR` or the user cache dir)."""
    from ..locations import cache_dir

    return cache_dir() / "context.sqlite3"


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows; rely on the lease
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _why_dead(row: sqlite3.Row, now: float) -> str | None:
    """Why a `processing` job can never finish, or None if its owner may still be building it."""
    if now - row["started_at"] > JOB_TIMEOUT_SECONDS:
        return "build timed out"
    pid = row["pid"]
    if pid == os.getpid():
        if row["owner"] not in _OPEN_OWNERS:
            return f"build abandoned: process {pid} restarted"
    elif pid is None or not _pid_alive(pid):
        return f"build abandoned: process {pid} is gone"
    if row["lease_until"] is not None and now > row["lease_until"]:
        return "build abandoned: its lease ran out"
    return None


def _row(row: sqlite3.Row | None) -> JobRow | None:
    if row is None:
        return None
    return JobRow(
        key=row["key"], competition=row["competition"], params=json.loads(row["params"]), status=row["status"],
        title=row["title"], error=row["error"], pid=row["pid"], owner=row["owner"], started_at=row["started_at"],
        finished_at=row["finished_at"], toon=row["toon"], data=json.loads(row["data"]) if row["data"] else None,
        built_at=row["built_at"], lease_until=row["lease_until"])


def _while_locked(statement: Callable[[], object]) -> None:
    """Runs `statement`, again while SQLite answers "database is locked". Switching a new file to WAL takes an
    exclusive lock without waiting on the busy timeout, so two processes opening one new store at once (two
    replicas starting, two `context` commands) would otherwise fail the second."""
    from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random

    locked = retry_if_exception(lambda e: isinstance(e, sqlite3.OperationalError) and "locked" in str(e))
    for attempt in Retrying(retry=locked, stop=stop_after_delay(10), wait=wait_random(0.01, 0.1), reraise=True):
        with attempt:
            statement()


class SqliteStore(ContextStore):
    """The store in one SQLite file; `path` defaults to `default_store_path()`. Opening it (sync: call it
    from a worker thread) applies migrations, fails abandoned jobs and forgets week-old rows."""

    backend = "sqlite"

    def __init__(self, path: str | Path | None = None, ttl_seconds: float = DEFAULT_TTL_SECONDS, *,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        super().__init__(ttl_seconds, lease_seconds)
        self.path = Path(path) if path is not None else default_store_path()
        # Private to the user (rows hold user names, private builds, Kaggle text): the directory 0700, the file
        # 0600 before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode.
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=10, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            _while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()
        _OPEN_OWNERS.add(self.owner)
        failed = self.fail_stale_jobs()
        if failed:
            log.warning("context store: marked %d abandoned job(s) as failed", failed)
        self.prune()

    def close(self) -> None:
        _OPEN_OWNERS.discard(self.owner)
        with self._lock:
            self._db.close()

    async def aclose(self) -> None:
        await anyio.to_thread.run_sync(self.close)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the file's write lock from its first statement."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as db:  # a second process opening at once waits here, then finds nothing to do
            current = db.execute("PRAGMA user_version").fetchone()[0]
            for migration in migrations("sqlite"):
                if migration.version > current:
                    for statement in _statements(migration.sql):
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {migration.version}")

    # -- reads -----------------------------------------------------------------------------------

    def _get(self, key: str) -> JobRow | None:
        with self._lock:
            return _row(self._db.execute("SELECT * FROM contexts WHERE key = ?", (key,)).fetchone())

    async def get(self, key: str) -> JobRow | None:
        return await anyio.to_thread.run_sync(self._get, key)

    def _latest(self, competition: str, job: str | None, any_job: bool, entrants: bool) -> JobRow | None:
        with self._lock:
            return _row(self._db.execute(
                "SELECT * FROM contexts WHERE competition = ? AND (? OR json_extract(params, '$.job') IS ?)"
                " AND (json_extract(params, '$.scope') IS NOT 'entrants' OR ?)"
                " ORDER BY started_at DESC LIMIT 1", (competition, any_job, job, entrants)).fetchone())

    async def latest(self, competition: str, job: str | None = None, *, any_job: bool = False,
                     entrants: bool = False) -> JobRow | None:
        return await anyio.to_thread.run_sync(self._latest, competition, job, any_job, entrants)

    def _recent_builds(self, limit: int) -> list[BuildSummary]:
        with self._lock:
            rows = self._db.execute(
                "SELECT competition, title, built_at, json_extract(params, '$.top_notebooks') AS top_notebooks,"
                " json_extract(data, '$.stats.tokens_estimated') AS tokens FROM contexts"
                " WHERE toon IS NOT NULL AND json_extract(params, '$.job') IS NULL ORDER BY built_at DESC LIMIT ?",
                (limit,)).fetchall()
        return [BuildSummary(r["competition"], r["title"], r["top_notebooks"], r["tokens"], r["built_at"])
                for r in rows]

    async def recent_builds(self, limit: int = 10) -> list[BuildSummary]:
        return await anyio.to_thread.run_sync(self._recent_builds, limit)

    # -- claims ----------------------------------------------------------------------------------

    def _claim(self, key: str, competition: str, params: dict[str, Any], title: str | None, steal: bool) -> Claim:
        now = time.time()
        with self._write() as db:
            held = db.execute("SELECT * FROM contexts WHERE key = ?", (key,)).fetchone()
            if (held is not None and held["status"] == "processing" and held["owner"] != self.owner and not steal
                    and _why_dead(held, now) is None):
                return Claim(key, held["owner"], held["lease_until"] or now + self.lease_seconds, mine=False)
            db.execute(
                """INSERT INTO contexts (key, competition, params, status, title, error, pid, owner, started_at,
                                         lease_until)
                   VALUES (?, ?, ?, 'processing', ?, NULL, ?, ?, ?, ?)
                   ON CONFLICT (key) DO UPDATE SET status = 'processing', error = NULL, pid = excluded.pid,
                       owner = excluded.owner, started_at = excluded.started_at, finished_at = NULL,
                       lease_until = excluded.lease_until, title = COALESCE(excluded.title, contexts.title)""",
                (key, competition, json.dumps(params, sort_keys=True), title, os.getpid(), self.owner, now,
                 now + self.lease_seconds))
        return Claim(key, self.owner, now + self.lease_seconds, mine=True)

    async def claim(self, key: str, competition: str, params: dict[str, Any], *, title: str | None = None,
                    steal: bool = False) -> Claim:
        return await anyio.to_thread.run_sync(self._claim, key, competition, params, title, steal)

    def _renew(self, claim: Claim) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "UPDATE contexts SET lease_until = ? WHERE key = ? AND owner = ? AND status = 'processing'",
                (time.time() + self.lease_seconds, claim.key, self.owner))
        return cursor.rowcount == 1

    async def renew(self, claim: Claim) -> bool:
        return await anyio.to_thread.run_sync(self._renew, claim)

    def _complete(self, claim: Claim, title: str | None, toon: str, data: dict[str, Any]) -> JobRow | None:
        now = time.time()
        with self._lock:
            self._db.execute(
                """UPDATE contexts SET title = COALESCE(?, title), toon = ?, data = ?, built_at = ?,
                       status = CASE WHEN owner = ? THEN 'completed' ELSE status END,
                       finished_at = CASE WHEN owner = ? THEN ? ELSE finished_at END,
                       error = CASE WHEN owner = ? THEN NULL ELSE error END
                   WHERE key = ?""",
                (title, toon, json.dumps(data, ensure_ascii=False), now, self.owner, self.owner, now, self.owner,
                 claim.key))
            return _row(self._db.execute("SELECT * FROM contexts WHERE key = ?", (claim.key,)).fetchone())

    async def complete(self, claim: Claim, title: str | None, toon: str, data: dict[str, Any]) -> JobRow:
        generation = self.recent.generation
        row = await anyio.to_thread.run_sync(self._complete, claim, title, toon, data)
        if row is None:
            raise RuntimeError(f"context row {claim.key!r} vanished during its build")
        self.recent.remember(row, generation)
        return row

    def _fail(self, claim: Claim, error: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE contexts SET status = 'failed', error = ?, finished_at = ? "
                "WHERE key = ? AND owner = ? AND status = 'processing'",
                (error[:2000], time.time(), claim.key, self.owner))

    async def fail(self, claim: Claim, error: str) -> None:
        await anyio.to_thread.run_sync(self._fail, claim, error)

    @asynccontextmanager
    async def watch(self, key: str) -> AsyncIterator[Watch]:
        yield Watch(POLL_SECONDS)  # no one calls `changed.set()`: waiters poll

    async def health(self) -> StoreHealth:
        def probe() -> None:
            with self._lock:
                self._db.execute("SELECT 1").fetchone()

        try:
            await anyio.to_thread.run_sync(probe)
        except sqlite3.Error as exc:
            return StoreHealth(self.backend, False, f"{self.path}: {exc}")
        return StoreHealth(self.backend, True, str(self.path))

    # -- upkeep (on open) ------------------------------------------------------------------------

    def prune(self, now: float | None = None) -> int:
        """Forget finished rows untouched for KEEP_SECONDS: every parameter combination is a row, and
        nothing that old would be served anyway."""
        cutoff = (time.time() if now is None else now) - KEEP_SECONDS
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM contexts WHERE status != 'processing' "
                "AND COALESCE(finished_at, started_at) < ? AND COALESCE(built_at, 0) < ?",
                (cutoff, cutoff),
            )
        return cursor.rowcount

    def fail_stale_jobs(self, now: float | None = None) -> int:
        """Fail `processing` jobs that cannot finish: their process is gone, their lease ran out, or
        they timed out."""
        now = time.time() if now is None else now
        with self._write() as db:
            rows = db.execute("SELECT * FROM contexts WHERE status = 'processing'").fetchall()
            stale = [(row["key"], reason) for row in rows if (reason := _why_dead(row, now))]
            for key, reason in stale:
                db.execute("UPDATE contexts SET status = 'failed', error = ?, finished_at = ? WHERE key = ?",
                           (reason, now, key))
        return len(stale)


def _statements(script: str) -> Iterator[str]:
    """A migration file's statements one by one: `executescript` would commit the open transaction."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                yield pending
            pending = ""
    if pending.strip() and not all(ln.strip().startswith("--") or not ln.strip() for ln in pending.splitlines()):
        raise ValueError(f"unterminated statement in a migration: {pending.strip()[:80]!r}")
