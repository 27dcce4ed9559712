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


# -- issue 11 items 2 and 12: writes never follow a link; the workspace is private ------------------------


def test_the_root_and_what_is_created_in_it_are_private(tmp_path):
    ws = Workspace(tmp_path / "fresh" / "ws")
    assert ws.root.stat().st_mode & 0o777 == 0o700
    out = ws.dir("notebooks", "alice", "eda", "output")
    assert out == ws.root / "notebooks/alice/eda/output" and out.stat().st_mode & 0o777 == 0o700
    written = ws.write("notebooks/alice/eda/output/eda.log", "line one\n")
    assert written.read_text() == "line one\n" and written.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["eda.log"]  # the temporary file was renamed, not left


def test_writes_refuse_a_planted_link_at_the_file_or_a_parent_and_name_it(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    ws = Workspace(tmp_path / "ws")
    out = ws.dir("notebooks", "alice", "eda", "output")
    (out / "eda.log").symlink_to(victim)
    with pytest.raises(WorkflowError, match=r"output/eda.log'.*symbolic link.*remove it"):
        ws.write("notebooks/alice/eda/output/eda.log", "")
    (ws.root / "competitions").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(WorkflowError, match=r"'competitions'.*symbolic link"):
        ws.dir("competitions", "titanic")
    with pytest.raises(WorkflowError, match=r"'competitions'.*symbolic link"):
        ws.write("competitions/victim.txt", "")
    assert victim.read_text() == "precious"


def test_write_file_checks_the_name_like_one_from_the_network(tmp_path):
    from kaggle_mcp.kaggle.errors import UnsafePath
    from kaggle_mcp.kaggle.safe_files import write_file

    for bad in ("../x", "/etc/x", "a/../../x", "x\x00"):
        with pytest.raises(UnsafePath):
            write_file(tmp_path, bad, b"")
    assert write_file(tmp_path, "a/b.txt", b"ok").read_bytes() == b"ok"


def test_a_nul_character_is_explained_not_a_crash(tmp_path):
    """Found by the fuzz run with the honest crash oracle: `submit_to_competition(file="a\\x00b")` failed
    unexpectedly with Path.resolve's bare ValueError."""
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(WorkflowError, match="NUL character.*Pass the path relative"):
        ws.resolve("tit\x00anic.csv")


def test_path_errors_do_not_reveal_where_the_workspace_is(tmp_path):
    ws = Workspace(tmp_path / "ws")
    for path, kwargs in (("../outside.txt", {}), ("missing.csv", {"must_exist": True})):
        with pytest.raises(WorkflowError) as refused:
            ws.resolve(path, **kwargs)
        assert str(ws.root) not in str(refused.value) and str(tmp_path) not in str(refused.value)


@pytest.mark.parametrize("path", ["~nosuchuser-kaggle-mcp/x.csv", "sub/\ud800.csv"])
def test_paths_no_file_system_here_can_take_are_explained_not_a_crash(tmp_path, path):
    """Found by the random fuzz run: `~<unknown user>/...` (Path.expanduser's RuntimeError) and a lone surrogate
    (UnicodeEncodeError from the file system call) made publish_dataset, submit_to_competition and push_notebook
    fail unexpectedly."""
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(WorkflowError, match="Pass the path relative"):
        ws.resolve(path)
