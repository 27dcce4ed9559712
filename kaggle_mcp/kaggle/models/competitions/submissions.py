"""Submissions: listing them, their limits, uploading and creating them (file and code)."""

from pydantic import Field

from ...wire import Int64, Timestamp, WireModel, WireRequest
from ..enums import SubmissionGroup, SubmissionSortBy, SubmissionStatusName


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
