"""Notebook reading tools: find notebooks and read them as compact cells, in parts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server import refs
from kaggle_mcp.server.render import FENCE_NOTE, decode_cursor, fence, result, table_answer
from kaggle_mcp.server.tooling import add_tool, client, day, get, state

NotebookSort = Literal["votes", "hotness", "score", "score_ascending", "date_run", "date_created", "comments",
                       "views", "relevance"]
SORT_WIRE = {"votes": "VOTE_COUNT", "hotness": "HOTNESS", "score": "SCORE_DESCENDING",
             "score_ascending": "SCORE_ASCENDING", "date_run": "DATE_RUN", "date_created": "DATE_CREATED",
             "comments": "COMMENT_COUNT", "views": "VIEW_COUNT", "relevance": "RELEVANCE"}
NotebookArg = Annotated[str, Field(description="Notebook ref owner/slug (optionally owner/slug/version), or its "
                                               "kaggle.com/code URL. A bare slug means one of your own notebooks.")]


class NotebookRow(BaseModel):
    ref: str
    title: str | None = None
    author: str | None = None
    votes: int | None = None
    last_run: str | None = None
    language: str | None = None
    type: str | None = None


class NotebookList(BaseModel):
    notebooks: list[NotebookRow]
    next_cursor: str | None = None


class NotebookPart(BaseModel):
    ref: str
    title: str | None = None
    part: int
    parts: int
    cells: int
    tokens: int


async def resolve_owner(kc: Any, ref: refs.Ref) -> tuple[str, str]:
    """`owner/slug`, filling a missing owner with the signed-in user (a bare slug means 'mine')."""
    if ref.owner:
        return ref.owner, ref.slug
    me = await kc.username()
    if not me:
        raise ToolError(f"'{ref.slug}' has no owner and no Kaggle user is signed in: pass owner/slug.")
    return me, ref.slug


async def list_notebooks(
    ctx: Context,
    competition: Annotated[str | None, Field(description="Only notebooks using this competition (slug or URL).")] = None,
    dataset: Annotated[str | None, Field(description="Only notebooks using this dataset (owner/slug or URL).")] = None,
    user: Annotated[str | None, Field(description="Only notebooks by this Kaggle user name.")] = None,
    search: Annotated[str | None, Field(description="Words to search for in titles.")] = None,
    sort_by: Annotated[NotebookSort, Field(description="'votes' finds the community's best; 'date_run' the newest.")] = "votes",
    language: Annotated[Literal["all", "python", "r", "sqlite", "julia"], Field(description="Language filter.")] = "all",
    kernel_type: Annotated[Literal["all", "notebook", "script"], Field(description="Notebooks (.ipynb) or scripts.")] = "all",
    mine: Annotated[bool, Field(description="Only your own notebooks, private ones included.")] = False,
    page_size: Annotated[int, Field(ge=1, le=100, description="Rows per page.")] = 20,
    cursor: Annotated[str | None, Field(description="next_cursor from the previous answer, to continue.")] = None,
) -> Annotated[CallToolResult, NotebookList]:
    """Find public notebooks and scripts, usually the top-voted ones for a competition, to learn what
    works before writing your own. Pass a `ref` to read_notebook to read one."""
    if sort_by == "relevance" and not search:
        raise ToolError("sort_by='relevance' needs search words; pass search=... or another sort_by.")
    token, offset = decode_cursor(cursor)
    resp = await (await client(ctx)).kernels.list_kernels(
        competition=refs.competition_slug(competition) if competition else "",
        dataset=refs.dataset_ref(dataset).text() if dataset else "", user=user or "", search=search or "",
        sort_by=SORT_WIRE[sort_by], language=language, kernel_type=kernel_type,
        group="PROFILE" if mine else "EVERYONE", page_size=page_size, page_token=token)
    rows = [NotebookRow(ref=str(get(k, "ref", default="")), title=get(k, "title"), author=get(k, "author"),
                        votes=get(k, "total_votes"), last_run=day(get(k, "last_run_time")),
                        language=get(k, "language"), type=get(k, "kernel_type")).model_dump()
            for k in resp.kernels]
    text, shown, nxt = table_answer("notebooks", rows, state(ctx).max_tokens, current_token=token,
                                    next_token=get(resp, "next_page_token"), offset=offset)
    if shown:
        text += "\nRead one with read_notebook(notebook=ref)."
    return result(text, NotebookList(notebooks=[NotebookRow(**r) for r in shown], next_cursor=nxt))


async def read_notebook(
    ctx: Context,
    notebook: NotebookArg,
    version: Annotated[int | None, Field(ge=1, description="A version number; omit for the latest.")] = None,
    max_tokens: Annotated[int, Field(ge=500, le=100_000, description="Token budget of this part.")] = 8000,
    part: Annotated[int, Field(ge=1, description="Which part to read when the notebook is longer than max_tokens.")] = 1,
) -> Annotated[CallToolResult, NotebookPart]:
    """Read a notebook or script as compact cells: markdown and code in full, outputs cut to short text,
    images and widgets replaced by a marker. Long notebooks come in parts: the answer says how many and
    how to get the next one."""
    from kaggle_mcp.server.notebook_text import fetch_parts

    ref = refs.notebook_ref(notebook)
    kc = await client(ctx)
    owner, slug = await resolve_owner(kc, ref)
    meta, parts = await fetch_parts(kc, owner, slug, version or ref.version, min(max_tokens, state(ctx).max_tokens))
    if part > len(parts):
        raise ToolError(f"{owner}/{slug} has {len(parts)} part(s) at max_tokens={max_tokens}; ask for part 1..{len(parts)}.")
    body, cells, tokens = parts[part - 1]
    title = get(meta, "title")
    header = (f"{owner}/{slug}: {title} ({get(meta, 'language', default='?')} {get(meta, 'kernel_type', default='?')}, "
              f"{get(meta, 'total_votes', default=0)} votes) - part {part} of {len(parts)}. {FENCE_NOTE}")
    footer = (f"\nContinue with read_notebook(notebook=\"{owner}/{slug}\", part={part + 1})."
              if part < len(parts) else "")
    text = f"{header}\n{fence(body, f'notebook {owner}/{slug}')}{footer}"
    return result(text, NotebookPart(ref=f"{owner}/{slug}", title=title, part=part, parts=len(parts),
                                     cells=cells, tokens=tokens))


def register(mcp: MCPServer, read_only: bool) -> None:
    add_tool(mcp, list_notebooks, title="List notebooks", kind="notebook", read_only=True, idempotent=True)
    add_tool(mcp, read_notebook, title="Read notebook", kind="notebook", read_only=True, idempotent=True)
