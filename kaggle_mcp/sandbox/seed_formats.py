"""A seeded dataset in the formats besides CSV that Kaggle datasets come in: Parquet, JSON, JSON Lines, TSV.

The Parquet file is written here with Apache Thrift's compact protocol, as the format specifies: one row
group, one uncompressed PLAIN data page per required column, and the footer (FileMetaData) after the
data, so a reader that only fetches the file's last bytes finds the whole schema. Real readers (pyarrow)
read it back in the tests; the product reads only its footer.
"""

from __future__ import annotations

import json
import random
import struct
from datetime import date, datetime, timedelta

from thrift.protocol.TCompactProtocol import TCompactProtocol
from thrift.Thrift import TType
from thrift.transport.TTransport import TMemoryBuffer

from kaggle_mcp.sandbox.blobs import BytesBlob
from kaggle_mcp.sandbox.world import DataFile, Dataset, DatasetVersion, World

# (physical type, converted type or None, logical type field id or None) per column kind, from the
# Parquet format: INT32=1, INT64=2, DOUBLE=5, BYTE_ARRAY=6; converted UTF8=0, DATE=6; logical STRING=1, DATE=6
_KINDS = {"int64": (2, None, None), "double": (5, None, None), "string": (6, 0, 1), "date": (1, 6, 6)}
_EPOCH = date(1970, 1, 1)


def _plain(kind: str, values: list) -> bytes:
    if kind == "int64":
        return struct.pack(f"<{len(values)}q", *values)
    if kind == "double":
        return struct.pack(f"<{len(values)}d", *values)
    if kind == "date":
        return struct.pack(f"<{len(values)}i", *((v - _EPOCH).days for v in values))
    return b"".join(struct.pack("<I", len(raw)) + raw for raw in (v.encode() for v in values))


class _Writer:
    def __init__(self) -> None:
        self.buffer = TMemoryBuffer()
        self.p = TCompactProtocol(self.buffer)

    def struct(self, fields: list[tuple[int, int, object]]) -> None:
        """A struct of (field id, thrift type, value); lists are (element type, [values])."""
        self.p.writeStructBegin("s")
        for fid, ftype, value in fields:
            self.p.writeFieldBegin("f", ftype, fid)
            self.value(ftype, value)
            self.p.writeFieldEnd()
        self.p.writeFieldStop()
        self.p.writeStructEnd()

    def value(self, ftype: int, value: object) -> None:
        if ftype == TType.STRUCT:
            self.struct(value)  # type: ignore[arg-type]
        elif ftype == TType.LIST:
            element, items = value  # type: ignore[misc]
            self.p.writeListBegin(element, len(items))
            for item in items:
                self.value(element, item)
            self.p.writeListEnd()
        elif ftype == TType.STRING:
            self.p.writeBinary(value if isinstance(value, bytes) else str(value).encode())
        else:
            {TType.I32: self.p.writeI32, TType.I64: self.p.writeI64}[ftype](value)

    def bytes(self) -> bytes:
        return self.buffer.getvalue()


