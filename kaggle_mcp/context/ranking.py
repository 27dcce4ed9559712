"""Which notebooks an agent should read first.

Votes alone favour five-year-old tutorials; recency alone favours noise. Each candidate (from
`ListKernels` sorted by votes, scripts and notebooks both) gets

    score = (votes + 1) * 0.5 ** (age_days / HALF_LIFE_DAYS)        HALF_LIFE_DAYS = 365

where `age_days` counts from the notebook's last run (a notebook re-run last week still works with
today's libraries and data). A year halves the weight, so a 2,000-vote classic still beats a
50-vote newcomer, but among notebooks of similar standing the fresher one wins.

Then the competition's dominant language (the language with the most votes among the candidates)
goes first: an agent writing Python gains more from the fifth-best Python notebook than from the
best R one, so other languages only fill places the dominant one cannot. Within a language the
order is by score; ties keep Kaggle's order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Protocol, TypeVar

__all__ = ["HALF_LIFE_DAYS", "dominant_language", "normalize_language", "rank_kernels", "rank_score"]

HALF_LIFE_DAYS = 365.0


def normalize_language(language: str | None) -> str:
    value = (language or "").strip().lower()
    return {"rmarkdown": "r", "ipython": "python", "py": "python"}.get(value, value or "unknown")


class Rankable(Protocol):
    """What ranking reads of a notebook (ListKernels' `ApiKernelMetadata` has these)."""

    @property
    def ref(self) -> str: ...
    @property
    def total_votes(self) -> int: ...
    @property
    def language(self) -> str | None: ...
    @property
    def last_run_time(self) -> datetime | None: ...


K = TypeVar("K", bound=Rankable)


def rank_score(votes: int, last_run: datetime | None, now: datetime) -> float:
    """(votes + 1) * 0.5 ** (age_days / HALF_LIFE_DAYS); no date counts as a year old."""
    if last_run is None:
        age_days = HALF_LIFE_DAYS
    else:
        if last_run.tzinfo is None:
            last_run = last_run.replace(tzinfo=timezone.utc)
        age_days = max(0.0, (now - last_run).total_seconds() / 86400.0)
    return float((max(votes, 0) + 1) * 0.5 ** (age_days / HALF_LIFE_DAYS))


def dominant_language(kernels: Sequence[Rankable]) -> str | None:
    """The language with the most votes among `kernels` (most notebooks breaks a tie)."""
    votes: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for kernel in kernels:
        language = normalize_language(kernel.language)
        votes[language] += kernel.total_votes
        counts[language] += 1
    if not counts:
        return None
    return max(counts, key=lambda lang: (votes[lang], counts[lang]))


def rank_kernels(kernels: Sequence[K], top_n: int, now: datetime | None = None) -> list[K]:
    """The `top_n` kernels to read, dominant language first, each language by `rank_score`."""
    now = now or datetime.now(timezone.utc)
    unique: dict[str, K] = {}
    for kernel in kernels:
        unique.setdefault(kernel.ref or str(id(kernel)), kernel)
    candidates = list(unique.values())
    dominant = dominant_language(candidates)
    order = {id(k): i for i, k in enumerate(candidates)}

    def key(kernel: K) -> tuple[bool, float, int]:
        score = rank_score(kernel.total_votes, kernel.last_run_time, now)
        other = normalize_language(kernel.language) != dominant
        return (other, -score, order[id(kernel)])

    return sorted(candidates, key=key)[: max(0, top_n)]
