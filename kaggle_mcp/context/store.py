"""The context store's contract and its memory layer.

A context takes seconds and a dozen Kaggle calls to build and is stable for hours, so it is built once
and shared by everyone who may read it: the MCP server windows, the CLI and the HTTP app of one machine
(`SqliteStore`, one file in the cache directory: the embedded default), or every replica of a hosted
deployment (`PostgresStore`, selected by `KAGGLE_MCP_DATABASE_URL=postgresql://...`); `database.open_store`
opens the one a process runs on. Both pass one test suite (tests/context/test_store.py).

One row per key (competition + parameters + cache scope) is both the latest job for that key
(`processing` -> `completed` | `failed`, with its error) and the last good result (`toon`, `data`,
`built_at`): a failed refresh keeps the previous result, and the REST API polls the job.

Builds are claimed, so one runs per key however many processes ask at once: `claim` is atomic in the
database and names the store instance that holds it (`owner`) until `lease_until`; the builder renews
the lease while it works (`renew`), so a holder that died (kill -9, a lost machine) loses the claim
when its lease runs out and the next asker takes the build over. `watch` lets a waiter sleep until the
row changes instead of polling the database.

Credentials never reach a store: rows hold at most a user name (a private job's scope), never a key or token.
"""

from __future__ import annotations

import abc
import math
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import anyio

__all__ = ["BuildSummary", "Claim", "ContextStore", "JobRow", "RecentRows", "StoreHealth", "StoreUnavailable", "Watch"]

DEFAULT_TTL_SECONDS = 24 * 3600
#: a `processing` job older than this is dead whatever its lease says (a build takes seconds)
JOB_TIMEOUT_SECONDS = 3600
KEEP_SECONDS = 7 * 24 * 3600
#: how long a claim lives without a renewal; the builder renews it every third of this
DEFAULT_LEASE_SECONDS = 30.0
#: how long a row read from the database is served from memory when no one tells this process of
#: changes (SQLite always; PostgreSQL while its LISTEN connection is down)
RECHECK_SECONDS = 5.0
RECENT_LIMIT = 32


class StoreUnavailable(Exception):
    """The database cannot be reached or used; `str()` says which one (never a password) and what to check."""


@dataclass(frozen=True)
class JobRow:
    """A row as callers see it. `toon`/`data` are the last good result (maybe older than the job).

    `owner` is the store instance that claimed the latest build, `pid` its process (for people reading
    the table), `lease_until` when that claim lapses unless renewed."""

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
    lease_until: float | None = None

    def result_fresh(self, now: float, ttl_seconds: float) -> bool:
        return self.toon is not None and self.data is not None and self.built_at is not None \
            and now - self.built_at < ttl_seconds


@dataclass(frozen=True)
class BuildSummary:
    """A finished shared build as a list of recent builds shows it (no content: that is fetched on demand)."""

    competition: str
    title: str | None
    top_notebooks: int
    tokens: int | None
    built_at: float


@dataclass(frozen=True)
class Claim:
    """The answer to `claim`: `mine` if the caller now holds the build, else who does and until when."""

    key: str
    owner: str
    lease_until: float
    mine: bool


@dataclass(frozen=True)
class StoreHealth:
    """What `/health` and `/health/ready` report of the store; `pool` is PostgreSQL's connection pool."""

    backend: str
    ok: bool
    detail: str
    pool: dict[str, int] = field(default_factory=dict)


class RecentRows:
    """Results served from memory, without a worker thread or a database round trip.

    Under 50 concurrent clients the thread hop of an SQLite read alone tripled a hit's latency. A row
    is trusted for `recheck_seconds` after it was read; from `trusted_since` on (set while PostgreSQL's
    LISTEN connection is up, which tells this process of every change) it is trusted until `forget`.
    `generation` moves on every `forget`, so a read that raced a change is not remembered. `clock`
    (seconds, monotonic) is what ages rows; tests set one they can move instead of sleeping."""

    def __init__(self, recheck_seconds: float = RECHECK_SECONDS, limit: int = RECENT_LIMIT) -> None:
        self.clock: Callable[[], float] = time.monotonic
        self.recheck_seconds = recheck_seconds
        self.trusted_since = math.inf
        self.generation = 0
        self._limit = limit
        self._rows: dict[str, tuple[float, JobRow]] = {}

    def recall(self, key: str, now: float, ttl_seconds: float) -> JobRow | None:
        seen = self._rows.get(key)
        if seen is None:
            return None
        read_at, row = seen
        trusted = read_at >= self.trusted_since or self.clock() - read_at < self.recheck_seconds
        return row if trusted and row.result_fresh(now, ttl_seconds) else None

    def remember(self, row: JobRow, generation: int) -> None:
        if generation != self.generation:
            return  # something changed while the row was read: it may already be stale
        self._rows.pop(row.key, None)
        self._rows[row.key] = (self.clock(), row)
        while len(self._rows) > self._limit:
            del self._rows[next(iter(self._rows))]

    def forget(self, key: str | None = None) -> None:
        """Drop one key (another process changed it), or everything (changes may have been missed)."""
        self.generation += 1
        if key is None:
            self._rows.clear()
        else:
            self._rows.pop(key, None)


