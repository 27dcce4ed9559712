"""A look inside a competition or dataset file without downloading it: one or two Range reads.

CSV/TSV (also zipped or gzipped) and JSON Lines: the head is read and parsed as the context's schema
sampler does, keeping the first records. JSON: the head is decoded value by value, so a large array or
object still shows its keys and first records. Parquet: the footer at the end holds the schema and the
row count; its rows are compressed pages, so none are shown.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from pydantic import BaseModel

from ..context.parquet import remote_parquet_schema
from ..context.tables import HEAD_BYTES, sniff_table
from ..kaggle.refs import competition_slug, dataset_ref, require_owner
from .account import Account
from .errors import WorkflowError

MAX_ROWS = 100
VALUE_CHARS = 80
TABLES = (".csv", ".tsv", ".jsonl", ".ndjson", ".csv.zip", ".tsv.zip", ".csv.gz", ".tsv.gz", ".zip", ".gz")


class FilePreview(BaseModel):
    source: str                        #: "competition titanic" or "dataset owner/slug"
    file: str
    format: str
    bytes: int | None = None           #: the whole file's size
    read_bytes: int                    #: what was fetched to make this preview
    columns: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    rows: int | None = None            #: exact, when known
    rows_estimated: int | None = None
    note: str | None = None


def _short(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and len(value) > VALUE_CHARS:
        return value[:VALUE_CHARS] + "…"
    return value


def _values(text: str, opener: str) -> tuple[list[Any], bool]:
    """The complete values of a JSON array (or the key/value pairs of an object) at the start of ``text``,
    and whether the text ended before the container did."""
    decoder, position = json.JSONDecoder(), text.index(opener) + 1
    out: list[Any] = []
    closer = "]" if opener == "[" else "}"
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            return out, True
        if text[position] == closer:
            return out, False
        try:
            if opener == "{":
                key, position = decoder.raw_decode(text, position)
                position = text.index(":", position) + 1
                while text[position] in " \t\r\n":
                    position += 1
                value, position = decoder.raw_decode(text, position)
                out.append((key, value))
            else:
                value, position = decoder.raw_decode(text, position)
                out.append(value)
        except (ValueError, IndexError):
            return out, True


def _json_preview(data: bytes, rows: int) -> dict[str, Any]:
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(data.removeprefix(codecs.BOM_UTF8))
    start = text.lstrip()[:1]
    if start not in ("[", "{"):
        return {"note": "not a JSON array or object"}
    items, cut = _values(text, start)
    note = "only the start of the file was read" if cut else None
    if start == "{":
        columns = [{"name": k, "type": type(v).__name__.replace("NoneType", "null").replace("str", "string"),
                    **({"items": len(v)} if isinstance(v, list | dict) else {})} for k, v in items]
        lists = [v for _, v in items if isinstance(v, list) and v]
        records = lists[0][:rows] if lists else []
        return {"columns": columns, "records": [r if isinstance(r, dict) else {"value": r} for r in records],
                "note": note}
    records = [r if isinstance(r, dict) else {"value": r} for r in items[:rows]]
    keys: dict[str, str] = {}
    for record in records:
        for k, v in record.items():
            keys.setdefault(k, type(v).__name__.replace("NoneType", "null").replace("str", "string"))
    return {"columns": [{"name": k, "type": t} for k, t in keys.items()], "records": records,
            **({} if cut else {"rows": len(items)}), "note": note}


async def preview_file(account: Account, file: str, competition: str | None = None, dataset: str | None = None,
                       rows: int = 20) -> FilePreview:
    """The schema and first ``rows`` records of one file of a competition or a dataset, read by Range."""
    if (competition is None) == (dataset is None):
        raise WorkflowError("Pass exactly one of competition or dataset, with the file to preview.",
                            "List the files with list_competition_files or list_dataset_files.")
    if not 1 <= rows <= MAX_ROWS:
        raise WorkflowError(f"rows must be between 1 and {MAX_ROWS}.", "Pass a smaller number of rows.")
    kc, lower = account.client, file.lower()
    if competition is not None:
        slug = competition_slug(competition)
        source, url = f"competition {slug}", await kc.competitions.data_file_url(slug, file)
    else:
        owner, slug = require_owner(dataset_ref(dataset or ""), "dataset")
        source, url = f"dataset {owner}/{slug}", await kc.datasets.dataset_file_url(owner, slug, file)
    if lower.endswith(".parquet"):
        try:
            schema, read, size = await remote_parquet_schema(lambda n: kc.transfers.read_tail(url, n))
        except ValueError as exc:
            raise WorkflowError(f"{file} could not be read as Parquet: {exc}.",
                                "Download it to inspect it locally.") from None
        return FilePreview(source=source, file=file, format="parquet", bytes=size, read_bytes=read,
                           columns=schema["columns"], rows=schema["rows"],
                           note=f"schema from the footer ({schema['row_groups']} row group(s), written by "
                                f"{schema['created_by'] or 'an unknown writer'}); Parquet rows are not shown")
    if lower.endswith(".json"):
        head = await kc.transfers.read_head(url, max(HEAD_BYTES, rows * 2048))
        found = _json_preview(head.data, rows)
        complete = head.total_size is not None and head.total_size <= len(head.data)
        return FilePreview(source=source, file=file, format="json", bytes=head.total_size, read_bytes=len(head.data),
                           columns=found.get("columns", []), records=[{k: _short(v) for k, v in r.items()}
                                                                      for r in found.get("records", [])],
                           rows=found.get("rows") if complete else None, note=found.get("note"))
    if not lower.endswith(TABLES):
        raise WorkflowError(f"preview_file reads CSV, TSV, JSON, JSON Lines and Parquet files; {file} is none of them.",
                            "Download it with download_competition_data or download_dataset instead.")
    head = await kc.transfers.read_head(url, max(HEAD_BYTES, rows * 2048))
    table = sniff_table(head.data, file, head.total_size, keep_rows=rows)
    columns = [{k: v for k, v in c.items() if not k.startswith("row")} for c in table.get("columns", [])]
    return FilePreview(source=source, file=file, format=table.get("format", "unknown"), bytes=head.total_size,
                       read_bytes=len(head.data), columns=columns, records=table.get("records", []),
                       rows=table.get("rows"), rows_estimated=table.get("rows_estimated"), note=table.get("note"))
