"""Reading Kaggle's answers: every error shape it is known to send, mapped to one typed hierarchy.

Shapes (reference §1.5, §1.6, §6): ``{"code": 4xx, "message": ...}`` at any HTTP status, including
200 (the official SDK treats a 2xx with a top-level ``code >= 400`` as an error, so must we); the
Google front end's ``{"error": {"code": 429, "message": ..., "status": "RESOURCE_EXHAUSTED"}}`` with
``Retry-After``; and bare statuses with an HTML or empty body. Success bodies are JSON objects,
parsed whatever their Content-Type (again as the SDK does).
"""

from __future__ import annotations

import errno
import json
import logging
import re
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from ..textsafe import may_hold_surrogates, scrub_tree
from .credentials import HOW_TO_CONFIGURE
from .errors import (
    BadRequest,
    Forbidden,
    GarbledResponse,
    KaggleError,
    KaggleUnreachable,
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
KAGGLE_WEB_HOSTS = ("www.kaggle.com", "kaggle.com")


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


def _rules_page(message: str, competition: str, response: httpx.Response) -> str:
    """Where to accept `competition`'s rules: the page the refusal names if it is on kaggle.com or on the
    API's own host (the sandbox serves its own Rules page), else kaggle.com's."""
    try:
        api_host = response.request.url.host
    except RuntimeError:  # a response built without its request
        api_host = None
    pattern = rf"https?://[^\s\"'<>]+/competitions/{re.escape(competition)}/rules(?:\?[^\s\"'<>]*)?"
    for found in re.finditer(pattern, message):
        named = httpx.URL(found.group(0).rstrip(".,;)"))
        if named.host in KAGGLE_WEB_HOSTS or named.host == api_host:
            return str(named)
    return RULES_URL.format(competition=competition)


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
        url = _rules_page(message, competition, response) if rules and competition else None
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


# What each transport failure means, in words of our own: httpx's texts may quote a header value (h11's
# "Illegal header value b'Bearer ...'") or a signed URL, so they never reach a message or a log line.
_TRANSPORT_FAILURES: tuple[tuple[type[httpx.TransportError], str], ...] = (
    (httpx.ConnectTimeout, "connecting timed out"),
    (httpx.ReadTimeout, "Kaggle did not answer in time"),
    (httpx.WriteTimeout, "sending the request timed out"),
    (httpx.PoolTimeout, "no connection was free in time"),
    (httpx.ProxyError, "the proxy refused the connection"),
    (httpx.UnsupportedProtocol, "the endpoint URL is not http:// or https://"),
    (httpx.LocalProtocolError, "the request could not be sent: a header value is not valid HTTP"),
    (httpx.RemoteProtocolError, "the connection was closed mid-answer"),
    (httpx.ReadError, "reading the answer failed (connection reset)"),
    (httpx.WriteError, "sending the request failed (connection reset)"),
)


def _connect_failure(exc: BaseException) -> str:
    """Why no connection could be made, read from the OS error under httpx's (never its text)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return "the host name could not be resolved (DNS)"
        if isinstance(cause, ConnectionRefusedError):
            return "the connection was refused"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "the network is unreachable"
        cause = cause.__cause__ or cause.__context__
    return "no connection could be made"


def describe_transport_failure(exc: BaseException) -> str:
    """``ClassName: what happened``, safe for answers and logs (no header value, no URL)."""
    if isinstance(exc, httpx.ConnectError):
        return f"ConnectError: {_connect_failure(exc)}"
    for kind, meaning in _TRANSPORT_FAILURES:
        if isinstance(exc, kind):
            return f"{type(exc).__name__}: {meaning}"
    return type(exc).__name__


class _HeaderValuesNotLogged(logging.Filter):
    """httpcore's DEBUG trace prints the exception of a failed send, and h11's text for a refused header
    quotes its value (``Illegal header value b'Bearer ...'``): such a record keeps its event, not the text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "LocalProtocolError" in record.msg:
            event = record.msg.split(" exception=", 1)[0]
            record.msg, record.args = f"{event} exception=LocalProtocolError(<not logged: it may quote a header>)", ()
        return True


def keep_header_values_out_of_logs() -> None:
    """Install the filter on httpcore's protocol loggers (idempotent; the client calls it once)."""
    for name in ("httpcore.http11", "httpcore.http2"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _HeaderValuesNotLogged) for f in logger.filters):
            logger.addFilter(_HeaderValuesNotLogged())


def network_error(exc: httpx.TransportError, rpc: str, *, retried: bool, endpoint: str | None = None) -> NetworkError:
    """Name the failure without the URL (signed URLs are capabilities) and say what to do next.

    A failure to connect at all is ``KaggleUnreachable``: offline or a wrong endpoint, and nothing was sent.
    """
    what = describe_transport_failure(exc)
    if isinstance(exc, httpx.ConnectError):
        host = urlsplit(endpoint).netloc if endpoint else "the Kaggle API"
        return KaggleUnreachable(
            f"Kaggle is unreachable at {host} ({what})",
            rpc=rpc,
            hint="Nothing was sent. Check this machine's network connection (and KAGGLE_API_ENDPOINT if it is set), "
            "then retry.",
        )
    hint = (
        None if retried else "This call is not retried automatically: check whether it took effect before repeating it."
    )
    return NetworkError(f"network failure talking to Kaggle: {what}", rpc=rpc, hint=hint)


def unsendable(rpc: str) -> BadRequest:
    """A request whose text cannot be encoded (a lone surrogate, which JSON from an agent can carry): refused
    before anything is sent, with what to do instead."""
    return BadRequest("an argument holds text that cannot be sent (a lone surrogate, U+D800-U+DFFF); nothing was "
                      "sent. Pass the value as plain text.", rpc=rpc)
