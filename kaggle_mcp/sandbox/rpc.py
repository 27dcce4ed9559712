"""RPC plumbing shared by the service modules: registry, typed field access, errors, paging.

Kaggle's backend is proto3-JSON: a field of the wrong type is a 400 naming the field, int64s may come
as strings, booleans as ``"true"``. Handlers read fields through ``Req`` so every RPC gets those
rules (and the 400 shape) without repeating them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from kaggle_mcp.sandbox.settings import SandboxSettings
from kaggle_mcp.sandbox.world import World

T = TypeVar("T")


class RpcError(Exception):
    """An API error: becomes ``{"code": status, "message": message}`` with the same HTTP status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def not_found(message: str) -> RpcError:
    return RpcError(404, message)


def forbidden(message: str) -> RpcError:
    return RpcError(403, message)


def bad_request(message: str) -> RpcError:
    return RpcError(400, message)


@dataclass
class Ctx:
    """What a handler may use: the world, the caller, and how to build absolute URLs."""

    world: World
    settings: SandboxSettings
    user: str | None
    base_url: str
    runner: Any = None
    persist: Callable[[], None] = lambda: None
    work_dir: Any = None

    def require_user(self) -> str:
        if self.user is None:
            raise RpcError(401, "Unauthorized")
        return self.user

    def blob_url(self, blob_id: str, file_name: str) -> str:
        """Absolute download URL whose last segment is the name clients save under.

        In the hostile world the whole stored name (``../x``, ``/etc/x``) is put there, percent-encoded,
        so a client that trusts the URL's basename is caught writing outside its directory.
        """
        from urllib.parse import quote

        if self.world.hostile:
            return f"{self.base_url}/blobs/{blob_id}/{quote(file_name, safe='')}"
        return f"{self.base_url}/blobs/{blob_id}/{quote(file_name.rsplit('/', 1)[-1])}"


class Req:
    """Typed access to a JSON request object; wrong types are 400s that name the field."""

    def __init__(self, body: dict[str, Any]):
        self.body = body

    def _get(self, name: str) -> Any:
        value = self.body.get(name)
        return None if value is None else value

    def str(self, name: str, default: str = "") -> str:
        value = self._get(name)
        if value is None:
            return default
        if not isinstance(value, str):
            raise bad_request(f"Invalid value at '{name}' (TYPE_STRING), {_show(value)}")
        return value

    def int(self, name: str, default: int | None = 0) -> int | None:
        value = self._get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, str, float)):
            raise bad_request(f"Invalid value at '{name}' (TYPE_INT64), {_show(value)}")
        try:
            number = int(value) if not isinstance(value, float) else value
        except ValueError:
            raise bad_request(f"Invalid value at '{name}' (TYPE_INT64), {_show(value)}") from None
        if isinstance(number, float):
            if not number.is_integer():
                raise bad_request(f"Invalid value at '{name}' (TYPE_INT64), {_show(value)}")
            number = int(number)
        return number

    def bool(self, name: str, default: bool | None = False) -> bool | None:
        value = self._get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise bad_request(f"Invalid value at '{name}' (TYPE_BOOL), {_show(value)}")

    def strs(self, name: str) -> list[str]:
        value = self._get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad_request(f"Invalid value at '{name}' (TYPE_STRING), {_show(value)}")
        return value

    def obj(self, name: str) -> "Req":
        value = self._get(name)
        if value is None:
            return Req({})
        if not isinstance(value, dict):
            raise bad_request(f"Invalid value at '{name}' (TYPE_MESSAGE), {_show(value)}")
        return Req(value)

    def objs(self, name: str) -> list["Req"]:
        value = self._get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise bad_request(f"Invalid value at '{name}' (TYPE_MESSAGE), {_show(value)}")
        return [Req(v) for v in value]

    def enum(self, name: str, allowed: Sequence[str], default: str) -> str:
        value = self.str(name, default) or default
        if value not in allowed:
            raise bad_request(f"Invalid value at '{name}', {_show(value)}")
        return value


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) < 80 else text[:77] + "..."


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_token(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, value = raw.partition(":")
        offset = int(value)
        if kind != "offset" or offset < 0:
            raise ValueError
        return offset
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"Invalid page token: {_show(token)}") from None


def paginate(items: Sequence[T], req: Req, default_size: int = 20, max_size: int = 200,
             legacy_page: bool = False) -> tuple[list[T], str]:
    """Token paging with the legacy 1-based ``page`` fallback (reference §1.7)."""
    size = req.int("pageSize", None)
    if size is None or size == 0:
        size = default_size
    if size < 0:
        raise bad_request("pageSize must be positive")
    size = min(size, max_size)
    token = req.str("pageToken")
    if token:
        start = decode_token(token)
    elif legacy_page:
        page = req.int("page", 1) or 1
        if page < 1:
            raise bad_request("page must be 1 or greater")
        start = (page - 1) * size
    else:
        start = 0
    chunk = list(items[start:start + size])
    following = start + size
    return chunk, encode_token(following) if following < len(items) else ""


Handler = Callable[[Ctx, Req], Any]
REGISTRY: dict[str, dict[str, tuple[Handler, bool]]] = {}


def rpc(service: str, method: str, anonymous: bool = False) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``POST /v1/{service}/{method}``; ``anonymous`` lets no-auth calls in."""

    def register(handler: Handler) -> Handler:
        REGISTRY.setdefault(service, {})[method] = (handler, anonymous)
        return handler

    return register


def clean(obj: Any) -> Any:
    """Drop None values recursively: proto3 JSON never carries null."""
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [clean(v) for v in obj]
    return obj
