"""What a token or key must look like before it goes into an HTTP header: one line of visible ASCII.

Checked where credentials are resolved (and where Kaggle hands out a new access token), so a token file
holding two tokens, a ``\\r`` or a control character fails with a sentence naming its source, instead of
httpx raising ``Illegal header value b'Bearer ...'`` with the secret in the text, and that text being
retried, logged and returned.
"""

from __future__ import annotations

import re

from .errors import MalformedCredential

_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


def check_secret(value: str, what: str, source: str) -> str:
    """``value`` stripped, if it is one line of visible ASCII; else MalformedCredential naming ``source``."""
    text = value.strip()
    if _VISIBLE_ASCII.fullmatch(text):
        return text
    if not text:
        problem = "it is empty"
    elif "\n" in text or "\r" in text:
        problem = "it spans several lines (two tokens in one file?)"
    elif " " in text or "\t" in text:
        problem = "it contains a space"
    elif any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        problem = "it contains a control character"
    else:
        problem = "it contains non-ASCII characters"
    raise MalformedCredential(
        f"the {what} from {source} is not a single line of visible ASCII: {problem}. "
        f"Keep exactly one {what} there (create a new one at https://www.kaggle.com/settings if unsure)"
    )
