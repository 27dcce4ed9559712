"""`ContextService.get`: the one call the MCP tool, the resource, the REST API and the CLI share.

It owns the policy around a build: the cache key (competition, parameters and the copy's scope: `public`
for everyone, `entrants` for those who accepted the rules, `user:<name>` for a private job; never a
secret), the 24 h TTL and `refresh`, and sharing. What differs per reader is not in a shared copy: it is
fetched with the reader's own client and appended (`viewer`), which also checks that the reader may see
the competition before a shared copy is served. Concurrent requests for one key in this process wait for one build instead of each
spending a dozen Kaggle calls (builds are shared per store, so the REST routes, which open a client
per request, share them too). Across processes the store's claim decides who builds: the others wait
for the row to change (woken by the store, or polling it), take the result, and take the build over
if its builder dies (its lease runs out) or fails. A waiter gives up waiting after two minutes and
builds anyway. If the build they joined in this process was cancelled (its requester went away), a
waiter starts its own.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from ..kaggle.errors import describe
from ..kaggle.refs import competition_slug
from ..telemetry import count
from .builder import ProgressCallback, build_context
from .store import Claim, ContextStore, JobRow, StoreUnavailable
from .viewer import OVERLAY_TOKENS, Viewer, viewer_of, with_viewer

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient

__all__ = ["BuildProgress", "BuildsInFlight", "ContextResult", "ContextService", "build_progress", "context_key"]

MAX_TOP_NOTEBOOKS = 20
MIN_MAX_TOKENS = 1000
MAX_MAX_TOKENS = 200_000
OTHER_PROCESS_WAIT_SECONDS = 120
#: the stored document's encoding: 2 = toon-format's default options (1 was a one-space indent)
FORMAT = 2
#: how long after a claim's lease ends a waiter tries to take it over (clocks of two hosts may differ)
LEASE_GRACE_SECONDS = 0.2

log = logging.getLogger(__name__)
T = TypeVar("T")


def context_key(slug: str, top_notebooks: int, max_tokens: int, scope: str, job: str | None = None) -> str:
    """The cache key: what was asked, and which copy (`public`, `entrants`, or `user:<name>` for a private
    job; a user name, never a secret); a private build's `job` tag keeps it apart. `FORMAT` changes whenever
    the stored TOON's encoding does, so a store never serves a document in an older encoding."""
    key = f"{slug}|top={top_notebooks}|max={max_tokens}|scope={scope}|format={FORMAT}"
    return key if job is None else f"{key}|job={job}"


def job_params(top_notebooks: int, max_tokens: int, scope: str, job: str | None = None) -> dict[str, Any]:
    """What a job row records of its request. A row with a `job` tag is shown only to whoever presents the
    tag, and the `entrants` copy only to readers who joined (`ContextStore.latest`)."""
    params: dict[str, Any] = {"top_notebooks": top_notebooks, "max_tokens": max_tokens, "scope": scope}
    if job is not None:
        params["job"] = job
    return params


class BuildsInFlight(Exception):
    """The reader already runs as many context builds as it may at once; `str()` says so and what to do."""


@dataclass(frozen=True)
class ContextResult:
    """A built (or cached) context. `data` is what `toon` decodes to; `stats` is `data["stats"]`."""

    toon: str
    data: dict[str, Any]
    stats: dict[str, Any]
    cached: bool
    built_at: float
    key: str


@dataclass(frozen=True)
class BuildProgress:
    """How far a build in this process has got: `done` of `total` steps, the last step's name."""

    done: int
    total: int
    message: str


@dataclass
class _Flight:
    slug: str
    params: dict[str, Any]
    done: anyio.Event = field(default_factory=anyio.Event)
    result: ContextResult | None = None
    error: BaseException | None = None
    progress: BuildProgress = BuildProgress(0, 1, "starting")


_FLIGHTS: weakref.WeakKeyDictionary[ContextStore, dict[str, _Flight]] = weakref.WeakKeyDictionary()


def _cached(row: JobRow) -> ContextResult:
    assert row.toon is not None and row.data is not None  # completed rows and fresh rows hold a result
    return ContextResult(row.toon, row.data, row.data.get("stats", {}), True, row.built_at or 0.0, row.key)