class Watch:
    """One waiter's view of one key: `wait` returns when the row may have changed, or after `timeout`
    (never later than `poll_seconds`, the store's answer to "nobody will tell me")."""

    def __init__(self, poll_seconds: float) -> None:
        self.changed = anyio.Event()
        self.poll_seconds = poll_seconds

    async def wait(self, timeout: float) -> None:
        with anyio.move_on_after(max(0.05, min(timeout, self.poll_seconds))):
            await self.changed.wait()


class ContextStore(abc.ABC):
    """The cache and job table the context service runs on. Every method is async; SQLite's work runs
    in worker threads, PostgreSQL's on the event loop."""

    backend: str

    def __init__(self, ttl_seconds: float, lease_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self.lease_seconds = lease_seconds
        self.owner = uuid.uuid4().hex  # names this store instance in the claims it holds
        self.recent = RecentRows()

    async def fresh(self, key: str, now: float | None = None) -> JobRow | None:
        """The row if it holds a result younger than the TTL, else None; from memory when it can be."""
        now = time.time() if now is None else now
        row = self.recent.recall(key, now, self.ttl_seconds)
        if row is not None:
            return row
        generation = self.recent.generation
        row = await self.get(key)
        if row is None or not row.result_fresh(now, self.ttl_seconds):
            return None
        self.recent.remember(row, generation)
        return row

    @abc.abstractmethod
    async def get(self, key: str) -> JobRow | None:
        """The row as the database holds it now (never from memory)."""

    @abc.abstractmethod
    async def latest(self, competition: str, job: str | None = None, *, any_job: bool = False,
                     entrants: bool = False) -> JobRow | None:
        """The most recently started job for a competition, any parameters (for the REST API).

        Builds made with someone's uploaded credentials carry a `job` tag in their params and are
        returned only to a caller that presents that tag; without one, only shared builds are seen, unless
        `any_job` (KaggleIngest's by-slug polling in single-user mode: whichever credentials built it). Of the
        shared builds, the copy with rules-gated data (`scope: entrants`) is seen only when `entrants` (the
        caller joined the competition)."""

    @abc.abstractmethod
    async def claim(self, key: str, competition: str, params: dict[str, Any], *, title: str | None = None,
                    steal: bool = False) -> Claim:
        """Start a build of `key` unless another store holds a live claim on it (then say whose, and
        until when). A claim is live while its lease runs and its job is younger than
        JOB_TIMEOUT_SECONDS. `steal` takes it anyway: for a waiter that has waited long enough."""

    @abc.abstractmethod
    async def renew(self, claim: Claim) -> bool:
        """Extend a claim's lease; False if it is no longer ours (it lapsed and someone took it)."""

    @abc.abstractmethod
    async def complete(self, claim: Claim, title: str | None, toon: str, data: dict[str, Any]) -> JobRow:
        """Store a build's result. The result is kept even if the claim was lost meanwhile (it is as good
        as the other builder's); the job is marked completed only if the claim is still ours."""

    @abc.abstractmethod
    async def fail(self, claim: Claim, error: str) -> None:
        """Mark our job failed (keeping the last good result); a claim someone else took is left alone."""

    @abc.abstractmethod
    def watch(self, key: str) -> AbstractAsyncContextManager[Watch]:
        """Interest in changes of `key`, registered before the caller reads the row so none is missed."""

    @abc.abstractmethod
    async def recent_builds(self, limit: int = 10) -> list[BuildSummary]:
        """The latest shared builds that hold a result, newest first; private builds (`job` tag) never."""

    @abc.abstractmethod
    async def health(self) -> StoreHealth:
        """A round trip to the database: what `/health/ready` answers with."""

    @abc.abstractmethod
    async def aclose(self) -> None: ...
