"""Wire messages of ``discussions.DiscussionApiService``: forums, topics and their comment trees.

Field names and presence follow kagglesdk 0.1.38 (``discussions_api_service``): the entity filters
(owner and slug) are plain, everything the CLI sets only when asked (sort, paging, search) optional.
"""

from __future__ import annotations

from pydantic import Field

from ..wire import Int64, Timestamp, WireModel, WireRequest
from .enums import TopicListCategory, TopicListGroup, TopicListSortBy

# -- requests -------------------------------------------------------------------------------


class ApiListTopicsRequest(WireRequest):
    forum_slug: str | None = None
    sort_by: TopicListSortBy | None = None
    page_size: int | None = None
    search_query: str | None = None
    category: TopicListCategory | None = None
    group: TopicListGroup | None = None
    page_token: str | None = None


class ApiListDatasetTopicsRequest(WireRequest):
    owner_slug: str = ""
    dataset_slug: str = ""
    sort_by: TopicListSortBy | None = None
    page_size: int | None = None
    page_token: str | None = None
    search_query: str | None = None


class ApiListKernelTopicsRequest(WireRequest):
    owner_slug: str = ""
    kernel_slug: str = ""
    sort_by: TopicListSortBy | None = None
    page_size: int | None = None
    page_token: str | None = None
    search_query: str | None = None


class ApiListModelTopicsRequest(WireRequest):
    owner_slug: str = ""
    model_slug: str = ""
    sort_by: TopicListSortBy | None = None
    page_size: int | None = None
    page_token: str | None = None
    search_query: str | None = None


class ApiGetTopicRequest(WireRequest):
    id: int = 0


class ApiListCommentsRequest(WireRequest):
    topic_id: int = 0
    page_size: int | None = None
    page_token: str | None = None


# -- responses ------------------------------------------------------------------------------


class ApiDiscussionTopic(WireModel):
    id: Int64 = 0
    title: str = ""
    url: str = ""
    post_date: Timestamp | None = None
    last_comment_date: Timestamp | None = None
    author_name: str = ""
    author_url: str = ""
    votes: Int64 = 0
    comment_count: Int64 = 0
    forum_name: str = ""
    forum_id: Int64 = 0
    content: str | None = None


class ApiDiscussionComment(WireModel):
    id: Int64 = 0
    author_name: str = ""
    author_url: str = ""
    post_date: Timestamp | None = None
    content: str = ""
    votes: Int64 = 0
    replies: list[ApiDiscussionComment] = Field(default_factory=list)


class ApiListTopicsResponse(WireModel):
    topics: list[ApiDiscussionTopic] = Field(default_factory=list)
    total_count: Int64 = 0
    next_page_token: str = ""


class ApiGetTopicResponse(WireModel):
    topic: ApiDiscussionTopic | None = None


class ApiListCommentsResponse(WireModel):
    comments: list[ApiDiscussionComment] = Field(default_factory=list)
    next_page_token: str = ""
