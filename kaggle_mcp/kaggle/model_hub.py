"""``models.ModelApiService``: Kaggle Models, their instances (framework x variation), versions and files.

Named ``model_hub`` because ``models`` is the package of wire types. Frameworks travel as the enum NAME
(``MODEL_FRAMEWORK_PY_TORCH``); methods take them in any spelling (``refs.framework_enum``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .models.enums import ListModelsOrderBy
from .models.model_hub import (
    ApiDownloadModelInstanceVersionRequest,
    ApiGetModelInstanceRequest,
    ApiGetModelRequest,
    ApiListModelInstancesRequest,
    ApiListModelInstancesResponse,
    ApiListModelInstanceVersionFilesRequest,
    ApiListModelInstanceVersionFilesResponse,
    ApiListModelInstanceVersionsRequest,
    ApiListModelInstanceVersionsResponse,
    ApiListModelsRequest,
    ApiListModelsResponse,
    ApiModel,
    ApiModelFile,
    ApiModelInstance,
)
from .paging import follow_pages
from .paths import safe_relative
from .refs import framework_enum
from .transfer import DownloadResult, Progress

if TYPE_CHECKING:
    from .client import KaggleClient

SERVICE = "models.ModelApiService"


class ModelService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def list_models(
        self,
        *,
        search: str | None = "",
        owner: str | None = "",
        sort_by: ListModelsOrderBy | None = "LIST_MODELS_ORDER_BY_HOTNESS",
        page_size: int | None = 20,
        page_token: str | None = "",
    ) -> ApiListModelsResponse:
        """Defaults are what ``kaggle models list`` sends."""
        request = ApiListModelsRequest(
            search=search, sort_by=sort_by, owner=owner, page_size=page_size, page_token=page_token
        )
        return await self.kc.call(SERVICE, "ListModels", request, ApiListModelsResponse, catalog=True)

    async def get_model(self, owner_slug: str, model_slug: str) -> ApiModel:
        request = ApiGetModelRequest(owner_slug=owner_slug, model_slug=model_slug)
        return await self.kc.call(SERVICE, "GetModel", request, ApiModel)

    async def get_model_instance(
        self, owner_slug: str, model_slug: str, framework: str, instance_slug: str
    ) -> ApiModelInstance:
        request = ApiGetModelInstanceRequest(
            owner_slug=owner_slug, model_slug=model_slug, framework=framework_enum(framework),
            instance_slug=instance_slug,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "GetModelInstance", request, ApiModelInstance)

    async def list_model_instances(
        self, owner_slug: str, model_slug: str, page_size: int | None = 20, page_token: str | None = ""
    ) -> ApiListModelInstancesResponse:
        request = ApiListModelInstancesRequest(
            owner_slug=owner_slug, model_slug=model_slug, page_size=page_size, page_token=page_token
        )
        return await self.kc.call(SERVICE, "ListModelInstances", request, ApiListModelInstancesResponse)

    async def list_model_instance_versions(
        self,
        owner_slug: str,
        model_slug: str,
        framework: str,
        instance_slug: str,
        page_size: int | None = 20,
        page_token: str | None = "",
    ) -> ApiListModelInstanceVersionsResponse:
        request = ApiListModelInstanceVersionsRequest(
            owner_slug=owner_slug, model_slug=model_slug, instance_slug=instance_slug,
            framework=framework_enum(framework), page_size=page_size, page_token=page_token,
        )  # fmt: skip
        return await self.kc.call(
            SERVICE, "ListModelInstanceVersions", request, ApiListModelInstanceVersionsResponse
        )

    async def list_model_instance_version_files(
        self,
        owner_slug: str,
        model_slug: str,
        framework: str,
        instance_slug: str,
        version_number: int | None = None,
        page_size: int | None = 20,
        page_token: str | None = "",
    ) -> ApiListModelInstanceVersionFilesResponse:
        """The files of one version; ``version_number=None`` means the instance's current version."""
        request = ApiListModelInstanceVersionFilesRequest(
            owner_slug=owner_slug, model_slug=model_slug, instance_slug=instance_slug,
            framework=framework_enum(framework), version_number=version_number, page_size=page_size,
            page_token=page_token,
        )  # fmt: skip
        return await self.kc.call(
            SERVICE, "ListModelInstanceVersionFiles", request, ApiListModelInstanceVersionFilesResponse
        )

    def iter_model_instance_version_files(
        self, owner_slug: str, model_slug: str, framework: str, instance_slug: str, version_number: int | None
    ) -> AsyncIterator[ApiModelFile]:
        async def fetch(token: str) -> ApiListModelInstanceVersionFilesResponse:
            return await self.list_model_instance_version_files(
                owner_slug, model_slug, framework, instance_slug, version_number, page_size=100, page_token=token
            )

        return follow_pages(fetch, lambda r: r.files)

    async def download_model_instance_version(
        self,
        owner_slug: str,
        model_slug: str,
        framework: str,
        instance_slug: str,
        version_number: int,
        dest_dir: Path | str,
        path: str | None = None,
        progress: Progress | None = None,
        force: bool = False,
    ) -> DownloadResult:
        """One file (``path``, kept at its relative place under ``dest_dir``) or, without ``path``, the
        whole version as ``<model_slug>.tar.gz`` (the CLI's name). Streamed, resumable and renamed into
        place only when complete; a ``path`` that would leave ``dest_dir`` is refused before any request."""
        safe_relative(model_slug)
        relative = safe_relative(path) if path is not None else None
        request = ApiDownloadModelInstanceVersionRequest(
            owner_slug=owner_slug, model_slug=model_slug, framework=framework_enum(framework),
            instance_slug=instance_slug, version_number=version_number, path=path,
        )  # fmt: skip
        url = await self.kc.transfers.resolve(SERVICE, "DownloadModelInstanceVersion", request)
        if relative is None:
            return await self.kc.transfers.download(
                url, dest_dir, save_as=f"{model_slug}.tar.gz", progress=progress, force=force
            )
        subdir = relative.parent if relative.parent != PurePosixPath(".") else ""
        return await self.kc.transfers.download(
            url, dest_dir, subdir=subdir, save_as=relative.name, progress=progress, force=force
        )
