"""Wire messages of ``competitions.CompetitionApiService`` (reference §4.1, Appendix A/B).

Request defaults encode proto3 presence (see ``wire``): ``None`` = optional, sent when set;
anything else = plain, omitted at that value.

The service's 40 messages live in one module per part of it (``PARTS``), and a part is imported when one
of its names is first asked for, here (PEP 562): creating a pydantic class costs ~0.3 ms even with
``defer_build``, and a session's first call needs few of them (ListCompetitions: 5). Both
``from kaggle_mcp.kaggle.models.competitions import ApiCompetition`` and ``competitions.ApiCompetition``
work; the service uses the second, at call time.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

PARTS: dict[str, tuple[str, ...]] = {
    "catalog": ("ApiListCompetitionsRequest", "ApiGetCompetitionRequest", "ApiCategory", "ApiCompetition",
                "ApiListCompetitionsResponse"),
    "data": ("ApiListCompetitionPagesRequest", "ApiCompetitionPage", "ApiListCompetitionPagesResponse",
             "ApiListDataFilesRequest", "ApiDownloadDataFileRequest", "ApiDownloadDataFilesRequest",
             "ApiGetCompetitionDataFilesSummaryRequest", "ApiDataFile", "ApiListDataFilesResponse",
             "ApiFileExtensionSummaryInfo", "ApiFileSummaryInfo", "ApiColumnTypeSummaryInfo", "ApiColumnSummaryInfo",
             "ApiFilesSummary"),
    "leaderboards": ("ApiGetLeaderboardRequest", "ApiLeaderboardSubmission", "ApiGetLeaderboardResponse"),
    "topics": ("ApiListCompetitionTopicsRequest", "ApiListTopicMessagesRequest", "ApiCompetitionTopic",
               "ApiListCompetitionTopicsResponse", "ApiTopicMessage", "ApiListTopicMessagesResponse"),
    "submissions": ("ApiListSubmissionsRequest", "ApiGetSubmissionRequest", "ApiGetSubmissionLimitsRequest",
                    "ApiStartSubmissionUploadRequest", "ApiCreateSubmissionRequest", "ApiCreateCodeSubmissionRequest",
                    "ApiSubmission", "ApiListSubmissionsResponse", "ApiSubmissionLimits",
                    "ApiStartSubmissionUploadResponse", "ApiCreateSubmissionResponse",
                    "ApiCreateCodeSubmissionResponse"),
}
_PART_OF = {name: part for part, names in PARTS.items() for name in names}
__all__ = sorted(_PART_OF)

if TYPE_CHECKING:  # the names, re-exported for the type checker (a test holds them equal to PARTS)
    from .catalog import (
        ApiCategory as ApiCategory,
        ApiCompetition as ApiCompetition,
        ApiGetCompetitionRequest as ApiGetCompetitionRequest,
        ApiListCompetitionsRequest as ApiListCompetitionsRequest,
        ApiListCompetitionsResponse as ApiListCompetitionsResponse,
    )
    from .data import (
        ApiColumnSummaryInfo as ApiColumnSummaryInfo,
        ApiColumnTypeSummaryInfo as ApiColumnTypeSummaryInfo,
        ApiCompetitionPage as ApiCompetitionPage,
        ApiDataFile as ApiDataFile,
        ApiDownloadDataFileRequest as ApiDownloadDataFileRequest,
        ApiDownloadDataFilesRequest as ApiDownloadDataFilesRequest,
        ApiFileExtensionSummaryInfo as ApiFileExtensionSummaryInfo,
        ApiFilesSummary as ApiFilesSummary,
        ApiFileSummaryInfo as ApiFileSummaryInfo,
        ApiGetCompetitionDataFilesSummaryRequest as ApiGetCompetitionDataFilesSummaryRequest,
        ApiListCompetitionPagesRequest as ApiListCompetitionPagesRequest,
        ApiListCompetitionPagesResponse as ApiListCompetitionPagesResponse,
        ApiListDataFilesRequest as ApiListDataFilesRequest,
        ApiListDataFilesResponse as ApiListDataFilesResponse,
    )
    from .leaderboards import (
        ApiGetLeaderboardRequest as ApiGetLeaderboardRequest,
        ApiGetLeaderboardResponse as ApiGetLeaderboardResponse,
        ApiLeaderboardSubmission as ApiLeaderboardSubmission,
    )
    from .submissions import (
        ApiCreateCodeSubmissionRequest as ApiCreateCodeSubmissionRequest,
        ApiCreateCodeSubmissionResponse as ApiCreateCodeSubmissionResponse,
        ApiCreateSubmissionRequest as ApiCreateSubmissionRequest,
        ApiCreateSubmissionResponse as ApiCreateSubmissionResponse,
        ApiGetSubmissionLimitsRequest as ApiGetSubmissionLimitsRequest,
        ApiGetSubmissionRequest as ApiGetSubmissionRequest,
        ApiListSubmissionsRequest as ApiListSubmissionsRequest,
        ApiListSubmissionsResponse as ApiListSubmissionsResponse,
        ApiStartSubmissionUploadRequest as ApiStartSubmissionUploadRequest,
        ApiStartSubmissionUploadResponse as ApiStartSubmissionUploadResponse,
        ApiSubmission as ApiSubmission,
        ApiSubmissionLimits as ApiSubmissionLimits,
    )
    from .topics import (
        ApiCompetitionTopic as ApiCompetitionTopic,
        ApiListCompetitionTopicsRequest as ApiListCompetitionTopicsRequest,
        ApiListCompetitionTopicsResponse as ApiListCompetitionTopicsResponse,
        ApiListTopicMessagesRequest as ApiListTopicMessagesRequest,
        ApiListTopicMessagesResponse as ApiListTopicMessagesResponse,
        ApiTopicMessage as ApiTopicMessage,
    )


def __getattr__(name: str) -> Any:
    part = _PART_OF.get(name)
    if part is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{part}"), name)
    globals()[name] = value  # found here directly from now on
    return value
