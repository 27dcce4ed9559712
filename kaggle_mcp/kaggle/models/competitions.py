"""Wire messages of ``competitions.CompetitionApiService`` (reference §4.1, Appendix A/B).

Request defaults encode proto3 presence (see ``wire``): ``None`` = optional, sent when set;
anything else = plain, omitted at that value.
"""


from pydantic import Field

from ..wire import Int64, Timestamp, WireModel, WireRequest
from .enums import (
    CommentListSortBy,
    CompetitionListTab,
    CompetitionSortBy,
    HostSegment,
    SubmissionGroup,
    SubmissionSortBy,
    SubmissionStatusName,
    TopicListSortBy,
)

# -- requests -------------------------------------------------------------------------------


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


class ApiListCompetitionPagesRequest(WireRequest):
    competition_name: str = ""
    page_name: str | None = None


class ApiListDataFilesRequest(WireRequest):
    competition_name: str = ""
    page_size: int | None = None
    page_token: str | None = None


class ApiDownloadDataFileRequest(WireRequest):
    competition_name: str = ""
    file_name: str = ""


class ApiDownloadDataFilesRequest(WireRequest):
    competition_name: str = ""


class ApiGetCompetitionDataFilesSummaryRequest(WireRequest):
    competition_name: str = ""


class ApiGetLeaderboardRequest(WireRequest):
    competition_name: str = ""
    override_public: bool | None = None
    page_size: int | None = None
    page_token: str | None = None


class ApiListCompetitionTopicsRequest(WireRequest):
    competition_name: str = ""
    sort_by: TopicListSortBy | None = None
    page: int | None = None


class ApiListTopicMessagesRequest(WireRequest):
    competition_name: str = ""
    topic_id: int = 0
    sort_by: CommentListSortBy | None = None
    page_size: int | None = None


class ApiListSubmissionsRequest(WireRequest):
    competition_name: str = ""
    sort_by: SubmissionSortBy = "SUBMISSION_SORT_BY_DATE"
    group: SubmissionGroup = "SUBMISSION_GROUP_ALL"
    page: int | None = None
    page_token: str | None = None
    page_size: int | None = None


class ApiGetSubmissionRequest(WireRequest):
    ref: int = 0


class ApiGetSubmissionLimitsRequest(WireRequest):
    competition_name: str = ""


class ApiStartSubmissionUploadRequest(WireRequest):
    competition_name: str | None = None
    content_length: int = 0
    last_modified_epoch_seconds: int = 0
    file_name: str = ""


class ApiCreateSubmissionRequest(WireRequest):
    competition_name: str = ""
    blob_file_tokens: str = ""
    submission_description: str | None = None
    benchmark_model_version_id: int | None = None
    sandbox: bool | None = None


class ApiCreateCodeSubmissionRequest(WireRequest):
    competition_name: str = ""
    kernel_owner: str = ""
    kernel_slug: str = ""
    kernel_version: int | None = None
    file_name: str | None = None
    submission_description: str | None = None


# -- responses ------------------------------------------------------------------------------


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


class ApiCompetitionPage(WireModel):
    name: str = ""
    content: str = ""
    is_published: bool | None = None
    post_title: str | None = None
    mime_type: str | None = None


class ApiListCompetitionPagesResponse(WireModel):
    pages: list[ApiCompetitionPage] = Field(default_factory=list)


class ApiDataFile(WireModel):
    ref: str = ""
    name: str | None = None
    description: str | None = None
    total_bytes: Int64 = 0
    url: str | None = None
    creation_date: Timestamp | None = None


class ApiListDataFilesResponse(WireModel):
    files: list[ApiDataFile] = Field(default_factory=list)
    next_page_token: str | None = None
    children_fetch_time_ms: Int64 = 0


class ApiFileExtensionSummaryInfo(WireModel):
    extension: str = ""
    file_count: Int64 = 0
    total_size: Int64 = 0


class ApiFileSummaryInfo(WireModel):
    total_file_count: Int64 = 0
    file_types: list[ApiFileExtensionSummaryInfo] = Field(default_factory=list)


class ApiColumnTypeSummaryInfo(WireModel):
    column_type: str | None = None
    column_count: Int64 = 0


class ApiColumnSummaryInfo(WireModel):
    total_column_count: Int64 = 0
    column_types: list[ApiColumnTypeSummaryInfo] = Field(default_factory=list)


class ApiFilesSummary(WireModel):
    """GetCompetitionDataFilesSummary: how many files of each type, without listing them all."""

    file_summary_info: ApiFileSummaryInfo = Field(default_factory=ApiFileSummaryInfo)
    column_summary_info: ApiColumnSummaryInfo = Field(default_factory=ApiColumnSummaryInfo)


class ApiLeaderboardSubmission(WireModel):
    team_id: Int64 = 0
    team_name: str | None = None
    submission_date: Timestamp | None = None
    score: str | None = None


class ApiGetLeaderboardResponse(WireModel):
    submissions: list[ApiLeaderboardSubmission] = Field(default_factory=list)
    next_page_token: str = ""


class ApiCompetitionTopic(WireModel):
    id: Int64 = 0
    title: str = ""
    topic_url: str = ""
    author_name: str | None = None
    comment_count: Int64 = 0
    votes: Int64 = 0
    post_date: Timestamp | None = None
    last_comment_post_date: Timestamp | None = None
    is_sticky: bool = False


class ApiListCompetitionTopicsResponse(WireModel):
    topics: list[ApiCompetitionTopic] = Field(default_factory=list)
    total_count: Int64 = 0


class ApiTopicMessage(WireModel):
    id: Int64 = 0
    post_date: Timestamp | None = None
    content: str | None = None
    raw_markdown: str | None = None
    author_name: str | None = None
    votes: Int64 = 0
    is_deleted: bool = False
    is_pinned: bool = False
    replies: "list[ApiTopicMessage]" = Field(default_factory=list)


class ApiListTopicMessagesResponse(WireModel):
    messages: list[ApiTopicMessage] = Field(default_factory=list)


class ApiSubmission(WireModel):
    ref: Int64 = 0
    total_bytes: Int64 | None = None
    date: Timestamp | None = None
    description: str | None = None
    error_description: str | None = None
    file_name: str | None = None
    public_score: str | None = None
    private_score: str | None = None
    status: SubmissionStatusName = "PENDING"
    submitted_by: str | None = None
    submitted_by_ref: str | None = None
    team_name: str | None = None
    url: str | None = None


class ApiListSubmissionsResponse(WireModel):
    submissions: list[ApiSubmission] = Field(default_factory=list)
    next_page_token: str = ""


class ApiSubmissionLimits(WireModel):
    num_today: Int64 = 0
    num_total: Int64 = 0
    num_allowed_now: Int64 = 0
    limited_by_total: bool = False


class ApiStartSubmissionUploadResponse(WireModel):
    token: str = ""
    create_url: str = ""


class ApiCreateSubmissionResponse(WireModel):
    message: str = ""
    ref: Int64 = 0


class ApiCreateCodeSubmissionResponse(WireModel):
    message: str = ""
    ref: Int64 = 0


# Names used in the team contract.
ListCompetitionsResponse = ApiListCompetitionsResponse
CreateSubmissionResponse = ApiCreateSubmissionResponse
