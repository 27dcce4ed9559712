"""TOON through toon-format: what the context encodes is exactly what decodes back."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

import toon_format

from kaggle_mcp.context.encode import decode_context, encode_context

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not (f == 0 and math.copysign(1, f) < 0))
    | st.text(max_size=40)
    | st.sampled_from(["", "null", "true", "12", "-3.5", "a,b", "a: b", "- x", '"q"', "x\ny", "  pad ", "[1]", "{a}", "é 名前"])
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), _json, max_size=6))
def test_round_trip_arbitrary_documents(data):
    assert decode_context(encode_context(data)) == data


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({"kind": st.sampled_from(["markdown", "code", "output"]), "text": st.text(max_size=200)}), max_size=10))
def test_round_trip_cell_tables(cells):
    doc = {"notebooks": [{"ref": "a/b", "cells": cells}]}
    assert decode_context(encode_context(doc)) == doc


def test_tables_are_tabular():
    doc = {"leaderboard": [{"rank": 1, "team": "a, b", "score": 0.5}, {"rank": 2, "team": "c", "score": None}]}
    text = encode_context(doc)
    assert text.startswith("leaderboard[2]{rank,team,score}:\n  1,")
    assert decode_context(text) == doc


def test_a_default_decoder_reads_a_real_context(sandbox, tmp_path):
    """What the resource, the REST toon_content and the context command print: toon_format.decode with
    no options gives the document back."""
    import anyio

    from kaggle_mcp.context import ContextService, SqliteStore
    from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    async def build():
        store = SqliteStore(tmp_path / "context.sqlite3")
        try:
            async with KaggleClient(ClientSettings(endpoint=sandbox.url), Credentials.token(SANDBOX_TOKEN)) as kc:
                return await ContextService(kc, store).get("titanic", top_notebooks=2, max_tokens=6000)
        finally:
            store.close()

    result = anyio.run(build)
    assert "\n  " in result.toon and toon_format.decode(result.toon) == result.data
