"""What a REST build is of, and the job ids that let any replica find it in the shared store.

A job id says everything needed to find its build, so no process has to remember it:
`c~<slug>~<top_n>~<since>` or `d~<owner>~<slug>~<top_n>~<since>` for a build as the server's own account
(public data: the id hides nothing), with `~<secret>` appended for one made with an uploaded kaggle.json
(the store keeps only the digest of the whole id, so the id is the one key to that build). `since` (ms) is
when the request found no fresh build, so an older copy of the same context is never passed off as the
job's result. `~` appears in no Kaggle slug or user name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from kaggle_mcp.context.dataset_store import dataset_key, dataset_store_name
from kaggle_mcp.context.service import context_key, job_params
from kaggle_mcp.kaggle.errors import InvalidReference
from kaggle_mcp.kaggle.refs import competition_slug, dataset_ref, require_owner

__all__ = ["JobId", "Target", "job_tag", "parse_target"]


def job_tag(job_id: str) -> str:
    """What the store keeps of a private job's id: a digest, so the store alone cannot open it."""
    return hashlib.sha256(job_id.encode()).hexdigest()


@dataclass(frozen=True)
class Target:
    """What a `url` names: a competition (`name` = slug) or a dataset (`name` = owner/slug)."""

    kind: Literal["competition", "dataset"]
    name: str

    @property
    def store_name(self) -> str:
        return self.name if self.kind == "competition" else dataset_store_name(*self.name.split("/"))

    @property
    def url(self) -> str:
        return f"https://www.kaggle.com/{'competitions' if self.kind == 'competition' else 'datasets'}/{self.name}"


def parse_target(url: str) -> Target:
    """A competition if the text reads as one, else a dataset (`owner/slug` or a /datasets/ URL); a URL of
    any other site is refused (InvalidReference)."""
    try:
        return Target("competition", competition_slug(url))
    except InvalidReference as competition_error:
        try:
            owner, slug = require_owner(dataset_ref(url), "dataset")
        except InvalidReference:
            raise competition_error from None
        return Target("dataset", f"{owner}/{slug}")


@dataclass(frozen=True)
class JobId:
    target: Target
    top_n: int
    since_ms: int
    secret: str | None = None

    def __str__(self) -> str:
        parts = ["c" if self.target.kind == "competition" else "d", *self.target.name.split("/"),
                 str(self.top_n), str(self.since_ms)]
        return "~".join(parts + ([self.secret] if self.secret else []))

    @property
    def tag(self) -> str | None:
        """The store's digest of a private job's id (None for a build as the server's account)."""
        return job_tag(str(self)) if self.secret else None

    def key(self, scope: str, max_tokens: int) -> str:
        """The store key of this job's build, as the context engine files it: `scope` is the competition copy's
        (`rest.copy_scope`), or for a dataset the user name of whoever builds it."""
        if self.target.kind == "competition":
            return context_key(self.target.name, self.top_n, max_tokens, scope, self.tag)
        owner, slug = self.target.name.split("/")
        return dataset_key(owner, slug, self.top_n, max_tokens, scope, self.tag)

    def params(self, scope: str, max_tokens: int) -> dict[str, Any]:
        return job_params(self.top_n, max_tokens, scope, self.tag)

    @classmethod
    def parse(cls, text: str) -> JobId | None:
        parts = text.split("~")
        kind = {"c": "competition", "d": "dataset"}.get(parts[0])
        width = 2 if kind == "competition" else 3
        if kind is None or len(parts) not in (width + 2, width + 3):
            return None
        name, numbers, secret = "/".join(parts[1:width]), parts[width:width + 2], parts[width + 2:]
        if not all(n.isdigit() for n in numbers) or not 1 <= int(numbers[0]) <= 10 or secret == [""]:
            return None
        try:
            target = parse_target(name)
        except InvalidReference:
            return None
        if target.kind != kind or target.name != name:
            return None
        return cls(target, int(numbers[0]), int(numbers[1]), secret[0] if secret else None)
