"""`ContextService.get`: the one call the MCP tool, the resource, the REST API and the CLI share.

It owns the policy around a build: the cache key (competition, parameters and the viewer's user
name, because `joined`/`user_rank` differ per account; never a secret), the 24 h TTL and `refresh`,
the job row in the store, and sharing: concurrent requests for the same key in this process wait
for one build instead of each spending a dozen Kaggle calls (builds are shared per store, so the
REST routes, which open a client per request, share them too). A build already running in another
process (another MCP server window, the CLI) is waited for, up to two minutes, through its job row. If the build they joined was cancelled
(its requester went away), a waiter starts its own.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from ..kaggle.errors import describe
from ..kaggle.refs import competition_slug
from .builder import ProgressCallback, build_context
from .store import ContextStore, building_elsewhere

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient

__all__ = ["ContextResult", "ContextService", "context_key"]

MAX_TOP_NOTEBOOKS = 20
MIN_MAX_TOKENS = 1000
MAX_MAX_TOKENS = 200_000
OTHER_PROCESS_WAIT_SECONDS = 120
#: how long a context read from the store is served from memory before the store is read again (so a
#: rebuild by another process shows within this time), and how many such contexts are kept
RECHECK_SECONDS = 5.0
RECENT_LIMIT = 32
#: the stored document's encoding: 2 = toon-format's default options (1 was a one-space indent)
FORMAT = 2


def context_key(slug: str, top_notebooks: int, max_tokens: int, viewer: str, job: str | None = None) -> str:
    """The cache key: what was asked, and for whom (a user name, never a secret); a private build's
    `job` tag keeps it apart from the shared one. `FORMAT` changes whenever the stored TOON's encoding does,
    so a store never serves a document in an older encoding."""
    key = f"{slug}|top={top_notebooks}|max={max_tokens}|viewer={viewer}|format={FORMAT}"
    return key if job is None else f"{key}|job={job}"


def job_params(top_notebooks: int, max_tokens: int, viewer: str, job: str | None = None) -> dict[str, Any]:
    """What a job row records of its request (the REST API filters private builds on `job`)."""
    params: dict[str, Any] = {"top_notebooks": top_notebooks, "max_tokens": max_tokens, "viewer": viewer}
    if job is not None:
        params["job"] = job
    return params


@dataclass(frozen=True)
class ContextResult:
    """A built (or cached) context. `data` is what `toon` decodes to; `stats` is `data["stats"]`."""

    toon: str
    data: dict[str, Any]
    stats: dict[str, Any]
    cached: bool
    built_at: float
    key: str


@dataclass
class _Flight:
    done: anyio.Event = field(default_factory=anyio.Event)
    result: ContextResult | None = None
    error: BaseException | None = None


_FLIGHTS: weakref.WeakKeyDictionary[ContextStore, dict[str, _Flight]] = weakref.WeakKeyDictionary()
_RECENT: weakref.WeakKeyDictionary[ContextStore, dict[str, tuple[float, ContextResult]]] = weakref.WeakKeyDictionary()


class ContextService:
    """Builds contexts with one `KaggleClient` and caches them in one `ContextStore`."""

    def __init__(self, client: KaggleClient, store: ContextStore, *, concurrency: int = 12) -> None:
        self.client = client
        self.store = store
        self.concurrency = concurrency
        self._inflight = _FLIGHTS.setdefault(store, {})  # shared by every service on this store
        # Cache hits served without a worker thread, a SQLite read and a JSON parse: under 50 concurrent
        # clients the thread hop alone tripled a hit's latency.
        self._recent = _RECENT.setdefault(store, {})

    def _remember(self, result: ContextResult) -> ContextResult:
        self._recent.pop(result.key, None)
        self._recent[result.key] = (time.monotonic(), result)
        while len(self._recent) > RECENT_LIMIT:
            del self._recent[next(iter(self._recent))]
        return result

    def _recalled(self, key: str) -> ContextResult | None:
        seen = self._recent.get(key)
        if seen is None:
            return None
        checked_at, result = seen
        if time.monotonic() - checked_at < RECHECK_SECONDS and time.time() - result.built_at < self.store.ttl_seconds:
            return result
        return None

    async def _viewer(self) -> str:
        from ..kaggle.errors import NoCredentials

        try:
            return await self.client.username() or "anonymous"
        except NoCredentials:
            return "anonymous"

    async def get(
        self,
        competition: str,
        top_notebooks: int = 5,
        max_tokens: int = 12000,
        refresh: bool = False,
        progress: ProgressCallback | None = None,
        job: str | None = None,
    ) -> ContextResult:
        """The context for `competition` (slug or URL), from the cache unless stale or `refresh`.

        `job` tags a private build (one made with uploaded credentials): it becomes part of the key
        and of the row, so the REST API shows that row only to the holder of the job id."""
        slug = competition_slug(competition)
        if not 0 <= top_notebooks <= MAX_TOP_NOTEBOOKS:
            raise ValueError(f"top_notebooks must be between 0 and {MAX_TOP_NOTEBOOKS}")
        if not MIN_MAX_TOKENS <= max_tokens <= MAX_MAX_TOKENS:
            raise ValueError(f"max_tokens must be between {MIN_MAX_TOKENS} and {MAX_MAX_TOKENS}")
        viewer = await self._viewer()
        key = context_key(slug, top_notebooks, max_tokens, viewer, job)
        params = job_params(top_notebooks, max_tokens, viewer, job)
        looked_elsewhere = False
        while True:
            if not refresh:
                if (recalled := self._recalled(key)) is not None:
                    return recalled
                row = await anyio.to_thread.run_sync(self.store.fresh, key)
                if row is not None and row.data is not None and row.toon is not None:
                    return self._remember(
                        ContextResult(row.toon, row.data, row.data.get("stats", {}), True, row.built_at or 0.0, key))
            flight = self._inflight.get(key)
            if flight is None:
                if not refresh and not looked_elsewhere:
                    looked_elsewhere = True
                    await self._await_other_process(key)
                    continue  # awaited: look at the cache and at this process's builds again
                return await self._build(key, slug, params, progress)  # registers before any await
            await flight.done.wait()
            if flight.result is not None:
                return flight.result
            if flight.error is not None and not isinstance(flight.error, anyio.get_cancelled_exc_class()):
                raise flight.error
            refresh = False  # the shared build was cancelled: try the cache, else build ourselves

    async def _await_other_process(self, key: str) -> bool:
        """Wait (bounded) for another process's build of this key; True if there was one."""
        row = await anyio.to_thread.run_sync(self.store.get, key)
        if not building_elsewhere(row):
            return False
        with anyio.move_on_after(OTHER_PROCESS_WAIT_SECONDS):
            while building_elsewhere(row):
                await anyio.sleep(0.2)
                row = await anyio.to_thread.run_sync(self.store.get, key)
            return True
        return False  # still running after the wait: build it ourselves

    async def _build(self, key: str, slug: str, params: dict[str, Any], progress: ProgressCallback | None) -> ContextResult:
        flight = self._inflight[key] = _Flight()
        try:
            await anyio.to_thread.run_sync(self.store.start_job, key, slug, params)
            data, toon = await build_context(
                self.client,
                slug,
                top_notebooks=params["top_notebooks"],
                max_tokens=params["max_tokens"],
                progress=progress,
                concurrency=self.concurrency,
            )
            title = data.get("competition", {}).get("title")
            built_at = await anyio.to_thread.run_sync(self.store.complete_job, key, title, toon, data)
            flight.result = ContextResult(toon, data, data["stats"], False, built_at, key)
            self._remember(replace(flight.result, cached=True))
            return flight.result
        except BaseException as exc:
            flight.error = exc
            reason = "cancelled" if isinstance(exc, anyio.get_cancelled_exc_class()) else describe(exc, limit=2000)
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self.store.fail_job, key, reason)
            raise
        finally:
            if self._inflight.get(key) is flight:
                del self._inflight[key]
            flight.done.set()
