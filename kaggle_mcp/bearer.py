"""`Authorization: Bearer <secret>` checked on an ASGI scope, timing-safe (a guess learns nothing from how long
the comparison took). The HTTP app checks its KAGGLE_MCP_HTTP_TOKEN with it, the embedded sandbox its
per-process secret."""

from __future__ import annotations

import hmac
from typing import Any


def authorization_of(scope: Any) -> bytes:
    """The request's Authorization header, empty when it sent none."""
    found: bytes = dict(scope.get("headers") or []).get(b"authorization", b"")
    return found


def carries_bearer(scope: Any, secret: str) -> bool:
    return hmac.compare_digest(authorization_of(scope), f"Bearer {secret}".encode())
