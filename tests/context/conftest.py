"""Helpers for the context tests: the real o200k tokenizer (bpe-openai), used to check estimates."""

from __future__ import annotations

import warnings

import pytest


def load_o200k():
    """bpe-openai's loader uses a deprecated importlib.resources call; pytest turns that into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from bpe_openai import get_encoding

        return get_encoding("o200k_base")


@pytest.fixture(scope="session")
def o200k():
    encoding = load_o200k()

    def count(text: str) -> int:
        # bpe-openai refuses one input over 200k tokens: count long texts in chunks
        return sum(len(encoding.encode(text[i : i + 100_000])) for i in range(0, len(text), 100_000))

    return count
