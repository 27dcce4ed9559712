"""Issue 11 item 5 through the tools: a zip bomb published as a dataset is never inflated.

Before, `download_dataset(file="bomb.zip")` (unzip on by default) wrote 1 GiB from 1 MB. An archive asked
for by its own name is now delivered as it is (kaggle 2.2.5's behaviour), and any archive that is
extracted (a whole dataset or competition, a file Kaggle served compressed) passes the extraction limits
(tests/unit/test_safe_unzip.py), which refuse this one.
"""

from __future__ import annotations

import zipfile

import pytest
from mcp import Client
from reliability_helpers import actionable_problem, text_of

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def _bomb(path):
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("bomb.csv")
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 9
        with archive.open(info, "w", force_zip64=True) as sink:
            block = bytes(1 << 20)
            for _ in range(1024):
                sink.write(block)


async def test_a_published_zip_bomb_is_delivered_as_is_not_inflated(make_server, workspace):
    (workspace / "pub").mkdir()
    _bomb(workspace / "pub" / "bomb.zip")
    with serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sb:
        async with Client(make_server(sb)) as client:
            published = await client.call_tool(
                "publish_dataset", {"dataset": "bomb-data", "paths": ["pub"], "title": "Zip Bomb Data"})
            assert not published.is_error, text_of(published)
            result = await client.call_tool("download_dataset", {"dataset": "sandbox-user/bomb-data", "file": "bomb.zip"})
    text = text_of(result)
    assert not result.is_error and actionable_problem(result) is None, text
    written = [p for p in (workspace / "datasets").rglob("*") if p.is_file()]
    assert [p.name for p in written] == ["bomb.zip"] and written[0].stat().st_size < 2 << 20, text
    assert "bomb.zip" in text
