"""Seeds the forums: comment trees for every competition topic, one thread of 340 comments, solution
write-ups for the ended competition, and forums for datasets, notebooks, models and the site.

Runs after competitions, datasets, notebooks and models exist (comments link to them), with a random
generator of its own so the rest of the seeded world is byte-for-byte what it was before forums grew.
Trees are built the way threads grow: each new comment either starts a branch or answers one of the
last few comments, up to six levels deep.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta

from kaggle_mcp.sandbox import seed_forum_text as text
from kaggle_mcp.sandbox.forum_world import Comment, Forum, WriteUp, count, walk
from kaggle_mcp.sandbox.world import Topic, World

BIG_THREAD = ("titanic", "Share your best single-model score", 340)
MAX_DEPTH = 6
ENDED = "house-prices-2019"


class _Writer:
    """Fills templates from the world; owns the id counters so ids never collide across forums."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.users = sorted(world.users)
        self.notebooks = sorted(world.kernels) or ["alice/titanic-eda"]
        self.datasets = sorted(world.datasets) or ["alice/titanic-extra-features"]
        self.topic_ids = itertools.count(600_001)
        self.comment_ids = itertools.count(9_000_001)

    def fill(self, template: str, **extra: str) -> str:
        rng = self.rng
        values = {"score": f"0.{rng.randint(70000, 99999)}", "notebook": rng.choice(self.notebooks),
                  "dataset": rng.choice(self.datasets), "n": str(rng.randint(1, 99)), "quote": "",
                  "slug": "titanic", "body": ""} | extra
        return template.format(**values)

    def tree(self, n: int, start: datetime) -> list[Comment]:
        roots: list[Comment] = []
        recent: list[tuple[Comment, int]] = []
        when = start
        for _ in range(n):
            when += timedelta(minutes=self.rng.randint(3, 240))
            parent, depth = (self.rng.choice(recent[-8:]) if recent and self.rng.random() < 0.55 else (None, -1))
            if parent is not None and depth + 1 < MAX_DEPTH:
                quote = parent.markdown.split("\n", 1)[0][:80]
                body = self.fill(self.rng.choice(text.REPLIES), quote=quote)
            else:
                parent, depth = None, -1
                body = self.fill(self.rng.choice(text.COMMENTS), quote="Did anyone else see this?")
            comment = Comment(next(self.comment_ids), self.rng.choice(self.users), when, body,
                              votes=max(0, int(self.rng.expovariate(0.3))))
            (parent.replies if parent is not None else roots).append(comment)
            recent.append((comment, depth + 1))
        return roots

    def grow(self, topic: Topic, n: int, slug: str = "titanic") -> None:
        """Give a topic a first post and a tree of ``n`` comments; counts and dates follow from them."""
        if not topic.body or topic.body.endswith("feedback welcome."):
            topic.body = self.fill(self.rng.choice(text.POSTS), slug=slug,
                                   body=f"{topic.title}\n\nHere is what I found so far.")
        topic.thread = self.tree(n, topic.posted)
        topic.comments = count(topic.thread)
        topic.last_comment = max((c.posted for c in walk(topic.thread)), default=topic.posted)

    def topic(self, title: str, posted: datetime, comments: int, slug: str = "titanic") -> Topic:
        topic = Topic(next(self.topic_ids), title, self.rng.choice(self.users), 0, self.rng.randint(0, 150),
                      posted, posted)
        self.grow(topic, comments, slug)
        return topic


def _competition_forums(world: World, writer: _Writer) -> None:
    for comp in world.competitions.values():
        world.forums[f"competition:{comp.slug}"] = Forum(comp.id, "competition", comp.slug, comp.title,
                                                         comp.subtitle, comp.topics)
        for topic in comp.topics:
            big = (comp.slug, topic.title) == BIG_THREAD[:2]
            writer.grow(topic, BIG_THREAD[2] if big else topic.comments, comp.slug)


def _writeups(world: World, writer: _Writer) -> None:
    comp = world.competitions[ENDED]
    existing = {t.title: t for t in comp.topics}
    for place, team, title, subtitle, body in text.WRITEUPS:
        topic = existing.get(title)
        if topic is None:
            topic = writer.topic(title, comp.deadline + timedelta(days=place), writer.rng.randint(4, 30), comp.slug)
            comp.topics.append(topic)
        topic.body = body
        topic.votes = max(topic.votes, 400 // place)
        topic.writeup = WriteUp(topic.id + 1_000_000, comp.slug, place, team, subtitle)


def _entity_forums(world: World, writer: _Writer, start: datetime) -> None:
    owners = [("dataset", ref, ds.title) for ref, ds in sorted(world.datasets.items()) if not ds.is_private]
    owners += [("kernel", ref, k.title) for ref, k in sorted(world.kernels.items())
               if not k.is_private and k.total_votes >= 100][:4]
    owners += [("model", ref, m.title) for ref, m in sorted(world.models.items())]
    forum_ids = itertools.count(800_001)
    for kind, ref, title in owners:
        titles = text.ENTITY_TOPICS[kind][: 2 + writer.rng.randint(0, 1)]
        topics = [writer.topic(t, start + timedelta(days=writer.rng.randint(0, 300)), writer.rng.randint(1, 18))
                  for t in titles]
        world.forums[f"{kind}:{ref}"] = Forum(next(forum_ids), kind, ref, title, "", topics)
    for slug, (name, subtitle, titles) in text.SITE_TOPICS.items():
        topics = [writer.topic(t, start + timedelta(days=writer.rng.randint(0, 300)), writer.rng.randint(2, 25))
                  for t in titles]
        world.forums[f"site:{slug}"] = Forum(next(forum_ids), "site", slug, name, subtitle, topics)


def build_forums(world: World, rng: random.Random, start: datetime) -> None:
    writer = _Writer(world, rng)
    _competition_forums(world, writer)
    _writeups(world, writer)
    _entity_forums(world, writer, start)
