"""Data in and out of the workspace: competition files, datasets, publishing, submitting."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp_helpers import ProgressLog, text_of

pytestmark = pytest.mark.anyio


async def test_download_competition_files_into_the_workspace(server, workspace):
    progress = ProgressLog()
    async with Client(server) as c:
        listed = await c.call_tool("list_competition_files", {"competition": "titanic"})
        everything = await c.call_tool("download_competition_data", {"competition": "titanic"}, progress_callback=progress)
        one = await c.call_tool("download_competition_data", {"competition": "kaggle.com/c/titanic", "file": "test.csv"})
    names = {f["name"] for f in listed.structured_content["files"]}
    assert names == {"train.csv", "test.csv", "gender_submission.csv"}
    saved = {f["file"] for f in everything.structured_content["files"]}
    assert saved == {f"competitions/titanic/{n}" for n in names}, text_of(everything)
    assert (workspace / "competitions/titanic/train.csv").read_text().startswith("PassengerId")
    assert not (workspace / "competitions/titanic/titanic.zip").exists()
    assert one.structured_content["files"][0]["file"] == "competitions/titanic/test.csv"
    assert any("Downloading" in m for m in progress.messages)


async def test_datasets_search_download_and_publish_versions(server, workspace):
    (workspace / "features").mkdir()
    (workspace / "features" / "a.csv").write_text("x,y\n1,2\n")
    async with Client(server) as c:
        found = await c.call_tool("search_datasets", {"query": "titanic"})
        ref = found.structured_content["datasets"][0]["ref"]
        files = await c.call_tool("list_dataset_files", {"dataset": f"https://www.kaggle.com/datasets/{ref}"})
        got = await c.call_tool("download_dataset", {"dataset": ref})
        created = await c.call_tool("publish_dataset", {"dataset": "my-feature-set", "paths": ["features"],
                                                        "title": "My feature set"})
        version = await c.call_tool("publish_dataset", {"dataset": "sandbox-user/my-feature-set",
                                                        "paths": ["features/a.csv"], "version_notes": "again"})
        info = await c.call_tool("get_dataset_info", {"dataset": "sandbox-user/my-feature-set"})
    assert files.structured_content["files"] and got.structured_content["files"], text_of(got)
    assert all((workspace / f["file"]).is_file() for f in got.structured_content["files"])
    assert created.structured_content["created"] is True, text_of(created)
    assert version.structured_content["created"] is False, text_of(version)
    assert created.structured_content["dataset"] == "sandbox-user/my-feature-set"
    assert 'get_dataset_info(dataset="sandbox-user/my-feature-set") shows its status' in text_of(version)
    assert info.structured_content["status"] in ("READY", "PENDING", "PROCESSING"), text_of(info)
    assert "again" in text_of(info)  # the new version's notes


async def test_submit_then_list_submissions(fresh_server, workspace):
    rows = "".join(f"{892 + i},{i % 2}\n" for i in range(418))
    (workspace / "sub.csv").write_text("PassengerId,Survived\n" + rows)
    async with Client(fresh_server) as c:
        before = await c.call_tool("list_submissions", {"competition": "titanic"})
        sent = await c.call_tool("submit_to_competition", {"competition": "titanic", "file": "sub.csv",
                                                           "message": "alternating", "confirm": True})
        after = await c.call_tool("list_submissions", {"competition": "titanic"})
    assert not sent.is_error, text_of(sent)
    assert after.structured_content["remaining_today"] == before.structured_content["remaining_today"] - 1
    assert any(s["description"] == "alternating" for s in after.structured_content["submissions"])


async def test_quoted_header_matches_the_sample(fresh_server, workspace):
    (workspace / "quoted.csv").write_text('"PassengerId","Survived"\n892,0\n')
    async with Client(fresh_server) as c:
        result = await c.call_tool("submit_to_competition", {"competition": "titanic", "file": "quoted.csv",
                                                             "message": "m"})
    assert result.is_error and "passed the checks" in text_of(result)
