"""whoami: who the server acts as, with which credential source (never the value), and GPU/TPU quota."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult

from kaggle_mcp.server.errors import CONFIGURE
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import result, toon
from kaggle_mcp.server.request import account
from kaggle_mcp.workflows.identity import Identity
from kaggle_mcp.workflows.identity import whoami as who


async def whoami(ctx: Context) -> Annotated[CallToolResult, Identity]:
    """Check the connection: the Kaggle user, where the credentials came from (never their value), the
    workspace directory, and this week's GPU/TPU quota. Call it first when anything fails with 401."""
    me = await who(await account(ctx))
    text = toon(me.model_dump(exclude_none=True))
    if me.unreachable:
        text += "\nKaggle could not be asked who this is; the rest above is known locally."
    elif not me.username:
        text += f"\nNot signed in: only public, read-only calls work. {CONFIGURE}"
    if me.sandbox:
        text += "\nThis is the embedded sandbox (seeded local data), not kaggle.com."
    return result(text, me)


TOOLS = (ToolSpec(whoami, "Who am I", read_only=True, idempotent=True),)
