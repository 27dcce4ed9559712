"""preview_file and get_dataset_info against the sandbox; pyarrow, the reference Parquet implementation,
judges both the sandbox's Parquet file and our footer reader (on a file pyarrow itself wrote)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kaggle_mcp.context.dataset import build_dataset_context
from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.workflows.dataset_info import get_dataset_info
from kaggle_mcp.workflows.errors import WorkflowError
from kaggle_mcp.workflows.preview import preview_file

pytestmark = pytest.mark.anyio
FORMATS = "erin/store-sales-formats"


async def _whole(a, name: str) -> bytes:
    url = await a.client.datasets.dataset_file_url("erin", "store-sales-formats", name)
    return (await a.client.transfers.read_head(url, 10 << 20)).data


async def test_csv_preview_equals_the_first_rows_of_the_file(account, tmp_path):
    async with account() as a:
        got = await preview_file(a, "train.csv", competition="titanic", rows=5)
        whole = await a.client.competitions.download_data_file("titanic", "train.csv", tmp_path)
        first = list(csv.DictReader(io.StringIO(whole.path.read_text())))[:5]
        assert len(got.records) == 5 and got.rows == 891 and got.format == "csv"
        assert [str(r["Name"]) for r in got.records] == [r["Name"] for r in first]
        assert got.records[0]["PassengerId"] == int(first[0]["PassengerId"])    # typed by the column's dtype
        assert {c["name"]: c["dtype"] for c in got.columns}["Fare"] == "float"
        tsv = await preview_file(a, "oil.tsv", dataset=FORMATS, rows=3)
        assert tsv.format == "tsv" and [c["name"] for c in tsv.columns] == ["date", "dcoilwtico"]


async def test_json_and_jsonl_previews(account):
    async with account() as a:
        stores = json.loads(await _whole(a, "stores.json"))
        got = await preview_file(a, "stores.json", dataset=f"https://www.kaggle.com/datasets/{FORMATS}", rows=4)
        assert got.format == "json" and got.rows == len(stores)
        assert [r["store_nbr"] for r in got.records] == [s["store_nbr"] for s in stores[:4]]
        assert [c["name"] for c in got.columns] == list(stores[0])
        lines = (await preview_file(a, "transactions.jsonl", dataset=FORMATS, rows=2)).records
        first = [json.loads(line) for line in (await _whole(a, "transactions.jsonl")).splitlines()[:2]]
        assert lines == first


async def test_a_cut_json_array_still_shows_its_first_records():
    from kaggle_mcp.workflows.preview import _json_preview

    text = json.dumps([{"a": i, "b": "x" * 10} for i in range(100)]).encode()
    got = _json_preview(text[:300], rows=5)
    assert [r["a"] for r in got["records"]] == [0, 1, 2, 3, 4] and got["note"] and "rows" not in got
    keys = _json_preview(json.dumps({"meta": {"v": 1}, "items": [{"id": 1}, {"id": 2}]}).encode(), rows=5)
    assert [c["name"] for c in keys["columns"]] == ["meta", "items"] and keys["records"] == [{"id": 1}, {"id": 2}]


async def test_parquet_preview_reads_only_the_footer_and_agrees_with_pyarrow(account):
    import pyarrow.parquet as pq

    async with account() as a:
        got = await preview_file(a, "sales.parquet", dataset=FORMATS)
        whole = await _whole(a, "sales.parquet")
        table = pq.read_table(io.BytesIO(whole))   # the sandbox's file is real Parquet
        assert got.rows == table.num_rows == 20_000 and got.records == []
        assert got.read_bytes < got.bytes / 10 and got.bytes == len(whole)
        assert [c["name"] for c in got.columns] == table.schema.names
        types = {c["name"]: c["type"] for c in got.columns}
        assert types == {"date": "date", "store_nbr": "int64", "item_nbr": "int64", "unit_sales": "double",
                         "family": "string"}


async def test_a_parquet_file_pyarrow_wrote_is_described_as_pyarrow_reads_it(own_account, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": pa.array(range(5000), pa.int32()), "name": [f"n{i}" for i in range(5000)],
                      "when": pa.array(range(5000), pa.timestamp("ms")), "price": pa.array(range(5000), pa.float64()),
                      "tags": [["a", "b"]] * 5000, "where": [{"city": "Quito", "zip": 1}] * 5000})
    path = tmp_path / "real.parquet"
    pq.write_table(table, path, row_group_size=1000)
    async with own_account() as a:
        await a.client.datasets.create_dataset_from_files("sandbox-user", "pyarrow-file", "A pyarrow-written file",
                                                          [path], is_private=False)
        got = await preview_file(a, "real.parquet", dataset="sandbox-user/pyarrow-file")
    metadata = pq.read_metadata(path)
    assert got.rows == metadata.num_rows == 5000 and f"{metadata.num_row_groups} row group" in got.note
    leaves = [c["name"] for c in got.columns]
    assert [metadata.schema.column(i).path for i in range(metadata.num_columns)] == [
        n for n in leaves if n not in ("tags", "tags.list", "where")]
    types = {c["name"]: c["type"] for c in got.columns}
    assert types["when"] == "timestamp[ms]" and types["tags"] == "list" and types["where"] == "struct"


async def test_previews_say_what_to_do_instead(account):
    async with account() as a:
        with pytest.raises(WorkflowError, match="exactly one of competition or dataset"):
            await preview_file(a, "train.csv")
        with pytest.raises(WorkflowError, match="none of them") as caught:
            await preview_file(a, "notes/README.md", dataset="bob/retail-holidays")
        assert "download_dataset" in caught.value.next_step
        with pytest.raises(WorkflowError, match="rows must be"):
            await preview_file(a, "train.csv", competition="titanic", rows=0)


async def test_dataset_info_holds_every_section_within_budget(account, o200k):
    async with account() as a:
        info = await get_dataset_info(a, FORMATS, max_tokens=4000)
        data = info.data
        assert decode_context(info.toon) == data and info.ref == FORMATS
        assert data["dataset"]["status"] == "READY" and data["dataset"]["license"] == "CC BY-SA 4.0"
        assert {f["name"] for f in data["files"]} == {"sales.parquet", "stores.json", "transactions.jsonl", "oil.tsv"}
        schemas = {s["file"]: s for s in data["schemas"]}
        assert schemas["sales.parquet"]["rows"] == 20_000 and schemas["oil.tsv"]["format"] == "tsv"
        assert data["versions"][0]["notes"] == "Initial release" and data["stats"]["failed"] == []
        assert data["stats"]["tokens_estimated"] <= 4000 and o200k(info.toon) <= 4000 * 1.05
        titanic = await get_dataset_info(a, "alice/titanic-extra-features")
        assert titanic.data["notebooks"] and titanic.data["discussions"]


async def test_a_tight_budget_cuts_in_the_stated_order(account):
    async with account() as a:
        roomy, _ = await build_dataset_context(a.client, "alice", "titanic-extra-features", max_tokens=8000)
        tight, toon = await build_dataset_context(a.client, "alice", "titanic-extra-features", max_tokens=300)
        with pytest.raises(WorkflowError, match="max_tokens"):
            await get_dataset_info(a, "alice/titanic-extra-features", max_tokens=10)
    assert roomy["stats"]["truncated"] == [] and tight["stats"]["truncated"]
    assert tight["stats"]["tokens_estimated"] <= 300 or tight["stats"].get("over_budget")
    assert tight["dataset"]["ref"] == "alice/titanic-extra-features" and decode_context(toon) == tight
