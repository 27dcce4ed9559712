"""``datasets.DatasetApiService``: search, inspect, download and publish datasets (reference §4.3)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .errors import ApplicationError, TransferError
from .models.datasets import (
    ApiCreateDatasetRequest,
    ApiCreateDatasetResponse,
    ApiCreateDatasetVersionRequest,
    ApiCreateDatasetVersionRequestBody,
    ApiDataset,
    ApiDatasetFile,
    ApiDatasetNewFile,
    ApiDownloadDatasetRequest,
    ApiGetDatasetMetadataRequest,
    ApiGetDatasetMetadataResponse,
    ApiGetDatasetRequest,
    ApiGetDatasetStatusRequest,
    ApiGetDatasetStatusResponse,
    ApiListDatasetFilesRequest,
    ApiListDatasetFilesResponse,
    ApiListDatasetsRequest,
    ApiListDatasetsResponse,
)
from .models.enums import DatasetFileTypeGroup, DatasetLicenseGroup, DatasetSelectionGroup, DatasetSortBy
from .paging import follow_pages
from .paths import safe_relative
from .transfer import DownloadResult, Progress

if TYPE_CHECKING:
    from .client import KaggleClient

SERVICE = "datasets.DatasetApiService"


def _check_created(answer: ApiCreateDatasetResponse, method: str) -> ApiCreateDatasetResponse:
    """The CLI's success test is ``status == "ok"``; anything else carries the reason in ``error``."""
    if (answer.status or "").lower() != "ok":
        raise ApplicationError(
            answer.error or f"dataset not created (status {answer.status!r})", rpc=f"{SERVICE}/{method}"
        )
    return answer


