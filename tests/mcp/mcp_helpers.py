"""Small helpers shared by the tests/mcp modules (not fixtures)."""

from __future__ import annotations

import re


def text_of(result) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


class ProgressLog:
    """A progress_callback for call_tool that keeps every report the server sent, in order."""

    def __init__(self) -> None:
        self.reports: list[tuple[float, float | None, str]] = []

    async def __call__(self, done: float, total: float | None, message: str | None) -> None:
        self.reports.append((done, total, message or ""))

    @property
    def messages(self) -> list[str]:
        return [message for _, _, message in self.reports]


def assert_actionable(result, *needles: str) -> str:
    """An error the model can act on: flagged, never the SDK's bare crash text, mentions each needle."""
    text = text_of(result)
    assert result.is_error, text
    assert not re.fullmatch(r"Error executing tool [\w.-]+\.?", text.strip()), text
    assert len(text) > 40, text
    for needle in needles:
        assert needle.lower() in text.lower(), f"{needle!r} not in {text!r}"
    return text


# A fence as `untrusted.Fence` writes it: its tags carry the answer's nonce, and the closing tag must match.
FENCE = re.compile(r'<untrusted-kaggle-content-(?P<nonce>[0-9a-f]{12}) source="(?P<source>[^"]*)">\n(?P<body>.*?)\n'
                   r'</untrusted-kaggle-content-(?P=nonce)>', re.S)


def fences(text: str) -> dict[str, str]:
    """The fenced blocks of an answer, by source. All share the one nonce of the answer, and the answer's
    note names it (so the model knows which closing tag is real)."""
    found = list(FENCE.finditer(text))
    nonces = {m["nonce"] for m in found}
    assert len(nonces) <= 1, f"more than one fence nonce in an answer: {nonces}"
    for nonce in nonces:
        assert text.index(f"and </untrusted-kaggle-content-{nonce}> was written by Kaggle users") < found[0].start()
    return {m["source"]: m["body"] for m in found}


def assert_only_own_fences(text: str) -> set[str]:
    """Every fence tag or look-alike in an answer is the answer's own (whatever Kaggle's text said), and an
    answer has at most one nonce. Returns the nonces seen."""
    own = set(re.findall(r"untrusted-kaggle-content-([0-9a-f]{12})", text))
    tags = re.findall(r"<\s*/?\s*untrusted[\s_-]*kaggle[\s_-]*content(-[0-9a-f]{12})?", text, re.I)
    assert all(tag and tag[1:] in own for tag in tags), (tags, text[:800])
    assert len(own) <= 1, own
    return own
