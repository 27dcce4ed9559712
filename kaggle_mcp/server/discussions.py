"""Forum tools: list a forum's topics (or solution write-ups) and read one topic's comment tree in parts."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from kaggle_mcp.server.arguments import CursorArg
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import Fence, fence_overhead, result, table_answer
from kaggle_mcp.server.request import account, deployment
from kaggle_mcp.workflows import discussions as flow

Forum = Annotated[str | None, Field(description="Its forum: slug, owner/slug or kaggle.com URL.")]


async def list_discussions(
    ctx: Context,
    competition: Forum = None,
    dataset: Forum = None,
    notebook: Forum = None,
    model: Forum = None,
    search: Annotated[str | None, Field(description="Words to search for; alone, searches every forum.")] = None,
    sort_by: Annotated[flow.TopicSort, Field(description="'relevance' needs search.")] = "votes",
    solutions_only: Annotated[bool, Field(description="Only solution write-ups, best place first.")] = False,
    cursor: CursorArg = None,
) -> Annotated[CallToolResult, flow.DiscussionList]:
    """Forum topics of one competition, dataset, notebook or model (or all forums with search), with id,
    votes and comments. solutions_only lists winners' write-ups, worth reading before writing code. Read
    one with read_discussion(topic=id)."""
    found = await flow.list_discussions(await account(ctx), competition=competition, dataset=dataset,
                                        notebook=notebook, model=model, search=search, sort_by=sort_by,
                                        solutions_only=solutions_only, cursor=cursor)
    text, shown, nxt = table_answer("topics", [t.model_dump() for t in found.topics], deployment(ctx).settings.max_tokens,
                                    cursor=cursor, next_cursor=found.next_cursor, header=f"Topics of {found.source}:")
    if shown:
        text += "\nRead one with read_discussion(topic=id)."
    return result(text, found.model_copy(update={"topics": [flow.TopicRow(**r) for r in shown], "next_cursor": nxt}))


async def read_discussion(
    ctx: Context,
    topic: Annotated[int | str, Field(description="Topic id or its kaggle.com discussion URL.")],
    max_tokens: Annotated[int, Field(ge=1000, le=100_000, description="Token budget of this part.")] = 8000,
    part: Annotated[int, Field(ge=1, description="Which part of a long thread.")] = 1,
) -> Annotated[CallToolResult, flow.PartInfo]:
    """Read a topic and its whole comment tree as clean markdown; each comment is headed by its place in
    the tree (#3.1 is the first reply to comment 3). Long threads come in parts: the answer says how to
    get the next."""
    budget = max(min(max_tokens, deployment(ctx).settings.max_tokens), 1000)  # a thread needs room for one comment
    frame = fence_overhead("discussion 0000000000") + 30  # this answer's own words, the same on every call
    got = await flow.read_discussion(await account(ctx), topic, budget - frame, part)
    more = (f"\nContinue with read_discussion(topic={got.topic_id}, max_tokens={max_tokens}, part={got.part + 1})."
            if got.part < got.parts else "")
    fence = Fence()
    return result(f"{fence.note()}\n{fence.wrap(got.text, f'discussion {got.topic_id}')}{more}",
                  flow.PartInfo(**got.model_dump(exclude={"text"})))


TOOLS = (
    ToolSpec(list_discussions, "List discussions", None, read_only=True, idempotent=True),
    ToolSpec(read_discussion, "Read discussion", "topic", read_only=True, idempotent=True),
)
