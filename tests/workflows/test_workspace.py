"""The workspace root is the only place tools touch: outside paths and escaping symlinks are refused."""

from __future__ import annotations

import pytest

from kaggle_mcp.workflows.errors import WorkflowError
from kaggle_mcp.workflows.workspace import Workspace


def test_relative_paths_resolve_inside(tmp_path):
    ws = Workspace(tmp_path / "ws")
    assert ws.resolve("competitions/titanic/train.csv") == ws.root / "competitions/titanic/train.csv"


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "~/.ssh/id_rsa", "a/../../b"])
def test_outside_is_refused(tmp_path, path):
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(WorkflowError, match="outside the workspace"):
        ws.resolve(path)


def test_symlink_escape_is_refused(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key").write_text("x")
    ws = Workspace(tmp_path / "ws")
    (ws.root / "link").symlink_to(secret)
    with pytest.raises(WorkflowError, match="outside the workspace"):
        ws.resolve("link/key")


def test_missing_file_is_explained(tmp_path):
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(WorkflowError, match="does not exist"):
        ws.resolve("nope.csv", must_exist=True)
