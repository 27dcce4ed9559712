"""Keeping files from the network inside the directory they were meant for.

File names come from Kaggle's answers (``fileName`` of kernel outputs, data file names, the last
segment of a redirect URL) and from zip archives. A hostile or buggy name such as ``../../.bashrc``
or ``/etc/passwd`` must never be written, so every name is checked before any byte is.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import BadArchive, UnsafePath


def safe_relative(name: str) -> PurePosixPath:
    """A relative POSIX path with no ``..``, no absolute root, no drive letter, no NUL; else UnsafePath."""
    if not name or "\x00" in name:
        raise UnsafePath(f"refusing file name {name!r}: it is empty or contains NUL")
    normalized = name.replace("\\", "/")
    path = PurePosixPath(normalized)
    if path.is_absolute() or normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        raise UnsafePath(f"refusing file name {name!r}: it is an absolute path")
    parts = [part for part in path.parts if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise UnsafePath(f"refusing file name {name!r}: it climbs out of the destination with '..'")
    if not parts:
        raise UnsafePath(f"refusing file name {name!r}: it names no file")
    return PurePosixPath(*parts)


def unsafe_summary(refused: list[str], shown: int = 10) -> str:
    """Every refused name (up to `shown`), so the answer says all that was skipped, not just the first."""
    more = f"; and {len(refused) - shown} more" if len(refused) > shown else ""
    return f"{len(refused)} unsafe name(s): " + "; ".join(refused[:shown]) + more


def safe_join(dest_dir: Path, name: str | PurePosixPath) -> Path:
    """``dest_dir / name`` after checking the name, and after resolving symlinks, still inside."""
    relative = safe_relative(str(name))
    root = Path(dest_dir).resolve()
    target = root.joinpath(*relative.parts)
    # resolve() follows a symlinked parent directory planted inside dest_dir
    if not target.parent.resolve().is_relative_to(root):
        raise UnsafePath(f"refusing file name {str(name)!r}: it resolves outside {root}")
    return target


@dataclass
class Extracted:
    """What an extraction wrote, and every member it skipped with the reason (for the answer to name)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def safe_unzip(zip_path: Path | str, dest_dir: Path | str) -> Extracted:
    """Extract every safe member into dest_dir and skip, naming them, those that would escape it.

    All names are checked before anything is written. Symlink members are skipped too (a link could point
    a later member outside), so a skipped member never changes where a kept one lands. Each file is
    written to ``<name>.part`` and renamed, so an interrupted extraction leaves no half file under a final
    name. An archive that cannot be read at all is a BadArchive.
    """
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(zip_path)
        members = archive.infolist()
    except (zipfile.BadZipFile, UnicodeDecodeError, EOFError, OSError) as exc:
        raise BadArchive(f"cannot read archive {Path(zip_path).name}: {exc}") from None
    out = Extracted()
    with archive:
        plan: list[tuple[zipfile.ZipInfo, Path]] = []
        for info in members:
            if stat.S_ISLNK(info.external_attr >> 16):
                out.skipped.append(f"{info.filename!r}: it is a symlink")
                continue
            try:
                plan.append((info, safe_join(dest, info.filename)))
            except UnsafePath as exc:
                out.skipped.append(str(exc).removeprefix("refusing file name "))
        for info, target in plan:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".part")
            with archive.open(info) as source, open(temporary, "wb") as sink:
                shutil.copyfileobj(source, sink, length=1 << 20)
            os.replace(temporary, target)
            out.files.append(target)
    return out
