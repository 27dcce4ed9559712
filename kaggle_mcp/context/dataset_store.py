"""Dataset contexts kept in the context store, for the REST API (KaggleIngest builds contexts for dataset URLs).

The MCP tool `get_dataset_info` builds a dataset's context on every call (it is cheap and usually wanted
fresh after a publish); a web client instead starts a build and polls for it, possibly on another replica,
so the result must live in the store like a competition's. Rows are filed under `datasets/<owner>/<slug>`
(a name no competition slug can take) with the same key shape, TTL, claims and job tags as competition
contexts (`service.context_key`); a build already running in this process is not started twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kaggle.errors import describe
from .dataset import build_dataset_context
from .service import FORMAT, job_params
from .store import ContextStore, JobRow

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient

__all__ = ["dataset_key", "dataset_store_name", "stored_dataset_context"]

_RUNNING: set[tuple[int, str]] = set()  # (id of the store, key): builds in flight in this process


def dataset_store_name(owner: str, slug: str) -> str:
    return f"datasets/{owner}/{slug}"


def dataset_key(owner: str, slug: str, top_notebooks: int, max_tokens: int, viewer: str, job: str | None = None) -> str:
    key = f"{dataset_store_name(owner, slug)}|top={top_notebooks}|max={max_tokens}|viewer={viewer}|format={FORMAT}"
    return key if job is None else f"{key}|job={job}"


async def stored_dataset_context(client: KaggleClient, store: ContextStore, owner: str, slug: str, *,
                                 top_notebooks: int, max_tokens: int, job: str | None = None) -> JobRow | None:
    """The stored context of `owner/slug` (fresh, or built now under a claim); None when this process is
    already building it (its row says how that build is going). Kaggle's errors are recorded on the row
    and raised."""
    viewer = await client.username() or "anonymous"
    key = dataset_key(owner, slug, top_notebooks, max_tokens, viewer, job)
    if job is None and (row := await store.fresh(key)) is not None:
        return row
    running = (id(store), key)
    if running in _RUNNING:
        return None
    _RUNNING.add(running)
    try:
        params = job_params(top_notebooks, max_tokens, viewer, job)
        claim = await store.claim(key, dataset_store_name(owner, slug), params)
        try:
            data, toon = await build_dataset_context(client, owner, slug, top_notebooks=top_notebooks,
                                                     max_tokens=max_tokens)
        except Exception as exc:
            await store.fail(claim, describe(exc, limit=2000))
            raise
        return await store.complete(claim, data.get("dataset", {}).get("title"), toon, data)
    finally:
        _RUNNING.discard(running)
