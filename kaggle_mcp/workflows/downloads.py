"""Competition data and datasets into the workspace, the way kaggle 2.2.5 lays them out.

An archive of everything (`<slug>.zip`) is extracted where it was saved and removed when `unzip` is
on. A single file asked for by name is delivered under that name: Kaggle may serve a large file
compressed (`sub/train.csv` arrives as `train.csv.zip`), and then its member is unwrapped into
`sub/`, where the file was asked for; an archive the user asked for by its own name is kept as is.
Extraction runs in a worker thread: a 1 GiB archive must not stall every other request.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import anyio.to_thread
from pydantic import BaseModel

from ..kaggle.archives import extract_archive
from ..kaggle.refs import competition_slug, dataset_ref, require_owner
from .account import Account
from .progress import Progress, byte_progress
from .workspace import SavedFile

if TYPE_CHECKING:
    from ..kaggle.download import DownloadResult


class Downloaded(BaseModel):
    """What was downloaded (`source`: a competition slug or a dataset's owner/slug), where the files are
    (workspace-relative), and what was skipped and why."""

    source: str
    directory: str
    files: list[SavedFile]
    skipped_up_to_date: bool = False
    skipped_unsafe: list[str] = []


def _asked_for_compressed(result: DownloadResult, file: str) -> bool:
    """Kaggle served the requested file compressed: `train.csv` came as `train.csv.zip`."""
    return result.path.name == PurePosixPath(file).name + ".zip"


async def _deliver(account: Account, source: str, dest: Path, result: DownloadResult, file: str | None,
                   unzip: bool) -> Downloaded:
    path = result.path
    workspace = account.workspace
    unwrap = path.suffix.lower() == ".zip" and path.exists() and (
        _asked_for_compressed(result, file) if file else unzip)
    if not unwrap:
        return Downloaded(source=source, directory=workspace.relative(dest),
                          files=await anyio.to_thread.run_sync(workspace.saved, [path]),
                          skipped_up_to_date=result.skipped_up_to_date)

    extracted = await extract_archive(path, path.parent)  # in a worker thread; stops when the caller is cancelled

    def tidy() -> list[SavedFile]:
        path.unlink(missing_ok=True)
        return workspace.saved(extracted.files)

    files = await anyio.to_thread.run_sync(tidy)
    return Downloaded(source=source, directory=workspace.relative(dest), files=files,
                      skipped_unsafe=extracted.skipped)


async def download_competition_data(account: Account, competition: str, file: str | None = None, unzip: bool = True,
                                    force: bool = False, progress: Progress | None = None) -> Downloaded:
    """One file (by its listed name) or every file (one archive) into `competitions/<slug>/`."""
    slug = competition_slug(competition)
    competitions = account.client.competitions
    async with account.workspace.output_dir("competitions", slug) as dest:
        reporter = byte_progress(progress, f"Downloading {file or slug}")
        if file:
            result = await competitions.download_data_file(slug, file, dest, progress=reporter, force=force)
        else:
            result = await competitions.download_data_files(slug, dest, progress=reporter, force=force)
        return await _deliver(account, slug, dest, result, file, unzip)


async def download_dataset(account: Account, dataset: str, file: str | None = None, unzip: bool = True,
                           progress: Progress | None = None) -> Downloaded:
    """One file or the whole dataset (one archive) into `datasets/<owner>/<slug>/`."""
    ref = dataset_ref(dataset)
    owner, slug = require_owner(ref, "dataset")
    async with account.workspace.output_dir("datasets", owner, slug) as dest:
        result = await account.client.datasets.download_dataset(
            owner, slug, dest, file_name=file, dataset_version_number=ref.version,
            progress=byte_progress(progress, f"Downloading {file or slug}"))
        return await _deliver(account, f"{owner}/{slug}", dest, result, file, unzip)
