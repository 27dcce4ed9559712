"""Competition tools: find one, read its context, files and leaderboard, download its data."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server.arguments import CompetitionArg, CursorArg
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import Fence, next_cursor, page_token, result, saved_files, table_answer
from kaggle_mcp.server.request import account, deployment, progress
from kaggle_mcp.workflows import competitions as flow
from kaggle_mcp.workflows.contexts import ContextInfo, competition_context
from kaggle_mcp.workflows.workspace import SavedFile



class CompetitionList(BaseModel):
    competitions: list[flow.CompetitionRow]
    page: int
    next_page: int | None = None


class FileList(BaseModel):
    competition: str
    files: list[flow.FileRow]
    next_cursor: str | None = None


class Downloaded(BaseModel):
    directory: str
    files: list[SavedFile]
    skipped_up_to_date: bool = False
    skipped_unsafe: list[str] = []


class Leaderboard(BaseModel):
    competition: str
    rows: list[flow.LeaderRow]
    your_rank: int | None = None


async def search_competitions(
    ctx: Context,
    query: Annotated[str, Field(description="Words to search for in titles, e.g. 'house prices'. Empty lists all.")] = "",
    category: Annotated[flow.Category, Field(description="Competition category filter.")] = "all",
    sort_by: Annotated[flow.SortBy, Field(description="Ordering; 'latestDeadline' shows what closes last.")] = "best",
    group: Annotated[flow.Group, Field(description="'entered' lists only competitions you joined.")] = "everything",
    page: Annotated[int, Field(ge=1, le=500, description="Result page, starting at 1 (20 per page).")] = 1,
) -> Annotated[CallToolResult, CompetitionList]:
    """Find Kaggle competitions by keyword, category or status. Use it first when the user names a
    competition loosely ("the titanic one") or wants ideas; the `slug` column is what every other
    competition tool takes. Next step: get_competition_context(competition=slug)."""
    found = await flow.search_competitions(await account(ctx), query, category, sort_by, group, page)
    more = page + 1 if found.more else None
    text, shown, _ = table_answer("competitions", [r.model_dump() for r in found.competitions],
                                  deployment(ctx).settings.max_tokens, pageable=False)
    if more:
        text += f"\nMore results may exist: call again with page={more}."
    return result(text, CompetitionList(competitions=[flow.CompetitionRow(**r) for r in shown], page=page,
                                        next_page=more))


async def get_competition_context(
    ctx: Context,
    competition: CompetitionArg,
    top_notebooks: Annotated[int, Field(ge=0, le=20, description="How many top public notebooks to include as cleaned cells.")] = 5,
    max_tokens: Annotated[int, Field(ge=1000, le=100_000, description="Token budget for the whole context.")] = 12000,
    refresh: Annotated[bool, Field(description="Rebuild instead of using the cached context.")] = False,
) -> Annotated[CallToolResult, ContextInfo]:
    """Everything a strong Kaggler reads before writing code, in one budgeted answer: overview,
    evaluation metric, rules essentials, files with schemas, leaderboard top, the best public notebooks
    (cleaned) and top discussions. Start every competition with it. Cached; refresh=true rebuilds."""
    built = await competition_context(await account(ctx), competition, top_notebooks,
                                      min(max_tokens, deployment(ctx).settings.max_tokens), refresh, progress(ctx))
    slug, fence = built.info.competition, Fence()
    return result(f"Context of {slug} ({built.info.source}). {fence.note()}\n"
                  f"{fence.wrap(built.toon, f'competition {slug}')}\n"
                  "Next: list_notebooks / read_notebook for details, then push_notebook with a baseline.", built.info)


async def list_competition_files(
    ctx: Context,
    competition: CompetitionArg,
    cursor: CursorArg = None,
    page_size: Annotated[int, Field(ge=1, le=200, description="Files per Kaggle page.")] = 100,
) -> Annotated[CallToolResult, FileList]:
    """List a competition's data files with their sizes, before downloading (large competitions have
    hundreds of files; download only what you need with download_competition_data(file=...))."""
    page = await flow.list_competition_files(await account(ctx), competition, page_size, page_token(cursor))
    text, shown, nxt = table_answer("files", [f.model_dump() for f in page.files], deployment(ctx).settings.max_tokens,
                                    cursor=cursor, next_cursor=next_cursor(page.next_page_token),
                                    header=f"Data files of {page.competition}:")
    return result(text, FileList(competition=page.competition, files=[flow.FileRow(**r) for r in shown],
                                 next_cursor=nxt))


async def download_competition_data(
    ctx: Context,
    competition: CompetitionArg,
    file: Annotated[str | None, Field(description="One file as listed by list_competition_files; omit for all files (one zip).")] = None,
    unzip: Annotated[bool, Field(description="Extract the all-files archive (and a file Kaggle serves compressed) into the competition directory.")] = True,
    force: Annotated[bool, Field(description="Download again even if an up-to-date copy exists.")] = False,
) -> Annotated[CallToolResult, Downloaded]:
    """Download competition data into the workspace (competitions/<slug>/), streamed with progress and
    resumable. Requires having joined the competition and accepted its rules on kaggle.com. Returns
    workspace-relative paths to pass to other tools or to read locally."""
    from kaggle_mcp.workflows.downloads import download_competition_data as download  # only this tool needs it

    got = await download(await account(ctx), competition, file, unzip, force, progress(ctx))
    note = " (already up to date; pass force=true to download again)" if got.skipped_up_to_date else ""
    text, rows = saved_files(got.files, f"Saved in the workspace{note}:", deployment(ctx).settings.max_tokens // 2,
                             got.skipped_unsafe)
    return result(text, Downloaded(directory=got.directory, files=[SavedFile(**r) for r in rows],
                                   skipped_up_to_date=got.skipped_up_to_date, skipped_unsafe=got.skipped_unsafe))


async def get_leaderboard(
    ctx: Context,
    competition: CompetitionArg,
    top: Annotated[int, Field(ge=1, le=1000, description="How many top rows to show.")] = 20,
) -> Annotated[CallToolResult, Leaderboard]:
    """Show the public leaderboard's top rows (and your rank if you have entered) to judge what score is
    competitive before spending effort or submissions."""
    board = await flow.get_leaderboard(await account(ctx), competition, top)
    text, shown, _ = table_answer("leaderboard", [r.model_dump() for r in board.rows],
                                  deployment(ctx).settings.max_tokens, pageable=False,
                                  header=f"{board.competition} public leaderboard, top {len(board.rows)} of "
                                         f"{board.teams if board.teams is not None else '?'} teams:")
    text += f"\nYour rank: {board.your_rank}." if board.your_rank else "\nYou have no ranked submission yet."
    return result(text, Leaderboard(competition=board.competition, rows=[flow.LeaderRow(**r) for r in shown],
                                     your_rank=board.your_rank))


TOOLS = (
    ToolSpec(search_competitions, "Search competitions", "competition", read_only=True, idempotent=True),
    ToolSpec(get_competition_context, "Get competition context", "competition", read_only=True, idempotent=True),
    ToolSpec(list_competition_files, "List competition files", "competition", read_only=True, idempotent=True),
    ToolSpec(download_competition_data, "Download competition data", "competition", idempotent=True),
    ToolSpec(get_leaderboard, "Get leaderboard", "competition", read_only=True, idempotent=True),
)
