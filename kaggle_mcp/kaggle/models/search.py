"""Wire messages of ``search.SearchApiService/ListEntities``: one search over every kind of Kaggle content.

Each document carries the fields common to all kinds (id, type, title, slug, owner, votes) and one
kind-specific sub-document. Two of those matter beyond display: a notebook's ``sessionId`` (the only
public place that names the session ``CancelKernelSession`` needs) and a discussion's
``writeUpMetadata`` (a solution write-up's competition and leaderboard place). Only the filters this
client sends are modelled; kagglesdk 0.1.38 (``search_api_service``) has the full set.
"""

from __future__ import annotations

from pydantic import Field

from ..wire import Int64, Timestamp, WireModel, WireRequest
from .enums import (
    DocumentKind,
    DocumentTypeName,
    ListSearchContentOrderBy,
    ListType,
    SearchDiscussionsSource,
    SearchDiscussionsSourceTypeName,
    WriteUpInclusion,
    WriteUpKind,
    WriteUpTypeName,
)

# -- requests -------------------------------------------------------------------------------


class ApiSearchDiscussionsFilters(WireModel):
    source_type: SearchDiscussionsSource = "SEARCH_DISCUSSIONS_SOURCE_TYPE_UNSPECIFIED"
    write_up_inclusion_type: WriteUpInclusion = "WRITE_UP_INCLUSION_TYPE_UNSPECIFIED"
    write_up_types: list[WriteUpKind] = Field(default_factory=list)


class ListEntitiesFilters(WireModel):
    query: str = ""
    list_type: ListType = "API_LIST_TYPE_UNSPECIFIED"
    document_types: list[DocumentKind] = Field(default_factory=list)
    discussion_filters: ApiSearchDiscussionsFilters | None = None


class ListEntitiesRequest(WireRequest):
    filters: ListEntitiesFilters | None = None
    canonical_order_by: ListSearchContentOrderBy | None = None
    page_token: str = ""
    page_size: int = 0


# -- responses ------------------------------------------------------------------------------


class ApiUserAvatar(WireModel):
    id: Int64 = 0
    display_name: str | None = None
    user_name: str | None = None
    url: str | None = None


class ApiOrganizationCard(WireModel):
    name: str = ""
    id: Int64 = 0
    slug: str = ""


class ApiSearchCompetitionsDocument(WireModel):
    deadline: Timestamp | None = None
    team_count: Int64 = 0
    only_allow_kernel_submissions: bool = False


class ApiSearchDatasetsDocument(WireModel):
    usability_rating: float = 0.0
    file_count: Int64 = 0
    size: Int64 = 0


class ApiSearchKernelsDocument(WireModel):
    session_id: Int64 | None = None
    best_public_score: float = 0.0


class ApiSearchModelsDocument(WireModel):
    instance_count: Int64 = 0
    notebook_count: Int64 = 0


class WriteUpCompetitionInfo(WireModel):
    competition_title: str = ""
    competition_url: str = ""
    write_up_leaderboard_rank: Int64 | None = None


class WriteUpItemInfo(WireModel):
    type: WriteUpTypeName = ""
    subtitle: str | None = None
    competition_info: WriteUpCompetitionInfo | None = None
    team_name: str | None = None


class ApiSearchDiscussionsDocument(WireModel):
    message_stripped: str = ""
    forum_name: str = ""
    forum_url: str | None = None
    source_type: SearchDiscussionsSourceTypeName = ""
    write_up_metadata: WriteUpItemInfo | None = None


class ApiSearchUsersDocument(WireModel):
    user_location: str | None = None
    competition_ranking: Int64 | None = None


class ListEntitiesDocument(WireModel):
    id: Int64 = 0
    document_type: DocumentTypeName = ""
    title: str = ""
    create_time: Timestamp | None = None
    update_time: Timestamp | None = None
    votes: Int64 | None = None
    owner_user: ApiUserAvatar | None = None
    owner_organization: ApiOrganizationCard | None = None
    competition_document: ApiSearchCompetitionsDocument | None = None
    dataset_document: ApiSearchDatasetsDocument | None = None
    kernel_document: ApiSearchKernelsDocument | None = None
    model_document: ApiSearchModelsDocument | None = None
    discussion_document: ApiSearchDiscussionsDocument | None = None
    user_document: ApiSearchUsersDocument | None = None
    slug: str | None = None

    @property
    def owner(self) -> str | None:
        """The owner's handle (user name or organization slug), as the CLI shows it."""
        if self.owner_user is not None and self.owner_user.user_name:
            return self.owner_user.user_name
        if self.owner_organization is not None and self.owner_organization.slug:
            return self.owner_organization.slug
        return None


class ListEntitiesResponse(WireModel):
    documents: list[ListEntitiesDocument] = Field(default_factory=list)
    total_documents: Int64 = 0
    next_page_token: str = ""
