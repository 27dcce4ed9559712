"""Kaggle's enums as Literal types (reference Appendix A; member lists are kagglesdk's).

Requests validate enum values before they leave the process, so a typo becomes a clear local error
instead of a 400 from Kaggle; values are the NAME strings the wire carries. Response enums are read as
kagglesdk reads them (``wire.enum_parser``: camelCase, any case, with or without the type prefix) into
the NAME; a value Kaggle adds tomorrow is kept as it came, so it does not break parsing.
"""

from typing import Annotated, Literal

from pydantic import BeforeValidator

from ..wire import enum_parser

CompetitionListTab = Literal[
    "COMPETITION_LIST_TAB_GENERAL",
    "COMPETITION_LIST_TAB_ENTERED",
    "COMPETITION_LIST_TAB_COMMUNITY",
    "COMPETITION_LIST_TAB_HOSTED",
    "COMPETITION_LIST_TAB_UNLAUNCHED",
    "COMPETITION_LIST_TAB_UNLAUNCHED_COMMUNITY",
    "COMPETITION_LIST_TAB_EVERYTHING",
]
HostSegment = Literal[
    "HOST_SEGMENT_UNSPECIFIED",
    "HOST_SEGMENT_FEATURED",
    "HOST_SEGMENT_GETTING_STARTED",
    "HOST_SEGMENT_MASTERS",
    "HOST_SEGMENT_PLAYGROUND",
    "HOST_SEGMENT_RECRUITMENT",
    "HOST_SEGMENT_RESEARCH",
    "HOST_SEGMENT_COMMUNITY",
    "HOST_SEGMENT_ANALYTICS",
]
CompetitionSortBy = Literal[
    "COMPETITION_SORT_BY_GROUPED",
    "COMPETITION_SORT_BY_BEST",
    "COMPETITION_SORT_BY_PRIZE",
    "COMPETITION_SORT_BY_EARLIEST_DEADLINE",
    "COMPETITION_SORT_BY_LATEST_DEADLINE",
    "COMPETITION_SORT_BY_NUMBER_OF_TEAMS",
    "COMPETITION_SORT_BY_RELEVANCE",
    "COMPETITION_SORT_BY_RECENTLY_CREATED",
]
SubmissionSortBy = Literal[
    "SUBMISSION_SORT_BY_DATE",
    "SUBMISSION_SORT_BY_NAME",
    "SUBMISSION_SORT_BY_PRIVATE_SCORE",
    "SUBMISSION_SORT_BY_PUBLIC_SCORE",
]
SubmissionGroup = Literal["SUBMISSION_GROUP_ALL", "SUBMISSION_GROUP_SUCCESSFUL", "SUBMISSION_GROUP_SELECTED"]
TopicListSortBy = Literal[
    "TOPIC_LIST_SORT_BY_UNSPECIFIED",
    "TOPIC_LIST_SORT_BY_HOT",
    "TOPIC_LIST_SORT_BY_TOP",
    "TOPIC_LIST_SORT_BY_NEW",
    "TOPIC_LIST_SORT_BY_RECENT",
    "TOPIC_LIST_SORT_BY_ACTIVE",
    "TOPIC_LIST_SORT_BY_RELEVANCE",
]
KernelsListViewType = Literal[
    "KERNELS_LIST_VIEW_TYPE_UNSPECIFIED",
    "PROFILE",
    "UPVOTED",
    "EVERYONE",
    "COLLABORATION",
    "FORK",
    "BOOKMARKED",
    "RECENTLY_VIEWED",
    "PUBLIC_AND_USERS_PRIVATE",
]
KernelsListSortType = Literal[
    "HOTNESS",
    "COMMENT_COUNT",
    "DATE_CREATED",
    "DATE_RUN",
    "RELEVANCE",
    "SCORE_ASCENDING",
    "SCORE_DESCENDING",
    "VIEW_COUNT",
    "VOTE_COUNT",
]
KernelExecutionType = Literal["KERNEL_EXECUTION_TYPE_UNSPECIFIED", "SAVE_AND_RUN_ALL", "INTER_ACTIVE", "QUICK_SAVE"]
DatasetSelectionGroup = Literal[
    "DATASET_SELECTION_GROUP_PUBLIC",
    "DATASET_SELECTION_GROUP_MY",
    "DATASET_SELECTION_GROUP_USER",
    "DATASET_SELECTION_GROUP_USER_SHARED_WITH_ME",
    "DATASET_SELECTION_GROUP_UPVOTED",
    "DATASET_SELECTION_GROUP_MY_PRIVATE",
    "DATASET_SELECTION_GROUP_MY_PUBLIC",
    "DATASET_SELECTION_GROUP_ORGANIZATION",
    "DATASET_SELECTION_GROUP_BOOKMARKED",
    "DATASET_SELECTION_GROUP_COLLABORATION",
    "DATASET_SELECTION_GROUP_SHARED_WITH_USER",
    "DATASET_SELECTION_GROUP_FEATURED",
    "DATASET_SELECTION_GROUP_ALL",
    "DATASET_SELECTION_GROUP_UNFEATURED",
]
DatasetSortBy = Literal[
    "DATASET_SORT_BY_HOTTEST",
    "DATASET_SORT_BY_VOTES",
    "DATASET_SORT_BY_UPDATED",
    "DATASET_SORT_BY_ACTIVE",
    "DATASET_SORT_BY_PUBLISHED",
    "DATASET_SORT_BY_RELEVANCE",
    "DATASET_SORT_BY_LAST_VIEWED",
    "DATASET_SORT_BY_USABILITY",
    "DATASET_SORT_BY_DOWNLOAD_COUNT",
    "DATASET_SORT_BY_NOTEBOOK_COUNT",
]
DatasetSizeGroup = Literal[
    "DATASET_SIZE_GROUP_ALL", "DATASET_SIZE_GROUP_SMALL", "DATASET_SIZE_GROUP_MEDIUM", "DATASET_SIZE_GROUP_LARGE"
]
DatasetFileTypeGroup = Literal[
    "DATASET_FILE_TYPE_GROUP_ALL",
    "DATASET_FILE_TYPE_GROUP_CSV",
    "DATASET_FILE_TYPE_GROUP_SQLITE",
    "DATASET_FILE_TYPE_GROUP_JSON",
    "DATASET_FILE_TYPE_GROUP_BIG_QUERY",
    "DATASET_FILE_TYPE_GROUP_PARQUET",
]
DatasetLicenseGroup = Literal[
    "DATASET_LICENSE_GROUP_ALL",
    "DATASET_LICENSE_GROUP_CC",
    "DATASET_LICENSE_GROUP_GPL",
    "DATASET_LICENSE_GROUP_ODB",
    "DATASET_LICENSE_GROUP_OTHER",
]
DatasetViewedGroup = Literal["DATASET_VIEWED_GROUP_UNSPECIFIED", "DATASET_VIEWED_GROUP_VIEWED"]
ApiBlobType = Literal["API_BLOB_TYPE_UNSPECIFIED", "DATASET", "MODEL", "INBOX", "COMPETITION_SOLUTION"]
CommentListSortBy = Literal[
    "COMMENT_LIST_SORT_BY_UNSPECIFIED",
    "COMMENT_LIST_SORT_BY_HOT",
    "COMMENT_LIST_SORT_BY_NEW",
    "COMMENT_LIST_SORT_BY_OLD",
    "COMMENT_LIST_SORT_BY_TOP",
]

