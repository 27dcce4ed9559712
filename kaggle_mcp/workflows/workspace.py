"""The workspace root: the only place tools read files from or write files to.

An agent must not be able to publish `~/.ssh` as a dataset or overwrite a dotfile with a download,
so every path an agent names is resolved (symlinks included) and refused if it lands outside the root.
What the tools write goes further: directories and files are created without following any link below
the root (`kaggle.safe_files`), because a link planted in the workspace (a cloned repository can ship
one) would otherwise redirect a write elsewhere. The root and what is created in it are private to
the user (0700 directories, 0600 files): private competition data and run logs land here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath

from pydantic import BaseModel

from ..kaggle.errors import UnsafePath
from ..kaggle.safe_files import DIR_MODE, SafeDir, write_file
from .display import human_bytes
from .errors import WorkflowError


class SavedFile(BaseModel):
    """A file a workflow wrote: its workspace-relative path (what an agent passes back) and size."""

    file: str
    size: str


class Workspace:
    def __init__(self, root: Path) -> None:
        root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        self.root = root.resolve()

    def resolve(self, path: str | Path, *, must_exist: bool = False) -> Path:
        """A path inside the root; relative paths are relative to the root."""
        text = str(path)
        relative_hint = "Pass the path relative to the workspace root, as the tools show it."
        if "\x00" in text:  # no file system takes it; Path.resolve would raise a bare ValueError
            raise WorkflowError(f"Path {text!r} contains a NUL character, which no file name can hold.", relative_hint)
        try:
            os.fsencode(text)
        except UnicodeEncodeError:  # a lone surrogate: no file name on this system is spelled so
            raise WorkflowError(f"Path {text!r} holds characters no file name here can hold.", relative_hint) from None
        try:
            raw = Path(text).expanduser()
        except RuntimeError:  # `~name/...` of a user this machine does not have
            raise WorkflowError(f"Path '{text}' names the home of a user this machine does not know.",
                                relative_hint) from None
        candidate = raw if raw.is_absolute() else self.root / raw
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.root):
            raise WorkflowError(
                f"Path '{path}' is outside the workspace; tools only read and write inside it.",
                "Copy the file into the workspace (or start the server with --workspace) and pass a path "
                "relative to the root.")
        if must_exist and not resolved.exists():
            raise WorkflowError(
                f"'{path}' does not exist in the workspace.",
                "Paths are relative to the workspace root; files downloaded by the tools live under "
                "competitions/, datasets/ and notebooks/.")
        return resolved

    def dir(self, *parts: str) -> Path:
        """A sub-directory for tool output (created 0700, no link followed), e.g. `competitions/titanic`."""
        try:
            SafeDir.open(self.root, PurePosixPath(*parts)).close()
        except UnsafePath as exc:
            raise _refused(exc) from None
        return self.root.joinpath(*parts)

    def write(self, relative: str | PurePosixPath, data: bytes | str) -> Path:
        """Write a file the tools produce (a run log, a notebook) atomically, 0600, through no link.
        Blocking: call it from a worker thread in async code."""
        try:
            return write_file(self.root, relative, data)
        except UnsafePath as exc:
            raise _refused(exc) from None

    @asynccontextmanager
    async def output_dir(self, *parts: str) -> AsyncIterator[Path]:
        """`dir(*parts)` for work that may fail: the directories it created are removed again if the work
        fails and leaves them empty, so a failed download does not leave an empty folder behind."""
        path = self.resolve(Path(*parts))
        missing = [p for p in (path, *path.parents) if p.is_relative_to(self.root) and p != self.root
                   and not p.exists()]
        self.dir(*parts)
        try:
            yield path
        except BaseException:
            for created in missing:  # deepest first
                with contextlib.suppress(OSError):  # not empty: something was saved there
                    created.rmdir()
            raise

    def relative(self, path: Path) -> str:
        """How to show a workspace path to the model: relative, so it can pass it back."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    def saved(self, paths: list[Path]) -> list[SavedFile]:
        """The files among `paths` that exist, as an agent sees them (stats the disk: call it off the loop)."""
        return [SavedFile(file=self.relative(p), size=human_bytes(p.stat().st_size)) for p in paths if p.exists()]


def _refused(exc: UnsafePath) -> WorkflowError:
    """The refusal names the link and says to remove it; nothing else to add but that nothing was written."""
    return WorkflowError(f"Nothing was written: {exc.message}.")
