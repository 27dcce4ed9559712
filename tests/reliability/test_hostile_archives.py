"""Issue 11 item 5 through the tools: a zip bomb published as a dataset is refused, not inflated.

Before, `download_dataset(file="bomb.zip")` (unzip on by default) wrote 1 GiB from 1 MB. Now the archive
is kept as downloaded and the answer says why it was not extracted and what to do instead.
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


async def test_a_published_zip_bomb_is_kept_not_extracted(make_server, workspace):
    (workspace / "pub").mkdir()
    _bomb(workspace / "pub" / "bomb.zip")
    with serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sb:
        async with Client(make_server(sb)) as client:
            published = await client.call_tool(
                "publish_dataset", {"dataset": "bomb-data", "paths": ["pub"], "title": "Zip Bomb Data"})
            assert not published.is_error, text_of(published)
            result = await client.call_tool("download_dataset", {"dataset": "sandbox-user/bomb-data", "file": "bomb.zip"})
    text = text_of(result)
    assert result.is_error and actionable_problem(result) is None, text
    assert "zip bomb" in text and "bomb.zip" in text and "unzip=false" in text
    kept = [p for p in (workspace / "datasets").rglob("*") if p.is_file()]
    assert [p.name for p in kept] == ["bomb.zip"] and kept[0].stat().st_size < 2 << 20
