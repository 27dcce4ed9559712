"""Fault injection: latency, 429 with Retry-After, 5xx, dropped connections, truncated bodies.

Clients must survive what Kaggle's front end really does. Each decision is drawn from a generator
seeded by ``(seed, endpoint, n)`` where ``n`` counts calls to that endpoint, so a run is reproducible
even when unrelated requests interleave differently; call counts double as the audit trail tests
use to prove a write was not sent twice.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass

from kaggle_mcp.sandbox.settings import FaultSpec


@dataclass(frozen=True)
class Fault:
    kind: str              # "429" | "5xx" | "drop" | "truncate"
    # 5xx faults are the transient front-end kinds (502/503/504) a client should retry; a 500 from
    # Kaggle's backend is a deterministic failure and is not what this injector simulates.
    status: int = 0
    retry_after: int = 0
    fraction: float = 0.5  # of the body sent before a drop/truncation


class FaultInjector:
    def __init__(self, seed: int, spec: FaultSpec):
        self.seed = seed
        self.spec = spec
        self.call_counts: Counter[str] = Counter()
        self.faults_injected: Counter[str] = Counter()
        self._lock = threading.Lock()

    def set_spec(self, spec: FaultSpec) -> None:
        with self._lock:
            self.spec = spec
            self.faults_injected.clear()

    def count(self, key: str) -> int:
        with self._lock:
            self.call_counts[key] += 1
            return self.call_counts[key]

    def decide(self, key: str, n: int, kinds: tuple[str, ...]) -> Fault | None:
        """The fault (if any) for the ``n``-th call of ``key``, among the kinds this endpoint supports."""
        spec = self.spec
        if not spec.active:
            return None
        if spec.max_faults is not None and sum(self.faults_injected.values()) >= spec.max_faults:
            return None
        if spec.only and key not in spec.only and key.rsplit("/", 1)[-1] not in spec.only:
            return None
        rng = random.Random(f"{self.seed}|{key}|{n}")
        roll = rng.random()
        edge = 0.0
        for kind, rate in (("429", spec.rate_429), ("5xx", spec.rate_5xx),
                           ("drop", spec.rate_drop), ("truncate", spec.rate_truncate)):
            if kind not in kinds:
                continue
            edge += rate
            if roll < edge:
                fault = Fault(kind=kind, status={"429": 429, "5xx": rng.choice([502, 503, 504])}.get(kind, 200),
                              retry_after=rng.randint(*spec.retry_after), fraction=rng.uniform(0.2, 0.8))
                with self._lock:
                    self.faults_injected[f"{key}:{kind}"] += 1
                return fault
        return None
