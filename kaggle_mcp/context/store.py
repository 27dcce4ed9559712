"""The context cache and job table: one SQLite file (WAL) in the cache directory.

Why SQLite: a context takes seconds and a dozen Kaggle calls to build and is stable for hours,
several processes (an MCP server per client window, the HTTP app, the CLI) may want the same one,
and the REST API needs job rows that survive a restart. WAL lets readers and a writer share the file
across processes; the standard library has it.

One row per key (competition + parameters + viewer). A row is both the latest job for that key
(`status` processing -> completed | failed, with timestamps, error, and the pid that owns it) and
the last good result (`toon`, `data`, `built_at`); a failed refresh keeps the previous result.
A job still `processing` whose process died (or whose pid now belongs to a new process: same pid,
different process token) can never finish, so opening the store fails it; so does a job older than
JOB_TIMEOUT_SECONDS.

Credentials never reach this module: rows hold the viewer's user name, not a key or token.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ContextStore", "JobRow", "building_elsewhere", "default_store_path"]

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 24 * 3600
JOB_TIMEOUT_SECONDS = 3600
KEEP_SECONDS = 7 * 24 * 3600
_PROCESS_TOKEN = uuid.uuid4().hex  # tells this process from an earlier one that had the same pid

_SCHEMA = """
CREATE TABLE IF NOT EXISTS contexts (
    key TEXT PRIMARY KEY,
    competition TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
    title TEXT,
    error TEXT,
    pid INTEGER,
    owner TEXT,
    started_at REAL NOT NULL,
    finished_at REAL,
    toon TEXT,
    data TEXT,
    built_at REAL
);
CREATE INDEX IF NOT EXISTS contexts_by_competition ON contexts (competition, started_at);
"""


def default_store_path() -> Path:
    """`context.sqlite3` in the cache directory (`KAGGLE_MCP_CACHE_DIR` or the user cache dir)."""
    from ..locations import cache_dir

    return cache_dir() / "context.sqlite3"


@dataclass(frozen=True)
class JobRow:
    """A row as callers see it. `toon`/`data` are the last good result (maybe older than the job)."""

    key: str
    competition: str
    params: dict[str, Any]
    status: str
    title: str | None
    error: str | None
    pid: int | None
    owner: str | None
    started_at: float
    finished_at: float | None
    toon: str | None
    data: dict[str, Any] | None
    built_at: float | None


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows; rely on the timeout
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _why_dead(pid: int | None, owner: str | None, started_at: float, now: float) -> str | None:
    """Why a `processing` job can never finish, or None if its process may still be building it."""
    if now - started_at > JOB_TIMEOUT_SECONDS:
        return "build timed out"
    if pid == os.getpid():
        return None if owner == _PROCESS_TOKEN else f"build abandoned: process {pid} restarted"
    if pid is None or not _pid_alive(pid):
        return f"build abandoned: process {pid} is gone"
    return None


def building_elsewhere(row: JobRow | None) -> bool:
    """A live job of another process: worth waiting for instead of building the same thing twice."""
    return (
        row is not None
        and row.status == "processing"
        and not (row.pid == os.getpid() and row.owner == _PROCESS_TOKEN)
        and _why_dead(row.pid, row.owner, row.started_at, time.time()) is None
    )


class ContextStore:
    """Thread-safe access to the cache file; cheap calls, safe to use from the event loop."""

    def __init__(self, path: str | Path | None = None, ttl_seconds: float = DEFAULT_TTL_SECONDS):
        self.path = Path(path) if path is not None else default_store_path()
        self.ttl_seconds = ttl_seconds
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=10, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        failed = self.fail_stale_jobs()
        if failed:
            log.warning("context store: marked %d abandoned job(s) as failed", failed)
        self.prune()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ContextStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads -----------------------------------------------------------------------------------

    def _row(self, row: sqlite3.Row | None) -> JobRow | None:
        if row is None:
            return None
        return JobRow(
            key=row["key"],
            competition=row["competition"],
            params=json.loads(row["params"]),
            status=row["status"],
            title=row["title"],
            error=row["error"],
            pid=row["pid"],
            owner=row["owner"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            toon=row["toon"],
            data=json.loads(row["data"]) if row["data"] else None,
            built_at=row["built_at"],
        )

    def get(self, key: str) -> JobRow | None:
        with self._lock:
            return self._row(self._db.execute("SELECT * FROM contexts WHERE key = ?", (key,)).fetchone())

    def fresh(self, key: str, now: float | None = None) -> JobRow | None:
        """The row if it holds a result younger than the TTL, else None."""
        row = self.get(key)
        now = time.time() if now is None else now
        if row is None or row.toon is None or row.built_at is None:
            return None
        return row if now - row.built_at < self.ttl_seconds else None

    def latest(self, competition: str, job: str | None = None) -> JobRow | None:
        """The most recently started job for a competition, any parameters (for the REST API).

        Builds made with someone's uploaded credentials carry a `job` tag in their params and are
        returned only to a caller that presents that tag; without one, only shared builds are seen."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM contexts WHERE competition = ? AND json_extract(params, '$.job') IS ?"
                " ORDER BY started_at DESC LIMIT 1",
                (competition, job),
            ).fetchone()
        return self._row(row)

    # -- job lifecycle ---------------------------------------------------------------------------

    def start_job(self, key: str, competition: str, params: dict[str, Any], title: str | None = None) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                """INSERT INTO contexts (key, competition, params, status, title, error, pid, owner, started_at)
                   VALUES (?, ?, ?, 'processing', ?, NULL, ?, ?, ?)
                   ON CONFLICT (key) DO UPDATE SET status = 'processing', error = NULL, pid = excluded.pid,
                       owner = excluded.owner, started_at = excluded.started_at, finished_at = NULL,
                       title = COALESCE(excluded.title, contexts.title)""",
                (key, competition, json.dumps(params, sort_keys=True), title, os.getpid(), _PROCESS_TOKEN, now),
            )

    def complete_job(self, key: str, title: str | None, toon: str, data: dict[str, Any]) -> float:
        now = time.time()
        with self._lock:
            self._db.execute(
                """UPDATE contexts SET status = 'completed', title = COALESCE(?, title), toon = ?, data = ?,
                       built_at = ?, finished_at = ?, error = NULL WHERE key = ?""",
                (title, toon, json.dumps(data, ensure_ascii=False), now, now, key),
            )
        return now

    def fail_job(self, key: str, error: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE contexts SET status = 'failed', error = ?, finished_at = ? WHERE key = ?",
                (error[:2000], time.time(), key),
            )

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
        """Fail `processing` jobs that cannot finish: their process is gone, or they timed out."""
        now = time.time() if now is None else now
        with self._lock:
            rows = self._db.execute(
                "SELECT key, pid, owner, started_at FROM contexts WHERE status = 'processing'"
            ).fetchall()
        stale = [(row["key"], reason) for row in rows if (reason := _why_dead(row["pid"], row["owner"], row["started_at"], now))]
        with self._lock:
            for key, reason in stale:
                self._db.execute(
                    "UPDATE contexts SET status = 'failed', error = ?, finished_at = ? "
                    "WHERE key = ? AND status = 'processing'",
                    (reason, now, key),
                )
        return len(stale)
