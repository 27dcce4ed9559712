"""Settings: everything a deployment can change, read once at start-up.

Kept free of heavy imports (no platformdirs, no client) so that building the server stays as cheap
as a bare MCPServer; the workspace default is only computed when a tool first needs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .locations import default_workspace

DEFAULT_MAX_TOKENS = 20_000


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Settings:
    """How one server process behaves.

    `sandbox=True` runs the embedded sandbox (a local emulator of Kaggle) instead of kaggle.com.
    `sandbox_fallback=True` runs it only when nothing at all is configured (no credentials, no
    endpoint), so a newcomer's first stdio command works; servers that others call (HTTP, SSE) never
    fall back, since a user's request must never be answered with made-up data. `endpoint`/`token`
    point the client elsewhere than the environment says. `database_url` (`KAGGLE_MCP_DATABASE_URL`,
    `postgresql://...`) puts the context store in PostgreSQL, shared by replicas; None keeps it in the
    SQLite file of the cache directory. `multi_user` (`serve --multi-user`, `KAGGLE_MCP_MULTI_USER=1`) serves
    many Kaggle users over HTTP: the server holds no credentials and each request brings its caller's own.
    """

    workspace: Path | None = None
    read_only: bool = False
    max_tokens: int = DEFAULT_MAX_TOKENS
    sandbox: bool = False
    sandbox_fallback: bool = False
    endpoint: str | None = None
    token: str | None = None
    #: the longest one tool call waits (for a run, a score): an HTTP server cannot tell that a legacy client
    #: went away, so it keeps its waits short (KAGGLE_MCP_MAX_WAIT_SECONDS)
    max_wait_seconds: float = 3600
    database_url: str | None = None
    multi_user: bool = False

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Read `KAGGLE_MCP_*` variables; keyword overrides that are not None win (the CLI's flags)."""
        settings = cls(read_only=_flag("KAGGLE_MCP_READ_ONLY"), sandbox=_flag("KAGGLE_MCP_SANDBOX"),
                       max_tokens=int(os.environ.get("KAGGLE_MCP_MAX_TOKENS") or DEFAULT_MAX_TOKENS),
                       endpoint=os.environ.get("KAGGLE_API_ENDPOINT") or None,
                       database_url=os.environ.get("KAGGLE_MCP_DATABASE_URL") or None,
                       multi_user=_flag("KAGGLE_MCP_MULTI_USER"))
        if os.environ.get("KAGGLE_MCP_MAX_WAIT_SECONDS"):
            settings = replace(settings, max_wait_seconds=float(os.environ["KAGGLE_MCP_MAX_WAIT_SECONDS"]))
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def workspace_root(self) -> Path:
        return (self.workspace or default_workspace()).expanduser()
