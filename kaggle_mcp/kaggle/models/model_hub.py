"""Wire messages of ``models.ModelApiService`` (Kaggle Models: models, instances, versions, files).

A model has instances (one per framework and variation, e.g. ``pyTorch/7b``), each with numbered
versions holding files. Names and presence follow kagglesdk 0.1.38 (``model_api_service``,
``model_types``). ``framework`` is a plain enum on requests (``MODEL_FRAMEWORK_UNSPECIFIED`` omitted)
and read leniently in answers, where Kaggle may spell it ``pyTorch`` or ``MODEL_FRAMEWORK_PY_TORCH``.
"""

from __future__ import annotations

from pydantic import Field

from ..wire import Int64, Timestamp, WireModel, WireRequest
from .competitions import ApiCategory
from .enums import (
    DatabundleVersionStatusName,
    ListModelsOrderBy,
    ModelFramework,
    ModelFrameworkName,
    ModelInstanceTypeName,
)

# -- requests -------------------------------------------------------------------------------


class ApiListModelsRequest(WireRequest):
    search: str | None = None
    sort_by: ListModelsOrderBy | None = None
    owner: str | None = None
    page_size: int | None = None
    page_token: str | None = None


class ApiGetModelRequest(WireRequest):
    owner_slug: str = ""
    model_slug: str = ""


class ApiGetModelInstanceRequest(WireRequest):
    owner_slug: str = ""
    model_slug: str = ""
    framework: ModelFramework = "MODEL_FRAMEWORK_UNSPECIFIED"
    instance_slug: str = ""


class ApiListModelInstancesRequest(WireRequest):
    owner_slug: str = ""
    model_slug: str = ""
    page_size: int | None = None
    page_token: str | None = None


class ApiListModelInstanceVersionsRequest(WireRequest):
    owner_slug: str = ""
    model_slug: str = ""
    instance_slug: str = ""
    framework: ModelFramework = "MODEL_FRAMEWORK_UNSPECIFIED"
    page_size: int | None = None
    page_token: str | None = None


class ApiListModelInstanceVersionFilesRequest(WireRequest):
    owner_slug: str = ""
    model_slug: str = ""
    instance_slug: str = ""
    framework: ModelFramework = "MODEL_FRAMEWORK_UNSPECIFIED"
    version_number: int | None = None
    page_size: int | None = None
    page_token: str | None = None


class ApiDownloadModelInstanceVersionRequest(WireRequest):
    owner_slug: str = ""
    model_slug: str = ""
    framework: ModelFramework = "MODEL_FRAMEWORK_UNSPECIFIED"
    instance_slug: str = ""
    version_number: int = 0
    path: str | None = None


# -- responses ------------------------------------------------------------------------------


class ApiModelInstance(WireModel):
    """An instance as GetModel / GetModelInstance describe it (its latest version)."""

    id: Int64 = 0
    slug: str = ""
    framework: ModelFrameworkName = ""
    fine_tunable: bool = False
    overview: str = ""
    usage: str = ""
    download_url: str = ""
    version_id: Int64 = 0
    version_number: Int64 = 0
    training_data: list[str] = Field(default_factory=list)
    url: str = ""
    license_name: str = ""
    model_instance_type: ModelInstanceTypeName = ""
    external_base_model_url: str = ""
    total_uncompressed_bytes: Int64 = 0


class ApiModel(WireModel):
    id: Int64 = 0
    ref: str = ""
    title: str = ""
    subtitle: str = ""
    author: str = ""
    slug: str = ""
    is_private: bool = False
    description: str = ""
    instances: list[ApiModelInstance] = Field(default_factory=list)
    tags: list[ApiCategory] = Field(default_factory=list)
    publish_time: Timestamp | None = None
    provenance_sources: str = ""
    url: str = ""
    vote_count: Int64 | None = None
    author_image_url: str | None = None
    update_time: Timestamp | None = None


class ApiListModelsResponse(WireModel):
    models: list[ApiModel] = Field(default_factory=list)
    next_page_token: str = ""
    total_results: Int64 = 0


class License(WireModel):
    id: Int64 = 0
    name: str = ""
    url: str | None = None


class ModelInstance(WireModel):
    """An instance as ListModelInstances describes it (a fuller record, with its latest version notes)."""

    id: Int64 = 0
    owner_slug: str = ""
    model_slug: str = ""
    slug: str = ""
    version_id: Int64 = 0
    fine_tunable: bool | None = None
    overview: str = ""
    usage: str = ""
    version_number: Int64 = 0
    framework: ModelFrameworkName = ""
    version_notes: str = ""
    training_data: list[str] = Field(default_factory=list)
    license: License | None = None
    status: DatabundleVersionStatusName = ""
    model_instance_type: ModelInstanceTypeName | None = None
    total_uncompressed_bytes: Int64 | None = None


class ApiListModelInstancesResponse(WireModel):
    instances: list[ModelInstance] = Field(default_factory=list)
    next_page_token: str = ""


class ModelInstanceVersion(WireModel):
    id: Int64 = 0
    framework: ModelFrameworkName = ""
    url: str = ""
    variation_slug: str = ""
    version_number: Int64 = 0
    model_title: str = ""
    is_private: bool = False
    model_id: Int64 = 0
    owner_slug: str = ""
    model_slug: str = ""
    model_instance_id: Int64 = 0


class ModelInstanceVersionList(WireModel):
    versions: list[ModelInstanceVersion] = Field(default_factory=list)


class ApiListModelInstanceVersionsResponse(WireModel):
    version_list: ModelInstanceVersionList = Field(default_factory=ModelInstanceVersionList)
    next_page_token: str = ""


class ApiModelFile(WireModel):
    name: str = ""
    size: Int64 = 0
    creation_date: Timestamp | None = None


class ApiListModelInstanceVersionFilesResponse(WireModel):
    files: list[ApiModelFile] = Field(default_factory=list)
    next_page_token: str = ""
