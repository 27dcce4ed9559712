"""``discussions.DiscussionApiService``: forum topics of every kind and their comment trees.

Kaggle has one topic list per thing a forum hangs off (a dataset, a notebook, a model) plus a site-wide
``ListTopics`` that also filters by forum, category (competition write-ups, models, ...) and words;
a topic is read as ``GetTopic`` (its first post) plus ``ListComments`` (top-level comments with their
reply trees, paged). Competition forums are also reachable through the competitions service
(``ListCompetitionTopics``); both describe the same topics.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from .errors import NotFound
from .models.discussions import (
    ApiDiscussionComment,
    ApiDiscussionTopic,
    ApiGetTopicRequest,
    ApiGetTopicResponse,
    ApiListCommentsRequest,
    ApiListCommentsResponse,
    ApiListDatasetTopicsRequest,
    ApiListKernelTopicsRequest,
    ApiListModelTopicsRequest,
    ApiListTopicsRequest,
    ApiListTopicsResponse,
)
from .models.enums import TopicListCategory, TopicListGroup, TopicListSortBy
from .paging import follow_pages

if TYPE_CHECKING:
    from .client import KaggleClient

SERVICE = "discussions.DiscussionApiService"


class DiscussionService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def list_topics(
        self,
        *,
        forum_slug: str | None = None,
        search_query: str | None = None,
        sort_by: TopicListSortBy | None = None,
        category: TopicListCategory | None = None,
        group: TopicListGroup | None = None,
        page_size: int | None = None,
        page_token: str | None = "",
    ) -> ApiListTopicsResponse:
        """Site-wide topics; ``page_token=""`` is what the CLI sends on a first page."""
        request = ApiListTopicsRequest(
            forum_slug=forum_slug, sort_by=sort_by, page_size=page_size, search_query=search_query,
            category=category, group=group, page_token=page_token,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListTopics", request, ApiListTopicsResponse, catalog=True)

    async def list_dataset_topics(
        self,
        owner_slug: str,
        dataset_slug: str,
        *,
        sort_by: TopicListSortBy | None = None,
        search_query: str | None = None,
        page_size: int | None = None,
        page_token: str | None = "",
    ) -> ApiListTopicsResponse:
        request = ApiListDatasetTopicsRequest(
            owner_slug=owner_slug, dataset_slug=dataset_slug, sort_by=sort_by, page_size=page_size,
            page_token=page_token, search_query=search_query,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListDatasetTopics", request, ApiListTopicsResponse, catalog=True)

    async def list_kernel_topics(
        self,
        owner_slug: str,
        kernel_slug: str,
        *,
        sort_by: TopicListSortBy | None = None,
        search_query: str | None = None,
        page_size: int | None = None,
        page_token: str | None = "",
    ) -> ApiListTopicsResponse:
        request = ApiListKernelTopicsRequest(
            owner_slug=owner_slug, kernel_slug=kernel_slug, sort_by=sort_by, page_size=page_size,
            page_token=page_token, search_query=search_query,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListKernelTopics", request, ApiListTopicsResponse, catalog=True)

    async def list_model_topics(
        self,
        owner_slug: str,
        model_slug: str,
        *,
        sort_by: TopicListSortBy | None = None,
        search_query: str | None = None,
        page_size: int | None = None,
        page_token: str | None = "",
    ) -> ApiListTopicsResponse:
        request = ApiListModelTopicsRequest(
            owner_slug=owner_slug, model_slug=model_slug, sort_by=sort_by, page_size=page_size,
            page_token=page_token, search_query=search_query,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListModelTopics", request, ApiListTopicsResponse, catalog=True)

    async def get_topic(self, topic_id: int) -> ApiDiscussionTopic:
        """One topic with its first post (``content``); NotFound when Kaggle answers without one."""
        answer = await self.kc.call(SERVICE, "GetTopic", ApiGetTopicRequest(id=topic_id), ApiGetTopicResponse)
        if answer.topic is None:
            raise NotFound(f"topic {topic_id} not found", status=404, rpc=f"{SERVICE}/GetTopic")
        return answer.topic

    async def list_comments(
        self, topic_id: int, page_size: int | None = None, page_token: str | None = ""
    ) -> ApiListCommentsResponse:
        request = ApiListCommentsRequest(topic_id=topic_id, page_size=page_size, page_token=page_token)
        return await self.kc.call(SERVICE, "ListComments", request, ApiListCommentsResponse)

    def iter_comments(self, topic_id: int, page_size: int | None = None) -> AsyncIterator[ApiDiscussionComment]:
        """Every top-level comment (each with its whole reply tree), following ``nextPageToken``."""

        async def fetch(token: str) -> ApiListCommentsResponse:
            return await self.list_comments(topic_id, page_size=page_size, page_token=token)

        return follow_pages(fetch, lambda r: r.comments)
