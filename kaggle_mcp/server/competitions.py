"""Competition tools: find one, read its files and leaderboard, download data."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server import refs
from kaggle_mcp.server.contextual import ContextInfo, competition_context
from kaggle_mcp.server.render import FENCE_NOTE, decode_cursor, fence, result, table_answer
from kaggle_mcp.server.tooling import add_tool, byte_progress, client, day, get, human_bytes, saved_files, state

Category = Literal["all", "featured", "research", "recruitment", "gettingStarted", "masters", "playground",
                   "community", "analytics"]
SortBy = Literal["best", "grouped", "prize", "earliestDeadline", "latestDeadline", "numberOfTeams",
                 "relevance", "recentlyCreated"]
Group = Literal["everything", "general", "entered", "community", "hosted"]
CompetitionArg = Annotated[str, Field(description="Competition slug ('titanic'), or its kaggle.com URL.")]


def _upper(camel: str) -> str:
    """'gettingStarted' -> '_GETTING_STARTED', the suffix of Kaggle's enum names."""
    return "_" + re.sub("([A-Z])", r"_\1", camel).upper()


class CompetitionRow(BaseModel):
    slug: str
    title: str | None = None
    category: str | None = None
    reward: str | None = None
    deadline: str | None = None
    teams: int | None = None
    entered: bool | None = None


class CompetitionList(BaseModel):
    competitions: list[CompetitionRow]
    page: int
    next_page: int | None = None


class FileRow(BaseModel):
    name: str
    size: str
    bytes: int | None = None
    created: str | None = None


class FileList(BaseModel):
    competition: str
    files: list[FileRow]
    next_cursor: str | None = None


class Downloaded(BaseModel):
    directory: str
    files: list[dict]
    skipped_up_to_date: bool = False
    skipped_unsafe: list[str] = []


class LeaderRow(BaseModel):
    rank: int
    team: str | None = None
    score: str | None = None
    date: str | None = None


class Leaderboard(BaseModel):
    competition: str
    rows: list[LeaderRow]
    your_rank: int | None = None


def competition_row(c) -> CompetitionRow:
    slug = refs.competition_slug(str(get(c, "ref", "url", default="")) or "unknown")
    return CompetitionRow(slug=slug, title=get(c, "title"), category=get(c, "category"), reward=get(c, "reward"),
                          deadline=day(get(c, "deadline")), teams=get(c, "team_count"),
                          entered=get(c, "user_has_entered"))


async def search_competitions(
    ctx: Context,
    query: Annotated[str, Field(description="Words to search for in titles, e.g. 'house prices'. Empty lists all.")] = "",
    category: Annotated[Category, Field(description="Competition category filter.")] = "all",
    sort_by: Annotated[SortBy, Field(description="Ordering; 'latestDeadline' shows what closes last.")] = "best",
    group: Annotated[Group, Field(description="'entered' lists only competitions you joined.")] = "everything",
    page: Annotated[int, Field(ge=1, le=500, description="Result page, starting at 1 (20 per page).")] = 1,
) -> Annotated[CallToolResult, CompetitionList]:
    """Find Kaggle competitions by keyword, category or status. Use it first when the user names a
    competition loosely ("the titanic one") or wants ideas; the `slug` column is what every other
    competition tool takes. Next step: get_competition_context(competition=slug)."""
    kc = await client(ctx)
    resp = await kc.competitions.list_competitions(
        search=query, category="HOST_SEGMENT_UNSPECIFIED" if category == "all" else "HOST_SEGMENT" + _upper(category),
        sort_by="COMPETITION_SORT_BY" + _upper(sort_by), group="COMPETITION_LIST_TAB_" + group.upper(), page=page)
    rows = [competition_row(c) for c in resp.competitions]
    more = page + 1 if (get(resp, "next_page_token") or len(rows) >= 20) else None
    text, shown, _ = table_answer("competitions", [r.model_dump() for r in rows], state(ctx).max_tokens,
                                   pageable=False)
    if more:
        text += f"\nMore results may exist: call again with page={more}."
    return result(text, CompetitionList(competitions=[CompetitionRow(**r) for r in shown], page=page, next_page=more))


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
    slug = refs.competition_slug(competition)

    async def progress(done: int, total: int, message: str) -> None:
        await ctx.report_progress(done, total, message)

    text, info = await competition_context(state(ctx), slug, top_notebooks,
                                           min(max_tokens, state(ctx).max_tokens), refresh, progress)
    return result(f"Context of {slug} ({info.source}). {FENCE_NOTE}\n{fence(text, f'competition {slug}')}\n"
                  "Next: list_notebooks / read_notebook for details, then push_notebook with a baseline.", info)


