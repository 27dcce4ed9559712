"""What a competition context says about the one who reads it, kept out of the copy everyone shares.

A context is built once and served to every user who asks (`scope=public`), or to every user who has
accepted the competition's rules (`scope=entrants`: it adds the schemas and sample rows of the data files,
which only they may read). Whatever differs per reader is fetched with the reader's own client and
appended to the shared document as a `viewer` section: the user name, whether they joined, their rank,
and their own private notebooks on the competition (nobody else's list shows them). Fetching it also
proves the reader may see the competition at all (a private competition answers 404 to the others), so a
shared copy is never served to someone Kaggle would refuse.

The section is fitted to OVERLAY_TOKENS, the part of the budget the shared copy leaves free, and remembered
per client for OVERLAY_SECONDS (`refresh=True` asks again): joining, a new rank or a new private
notebook shows up after that.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio

from ..kaggle.errors import KaggleError, NoCredentials
from .encode import encode_context
from .tokens import estimate_tokens

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient
    from ..kaggle.models.competitions import ApiCompetition

__all__ = ["OVERLAY_TOKENS", "Viewer", "viewer_of", "with_viewer"]

OVERLAY_TOKENS = 300
OVERLAY_SECONDS = 600.0
PRIVATE_NOTEBOOKS_SHOWN = 5
TITLE_CHARS = 60


@dataclass(frozen=True)
class Viewer:
    """The reader's side of one competition; `competition` is the reader's own GetCompetition answer (a build
    started for this reader reuses it instead of asking again)."""

    user: str | None
    joined: bool
    rank: int | None
    private_notebooks: list[dict[str, Any]]
    competition: ApiCompetition

    @property
    def scope(self) -> str:
        """Which shared copy this reader may be served."""
        return "entrants" if self.joined else "public"

    def section(self, slug: str) -> dict[str, Any]:
        row: dict[str, Any] = {"user": self.user or "anonymous", "joined": self.joined}
        if self.rank is not None:
            row["rank"] = self.rank
        if not self.joined:
            row["data_schemas"] = (f"not shown until you accept the rules at https://www.kaggle.com/competitions/"
                                   f"{slug}/rules")
        if self.private_notebooks:
            row["private_notebooks"] = self.private_notebooks[:PRIVATE_NOTEBOOKS_SHOWN]
            if len(self.private_notebooks) > PRIVATE_NOTEBOOKS_SHOWN:
                row["private_notebooks_not_shown"] = len(self.private_notebooks) - PRIVATE_NOTEBOOKS_SHOWN
        return row


_REMEMBERED: weakref.WeakKeyDictionary[KaggleClient, dict[str, tuple[float, Viewer]]] = weakref.WeakKeyDictionary()
_ASKING: weakref.WeakKeyDictionary[KaggleClient, dict[str, anyio.Event]] = weakref.WeakKeyDictionary()


async def viewer_of(client: KaggleClient, slug: str, *, refresh: bool = False) -> Viewer:
    """The reader behind `client`, for `slug`. Kaggle's refusal of the competition itself (NotFound,
    Forbidden, Unauthorized) is raised: that reader gets no copy. Concurrent first asks share one answer."""
    remembered, asking = _REMEMBERED.setdefault(client, {}), _ASKING.setdefault(client, {})
    while not refresh:
        seen = remembered.get(slug)
        if seen is not None and seen[0] > time.monotonic():
            return seen[1]
        if slug not in asking:
            break
        await asking[slug].wait()
        if slug not in remembered:  # the one asking failed: ask ourselves
            break
    asking[slug] = done = anyio.Event()
    try:
        return await _ask(client, slug, remembered)
    finally:
        if asking.get(slug) is done:
            del asking[slug]
        done.set()


async def _ask(client: KaggleClient, slug: str, remembered: dict[str, tuple[float, Viewer]]) -> Viewer:
    competition = await client.competitions.get_competition(slug)
    try:
        user = await client.username()
    except NoCredentials:
        user = None
    private: list[dict[str, Any]] = []
    if user:
        try:  # informative: a failure leaves the list out, never the context
            answer = await client.kernels.list_kernels(competition=slug, user=user, page_size=20)
            private = [{"ref": k.ref, "title": (k.title or "")[:TITLE_CHARS]} for k in answer.kernels if k.is_private]
        except KaggleError:
            pass
    found = Viewer(user, bool(competition.user_has_entered), competition.user_rank, private, competition)
    remembered[slug] = (time.monotonic() + OVERLAY_SECONDS, found)
    return found


def with_viewer(toon: str, data: dict[str, Any], viewer: Viewer, slug: str) -> tuple[str, dict[str, Any]]:
    """The shared document with the reader's `viewer` section after it: still one TOON document (a top-level
    key appended), within OVERLAY_TOKENS of the shared copy's budget."""
    section = viewer.section(slug)
    text = encode_context({"viewer": section})
    while estimate_tokens(text) > OVERLAY_TOKENS and section.get("private_notebooks"):
        section["private_notebooks"] = section["private_notebooks"][:-1]
        section["private_notebooks_not_shown"] = section.get("private_notebooks_not_shown", 0) + 1
        text = encode_context({"viewer": section})
    return f"{toon}\n{text}", {**data, "viewer": section}