def build_progress(store: ContextStore, slug: str, top_notebooks: int, job: str | None = None) -> BuildProgress | None:
    """The progress of a build of `slug` with `top_notebooks` running in this process on `store`, or None.

    For watchers that did not start the build (the web page polls while its request waits): a private
    build (`job` tag) is found only by its tag, a shared one only without."""
    for flight in list(_FLIGHTS.get(store, {}).values()):
        params = flight.params
        if flight.slug == slug and params["top_notebooks"] == top_notebooks and params.get("job") == job:
            return flight.progress
    return None


class ContextService:
    """Builds contexts with one `KaggleClient` and caches them in one `ContextStore`."""

    def __init__(self, client: KaggleClient, store: ContextStore, *, concurrency: int = 12,
                 builds: anyio.CapacityLimiter | None = None) -> None:
        """`builds` bounds the builds this reader runs at once (their requests are refused past it)."""
        self.client = client
        self.store = store
        self.concurrency = concurrency
        self.builds = builds
        self._inflight = _FLIGHTS.setdefault(store, {})  # shared by every service on this store

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

        `job` tags a private build (one made with uploaded credentials): a personal build, whose key and
        row carry the tag, so the REST API shows that row only to the holder of the job id. Otherwise the
        reader is served the shared copy it may see, with its own `viewer` section appended."""
        slug = competition_slug(competition)
        if not 0 <= top_notebooks <= MAX_TOP_NOTEBOOKS:
            raise ValueError(f"top_notebooks must be between 0 and {MAX_TOP_NOTEBOOKS}")
        if not MIN_MAX_TOKENS <= max_tokens <= MAX_MAX_TOKENS:
            raise ValueError(f"max_tokens must be between {MIN_MAX_TOKENS} and {MAX_MAX_TOKENS}")
        if job is not None:
            scope = f"user:{await self._viewer()}"
            return await self._copy(slug, context_key(slug, top_notebooks, max_tokens, scope, job),
                                    job_params(top_notebooks, max_tokens, scope, job), refresh, progress, None)
        viewer = await viewer_of(self.client, slug, refresh=refresh)
        key = context_key(slug, top_notebooks, max_tokens, viewer.scope)
        shared = await self._copy(slug, key, job_params(top_notebooks, max_tokens, viewer.scope), refresh, progress,
                                  viewer)
        toon, data = with_viewer(shared.toon, shared.data, viewer, slug)
        return ContextResult(toon, data, shared.stats, shared.cached, shared.built_at, shared.key)

    async def _copy(self, slug: str, key: str, params: dict[str, Any], refresh: bool, progress: ProgressCallback | None,
                    viewer: Viewer | None) -> ContextResult:
        """The stored copy under `key`: fresh from the store, or the build this process already runs, or ours."""
        while True:
            if not refresh and (row := await self.store.fresh(key)) is not None:
                count("context_requests", source="cache")
                return _cached(row)
            flight = self._inflight.get(key)
            if flight is None:
                return await self._lead(key, slug, params, progress, refresh, viewer)  # registers before any await
            await flight.done.wait()
            if flight.result is not None:
                count("context_requests", source="joined")
                return flight.result
            if flight.error is not None and not isinstance(flight.error, anyio.get_cancelled_exc_class()):
                raise flight.error
            refresh = False  # the shared build was cancelled: try the cache, else build ourselves

    async def _lead(self, key: str, slug: str, params: dict[str, Any], progress: ProgressCallback | None,
                    refresh: bool, viewer: Viewer | None) -> ContextResult:
        """This process's one attempt at `key`; the other requests of this process wait for it."""
        if self.builds is not None:
            try:
                self.builds.acquire_nowait()
            except anyio.WouldBlock:
                count("limits_hit", limit="builds")
                raise BuildsInFlight(f"You already have {self.builds.total_tokens:.0f} context builds running; ask "
                                     "again when one of them has finished (a finished context is served from the "
                                     "cache at once).") from None
        try:
            return await self._flight(key, slug, params, progress, refresh, viewer)
        finally:
            if self.builds is not None:
                self.builds.release()

    async def _flight(self, key: str, slug: str, params: dict[str, Any], progress: ProgressCallback | None,
                      refresh: bool, viewer: Viewer | None) -> ContextResult:
        flight = self._inflight[key] = _Flight(slug, params)

        async def record(done: int, total: int, message: str) -> None:
            flight.progress = BuildProgress(done, total, message)
            if progress is not None:
                await progress(done, total, message)

        try:
            flight.result = await self._claim_or_wait(key, slug, params, record, refresh, viewer)
            return flight.result
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            if self._inflight.get(key) is flight:
                del self._inflight[key]
            flight.done.set()

    async def _claim_or_wait(self, key: str, slug: str, params: dict[str, Any], progress: ProgressCallback | None,
                             refresh: bool, viewer: Viewer | None) -> ContextResult:
        """Build under a claim, or wait for whoever holds it and take their result (or their claim)."""
        waiting_since: float | None = None
        while True:
            steal = waiting_since is not None and time.monotonic() - waiting_since > OTHER_PROCESS_WAIT_SECONDS
            async with self.store.watch(key) as change:
                claim = await self.store.claim(key, slug, params, steal=steal)
                if not claim.mine:
                    if waiting_since is None:
                        waiting_since = time.monotonic()
                        if progress is not None:
                            await progress(0, 1, "waiting for the same build, started by another process")
                    await change.wait(claim.lease_until - time.time() + LEASE_GRACE_SECONDS)
            if claim.mine:
                return await self._build(claim, slug, params, progress, viewer)
            row = await self.store.get(key)
            if row is not None and row.status == "completed":
                count("context_requests", source="waited")
                return _cached(row)  # the build we waited for: it started after we asked, as `refresh` wants
            # still running (keep waiting), failed (build it ourselves) or its lease ran out (take it over)

    async def _build(self, claim: Claim, slug: str, params: dict[str, Any], progress: ProgressCallback | None,
                     viewer: Viewer | None) -> ContextResult:
        """A personal build when `viewer` is None (a private job), else the shared copy of `viewer.scope`."""
        try:
            data, toon = await self._renewing(claim, lambda: build_context(
                self.client,
                slug,
                top_notebooks=params["top_notebooks"],
                max_tokens=params["max_tokens"],
                progress=progress,
                concurrency=self.concurrency,
                personal=viewer is None,
                schemas=viewer is None or viewer.joined,
                reserve=0 if viewer is None else OVERLAY_TOKENS,
                competition=None if viewer is None else viewer.competition,
            ))
            title = data.get("competition", {}).get("title")
            row = await self.store.complete(claim, title, toon, data)
            count("context_builds", outcome="completed")
            count("context_requests", source="built")
            return ContextResult(toon, data, data["stats"], False, row.built_at or 0.0, claim.key)
        except BaseException as exc:
            count("context_builds", outcome="failed")
            reason = "cancelled" if isinstance(exc, anyio.get_cancelled_exc_class()) else describe(exc, limit=2000)
            with anyio.CancelScope(shield=True):
                try:
                    await self.store.fail(claim, reason)
                except StoreUnavailable as unreachable:  # the lease will free the claim; report the first error
                    log.warning("context store: could not record a failed build: %s", unreachable)
            raise

    async def _renewing(self, claim: Claim, work: Callable[[], Awaitable[T]]) -> T:
        """`work()`, with the claim's lease renewed every third of its length until it returns."""
        outcome: dict[str, Any] = {}
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._renew_lease, claim)
            try:
                outcome["result"] = await work()
            except Exception as exc:  # kept out of the task group so it is raised as itself, not in a group
                outcome["error"] = exc
            finally:
                tg.cancel_scope.cancel()
        if "error" in outcome:
            raise outcome["error"]
        result: T = outcome["result"]
        return result

    async def _renew_lease(self, claim: Claim) -> None:
        while True:
            await anyio.sleep(self.store.lease_seconds / 3)
            try:
                if not await self.store.renew(claim):
                    log.warning("context build of %s lost its claim to another process; its result is kept all "
                                "the same", claim.key)
                    return
            except StoreUnavailable as exc:
                log.warning("context store: could not renew a build's lease: %s", exc)
