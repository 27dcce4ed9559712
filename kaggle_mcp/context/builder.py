"""Fetch everything a competition context needs, concurrently, and shape it into sections.

Why concurrent: a context is ~6 list calls plus one GetKernel per notebook plus one Range read per
table, and each Kaggle round trip costs 100-300 ms; one after another that is seconds, in parallel
it is about three round trips. An anyio task group runs every fetch under one CapacityLimiter
(polite to Kaggle, within the client's connection pool), and second-stage work starts as soon as
its input arrives: notebooks once the kernel list is in, table heads once the file list is in.

A shared build (`personal=False`: the copy every reader is served, see `viewer`) leaves out whatever
depends on who built it: whether they joined, their rank, private notebooks; and it reads the data files'
heads (schemas, sample rows) only when asked to (`schemas=True`, for the copy of those who accepted the
rules). A personal build (a private job with someone's uploaded credentials) keeps all of it.

A failing section (anything but the competition itself) is recorded in `stats.failed` with Kaggle's
message, and the rest still builds; a notebook Kaggle will not serve is replaced by the next-ranked
candidate. The competition is required: without it there is nothing to
describe, and its error (NotFound, Unauthorized, ...) is what the caller should see.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
import anyio.to_thread

from ..kaggle.errors import describe
from .budget import NotebookDoc, Sections, fit_to_budget
from .htmltext import page_text, trim_text
from .notebooks import clean_notebook
from .ranking import normalize_language, rank_kernels
from .tables import HEAD_BYTES, is_tabular, sniff_table

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient
    from ..kaggle.models.competitions import ApiCompetition
    from ..kaggle.models.kernels import ApiKernelMetadata

__all__ = ["ProgressCallback", "build_context"]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], Awaitable[None]]

KAGGLE = "https://www.kaggle.com"
LEADERBOARD_ROWS = 20
DISCUSSION_ROWS = 10
WRITEUP_ROWS = 5
WRITEUP_SUMMARY_TOKENS = 80
MAX_SCHEMAS = 6
MAX_FILES = 200
CLEAN_IN_THREAD_BYTES = 200_000
FIRST_STAGE = ("competition", "pages", "files", "leaderboard", "discussions", "notebook list")


def _iso(value: datetime | None, date_only: bool = False) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    return value.date().isoformat() if date_only else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and v != ""}


def _absolute(url: str | None) -> str | None:
    if not url:
        return None
    return url if url.startswith("http") else KAGGLE + "/" + url.lstrip("/")


def _score(text: str | None) -> float | str | None:
    """Leaderboard scores arrive as strings; numbers encode without quotes."""
    try:
        value = float(text) if text else None
    except ValueError:
        return text
    return value if value is not None and math.isfinite(value) else text


def _merge_failures(failed: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per distinct error: four schema reads refused for unaccepted rules are one fact."""
    merged: dict[str, list[str]] = {}
    for row in failed:
        merged.setdefault(row["error"], []).append(row["section"])
    return [{"section": ", ".join(sections), "error": error} for error, sections in merged.items()]


def _ended(deadline: datetime | None) -> bool | None:
    """Spelled out because a model does not know today's date."""
    if deadline is None:
        return None
    if deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=timezone.utc)
    return deadline < datetime.now(timezone.utc)


def _competition_row(c: Any, slug: str, personal: bool) -> dict[str, Any]:
    row = _compact(
        {
            "slug": slug,
            "title": c.title,
            "url": f"{KAGGLE}/competitions/{slug}",
            "description": c.description,
            "category": c.category,
            "host": c.organization_name,
            "reward": c.reward,
            "metric": c.evaluation_metric,
            "deadline": _iso(c.deadline),
            "ended": _ended(c.deadline),
            "teams": c.team_count,
            "max_daily_submissions": c.max_daily_submissions,
            "max_team_size": c.max_team_size,
            "code_competition": bool(c.is_kernels_submissions_only),
            "joined": bool(c.user_has_entered),
            "user_rank": c.user_rank,
            "public_notebooks": c.kernel_count,
            "tags": ", ".join(t.name or t.ref for t in c.tags) or None,
        }
    )
    if not personal:
        row.pop("joined", None)
        row.pop("user_rank", None)
    return row


