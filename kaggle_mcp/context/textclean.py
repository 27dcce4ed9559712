"""Text clean-up shared by notebook and script cleaning: what makes a cell cheap to read.

Kept apart from the notebook structure code so each stays small: these functions only see strings
(markdown, code, terminal output) and know nothing of nbformat.
"""

from __future__ import annotations

import html
import re
from typing import Any

LINE_MAX_CHARS = 300


def trim_marker(lines: int) -> str:
    return f"… [trimmed {lines} more line{'s' if lines != 1 else ''}]"


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{100,}={0,2}")
_DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+;base64,[A-Za-z0-9+/=\s]*")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\((?:data:|attachment:)[^)]*\)")
_HTML_DROP = re.compile(r"<(style|script|svg)\b.*?</\1\s*>", re.S | re.I)
_HTML_IMG = re.compile(r"<img\b[^>]*>", re.I)
_HTML_BREAK = re.compile(r"<\s*(br|/p|/div|/h[1-6]|/li|/tr)\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BLANK_RUNS = re.compile(r"\n{3,}")
REPR_NOISE = re.compile(
    r"^\s*(<(Figure|matplotlib|AxesSubplot|Axes|seaborn|IPython|Text|Line2D)[^>]*>|"
    r"<[\w.]+ (object )?at 0x[0-9a-fA-F]+>|\[<matplotlib[^\]]*\]|Text\([^)]*\))\s*$"
)


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def tidy(text: str) -> str:
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.rstrip()
        if len(line) > LINE_MAX_CHARS:
            line = line[:LINE_MAX_CHARS] + " …"
        lines.append(line)
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def cap(text: str, max_lines: int, max_chars: int) -> tuple[str, bool]:
    """Keep the head of `text` within both limits; the marker counts the lines cut."""
    lines = text.split("\n")
    kept: list[str] = []
    size = 0
    for line in lines:
        if len(kept) >= max_lines or size + len(line) > max_chars:
            break
        kept.append(line)
        size += len(line) + 1
    if len(kept) == len(lines):
        return text, False
    if not kept:  # a single enormous line
        kept = [lines[0][:max_chars] + " …"]
    return "\n".join(kept + [trim_marker(len(lines) - len(kept))]), True


def clean_markdown(text: str) -> str:
    text = _MD_IMAGE.sub("[image]", text)
    text = _DATA_URI.sub("[base64 removed]", text)
    text = _HTML_COMMENT.sub("", text)
    text = _HTML_DROP.sub("", text)
    text = _HTML_IMG.sub("[image]", text)
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_TAG.sub("", text)
    text = html.unescape(text)
    return tidy(text)


_KAGGLE_BOILERPLATE = "comes with many helpful analytics libraries installed"


def clean_code(text: str) -> str:
    if _KAGGLE_BOILERPLATE in text:  # Kaggle's starter cell: keep its code, drop its comments
        text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("#"))
    text = _DATA_URI.sub("[base64 removed]", text)
    text = _BASE64_RUN.sub("[base64 removed]", text)
    return tidy(text)


def resolve_terminal(text: str) -> str:
    """Apply what a terminal would: ANSI colours off, `\\r` overwrites, backspaces erase."""
    text = ANSI.sub("", text.replace("\r\n", "\n"))
    out = []
    for line in text.split("\n"):
        if "\r" in line:
            parts = [p for p in line.split("\r") if p]
            line = parts[-1] if parts else ""
        if "\b" in line:
            kept: list[str] = []
            for ch in line:
                if ch != "\b":
                    kept.append(ch)
                elif kept:
                    kept.pop()
            line = "".join(kept)
        out.append(line)
    return "\n".join(out)