def parquet_bytes(columns: list[tuple[str, str, list]], created_by: str = "kaggle-sandbox parquet writer") -> bytes:
    rows = len(columns[0][2])
    out = bytearray(b"PAR1")
    chunks = []
    for name, kind, values in columns:
        data = _plain(kind, values)
        header = _Writer()
        header.struct([(1, TType.I32, 0), (2, TType.I32, len(data)), (3, TType.I32, len(data)),
                       (5, TType.STRUCT, [(1, TType.I32, rows), (2, TType.I32, 0), (3, TType.I32, 3),
                                          (4, TType.I32, 3)])])
        offset, page = len(out), header.bytes() + data
        out += page
        meta = [(1, TType.I32, _KINDS[kind][0]), (2, TType.LIST, (TType.I32, [0, 3])),
                (3, TType.LIST, (TType.STRING, [name])), (4, TType.I32, 0), (5, TType.I64, rows),
                (6, TType.I64, len(page)), (7, TType.I64, len(page)), (9, TType.I64, offset)]
        chunks.append([(2, TType.I64, offset), (3, TType.STRUCT, meta)])
    schema = [[(4, TType.STRING, "schema"), (5, TType.I32, len(columns))]]
    for name, kind, _ in columns:
        physical, converted, logical = _KINDS[kind]
        element = [(1, TType.I32, physical), (3, TType.I32, 0), (4, TType.STRING, name)]
        if converted is not None:
            element.append((6, TType.I32, converted))
        if logical is not None:
            element.append((10, TType.STRUCT, [(logical, TType.STRUCT, [])]))
        schema.append(element)
    footer = _Writer()
    footer.struct([(1, TType.I32, 1), (2, TType.LIST, (TType.STRUCT, schema)), (3, TType.I64, rows),
                   (4, TType.LIST, (TType.STRUCT, [[(1, TType.LIST, (TType.STRUCT, chunks)),
                                                     (2, TType.I64, len(out) - 4), (3, TType.I64, rows)]])),
                   (6, TType.STRING, created_by)])
    meta_bytes = footer.bytes()
    return bytes(out + meta_bytes + struct.pack("<I", len(meta_bytes)) + b"PAR1")


def build_formats_dataset(world: World, rng: random.Random, created: datetime) -> None:
    """``erin/store-sales-formats``: sales.parquet, stores.json, transactions.jsonl and oil.tsv."""
    days = [date(2022, 1, 1) + timedelta(days=i // 20) for i in range(20_000)]
    families = ["GROCERY I", "BEVERAGES", "PRODUCE", "CLEANING", "DAIRY"]
    # arithmetic, not random draws: 20 000 rows cost every sandbox start a few milliseconds
    sales = parquet_bytes([
        ("date", "date", days), ("store_nbr", "int64", [i * 7 % 54 + 1 for i in range(len(days))]),
        ("item_nbr", "int64", [100_000 + i * 7919 % 900_000 for i in range(len(days))]),
        ("unit_sales", "double", [i * 37 % 25_000 / 100 for i in range(len(days))]),
        ("family", "string", [families[i * 3 % len(families)] for i in range(len(days))])])
    stores = [{"store_nbr": n, "city": rng.choice(["Quito", "Guayaquil", "Cuenca"]), "type": rng.choice("ABCDE"),
               "cluster": rng.randint(1, 17), "tags": rng.sample(["mall", "24h", "parking", "pharmacy"], 2)}
              for n in range(1, 55)]
    transactions = "".join(json.dumps({"date": d.isoformat(), "store_nbr": rng.randint(1, 54),
                                       "transactions": rng.randint(300, 4000)}) + "\n" for d in days[:500:2])
    oil = "date\tdcoilwtico\n" + "".join(f"{date(2022, 1, 1) + timedelta(days=i)}\t{rng.uniform(60, 110):.2f}\n"
                                         for i in range(365))
    files = {"sales.parquet": sales, "stores.json": json.dumps(stores, indent=1).encode(),
             "transactions.jsonl": transactions.encode(), "oil.tsv": oil.encode()}
    types = {"parquet": "application/octet-stream", "json": "application/json", "jsonl": "application/jsonl",
             "tsv": "text/tab-separated-values"}
    version_files = {}
    for name, data in files.items():
        blob = BytesBlob(data, types[name.rsplit(".", 1)[1]], created)
        world.register_blob(blob, f"ds-erin-store-sales-formats-{name}")
        version_files[name] = DataFile(name, blob, "", created)
    world.datasets["erin/store-sales-formats"] = Dataset(
        "erin", "store-sales-formats", world.next_id(), "Store Sales in Four Formats",
        "Retail sales as Parquet, stores as JSON, transactions as JSON Lines, oil prices as TSV",
        "# Store sales in four formats\n\nThe same retail data in the formats Kaggle datasets use besides CSV.",
        "CC BY-SA 4.0", False, ["retail", "parquet", "json"],
        [DatasetVersion(1, created, "erin", "Initial release", version_files)], votes=23, downloads=150, views=900,
        kernel_count=2, usability=0.82)
