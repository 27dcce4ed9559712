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
from functools import cache
from typing import TYPE_CHECKING, Literal, get_args
from urllib.parse import urlsplit

from .errors import InvalidReference

if TYPE_CHECKING:
    from .models.enums import ModelFramework

Kind = Literal["competition", "notebook", "dataset", "model", "topic"]

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


# -- models ------------------------------------------------------------------------------------

_FRAMEWORK_PREFIX = "MODEL_FRAMEWORK_"
# kaggle.com model URLs come in two shapes: .../models/o/m/pyTorch/2b/1 and the older
# .../models/o/m/frameworks/pyTorch/variations/2b/versions/1; these words mark the second.
_MODEL_MARKERS = {"frameworks", "variations", "versions"}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@cache
def _frameworks() -> tuple[str, ...]:
    """Every framework NAME but UNSPECIFIED (imported on first use: the wire-type package is slow to import)."""
    from .models.enums import ModelFramework

    return get_args(ModelFramework)[1:]


def framework_enum(name: str) -> ModelFramework:
    """``pyTorch``, ``pytorch``, ``PY_TORCH`` or ``MODEL_FRAMEWORK_PY_TORCH`` -> ``MODEL_FRAMEWORK_PY_TORCH``
    (the wire's spelling; the official CLI's lookup is as forgiving)."""
    key = _squash(name)
    for value in _frameworks():
        if key and key in (_squash(value), _squash(value.removeprefix(_FRAMEWORK_PREFIX))):
            return value  # type: ignore[return-value]
    known = ", ".join(framework_name(v) for v in _frameworks())
    raise InvalidReference(f"'{name}' is not a Kaggle model framework; use one of: {known}.", kind="model")


def framework_name(value: str) -> str:
    """kaggle.com's spelling (``pyTorch``, ``tensorFlow2``, used in URLs and ``model_sources``) of a
    framework given in any spelling; an unknown value (one Kaggle adds tomorrow) comes back unchanged."""
    try:
        bare = framework_enum(value).removeprefix(_FRAMEWORK_PREFIX)
    except InvalidReference:
        return value
    first, *rest = bare.lower().split("_")
    return first + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class ModelRef:
    """A model, or one of its instances (framework + variation), or one version of an instance."""

    owner: str
    model: str
    framework: str | None = None
    variation: str | None = None
    version: int | None = None

    @property
    def handle(self) -> str:
        """``owner/model[/framework/variation[/version]]``: the form ``model_sources`` and the CLI take."""
        parts = [self.owner, self.model, self.framework, self.variation,
                 str(self.version) if self.version is not None else None]
        return "/".join(p for p in parts if p)


def model_ref(value: str) -> ModelRef:
    """`google/gemma`, `google/gemma/pyTorch/2b`, `google/gemma/pyTorch/2b/1`, or a kaggle.com/models URL
    in either of its shapes. The framework comes back in kaggle.com's spelling."""
    parts = _path_parts(value, "model")
    if parts and parts[0].lower() == "models":
        parts = parts[1:]
    while parts and (parts[-1].lower() in _TAILS or parts[-1].lower() in _MODEL_MARKERS):
        parts = parts[:-1]
    parts = [p for p in parts if p.lower() not in _MODEL_MARKERS]
    example = ("use owner/model (e.g. google/gemma), owner/model/framework/variation (google/gemma/pyTorch/2b) "
               "with an optional /<version>, or its kaggle.com/models URL.")
    if len(parts) not in (2, 4, 5) or not all(_SLUG.match(p) for p in parts):
        raise InvalidReference(f"'{value}' is not a model reference: {example}", kind="model")
    if len(parts) == 5 and not parts[4].isdigit():
        raise InvalidReference(f"'{value}' is not a model reference: the version must be a number; {example}",
                               kind="model")
    if len(parts) == 2:
        return ModelRef(parts[0], parts[1])
    framework = framework_name(framework_enum(parts[2]))
    return ModelRef(parts[0], parts[1], framework, parts[3], int(parts[4]) if len(parts) == 5 else None)


# -- discussion topics -----------------------------------------------------------------------------


def topic_id(value: str | int) -> int:
    """A topic's numeric id from `123456`, `titanic/123456` (the CLI's form) or any kaggle.com discussion
    URL (`.../competitions/titanic/discussion/123456`, `.../discussions/general/123456#789`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value > 0:
            return value
    elif isinstance(value, str):
        text = value.strip().split("#", 1)[0].split("?", 1)[0]
        parts = _path_parts(text, "topic") if text else []
        if parts and parts[-1].isdigit() and int(parts[-1]) > 0:
            return int(parts[-1])
    raise InvalidReference(f"'{value}' is not a discussion topic: pass its numeric id (e.g. 123456) or its "
                           "kaggle.com discussion URL.", kind="topic")
