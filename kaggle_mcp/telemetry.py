"""Counters the layers below the HTTP app bump (context builds and cache hits, calls to Kaggle and their
retries, limits hit), kept as plain integers so that the client and the context engine depend on no
metrics library and a stdio server pays nothing for them. The HTTP app exports them in Prometheus' text
format (`web/metrics.py`, with prometheus_client)."""

from __future__ import annotations

from collections import Counter

__all__ = ["COUNTS", "count"]

#: (metric name, sorted label pairs) -> how many times it happened in this process
COUNTS: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()


def count(name: str, **labels: str) -> None:
    COUNTS[(name, tuple(sorted(labels.items())))] += 1
