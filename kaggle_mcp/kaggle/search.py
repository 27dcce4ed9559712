"""``search.SearchApiService/ListEntities``: one search across competitions, datasets, notebooks,
models, discussions and users (what ``kaggle search`` does in 2.2.5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .models.enums import ApiListType, DocumentType, ListSearchContentOrderBy
from .models.search import ApiSearchDiscussionsFilters, ListEntitiesFilters, ListEntitiesRequest, ListEntitiesResponse

if TYPE_CHECKING:
    from .client import KaggleClient

SERVICE = "search.SearchApiService"
#: what ``kaggle search`` searches when no type is given (every kind it can show)
CLI_DOCUMENT_TYPES: tuple[DocumentType, ...] = ("COMPETITION", "DATASET", "KERNEL", "MODEL", "USER", "TOPIC", "BENCHMARK")


class SearchService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def list_entities(
        self,
        query: str,
        *,
        document_types: Sequence[DocumentType] = CLI_DOCUMENT_TYPES,
        order_by: ListSearchContentOrderBy | None = "LIST_SEARCH_CONTENT_ORDER_BY_UNSPECIFIED",
        list_type: ApiListType = "API_LIST_TYPE_UNSPECIFIED",
        discussion_filters: ApiSearchDiscussionsFilters | None = None,
        page_size: int = 20,
        page_token: str = "",
    ) -> ListEntitiesResponse:
        """Defaults are ``kaggle search QUERY``'s body: every kind, relevance order (UNSPECIFIED),
        20 per page. ``list_type="API_LIST_TYPE_YOUR_WORK"`` keeps the caller's own content."""
        filters = ListEntitiesFilters(
            query=query, list_type=list_type, document_types=list(document_types),
            discussion_filters=discussion_filters,
        )  # fmt: skip
        request = ListEntitiesRequest(
            filters=filters, canonical_order_by=order_by, page_size=page_size, page_token=page_token
        )
        return await self.kc.call(SERVICE, "ListEntities", request, ListEntitiesResponse, catalog=True)
