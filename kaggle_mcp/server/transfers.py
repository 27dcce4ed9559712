"""Download helpers that add workspace conventions (unzip, up-to-date checks) to the client's transfers."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _unzip(zip_path: Path, dest: Path) -> tuple[list[Path], list[str]]:
    """Extract with the client's safe_unzip (members that would escape `dest` are skipped and named), then
    drop the zip; returns (files written, skipped members with why)."""
    from kaggle_mcp.kaggle.transfer import safe_unzip

    extracted = safe_unzip(zip_path, dest)
    zip_path.unlink(missing_ok=True)
    return extracted.files, extracted.skipped


async def download_competition(kc: Any, slug: str, file: str | None, dest: Path, unzip: bool, force: bool,
                               progress: Any) -> tuple[list[Path], bool, list[str]]:
    """One file or the whole archive into `dest`: (files on disk, skipped because up to date, unsafe
    archive members skipped)."""
    if file:
        res = await kc.competitions.download_data_file(slug, file, dest, progress=progress, force=force)
    else:
        res = await kc.competitions.download_data_files(slug, dest, progress=progress)
    path = Path(res.path)
    if unzip and path.suffix == ".zip" and path.exists():
        files, skipped = _unzip(path, dest)
        return files, False, skipped
    return [path], bool(getattr(res, "skipped_up_to_date", False)), []


async def download_dataset(kc: Any, owner: str, slug: str, version: int | None, file: str | None, dest: Path,
                           unzip: bool, progress: Any) -> tuple[list[Path], list[str]]:
    """The dataset or one file into `dest`: (files on disk, unsafe archive members skipped)."""
    kwargs: dict[str, Any] = {"file_name": file, "progress": progress}
    if version is not None:
        kwargs["dataset_version_number"] = version
    res = await kc.datasets.download_dataset(owner, slug, dest, **kwargs)
    path = Path(res.path)
    if unzip and path.suffix == ".zip" and path.exists():
        return _unzip(path, dest)
    return [path], []