async def list_competition_files(
    ctx: Context,
    competition: CompetitionArg,
    cursor: Annotated[str | None, Field(description="next_cursor from the previous answer, to continue.")] = None,
    page_size: Annotated[int, Field(ge=1, le=200, description="Files per Kaggle page.")] = 100,
) -> Annotated[CallToolResult, FileList]:
    """List a competition's data files with their sizes, before downloading (large competitions have
    hundreds of files; download only what you need with download_competition_data(file=...))."""
    slug = refs.competition_slug(competition)
    token, offset = decode_cursor(cursor)
    resp = await (await client(ctx)).competitions.list_data_files(slug, page_size=page_size, page_token=token)
    rows = [_file_row(f).model_dump() for f in resp.files]
    text, shown, nxt = table_answer("files", rows, state(ctx).max_tokens, current_token=token,
                                    next_token=get(resp, "next_page_token"), offset=offset,
                                    header=f"Data files of {slug}:")
    return result(text, FileList(competition=slug, files=[FileRow(**r) for r in shown], next_cursor=nxt))


def _file_row(f) -> FileRow:
    size = get(f, "total_bytes")
    return FileRow(name=str(get(f, "name", "ref", default="")), size=human_bytes(size), bytes=size,
                   created=day(get(f, "creation_date")))


async def download_competition_data(
    ctx: Context,
    competition: CompetitionArg,
    file: Annotated[str | None, Field(description="One file as listed by list_competition_files; omit for all files (one zip).")] = None,
    unzip: Annotated[bool, Field(description="Extract zip archives into the competition directory.")] = True,
    force: Annotated[bool, Field(description="Download again even if an up-to-date copy exists.")] = False,
) -> Annotated[CallToolResult, Downloaded]:
    """Download competition data into the workspace (competitions/<slug>/), streamed with progress and
    resumable. Requires having joined the competition and accepted its rules on kaggle.com. Returns
    workspace-relative paths to pass to other tools or to read locally."""
    from kaggle_mcp.server.transfers import download_competition

    st = state(ctx)
    slug = refs.competition_slug(competition)
    dest = st.workspace.dir("competitions", slug)
    files, up_to_date, unsafe = await download_competition(await client(ctx), slug, file, dest, unzip, force,
                                                           byte_progress(ctx, f"Downloading {file or slug}"))
    note = " (already up to date; pass force=true to download again)" if up_to_date else ""
    text, rows = saved_files(st, files, f"Saved in the workspace{note}:", unsafe)
    return result(text, Downloaded(directory=st.workspace.relative(dest), files=rows, skipped_up_to_date=up_to_date,
                                   skipped_unsafe=unsafe))


async def get_leaderboard(
    ctx: Context,
    competition: CompetitionArg,
    top: Annotated[int, Field(ge=1, le=1000, description="How many top rows to show.")] = 20,
) -> Annotated[CallToolResult, Leaderboard]:
    """Show the public leaderboard's top rows (and your rank if you have entered) to judge what score is
    competitive before spending effort or submissions."""
    slug = refs.competition_slug(competition)
    kc = await client(ctx)
    resp = await kc.competitions.get_leaderboard(slug, page_size=top)
    rows = [LeaderRow(rank=i + 1, team=get(s, "team_name"), score=get(s, "score"), date=day(get(s, "submission_date")))
            for i, s in enumerate(resp.submissions[:top])]
    comp = await kc.competitions.get_competition(slug)
    text, shown, _ = table_answer("leaderboard", [r.model_dump() for r in rows], state(ctx).max_tokens,
                                  pageable=False, header=f"{slug} public leaderboard, top {len(rows)} of "
                                                         f"{get(comp, 'team_count', default='?')} teams:")
    board = Leaderboard(competition=slug, rows=[LeaderRow(**r) for r in shown], your_rank=get(comp, "user_rank"))
    text += f"\nYour rank: {board.your_rank}." if board.your_rank else "\nYou have no ranked submission yet."
    return result(text, board)


def register(mcp: MCPServer, read_only: bool) -> None:
    add_tool(mcp, search_competitions, title="Search competitions", kind="competition", read_only=True, idempotent=True)
    add_tool(mcp, get_competition_context, title="Get competition context", kind="competition", read_only=True,
             idempotent=True)
    add_tool(mcp, list_competition_files, title="List competition files", kind="competition", read_only=True,
             idempotent=True)
    add_tool(mcp, download_competition_data, title="Download competition data", kind="competition",
             read_only=False, idempotent=True)
    add_tool(mcp, get_leaderboard, title="Get leaderboard", kind="competition", read_only=True, idempotent=True)
