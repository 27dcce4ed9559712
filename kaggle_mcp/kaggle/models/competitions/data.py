"""A competition's pages and data files: listing, summarising and downloading them."""

from pydantic import Field

from ...wire import Int64, Timestamp, WireModel, WireRequest


class ApiListCompetitionPagesRequest(WireRequest):
    competition_name: str = ""
    page_name: str | None = None


class ApiCompetitionPage(WireModel):
    name: str = ""
    content: str = ""
    is_published: bool | None = None
    post_title: str | None = None
    mime_type: str | None = None


class ApiListCompetitionPagesResponse(WireModel):
    pages: list[ApiCompetitionPage] = Field(default_factory=list)


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
