"""search_kaggle: one search across competitions, datasets, notebooks, models, discussions and users."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from kaggle_mcp.server.arguments import CursorArg
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import result, table_answer
from kaggle_mcp.server.request import account, deployment
from kaggle_mcp.workflows import search as flow


async def search_kaggle(
    ctx: Context,
    query: Annotated[str, Field(description="Words to search for, e.g. 'llm math reasoning'.")],
    kind: Annotated[flow.SearchKind, Field(description="Only this kind of result.")] = "all",
    cursor: CursorArg = None,
) -> Annotated[CallToolResult, flow.SearchResults]:
    """Search all of Kaggle at once. Each row's ref is what the matching tool takes: a competition slug,
    an owner/slug dataset, notebook or model, a discussion's topic id."""
    found = await flow.search_kaggle(await account(ctx), query, kind, cursor)
    only = f" ({kind})" if kind != "all" else ""
    text, shown, nxt = table_answer("results", [r.model_dump() for r in found.results],
                                    deployment(ctx).settings.max_tokens, cursor=cursor, next_cursor=found.next_cursor,
                                    header=f"{found.total} results for {query!r}{only}:")
    return result(text, found.model_copy(update={"results": [flow.SearchRow(**r) for r in shown], "next_cursor": nxt}))


TOOLS = (ToolSpec(search_kaggle, "Search Kaggle", None, read_only=True, idempotent=True),)
