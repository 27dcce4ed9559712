"""Datasets: find them, see their files, and publish workspace files as one (a new dataset or version)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import anyio.to_thread
from pydantic import BaseModel

from ..kaggle.errors import NotFound
from ..kaggle.models.datasets import ApiDataset
from ..kaggle.models.enums import DatasetFileTypeGroup, DatasetLicenseGroup, DatasetSortBy
from ..kaggle.refs import dataset_ref, require_owner
from .account import Account
from .display import day, human_bytes
from .errors import WorkflowError
from .progress import Progress, byte_progress
from .workspace import Workspace

SortBy = Literal["hottest", "votes", "updated", "active", "published", "relevance", "usability", "downloads"]
FileType = Literal["all", "csv", "sqlite", "json", "bigQuery", "parquet"]
LicenseFamily = Literal["all", "cc", "gpl", "odb", "other"]
SORT_WIRE: dict[SortBy, DatasetSortBy] = {
    "hottest": "DATASET_SORT_BY_HOTTEST", "votes": "DATASET_SORT_BY_VOTES", "updated": "DATASET_SORT_BY_UPDATED",
    "active": "DATASET_SORT_BY_ACTIVE", "published": "DATASET_SORT_BY_PUBLISHED",
    "relevance": "DATASET_SORT_BY_RELEVANCE", "usability": "DATASET_SORT_BY_USABILITY",
    "downloads": "DATASET_SORT_BY_DOWNLOAD_COUNT"}
FILE_TYPE_WIRE: dict[FileType, DatasetFileTypeGroup] = {
    "all": "DATASET_FILE_TYPE_GROUP_ALL", "csv": "DATASET_FILE_TYPE_GROUP_CSV",
    "sqlite": "DATASET_FILE_TYPE_GROUP_SQLITE", "json": "DATASET_FILE_TYPE_GROUP_JSON",
    "bigQuery": "DATASET_FILE_TYPE_GROUP_BIG_QUERY", "parquet": "DATASET_FILE_TYPE_GROUP_PARQUET"}
LICENSE_WIRE: dict[LicenseFamily, DatasetLicenseGroup] = {
    "all": "DATASET_LICENSE_GROUP_ALL", "cc": "DATASET_LICENSE_GROUP_CC", "gpl": "DATASET_LICENSE_GROUP_GPL",
    "odb": "DATASET_LICENSE_GROUP_ODB", "other": "DATASET_LICENSE_GROUP_OTHER"}
PAGE_ROWS = 20


class DatasetRow(BaseModel):
    ref: str
    title: str | None = None
    size: str | None = None
    updated: str | None = None
    downloads: int | None = None
    votes: int | None = None


class DatasetPage(BaseModel):
    datasets: list[DatasetRow]
    more: bool


class DatasetFileRow(BaseModel):
    name: str
    size: str
    created: str | None = None


class DatasetFilePage(BaseModel):
    dataset: str
    files: list[DatasetFileRow]
    next_page_token: str | None = None


class Published(BaseModel):
    dataset: str
    url: str | None = None
    created: bool
    private: bool
    files: list[str]


async def search_datasets(account: Account, query: str = "", sort_by: SortBy = "hottest", file_type: FileType = "all",
                          license: LicenseFamily = "all", user: str | None = None, page: int = 1) -> DatasetPage:
    resp = await account.client.datasets.list_datasets(
        search=query, sort_by=SORT_WIRE[sort_by], file_type=FILE_TYPE_WIRE[file_type], license=LICENSE_WIRE[license],
        user=user or "", group="DATASET_SELECTION_GROUP_USER" if user else "DATASET_SELECTION_GROUP_PUBLIC", page=page)
    rows = [dataset_row(d) for d in resp.datasets]
    return DatasetPage(datasets=rows, more=bool(resp.next_page_token) or len(rows) >= PAGE_ROWS)


def dataset_row(d: ApiDataset) -> DatasetRow:
    return DatasetRow(ref=d.ref, title=d.title, size=human_bytes(d.total_bytes), updated=day(d.last_updated),
                      downloads=d.download_count, votes=d.vote_count)


async def list_dataset_files(account: Account, dataset: str, page_token: str = "") -> DatasetFilePage:
    ref = dataset_ref(dataset)
    owner, slug = require_owner(ref, "dataset")
    resp = await account.client.datasets.list_dataset_files(owner, slug, page_token=page_token,
                                                            dataset_version_number=ref.version)
    rows = [DatasetFileRow(name=f.name or f.ref, size=human_bytes(f.total_bytes), created=day(f.creation_date))
            for f in resp.dataset_files]
    return DatasetFilePage(dataset=f"{owner}/{slug}", files=rows, next_page_token=resp.next_page_token or None)


def files_to_publish(workspace: Workspace, paths: list[str]) -> list[Path]:
    """Workspace files to upload; a directory contributes its top-level files."""
    out: list[Path] = []
    for p in paths:
        path = workspace.resolve(p, must_exist=True)
        out.extend(sorted(c for c in path.iterdir() if c.is_file()) if path.is_dir() else [path])
    for f in out:  # a symlink inside a listed directory must not lead outside either
        workspace.resolve(f)
    if not out:
        raise WorkflowError("No files to publish.", "Pass workspace files or directories that contain files.")
    return out


async def _existing(account: Account, owner: str, slug: str) -> ApiDataset | None:
    try:
        return await account.client.datasets.get_dataset(owner, slug)
    except NotFound:
        return None


async def publish_dataset(account: Account, dataset: str, paths: list[str], title: str | None = None,
                          private: bool = True, version_notes: str | None = None, license: str = "CC0-1.0",
                          confirm: bool = False, progress: Progress | None = None) -> Published:
    """Create the dataset, or add a version when it exists. Anything that ends up public (a new public
    dataset, or a new version of a dataset that already is) needs `confirm`."""
    if not private and not confirm:
        raise WorkflowError("A public dataset is visible to everyone on Kaggle.",
                            "Ask the user, then call again with confirm=true (or keep private=true).")
    files = await anyio.to_thread.run_sync(files_to_publish, account.workspace, paths)
    ref = dataset_ref(dataset)
    kc = account.client
    owner = ref.owner or await kc.username()
    if not owner:
        raise WorkflowError("Publishing needs a signed-in Kaggle user.",
                            "Configure credentials (see `kaggle-agent-mcp doctor`).")
    uploading = byte_progress(progress, "Uploading")
    existing = await _existing(account, owner, ref.slug)
    if existing is not None:
        if not existing.is_private and not confirm:
            raise WorkflowError(f"{owner}/{ref.slug} is public: a new version is visible to everyone on Kaggle.",
                                "Ask the user, then call again with confirm=true.")
        resp = await kc.datasets.create_version_from_files(owner, ref.slug, files, version_notes or "New version",
                                                           progress=uploading)
        private = existing.is_private
    else:
        name = title or ref.slug.replace("-", " ").title()
        if not 6 <= len(name) <= 50:
            raise WorkflowError(f"Dataset title '{name}' must be 6-50 characters.", "Pass title=...")
        resp = await kc.datasets.create_dataset_from_files(owner, ref.slug, name, files, license_name=license,
                                                           is_private=private, progress=uploading)
    if resp.error:
        raise WorkflowError(f"Kaggle refused the dataset: {resp.error}", "Fix what it names and publish again.")
    return Published(dataset=f"{owner}/{ref.slug}", url=resp.url, created=existing is None, private=private,
                     files=[f.name for f in files])
