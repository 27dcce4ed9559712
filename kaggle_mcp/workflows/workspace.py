"""The workspace root: the only place tools read files from or write files to.

An agent must not be able to publish `~/.ssh` as a dataset or overwrite a dotfile with a download,
so every path an agent names is resolved (symlinks included) and refused if it lands outside the root.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pydantic import BaseModel

from .display import human_bytes
from .errors import WorkflowError


class SavedFile(BaseModel):
    """A file a workflow wrote: its workspace-relative path (what an agent passes back) and size."""

    file: str
    size: str


class Workspace:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()

    def resolve(self, path: str | Path, *, must_exist: bool = False) -> Path:
        """A path inside the root; relative paths are relative to the root."""
        raw = Path(str(path)).expanduser()
        candidate = raw if raw.is_absolute() else self.root / raw
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.root):
            raise WorkflowError(
                f"Path '{path}' is outside the workspace root {self.root}; tools only read and write inside it.",
                "Copy the file into the workspace (or start the server with --workspace) and pass a path "
                "relative to the root.")
        if must_exist and not resolved.exists():
            raise WorkflowError(
                f"'{path}' does not exist in the workspace ({self.root}).",
                "Paths are relative to the workspace root; files downloaded by the tools live under "
                "competitions/, datasets/ and notebooks/.")
        return resolved

    def dir(self, *parts: str) -> Path:
        """A sub-directory for tool output (created), e.g. `competitions/titanic`."""
        path = self.resolve(Path(*parts))
        path.mkdir(parents=True, exist_ok=True)
        return path

    @asynccontextmanager
    async def output_dir(self, *parts: str) -> AsyncIterator[Path]:
        """`dir(*parts)` for work that may fail: the directories it created are removed again if the work
        fails and leaves them empty, so a failed download does not leave an empty folder behind."""
        path = self.resolve(Path(*parts))
        missing = [p for p in (path, *path.parents) if p.is_relative_to(self.root) and p != self.root
                   and not p.exists()]
        path.mkdir(parents=True, exist_ok=True)
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
