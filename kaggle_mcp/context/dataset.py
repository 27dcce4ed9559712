"""A dataset's context, as the competition context is for a competition: what to know before using it.

Sections, fetched concurrently: the dataset (title, owner, license, keywords, usability, size, counts,
processing status), its description, versions with their notes, its files, schemas of up to six tables
(CSV/JSONL heads and Parquet footers, each one Range read), the top notebooks that use it and its top
discussions. A failed section is listed in ``stats.failed`` and the rest still builds; the dataset itself
is required. The document is fitted to ``max_tokens`` by cutting, in order, the least useful text first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import anyio

from .budget import UNTRUSTED_NOTICE
from ..kaggle.errors import describe
from .builder import ProgressCallback, _compact, _iso
from .encode import encode_context
from .htmltext import trim_text
from .parquet import remote_parquet_schema
from .tables import HEAD_BYTES, is_tabular, sniff_table
from .tokens import estimate_tokens

__all__ = ["build_dataset_context"]

MAX_FILES = 200
MAX_SCHEMAS = 6
DESCRIPTION_TOKENS = 1200


class _Build:
    def __init__(self, client: Any, owner: str, slug: str, top_notebooks: int, progress: ProgressCallback | None):
        self.kc, self.owner, self.slug, self.top, self.progress = client, owner, slug, top_notebooks, progress
        self.ref = f"{owner}/{slug}"
        self.data: dict[str, Any] = {}
        self.schemas: dict[int, dict[str, Any]] = {}
        self.failed: list[dict[str, str]] = []
        self.done = 0

    async def run_section(self, section: str, work: Callable[[], Any]) -> None:
        try:
            await work()
        except Exception as exc:
            self.failed.append({"section": section, "error": describe(exc)})
        self.done += 1
        if self.progress is not None:
            await self.progress(self.done, 6 + len(self.schemas), section)

    async def dataset(self) -> None:
        d = await self.kc.datasets.get_dataset(self.owner, self.slug)
        self.data["dataset"] = _compact({
            "ref": self.ref, "title": d.title, "subtitle": d.subtitle, "url": d.url or f"https://www.kaggle.com/datasets/{self.ref}",
            "owner": d.owner_name or self.owner, "license": d.license_name, "keywords": ", ".join(t.name or t.ref for t in d.tags) or None,
            "usability": d.usability_rating, "bytes": d.total_bytes, "votes": d.vote_count, "downloads": d.download_count,
            "notebooks": d.kernel_count, "topics": d.topic_count, "current_version": d.current_version_number,
            "last_updated": _iso(d.last_updated, True), "private": d.is_private or None})
        self.data["description"] = d.description or ""
        self.data["versions"] = [_compact({"version": v.version_number, "date": _iso(v.creation_date, True),
                                           "notes": v.version_notes or None})
                                 for v in sorted(d.versions, key=lambda v: -v.version_number)]

    async def status(self) -> None:
        self.data["status"] = (await self.kc.datasets.get_dataset_status(self.owner, self.slug)).status

    async def files(self, tg: Any) -> None:
        rows = []
        async for f in self.kc.datasets.iter_dataset_files(self.owner, self.slug):
            rows.append({"name": f.name or f.ref, "bytes": f.total_bytes})
            if len(rows) >= MAX_FILES:
                break
        self.data["files"] = rows
        tables = [r["name"] for r in rows if is_tabular(r["name"])][:MAX_SCHEMAS]
        for index, name in enumerate(tables):
            tg.start_soon(self.run_section, f"schema {name}", lambda i=index, n=name: self.schema(i, n))

    async def schema(self, index: int, name: str) -> None:
        url = await self.kc.datasets.dataset_file_url(self.owner, self.slug, name)
        if name.lower().endswith(".parquet"):
            found, _, _ = await remote_parquet_schema(lambda n: self.kc.transfers.read_tail(url, n))
            schema = {"file": name, "format": "parquet", "rows": found["rows"],
                      "columns": [{"name": c["name"], "dtype": c["type"]} for c in found["columns"]]}
        else:
            head = await self.kc.transfers.read_head(url, HEAD_BYTES)
            schema = sniff_table(head.data, name, head.total_size)
            schema.pop("bytes", None)
        self.schemas[index] = schema

    async def notebooks(self) -> None:
        answer = await self.kc.kernels.list_kernels(dataset=self.ref, sort_by="VOTE_COUNT", page_size=max(self.top, 1))
        self.data["notebooks"] = [_compact({"ref": k.ref, "title": k.title, "author": k.author, "votes": k.total_votes,
                                            "last_run": _iso(k.last_run_time, True)}) for k in answer.kernels[: self.top]]

    async def discussions(self) -> None:
        answer = await self.kc.discussions.list_dataset_topics(self.owner, self.slug, sort_by="TOPIC_LIST_SORT_BY_TOP",
                                                                page_size=10)
        self.data["discussions"] = [{"id": t.id, "title": t.title, "votes": t.votes, "comments": t.comment_count}
                                    for t in answer.topics]


def _document(data: dict[str, Any], cut: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    """The document under the current cuts (description tokens, rows kept per section, sample rows)."""
    doc: dict[str, Any] = {"dataset": data["dataset"]}
    if "status" in data:
        doc["dataset"] = {**doc["dataset"], "status": data["status"]}
    doc["notice"] = UNTRUSTED_NOTICE
    if data.get("description") and cut["description"]:
        doc["description"] = trim_text(data["description"], cut["description"])[0]
    for key in ("versions", "files"):
        if key in data:
            doc[key] = data[key][: cut[key]]
            if len(data[key]) > cut[key]:
                doc[f"{key}_not_shown"] = len(data[key]) - cut[key]
    if data.get("schemas"):
        dropped = {f"row{i}" for i in range(cut["samples"] + 1, 10)}
        doc["schemas"] = [{**s, "columns": [{k: v for k, v in c.items() if k not in dropped}
                                            for c in s.get("columns", [])][: cut["columns"]]}
                          for s in data["schemas"][: cut["schemas"]]]
    for key in ("notebooks", "discussions"):
        if data.get(key) and cut[key]:
            doc[key] = data[key][: cut[key]]
    doc["stats"] = stats
    return doc


#: (what is cut, setting, value), applied in this order until the document fits
CUTS = (("discussions beyond the top 3", "discussions", 3), ("description tail", "description", 400),
        ("versions beyond the latest 3", "versions", 3), ("notebooks beyond the top 3", "notebooks", 3),
        ("schema example rows", "samples", 1), ("schema columns beyond 20", "columns", 20),
        ("files beyond the first 20", "files", 20), ("all discussions", "discussions", 0),
        ("description", "description", 0), ("all notebooks", "notebooks", 0), ("schemas", "schemas", 0),
        ("all versions", "versions", 0))


async def build_dataset_context(client: Any, owner: str, slug: str, *, top_notebooks: int = 5, max_tokens: int = 8000,
                                progress: ProgressCallback | None = None) -> tuple[dict[str, Any], str]:
    """Fetch and fit one dataset's context; returns (data, TOON). Errors reading the dataset itself propagate."""
    started = time.perf_counter()
    build = _Build(client, owner, slug, top_notebooks, progress)
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(build.run_section, "status", build.status)
            tg.start_soon(build.run_section, "files", lambda: build.files(tg))
            tg.start_soon(build.run_section, "notebooks", build.notebooks)
            tg.start_soon(build.run_section, "discussions", build.discussions)
            await build.dataset()   # required: its errors reach the caller
    except BaseExceptionGroup as group:  # the sections catch their own errors: this is the dataset's, as itself
        if len(group.exceptions) == 1:
            raise group.exceptions[0] from None
        raise
    build.data["schemas"] = [build.schemas[i] for i in sorted(build.schemas)]
    stats: dict[str, Any] = {"max_tokens": max_tokens, "truncated": [], "failed": build.failed,
                             "fetch_ms": round((time.perf_counter() - started) * 1000),
                             "built_at": _iso(datetime.now(timezone.utc))}
    cut = {"description": DESCRIPTION_TOKENS, "versions": 10, "files": MAX_FILES, "samples": 3, "columns": 10**6,
           "schemas": MAX_SCHEMAS, "notebooks": top_notebooks, "discussions": 10}
    steps = iter(CUTS)
    while True:
        stats["tokens_estimated"] = 0
        text = encode_context(_document(build.data, cut, stats))
        stats["tokens_estimated"] = estimate_tokens(text)
        if stats["tokens_estimated"] <= max_tokens:
            break
        step = next(steps, None)
        if step is None:
            stats["over_budget"] = True
            break
        what, key, value = step
        if cut[key] > value:
            cut[key] = value
            stats["truncated"].append(what)
    data = _document(build.data, cut, stats)
    return data, encode_context(data)
