"""get_dataset_info, preview_file and search_kaggle through the MCP tools, against the sandbox."""

from __future__ import annotations

import csv
import io

import pytest
from mcp import Client
from mcp_helpers import ProgressLog, assert_actionable, fences, text_of

from kaggle_mcp.context.encode import decode_context

pytestmark = pytest.mark.anyio


async def test_dataset_info_is_a_fenced_toon_context_within_budget(server, o200k):
    progress = ProgressLog()
    async with Client(server) as c:
        info = await c.call_tool("get_dataset_info", {"dataset": "https://www.kaggle.com/datasets/erin/store-sales-formats",
                                                      "max_tokens": 2000}, progress_callback=progress)
    text = text_of(info)
    assert not info.is_error, text
    data = decode_context(fences(text)["dataset erin/store-sales-formats"])  # any TOON decoder reads it
    assert data["dataset"]["status"] == "READY" and {s["file"] for s in data["schemas"]} >= {"sales.parquet", "oil.tsv"}
    assert info.structured_content == {"dataset": "erin/store-sales-formats", "status": "READY",
                                       "tokens": data["stats"]["tokens_estimated"], "truncated": data["stats"]["truncated"],
                                       "failed": []}
    assert o200k(text) <= 2000 and 'push_notebook(dataset_sources=["erin/store-sales-formats"])' in text
    assert progress.messages and all(m.startswith("erin/store-sales-formats: ") for m in progress.messages)


async def test_preview_shows_the_files_first_rows_fenced(server, workspace):
    async with Client(server) as c:
        got = await c.call_tool("preview_file", {"competition": "titanic", "file": "train.csv", "rows": 3})
        parquet = await c.call_tool("preview_file", {"dataset": "erin/store-sales-formats", "file": "sales.parquet"})
        whole = await c.call_tool("download_competition_data", {"competition": "titanic", "file": "train.csv"})
    text = text_of(got)
    assert not got.is_error and not whole.is_error, text
    first = list(csv.DictReader(io.StringIO((workspace / "competitions/titanic/train.csv").read_text())))[:3]
    records = got.structured_content["records"]
    assert [r["Name"] for r in records] == [r["Name"] for r in first] and got.structured_content["rows"] == 891
    assert text.startswith("train.csv of competition titanic (csv, ")
    table = fences(text)["competition titanic train.csv"]
    assert table.startswith("records[3]{PassengerId,Survived,Pclass,Name,") and first[0]["Ticket"] in table
    assert "columns[12]{name,dtype,missing}:" in text
    assert parquet.structured_content["rows"] == 20_000 and parquet.structured_content["records"] == []
    assert not fences(text_of(parquet)) and "Parquet rows are not shown" in text_of(parquet)


async def test_search_kaggle_rows_feed_the_other_tools(server):
    async with Client(server) as c:
        everything = await c.call_tool("search_kaggle", {"query": "titanic"})
        more = await c.call_tool("search_kaggle", {"query": "titanic", "cursor": everything.structured_content["next_cursor"]})
        models = await c.call_tool("search_kaggle", {"query": "olympiad", "kind": "models"})
        card = await c.call_tool("get_model", {"model": models.structured_content["results"][0]["ref"]})
        bad_kind = await c.call_tool("search_kaggle", {"query": "titanic", "kind": "kernels"})
    rows = everything.structured_content["results"]
    assert {"competition", "dataset", "notebook", "model", "discussion"} <= {r["kind"] for r in rows}
    assert text_of(everything).startswith(f"{everything.structured_content['total']} results for 'titanic':")
    assert not {r["ref"] for r in rows} & {r["ref"] for r in more.structured_content["results"]}
    assert {r["kind"] for r in models.structured_content["results"]} == {"model"} and not card.is_error
    assert_actionable(bad_kind, "kind", "competitions")
