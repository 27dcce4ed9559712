"""Reading notebooks: find the community's best, and read one as compact cells, in parts.

Cleaning and rendering cells is the context engine's job (`kaggle_mcp.context.notebooks`, shared with
the competition context); this workflow fetches the source and cuts the rendering into parts that
each fit a token budget, so an agent can read "part 2 of 5". Cleaning runs in a worker thread: a
notebook can be megabytes of JSON, and parsing it must not stall other requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import anyio.to_thread
from pydantic import BaseModel

from ..context.notebooks import clean_notebook, render_cells
from ..kaggle.models.enums import KernelsListSortType
from ..kaggle.models.kernels import ApiKernelMetadata
from ..kaggle.refs import Ref, competition_slug, dataset_ref, notebook_ref
from .account import Account
from .display import day
from .errors import WorkflowError

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient

NotebookSort = Literal["votes", "hotness", "score", "score_ascending", "date_run", "date_created", "comments",
                       "views", "relevance"]
Language = Literal["all", "python", "r", "sqlite", "julia"]
KernelType = Literal["all", "notebook", "script"]
SORT_WIRE: dict[NotebookSort, KernelsListSortType] = {
    "votes": "VOTE_COUNT", "hotness": "HOTNESS", "score": "SCORE_DESCENDING", "score_ascending": "SCORE_ASCENDING",
    "date_run": "DATE_RUN", "date_created": "DATE_CREATED", "comments": "COMMENT_COUNT", "views": "VIEW_COUNT",
    "relevance": "RELEVANCE"}
MAX_PARTS = 500


class NotebookRow(BaseModel):
    ref: str
    title: str | None = None
    author: str | None = None
    votes: int | None = None
    last_run: str | None = None
    language: str | None = None
    type: str | None = None


class NotebookPage(BaseModel):
    notebooks: list[NotebookRow]
    next_page_token: str | None = None


class NotebookPart(BaseModel):
    """One part of a notebook's compact rendering: `text` is Kaggle-authored (untrusted) content."""

    ref: str
    title: str | None = None
    language: str | None = None
    kernel_type: str | None = None
    votes: int = 0
    part: int
    parts: int
    cells: int
    tokens: int
    text: str


async def owner_and_slug(kc: KaggleClient, ref: Ref) -> tuple[str, str]:
    """`owner/slug`, filling a missing owner with the signed-in user (a bare slug means 'mine')."""
    if ref.owner:
        return ref.owner, ref.slug
    me = await kc.username()
    if not me:
        raise WorkflowError(f"'{ref.slug}' has no owner and no Kaggle user is signed in.", "Pass owner/slug.")
    return me, ref.slug


async def list_notebooks(account: Account, *, competition: str | None = None, dataset: str | None = None,
                         user: str | None = None, search: str | None = None, sort_by: NotebookSort = "votes",
                         language: Language = "all", kernel_type: KernelType = "all", mine: bool = False,
                         page_size: int = 20, page_token: str = "") -> NotebookPage:
    if sort_by == "relevance" and not search:
        raise WorkflowError("sort_by='relevance' needs search words.", "Pass search=... or another sort_by.")
    resp = await account.client.kernels.list_kernels(
        competition=competition_slug(competition) if competition else "",
        dataset=dataset_ref(dataset).text() if dataset else "", user=user or "", search=search or "",
        sort_by=SORT_WIRE[sort_by], language=language, kernel_type=kernel_type,
        group="PROFILE" if mine else "EVERYONE", page_size=page_size, page_token=page_token)
    return NotebookPage(notebooks=[notebook_row(k) for k in resp.kernels], next_page_token=resp.next_page_token or None)


def notebook_row(k: ApiKernelMetadata) -> NotebookRow:
    return NotebookRow(ref=k.ref, title=k.title, author=k.author, votes=k.total_votes, last_run=day(k.last_run_time),
                       language=k.language, type=k.kernel_type)


def split_into_parts(source: str, kernel_type: str, language: str, budget: int) -> list[tuple[str, int, int]]:
    """[(text, cells, tokens)] per part; the engine's own "more cells" line is replaced by the caller's."""
    cells = clean_notebook(source, kernel_type=kernel_type, language=language)
    parts: list[tuple[str, int, int]] = []
    start = 0
    while len(parts) < MAX_PARTS:
        text, stats = render_cells(cells, budget, start=start, language=language)
        if stats.next_start is not None and "\n\n[" in text:
            text = text.rsplit("\n\n[", 1)[0]
        parts.append((text or "(empty notebook)", stats.end - stats.start, stats.tokens))
        if stats.next_start is None or stats.next_start <= start:
            break
        start = stats.next_start
    return parts


async def read_notebook(account: Account, notebook: str, version: int | None = None, budget: int = 8000,
                        part: int = 1) -> NotebookPart:
    """Part `part` of a notebook (or one version of it) rendered within `budget` tokens per part."""
    ref = notebook_ref(notebook)
    kc = account.client
    owner, slug = await owner_and_slug(kc, ref)
    version = version or ref.version
    resp = await kc.kernels.get_kernel(owner, slug, version_label=f"v{version}" if version else None)
    meta, blob = resp.metadata, resp.blob
    kernel_type = (blob.kernel_type or meta.kernel_type or "script").lower()
    language = (blob.language or meta.language or "python").lower()
    parts = await anyio.to_thread.run_sync(split_into_parts, blob.source or "", kernel_type, language, budget)
    if part > len(parts):
        raise WorkflowError(f"{owner}/{slug} has {len(parts)} part(s) at max_tokens={budget}.",
                            f"Ask for part 1..{len(parts)}.")
    text, cells, tokens = parts[part - 1]
    return NotebookPart(ref=f"{owner}/{slug}", title=meta.title, language=meta.language or language,
                        kernel_type=meta.kernel_type or kernel_type, votes=meta.total_votes, part=part,
                        parts=len(parts), cells=cells, tokens=tokens, text=text)
