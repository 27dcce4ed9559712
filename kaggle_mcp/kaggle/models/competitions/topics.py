"""A competition's forum: its topics and their messages."""

from pydantic import Field

from ...wire import Int64, Timestamp, WireModel, WireRequest
from ..enums import CommentListSortBy, TopicListSortBy


class ApiListCompetitionTopicsRequest(WireRequest):
    competition_name: str = ""
    sort_by: TopicListSortBy | None = None
    page: int | None = None


class ApiListTopicMessagesRequest(WireRequest):
    competition_name: str = ""
    topic_id: int = 0
    sort_by: CommentListSortBy | None = None
    page_size: int | None = None


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
