"""Votes with recency, dominant language first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from kaggle_mcp.context.ranking import HALF_LIFE_DAYS, dominant_language, rank_kernels, rank_score

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass
class K:
    ref: str
    total_votes: int
    language: str = "python"
    days_old: float = 0
    kernel_type: str = "notebook"

    @property
    def last_run_time(self):
        return NOW - timedelta(days=self.days_old)


def test_formula():
    assert rank_score(99, NOW, NOW) == 100
    assert abs(rank_score(99, NOW - timedelta(days=HALF_LIFE_DAYS), NOW) - 50) < 1e-9
    assert rank_score(0, None, NOW) == 0.5  # no date counts as a year old
    naive = datetime(2025, 1, 1)
    assert abs(rank_score(9, naive, NOW) - 5) < 0.1


def test_recency_breaks_near_ties_but_not_big_gaps():
    old_classic = K("a/classic", 2000, days_old=730)
    fresh_small = K("b/fresh", 50, days_old=10)
    fresh_equal = K("c/fresh-equal", 1900, days_old=30)
    ranked = rank_kernels([old_classic, fresh_small, fresh_equal], 3, now=NOW)
    assert [k.ref for k in ranked] == ["c/fresh-equal", "a/classic", "b/fresh"]


def test_dominant_language_first_scripts_included():
    kernels = [
        K("r/best", 500, language="R"),
        K("p/one", 100),
        K("p/two", 90, kernel_type="script"),
        K("p/three", 80, language="Python"),
        K("p/four", 400),
    ]
    assert dominant_language(kernels) == "python"
    ranked = rank_kernels(kernels, 5, now=NOW)
    assert [k.ref for k in ranked] == ["p/four", "p/one", "p/two", "p/three", "r/best"]
    assert [k.ref for k in rank_kernels(kernels, 2, now=NOW)] == ["p/four", "p/one"]


def test_duplicates_and_empty():
    assert rank_kernels([], 5) == []
    assert len(rank_kernels([K("a/x", 1), K("a/x", 1)], 5, now=NOW)) == 1
    assert rank_kernels([K("a/x", 1)], 0, now=NOW) == []
