"""Server settings: everything a deployment can change, read once at start-up.

Kept free of heavy imports (no platformdirs, no client) so that building the server stays as
cheap as a bare MCPServer; the workspace default is only computed when a tool first needs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_TOKENS = 20_000


def default_workspace() -> Path:
    """`KAGGLE_MCP_WORKSPACE`, else `<user data dir>/kaggle-agent-mcp/workspace`."""
    env = os.environ.get("KAGGLE_MCP_WORKSPACE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kaggle-agent-mcp", appauthor=False)) / "workspace"


@dataclass
class ServerSettings:
    """How one server process behaves.

    `endpoint`/`token` point the client somewhere other than what the environment says (the embedded
    sandbox uses them). `sandbox=True` starts the sandbox in-process; `sandbox_fallback` starts it only
    when no credentials are configured at all, so a newcomer's first command works.
    """

    workspace: Path | None = None
    read_only: bool = False
    max_tokens: int = DEFAULT_MAX_TOKENS
    sandbox: bool = False
    sandbox_fallback: bool = True
    endpoint: str | None = None
    token: str | None = None

    @classmethod
    def from_env(cls, **overrides) -> ServerSettings:
        """Read `KAGGLE_MCP_*` variables; explicit keyword overrides win (the CLI passes its flags)."""
        values: dict = {
            "read_only": os.environ.get("KAGGLE_MCP_READ_ONLY", "").lower() in ("1", "true", "yes"),
            "max_tokens": int(os.environ.get("KAGGLE_MCP_MAX_TOKENS") or DEFAULT_MAX_TOKENS),
            "sandbox": os.environ.get("KAGGLE_MCP_SANDBOX", "").lower() in ("1", "true", "yes"),
        }
        if os.environ.get("KAGGLE_MCP_WORKSPACE"):
            values["workspace"] = Path(os.environ["KAGGLE_MCP_WORKSPACE"]).expanduser()
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def workspace_root(self) -> Path:
        return (self.workspace or default_workspace()).expanduser()
