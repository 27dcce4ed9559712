"""A Parquet file's schema from its footer alone: the last bytes of the file, fetched by Range.

A Parquet file ends with ``FileMetaData`` (Thrift compact protocol), its 4-byte length and ``PAR1``;
that struct holds the row count, the row groups and the schema, so a 50 GB file's columns and types
cost one small read. Apache Thrift's own compact-protocol reader walks the struct by field id (ids from
the Parquet format specification), so no generated code or Parquet library is needed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

__all__ = ["FOOTER_PROBE", "footer_length", "parquet_schema", "remote_parquet_schema"]

FOOTER_PROBE = 64 * 1024
MAX_DEPTH = 16
_PHYSICAL = {0: "boolean", 1: "int32", 2: "int64", 3: "int96", 4: "float", 5: "double", 6: "binary",
             7: "fixed_len_byte_array"}
_CONVERTED = {0: "string", 1: "map", 2: "map", 3: "list", 4: "enum", 5: "decimal", 6: "date", 7: "time[ms]",
              8: "time[us]", 9: "timestamp[ms]", 10: "timestamp[us]", 11: "uint8", 12: "uint16", 13: "uint32",
              14: "uint64", 15: "int8", 16: "int16", 17: "int32", 18: "int64", 19: "json", 20: "bson",
              21: "interval"}
_LOGICAL = {1: "string", 2: "map", 3: "list", 4: "enum", 5: "decimal", 6: "date", 7: "time", 8: "timestamp",
            10: "integer", 11: "null", 12: "json", 13: "bson", 14: "uuid", 15: "float16"}
_UNITS = {1: "ms", 2: "us", 3: "ns"}


def footer_length(tail: bytes) -> int:
    """The FileMetaData length from a file's last bytes; ValueError if they are not a Parquet ending."""
    if len(tail) < 12 or not tail.endswith(b"PAR1"):
        raise ValueError("the file does not end with PAR1: it is not a Parquet file")
    return int.from_bytes(tail[-8:-4], "little")


def _read(protocol: Any, ttype: int, depth: int) -> Any:
    from thrift.Thrift import TType

    if depth > MAX_DEPTH:
        raise ValueError("the Parquet footer is nested too deeply")
    if ttype == TType.STRUCT:
        protocol.readStructBegin()
        fields: dict[int, Any] = {}
        while True:
            _, ftype, fid = protocol.readFieldBegin()
            if ftype == TType.STOP:
                break
            fields[fid] = _read(protocol, ftype, depth + 1)
            protocol.readFieldEnd()
        protocol.readStructEnd()
        return fields
    if ttype in (TType.LIST, TType.SET):
        element, size = protocol.readListBegin()
        items = [_read(protocol, element, depth + 1) for _ in range(size)]
        protocol.readListEnd()
        return items
    readers = {TType.STRING: protocol.readBinary, TType.I32: protocol.readI32, TType.I64: protocol.readI64,
               TType.BOOL: protocol.readBool, TType.I16: protocol.readI16, TType.BYTE: protocol.readByte,
               TType.DOUBLE: protocol.readDouble}
    if ttype in readers:
        return readers[ttype]()
    protocol.skip(ttype)
    return None


def _type(element: dict[int, Any]) -> str:
    logical = element.get(10)
    if isinstance(logical, dict) and logical:
        kind, detail = next(iter(logical.items()))
        name = _LOGICAL.get(kind, "unknown")
        if name == "decimal" and isinstance(detail, dict):
            return f"decimal({detail.get(2, '?')},{detail.get(1, 0)})"
        if name in ("timestamp", "time") and isinstance(detail, dict) and isinstance(detail.get(2), dict):
            unit = next(iter(detail[2]), None)
            return f"{name}[{_UNITS.get(unit, '?')}]" if unit else name
        if name == "integer" and isinstance(detail, dict):
            return f"{'int' if detail.get(2, True) else 'uint'}{detail.get(1, 64)}"
        return name
    if element.get(6) in _CONVERTED:
        return _CONVERTED[element[6]]
    physical = _PHYSICAL.get(element.get(1, -1), "unknown")
    return f"{physical}({element[2]})" if physical == "fixed_len_byte_array" and 2 in element else physical


def parquet_schema(footer: bytes) -> dict[str, Any]:
    """``{rows, row_groups, created_by, columns: [{name, type, nullable}]}`` from the FileMetaData bytes.
    Nested columns are named by their path (``address.city``); groups are listed with their kind."""
    from thrift.protocol.TCompactProtocol import TCompactProtocol
    from thrift.Thrift import TType
    from thrift.transport.TTransport import TMemoryBuffer

    try:
        meta = _read(TCompactProtocol(TMemoryBuffer(footer)), TType.STRUCT, 0)
    except Exception as exc:  # thrift raises its own exception types on a damaged footer
        raise ValueError(f"the Parquet footer could not be read: {type(exc).__name__}") from None
    elements = meta.get(2) or []
    columns: list[dict[str, Any]] = []
    position = 1   # element 0 is the root

    def walk(prefix: str, count: int) -> None:
        nonlocal position
        for _ in range(count):
            if position >= len(elements) or not isinstance(elements[position], dict):
                return
            element = elements[position]
            position += 1
            raw = element.get(4, b"?")
            name = prefix + (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw))
            children = element.get(5) or 0
            row: dict[str, Any] = {"name": name, "type": _type(element) if not children else
                                   _CONVERTED.get(element.get(6, -1), "struct"), "nullable": element.get(3, 0) != 0}
            if element.get(3) == 2:
                row["repeated"] = True
            columns.append(row)
            if children:
                walk(name + ".", children)

    if elements and isinstance(elements[0], dict):
        walk("", elements[0].get(5) or 0)
    created_by = meta.get(6)
    return {"rows": meta.get(3), "row_groups": len(meta.get(4) or []),
            "created_by": created_by.decode("utf-8", "replace") if isinstance(created_by, bytes) else None,
            "columns": columns}


class _Tail(Protocol):
    """What a suffix read returns (the client's HeadBytes): the bytes and the whole file's size."""

    @property
    def data(self) -> bytes: ...

    @property
    def total_size(self) -> int | None: ...


async def remote_parquet_schema(read_tail: Callable[[int], Awaitable[_Tail]]) -> tuple[dict[str, Any], int, int | None]:
    """The schema of a remote Parquet file from one suffix Range read (two when the footer is over 64 KiB):
    ``read_tail(n)`` returns the file's last ``n`` bytes. Returns (schema, bytes read, file size)."""
    tail = await read_tail(FOOTER_PROBE)
    length = footer_length(tail.data)
    if length + 8 > len(tail.data):
        tail = await read_tail(length + 8)
    return parquet_schema(tail.data[-8 - length:-8]), len(tail.data), tail.total_size
