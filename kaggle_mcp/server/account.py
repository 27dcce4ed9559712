"""whoami: who the server acts as, with which credential source (never the value), and GPU/TPU quota."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel

from kaggle_mcp.server.errors import CONFIGURE
from kaggle_mcp.server.render import result, toon
from kaggle_mcp.server.tooling import add_tool, client, get, state


class Identity(BaseModel):
    username: str | None = None
    credential_source: str
    credential_kind: str
    endpoint: str
    sandbox: bool
    workspace: str
    read_only: bool
    gpu_quota: str | None = None
    tpu_quota: str | None = None


def _quota(q) -> str | None:
    if q is None:
        return None
    return f"{_hours(get(q, 'time_used'))} h used of {_hours(get(q, 'total_time_allowed'))} h this week"


def _hours(value) -> str:
    """Kaggle's quota durations in hours, as its own UI shows them (e.g. 30 h of GPU a week)."""
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else None
    return "?" if seconds is None else f"{seconds / 3600:.1f}".removesuffix(".0")


async def whoami(ctx: Context) -> Annotated[CallToolResult, Identity]:
    """Check the connection: the Kaggle user, where the credentials came from (never their value), the
    workspace directory, and this week's GPU/TPU quota. Call it first when anything fails with 401."""
    st = state(ctx)
    kc = await client(ctx)
    creds = kc.credentials
    user = await kc.username()
    gpu = tpu = None
    if user:
        try:
            stats = await kc.kernels.get_accelerator_quota_statistics()
            gpu, tpu = _quota(get(stats, "gpu_quota")), _quota(get(stats, "tpu_quota"))
        except Exception:  # quota is informative only
            pass
    me = Identity(username=user, credential_source=str(get(creds, "source", default="none")),
                  credential_kind=str(get(creds, "kind", default="anonymous")),
                  endpoint=str(get(kc.settings, "endpoint", "base_url", default="?")) if hasattr(kc, "settings") else "?",
                  sandbox=st.sandbox_url is not None, workspace=str(st.workspace.root), read_only=st.settings.read_only,
                  gpu_quota=gpu, tpu_quota=tpu)
    text = toon(me.model_dump())
    if not user:
        text += f"\nNot signed in: only public, read-only calls work. {CONFIGURE}"
    if me.sandbox:
        text += "\nThis is the embedded sandbox (seeded local data), not kaggle.com."
    return result(text, me)


def register(mcp: MCPServer, read_only: bool) -> None:
    add_tool(mcp, whoami, title="Who am I", read_only=True, idempotent=True)
