"""GetLeaderboard."""

from pydantic import Field

from ...wire import Int64, Timestamp, WireModel, WireRequest


class ApiGetLeaderboardRequest(WireRequest):
    competition_name: str = ""
    override_public: bool | None = None
    page_size: int | None = None
    page_token: str | None = None


class ApiLeaderboardSubmission(WireModel):
    team_id: Int64 = 0
    team_name: str | None = None
    submission_date: Timestamp | None = None
    score: str | None = None


class ApiGetLeaderboardResponse(WireModel):
    submissions: list[ApiLeaderboardSubmission] = Field(default_factory=list)
    next_page_token: str = ""
