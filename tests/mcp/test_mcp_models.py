"""Kaggle Models through the MCP tools: search, the card (fenced) with attachable handles, files, downloads."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp_helpers import ProgressLog, assert_actionable, fences, text_of

pytestmark = pytest.mark.anyio


async def test_search_then_read_a_card(server):
    async with Client(server) as c:
        found = await c.call_tool("search_models", {"framework": "PyTorch"})
        card = await c.call_tool("get_model", {"model": found.structured_content["models"][0]["ref"]})
        missing = await c.call_tool("get_model", {"model": "nobody/no-such-model"})
    assert {m["ref"] for m in found.structured_content["models"]} == {"carol/olympiad-solver", "kaggle-sandbox/tiny-bert"}
    assert "models[2]{ref,title,subtitle,votes,frameworks,url}:" in text_of(found)
    text = text_of(card)
    assert not card.is_error, text
    assert "instances[4]{framework,variation,versions,license,size,handle}:" in text
    assert 'pyTorch,1.5b,"3,2,1",Apache 2.0,156.3 KB,carol/olympiad-solver/pyTorch/1.5b/3' in text
    card_text = fences(text)["model card of carol/olympiad-solver"]
    assert card_text.startswith("# Model Summary") and "| 7b | 0.58 |" in card_text
    assert "carol/olympiad-solver/pyTorch/1.5b/3" in card.structured_content["model_sources"]
    assert_actionable(missing, "404", "search_models")


async def test_files_of_a_version_and_its_download(server, workspace):
    progress = ProgressLog()
    model = "https://www.kaggle.com/models/kaggle-sandbox/tiny-bert/tensorFlow2/tiny"
    async with Client(server) as c:
        listed = await c.call_tool("list_model_files", {"model": model})
        got = await c.call_tool("download_model", {"model": model}, progress_callback=progress)
        again = await c.call_tool("download_model", {"model": model})
        one = await c.call_tool("download_model", {"model": "carol/olympiad-solver/pyTorch/1.5b/2", "file": "model.pt"})
    assert not got.is_error, text_of(got)
    files = {f["name"]: f["bytes"] for f in listed.structured_content["files"]}
    assert listed.structured_content["handle"] == "kaggle-sandbox/tiny-bert/tensorFlow2/tiny/1"
    folder = workspace / "models/kaggle-sandbox/tiny-bert/tensorFlow2/tiny/1"
    assert {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()} == files
    assert [f["name"] for f in got.structured_content["files"]] == [
        f"models/kaggle-sandbox/tiny-bert/tensorFlow2/tiny/1/{name}" for name in files]
    assert progress.reports and progress.reports[-1][:2] == (sum(files.values()), sum(files.values()))
    assert sorted(again.structured_content["up_to_date"]) == sorted(files) and "already up to date" in text_of(again)
    assert [f["name"] for f in one.structured_content["files"]] == ["models/carol/olympiad-solver/pyTorch/1.5b/2/model.pt"]
    assert (workspace / "models/carol/olympiad-solver/pyTorch/1.5b/2/model.pt").is_file()

