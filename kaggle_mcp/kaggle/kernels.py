"""``kernels.KernelsApiService``: notebooks and scripts, their runs and their outputs (reference §4.2)."""

from __future__ import annotations

import fnmatch
import logging
from dataclasses import dataclass, field
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import anyio

from .errors import ApplicationError, ProtocolError, UnsafePath
from .models.enums import KernelsListSortType, KernelsListViewType
from .models.kernels import (
    ApiCancelKernelSessionRequest,
    ApiCancelKernelSessionResponse,
    ApiGetAcceleratorQuotaStatisticsRequest,
    ApiGetAcceleratorQuotaStatisticsResponse,
    ApiGetKernelRequest,
    ApiGetKernelResponse,
    ApiGetKernelSessionStatusRequest,
    ApiGetKernelSessionStatusResponse,
    ApiKernelMetadata,
    ApiKernelSessionOutputFile,
    ApiListKernelFilesItem,
    ApiListKernelFilesRequest,
    ApiListKernelFilesResponse,
    ApiListKernelSessionOutputRequest,
    ApiListKernelSessionOutputResponse,
    ApiListKernelsRequest,
    ApiListKernelsResponse,
    ApiSaveKernelRequest,
    ApiSaveKernelResponse,
)
from .paging import follow_pages
from .paths import refusal, safe_relative
from .safe_files import write_file
from .transfer import DownloadResult, Progress

if TYPE_CHECKING:
    from .client import KaggleClient

log = logging.getLogger(__name__)


