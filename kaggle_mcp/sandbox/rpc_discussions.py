"""``discussions.DiscussionApiService``: forums, topic lists of every kind, a topic, its comment tree.

Every forum (competition, dataset, notebook, model, site) is served from ``world.forums``; the
competitions service's ``ListCompetitionTopics`` reads the same topic lists, so both APIs agree.
Posts are stored as markdown and served as HTML, as Kaggle serves them.
"""

from __future__ import annotations

from datetime import datetime, timezone

from kaggle_mcp.sandbox.forum_world import Comment, Forum, render_html, walk
from kaggle_mcp.sandbox.rpc import Ctx, Req, bad_request, clean, not_found, paginate, rpc
from kaggle_mcp.sandbox.world import Topic, World, ts

DS = "discussions.DiscussionApiService"
_SORTS = ["TOPIC_LIST_SORT_BY_UNSPECIFIED", "TOPIC_LIST_SORT_BY_HOT", "TOPIC_LIST_SORT_BY_TOP", "TOPIC_LIST_SORT_BY_NEW",
          "TOPIC_LIST_SORT_BY_RECENT", "TOPIC_LIST_SORT_BY_ACTIVE", "TOPIC_LIST_SORT_BY_RELEVANCE"]
_CATEGORIES = {"TOPIC_LIST_CATEGORY_UNSPECIFIED": None, "TOPIC_LIST_CATEGORY_ALL": None,
               "TOPIC_LIST_CATEGORY_FORUMS": "site", "TOPIC_LIST_CATEGORY_COMPETITIONS": "competition",
               "TOPIC_LIST_CATEGORY_DATASETS": "dataset", "TOPIC_LIST_CATEGORY_MODELS": "model",
               "TOPIC_LIST_CATEGORY_COMPETITION_WRITE_UPS": "write-ups", "TOPIC_LIST_CATEGORY_BENCHMARKS": "benchmark"}
_GROUPS = ["TOPIC_LIST_GROUP_UNSPECIFIED", "TOPIC_LIST_GROUP_ALL", "TOPIC_LIST_GROUP_OWNED", "TOPIC_LIST_GROUP_UPVOTED",
           "TOPIC_LIST_GROUP_BOOKMARKED", "TOPIC_LIST_GROUP_MY_ACTIVITY", "TOPIC_LIST_GROUP_DRAFTS"]


def author_fields(world: World, user: str) -> dict:
    return {"authorName": world.users.get(user, user), "authorUrl": f"/{user}"}


def api_topic(world: World, forum: Forum, topic: Topic, with_content: bool = False) -> dict:
    return clean({
        "id": topic.id, "title": topic.title, "url": forum.topic_url(topic.id), "postDate": ts(topic.posted),
        "lastCommentDate": ts(topic.last_comment), **author_fields(world, topic.author), "votes": topic.votes or None,
        "commentCount": topic.comments or None, "forumName": forum.name, "forumId": forum.id,
        "content": render_html(topic.body) if with_content else None})


def api_comment(world: World, comment: Comment) -> dict:
    return clean({"id": comment.id, **author_fields(world, comment.author), "postDate": ts(comment.posted),
                  "content": render_html(comment.markdown), "votes": comment.votes or None,
                  "replies": [api_comment(world, r) for r in comment.replies] or None})


def _words_in(topic: Topic, words: list[str]) -> int:
    haystack = f"{topic.title}\n{topic.body}".lower()
    return sum(haystack.count(w) for w in words) if all(w in haystack for w in words) else 0


def _sorted(pairs: list[tuple[Forum, Topic]], sort: str, words: list[str]) -> list[tuple[Forum, Topic]]:
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    keys = {
        "TOPIC_LIST_SORT_BY_TOP": lambda p: -p[1].votes,
        "TOPIC_LIST_SORT_BY_NEW": lambda p: -(p[1].posted - epoch).total_seconds(),
        "TOPIC_LIST_SORT_BY_RECENT": lambda p: -(p[1].last_comment - epoch).total_seconds(),
        "TOPIC_LIST_SORT_BY_ACTIVE": lambda p: -p[1].comments,
        "TOPIC_LIST_SORT_BY_RELEVANCE": lambda p: (-_words_in(p[1], words), -p[1].votes),
    }
    hot = lambda p: -(p[1].votes + 2 * p[1].comments)  # noqa: E731
    return sorted(pairs, key=keys.get(sort, hot))


