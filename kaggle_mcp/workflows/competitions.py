"""Finding a competition and reading what it offers: the catalog, its files, its leaderboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from ..kaggle.models.enums import CompetitionListTab, CompetitionSortBy, HostSegment
from ..kaggle.refs import competition_slug
from .account import Account
from .display import day, human_bytes

if TYPE_CHECKING:
    from ..kaggle.models.competitions import ApiCompetition, ApiDataFile

Category = Literal["all", "featured", "research", "recruitment", "gettingStarted", "masters", "playground",
                   "community", "analytics"]
SortBy = Literal["best", "grouped", "prize", "earliestDeadline", "latestDeadline", "numberOfTeams",
                 "relevance", "recentlyCreated"]
Group = Literal["everything", "general", "entered", "community", "hosted"]
PAGE_ROWS = 20  # what one ListCompetitions page holds
CATEGORY_WIRE: dict[Category, HostSegment] = {
    "all": "HOST_SEGMENT_UNSPECIFIED", "featured": "HOST_SEGMENT_FEATURED", "research": "HOST_SEGMENT_RESEARCH",
    "recruitment": "HOST_SEGMENT_RECRUITMENT", "gettingStarted": "HOST_SEGMENT_GETTING_STARTED",
    "masters": "HOST_SEGMENT_MASTERS", "playground": "HOST_SEGMENT_PLAYGROUND", "community": "HOST_SEGMENT_COMMUNITY",
    "analytics": "HOST_SEGMENT_ANALYTICS"}
SORT_WIRE: dict[SortBy, CompetitionSortBy] = {
    "best": "COMPETITION_SORT_BY_BEST", "grouped": "COMPETITION_SORT_BY_GROUPED", "prize": "COMPETITION_SORT_BY_PRIZE",
    "earliestDeadline": "COMPETITION_SORT_BY_EARLIEST_DEADLINE",
    "latestDeadline": "COMPETITION_SORT_BY_LATEST_DEADLINE", "numberOfTeams": "COMPETITION_SORT_BY_NUMBER_OF_TEAMS",
    "relevance": "COMPETITION_SORT_BY_RELEVANCE", "recentlyCreated": "COMPETITION_SORT_BY_RECENTLY_CREATED"}
GROUP_WIRE: dict[Group, CompetitionListTab] = {
    "everything": "COMPETITION_LIST_TAB_EVERYTHING", "general": "COMPETITION_LIST_TAB_GENERAL",
    "entered": "COMPETITION_LIST_TAB_ENTERED", "community": "COMPETITION_LIST_TAB_COMMUNITY",
    "hosted": "COMPETITION_LIST_TAB_HOSTED"}


class CompetitionRow(BaseModel):
    slug: str
    title: str | None = None
    category: str | None = None
    reward: str | None = None
    deadline: str | None = None
    teams: int | None = None
    entered: bool | None = None


class CompetitionPage(BaseModel):
    competitions: list[CompetitionRow]
    more: bool


class FileRow(BaseModel):
    name: str
    size: str
    bytes: int | None = None
    created: str | None = None


class FilePage(BaseModel):
    competition: str
    files: list[FileRow]
    next_page_token: str | None = None


class LeaderRow(BaseModel):
    rank: int
    team: str | None = None
    score: str | None = None
    date: str | None = None


class LeaderboardTop(BaseModel):
    competition: str
    rows: list[LeaderRow]
    teams: int | None = None
    your_rank: int | None = None


def competition_row(c: ApiCompetition) -> CompetitionRow:
    return CompetitionRow(slug=c.slug or "unknown", title=c.title, category=c.category, reward=c.reward,
                          deadline=day(c.deadline), teams=c.team_count, entered=c.user_has_entered)


async def search_competitions(account: Account, query: str = "", category: Category = "all",
                              sort_by: SortBy = "best", group: Group = "everything", page: int = 1) -> CompetitionPage:
    resp = await account.client.competitions.list_competitions(
        search=query, category=CATEGORY_WIRE[category], sort_by=SORT_WIRE[sort_by], group=GROUP_WIRE[group], page=page)
    rows = [competition_row(c) for c in resp.competitions]
    return CompetitionPage(competitions=rows, more=bool(resp.next_page_token) or len(rows) >= PAGE_ROWS)


def file_row(f: ApiDataFile) -> FileRow:
    return FileRow(name=f.name or f.ref, size=human_bytes(f.total_bytes), bytes=f.total_bytes,
                   created=day(f.creation_date))


async def list_competition_files(account: Account, competition: str, page_size: int = 100,
                                 page_token: str = "") -> FilePage:
    slug = competition_slug(competition)
    resp = await account.client.competitions.list_data_files(slug, page_size=page_size, page_token=page_token)
    return FilePage(competition=slug, files=[file_row(f) for f in resp.files], next_page_token=resp.next_page_token)


async def get_leaderboard(account: Account, competition: str, top: int = 20) -> LeaderboardTop:
    """The top `top` rows, following Kaggle's pages until there are that many (or no more)."""
    slug = competition_slug(competition)
    kc = account.client
    rows = [LeaderRow(rank=i + 1, team=s.team_name, score=s.score, date=day(s.submission_date))
            for i, s in enumerate(await kc.competitions.get_leaderboard_top(slug, top))]
    comp = await kc.competitions.get_competition(slug)
    return LeaderboardTop(competition=slug, rows=rows, teams=comp.team_count, your_rank=comp.user_rank)
