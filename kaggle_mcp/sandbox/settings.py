"""Sandbox settings and the fault-injection spec.

Kept apart from the app so the CLI, tests and the MCP server can build settings without importing
Starlette. The fault spec is a short string because it has to travel through a command-line flag and
an environment variable unchanged::

    429=0.2,5xx=0.1,drop=0.05,truncate=0.05,retry_after=0-1,only=StartBlobUpload|GET /blobs,max=3

Rates are per request, 0..1. ``retry_after`` is the range of the 429's Retry-After (seconds).
``only`` limits faults to some endpoints: an RPC method name (``CreateDataset``), a full RPC key
(``datasets.DatasetApiService/CreateDataset``), ``GET /blobs`` (downloads) or ``PUT /uploads``.
``max`` stops after that many injected faults, which expresses "fail once, then succeed".
A ``drop`` cuts the connection after part of the answer; ``truncate`` sends a cut body (invalid
JSON for an RPC, fewer bytes than Content-Length for a download).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

FAULT_KINDS = ("429", "5xx", "drop", "truncate")


@dataclass(frozen=True)
class FaultSpec:
    """Rates (0..1) of each fault, drawn per request from a seeded generator."""

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_drop: float = 0.0
    rate_truncate: float = 0.0
    retry_after: tuple[int, int] = (0, 1)
    only: frozenset[str] = field(default_factory=frozenset)
    max_faults: int | None = None

    @property
    def active(self) -> bool:
        return any((self.rate_429, self.rate_5xx, self.rate_drop, self.rate_truncate))

    @classmethod
    def parse(cls, spec: str | None) -> "FaultSpec":
        """Parse ``kind=rate`` pairs; ``only=Method1|Method2`` limits faults to some RPC names and
        ``max=N`` stops after N injected faults (so "429 once, then success" is expressible).

        A bad spec raises ValueError with the offending part, so the CLI can print it.
        """
        values: dict[str, object] = {}
        only: set[str] = set()
        for part in (spec or "").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            key, sep, raw = part.partition("=")
            key = key.strip().lower()
            raw = raw.strip()
            if not sep:
                raise ValueError(f"fault spec part {part!r} is not key=value")
            if key == "retry_after":
                low, _, high = raw.partition("-")
                try:
                    lo, hi = int(low), int(high or low)
                except ValueError:
                    raise ValueError(f"retry_after must be N or N-M seconds, got {raw!r}") from None
                if lo < 0 or hi < lo:
                    raise ValueError(f"retry_after range {raw!r} is invalid")
                values["retry_after"] = (lo, hi)
            elif key == "max":
                try:
                    values["max_faults"] = int(raw)
                except ValueError:
                    raise ValueError(f"max must be an integer count of faults, got {raw!r}") from None
            elif key == "only":
                only.update(name.strip() for name in raw.split("|") if name.strip())
            elif key in FAULT_KINDS:
                try:
                    rate = float(raw)
                except ValueError:
                    raise ValueError(f"fault rate for {key} must be a number, got {raw!r}") from None
                if not 0.0 <= rate <= 1.0:
                    raise ValueError(f"fault rate for {key} must be within 0..1, got {rate}")
                values["rate_" + key] = rate
            else:
                raise ValueError(f"unknown fault kind {key!r} (known: {', '.join(FAULT_KINDS)}, retry_after, only, max)")
        return cls(only=frozenset(only), **values)  # type: ignore[arg-type]


@dataclass
class SandboxSettings:
    """Everything that changes how the sandbox behaves; defaults give a quiet, fault-free Kaggle.

    ``secret``: when set, every request but an upload (whose URL is a random capability) must carry
    ``Authorization: Bearer <secret>``. The embedded sandbox needs it: its port is on loopback for any
    local process, and a pushed kernel runs as the server's user. Run standalone (``kaggle-agent-mcp
    sandbox``) it is None, and any well-shaped credential is accepted, as the official CLI needs.
    """

    seed: int = 0
    latency_ms: int = 0
    faults: str = ""
    data_dir: Path | str | None = None
    kernel_timeout_s: float = 600
    public_url: str | None = None
    hostile: bool = False
    max_body_bytes: int = 32 * 1024 * 1024
    big_csv_rows: int = 1_300_000
    #: a competition data file bigger than this is served compressed, as `<name>.zip` holding it, as Kaggle
    #: does with some large files (kaggle 2.2.5 unwraps it); None serves every file as it is
    zip_data_files_over: int | None = None
    #: seconds a new submission stays PENDING before its score shows, as on Kaggle, where scoring takes a
    #: while (0: scored at once)
    scoring_delay_s: float = 0.0
    secret: str | None = None

    @classmethod
    def embedded(cls, **values: object) -> "SandboxSettings":
        """Settings for a sandbox embedded in a server: a random secret for this process only, shaped like
        a Kaggle API token so the server's client uses it as its token (``settings.secret``)."""
        return cls(secret="KGAT_" + secrets.token_hex(16), **values)  # type: ignore[arg-type]

    def fault_spec(self) -> FaultSpec:
        return FaultSpec.parse(self.faults)
