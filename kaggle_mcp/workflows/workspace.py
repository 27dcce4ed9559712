"""The workspace root: the only place tools read files from or write files to.

An agent must not be able to publish `~/.ssh` as a dataset or overwrite a dotfile with a download,
so every path an agent names is resolved (symlinks included) and refused if it lands outside the root.
"""

from __future__ import annotations

from pathlib import Path

from .errors import WorkflowError


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

    def relative(self, path: Path) -> str:
        """How to show a workspace path to the model: relative, so it can pass it back."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)
