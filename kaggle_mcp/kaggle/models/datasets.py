"""Wire messages of ``datasets.DatasetApiService`` (reference §4.3, Appendix A)."""


from pydantic import Field

from ..wire import Int64, Timestamp, WireModel, WireRequest
from .competitions import ApiCategory
from .enums import (
    CollaboratorTypeName,
    DatabundleVersionStatusName,
    DatasetFileTypeGroup,
    DatasetLicenseGroup,
    DatasetSelectionGroup,
    DatasetSizeGroup,
    DatasetSortBy,
    DatasetViewedGroup,
)

# -- requests -------------------------------------------------------------------------------


class ApiListDatasetsRequest(WireRequest):
    group: DatasetSelectionGroup = "DATASET_SELECTION_GROUP_PUBLIC"
    sort_by: DatasetSortBy = "DATASET_SORT_BY_HOTTEST"
    size: DatasetSizeGroup = "DATASET_SIZE_GROUP_ALL"
    file_type: DatasetFileTypeGroup = "DATASET_FILE_TYPE_GROUP_ALL"
    license: DatasetLicenseGroup = "DATASET_LICENSE_GROUP_ALL"
    viewed: DatasetViewedGroup = "DATASET_VIEWED_GROUP_UNSPECIFIED"
    tag_ids: str | None = None
    search: str | None = None
    user: str | None = None
    min_size: int | None = None
    max_size: int | None = None
    page: int | None = None
    page_token: str | None = None
    page_size: int | None = None


class ApiGetDatasetRequest(WireRequest):
    owner_slug: str = ""
    dataset_slug: str = ""


class ApiListDatasetFilesRequest(WireRequest):
    owner_slug: str = ""
    dataset_slug: str = ""
    dataset_version_number: int | None = None
    page_token: str | None = None
    page_size: int | None = None


class ApiGetDatasetMetadataRequest(WireRequest):
    owner_slug: str = ""
    dataset_slug: str = ""


class ApiDownloadDatasetRequest(WireRequest):
    owner_slug: str = ""
    dataset_slug: str = ""
    file_name: str | None = None
    dataset_version_number: int | None = None
    raw: bool = False
    hash_link: str | None = None


class ApiGetDatasetStatusRequest(WireRequest):
    owner_slug: str = ""
    dataset_slug: str = ""


class ApiDatasetColumn(WireModel):
    order: Int64 | None = None
    name: str | None = None
    type: str | None = None
    original_type: str | None = None
    description: str | None = None


class ApiDatasetNewFile(WireModel):
    token: str | None = None
    description: str | None = None
    columns: list[ApiDatasetColumn] = Field(default_factory=list)


class ApiUploadDirectoryInfo(WireModel):
    name: str = ""
    directories: "list[ApiUploadDirectoryInfo]" = Field(default_factory=list)
    files: list[ApiDatasetNewFile] = Field(default_factory=list)


class ApiCreateDatasetRequest(WireRequest):
    id: int | None = None
    owner_slug: str | None = None
    slug: str | None = None
    title: str | None = None
    license_name: str | None = None
    is_private: bool = False
    files: list[ApiDatasetNewFile] = Field(default_factory=list)
    subtitle: str | None = None
    description: str | None = None
    category_ids: list[str] = Field(default_factory=list)
    directories: "list[ApiUploadDirectoryInfo]" = Field(default_factory=list)


class ApiCreateDatasetVersionRequestBody(WireModel):
    version_notes: str | None = None
    delete_old_versions: bool = False
    files: list[ApiDatasetNewFile] = Field(default_factory=list)
    subtitle: str | None = None
    description: str | None = None
    category_ids: list[str] = Field(default_factory=list)
    directories: "list[ApiUploadDirectoryInfo]" = Field(default_factory=list)


class ApiCreateDatasetVersionRequest(WireRequest):
    owner_slug: str = ""
    dataset_slug: str = ""
    body: ApiCreateDatasetVersionRequestBody | None = None


# -- responses ------------------------------------------------------------------------------


class ApiDatasetFile(WireModel):
    ref: str = ""
    dataset_ref: str | None = None
    owner_ref: str | None = None
    name: str | None = None
    creation_date: Timestamp | None = None
    description: str | None = None
    file_type: str | None = None
    url: str | None = None
    total_bytes: Int64 = 0
    columns: list[ApiDatasetColumn] = Field(default_factory=list)


class ApiDatasetVersion(WireModel):
    version_number: Int64 = 0
    creation_date: Timestamp | None = None
    creator_name: str | None = None
    creator_ref: str | None = None
    version_notes: str | None = None
    status: str | None = None


class ApiDataset(WireModel):
    id: Int64 = 0
    ref: str = ""
    subtitle: str | None = None
    creator_name: str | None = None
    creator_url: str | None = None
    total_bytes: Int64 | None = None
    url: str | None = None
    last_updated: Timestamp | None = None
    download_count: Int64 = 0
    is_private: bool = False
    is_featured: bool = False
    license_name: str | None = None
    description: str | None = None
    owner_name: str | None = None
    owner_ref: str | None = None
    kernel_count: Int64 = 0
    title: str | None = None
    topic_count: Int64 = 0
    view_count: Int64 = 0
    vote_count: Int64 = 0
    current_version_number: Int64 | None = None
    usability_rating: float | None = None
    tags: list[ApiCategory] = Field(default_factory=list)
    files: list[ApiDatasetFile] = Field(default_factory=list)
    versions: list[ApiDatasetVersion] = Field(default_factory=list)
    thumbnail_image_url: str | None = None


class ApiListDatasetsResponse(WireModel):
    datasets: list[ApiDataset] = Field(default_factory=list)
    next_page_token: str = ""


class ApiListDatasetFilesResponse(WireModel):
    dataset_files: list[ApiDatasetFile] = Field(default_factory=list)
    error_message: str | None = None
    next_page_token: str | None = None


class SettingsLicense(WireModel):
    name: str | None = None


class DatasetCollaborator(WireModel):
    username: str | None = None
    group_slug: str | None = None
    role: CollaboratorTypeName = "COLLABORATOR_TYPE_UNSPECIFIED"


class DatasetSettingsFileColumn(WireModel):
    name: str = ""
    description: str | None = None
    type: str | None = None


class DatasetSettingsFile(WireModel):
    name: str = ""
    description: str | None = None
    total_bytes: Int64 = 0
    columns: list[DatasetSettingsFileColumn] = Field(default_factory=list)


class DatasetInfo(WireModel):
    dataset_id: Int64 = 0
    dataset_slug: str | None = None
    owner_user: str | None = None
    usability_rating: float | None = None
    total_views: Int64 = 0
    total_votes: Int64 = 0
    total_downloads: Int64 = 0
    title: str | None = None
    subtitle: str | None = None
    description: str | None = None
    is_private: bool = False
    keywords: list[str] = Field(default_factory=list)
    licenses: list[SettingsLicense] = Field(default_factory=list)
    collaborators: list[DatasetCollaborator] = Field(default_factory=list)
    data: list[DatasetSettingsFile] = Field(default_factory=list)
    expected_update_frequency: str | None = None
    user_specified_sources: str | None = None


class ApiGetDatasetMetadataResponse(WireModel):
    info: DatasetInfo = Field(default_factory=DatasetInfo)
    error_message: str | None = None


class ApiGetDatasetStatusResponse(WireModel):
    status: DatabundleVersionStatusName = "NOT_YET_PERSISTED"


class ApiCreateDatasetResponse(WireModel):
    ref: str | None = None
    url: str | None = None
    status: str | None = None
    error: str | None = None
    invalid_tags: list[str] = Field(default_factory=list)
