"""Extracting a downloaded zip: inside its destination, within limits, off the event loop.

Archives come from Kaggle users (a dataset is whatever its owner uploaded), so three things are
guarded. Names: a member that would land outside the destination, that is a symlink, or whose
destination holds a planted link is skipped and named; the safe members are still delivered.
Size: a zip bomb (1 MB that inflates to 1 GiB) is refused before a byte is written, by its member
count, its total size (and the free space at the destination) and its compression ratio; a refused
archive is kept as downloaded, and the error says why. Time: inflating a large archive takes seconds
of CPU and disk, which on the event loop would stall every other request of the server, so
`extract_archive` runs the extraction in a worker thread.
"""

from __future__ import annotations

import shutil
import stat
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import anyio.to_thread

from .errors import BadArchive, UnsafePath
from .paths import refusal, safe_relative
from .safe_files import SafeDir

CHUNK = 1 << 20


@dataclass(frozen=True)
class ExtractionLimits:
    """What an archive may expand to. The ratio limit only applies past ``ratio_floor_bytes``: a small
    file of zeros compresses a thousandfold and harms nobody. Deflate tops out near 1032:1, which is
    what bombs use; real data (CSV, images, parquet) stays far below 100:1."""

    max_members: int = 100_000
    max_total_bytes: int = 100 << 30
    max_ratio: float = 250.0
    ratio_floor_bytes: int = 64 << 20


@dataclass
class Extracted:
    """What an extraction wrote, and every member it skipped with the reason (for the answer to name)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class _Stopped(Exception):
    """The awaiting task was cancelled: the worker stops at the next chunk."""


async def extract_archive(zip_path: Path | str, dest_dir: Path | str, limits: ExtractionLimits | None = None) -> Extracted:
    """`safe_unzip` in a worker thread, so the event loop keeps serving while an archive inflates.
    A cancelled caller returns at once; the thread stops at its next chunk and removes its partial file."""
    stop = threading.Event()
    try:
        return await anyio.to_thread.run_sync(
            lambda: safe_unzip(zip_path, dest_dir, limits, stop=stop), abandon_on_cancel=True
        )
    except BaseException:
        stop.set()
        raise


def safe_unzip(
    zip_path: Path | str,
    dest_dir: Path | str,
    limits: ExtractionLimits | None = None,
    *,
    stop: threading.Event | None = None,
) -> Extracted:
    """Extract every safe member into dest_dir and skip, naming them, those that would escape it.

    Blocking: call `extract_archive` from async code. All names and limits are checked before
    anything is written. Symlink members are skipped too (a link could point a later member
    outside), so a skipped member never changes where a kept one lands. Each file is written to
    ``<name>.part`` and renamed, so an interrupted extraction leaves no half file under a final name.
    An archive that cannot be read, or that is over a limit, is a BadArchive and stays where it is.
    """
    name = Path(zip_path).name
    try:
        archive = zipfile.ZipFile(zip_path)
        members = archive.infolist()
    except (zipfile.BadZipFile, UnicodeDecodeError, EOFError, OSError) as exc:
        raise BadArchive(f"cannot read archive {name}: {exc}") from None
    out = Extracted()
    with archive:
        _check_limits(name, members, Path(zip_path).stat().st_size, Path(dest_dir), limits or ExtractionLimits())
        plan: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
        for info in members:
            if stat.S_ISLNK(info.external_attr >> 16):
                out.skipped.append(f"{info.filename!r}: it is a symlink")
                continue
            try:
                plan.append((info, safe_relative(info.filename)))
            except UnsafePath as exc:
                out.skipped.append(refusal(exc))
        for info, relative in plan:
            try:
                written = _extract_member(archive, info, relative, Path(dest_dir), stop)
            except UnsafePath as exc:
                out.skipped.append(refusal(exc))
                continue
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise BadArchive(f"cannot extract {info.filename!r} from {name}: {exc}") from None
            if written is not None:
                out.files.append(written)
    return out


def _extract_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, relative: PurePosixPath, dest: Path, stop: threading.Event | None
) -> Path | None:
    if info.is_dir():
        SafeDir.open(dest, relative).close()
        return None
    with SafeDir.open(dest, relative.parent) as folder:
        folder.refuse_link(relative.name)
        temporary = relative.name + ".part"
        try:
            with archive.open(info) as source, folder.open_new(temporary) as sink:
                while chunk := source.read(CHUNK):
                    if stop is not None and stop.is_set():
                        raise _Stopped()
                    sink.write(chunk)
            folder.replace(temporary, relative.name)
        except BaseException:
            folder.unlink(temporary)
            raise
        return folder.child(relative.name)


def _check_limits(name: str, members: list[zipfile.ZipInfo], archive_bytes: int, dest: Path,
                  limits: ExtractionLimits) -> None:
    """BadArchive if the archive would expand past a limit. The sizes are the archive's own claims, and
    they bind: zipfile stops reading a member at its declared size, so a member cannot write more."""
    if len(members) > limits.max_members:
        raise BadArchive(f"refusing to extract {name}: it has {len(members):,} members, over the limit of "
                         f"{limits.max_members:,}; it is kept as downloaded")
    total = sum(info.file_size for info in members)
    if total > limits.max_total_bytes:
        raise BadArchive(f"refusing to extract {name}: it would expand to {_size(total)}, over the limit of "
                         f"{_size(limits.max_total_bytes)}; it is kept as downloaded")
    ratio = total / max(archive_bytes, 1)
    if total > limits.ratio_floor_bytes and ratio > limits.max_ratio:
        raise BadArchive(f"refusing to extract {name}: {_size(archive_bytes)} would expand to {_size(total)} "
                         f"({ratio:,.0f}:1, over the limit of {limits.max_ratio:,.0f}:1), the mark of a zip "
                         "bomb; it is kept as downloaded")
    existing = dest
    while not existing.exists():
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if total > free:
        raise BadArchive(f"refusing to extract {name}: it would expand to {_size(total)} but only {_size(free)} "
                         "is free at the destination; it is kept as downloaded")


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")  # pragma: no cover
