"""Small helpers shared by the tests/mcp modules (not fixtures)."""

from __future__ import annotations

import re


def text_of(result) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def assert_actionable(result, *needles: str) -> str:
    """An error the model can act on: flagged, never the SDK's bare crash text, mentions each needle."""
    text = text_of(result)
    assert result.is_error, text
    assert not re.fullmatch(r"Error executing tool [\w.-]+\.?", text.strip()), text
    assert len(text) > 40, text
    for needle in needles:
        assert needle.lower() in text.lower(), f"{needle!r} not in {text!r}"
    return text


# A fence's tags, with or without the per-answer nonce suffix (`untrusted.Fence`).
FENCE = re.compile(r'<untrusted-kaggle-content(?P<nonce>-[0-9a-f]+)? source="(?P<source>[^"]*)">\n(?P<body>.*?)\n'
                   r'</untrusted-kaggle-content(?P=nonce)?>', re.S)


def fences(text: str) -> dict[str, str]:
    """The fenced blocks of an answer, by source; each must be closed by its own tag."""
    return {m["source"]: m["body"] for m in FENCE.finditer(text)}
