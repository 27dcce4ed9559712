"""One parser for the ways people name Kaggle things: slugs, `owner/slug` refs and kaggle.com URLs.

Agents copy whatever they saw (a URL from a search result, a ref from a table, a slug from the
user's message); accepting all of them saves a round trip and a confused retry. Every layer (the
context engine, the workflows, the REST API) parses through here, so a reference accepted by one is
accepted by all. A reference that cannot be parsed raises `InvalidReference`, whose `kind` lets the
caller say where valid ones are listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .errors import InvalidReference

Kind = Literal["competition", "notebook", "dataset"]

# Kaggle's competition slugs are lowercase words joined by hyphens; owners and the slugs of notebooks
# and datasets are looser (mixed case in old refs, dots and underscores in some user names).
_COMPETITION_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_COMPETITION_PREFIXES = ("competitions", "c")
_NOTEBOOK_PREFIXES = ("code", "kernels", "notebooks")
_DATASET_PREFIXES = ("datasets", "dataset", "d")
# Page names that follow a thing's path in kaggle.com URLs (…/titanic/data, …/alice/eda/notebook).
_TAILS = {"overview", "data", "code", "discussion", "leaderboard", "rules", "team", "submissions",
          "submit", "models", "notebook", "edit", "log", "input", "output", "comments", "settings",
          "versions", "suggestions", "discussions", "card", "dataset", "download", "script",
          "tasks", "metadata", "evaluation", "description", "data-description", "timeline"}


@dataclass(frozen=True)
class Ref:
    """`owner` is None when only a slug was given (the caller decides: usually the user's own)."""

    owner: str | None
    slug: str
    version: int | None = None

    def text(self, default_owner: str | None = None) -> str:
        owner = self.owner or default_owner
        return f"{owner}/{self.slug}" if owner else self.slug


def _path_parts(value: str, kind: Kind) -> list[str]:
    """The path segments of a ref or of a kaggle.com URL (any other site is refused)."""
    text = value.strip().strip("/")
    if "://" in text or text.lower().startswith(("www.kaggle.com", "kaggle.com")):
        url = urlsplit(text if "://" in text else "https://" + text)
        host = (url.hostname or "").lower()
        if host != "kaggle.com" and not host.endswith(".kaggle.com"):  # not notkaggle.com
            raise InvalidReference(f"'{value}' is not a kaggle.com URL. Pass a slug, owner/slug or a kaggle.com URL.",
                                   kind=kind)
        text = url.path.strip("/")
    return [p for p in text.split("/") if p]


def _strip_tail(parts: list[str]) -> tuple[list[str], int | None]:
    """Drop trailing page names (`/data`, `/notebook`, `/versions/3`) and return a version if any."""
    version = None
    while parts:
        last = parts[-1]
        if last.isdigit() and len(parts) >= 2 and parts[-2] in ("versions", "version"):
            version = int(last)
            parts = parts[:-2]
        elif last.lower() in _TAILS:
            parts = parts[:-1]
        else:
            break
    return parts, version


def competition_slug(value: str) -> str:
    """`titanic`, `kaggle.com/c/titanic`, `https://www.kaggle.com/competitions/titanic/data` -> `titanic`."""
    parts = _path_parts(value, "competition")
    if parts and parts[0].lower() in _COMPETITION_PREFIXES:
        parts = parts[1:]
    parts, _ = _strip_tail(parts)
    slug = parts[0].lower() if len(parts) == 1 else ""
    if not _COMPETITION_SLUG.match(slug):
        raise InvalidReference(
            f"'{value}' is not a competition reference: use its slug (lowercase letters, digits and hyphens, "
            "such as 'titanic') or its URL, like https://www.kaggle.com/competitions/titanic.", kind="competition")
    return slug


def _owned(value: str, prefixes: tuple[str, ...], kind: Kind, example: str) -> Ref:
    parts = _path_parts(value, kind)
    if parts and parts[0].lower() in prefixes:
        parts = parts[1:]
    parts, version = _strip_tail(parts)
    if len(parts) == 3 and parts[2].isdigit():
        version, parts = int(parts[2]), parts[:2]
    if 1 <= len(parts) <= 2 and all(_SLUG.match(p) for p in parts):
        return Ref(parts[0], parts[1], version) if len(parts) == 2 else Ref(None, parts[0], version)
    raise InvalidReference(f"'{value}' is not a {kind} reference: use owner/slug (e.g. {example}), optionally "
                           "with /<version>, or its kaggle.com URL.", kind=kind)


def notebook_ref(value: str) -> Ref:
    """`alice/titanic-eda`, `alice/titanic-eda/3`, `https://www.kaggle.com/code/alice/titanic-eda`."""
    return _owned(value, _NOTEBOOK_PREFIXES, "notebook", "'alice/titanic-eda'")


def dataset_ref(value: str) -> Ref:
    """`alice/extra`, `alice/extra/2`, `https://www.kaggle.com/datasets/alice/extra/versions/2`."""
    return _owned(value, _DATASET_PREFIXES, "dataset", "'alice/titanic-extra-features'")


def require_owner(ref: Ref, kind: Kind) -> tuple[str, str]:
    """(owner, slug) of a ref that must name its owner."""
    if not ref.owner:
        raise InvalidReference(f"'{ref.slug}' needs its owner: pass the {kind} as owner/slug "
                               f"(e.g. alice/{ref.slug}).", kind=kind)
    return ref.owner, ref.slug
