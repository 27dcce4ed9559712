"""The run-time estimator stays close to o200k on the kinds of text a context holds."""

from __future__ import annotations

import json

import toon_format

from kaggle_mcp.context.notebooks import clean_notebook, render_cells
from kaggle_mcp.context.tokens import estimate_tokens


def test_empty_and_monotone():
    assert estimate_tokens("") == 0
    assert 0 < estimate_tokens("hello") <= estimate_tokens("hello world, this is longer")


def test_close_to_o200k_on_corpus(corpus, o200k):
    texts = []
    for path in sorted((corpus / "notebooks").rglob("*.ipynb")):
        cells = clean_notebook(path.read_text(encoding="utf-8"))
        texts.append(render_cells(cells, 10**9)[0])
        texts.append(toon_format.encode({"cells": [{"kind": c.kind, "text": c.text} for c in cells]}))
    for path in sorted((corpus / "data").rglob("*.csv")):
        texts.append(path.read_text(encoding="utf-8")[:50_000])
    for path in sorted((corpus / "pages").rglob("*.md")):
        texts.append(path.read_text(encoding="utf-8"))
    total_real = total_est = 0
    for text in texts:
        real, est = o200k(text), estimate_tokens(text)
        total_real += real
        total_est += est
        assert 0.8 * real <= est <= 1.35 * real + 10, (text[:80], real, est)
    # errs slightly high overall, so a budget that fits by estimate fits for real
    assert 1.0 <= total_est / total_real <= 1.2


def test_base64_is_charged_by_length(o200k):
    import base64
    import os

    blob = base64.b64encode(os.urandom(20_000)).decode()
    assert 0.8 * o200k(blob) <= estimate_tokens(blob) <= 1.25 * o200k(blob)


def test_non_latin_text(o200k):
    text = "이상치를 가지는 feature가 2개 이상인 인덱스를 찾음 " * 20 + json.dumps({"名前": "東京"}, ensure_ascii=False)
    assert 0.6 * o200k(text) <= estimate_tokens(text) <= 1.6 * o200k(text)
