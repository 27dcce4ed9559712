"""One parser for the ways people name Kaggle things: slugs, `owner/slug` refs and kaggle.com URLs.

Agents copy whatever they saw (a URL from a search result, a ref from a table, a slug from the
user's message); accepting all of them saves a round trip and a confused retry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from mcp.server.mcpserver.exceptions import ToolError

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_COMPETITION_PREFIXES = ("competitions", "c")
_NOTEBOOK_PREFIXES = ("code", "kernels", "notebooks")
_TAILS = {"overview", "data", "code", "discussion", "leaderboard", "rules", "team", "submissions",
          "submit", "models", "notebook", "edit", "log", "input", "output", "comments", "settings",
          "versions", "suggestions", "discussions", "card", "dataset", "download", "script",
          "tasks", "metadata", "evaluation", "description", "data-description", "timeline"}


FINDERS = {"competition": "search_competitions", "notebook": "list_notebooks", "dataset": "search_datasets"}


@dataclass(frozen=True)
class Ref:
    """`owner` is None when only a slug was given (the caller decides: usually the user's own)."""

    owner: str | None
    slug: str
    version: int | None = None

    def text(self, default_owner: str | None = None) -> str:
        owner = self.owner or default_owner
        return f"{owner}/{self.slug}" if owner else self.slug


def _path_parts(value: str, what: str) -> list[str]:
    text = value.strip().strip("/")
    if not text:
        return []
    if "://" in text or text.lower().startswith(("www.kaggle.com", "kaggle.com")):
        url = urlsplit(text if "://" in text else "https://" + text)
        host = (url.hostname or "").lower()
        if host != "kaggle.com" and not host.endswith(".kaggle.com"):  # not notkaggle.com
            raise ToolError(f"'{value}' is not a kaggle.com URL. Pass a slug, owner/slug or a kaggle.com URL; "
                            f"{FINDERS[what]} lists valid ones.")
        text = url.path.strip("/")
    return [p for p in text.split("/") if p]




def _check(slug: str, what: str, original: str, example: str) -> str:
    if not _SLUG.match(slug):
        raise ToolError(f"'{original}' is not a valid {what} reference. Use a slug, owner/slug or a "
                        f"kaggle.com URL, e.g. {example}; {FINDERS[what]} lists valid ones.")
    return slug


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
    if len(parts) != 1:
        raise ToolError(f"'{value}' is not a competition reference. Use a slug such as 'titanic' or a URL "
                        "like https://www.kaggle.com/competitions/titanic; find slugs with search_competitions.")
    return _check(parts[0], "competition", value, "'titanic'").lower()


def _owned(value: str, prefixes: tuple[str, ...], what: str, example: str, finder: str) -> Ref:
    parts = _path_parts(value, what)
    if parts and parts[0].lower() in prefixes:
        parts = parts[1:]
    parts, version = _strip_tail(parts)
    if len(parts) == 3 and parts[2].isdigit():
        version, parts = int(parts[2]), parts[:2]
    if len(parts) == 1:
        return Ref(None, _check(parts[0], what, value, example), version)
    if len(parts) == 2:
        return Ref(_check(parts[0], what, value, example), _check(parts[1], what, value, example), version)
    raise ToolError(f"'{value}' is not a {what} reference. Use owner/slug (e.g. {example}) or its "
                    f"kaggle.com URL; find refs with {finder}.")


def notebook_ref(value: str) -> Ref:
    """`alice/titanic-eda`, `alice/titanic-eda/3`, `https://www.kaggle.com/code/alice/titanic-eda`."""
    return _owned(value, _NOTEBOOK_PREFIXES, "notebook", "'alice/titanic-eda'", "list_notebooks")


def dataset_ref(value: str) -> Ref:
    """`alice/extra`, `alice/extra/2`, `https://www.kaggle.com/datasets/alice/extra/versions/2`."""
    return _owned(value, ("datasets", "dataset", "d"), "dataset", "'alice/titanic-extra-features'",
                  "search_datasets")


def require_owner(ref: Ref, what: str) -> tuple[str, str]:
    if not ref.owner:
        raise ToolError(f"'{ref.slug}' needs its owner: pass {what} as owner/slug (e.g. alice/{ref.slug}).")
    return ref.owner, ref.slug
