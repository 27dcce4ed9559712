"""Reading Kaggle's forums: list topics (a competition's, a dataset's, a notebook's, a model's, or
site-wide), list solution write-ups, and read one topic with its comment tree in budgeted parts.

Serious Kagglers read the forum and the winners' write-ups before writing code. A thread is rendered
compactly: each comment is one block headed by its place in the tree (``#3.1.2`` is the second reply to
the first reply to the third comment), so nesting costs no indentation, and a long thread comes in parts
that each fit ``max_tokens`` and together hold every comment exactly once.
"""

from __future__ import annotations

import re
from typing import Literal, TypedDict

from pydantic import BaseModel

from ..context.htmltext import post_text, trim_text
from ..kaggle.models.discussions import ApiDiscussionComment, ApiListTopicsResponse
from ..kaggle.models.search import ApiSearchDiscussionsFilters
from ..kaggle.models.enums import TopicListSortBy
from ..kaggle.refs import competition_slug, dataset_ref, model_ref, notebook_ref, require_owner, topic_id
from .account import Account
from .display import day
from .errors import WorkflowError
from .shaping import estimate_tokens, next_cursor, pack_parts, page_token

TopicSort = Literal["votes", "hot", "new", "recent", "active", "relevance"]
SORT_WIRE: dict[str, TopicListSortBy] = {
    "votes": "TOPIC_LIST_SORT_BY_TOP", "hot": "TOPIC_LIST_SORT_BY_HOT", "new": "TOPIC_LIST_SORT_BY_NEW",
    "recent": "TOPIC_LIST_SORT_BY_RECENT", "active": "TOPIC_LIST_SORT_BY_ACTIVE",
    "relevance": "TOPIC_LIST_SORT_BY_RELEVANCE"}
SOLUTION_TITLE = re.compile(r"\b(\d+(st|nd|rd|th)\s+place|solution|write-?up|top\s+\d+%)", re.I)
MIN_TOKENS, MAX_TOKENS = 500, 100_000
MAX_COMMENTS = 5000


class _Page(TypedDict):
    sort_by: TopicListSortBy
    search_query: str | None
    page_size: int
    page_token: str


class TopicRow(BaseModel):
    id: int
    title: str
    author: str | None = None
    votes: int | None = None
    comments: int | None = None
    date: str | None = None
    url: str | None = None
    place: int | None = None          #: a write-up's final leaderboard place
    team: str | None = None


class DiscussionList(BaseModel):
    source: str                       #: what was listed, e.g. "competition titanic" or "solution write-ups"
    topics: list[TopicRow]
    next_cursor: str | None = None


class PartInfo(BaseModel):
    """Which part of which topic, and how much of the thread it holds."""

    topic_id: int
    title: str
    url: str
    part: int
    parts: int
    comments_total: int
    comments_in_part: int
    tokens: int


class DiscussionPart(PartInfo):
    text: str                         #: Kaggle users' words: the adapter fences it as untrusted


def _rows(answer: ApiListTopicsResponse) -> list[TopicRow]:
    return [TopicRow(id=t.id, title=t.title, author=t.author_name or None, votes=t.votes,
                     comments=t.comment_count, date=day(t.post_date), url=t.url or None) for t in answer.topics]


async def list_discussions(
    account: Account,
    *,
    competition: str | None = None,
    dataset: str | None = None,
    notebook: str | None = None,
    model: str | None = None,
    search: str | None = None,
    sort_by: TopicSort = "votes",
    solutions_only: bool = False,
    cursor: str | None = None,
    page_size: int = 20,
) -> DiscussionList:
    """Forum topics of one competition, dataset, notebook or model, or site-wide (``search``), or, with
    ``solutions_only``, solution write-ups (a competition's, or all of them) with their places."""
    owners = [name for name, value in (("competition", competition), ("dataset", dataset), ("notebook", notebook),
                                       ("model", model)) if value]
    if len(owners) > 1:
        raise WorkflowError(f"Pass one of competition, dataset, notebook or model, not {' and '.join(owners)}.",
                            "Call list_discussions once per forum.")
    if sort_by == "relevance" and not search:
        raise WorkflowError("sort_by='relevance' ranks by search words, and none were given.",
                            "Pass search=... or another sort_by (votes, hot, new, recent, active).")
    if solutions_only:
        if owners and owners[0] != "competition":
            raise WorkflowError("Solution write-ups belong to competitions.",
                                "Pass competition=... (or no forum at all) with solutions_only=true.")
        return await _solutions(account, competition, search, cursor, page_size)
    token = page_token(cursor)
    kc, wire = account.client, SORT_WIRE[sort_by]
    common: _Page = {"sort_by": wire, "search_query": search or None, "page_size": page_size, "page_token": token}
    if dataset:
        owner, slug = require_owner(dataset_ref(dataset), "dataset")
        answer, source = await kc.discussions.list_dataset_topics(owner, slug, **common), f"dataset {owner}/{slug}"
    elif notebook:
        owner, slug = require_owner(notebook_ref(notebook), "notebook")
        answer, source = await kc.discussions.list_kernel_topics(owner, slug, **common), f"notebook {owner}/{slug}"
    elif model:
        ref = model_ref(model)
        answer, source = await kc.discussions.list_model_topics(ref.owner, ref.model, **common), f"model {ref.owner}/{ref.model}"
    elif competition:
        slug = competition_slug(competition)
        answer = await kc.discussions.list_topics(forum_slug=slug, **common)
        source = f"competition {slug}"
    else:
        answer, source = await kc.discussions.list_topics(**common), "all forums" + (f", search {search!r}" if search else "")
    return DiscussionList(source=source, topics=_rows(answer), next_cursor=next_cursor(answer.next_page_token))