def _schema_candidates(files: list[dict[str, Any]]) -> list[str]:
    """Tabular files, the ones an agent opens first (train, test, sample submission) first."""

    def priority(name: str) -> int:
        lowered = name.lower()
        for i, key in enumerate(("train", "test", "sample_submission", "submission")):
            if key in lowered:
                return i
        return 4

    names = [f["name"] for f in files if is_tabular(f["name"])]
    return sorted(names, key=lambda n: (priority(n), names.index(n)))[:MAX_SCHEMAS]


class _Build:
    def __init__(self, client: KaggleClient, slug: str, top_notebooks: int, limiter: anyio.CapacityLimiter,
                 progress: ProgressCallback | None, *, personal: bool, schemas: bool,
                 known: ApiCompetition | None) -> None:
        self.kc = client
        self.slug = slug
        self.personal = personal
        self.read_schemas = schemas
        self.known = known
        self.top = top_notebooks
        self.limiter = limiter
        self.progress = progress
        self.sections = Sections(competition={"slug": slug})  # replaced by the competition row
        self.failed: list[dict[str, str]] = []
        self.fatal: BaseException | None = None
        self.done = 0
        self.total = len(FIRST_STAGE) + top_notebooks
        self.file_sizes: dict[str, int] = {}
        self.notebooks: dict[int, NotebookDoc] = {}
        self.schemas: dict[int, dict[str, Any]] = {}
        self.considered = 0
        self.spares: list[Any] = []

    async def step(self, message: str) -> None:
        self.done += 1
        if self.progress is not None:
            try:
                await self.progress(self.done, max(self.total, self.done), message)
            except Exception:  # a client that went away must not break the build
                log.debug("progress callback failed", exc_info=True)

    async def run_section(self, section: str, work: Callable[[], Awaitable[None]],
                      tg: anyio.abc.TaskGroup) -> None:
        try:
            async with self.limiter:
                await work()
        except Exception as exc:
            if section == "competition":
                self.fatal = exc
                tg.cancel_scope.cancel()
                return
            log.info("context %s: section %s failed: %s", self.slug, section, describe(exc))
            self.failed.append({"section": section, "error": describe(exc)})
        await self.step(section)

    # -- first stage -----------------------------------------------------------------------------

    async def competition(self, tg: anyio.abc.TaskGroup) -> None:
        c = self.known or await self.kc.competitions.get_competition(self.slug)
        patterns = {k: v for k, v in self.sections.competition.items() if k.endswith("_url")}
        self.sections.competition = (_competition_row(c, self.slug, self.personal)
                                     | {"notebook_url": KAGGLE + "/code/{ref}"} | patterns)
        if _ended(c.deadline):   # winners publish their solutions once it is over
            self.total += 1
            tg.start_soon(self.run_section, "write-ups", self.writeups, tg)

    async def writeups(self) -> None:
        """The top solution write-ups (search knows each one's place), each with a short summary."""
        from ..kaggle.models.search import ApiSearchDiscussionsFilters

        filters = ApiSearchDiscussionsFilters(write_up_inclusion_type="WRITE_UP_INCLUSION_TYPE_ONLY",
                                              write_up_types=["COMPETITION_SOLUTION"])
        answer = await self.kc.search.list_entities(self.slug.replace("-", " "), document_types=["TOPIC"],
                                                    discussion_filters=filters, page_size=50)
        rows = []
        for doc in answer.documents:
            discussion = doc.discussion_document
            meta = discussion.write_up_metadata if discussion else None
            info = meta.competition_info if meta else None
            if discussion is None or info is None or not info.competition_url.rstrip("/").endswith(f"/{self.slug}"):
                continue
            summary = trim_text(discussion.message_stripped, WRITEUP_SUMMARY_TOKENS)[0]
            rows.append(_compact({"place": info.write_up_leaderboard_rank, "title": doc.title,
                                  "url": f"{KAGGLE}/competitions/{self.slug}/discussion/{doc.id}", "summary": summary}))
        self.sections.writeups = sorted(rows, key=lambda r: r.get("place") or 10**9)[:WRITEUP_ROWS]

    async def pages(self) -> None:
        answer = await self.kc.competitions.list_competition_pages(self.slug)
        self.sections.pages = [
            {"name": p.name or p.post_title or "page", "text": page_text(p.content, p.mime_type)}
            for p in answer.pages
            if p.content and p.is_published is not False
        ]

    async def files(self, tg: anyio.abc.TaskGroup) -> None:
        rows: list[dict[str, Any]] = []
        async for f in self.kc.competitions.iter_data_files(self.slug):
            rows.append({"name": f.name or f.ref, "bytes": f.total_bytes})
            if len(rows) >= MAX_FILES:
                break
        self.sections.files = rows
        self.file_sizes = {r["name"]: r["bytes"] for r in rows}
        if not self.read_schemas:
            return
        candidates = _schema_candidates(rows)
        self.total += len(candidates)
        self.sections.schemas = []
        for i, name in enumerate(candidates):
            tg.start_soon(self.run_section, f"schema {name}", lambda i=i, name=name: self.schema(i, name), tg)

    async def leaderboard(self) -> None:
        answer = await self.kc.competitions.get_leaderboard(self.slug, page_size=LEADERBOARD_ROWS)
        rows = [
            {"rank": i + 1, "team": s.team_name, "score": _score(s.score)}
            for i, s in enumerate(answer.submissions[:LEADERBOARD_ROWS])
        ]
        self.sections.leaderboard = rows  # the team count is in the competition row

    async def discussions(self) -> None:
        answer = await self.kc.competitions.list_competition_topics(self.slug)
        topics = sorted(answer.topics, key=lambda t: (not t.is_sticky, -t.votes))[:DISCUSSION_ROWS]
        pattern = f"{KAGGLE}/competitions/{self.slug}/discussion/"
        by_id = all(_absolute(t.topic_url) == f"{pattern}{t.id}" for t in topics)
        if by_id:  # one URL pattern instead of a URL per row (the competition row carries it)
            self.sections.competition["discussion_url"] = pattern + "{id}"
        self.sections.discussions = [
            {"title": t.title, "votes": t.votes, "comments": t.comment_count,
             **({"id": t.id} if by_id else {"url": _absolute(t.topic_url) or ""})}
            for t in topics
        ]  # fmt: skip

    async def notebook_list(self, tg: anyio.abc.TaskGroup) -> None:
        if self.top <= 0:
            self.sections.notebooks = []
            return
        page_size = min(100, max(20, self.top * 4))
        answer = await self.kc.kernels.list_kernels(competition=self.slug, sort_by="VOTE_COUNT", page_size=page_size)
        kernels = answer.kernels if self.personal else [k for k in answer.kernels if not k.is_private]
        self.considered = len(kernels)
        everything = rank_kernels(kernels, len(kernels))
        ranked, self.spares = everything[: self.top], everything[self.top :]
        self.total -= self.top - len(ranked)
        self.sections.notebooks = []
        for i, meta in enumerate(ranked):
            tg.start_soon(self.run_section, f"notebook {meta.ref}", lambda i=i, meta=meta: self.notebook(i, meta), tg)

    # -- second stage ----------------------------------------------------------------------------

    async def notebook(self, index: int, meta: ApiKernelMetadata) -> None:
        """One notebook; if Kaggle will not give it, the next-ranked spare takes its place."""
        while True:
            owner, _, slug = meta.ref.partition("/")
            try:
                answer = await self.kc.kernels.get_kernel(owner, slug or meta.slug)
                break
            except Exception as exc:
                self.failed.append({"section": f"notebook {meta.ref}", "error": describe(exc)})
                if not self.spares:
                    return
                meta = self.spares.pop(0)
        blob = answer.blob
        source = (blob.source if blob else None) or ""
        kind = (blob.kernel_type if blob else None) or meta.kernel_type or "notebook"
        language = (blob.language if blob else None) or meta.language or "python"
        if len(source) > CLEAN_IN_THREAD_BYTES:
            cells = await anyio.to_thread.run_sync(clean_notebook, source, kind, language)
        else:
            cells = clean_notebook(source, kind, language)
        row = _compact({
            "ref": meta.ref, "title": meta.title, "author": meta.author, "votes": meta.total_votes,
            "language": normalize_language(language), "type": kind, "last_run": _iso(meta.last_run_time, True),
            "cells_total": len(cells),
        })  # fmt: skip
        self.notebooks[index] = NotebookDoc(row, cells)

    async def schema(self, index: int, name: str) -> None:
        head = await self.kc.competitions.read_data_file_head(self.slug, name, max_bytes=HEAD_BYTES)
        total = head.total_size or self.file_sizes.get(name) or None
        schema = sniff_table(head.data, name, total)
        # the files table already has the size; csv, utf-8 and "," are what everyone assumes
        schema.pop("bytes", None)
        for key, default in (("format", "csv"), ("encoding", "utf-8"), ("delimiter", ",")):
            if schema.get(key) == default:
                del schema[key]
        if head.final_name and head.final_name.lower().endswith(".zip") and not name.lower().endswith(".zip"):
            schema["served_as"] = head.final_name
        self.schemas[index] = schema


