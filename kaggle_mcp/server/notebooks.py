"""Notebook reading tools: find notebooks and read them as compact cells, in parts."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server.arguments import CursorArg, NotebookArg
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import Fence, neutralise, next_cursor, page_token, result, table_answer
from kaggle_mcp.server.request import account, deployment
from kaggle_mcp.workflows import notebooks as flow


class NotebookList(BaseModel):
    notebooks: list[flow.NotebookRow]
    next_cursor: str | None = None


class NotebookPart(BaseModel):
    ref: str
    title: str | None = None
    part: int
    parts: int
    cells: int
    tokens: int


async def list_notebooks(
    ctx: Context,
    competition: Annotated[str | None, Field(description="Only notebooks using this competition (slug or URL).")] = None,
    dataset: Annotated[str | None, Field(description="Only notebooks using this dataset (owner/slug or URL).")] = None,
    user: Annotated[str | None, Field(description="Only notebooks by this Kaggle user name.")] = None,
    search: Annotated[str | None, Field(description="Words to search for in titles.")] = None,
    sort_by: Annotated[flow.NotebookSort, Field(description="'votes' finds the community's best; 'date_run' the newest.")] = "votes",
    language: Annotated[flow.Language, Field(description="Language filter.")] = "all",
    kernel_type: Annotated[flow.KernelType, Field(description="Notebooks (.ipynb) or scripts.")] = "all",
    mine: Annotated[bool, Field(description="Only your own notebooks, private ones included.")] = False,
    page_size: Annotated[int, Field(ge=1, le=100, description="Rows per page.")] = 20,
    cursor: CursorArg = None,
) -> Annotated[CallToolResult, NotebookList]:
    """Find public notebooks and scripts, usually the top-voted ones for a competition, to learn what
    works before writing your own. Pass a `ref` to read_notebook to read one."""
    page = await flow.list_notebooks(await account(ctx), competition=competition, dataset=dataset, user=user,
                                     search=search, sort_by=sort_by, language=language, kernel_type=kernel_type,
                                     mine=mine, page_size=page_size, page_token=page_token(cursor))
    text, shown, nxt = table_answer("notebooks", [r.model_dump() for r in page.notebooks],
                                    deployment(ctx).settings.max_tokens, cursor=cursor,
                                    next_cursor=next_cursor(page.next_page_token))
    if shown:
        text += "\nRead one with read_notebook(notebook=ref)."
    return result(text, NotebookList(notebooks=[flow.NotebookRow(**r) for r in shown], next_cursor=nxt))


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
    got = await flow.read_notebook(await account(ctx), notebook, version,
                                   min(max_tokens, deployment(ctx).settings.max_tokens), part)
    fence = Fence()
    header = (f"{got.ref}: {neutralise(got.title or '')} ({got.language or '?'} {got.kernel_type or '?'}, "
              f"{got.votes} votes) - part {got.part} of {got.parts}. {fence.note()}")
    footer = (f"\nContinue with read_notebook(notebook=\"{got.ref}\", part={got.part + 1})."
              if got.part < got.parts else "")
    return result(f"{header}\n{fence.wrap(got.text, f'notebook {got.ref}')}{footer}",
                  NotebookPart(ref=got.ref, title=got.title, part=got.part, parts=got.parts, cells=got.cells,
                               tokens=got.tokens))


TOOLS = (
    ToolSpec(list_notebooks, "List notebooks", "notebook", read_only=True, idempotent=True),
    ToolSpec(read_notebook, "Read notebook", "notebook", read_only=True, idempotent=True),
)