class DatasetService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def list_datasets(
        self,
        *,
        search: str | None = "",
        user: str | None = "",
        sort_by: DatasetSortBy = "DATASET_SORT_BY_HOTTEST",
        group: DatasetSelectionGroup = "DATASET_SELECTION_GROUP_PUBLIC",
        file_type: DatasetFileTypeGroup = "DATASET_FILE_TYPE_GROUP_ALL",
        license: DatasetLicenseGroup = "DATASET_LICENSE_GROUP_ALL",
        tag_ids: str | None = "",
        min_size: int | None = None,
        max_size: int | None = None,
        page: int | None = None,
        page_token: str | None = "",
        page_size: int | None = None,
    ) -> ApiListDatasetsResponse:
        """Search datasets. Defaults are ``kaggle datasets list``'s body (``search``, ``user`` and ``tagIds``
        sent as ``""``); ``user=`` alone lists that user's datasets (group USER, as the CLI's ``--user``
        does); ``page`` is 1 unless continuing from ``page_token`` (reference §1.7)."""
        if user and group == "DATASET_SELECTION_GROUP_PUBLIC":
            group = "DATASET_SELECTION_GROUP_USER"
        request = ApiListDatasetsRequest(
            search=search, user=user, sort_by=sort_by, group=group, file_type=file_type, license=license,
            tag_ids=tag_ids, min_size=min_size, max_size=max_size,
            page=page if page is not None or page_token else 1, page_token=page_token, page_size=page_size,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListDatasets", request, ApiListDatasetsResponse, catalog=True)

    def iter_datasets(self, *, max_pages: int | None = None, **filters: Any) -> AsyncIterator[ApiDataset]:
        async def fetch(token: str) -> ApiListDatasetsResponse:
            return await self.list_datasets(**filters, page_token=token, page=None if token else 1)

        return follow_pages(fetch, lambda r: r.datasets, max_pages=max_pages)

    async def get_dataset(self, owner_slug: str, dataset_slug: str) -> ApiDataset:
        request = ApiGetDatasetRequest(owner_slug=owner_slug, dataset_slug=dataset_slug)
        return await self.kc.call(SERVICE, "GetDataset", request, ApiDataset)

    async def list_dataset_files(
        self,
        owner_slug: str,
        dataset_slug: str,
        dataset_version_number: int | None = None,
        page_token: str | None = "",
        page_size: int | None = 20,
    ) -> ApiListDatasetFilesResponse:
        request = ApiListDatasetFilesRequest(
            owner_slug=owner_slug, dataset_slug=dataset_slug, dataset_version_number=dataset_version_number,
            page_token=page_token, page_size=page_size,
        )  # fmt: skip
        answer = await self.kc.call(SERVICE, "ListDatasetFiles", request, ApiListDatasetFilesResponse, catalog=True)
        if answer.error_message:
            raise ApplicationError(answer.error_message, rpc=f"{SERVICE}/ListDatasetFiles")
        return answer

    def iter_dataset_files(
        self, owner_slug: str, dataset_slug: str, dataset_version_number: int | None = None, page_size: int = 200
    ) -> AsyncIterator[ApiDatasetFile]:
        async def fetch(token: str) -> ApiListDatasetFilesResponse:
            return await self.list_dataset_files(owner_slug, dataset_slug, dataset_version_number, token, page_size)

        return follow_pages(fetch, lambda r: r.dataset_files)

    async def get_dataset_metadata(self, owner_slug: str, dataset_slug: str) -> ApiGetDatasetMetadataResponse:
        request = ApiGetDatasetMetadataRequest(owner_slug=owner_slug, dataset_slug=dataset_slug)
        answer = await self.kc.call(SERVICE, "GetDatasetMetadata", request, ApiGetDatasetMetadataResponse)
        if answer.error_message:
            raise ApplicationError(answer.error_message, rpc=f"{SERVICE}/GetDatasetMetadata")
        return answer

    async def get_dataset_status(self, owner_slug: str, dataset_slug: str) -> ApiGetDatasetStatusResponse:
        request = ApiGetDatasetStatusRequest(owner_slug=owner_slug, dataset_slug=dataset_slug)
        return await self.kc.call(SERVICE, "GetDatasetStatus", request, ApiGetDatasetStatusResponse)

    async def dataset_file_url(
        self, owner: str, slug: str, file_name: str, dataset_version_number: int | None = None
    ) -> str:
        """The signed URL of one dataset file, for reading parts of it by Range without downloading it."""
        safe_relative(file_name)
        request = ApiDownloadDatasetRequest(
            owner_slug=owner, dataset_slug=slug, file_name=file_name, dataset_version_number=dataset_version_number
        )
        return await self.kc.transfers.resolve(SERVICE, "DownloadDataset", request)

    async def create_dataset(self, **fields: Any) -> ApiCreateDatasetResponse:
        """Fields of ApiCreateDatasetRequest. Retried like the CLI does (§6); a status other than
        ``ok`` raises ApplicationError with Kaggle's ``error`` text."""
        request = ApiCreateDatasetRequest(**fields)
        answer = await self.kc.call(SERVICE, "CreateDataset", request, ApiCreateDatasetResponse, retry="unsent")
        return _check_created(answer, "CreateDataset")

    async def create_dataset_version(
        self, owner_slug: str, dataset_slug: str, body: ApiCreateDatasetVersionRequestBody
    ) -> ApiCreateDatasetResponse:
        request = ApiCreateDatasetVersionRequest(owner_slug=owner_slug, dataset_slug=dataset_slug, body=body)
        answer = await self.kc.call(SERVICE, "CreateDatasetVersion", request, ApiCreateDatasetResponse, retry="unsent")
        return _check_created(answer, "CreateDatasetVersion")

    # -- transfers ------------------------------------------------------------------------------

    async def download_dataset(
        self,
        owner: str,
        slug: str,
        dest_dir: Path | str,
        file_name: str | None = None,
        progress: Progress | None = None,
        force: bool = False,
        dataset_version_number: int | None = None,
    ) -> DownloadResult:
        """Whole dataset as ``<slug>.zip``, or one file as ``<dir of file_name>/<final URL name>``."""
        safe_relative(slug)
        relative = safe_relative(file_name) if file_name else None
        request = ApiDownloadDatasetRequest(
            owner_slug=owner, dataset_slug=slug, file_name=file_name, dataset_version_number=dataset_version_number
        )
        url = await self.kc.transfers.resolve(SERVICE, "DownloadDataset", request)
        if relative is None:
            return await self.kc.transfers.download(
                url, dest_dir, save_as=f"{slug}.zip", progress=progress, force=force
            )
        subdir = relative.parent if relative.parent != PurePosixPath(".") else ""
        return await self.kc.transfers.download(url, dest_dir, subdir=subdir, progress=progress, force=force)

    async def upload_files(
        self, paths: Sequence[Path | str], progress: Progress | None = None
    ) -> list[ApiDatasetNewFile]:
        """StartBlobUpload + PUT per file; returns the ``files`` entries for CreateDataset(Version).

        Progress is reported across all files (done and total summed), which is what a user watches.
        An expired upload session (404 on resume) is restarted once with a fresh StartBlobUpload.
        """
        files = [Path(p) for p in paths]
        for path in files:
            if not path.is_file():
                raise TransferError(f"{path} is not a file (zip directories before publishing them)")
        total = sum(p.stat().st_size for p in files)
        uploaded: list[ApiDatasetNewFile] = []
        base = 0
        for path in files:
            offset = base

            async def report(done: int, _size: int | None, offset: int = offset) -> None:
                if progress:
                    await progress(offset + done, total)

            for round_ in (1, 2):
                info = path.stat()
                slot = await self.kc.blobs.start_blob_upload(
                    type="DATASET", name=path.name, content_length=info.st_size,
                    last_modified_epoch_seconds=int(info.st_mtime),
                )  # fmt: skip
                try:
                    await self.kc.transfers.upload(slot.create_url, path, progress=report)
                    break
                except TransferError as exc:
                    if exc.status != 404 or round_ == 2:
                        raise
            uploaded.append(ApiDatasetNewFile(token=slot.token))
            base += path.stat().st_size
        return uploaded

    async def create_dataset_from_files(
        self,
        owner: str,
        slug: str,
        title: str,
        paths: Sequence[Path | str],
        license_name: str = "CC0-1.0",
        is_private: bool = True,
        subtitle: str | None = None,
        description: str | None = None,
        progress: Progress | None = None,
    ) -> ApiCreateDatasetResponse:
        """Upload the files, then CreateDataset. Private unless asked otherwise (as the CLI)."""
        files = await self.upload_files(paths, progress)
        return await self.create_dataset(
            owner_slug=owner, slug=slug, title=title, license_name=license_name, is_private=is_private,
            files=files, subtitle=subtitle, description=description,
        )  # fmt: skip

    async def create_version_from_files(
        self,
        owner: str,
        slug: str,
        paths: Sequence[Path | str],
        version_notes: str,
        progress: Progress | None = None,
        delete_old_versions: bool = False,
    ) -> ApiCreateDatasetResponse:
        """Upload the files, then CreateDatasetVersion (every file of the new version is uploaded)."""
        files = await self.upload_files(paths, progress)
        body = ApiCreateDatasetVersionRequestBody(
            version_notes=version_notes, delete_old_versions=delete_old_versions, files=files
        )
        return await self.create_dataset_version(owner, slug, body)