async def build_context(
    client: KaggleClient,
    slug: str,
    *,
    top_notebooks: int,
    max_tokens: int,
    progress: ProgressCallback | None = None,
    concurrency: int = 12,
    personal: bool = True,
    schemas: bool = True,
    reserve: int = 0,
    competition: ApiCompetition | None = None,
) -> tuple[dict[str, Any], str]:
    """Fetch, clean, rank, budget and encode one competition's context; returns (data, TOON).

    `personal` and `schemas` are described above; `reserve` tokens of `max_tokens` are left free for what the
    caller appends (the reader's `viewer` section); `competition` is a GetCompetition answer already at hand."""
    started = time.perf_counter()
    build = _Build(client, slug, top_notebooks, anyio.CapacityLimiter(concurrency), progress, personal=personal,
                   schemas=schemas, known=competition)
    async with anyio.create_task_group() as tg:
        tg.start_soon(build.run_section, "competition", lambda: build.competition(tg), tg)
        tg.start_soon(build.run_section, "pages", build.pages, tg)
        tg.start_soon(build.run_section, "files", lambda: build.files(tg), tg)
        tg.start_soon(build.run_section, "leaderboard", build.leaderboard, tg)
        tg.start_soon(build.run_section, "discussions", build.discussions, tg)
        tg.start_soon(build.run_section, "notebook list", lambda: build.notebook_list(tg), tg)
    if build.fatal is not None:
        raise build.fatal
    sections = build.sections
    if sections.notebooks is not None:
        sections.notebooks = [build.notebooks[i] for i in sorted(build.notebooks)]
    if sections.schemas is not None:
        sections.schemas = [build.schemas[i] for i in sorted(build.schemas)]
    stats: dict[str, Any] = {
        "max_tokens": max_tokens,
        "failed": _merge_failures(build.failed),
        "notebooks_considered": build.considered,
        "fetch_ms": round((time.perf_counter() - started) * 1000),
        "built_at": _iso(datetime.now(timezone.utc)),
    }
    data, toon = await anyio.to_thread.run_sync(fit_to_budget, sections, max_tokens - reserve, stats)
    return data, toon
