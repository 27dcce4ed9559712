"""`Authorization: Bearer <secret>` checked on an ASGI scope, timing-safe (a guess learns nothing from how long
the comparison took). The HTTP app checks its KAGGLE_MCP_HTTP_TOKEN with it, the embedded sandbox its
per-process secret."""

from __future__ import annotations

import hmac
from typing import Any


def carries_bearer(scope: Any, secret: str) -> bool:
    given = dict(scope.get("headers") or []).get(b"authorization", b"")
    return hmac.compare_digest(given, f"Bearer {secret}".encode())
