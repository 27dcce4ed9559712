"""Table schemas from the first bytes of a file, never the whole file.

Competition files run to gigabytes; an agent deciding how to load `train.csv` needs its header,
column types, a few rows and its size, which the first ~64 KiB (one HTTP `Range` request on the
signed URL) already show. So everything here works on a byte prefix that usually ends mid-line,
and often mid-character:

- encoding: BOM first (UTF-8/UTF-16), then UTF-8 decoded incrementally (a multibyte character cut
  at the end is not an error), then cp1252, which decodes anything as a last resort;
- delimiter: the candidate (`,` `\\t` `;` `|`) that splits the first lines into the most
  consistent number of fields (csv.Sniffer guesses wrong on quoted text too often);
- the cut-off last line is dropped (and so is a last record whose field count is off, which is
  what a cut inside a quoted multi-line field looks like);
- dtypes are inferred over every sampled row (int, float, bool, datetime, date, category, string)
  with the count of missing values; the first 3 rows are kept with typed values, transposed into
  the column table (`row1..row3`): one uniform table per file is what TOON encodes most compactly,
  and a column's examples next to its dtype read better than three wide rows;
- zip and gzip: the first member is inflated from the prefix itself (a local zip header holds the
  member name and method), so zipped CSVs get a schema too and are noted as zipped; Parquet is
  only named (its schema lives in the footer).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import struct
import zlib
from collections import Counter
from typing import Any

__all__ = ["HEAD_BYTES", "is_tabular", "sniff_table"]

HEAD_BYTES = 65536
SAMPLE_ROWS = 3
MAX_COLUMNS = 60
VALUE_MAX_CHARS = 60
_DELIMITERS = (",", "\t", ";", "|")
_NA = {"", "na", "nan", "null", "none", "n/a", "#n/a", "-"}
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}/\d{1,2}/\d{4}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_BOOL = {"true", "false"}
_TABULAR_SUFFIXES = (".csv", ".tsv", ".csv.zip", ".tsv.zip", ".csv.gz", ".tsv.gz", ".jsonl", ".ndjson")


def is_tabular(name: str) -> bool:
    """Files worth a schema read: delimited text and JSON lines, plain, zipped or gzipped."""
    lower = name.lower()
    return lower.endswith(_TABULAR_SUFFIXES) or lower.endswith(".parquet")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return codecs.getincrementaldecoder("utf-8")("replace").decode(data[3:]), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return codecs.getincrementaldecoder("utf-16")("replace").decode(data), "utf-16"
    try:  # final=False: a character cut at the end of the prefix is held back, not an error
        return codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=False), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _complete_lines(text: str, truncated: bool) -> str:
    if not truncated:
        return text
    cut = text.rfind("\n")
    return text[: cut + 1] if cut >= 0 else ""


def _sniff_delimiter(text: str, name: str) -> str:
    lines = text.splitlines()[:20]
    best, best_score = ("\t" if name.lower().endswith((".tsv", ".tsv.zip", ".tsv.gz")) else ","), (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        width, agreeing = Counter(counts).most_common(1)[0]
        score = (agreeing, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _infer(values: list[str]) -> str:
    present = [v for v in values if v.strip().lower() not in _NA]
    if not present:
        return "empty"
    if all(_INT.match(v) for v in present):
        return "int"
    if all(_FLOAT.match(v) for v in present):
        return "float"
    lowered = {v.strip().lower() for v in present}
    if lowered <= _BOOL:
        return "bool"
    if all(_DATETIME.match(v) for v in present):
        return "datetime"
    if all(_DATE.match(v) for v in present):
        return "date"
    if len(present) >= 20 and len(set(present)) <= max(2, len(present) // 10):
        return "category"
    return "string"


def _is_data_row(first: list[str], body: list[list[str]]) -> bool:
    """No header when every value of the first row fits its column's typed dtype (a header of
    names never parses as the ints, floats, dates or bools below it)."""
    typed = 0
    for i, value in enumerate(first):
        column = [row[i] for row in body if len(row) == len(first)] or [value]
        dtype = _infer(column + [value])
        if dtype in ("string", "category", "empty", "mixed"):
            continue
        if _infer([value]) not in (dtype, "int") or (dtype == "float" and not _FLOAT.match(value)):
            return False
        typed += 1
    return typed > 0


def _typed(value: str, dtype: str) -> Any:
    if value.strip().lower() in _NA:
        return None
    if dtype == "int":
        return int(value)
    if dtype == "float":
        number = float(value)
        return number if math.isfinite(number) else value
    if len(value) > VALUE_MAX_CHARS:
        return value[:VALUE_MAX_CHARS] + "…"
    return value


def _schema(rows: list[list[str]], consumed: int, total_size: int | None, truncated: bool,
            keep_rows: int = 0) -> dict[str, Any]:
    header, body = rows[0], rows[1:]
    if _is_data_row(header, body):
        header, body = [f"column_{i + 1}" for i in range(len(rows[0]))], rows
    width = len(header)
    if truncated and body and len(body[-1]) != width:
        body = body[:-1]  # a record cut inside a quoted field
    body = [row for row in body if len(row) == width]
    dtypes = [_infer([row[i] for row in body]) for i in range(width)]
    columns = [
        {
            "name": header[i],
            "dtype": dtypes[i],
            "missing": sum(1 for row in body if row[i].strip().lower() in _NA),
            **{f"row{r + 1}": _typed(row[i], dtypes[i]) for r, row in enumerate(body[:SAMPLE_ROWS])},
        }
        for i in range(min(width, MAX_COLUMNS))
    ]
    result: dict[str, Any] = {"columns": columns, "rows_sampled": len(body)}
    if keep_rows:
        shown = range(min(width, MAX_COLUMNS))
        result["records"] = [{header[i]: _typed(row[i], dtypes[i]) for i in shown} for row in body[:keep_rows]]
    if width > MAX_COLUMNS:
        result["columns_not_shown"] = width - MAX_COLUMNS
    if not truncated:
        result["rows"] = len(body)
    elif total_size and body and consumed:
        result["rows_estimated"] = int(total_size / (consumed / (len(body) + 1))) - 1
    return result


def _jsonl_schema(text: str, truncated: bool, keep_rows: int = 0) -> dict[str, Any]:
    records = []
    for line in _complete_lines(text, truncated).splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            records.append(value)
    keys: dict[str, str] = {}
    for record in records:
        for key, value in record.items():
            kind = type(value).__name__.replace("NoneType", "null").replace("str", "string")
            keys[key] = kind if keys.get(key, kind) == kind else "mixed"
    columns = [
        {
            "name": k,
            "dtype": t,
            "missing": sum(1 for r in records if r.get(k) is None),
            **{f"row{i + 1}": _scalar(r.get(k)) for i, r in enumerate(records[:SAMPLE_ROWS])},
        }
        for k, t in list(keys.items())[:MAX_COLUMNS]
    ]
    result: dict[str, Any] = {"columns": columns, "rows_sampled": len(records)}
    if keep_rows:
        result["records"] = [{c["name"]: _scalar(r.get(c["name"])) for c in columns} for r in records[:keep_rows]]
    return result


def _scalar(value: Any) -> Any:
    """Nested JSON values as short text, so the column table stays a flat TOON table."""
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= VALUE_MAX_CHARS else text[:VALUE_MAX_CHARS] + "…"
    return value


def _unwrap(data: bytes, total_size: int | None) -> tuple[bytes, int | None, dict[str, Any]]:
    """Inflate the first member of a zip/gzip prefix; returns (bytes, member size, notes)."""
    if data.startswith(b"PK\x03\x04") and len(data) >= 30:
        _, _, flags, method, _, _, _, packed, size, name_len, extra_len = struct.unpack("<IHHHHHIIIHH", data[:30])
        member = data[30 : 30 + name_len].decode("utf-8", errors="replace")
        notes: dict[str, Any] = {"zipped": True, "member": member}
        start = 30 + name_len + extra_len
        if flags & 1:
            return b"", None, notes | {"note": "encrypted zip member"}
        known = size if size not in (0, 0xFFFFFFFF) and not flags & 8 else None
        if method == 0:
            return data[start : start + HEAD_BYTES], known, notes
        if method == 8:
            inflater = zlib.decompressobj(-15)
            try:
                return inflater.decompress(data[start:], HEAD_BYTES), known, notes
            except zlib.error:
                return b"", None, notes | {"note": "zip member could not be inflated from the head"}
        return b"", None, notes | {"note": f"zip method {method} not read"}
    if data.startswith(b"\x1f\x8b"):
        try:
            return zlib.decompressobj(16 + 15).decompress(data, HEAD_BYTES), None, {"gzipped": True}
        except zlib.error:
            return b"", None, {"gzipped": True, "note": "gzip head could not be inflated"}
    return data, total_size, {}


def sniff_table(data: bytes, name: str, total_size: int | None, keep_rows: int = 0) -> dict[str, Any]:
    """Schema of a table from its first bytes. `total_size` is the whole file's size, if known;
    `keep_rows` > 0 also returns the first records (typed, keyed by column) as `records`, for previews.

    Returns a dict with `file`, `bytes` (full size), `format`, and when readable `encoding`,
    `delimiter`, `columns` [{name, dtype, missing, row1, row2, row3}] (rowN: typed values of the
    first data rows), `rows_sampled`,
    `rows` (exact, when the whole file was read) or `rows_estimated`; a `note` says why not.
    """
    info: dict[str, Any] = {"file": name, "bytes": total_size}
    if data.startswith(b"PAR1"):
        return info | {"format": "parquet", "note": "Parquet schema is in the file footer; not read"}
    truncated = total_size is None or total_size > len(data)
    inner, inner_size, notes = _unwrap(data, total_size)
    info |= notes
    if inner is not data:
        truncated = inner_size is None or inner_size > len(inner)
    if not inner:
        return {"note": "the file is empty"} | info | {"format": "zip" if notes.get("zipped") else "unknown"}
    inner_name = str(notes.get("member") or name)
    if notes.get("zipped") and not is_tabular(inner_name):
        return info | {"format": "zip", "note": f"first member {inner_name!r} is not a table"}
    text, encoding = _decode(inner)
    if inner_name.lower().endswith((".jsonl", ".ndjson")) or text.lstrip().startswith("{"):
        return info | {"format": "jsonl", "encoding": encoding} | _jsonl_schema(text, truncated, keep_rows)
    body = _complete_lines(text, truncated)
    if not body.strip():
        return info | {"format": "text", "encoding": encoding, "note": "no complete line in the head"}
    delimiter = _sniff_delimiter(body, inner_name)
    try:
        rows = [row for row in csv.reader(io.StringIO(body), delimiter=delimiter) if row]
    except csv.Error as exc:
        return info | {"format": "text", "encoding": encoding, "note": f"not parsed as a table: {exc}"}
    if not rows:
        return info | {"format": "text", "encoding": encoding, "note": "no rows"}
    fmt = {"\t": "tsv"}.get(delimiter, "csv")
    consumed = len(body.encode(encoding.replace("-sig", ""), errors="replace"))
    return info | {"format": fmt, "encoding": encoding, "delimiter": delimiter} | _schema(
        rows, consumed, inner_size, truncated, keep_rows
    )
