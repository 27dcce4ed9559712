"""Competition pages (HTML or markdown) as plain text an agent can read cheaply.

Kaggle pages come as HTML or markdown per `mimeType`, and the HTML is often pasted from word
processors: inline styles, spans, tables for layout. Markup costs tokens and carries nothing an
agent needs, so blocks become lines, list items `- `, headings `#`, table cells ` | `, links keep
their text, and script/style/svg disappear. The stdlib parser is enough and never raises on broken
markup.

Also here: cutting a page to a token budget (`trim_text`) and keeping the paragraphs of a rules
page that constrain a solution (`rules_essentials`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .tokens import estimate_tokens

__all__ = ["looks_like_html", "page_text", "post_text", "rules_essentials", "trim_text"]

_BLOCKS = {"p", "div", "section", "article", "br", "tr", "table", "ul", "ol", "pre", "blockquote", "hr", "dl", "dt", "dd"}
_HEADINGS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}
_SKIP = {"script", "style", "svg", "noscript", "head", "iframe"}
_HTML_HINT = re.compile(r"<(p|div|br|h[1-6]|ul|ol|li|table|span|a|strong|em)\b", re.I)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:5000]))


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_depth = 0
        self.in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _HEADINGS:
            self.out.append("\n\n" + _HEADINGS[tag])
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in ("td", "th"):
            self.out.append(" | ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.out.append(f"[image: {alt}]")
        elif tag in _BLOCKS:
            self.out.append("\n")
            if tag == "pre":
                self.in_pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _HEADINGS or tag in ("p", "div", "table", "ul", "ol", "pre", "blockquote"):
            self.out.append("\n")
            if tag == "pre":
                self.in_pre = max(0, self.in_pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        self.out.append(data if self.in_pre else re.sub(r"\s+", " ", data))


class _PostParser(_TextParser):
    """A forum post: what a page keeps, plus what a thread needs: code fences, inline code, link targets,
    quotes and image markers (so a reader can follow a linked notebook or copy a snippet)."""

    def __init__(self) -> None:
        super().__init__()
        self.href: list[str | None] = []
        self.link_start: list[int] = []
        self.quote_start: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "pre" and not self.skip_depth:
            self.out.append("\n```\n")
            self.in_pre += 1
        elif tag == "code" and not self.in_pre:
            self.out.append("`")
        elif tag == "a":
            self.href.append(values.get("href"))
            self.link_start.append(len(self.out))
        elif tag == "img":
            self.out.append(f"[image: {values.get('alt') or 'no description'}]")
        elif tag == "blockquote":
            self.quote_start.append(len(self.out))
        else:
            super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self.in_pre:
            self.in_pre -= 1
            self.out.append("\n```\n")
        elif tag == "code" and not self.in_pre:
            self.out.append("`")
        elif tag == "a" and self.href:
            href, start = self.href.pop(), self.link_start.pop()
            label = "".join(self.out[start:]).strip()
            if href and href.startswith(("http://", "https://", "/")) and href.rstrip("/") != label.rstrip("/"):
                self.out.append(f" ({'https://www.kaggle.com' + href if href.startswith('/') else href})")
        elif tag == "blockquote" and self.quote_start:
            start = self.quote_start.pop()
            quoted = [line.strip() for line in "".join(self.out[start:]).splitlines() if line.strip()]
            self.out[start:] = ["\n" + "\n".join("> " + line for line in quoted) + "\n"]
        else:
            super().handle_endtag(tag)


def _tidy_post(text: str) -> str:
    """Like `_tidy`, but code between fences keeps its indentation (and loses its trailing blank lines)."""
    lines: list[str] = []
    fenced = False
    for raw in text.split("\n"):
        line = raw.rstrip() if fenced else raw.strip()
        if line == "```":
            while fenced and lines and not lines[-1]:
                lines.pop()
            fenced = not fenced
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def page_text(content: str, mime_type: str | None = None) -> str:
    """Plain text of a page; markdown passes through with only whitespace tidied."""
    is_html = (mime_type or "").lower().endswith("html") or looks_like_html(content)
    if not is_html:
        return _tidy(content)
    parser = _TextParser()
    parser.feed(content)
    parser.close()
    return _tidy("".join(parser.out))


def post_text(content: str) -> str:
    """A discussion post (Kaggle serves HTML; markdown passes through) as compact markdown."""
    if not looks_like_html(content) and "<pre" not in content:
        return _tidy_post(content)
    parser = _PostParser()
    parser.feed(content)
    parser.close()
    return _tidy_post("".join(parser.out))


_RULES_KEYWORDS = re.compile(
    r"submission|per day|team|external data|pre-?trained|internet|gpu|runtime|hours|"
    r"code competition|private|license|open source|hand label",
    re.I,
)


def trim_text(text: str, max_tokens: int) -> tuple[str, bool]:
    """The head of `text` within `max_tokens` (estimated), cut at a line or word, with a marker."""
    if estimate_tokens(text) <= max_tokens:
        return text, False
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if estimate_tokens(text[:mid]) + 6 <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    head = text[:lo]
    cut = max(head.rfind("\n"), head.rfind(" "))
    if cut > lo // 2:
        head = head[:cut]
    return head.rstrip() + " … [trimmed]", True


def rules_essentials(text: str) -> str:
    """Rules pages are mostly legal boilerplate: keep the paragraphs that constrain a solution."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    essential = [p for p in paragraphs if _RULES_KEYWORDS.search(p)]
    return "\n\n".join(essential) if essential else text
