"""One search across Kaggle (``search.SearchApiService/ListEntities``, what ``kaggle search`` does):
competitions, datasets, notebooks, models, discussions and users, each row with the reference the other
tools take (``titanic``, ``owner/slug``, a topic id) and its kaggle.com URL."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from ..kaggle.models.search import ListEntitiesDocument
from ..kaggle.models.enums import DocumentType
from ..kaggle.search import CLI_DOCUMENT_TYPES
from .account import Account
from .errors import WorkflowError
from .shaping import next_cursor, page_token

SearchKind = Literal["all", "competitions", "datasets", "notebooks", "models", "discussions", "users"]
KINDS: dict[str, tuple[DocumentType, ...]] = {
    "all": CLI_DOCUMENT_TYPES, "competitions": ("COMPETITION",), "datasets": ("DATASET",), "notebooks": ("KERNEL",),
    "models": ("MODEL",), "discussions": ("TOPIC",), "users": ("USER",)}
LABELS = {"KERNEL": "notebook", "TOPIC": "discussion"}
KAGGLE = "https://www.kaggle.com"


class SearchRow(BaseModel):
    kind: str
    ref: str                          #: what the other tools take (slug, owner/slug, topic id, user name)
    title: str
    owner: str | None = None
    votes: int | None = None
    url: str | None = None
    note: str | None = None           #: a write-up's place, a competition's deadline, a notebook's score


class SearchResults(BaseModel):
    query: str
    kind: str
    total: int
    results: list[SearchRow]
    next_cursor: str | None = None


def _row(doc: ListEntitiesDocument) -> SearchRow:
    kind = doc.document_type.upper()
    owner, slug = doc.owner, doc.slug or ""
    ref = f"{owner}/{slug}" if kind in ("DATASET", "KERNEL", "MODEL") and owner and slug else slug or str(doc.id)
    url = {"COMPETITION": f"{KAGGLE}/competitions/{slug}", "DATASET": f"{KAGGLE}/datasets/{ref}",
           "KERNEL": f"{KAGGLE}/code/{ref}", "MODEL": f"{KAGGLE}/models/{ref}", "USER": f"{KAGGLE}/{slug}"}.get(kind)
    note = None
    if doc.discussion_document is not None:
        meta = doc.discussion_document.write_up_metadata
        info = meta.competition_info if meta else None
        if info and info.write_up_leaderboard_rank:
            note = f"solution write-up, place {info.write_up_leaderboard_rank} in {info.competition_title}"
        elif doc.discussion_document.forum_name:
            note = f"in {doc.discussion_document.forum_name}"
        if doc.discussion_document.forum_url:
            url = f"{doc.discussion_document.forum_url.rstrip('/')}/{doc.id}"
    elif doc.competition_document is not None and doc.competition_document.deadline:
        note = f"deadline {doc.competition_document.deadline.date().isoformat()}"
    return SearchRow(kind=LABELS.get(kind, kind.lower()), ref=ref, title=doc.title, owner=owner, votes=doc.votes,
                     url=url, note=note)


async def search_kaggle(account: Account, query: str, kind: SearchKind = "all", cursor: str | None = None,
                        page_size: int = 20) -> SearchResults:
    """Everything on Kaggle matching ``query``, or only one kind of thing."""
    if not query.strip():
        raise WorkflowError("search_kaggle needs words to search for.", "Pass query=... (e.g. 'titanic').")
    if kind not in KINDS:
        raise WorkflowError(f"kind '{kind}' is not one of: {', '.join(KINDS)}.", "Pass one of those.")
    answer = await account.client.search.list_entities(query.strip(), document_types=KINDS[kind], page_size=page_size,
                                                       page_token=page_token(cursor))
    return SearchResults(query=query, kind=kind, total=answer.total_documents, results=[_row(d) for d in answer.documents],
                         next_cursor=next_cursor(answer.next_page_token))
