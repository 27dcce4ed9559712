"""Keeping files from the network inside the directory they were meant for.

File names come from Kaggle's answers (``fileName`` of kernel outputs, data file names, the last
segment of a redirect URL) and from zip archives. A hostile or buggy name such as ``../../.bashrc``
or ``/etc/passwd`` must never be written, so every name is checked before any byte is.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from .errors import UnsafePath


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


def refusal(exc: UnsafePath) -> str:
    """A refused name with its reason, as the lists of skipped files show it."""
    return str(exc).removeprefix("refusing file name ")


def unsafe_summary(refused: list[str], shown: int = 10) -> str:
    """Every refused name (up to `shown`), so the answer says all that was skipped, not just the first."""
    more = f"; and {len(refused) - shown} more" if len(refused) > shown else ""
    return f"{len(refused)} unsafe name(s): " + "; ".join(refused[:shown]) + more
