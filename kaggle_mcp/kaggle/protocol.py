"""Reading Kaggle's answers: every error shape it is known to send, mapped to one typed hierarchy.

Shapes (reference §1.5, §1.6, §6): ``{"code": 4xx, "message": ...}`` at any HTTP status, including
200 (the official SDK treats a 2xx with a top-level ``code >= 400`` as an error, so must we); the
Google front end's ``{"error": {"code": 429, "message": ..., "status": "RESOURCE_EXHAUSTED"}}`` with
``Retry-After``; and bare statuses with an HTML or empty body. Success bodies are JSON objects,
parsed whatever their Content-Type (again as the SDK does).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from ..textsafe import may_hold_surrogates, scrub_tree
from .credentials import HOW_TO_CONFIGURE
from .errors import (
    BadRequest,
    Forbidden,
    GarbledResponse,
    KaggleError,
    NetworkError,
    NoCredentials,
    NotFound,
    ProtocolError,
    RateLimited,
    ServerError,
    Unauthorized,
)
from .wire import WireModel

M = TypeVar("M", bound=WireModel)

RULES_URL = "https://www.kaggle.com/competitions/{competition}/rules"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3); None if neither."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def error_for(
    response: httpx.Response,
    body: bytes,
    rpc: str | None,
    *,
    anonymous: bool = False,
    competition: str | None = None,
) -> KaggleError | None:
    """The error this answer represents, or None when it is a success."""
    data = _json_or_none(body)
    status = response.status_code
    message: str | None = None
    if isinstance(data, dict):
        code = _int_or_none(data.get("code"))
        nested = data.get("error")
        if code is not None and code >= 400:
            status, message = code, str(data.get("message") or "")
        elif status >= 400 and isinstance(nested, dict):
            status = _int_or_none(nested.get("code")) or status
            message = str(nested.get("message") or "")
    if status < 400:
        return None
    if not message:
        reason = response.reason_phrase or httpx.codes.get_reason_phrase(status)
        message = f"{status} {reason}".strip()
        if data is None and body.strip():
            snippet = body[:200].decode("utf-8", "replace").strip().replace("\n", " ")
            message += f": {snippet}"
    return _classify(status, message, rpc, response, anonymous=anonymous, competition=competition)


def _classify(
    status: int,
    message: str,
    rpc: str | None,
    response: httpx.Response,
    *,
    anonymous: bool,
    competition: str | None,
) -> KaggleError:
    if status == 401:
        if anonymous:
            return NoCredentials(message, status=status, rpc=rpc, hint=HOW_TO_CONFIGURE)
        return Unauthorized(message, status=status, rpc=rpc, hint="The configured Kaggle credentials were rejected.")
    if status == 403:
        rules = "rule" in message.lower()
        url = RULES_URL.format(competition=competition) if rules and competition else None
        hint = None
        if rules:
            where = f" at {url}" if url else " on the competition's Rules page"
            hint = f"Accept the competition rules{where} (signed in as this account), then retry."
        return Forbidden(message, status=status, rpc=rpc, rules_not_accepted=rules, rules_url=url, hint=hint)
    if status == 404:
        return NotFound(message, status=status, rpc=rpc)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimited(message, status=status, rpc=rpc, retry_after=retry_after)
    if status >= 500:
        return ServerError(message, status=status, rpc=rpc)
    return BadRequest(message, status=status, rpc=rpc)


def decode(response_type: type[M], body: bytes, rpc: str) -> M:
    """Parse a success body into its model; anything unreadable is a ProtocolError, not a crash."""
    data = _json_or_none(body)
    if data is None and not body.strip():
        data = {}
    if data is None:
        raise GarbledResponse(f"expected a JSON object from Kaggle, got {body[:120]!r}", rpc=rpc)
    if not isinstance(data, dict):
        raise ProtocolError(f"expected a JSON object from Kaggle, got {body[:120]!r}", rpc=rpc)
    if may_hold_surrogates(body):
        data = scrub_tree(data)
    try:
        return response_type.model_validate(data)
    except ValidationError as exc:
        raise ProtocolError(f"unexpected response shape: {exc.errors()[:3]}", rpc=rpc) from None


def network_error(exc: httpx.TransportError, rpc: str, *, retried: bool) -> NetworkError:
    """Name the failure without the URL (signed URLs are capabilities) and say what to do next."""
    hint = (
        None if retried else "This call is not retried automatically: check whether it took effect before repeating it."
    )
    return NetworkError(f"network failure talking to Kaggle: {type(exc).__name__}: {exc}", rpc=rpc, hint=hint)
