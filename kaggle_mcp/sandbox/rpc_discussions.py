"""``discussions.DiscussionApiService``: ListTopics and GetTopic over the competitions' seeded topics.

The SDK exposes discussions through this service as well as ``ListCompetitionTopics``; serving both
from the same records keeps them consistent for a client that uses either.
"""

from __future__ import annotations

from kaggle_mcp.sandbox.rpc import Ctx, Req, clean, not_found, paginate, rpc
from kaggle_mcp.sandbox.world import Competition, Topic, ts

DS = "discussions.DiscussionApiService"


def _api_topic(comp: Competition, topic: Topic, with_content: bool = False) -> dict:
    return clean({
        "id": topic.id, "title": topic.title, "url": f"{comp.url}/discussion/{topic.id}", "postDate": ts(topic.posted),
        "lastCommentDate": ts(topic.last_comment), "authorName": topic.author,
        "authorUrl": "/" + topic.author.lower().replace(" ", ""), "votes": topic.votes or None,
        "commentCount": topic.comments or None, "forumName": comp.title, "forumId": comp.id,
        "content": topic.body if with_content else None})


@rpc(DS, "ListTopics", anonymous=True)
def list_topics(ctx: Ctx, req: Req) -> dict:
    forum = req.str("forumSlug")
    query = req.str("searchQuery").lower()
    sort = req.str("sortBy")
    req.str("category")
    req.str("group")
    pairs = [(c, t) for c in ctx.world.competitions.values() if not forum or forum == c.slug for t in c.topics]
    if query:
        pairs = [(c, t) for c, t in pairs if query in t.title.lower() or query in t.body.lower()]
    if sort in ("TOPIC_LIST_SORT_BY_NEW", "TOPIC_LIST_SORT_BY_RECENT"):
        pairs.sort(key=lambda p: p[1].posted, reverse=True)
    elif sort == "TOPIC_LIST_SORT_BY_ACTIVE":
        pairs.sort(key=lambda p: p[1].last_comment, reverse=True)
    else:
        pairs.sort(key=lambda p: p[1].votes, reverse=True)
    page, token = paginate(pairs, req)
    return clean({"topics": [_api_topic(c, t) for c, t in page], "totalCount": len(pairs),
                  "nextPageToken": token or None})


@rpc(DS, "GetTopic", anonymous=True)
def get_topic(ctx: Ctx, req: Req) -> dict:
    wanted = req.int("id")
    for comp in ctx.world.competitions.values():
        for topic in comp.topics:
            if topic.id == wanted:
                return {"topic": _api_topic(comp, topic, with_content=True)}
    raise not_found(f"Topic {wanted} not found")
