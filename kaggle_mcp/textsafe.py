"""Lone surrogates out of text that came from Kaggle.

JSON may legally escape half of a surrogate pair (`"\\ud800"`); Python decodes it into a `str` that
cannot be encoded as UTF-8, so the first write, TOON encode or JSON-RPC answer that meets it fails.
Every layer that parses JSON from Kaggle (the client's answers, a notebook's source inside them)
passes the result through here, replacing each lone surrogate with U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any


def scrub(text: str) -> str:
    """`text` with lone surrogates replaced; the same object when there are none (the common case)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def scrub_tree(value: Any) -> Any:
    """`scrub` applied to every string (keys included) of a decoded JSON value."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(k) if isinstance(k, str) else k: scrub_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_tree(v) for v in value]
    return value


def may_hold_surrogates(raw: bytes | str) -> bool:
    """Cheap pre-check on undecoded JSON (no copy of it): only a `\\uD800`-`\\uDFFF` escape can make one.
    A false positive (an escaped backslash before `ud8..`) only costs a scrub walk."""
    if isinstance(raw, bytes):
        return _ESCAPE_BYTES.search(raw) is not None
    return _ESCAPE_TEXT.search(raw) is not None


_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_ESCAPE_TEXT = re.compile(r"\\u[dD][89a-fA-F]")
