"""Schemas from the first bytes of real and awkward files."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from kaggle_mcp.context.tables import HEAD_BYTES, is_tabular, sniff_table


def head_of(path, size=HEAD_BYTES):
    data = path.read_bytes()
    return data[:size], len(data)


def test_titanic_train_whole_file(corpus):
    data, total = head_of(corpus / "data" / "titanic" / "train.csv")
    schema = sniff_table(data, "train.csv", total)
    names = [c["name"] for c in schema["columns"]]
    assert names[:3] == ["PassengerId", "Survived", "Pclass"]
    dtypes = {c["name"]: c["dtype"] for c in schema["columns"]}
    assert dtypes["PassengerId"] == "int" and dtypes["Age"] == "float" and dtypes["Name"] == "string"
    assert dtypes["Sex"] == "category"
    assert {c["name"]: c["missing"] for c in schema["columns"]}["Age"] == 177
    assert schema["rows"] == 891 and schema["bytes"] == total
    first_row = [c["row1"] for c in schema["columns"]]
    assert first_row[:4] == [1, 0, 3, "Braund, Mr. Owen Harris"] and first_row[10] is None  # no cabin
    assert [c["row3"] for c in schema["columns"]][:2] == [3, 1]
    assert all(set(c) == {"name", "dtype", "missing", "row1", "row2", "row3"} for c in schema["columns"])
    assert schema["delimiter"] == "," and schema["encoding"] == "utf-8"


@pytest.mark.parametrize("cut", [4096, 10_000, 33_333])
def test_cut_off_last_line_is_dropped(corpus, cut):
    data, total = head_of(corpus / "data" / "house-prices-advanced-regression-techniques" / "train.csv", cut)
    schema = sniff_table(data, "train.csv", total)
    width = len(schema["columns"])
    assert width == 81 - 21 + 0 or schema.get("columns_not_shown") == 81 - width
    full_lines = data.count(b"\n") - 1  # minus the header
    assert schema["rows_sampled"] == full_lines
    assert "rows" not in schema and 1000 < schema["rows_estimated"] < 2000  # 1460 rows really


def test_multibyte_character_cut_at_the_end():
    text = "id,name\n" + "".join(f"{i},Zoë Ålander {i}\n" for i in range(200))
    data = text.encode("utf-8")
    cut = data.index("Ålander 150".encode()) + 1  # inside the two-byte Å
    schema = sniff_table(data[:cut], "people.csv", len(data))
    assert schema["encoding"] == "utf-8"
    assert schema["rows_sampled"] == 150
    assert [c["row1"] for c in schema["columns"]] == [0, "Zoë Ålander 0"]


def test_quoted_multiline_field_cut_in_the_middle():
    rows = "".join(f'{i},"first line\nsecond line {i}",x\n' for i in range(50))
    data = ("id,text,flag\n" + rows).encode()
    cut = data.index(b"second line 30") + 3
    schema = sniff_table(data[:cut], "t.csv", len(data))
    assert schema["rows_sampled"] == 30
    assert [c["row1"] for c in schema["columns"]] == [0, "first line\nsecond line 0", "x"]


def test_semicolon_bom_and_cp1252():
    data = "\ufeffa;b;c\n1;2,5;x\n3;4,5;y\n".encode("utf-8")
    schema = sniff_table(data, "eu.csv", len(data))
    assert schema["delimiter"] == ";" and schema["encoding"] == "utf-8-sig"
    assert [c["name"] for c in schema["columns"]] == ["a", "b", "c"]
    latin = "name,city\nJosé,Malmö\nRenée,Zürich\n".encode("cp1252")
    schema = sniff_table(latin, "x.csv", len(latin))
    assert schema["encoding"] == "cp1252" and [c["row1"] for c in schema["columns"]] == ["José", "Malmö"]


def test_tsv_no_header_dates_bools():
    data = b"1\t2020-01-01\ttrue\t2020-01-01 10:00:00\n2\t2020-01-02\tfalse\t2020-01-02T11:00:00Z\n"
    schema = sniff_table(data, "x.tsv", len(data))
    assert schema["format"] == "tsv"
    assert [c["name"] for c in schema["columns"]] == ["column_1", "column_2", "column_3", "column_4"]
    assert [c["dtype"] for c in schema["columns"]] == ["int", "date", "bool", "datetime"]


def test_zip_head_from_corpus(corpus):
    data, total = head_of(corpus / "data" / "titanic" / "titanic.zip")
    schema = sniff_table(data, "titanic.zip", total)
    assert schema["zipped"] is True and schema["member"].endswith(".csv")
    assert schema["columns"] and schema["bytes"] == total


def test_large_zipped_csv_read_from_head_only():
    body = "id,value,label\n" + "".join(f"{i},{i * 0.5},{'abc'[i % 3]}\n" for i in range(300_000))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("train.csv", body)
    data = buffer.getvalue()
    assert len(data) > HEAD_BYTES
    schema = sniff_table(data[:HEAD_BYTES], "train.csv.zip", len(data))
    assert schema["zipped"] and schema["member"] == "train.csv"
    assert [c["dtype"] for c in schema["columns"]] == ["int", "float", "category"]
    assert schema["rows_sampled"] > 1000


def test_gzip_and_parquet_and_jsonl():
    body = b"a,b\n" + b"".join(b"%d,%d\n" % (i, i * i) for i in range(10_000))
    packed = gzip.compress(body)
    schema = sniff_table(packed[:4096], "x.csv.gz", len(packed))
    assert schema["gzipped"] and [c["name"] for c in schema["columns"]] == ["a", "b"]
    assert sniff_table(b"PAR1\x00\x00", "x.parquet", 100)["format"] == "parquet"
    lines = b'{"id": 1, "text": "hi"}\n{"id": 2, "text": null}\n{"id": 3, "te'
    schema = sniff_table(lines, "x.jsonl", 10_000)
    assert schema["format"] == "jsonl" and schema["rows_sampled"] == 2
    assert schema["columns"][0] == {"name": "id", "dtype": "int", "missing": 0, "row1": 1, "row2": 2}


def test_garbage_never_raises():
    for data in (b"", b"\n\n\n", b"\x00\x01\x02" * 100, b"PK\x03\x04" + b"\x00" * 40, b"\x1f\x8b\x08garbage"):
        assert isinstance(sniff_table(data, "f.csv", 10**6), dict)


def test_is_tabular():
    assert is_tabular("train.csv") and is_tabular("a/b/test.CSV") and is_tabular("x.csv.zip")
    assert not is_tabular("data_description.txt") and not is_tabular("images.zip")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(["a.csv", "b.tsv", "c.csv.zip", "d.jsonl", "e.csv.gz"]), st.integers(0, 10**9))
def test_any_bytes_give_a_schema_dict(data, name, total):
    schema = sniff_table(data, name, total or None)
    assert schema["file"] == name and isinstance(schema.get("columns", []), list)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="ab,;\t\"\n 1.-", max_size=8), min_size=1, max_size=5), min_size=1, max_size=30))
def test_any_delimited_text_parses(rows):
    text = "\n".join(",".join(r) for r in rows)
    schema = sniff_table(text.encode(), "x.csv", len(text) * 2)
    assert "columns" in schema or "note" in schema
