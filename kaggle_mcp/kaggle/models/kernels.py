"""Wire messages of ``kernels.KernelsApiService`` (reference §4.2, Appendix A/B)."""


from datetime import timedelta

from pydantic import Field

from ..wire import Duration, Int64, Timestamp, WireModel, WireRequest
from .enums import KernelExecutionType, KernelsListSortType, KernelsListViewType, KernelWorkerStatusName

# -- requests -------------------------------------------------------------------------------


class ApiListKernelsRequest(WireRequest):
    competition: str | None = None
    dataset: str | None = None
    parent_kernel: str | None = None
    group: KernelsListViewType = "KERNELS_LIST_VIEW_TYPE_UNSPECIFIED"
    kernel_type: str | None = None
    language: str | None = None
    output_type: str | None = None
    search: str | None = None
    sort_by: KernelsListSortType = "HOTNESS"
    user: str | None = None
    page: int | None = None
    page_size: int | None = None
    page_token: str | None = None


class ApiGetKernelRequest(WireRequest):
    user_name: str = ""
    kernel_slug: str = ""
    version_label: str | None = None


class ApiSaveKernelRequest(WireRequest):
    id: int | None = None
    slug: str | None = None
    new_title: str | None = None
    text: str | None = None
    language: str | None = None
    kernel_type: str | None = None
    dataset_data_sources: list[str] = Field(default_factory=list)
    kernel_data_sources: list[str] = Field(default_factory=list)
    competition_data_sources: list[str] = Field(default_factory=list)
    category_ids: list[str] = Field(default_factory=list)
    is_private: bool | None = None
    enable_gpu: bool | None = None
    enable_internet: bool | None = None
    docker_image_pinning_type: str | None = None
    model_data_sources: list[str] = Field(default_factory=list)
    enable_tpu: bool | None = None
    session_timeout_seconds: int | None = None
    priority: int | None = None
    docker_image: str | None = None
    kernel_execution_type: KernelExecutionType | None = None
    machine_shape: str | None = None


class ApiGetKernelSessionStatusRequest(WireRequest):
    user_name: str = ""
    kernel_slug: str = ""
    version_label: str | None = None


class ApiListKernelSessionOutputRequest(WireRequest):
    user_name: str = ""
    kernel_slug: str = ""
    page_size: int | None = None
    page_token: str | None = None
    version_label: str | None = None


class ApiListKernelFilesRequest(WireRequest):
    user_name: str = ""
    kernel_slug: str = ""
    page_size: int | None = None
    page_token: str | None = None
    version_label: str | None = None


class ApiGetAcceleratorQuotaStatisticsRequest(WireRequest):
    pass


class ApiCancelKernelSessionRequest(WireRequest):
    kernel_session_id: int = 0


# -- responses ------------------------------------------------------------------------------


class ApiKernelMetadata(WireModel):
    id: Int64 = 0
    ref: str = ""
    title: str = ""
    author: str = ""
    slug: str = ""
    last_run_time: Timestamp | None = None
    language: str | None = None
    kernel_type: str | None = None
    is_private: bool | None = None
    enable_gpu: bool | None = None
    enable_internet: bool | None = None
    category_ids: list[str] = Field(default_factory=list)
    dataset_data_sources: list[str] = Field(default_factory=list)
    kernel_data_sources: list[str] = Field(default_factory=list)
    competition_data_sources: list[str] = Field(default_factory=list)
    total_votes: Int64 = 0
    model_data_sources: list[str] = Field(default_factory=list)
    enable_tpu: bool | None = None
    current_version_number: Int64 | None = None
    docker_image: str | None = None
    machine_shape: str | None = None


class ApiListKernelsResponse(WireModel):
    kernels: list[ApiKernelMetadata] = Field(default_factory=list)
    next_page_token: str = ""


class ApiKernelBlob(WireModel):
    source: str | None = None
    language: str | None = None
    kernel_type: str | None = None
    slug: str | None = None


class ApiGetKernelResponse(WireModel):
    metadata: ApiKernelMetadata = Field(default_factory=ApiKernelMetadata)
    blob: ApiKernelBlob = Field(default_factory=ApiKernelBlob)


class ApiSaveKernelResponse(WireModel):
    ref: str = ""
    url: str = ""
    version_number: Int64 | None = None
    error: str | None = None
    invalid_tags: list[str] = Field(default_factory=list)
    invalid_dataset_sources: list[str] = Field(default_factory=list)
    invalid_competition_sources: list[str] = Field(default_factory=list)
    invalid_kernel_sources: list[str] = Field(default_factory=list)
    invalid_model_sources: list[str] = Field(default_factory=list)
    kernel_id: Int64 = 0

    @property
    def invalid_sources(self) -> list[str]:
        """Every source Kaggle dropped; the kernel then runs without them, so callers should warn."""
        return [
            *self.invalid_dataset_sources,
            *self.invalid_competition_sources,
            *self.invalid_kernel_sources,
            *self.invalid_model_sources,
        ]


class ApiGetKernelSessionStatusResponse(WireModel):
    status: KernelWorkerStatusName = "QUEUED"
    failure_message: str | None = None


class ApiCancelKernelSessionResponse(WireModel):
    error_message: str | None = None


class ApiKernelSessionOutputFile(WireModel):
    url: str | None = None
    file_name: str | None = None


class ApiListKernelSessionOutputResponse(WireModel):
    files: list[ApiKernelSessionOutputFile] = Field(default_factory=list)
    log: str | None = None
    next_page_token: str | None = None


class ApiListKernelFilesItem(WireModel):
    name: str = ""
    size: Int64 = 0
    creation_date: str = ""


class ApiListKernelFilesResponse(WireModel):
    files: list[ApiListKernelFilesItem] = Field(default_factory=list)
    next_page_token: str | None = None


class ApiAcceleratorQuota(WireModel):
    time_used: Duration = timedelta(0)
    time_reserved: Duration = timedelta(0)
    total_time_allowed: Duration = timedelta(0)
    minimum_time_allowed: Duration = timedelta(0)
    is_pay_to_scale_enabled: bool = False
    has_ever_run: bool = False

    @property
    def time_remaining(self) -> timedelta:
        return max(timedelta(0), self.total_time_allowed - self.time_used)


class ApiGetAcceleratorQuotaStatisticsResponse(WireModel):
    quota_refresh_time: Timestamp | None = None
    gpu_quota: ApiAcceleratorQuota = Field(default_factory=ApiAcceleratorQuota)
    tpu_quota: ApiAcceleratorQuota = Field(default_factory=ApiAcceleratorQuota)