@dataclass
class OutputDownload:
    """The files a run's output download wrote (log last), and the names it skipped as unsafe, with why."""

    files: list[DownloadResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


SERVICE = "kernels.KernelsApiService"


class KernelService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def list_kernels(
        self,
        *,
        competition: str | None = "",
        dataset: str | None = "",
        parent_kernel: str | None = "",
        user: str | None = "",
        search: str | None = "",
        sort_by: KernelsListSortType = "HOTNESS",
        language: str | None = "all",
        kernel_type: str | None = "all",
        output_type: str | None = "all",
        group: KernelsListViewType = "EVERYONE",
        page: int | None = None,
        page_size: int | None = 20,
        page_token: str | None = "",
    ) -> ApiListKernelsResponse:
        """Defaults are ``kaggle kernels list``'s body: the string filters always sent (``""``/``"all"``),
        ``page: 1`` and ``pageSize: 20``, and no ``sortBy``, which Kaggle reads as ``HOTNESS`` (the enum's
        zero value). For the community's best notebooks pass ``sort_by="VOTE_COUNT"``."""
        request = ApiListKernelsRequest(
            competition=competition, dataset=dataset, parent_kernel=parent_kernel, group=group,
            kernel_type=kernel_type, language=language, output_type=output_type, search=search,
            sort_by=sort_by, user=user, page=page if page is not None or page_token else 1,
            page_size=page_size, page_token=page_token,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListKernels", request, ApiListKernelsResponse, catalog=True)

    def iter_kernels(self, *, max_pages: int | None = None, **filters: Any) -> AsyncIterator[ApiKernelMetadata]:
        async def fetch(token: str) -> ApiListKernelsResponse:
            return await self.list_kernels(**filters, page_token=token, page=None if token else 1)

        return follow_pages(fetch, lambda r: r.kernels, max_pages=max_pages)

    async def get_kernel(
        self, user_name: str, kernel_slug: str, version_label: str | None = None
    ) -> ApiGetKernelResponse:
        request = ApiGetKernelRequest(user_name=user_name, kernel_slug=kernel_slug, version_label=version_label)
        return await self.kc.call(SERVICE, "GetKernel", request, ApiGetKernelResponse)

    async def save_kernel(self, **fields: Any) -> ApiSaveKernelResponse:
        """Push a notebook/script (fields of ApiSaveKernelRequest in snake_case).

        Never retried: each call creates a kernel version and queues a run. A 200 with ``error``
        raises ApplicationError; dropped sources stay on the response (``invalid_sources``) for the
        caller to warn about, since the run still happens without them.
        """
        request = ApiSaveKernelRequest(**fields)
        answer = await self.kc.call(SERVICE, "SaveKernel", request, ApiSaveKernelResponse, retry="unsent")
        if answer.error:
            raise ApplicationError(answer.error, rpc=f"{SERVICE}/SaveKernel")
        if answer.invalid_sources or answer.invalid_tags:
            log.warning("SaveKernel dropped sources %s and tags %s", answer.invalid_sources, answer.invalid_tags)
        return answer

    async def get_kernel_session_status(
        self, user_name: str, kernel_slug: str, version_label: str | None = None
    ) -> ApiGetKernelSessionStatusResponse:
        request = ApiGetKernelSessionStatusRequest(
            user_name=user_name, kernel_slug=kernel_slug, version_label=version_label
        )
        return await self.kc.call(SERVICE, "GetKernelSessionStatus", request, ApiGetKernelSessionStatusResponse)

    async def list_kernel_session_output(
        self,
        user_name: str,
        kernel_slug: str,
        page_size: int | None = 20,
        page_token: str | None = "",
        version_label: str | None = None,
    ) -> ApiListKernelSessionOutputResponse:
        request = ApiListKernelSessionOutputRequest(
            user_name=user_name, kernel_slug=kernel_slug, page_size=page_size,
            page_token=page_token, version_label=version_label,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListKernelSessionOutput", request, ApiListKernelSessionOutputResponse)

    def iter_kernel_session_output(
        self, user_name: str, kernel_slug: str, page_size: int = 100
    ) -> AsyncIterator[ApiKernelSessionOutputFile]:
        async def fetch(token: str) -> ApiListKernelSessionOutputResponse:
            return await self.list_kernel_session_output(user_name, kernel_slug, page_size, token)

        return follow_pages(fetch, lambda r: r.files)

    async def list_kernel_files(
        self,
        user_name: str,
        kernel_slug: str,
        page_size: int | None = 20,
        page_token: str | None = "",
        version_label: str | None = None,
    ) -> ApiListKernelFilesResponse:
        request = ApiListKernelFilesRequest(
            user_name=user_name, kernel_slug=kernel_slug, page_size=page_size,
            page_token=page_token, version_label=version_label,
        )  # fmt: skip
        return await self.kc.call(SERVICE, "ListKernelFiles", request, ApiListKernelFilesResponse)

    def iter_kernel_files(
        self, user_name: str, kernel_slug: str, page_size: int = 100
    ) -> AsyncIterator[ApiListKernelFilesItem]:
        async def fetch(token: str) -> ApiListKernelFilesResponse:
            return await self.list_kernel_files(user_name, kernel_slug, page_size, token)

        return follow_pages(fetch, lambda r: r.files)

    async def cancel_kernel_session(self, kernel_session_id: int) -> None:
        """Stop a queued or running session (its id comes from search: ``kernelDocument.sessionId``).

        Retried like a read: cancelling a session twice changes nothing. Kaggle's refusal comes inside a
        200 as ``errorMessage`` and is raised as ApplicationError."""
        request = ApiCancelKernelSessionRequest(kernel_session_id=kernel_session_id)
        answer = await self.kc.call(SERVICE, "CancelKernelSession", request, ApiCancelKernelSessionResponse)
        if answer.error_message:
            raise ApplicationError(answer.error_message, rpc=f"{SERVICE}/CancelKernelSession")

    async def get_accelerator_quota_statistics(self) -> ApiGetAcceleratorQuotaStatisticsResponse:
        return await self.kc.call(
            SERVICE, "GetAcceleratorQuotaStatistics", ApiGetAcceleratorQuotaStatisticsRequest(),
            ApiGetAcceleratorQuotaStatisticsResponse,
        )  # fmt: skip

    async def download_output(
        self,
        owner: str,
        slug: str,
        dest_dir: Path | str,
        pattern: str | None = None,
        progress: Progress | None = None,
        force: bool = False,
    ) -> OutputDownload:
        """Every output file of the latest run (those whose name matches ``pattern``: a glob such as ``*.csv``
        or ``figs/*``, or a plain word found anywhere in the name) into ``dest_dir/<fileName>``,
        plus the run's log as ``dest_dir/<slug>.log`` (as the CLI does).

        Not a regex, although ``kaggle kernels output --file-pattern`` takes one: a pattern comes from an agent,
        and a backtracking regex such as ``(a+)+$`` can spend minutes on one name, on the event loop. All names are checked before the first byte is written; a ``fileName``
        that would land outside ``dest_dir``, or whose destination holds a planted link, is skipped, never
        written through, and named in ``skipped``.
        """
        files: list[tuple[PurePosixPath, str]] = []
        refused: list[str] = []
        log_text = ""
        token, seen = "", {""}
        while True:
            page = await self.list_kernel_session_output(owner, slug, page_size=100, page_token=token)
            log_text = log_text or (page.log or "")
            for item in page.files:
                if not item.file_name or (pattern and not output_matches(item.file_name, pattern)):
                    continue
                if not item.url:
                    raise ProtocolError(
                        f"output file {item.file_name!r} has no url", rpc=f"{SERVICE}/ListKernelSessionOutput"
                    )
                try:
                    files.append((safe_relative(item.file_name), item.url))
                except UnsafePath as exc:
                    refused.append(refusal(exc))
            token = page.next_page_token or ""
            if not token or token in seen:
                break
            seen.add(token)
        results: list[DownloadResult] = []
        for relative, url in files:
            subdir = relative.parent if relative.parent != PurePosixPath(".") else ""
            try:
                results.append(
                    await self.kc.transfers.download(
                        url, dest_dir, subdir=subdir, save_as=relative.name, progress=progress, force=force
                    )
                )
            except UnsafePath as exc:
                refused.append(refusal(exc))
        if log_text:
            try:
                target = await anyio.to_thread.run_sync(write_file, Path(dest_dir), f"{slug}.log", log_text)
                results.append(DownloadResult(target, len(log_text.encode("utf-8"))))
            except UnsafePath as exc:
                refused.append(refusal(exc))
        return OutputDownload(results, refused)


def output_matches(file_name: str, pattern: str) -> bool:
    """A plain word (no ``*``, ``?`` or ``[``) matches where it occurs in the name, as the CLI's regex search
    does for a word (``submission`` finds ``submission.csv``); a glob matches the output's path or its base
    name (``*.csv`` finds ``sub/x.csv`` too). Case-sensitive like Kaggle's file names. fnmatch compiles each
    ``*`` to a lookahead that is never re-entered, so no pattern makes matching backtrack exponentially."""
    if not any(c in pattern for c in "*?["):
        return pattern in file_name
    return fnmatch.fnmatchcase(file_name, pattern) or fnmatch.fnmatchcase(file_name.rsplit("/", 1)[-1], pattern)
