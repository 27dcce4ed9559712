"""TOON encoding of the context, through the official `toon-format` library (never by hand).

One deliberate option: `indent_size=1`. o200k spends a token per leading space pair at the start of
a row (`"\\n  1,luigi529,0.86519"` is `\\n`, ` `, ` `, `1`, ...), so the default two-space indent costs
every table row one extra token; one space is still unambiguous TOON (spec §12 makes the indent
size a parameter) and cuts ~3 points off the tabular sections. Decode with the same setting:
`decode_context(text)`, i.e. `toon_format.decode(text, indent_size=1)`.
"""

from __future__ import annotations

from typing import Any

import toon_format

__all__ = ["INDENT", "decode_context", "encode_context"]

INDENT = 1


def encode_context(data: Any) -> str:
    return toon_format.encode(data, indent_size=INDENT)


def decode_context(text: str) -> Any:
    return toon_format.decode(text, indent_size=INDENT)
