"""``competitions.CompetitionApiService``: finding, reading, downloading and submitting.

Defaults of the list methods are the official CLI's (reference §4.1), so a bare call puts on the
wire exactly the body production is known to accept.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .models import competitions as wire  # each part of it is imported on first use
from .models.enums import (
    CommentListSortBy,
    CompetitionListTab,
    CompetitionSortBy,
    HostSegment,
    SubmissionGroup,
    SubmissionSortBy,
    TopicListSortBy,
)
from .paging import follow_pages
from .paths import safe_relative

if TYPE_CHECKING:
    from .client import KaggleClient
    from .models.competitions import (
        ApiCompetition,
        ApiCreateCodeSubmissionResponse,
        ApiCreateSubmissionResponse,
        ApiDataFile,
        ApiFilesSummary,
        ApiGetLeaderboardResponse,
        ApiLeaderboardSubmission,
        ApiListCompetitionPagesResponse,
        ApiListCompetitionTopicsResponse,
        ApiListCompetitionsResponse,
        ApiListDataFilesResponse,
        ApiListSubmissionsResponse,
        ApiListTopicMessagesResponse,
        ApiStartSubmissionUploadResponse,
        ApiSubmission,
        ApiSubmissionLimits,
    )
    from .transfer import DownloadResult, HeadBytes, Progress

SERVICE = "competitions.CompetitionApiService"
#: rows asked for per GetLeaderboard page when a caller wants the top N
LEADERBOARD_PAGE = 100


def _page(page: int | None, page_token: str | None) -> int | None:
    """The CLI sends ``page: 1`` unless the caller continues from a token (reference §1.7)."""
    return page if page is not None or page_token else 1


class CompetitionService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def list_competitions(
        self,
        *,
        group: CompetitionListTab | None = "COMPETITION_LIST_TAB_EVERYTHING",
        category: HostSegment | None = "HOST_SEGMENT_UNSPECIFIED",
        sort_by: CompetitionSortBy | None = "COMPETITION_SORT_BY_BEST",
        search: str | None = "",
        page: int | None = None,
        page_token: str | None = "",
        page_size: int | None = None,
    ) -> ApiListCompetitionsResponse:
        request = wire.ApiListCompetitionsRequest(
            group=group, category=category, sort_by=sort_by, search=search,
            page=_page(page, page_token), page_token=page_token, page_size=page_size,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListCompetitions", request, wire.ApiListCompetitionsResponse, catalog=True)

    def iter_competitions(self, *, max_pages: int | None = None, **filters: Any) -> AsyncIterator[ApiCompetition]:
        async def fetch(token: str) -> ApiListCompetitionsResponse:
            return await self.list_competitions(**filters, page_token=token, page=None if token else 1)

        return follow_pages(fetch, lambda r: r.competitions, max_pages=max_pages)

    async def get_competition(self, competition_name: str) -> ApiCompetition:
        request = wire.ApiGetCompetitionRequest(competition_name=competition_name)
        return await self.kc.call(SERVICE, "GetCompetition", request, wire.ApiCompetition)

    async def list_competition_pages(
        self, competition_name: str, page_name: str | None = None
    ) -> ApiListCompetitionPagesResponse:
        request = wire.ApiListCompetitionPagesRequest(competition_name=competition_name, page_name=page_name)
        return await self.kc.call(SERVICE, "ListCompetitionPages", request, wire.ApiListCompetitionPagesResponse)

    async def list_data_files(
        self, competition_name: str, page_size: int | None = 20, page_token: str | None = ""
    ) -> ApiListDataFilesResponse:
        request = wire.ApiListDataFilesRequest(competition_name=competition_name, page_size=page_size,
                                               page_token=page_token)
        return await self.kc.call(SERVICE, "ListDataFiles", request, wire.ApiListDataFilesResponse, catalog=True)

    async def get_competition_data_files_summary(self, competition_name: str) -> ApiFilesSummary:
        """File counts and sizes per extension: the shape of a data set too large to list."""
        request = wire.ApiGetCompetitionDataFilesSummaryRequest(competition_name=competition_name)
        return await self.kc.call(SERVICE, "GetCompetitionDataFilesSummary", request, wire.ApiFilesSummary)

    def iter_data_files(self, competition_name: str, page_size: int = 200) -> AsyncIterator[ApiDataFile]:
        async def fetch(token: str) -> ApiListDataFilesResponse:
            return await self.list_data_files(competition_name, page_size=page_size, page_token=token)

        return follow_pages(fetch, lambda r: r.files)

    async def get_leaderboard(
        self,
        competition_name: str,
        page_size: int | None = None,
        page_token: str | None = "",
        override_public: bool | None = None,
    ) -> ApiGetLeaderboardResponse:
        request = wire.ApiGetLeaderboardRequest(
            competition_name=competition_name,
            page_size=page_size,
            page_token=page_token,
            override_public=override_public,
        )
        return await self.kc.call(SERVICE, "GetLeaderboard", request, wire.ApiGetLeaderboardResponse)

    def iter_leaderboard(
        self, competition_name: str, page_size: int | None = None, max_pages: int | None = None
    ) -> AsyncIterator[ApiLeaderboardSubmission]:
        async def fetch(token: str) -> ApiGetLeaderboardResponse:
            return await self.get_leaderboard(competition_name, page_size=page_size, page_token=token)

        return follow_pages(fetch, lambda r: r.submissions, max_pages=max_pages)

    async def get_leaderboard_top(self, competition_name: str, rows: int) -> list[ApiLeaderboardSubmission]:
        """The public leaderboard's first ``rows`` rows, following ``nextPageToken`` until there are that
        many (or no more). Asks for pages of up to ``LEADERBOARD_PAGE`` rows, as ``kaggle competitions
        leaderboard --show --page-size N`` does; Kaggle may answer smaller pages, which is why it pages."""
        async def fetch(token: str) -> ApiGetLeaderboardResponse:
            return await self.get_leaderboard(competition_name, page_size=min(rows, LEADERBOARD_PAGE), page_token=token)

        top: list[ApiLeaderboardSubmission] = []
        async with aclosing(follow_pages(fetch, lambda r: r.submissions)) as pages:
            async for row in pages:
                top.append(row)
                if len(top) >= rows:
                    break
        return top

    async def list_competition_topics(
        self, competition_name: str, sort_by: TopicListSortBy | None = None, page: int | None = 1
    ) -> ApiListCompetitionTopicsResponse:
        """One page of 20 topics; ``page=1`` is what ``kaggle competitions topics list`` sends."""
        request = wire.ApiListCompetitionTopicsRequest(competition_name=competition_name, sort_by=sort_by, page=page)
        return await self.kc.call(SERVICE, "ListCompetitionTopics", request, wire.ApiListCompetitionTopicsResponse)

    async def list_topic_messages(
        self,
        competition_name: str,
        topic_id: int,
        sort_by: CommentListSortBy | None = None,
        page_size: int | None = None,
    ) -> ApiListTopicMessagesResponse:
        """The posts of one discussion topic (the first message is the topic itself)."""
        request = wire.ApiListTopicMessagesRequest(
            competition_name=competition_name, topic_id=topic_id, sort_by=sort_by, page_size=page_size
        )
        return await self.kc.call(SERVICE, "ListTopicMessages", request, wire.ApiListTopicMessagesResponse)

    async def list_submissions(
        self,
        competition_name: str,
        sort_by: SubmissionSortBy = "SUBMISSION_SORT_BY_DATE",
        group: SubmissionGroup = "SUBMISSION_GROUP_ALL",
        page: int | None = None,
        page_token: str | None = "",
        page_size: int | None = None,
    ) -> ApiListSubmissionsResponse:
        request = wire.ApiListSubmissionsRequest(
            competition_name=competition_name, sort_by=sort_by, group=group,
            page=_page(page, page_token), page_token=page_token, page_size=page_size,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListSubmissions", request, wire.ApiListSubmissionsResponse)

    def iter_submissions(
        self, competition_name: str, max_pages: int | None = None, **filters: Any
    ) -> AsyncIterator[ApiSubmission]:
        async def fetch(token: str) -> ApiListSubmissionsResponse:
            return await self.list_submissions(competition_name, **filters, page_token=token, page=None if token else 1)

        return follow_pages(fetch, lambda r: r.submissions, max_pages=max_pages)

    async def get_submission(self, ref: int) -> ApiSubmission:
        """One submission by the ``ref`` CreateSubmission answered: its ``status`` (PENDING until scored,
        then COMPLETE or ERROR) and ``public_score``, for a caller that polls for a bounded time after
        submitting. Not cached, so each poll asks Kaggle."""
        return await self.kc.call(SERVICE, "GetSubmission", wire.ApiGetSubmissionRequest(ref=ref), wire.ApiSubmission)

    async def get_submission_limits(self, competition_name: str) -> ApiSubmissionLimits:
        request = wire.ApiGetSubmissionLimitsRequest(competition_name=competition_name)
        return await self.kc.call(SERVICE, "GetSubmissionLimits", request, wire.ApiSubmissionLimits)

    async def start_submission_upload(
        self, competition_name: str | None, content_length: int, last_modified_epoch_seconds: int, file_name: str
    ) -> ApiStartSubmissionUploadResponse:
        """Retried: it only opens an upload slot; nothing is submitted until CreateSubmission."""
        request = wire.ApiStartSubmissionUploadRequest(
            competition_name=competition_name, content_length=content_length,
            last_modified_epoch_seconds=last_modified_epoch_seconds, file_name=file_name,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "StartSubmissionUpload", request, wire.ApiStartSubmissionUploadResponse)

    async def create_submission(
        self,
        competition_name: str,
        blob_file_tokens: str,
        submission_description: str | None = None,
        sandbox: bool | None = None,
        benchmark_model_version_id: int | None = None,
    ) -> ApiCreateSubmissionResponse:
        """Never retried: if the answer is lost the submission may exist, and a retry would spend
        another of the day's limited submissions."""
        request = wire.ApiCreateSubmissionRequest(
            competition_name=competition_name, blob_file_tokens=blob_file_tokens,
            submission_description=submission_description, sandbox=sandbox,
            benchmark_model_version_id=benchmark_model_version_id,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "CreateSubmission", request, wire.ApiCreateSubmissionResponse,
                                  retry="unsent")

    async def create_code_submission(
        self,
        competition_name: str,
        kernel_owner: str,
        kernel_slug: str,
        kernel_version: int | None = None,
        file_name: str | None = None,
        submission_description: str | None = None,
    ) -> ApiCreateCodeSubmissionResponse:
        """Never retried, for the same reason as create_submission."""
        request = wire.ApiCreateCodeSubmissionRequest(
            competition_name=competition_name, kernel_owner=kernel_owner, kernel_slug=kernel_slug,
            kernel_version=kernel_version, file_name=file_name, submission_description=submission_description,
        )  # fmt: skip
        return await self.kc.call(
            SERVICE, "CreateCodeSubmission", request, wire.ApiCreateCodeSubmissionResponse, retry="unsent"
        )

    # -- transfers ------------------------------------------------------------------------------

    async def download_data_file(
        self,
        competition: str,
        file_name: str,
        dest_dir: Path | str,
        progress: Progress | None = None,
        force: bool = False,
    ) -> DownloadResult:
        """One data file into ``dest_dir/<dir of file_name>/<name from the final URL>`` (a large
        file may arrive as ``<name>.zip``, like with the official CLI)."""
        relative = safe_relative(file_name)  # refuse a hostile name before any request
        url = await self.kc.transfers.resolve(
            SERVICE, "DownloadDataFile",
            wire.ApiDownloadDataFileRequest(competition_name=competition, file_name=file_name),
        )
        subdir = relative.parent if relative.parent != PurePosixPath(".") else ""
        return await self.kc.transfers.download(url, dest_dir, subdir=subdir, progress=progress, force=force)

    async def download_data_files(
        self, competition: str, dest_dir: Path | str, progress: Progress | None = None, force: bool = False
    ) -> DownloadResult:
        """All files as one archive, saved as ``<competition>.zip`` (the CLI's name)."""
        safe_relative(competition)
        request = wire.ApiDownloadDataFilesRequest(competition_name=competition)
        url = await self.kc.transfers.resolve(SERVICE, "DownloadDataFiles", request)
        extension = os.path.splitext(PurePosixPath(url.split("?", 1)[0]).name)[1] or ".zip"
        return await self.kc.transfers.download(
            url, dest_dir, save_as=f"{competition}{extension}", progress=progress, force=force
        )

    async def data_file_url(self, competition: str, file_name: str) -> str:
        """The signed URL of one data file, for reading parts of it by Range without downloading it."""
        safe_relative(file_name)
        request = wire.ApiDownloadDataFileRequest(competition_name=competition, file_name=file_name)
        return await self.kc.transfers.resolve(SERVICE, "DownloadDataFile", request)

    async def read_data_file_head(self, competition: str, file_name: str, max_bytes: int = 65536) -> HeadBytes:
        """The first bytes of a data file (for schema sniffing), via Range on the signed URL."""
        return await self.kc.transfers.read_head(await self.data_file_url(competition, file_name), max_bytes)

    async def submit(
        self, competition: str, path: Path | str, message: str, progress: Progress | None = None
    ) -> ApiCreateSubmissionResponse:
        """StartSubmissionUpload → PUT the file → CreateSubmission (reference §4.1.7)."""
        path = Path(path)
        info = path.stat()
        slot = await self.start_submission_upload(competition, info.st_size, int(info.st_mtime), path.name)
        await self.kc.transfers.upload(slot.create_url, path, progress=progress, resumable=False)
        return await self.create_submission(competition, slot.token, submission_description=message)
