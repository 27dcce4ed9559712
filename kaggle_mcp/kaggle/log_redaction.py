"""Keeping signed URLs out of the logs of the HTTP stack the client runs on.

A download RPC answers 302 with a signed storage URL: whoever holds it can fetch the file (a private
competition's data, a private notebook's output) until it expires, and an upload URL lets its holder
write. At DEBUG, httpcore logs every response's headers, `Location` included, and httpx logs every
request's full URL at INFO. The client never puts these URLs in its own messages; this filter rewrites
the records of those two libraries: `Location` values become `[redacted]`, and a URL outside the API's
RPC paths keeps only its origin. Installed when the client module is imported (idempotent), since the
client is what follows these URLs.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

REDACTED = "[redacted]"
_LOCATION = re.compile(r"""\((b'(?:content-)?location'), b(?:'[^']*'|"[^"]*")\)""", re.IGNORECASE)
_RPC_PATH = re.compile(r"^/(?:api/)?v1/[\w.]+/\w+$")


def redact_url(url: object) -> str:
    """An RPC URL as is (it names a method, nothing more); any other URL as its origin only."""
    parts = urlsplit(str(url))
    if _RPC_PATH.match(parts.path) and not parts.query:
        return str(url)
    return f"{parts.scheme}://{parts.netloc}/{REDACTED}"


class SignedUrlFilter(logging.Filter):
    """Rewrites httpx's request lines and httpcore's header dumps in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "httpx" and isinstance(record.args, tuple) and len(record.args) >= 2:
            record.args = (record.args[0], redact_url(record.args[1]), *record.args[2:])
        elif record.name.startswith("httpcore") and isinstance(record.msg, str) and "location" in record.msg.lower():
            record.msg = _LOCATION.sub(rf"(\1, b'{REDACTED}')", record.msg)
        return True


_FILTER = SignedUrlFilter()
LOGGERS = ("httpx", "httpcore.http11", "httpcore.http2")


def redact_client_logs() -> None:
    """Attach the filter to the loggers that see signed URLs (once per process)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
