"""``search.SearchApiService/ListEntities``: one search over competitions, datasets, notebooks, models,
discussion topics (solution write-ups among them) and users.

Every query word must appear in a document's searchable text. A notebook's document carries the
``sessionId`` of its latest run (the id ``CancelKernelSession`` takes); a write-up's carries its
competition and leaderboard place in ``writeUpMetadata``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from kaggle_mcp.sandbox.forum_world import Forum
from kaggle_mcp.sandbox.rpc import Ctx, Req, bad_request, clean, paginate, rpc
from kaggle_mcp.sandbox.world import Topic, World, ts

SEARCH = "search.SearchApiService"
_TYPES = ["DOCUMENT_TYPE_UNSPECIFIED", "BLOG", "COMPETITION", "DATASET", "KERNEL", "COMMENT", "TOPIC", "USER", "COURSE",
          "TUTORIAL", "MODEL", "RESOURCEREFERENCE", "BENCHMARKTASK", "BENCHMARK", "BENCHMARKMODELCARD"]
_ORDERS = ["LIST_SEARCH_CONTENT_ORDER_BY_UNSPECIFIED", "LIST_SEARCH_CONTENT_ORDER_BY_DATE_CREATED",
           "LIST_SEARCH_CONTENT_ORDER_BY_DATE_UPDATED", "LIST_SEARCH_CONTENT_ORDER_BY_HOTNESS",
           "LIST_SEARCH_CONTENT_ORDER_BY_LAST_VIEWED", "LIST_SEARCH_CONTENT_ORDER_BY_TOTAL_COMMENTS",
           "LIST_SEARCH_CONTENT_ORDER_BY_VOTES"]
_INCLUSION = ["WRITE_UP_INCLUSION_TYPE_UNSPECIFIED", "WRITE_UP_INCLUSION_TYPE_EXCLUDE", "WRITE_UP_INCLUSION_TYPE_INCLUDE",
              "WRITE_UP_INCLUSION_TYPE_ONLY"]
_SOURCES = {"competition": "SEARCH_DISCUSSIONS_SOURCE_TYPE_COMPETITION", "dataset": "SEARCH_DISCUSSIONS_SOURCE_TYPE_DATASET",
            "kernel": "SEARCH_DISCUSSIONS_SOURCE_TYPE_KERNEL", "model": "SEARCH_DISCUSSIONS_SOURCE_TYPE_MODEL",
            "site": "SEARCH_DISCUSSIONS_SOURCE_TYPE_SITE_FORUM"}
_SOLUTION_SOURCE = "SEARCH_DISCUSSIONS_SOURCE_TYPE_COMPETITION_SOLUTION"


@dataclass
class _Doc:
    kind: str
    text: str                         # what the query is matched against
    created: datetime
    owner: str | None                 # user name, for "your work"
    votes: int
    comments: int
    body: dict
    topic: Topic | None = None


def _user(world: World, name: str) -> dict:
    return {"userName": name, "displayName": world.users.get(name, name), "url": f"/{name}"}


def _topic_doc(world: World, forum: Forum, topic: Topic) -> _Doc:
    stripped = " ".join(topic.body.split())[:300]
    discussion: dict = {"messageStripped": stripped, "forumName": forum.name, "forumUrl": forum.url,
                        "sourceType": _SOLUTION_SOURCE if topic.writeup else _SOURCES[forum.kind],
                        "type": "SEARCH_DISCUSSIONS_DOCUMENT_TYPE_WRITE_UP" if topic.writeup else
                        "SEARCH_DISCUSSIONS_DOCUMENT_TYPE_TOPIC"}
    if topic.writeup is not None:
        comp = world.competitions[topic.writeup.competition]
        discussion["writeUpMetadata"] = {
            "type": "COMPETITION_SOLUTION", "subtitle": topic.writeup.subtitle, "teamName": topic.writeup.team,
            "id": topic.writeup.id, "competitionInfo": {
                "competitionTitle": comp.title, "competitionUrl": comp.url, "deadline": ts(comp.deadline),
                "writeUpLeaderboardRank": topic.writeup.place, "competitionId": comp.id}}
    body = {"id": topic.id, "documentType": "TOPIC", "title": topic.title, "createTime": ts(topic.posted),
            "updateTime": ts(topic.last_comment), "votes": topic.votes, "ownerUser": _user(world, topic.author),
            "discussionDocument": discussion}
    return _Doc("TOPIC", f"{topic.title} {topic.body} {forum.name}", topic.posted, topic.author, topic.votes,
                topic.comments, body, topic)


def _documents(ctx: Ctx) -> Iterator[_Doc]:
    world = ctx.world
    for c in world.competitions.values():
        yield _Doc("COMPETITION", f"{c.slug} {c.title} {c.subtitle} {' '.join(c.tags)}", c.enabled, None, 0, 0, {
            "id": c.id, "documentType": "COMPETITION", "title": c.title, "slug": c.slug, "createTime": ts(c.enabled),
            "ownerOrganization": {"name": c.organization, "slug": c.organization.lower().replace(" ", "-").strip(".")},
            "competitionDocument": {"hostSegment": c.host_segment, "deadline": ts(c.deadline), "teamCount": c.team_count,
                                    "isLaunched": True, "ownerUserHasJoined": ctx.user in c.entrants,
                                    "onlyAllowKernelSubmissions": c.kernels_only}})
    for d in world.datasets.values():
        if d.is_private and d.owner != ctx.user:
            continue
        yield _Doc("DATASET", f"{d.slug} {d.title} {d.subtitle} {' '.join(d.keywords)}", d.versions[0].created, d.owner,
                   d.votes, 0, {"id": d.id, "documentType": "DATASET", "title": d.title, "slug": d.slug,
                                "createTime": ts(d.versions[0].created), "updateTime": ts(d.current.created),
                                "votes": d.votes, "ownerUser": _user(world, d.owner), "isPrivate": d.is_private,
                                "datasetDocument": {"usabilityRating": d.usability, "fileCount": len(d.current.files),
                                                    "size": sum(f.blob.size for f in d.current.files.values())}})
    for k in world.kernels.values():
        if k.is_private and k.owner != ctx.user:
            continue
        session = next((v.session_id for v in reversed(k.versions) if v.run is not None and v.session_id), None)
        yield _Doc("KERNEL", f"{k.slug} {k.title}", k.created, k.owner, k.total_votes, 0, {
            "id": k.id, "documentType": "KERNEL", "title": k.title, "slug": k.slug, "createTime": ts(k.created),
            "updateTime": ts(k.last_run_time), "votes": k.total_votes, "ownerUser": _user(world, k.owner),
            "isPrivate": k.is_private, "kernelDocument": {"sessionId": session, "bestPublicScore": k.score}})
    for m in world.models.values():
        if m.is_private and m.owner != ctx.user:
            continue
        yield _Doc("MODEL", f"{m.slug} {m.title} {m.subtitle} {' '.join(m.tags)}", m.created, m.owner, m.votes, 0, {
            "id": m.id, "documentType": "MODEL", "title": m.title, "slug": m.slug, "createTime": ts(m.created),
            "updateTime": ts(m.updated), "votes": m.votes, "ownerUser": _user(world, m.owner),
            "modelDocument": {"instanceCount": len(m.instances), "notebookCount": m.notebooks}})
    for forum in world.forums.values():
        for topic in forum.topics:
            yield _topic_doc(world, forum, topic)
    for i, (name, display) in enumerate(sorted(world.users.items())):
        yield _Doc("USER", f"{name} {display}", world.created, name, 0, 0, {
            "id": 1_000_000 + i, "documentType": "USER", "title": display, "slug": name,
            "createTime": ts(world.created), "userDocument": {"grandmasterTierLevel": 0}})


def _relevance(doc: _Doc, words: list[str]) -> int:
    text = doc.text.lower()
    return sum(text.count(w) for w in words)


@rpc(SEARCH, "ListEntities", anonymous=True)
def list_entities(ctx: Ctx, req: Req) -> dict:
    filters = req.obj("filters")
    words = filters.str("query").lower().split()
    kinds = set(filters.strs("documentTypes"))
    for kind in kinds - set(_TYPES):
        raise bad_request(f"Invalid value at 'filters.document_types', \"{kind}\"")
    mine = filters.enum("listType", ["API_LIST_TYPE_UNSPECIFIED", "API_LIST_TYPE_YOUR_WORK"],
                        "API_LIST_TYPE_UNSPECIFIED") == "API_LIST_TYPE_YOUR_WORK"
    discussion = filters.obj("discussionFilters")
    inclusion = discussion.enum("writeUpInclusionType", _INCLUSION, "WRITE_UP_INCLUSION_TYPE_UNSPECIFIED")
    writeup_types = set(discussion.strs("writeUpTypes"))
    source = discussion.str("sourceType")
    order = req.enum("canonicalOrderBy", _ORDERS, "LIST_SEARCH_CONTENT_ORDER_BY_UNSPECIFIED")
    req.int("skip")
    docs = [d for d in _documents(ctx) if (not kinds or d.kind in kinds) and all(w in d.text.lower() for w in words)]
    if mine:
        docs = [d for d in docs if d.owner is not None and d.owner == ctx.user]
    if inclusion == "WRITE_UP_INCLUSION_TYPE_ONLY" or writeup_types:
        docs = [d for d in docs if d.topic is not None and d.topic.writeup is not None
                and (not writeup_types or "COMPETITION_SOLUTION" in writeup_types)]
    elif inclusion == "WRITE_UP_INCLUSION_TYPE_EXCLUDE":
        docs = [d for d in docs if d.topic is None or d.topic.writeup is None]
    if source and source != "SEARCH_DISCUSSIONS_SOURCE_TYPE_UNSPECIFIED":
        docs = [d for d in docs if d.kind == "TOPIC" and d.body["discussionDocument"]["sourceType"] == source]
    keys = {
        "LIST_SEARCH_CONTENT_ORDER_BY_DATE_CREATED": lambda d: -d.created.timestamp(),
        "LIST_SEARCH_CONTENT_ORDER_BY_DATE_UPDATED": lambda d: -d.created.timestamp(),
        "LIST_SEARCH_CONTENT_ORDER_BY_HOTNESS": lambda d: -(d.votes + 2 * d.comments),
        "LIST_SEARCH_CONTENT_ORDER_BY_TOTAL_COMMENTS": lambda d: -d.comments,
        "LIST_SEARCH_CONTENT_ORDER_BY_VOTES": lambda d: -d.votes,
    }
    docs.sort(key=keys.get(order, lambda d: (-_relevance(d, words), -d.votes)))
    page, token = paginate(docs, req, max_size=100)
    return clean({"documents": [d.body for d in page], "totalDocuments": len(docs), "nextPageToken": token or None})