# -- response enums -----------------------------------------------------------------------------

KernelWorkerStatus = Literal[
    "QUEUED", "RUNNING", "COMPLETE", "ERROR", "CANCEL_REQUESTED", "CANCEL_ACKNOWLEDGED", "NEW_SCRIPT"
]
SubmissionStatus = Literal["PENDING", "COMPLETE", "ERROR"]
DatabundleVersionStatus = Literal[
    "NOT_YET_PERSISTED",
    "BLOBS_RECEIVED",
    "BLOBS_DECOMPRESSED",
    "BLOBS_COPIED_TO_SDS",
    "INDIVIDUAL_BLOBS_COMPRESSED",
    "READY",
    "FAILED",
    "DELETED",
    "REPROCESSING",
]
CollaboratorType = Literal["COLLABORATOR_TYPE_UNSPECIFIED", "READER", "WRITER", "OWNER", "ADMIN"]

KernelWorkerStatusName = Annotated[str, BeforeValidator(enum_parser(KernelWorkerStatus, "KERNEL_WORKER_STATUS"))]
SubmissionStatusName = Annotated[str, BeforeValidator(enum_parser(SubmissionStatus, "SUBMISSION_STATUS"))]
DatabundleVersionStatusName = Annotated[
    str, BeforeValidator(enum_parser(DatabundleVersionStatus, "DATABUNDLE_VERSION_STATUS"))
]
CollaboratorTypeName = Annotated[str, BeforeValidator(enum_parser(CollaboratorType, "COLLABORATOR_TYPE"))]
