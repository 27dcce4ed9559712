"""Writing files below a root without ever following a symbolic link.

Why: checking a *name* is not enough. A workspace can hold links nobody here made (a cloned
repository can ship them, another local process can plant them), and a write that opens
`train.csv.part -> ~/.bashrc` lands outside the workspace however carefully the name was checked.
So every directory below the root is opened one component at a time with O_NOFOLLOW, each relative
to the descriptor of the one before (a link swapped in between two checks cannot redirect the walk),
and every file is created, appended to, renamed onto or stamped relative to that descriptor. A link
where a write would go is refused with `UnsafePath` naming it, before anything is written; a file
with other hard links is never written in place.

The root itself is trusted: the caller resolved it (the workspace root, or the directory a download
was asked to go to). New directories are created 0700 and new files 0600, since they can hold data
from private competitions. POSIX only (`dir_fd`, `O_NOFOLLOW`).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO, cast

from .errors import UnsafePath
from .paths import safe_relative

DIR_MODE = 0o700
FILE_MODE = 0o600
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_WRITE_FLAGS = os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC


def refused(shown: str, why: str) -> UnsafePath:
    """The one wording of a refusal, so every answer that lists refused files reads the same."""
    return UnsafePath(f"refusing file name {shown!r}: {why}")


LINK_WHY = "it is a symbolic link, which could redirect the write outside the destination (remove it, then retry)"


class SafeDir:
    """An open directory below a trusted root, reached without following a link.

    Every method takes a single file name inside this directory. Use as a context manager (it holds
    a file descriptor)."""

    def __init__(self, fd: int, path: Path, shown: PurePosixPath) -> None:
        self.fd = fd
        self.path = path  # for answers and messages only: operations go through ``fd``
        self.shown = shown

    @classmethod
    def open(cls, root: Path | str, relative: str | PurePosixPath = "", *, create: bool = True) -> SafeDir:
        """The directory ``root/relative``, created (0700) where missing when ``create``.

        Raises UnsafePath if any component below ``root`` is a link or not a directory."""
        root = Path(root)
        if create:
            root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        parts = safe_relative(str(relative)).parts if str(relative) not in ("", ".") else ()
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for depth, part in enumerate(parts, 1):
                parent, fd = fd, _step(fd, part, create, "/".join(parts[:depth]))
                os.close(parent)
        except BaseException:
            os.close(fd)
            raise
        return cls(fd, root.joinpath(*parts), PurePosixPath(*parts))

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> SafeDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def child(self, name: str) -> Path:
        return self.path / name

    def _shown(self, name: str) -> str:
        return (self.shown / name).as_posix()

    def lstat(self, name: str) -> os.stat_result | None:
        """The entry itself (a link is not followed), or None when absent."""
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def refuse_link(self, *names: str) -> None:
        """UnsafePath if any of ``names`` is a link or something other than a regular file."""
        for name in names:
            info = self.lstat(name)
            if info is None or stat.S_ISREG(info.st_mode):
                continue
            why = LINK_WHY if stat.S_ISLNK(info.st_mode) else "something other than a file is in the way"
            raise refused(self._shown(name), why)

    def size(self, name: str) -> int:
        info = self.lstat(name)
        return info.st_size if info is not None and stat.S_ISREG(info.st_mode) else 0

    def open_new(self, name: str) -> BinaryIO:
        """A new empty file (0600) replacing whatever was there; a link there is removed, never followed."""
        self.unlink(name)
        return self._open(name, _WRITE_FLAGS | os.O_CREAT | os.O_EXCL)

    def open_append(self, name: str) -> BinaryIO:
        """The file opened for appending (created if missing); refused if it is a link or has other hard
        links (writing it in place would change them too)."""
        sink = self._open(name, _WRITE_FLAGS | os.O_CREAT | os.O_APPEND)
        info = os.fstat(sink.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
            sink.close()
            raise refused(self._shown(name), "it has other hard links, so writing it in place would change them")
        return sink

    def open_read(self, name: str) -> BinaryIO:
        return self._open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, "rb")

    def _open(self, name: str, flags: int, mode: str = "wb") -> BinaryIO:
        try:
            fd = os.open(name, flags, FILE_MODE, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise refused(self._shown(name), LINK_WHY) from None
            raise
        return cast(BinaryIO, os.fdopen(fd, mode))

    def replace(self, source: str, target: str) -> None:
        """Rename ``source`` onto ``target`` (atomic); refused when ``target`` is a link or a directory."""
        self.refuse_link(target)
        os.replace(source, target, src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def unlink(self, name: str) -> None:
        """Remove the entry itself (a link, never what it points to); nothing if absent."""
        try:
            os.unlink(name, dir_fd=self.fd)
        except FileNotFoundError:
            pass

    def set_mtime(self, name: str, mtime: float) -> None:
        info = self.lstat(name)
        atime = info.st_atime if info is not None else mtime
        os.utime(name, (atime, mtime), dir_fd=self.fd, follow_symlinks=False)

    def write_atomic(self, name: str, data: bytes) -> Path:
        """``data`` under ``name``, all or nothing: a private temporary file renamed into place."""
        self.refuse_link(name)
        temporary = f".{name}.{secrets.token_hex(4)}.part"
        try:
            with self.open_new(temporary) as sink:
                sink.write(data)
            self.replace(temporary, name)
        except BaseException:
            self.unlink(temporary)
            raise
        return self.child(name)


def _step(fd: int, part: str, create: bool, shown: str) -> int:
    """Open ``part`` below ``fd``, creating it when allowed; never through a link."""
    try:
        try:
            child = os.open(part, _DIR_FLAGS, dir_fd=fd)
        except FileNotFoundError:
            if not create:
                raise
            try:
                os.mkdir(part, DIR_MODE, dir_fd=fd)
            except FileExistsError:
                pass  # made meanwhile by someone else: the open below decides whether it is usable
            child = os.open(part, _DIR_FLAGS, dir_fd=fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            info = os.stat(part, dir_fd=fd, follow_symlinks=False)
            raise refused(shown, LINK_WHY if stat.S_ISLNK(info.st_mode) else "it is a file, not a directory") from None
        raise
    return child


def write_file(root: Path | str, relative: str | PurePosixPath, data: bytes | str) -> Path:
    """Write ``root/relative`` atomically without following a link anywhere below ``root``.

    For files the product writes on a user's behalf (run logs, decoded logs, notebooks): ``relative``
    is checked like a name from the network, missing directories are created 0700, the file is 0600."""
    path = safe_relative(str(relative))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with SafeDir.open(root, path.parent) as folder:
        return folder.write_atomic(path.name, payload)


__all__ = ["DIR_MODE", "FILE_MODE", "LINK_WHY", "SafeDir", "refused", "write_file"]