async def _solutions(account: Account, competition: str | None, search: str | None, cursor: str | None,
                     page_size: int) -> DiscussionList:
    """Write-ups from search (which knows each one's place), plus, on a competition's first page, its forum
    topics that are solutions by their title (older ones were posted only in the forum)."""
    kc = account.client
    slug = competition_slug(competition) if competition else None
    token = page_token(cursor)
    filters = ApiSearchDiscussionsFilters(write_up_inclusion_type="WRITE_UP_INCLUSION_TYPE_ONLY",
                                          write_up_types=["COMPETITION_SOLUTION"])
    query = " ".join(filter(None, [search, slug.replace("-", " ") if slug else None]))
    answer = await kc.search.list_entities(query, document_types=["TOPIC"], discussion_filters=filters,
                                           page_size=page_size, page_token=token)
    rows: dict[int, TopicRow] = {}
    for doc in answer.documents:
        meta = doc.discussion_document.write_up_metadata if doc.discussion_document else None
        info = meta.competition_info if meta else None
        if slug and not (info and info.competition_url.rstrip("/").endswith(f"/{slug}")):
            continue
        url = f"{info.competition_url.rstrip('/')}/discussion/{doc.id}" if info else None
        rows[doc.id] = TopicRow(id=doc.id, title=doc.title, author=doc.owner, votes=doc.votes, date=day(doc.create_time),
                                url=url, place=info.write_up_leaderboard_rank if info else None,
                                team=meta.team_name if meta else None)
    if slug and not token:
        forum = await kc.competitions.list_competition_topics(slug)
        for t in forum.topics:
            if t.id not in rows and SOLUTION_TITLE.search(t.title):
                rows[t.id] = TopicRow(id=t.id, title=t.title, author=t.author_name, votes=t.votes,
                                      comments=t.comment_count, date=day(t.post_date), url=t.topic_url or None)
    ordered = sorted(rows.values(), key=lambda r: (r.place is None, r.place or 0, -(r.votes or 0)))
    return DiscussionList(source=f"solution write-ups of {slug}" if slug else "solution write-ups",
                          topics=ordered, next_cursor=next_cursor(answer.next_page_token))


def _comment_blocks(comments: list[ApiDiscussionComment], budget: int, prefix: str = "") -> list[str]:
    """One block per comment, depth first; a comment longer than a part's budget is trimmed to fit it."""
    blocks = []
    for n, comment in enumerate(comments, start=1):
        path = f"{prefix}.{n}" if prefix else str(n)
        when = day(comment.post_date) or "?"
        head = f"#{path} {comment.author_name or '[deleted]'} ({when}, +{comment.votes}):"
        body, _ = trim_text(post_text(comment.content) or "[deleted]", max(50, budget - estimate_tokens(head) - 8))
        blocks.append(f"{head} {body}" if "\n" not in body else f"{head}\n{body}")
        blocks.extend(_comment_blocks(comment.replies, budget, path))
    return blocks


async def read_discussion(account: Account, topic: str | int, max_tokens: int = 8000, part: int = 1) -> DiscussionPart:
    """A topic with its whole comment tree as compact text, in parts of at most ``max_tokens`` each."""
    if not MIN_TOKENS <= max_tokens <= MAX_TOKENS:
        raise WorkflowError(f"max_tokens must be between {MIN_TOKENS} and {MAX_TOKENS}.",
                            "Pass a budget in that range (8000 reads most threads in one or two parts).")
    kc = account.client
    found = await kc.discussions.get_topic(topic_id(topic))
    comments: list[ApiDiscussionComment] = []
    async for comment in kc.discussions.iter_comments(found.id, page_size=100):
        comments.append(comment)
        if len(comments) >= MAX_COMMENTS:
            break
    header = (f"{found.title}\n{found.author_name or '[deleted]'} ({day(found.post_date) or '?'}, +{found.votes}, "
              f"{found.comment_count} comments) in {found.forum_name or 'Kaggle'}: {found.url}")
    reserve = estimate_tokens(header) + 40
    first = trim_text(post_text(found.content or ""), max(100, max_tokens - reserve - 20))[0]
    blocks = [first, *_comment_blocks(comments, max_tokens - reserve)]
    parts = pack_parts(blocks, max_tokens, reserve)
    if not 1 <= part <= len(parts):
        raise WorkflowError(f"Topic {found.id} has {len(parts)} part(s) at this max_tokens.",
                            f"Ask for part 1 to {len(parts)}.")
    indexes = parts[part - 1]
    lines = [f"{header}\nPart {part} of {len(parts)}."]
    lines += [blocks[i] for i in indexes]
    text = "\n\n".join(lines)
    shown = sum(1 for i in indexes if i > 0)
    return DiscussionPart(topic_id=found.id, title=found.title, url=found.url, part=part, parts=len(parts),
                          comments_total=len(blocks) - 1, comments_in_part=shown, tokens=estimate_tokens(text),
                          text=text)
