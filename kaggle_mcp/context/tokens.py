"""A cheap token estimator, calibrated against OpenAI's o200k tokenizer.

Why not the real tokenizer at run time: the budget is re-measured many times while a context is
fitted (every cell of every notebook, every section after each cut), a real BPE pass costs far more
than the regex pass below, and o200k is only a proxy for whatever model reads the context anyway.
Benchmarks and tests measure with the real tokenizer (`bpe-openai`); this module only has to be
close (within ~15% on code, prose, CSV and TOON, checked in tests/context/test_tokens.py) and
should err on the high side, so a budget that fits by this estimate also fits in practice.

The model mirrors o200k's pre-tokenisation: a word (with its leading space) is one token up to
five letters and grows slowly after that; digits go in groups of three; short punctuation runs
merge; a line break with its indentation is about one token; other scripts are charged per
character. Long base64-like runs (which cleaning removes, but raw notebooks are full of) are
charged by length, because BPE splits them into ~1.5 character pieces.
"""

from __future__ import annotations

import re

__all__ = ["estimate_tokens"]

_PIECES = re.compile(
    r"(?P<b64>[A-Za-z0-9+/]{40,}={0,2})"
    r"|(?P<word>[A-Za-z]+)"
    r"|(?P<num>\d+)"
    r"|(?P<punct>[^\w\s]+)"
    r"|(?P<nl>[ \t]*\n[\n \t]*)"
    r"|(?P<sp>[ \t]{2,})"
    r"|(?P<other>[^\x00-\x7f])"
)

# Fitted on the corpus notebooks' sources, pages and scripts (o200k_base), rounded up slightly.
_WORD_EXTRA_PER_LETTER = 0.18  # beyond five letters
_B64_CHARS_PER_TOKEN = 1.5
_OTHER_PER_CHAR = 0.75


def estimate_tokens(text: str) -> int:
    """Estimated o200k token count of `text` (0 for an empty string)."""
    if not text:
        return 0
    total = 0.0
    for match in _PIECES.finditer(text):
        kind = match.lastgroup
        piece = match.group()
        if kind == "word":
            n = len(piece)
            total += 1.0 if n <= 5 else 1.0 + (n - 5) * _WORD_EXTRA_PER_LETTER
        elif kind == "num":
            total += (len(piece) + 2) // 3
        elif kind == "punct":
            n = len(piece)
            total += 1.0 if n <= 2 else n * 0.5
        elif kind == "nl":
            total += 1.0 if len(piece) <= 2 else 1.5
        elif kind == "sp":
            total += 1.0
        elif kind == "b64":
            total += len(piece) / _B64_CHARS_PER_TOKEN
        else:
            total += _OTHER_PER_CHAR
    return int(total) + 1