def _answer(ctx: Ctx, pairs: list[tuple[Forum, Topic]], req: Req) -> dict:
    sort = req.enum("sortBy", _SORTS, "TOPIC_LIST_SORT_BY_UNSPECIFIED")
    words = req.str("searchQuery").lower().split()
    if words:
        pairs = [p for p in pairs if _words_in(p[1], words)]
    page, token = paginate(_sorted(pairs, sort, words), req, max_size=100)
    return clean({"topics": [api_topic(ctx.world, f, t) for f, t in page], "totalCount": len(pairs),
                  "nextPageToken": token or None})


def _forum_of(ctx: Ctx, kind: str, owner: str, slug: str) -> Forum:
    if not owner or not slug:
        raise bad_request("ownerSlug and the entity's slug are required")
    forum = ctx.world.forums.get(f"{kind}:{owner}/{slug}")
    exists = {"dataset": ctx.world.datasets, "kernel": ctx.world.kernels, "model": ctx.world.models}[kind]
    if forum is None:
        if f"{owner}/{slug}" in exists:
            return Forum(0, kind, f"{owner}/{slug}", slug)   # a thing nobody has discussed yet
        raise not_found(f"{kind.capitalize()} '{owner}/{slug}' not found")
    return forum


@rpc(DS, "ListForums", anonymous=True)
def list_forums(ctx: Ctx, req: Req) -> dict:
    forums = [f for f in ctx.world.forums.values() if f.kind in ("site", "competition")]
    return {"forums": [clean({"id": f.id, "name": f.name, "url": f.url, "subtitle": f.subtitle or None})
                       for f in forums]}


@rpc(DS, "ListTopics", anonymous=True)
def list_topics(ctx: Ctx, req: Req) -> dict:
    forum_slug = req.str("forumSlug")
    kind = _CATEGORIES[req.enum("category", list(_CATEGORIES), "TOPIC_LIST_CATEGORY_UNSPECIFIED")]
    group = req.enum("group", _GROUPS, "TOPIC_LIST_GROUP_UNSPECIFIED")
    pairs = [(f, t) for f in ctx.world.forums.values() if not forum_slug or f.slug == forum_slug for t in f.topics]
    if kind == "write-ups":
        pairs = [(f, t) for f, t in pairs if t.writeup is not None]
    elif kind is not None:
        pairs = [(f, t) for f, t in pairs if f.kind == kind]
    if group == "TOPIC_LIST_GROUP_OWNED":
        pairs = [(f, t) for f, t in pairs if t.author == ctx.user]
    elif group == "TOPIC_LIST_GROUP_MY_ACTIVITY":
        pairs = [(f, t) for f, t in pairs if t.author == ctx.user or any(c.author == ctx.user for c in walk(t.thread))]
    elif group not in ("TOPIC_LIST_GROUP_UNSPECIFIED", "TOPIC_LIST_GROUP_ALL"):
        pairs = []   # the sandbox user has no upvotes, bookmarks or drafts
    return _answer(ctx, pairs, req)


@rpc(DS, "ListDatasetTopics", anonymous=True)
def list_dataset_topics(ctx: Ctx, req: Req) -> dict:
    forum = _forum_of(ctx, "dataset", req.str("ownerSlug"), req.str("datasetSlug"))
    return _answer(ctx, [(forum, t) for t in forum.topics], req)


@rpc(DS, "ListKernelTopics", anonymous=True)
def list_kernel_topics(ctx: Ctx, req: Req) -> dict:
    forum = _forum_of(ctx, "kernel", req.str("ownerSlug"), req.str("kernelSlug"))
    return _answer(ctx, [(forum, t) for t in forum.topics], req)


@rpc(DS, "ListModelTopics", anonymous=True)
def list_model_topics(ctx: Ctx, req: Req) -> dict:
    forum = _forum_of(ctx, "model", req.str("ownerSlug"), req.str("modelSlug"))
    return _answer(ctx, [(forum, t) for t in forum.topics], req)


def _topic(ctx: Ctx, topic_id: int | None) -> tuple[Forum, Topic]:
    found = ctx.world.topic(topic_id or 0)
    if found is None:
        raise not_found(f"Topic {topic_id} not found")
    return found


@rpc(DS, "GetTopic", anonymous=True)
def get_topic(ctx: Ctx, req: Req) -> dict:
    forum, topic = _topic(ctx, req.int("id"))
    return {"topic": api_topic(ctx.world, forum, topic, with_content=True)}


@rpc(DS, "ListComments", anonymous=True)
def list_comments(ctx: Ctx, req: Req) -> dict:
    """Top-level comments, oldest first, each with its whole reply tree; pages count top-level ones."""
    _, topic = _topic(ctx, req.int("topicId"))
    page, token = paginate(topic.thread, req, max_size=100)
    return clean({"comments": [api_comment(ctx.world, c) for c in page], "nextPageToken": token or None})
