"""The sandbox's forums: forums, comment trees, solution write-ups, and how their text is served.

Kaggle keeps one forum per competition, dataset, notebook and model, plus site forums ("Getting
Started", "General"). A topic's first post and its comments are written in markdown and served as
HTML (``content``); the competition service also serves the markdown (``rawMarkdown``). A solution
write-up is a topic with a leaderboard place, which search reports in ``writeUpMetadata``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaggle_mcp.sandbox.world import Topic

KAGGLE = "https://www.kaggle.com"


@dataclass
class Comment:
    id: int
    author: str                      # user name
    posted: datetime
    markdown: str
    votes: int = 0
    replies: list[Comment] = field(default_factory=list)


@dataclass
class WriteUp:
    """What makes a topic a solution write-up: the competition and the team's final place."""

    id: int
    competition: str                 # slug
    place: int
    team: str
    subtitle: str


@dataclass
class Forum:
    id: int
    kind: str                        # competition | dataset | kernel | model | site
    ref: str                         # what it belongs to: a competition slug, owner/slug, or the site forum's slug
    name: str
    subtitle: str = ""
    topics: list[Topic] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The ``forumSlug`` ListTopics filters on: a competition's or site forum's own slug."""
        return self.ref if self.kind in ("competition", "site") else f"{self.kind}-{self.ref.replace('/', '-')}"

    @property
    def url(self) -> str:
        base = {"competition": "competitions", "dataset": "datasets", "kernel": "code", "model": "models"}
        if self.kind == "site":
            return f"{KAGGLE}/discussions/{self.ref}"
        return f"{KAGGLE}/{base[self.kind]}/{self.ref}/discussion"

    def topic_url(self, topic_id: int) -> str:
        return f"{self.url}/{topic_id}"


def walk(comments: list[Comment]) -> Iterator[Comment]:
    """Every comment of a tree, depth first, in reading order."""
    for comment in comments:
        yield comment
        yield from walk(comment.replies)


def count(comments: list[Comment]) -> int:
    return sum(1 for _ in walk(comments))


_FENCE = re.compile(r"```(\w*)\n(.*?)```", re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)\)")
_INLINE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = _INLINE.sub(lambda m: f"<code>{m.group(1)}</code>", out)
    out = _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", out)

    def link(match: re.Match[str]) -> str:
        label, target = match.group(1), html.escape(match.group(2))
        if match.group(0).startswith("!"):
            return f'<img src="{target}" alt="{label}">'
        return f'<a href="{target}" rel="nofollow">{label}</a>'

    return _LINK.sub(link, out)


def render_html(markdown: str) -> str:
    """Kaggle-style HTML of a post: paragraphs, lists, quotes, code blocks, links and images."""
    blocks: list[str] = []
    pieces = _FENCE.split(markdown)
    for i in range(0, len(pieces), 3):
        for para in re.split(r"\n\s*\n", pieces[i]):
            lines = [ln for ln in para.strip().split("\n") if ln.strip()]
            if not lines:
                continue
            if all(ln.lstrip().startswith(("- ", "* ")) for ln in lines):
                items = "".join(f"<li>{_inline(ln.lstrip()[2:])}</li>" for ln in lines)
                blocks.append(f"<ul>{items}</ul>")
            elif all(ln.startswith("> ") for ln in lines):
                blocks.append(f"<blockquote><p>{_inline(' '.join(ln[2:] for ln in lines))}</p></blockquote>")
            elif lines[0].startswith("#"):
                level = min(len(lines[0]) - len(lines[0].lstrip("#")), 6)
                blocks.append(f"<h{level}>{_inline(lines[0].lstrip('# '))}</h{level}>")
                if lines[1:]:
                    blocks.append(f"<p>{_inline(' '.join(lines[1:]))}</p>")
            else:
                blocks.append(f"<p>{'<br>'.join(_inline(ln) for ln in lines)}</p>")
        if i + 2 < len(pieces):
            language, code = pieces[i + 1], html.escape(pieces[i + 2], quote=False)
            attribute = f' class="language-{language}"' if language else ""
            blocks.append(f"<pre><code{attribute}>{code}</code></pre>")
    return "\n".join(blocks)
