"""The competition catalog: ListCompetitions and GetCompetition."""

from pydantic import Field

from ...wire import Int64, Timestamp, WireModel, WireRequest
from ..enums import CompetitionListTab, CompetitionSortBy, HostSegment


class ApiListCompetitionsRequest(WireRequest):
    group: CompetitionListTab | None = None
    category: HostSegment | None = None
    sort_by: CompetitionSortBy | None = None
    search: str | None = None
    page: int | None = None
    page_token: str | None = None
    page_size: int | None = None


class ApiGetCompetitionRequest(WireRequest):
    competition_name: str = ""


class ApiCategory(WireModel):
    ref: str = ""
    name: str | None = None
    description: str | None = None
    full_path: str | None = None
    competition_count: Int64 = 0
    dataset_count: Int64 = 0
    script_count: Int64 = 0
    total_count: Int64 = 0


class ApiCompetition(WireModel):
    id: Int64 = 0
    ref: str = ""
    title: str | None = None
    url: str | None = None
    description: str | None = None
    organization_name: str | None = None
    organization_ref: str | None = None
    category: str | None = None
    reward: str | None = None
    tags: list[ApiCategory] = Field(default_factory=list)
    deadline: Timestamp | None = None
    kernel_count: Int64 = 0
    team_count: Int64 = 0
    user_has_entered: bool = False
    user_rank: Int64 | None = None
    merger_deadline: Timestamp | None = None
    new_entrant_deadline: Timestamp | None = None
    enabled_date: Timestamp | None = None
    max_daily_submissions: Int64 = 0
    max_team_size: Int64 | None = None
    evaluation_metric: str | None = None
    awards_points: bool = False
    is_kernels_submissions_only: bool = False
    submissions_disabled: bool = False
    thumbnail_image_url: str | None = None
    host_name: str = ""
    date_created: Timestamp | None = None
    license_name: str | None = None

    @property
    def slug(self) -> str:
        """The URL slug (``titanic``); ``ref`` is observed as the full competition URL."""
        return self.ref.rstrip("/").rsplit("/", 1)[-1]


class ApiListCompetitionsResponse(WireModel):
    competitions: list[ApiCompetition] = Field(default_factory=list)
    next_page_token: str = ""
