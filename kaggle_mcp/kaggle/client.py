"""The one object every other part of the product holds: credentials, one HTTP connection pool,
one retry policy, and the service objects named after Kaggle's own services.

Every RPC is ``POST {endpoint}/v1/{package.Service}/{Method}`` with a JSON body (reference §1.2).
Keeping a single ``httpx.AsyncClient`` means keep-alive connections are reused across the dozens of
calls an agent makes while building a competition context.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import anyio
import httpx
from tenacity import AsyncRetrying

from .. import __version__
from ..telemetry import count
from .catalog_cache import CatalogCache
from .credentials import Credentials, resolve_credentials
from .errors import AnswerTooLarge, BadRequest, Forbidden, NotFound, ProtocolError, Unauthorized
from .log_redaction import redact_client_logs
from .protocol import decode, error_for, keep_header_values_out_of_logs, network_error, unsendable
from .retry import RetryMode, retrying
from .tls import trust_store
from .wire import WireModel, WireRequest

if TYPE_CHECKING:
    from .blobs import BlobService
    from .competitions import CompetitionService
    from .datasets import DatasetService
    from .discussions import DiscussionService
    from .kernels import KernelService
    from .model_hub import ModelService
    from .search import SearchService
    from .security import SecurityService
    from .transfer import Transfers
    from .users import AccountService

log = logging.getLogger(__name__)
keep_header_values_out_of_logs()
redact_client_logs()  # signed URLs must not reach the logs of httpx/httpcore either

M = TypeVar("M", bound=WireModel)

DEFAULT_ENDPOINT = "https://api.kaggle.com"


@dataclass(frozen=True)
class ClientSettings:
    """Where Kaggle is and how patient to be with it."""

    endpoint: str = DEFAULT_ENDPOINT
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    write_timeout: float = 60.0
    #: storage servers may pause mid-stream on large files; a longer read timeout for transfers
    transfer_read_timeout: float = 300.0
    #: total seconds one call may spend waiting between retries (KAGGLE_MCP_RETRY_SECONDS)
    retry_seconds: float = 60.0
    max_attempts: int = 8
    #: seconds a catalog list (competitions, data files, notebooks, datasets) is answered from memory
    #: (KAGGLE_MCP_LIST_CACHE_SECONDS, 0 = never); any write through this client forgets them all
    list_cache_seconds: float = 30.0
    #: the largest RPC answer read (KAGGLE_MCP_MAX_ANSWER_MB); GetKernel carries a notebook with its
    #: outputs, and parsing costs ~3x the answer in memory, so a bloated one is refused, not read
    max_answer_bytes: int = 64 << 20
    #: bytes per read/write while streaming files; 1 MiB keeps syscalls few and memory flat
    chunk_size: int = 1 << 20
    user_agent: str = f"kaggle-agent-mcp/{__version__}"
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "endpoint", self.endpoint.rstrip("/"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> ClientSettings:
        env = os.environ if env is None else env
        settings = cls(endpoint=env.get("KAGGLE_API_ENDPOINT") or DEFAULT_ENDPOINT)
        if env.get("KAGGLE_MCP_RETRY_SECONDS"):
            settings = replace(settings, retry_seconds=float(env["KAGGLE_MCP_RETRY_SECONDS"]))
        if env.get("KAGGLE_MCP_TIMEOUT_SECONDS"):
            settings = replace(settings, read_timeout=float(env["KAGGLE_MCP_TIMEOUT_SECONDS"]))
        if env.get("KAGGLE_MCP_LIST_CACHE_SECONDS"):
            settings = replace(settings, list_cache_seconds=float(env["KAGGLE_MCP_LIST_CACHE_SECONDS"]))
        if env.get("KAGGLE_MCP_MAX_ANSWER_MB"):
            settings = replace(settings, max_answer_bytes=int(float(env["KAGGLE_MCP_MAX_ANSWER_MB"]) * (1 << 20)))
        return replace(settings, **overrides) if overrides else settings  # type: ignore[arg-type]


def same_origin(a: str, b: str) -> bool:
    """Scheme, host and port equal: the only case where Authorization may follow a URL."""
    pa, pb = urlsplit(a), urlsplit(b)
    default = {"http": 80, "https": 443}
    return (
        pa.scheme == pb.scheme
        and (pa.hostname or "").lower() == (pb.hostname or "").lower()
        and (pa.port or default.get(pa.scheme)) == (pb.port or default.get(pb.scheme))
    )


class KaggleClient:
    """Async Kaggle API client. Use as ``async with KaggleClient(settings) as kc: ...``.

    ``credentials=None`` resolves them (reference §2 order) on first use, not at construction, so
    building a client never touches the file system or the network; the first request resolves them in
    a worker thread and renews a ``kaggle auth login`` access token when it is due. ``transport`` lets tests wrap
    the real HTTP transport (for example to record request bodies); if it is also a synchronous
    ``httpx.BaseTransport`` it serves the download worker threads too. ``clock`` (seconds, monotonic) is
    what ages catalog answers; tests pass one they can move.
    """

    def __init__(
        self,
        settings: ClientSettings | None = None,
        credentials: Credentials | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or ClientSettings.from_env()
        self._credentials = credentials
        self._username: str | None = None
        self._identity_lock = anyio.Lock()
        self._transport = transport
        self._sync_http: httpx.Client | None = None
        self.http = httpx.AsyncClient(**self._client_options(), transport=transport)
        ttl = self.settings.list_cache_seconds
        self._catalog = CatalogCache(self._send, ttl, clock) if ttl > 0 else None

    # Services are built on first use: each imports its wire models, and most sessions use only a few.

    @cached_property
    def transfers(self) -> Transfers:
        from .transfer import Transfers

        return Transfers(self)

    @cached_property
    def competitions(self) -> CompetitionService:
        from .competitions import CompetitionService

        return CompetitionService(self)

    @cached_property
    def kernels(self) -> KernelService:
        from .kernels import KernelService

        return KernelService(self)

    @cached_property
    def datasets(self) -> DatasetService:
        from .datasets import DatasetService

        return DatasetService(self)

    @cached_property
    def blobs(self) -> BlobService:
        from .blobs import BlobService

        return BlobService(self)

    @cached_property
    def security(self) -> SecurityService:
        from .security import SecurityService

        return SecurityService(self)

    @cached_property
    def users(self) -> AccountService:
        from .users import AccountService

        return AccountService(self)

    @cached_property
    def discussions(self) -> DiscussionService:
        from .discussions import DiscussionService

        return DiscussionService(self)

    @cached_property
    def models(self) -> ModelService:
        """Kaggle Models (``model_hub``; the ``models`` package holds the wire types)."""
        from .model_hub import ModelService

        return ModelService(self)

    @cached_property
    def search(self) -> SearchService:
        from .search import SearchService

        return SearchService(self)

    async def __aenter__(self) -> KaggleClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._catalog is not None:
            await self._catalog.close()
        await self.http.aclose()
        if self._sync_http is not None:
            self._sync_http.close()

    def _client_options(self) -> dict[str, Any]:
        s = self.settings
        return {
            "timeout": httpx.Timeout(s.read_timeout, connect=s.connect_timeout, write=s.write_timeout),
            "limits": httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30),
            "follow_redirects": False,  # redirects carry signed URLs; transfers decide about auth per hop
            "headers": {"User-Agent": s.user_agent, **s.extra_headers},
            "verify": trust_store(),  # one per process (tls.py): loading a CA bundle costs 40-70 ms of CPU
        }

    @property
    def sync_http(self) -> httpx.Client:
        """Blocking pool used only by download worker threads (see download.py for why)."""
        if self._sync_http is None:
            transport = self._transport if isinstance(self._transport, httpx.BaseTransport) else None
            self._sync_http = httpx.Client(**self._client_options(), transport=transport)
        return self._sync_http

    def __repr__(self) -> str:
        creds = self._credentials.source if self._credentials else "unresolved"
        return f"KaggleClient(endpoint={self.settings.endpoint!r}, credentials={creds!r})"

    @property
    def credentials(self) -> Credentials:
        """The credentials, resolved now if no request has resolved them yet (this reads files: async
        code should await ``signed_in()`` instead)."""
        if self._credentials is None:
            self._credentials = resolve_credentials()
        return self._credentials

    async def signed_in(self) -> Credentials:
        """The credentials, resolved off the event loop, with a sign-in's access token fresh (one renewal
        for all concurrent callers, see ``oauth``). Every request that carries Authorization awaits this."""
        if self._credentials is None:  # resolved: no lock (it would yield to the event loop on every call)
            async with self._identity_lock:
                if self._credentials is None:
                    self._credentials = await anyio.to_thread.run_sync(resolve_credentials)
        creds = self._credentials
        if creds.oauth is not None:
            await creds.oauth.ensure_fresh(self.users.generate_access_token)
        return creds

    async def username(self) -> str | None:
        """The account's user name: configured for keys, asked of IntrospectToken for tokens (once).

        Kaggle answers an unknown token with ``active: false`` or a 400/403/404 (reference §2.1);
        all of those mean "this token is not valid" and become Unauthorized naming the source.
        """
        creds = await self.signed_in()
        if creds.kind == "anonymous":
            return None
        if creds.username:  # legacy keys, and sign-ins that saved their user name
            return creds.username
        if self._username is not None:  # known: skip the lock, which yields to the event loop while held
            return self._username
        async with self._identity_lock:
            if self._username is None:
                try:
                    answer = await self.security.introspect_token(creds.bearer_token() or "")
                except (BadRequest, Forbidden, NotFound):
                    answer = None
                if answer is None or not answer.active or not answer.username:
                    raise Unauthorized(
                        f"the API token from {creds.source} is not active (IntrospectToken)",
                        rpc="security.OAuthService/IntrospectToken",
                        hint="Create a new token at https://www.kaggle.com/settings.",
                    )
                self._username = answer.username
        return self._username

    # -- plumbing used by the service modules -------------------------------------------------

    def rpc_url(self, service: str, method: str) -> str:
        return f"{self.settings.endpoint}/v1/{service}/{method}"

    def auth_headers(self, url: str | None = None) -> dict[str, str]:
        """Authorization for the API origin only; a signed storage URL elsewhere never gets it."""
        if url is not None and not same_origin(url, self.settings.endpoint):
            return {}
        value = self.credentials.authorization()
        return {"Authorization": value} if value else {}

    def retry_policy(self, mode: RetryMode) -> AsyncRetrying:
        return retrying(self.settings.retry_seconds, self.settings.max_attempts, mode=mode)

    def rpc_headers(self, *, authorize: bool = True) -> dict[str, str]:
        auth = self.auth_headers() if authorize else {}
        return {"Content-Type": "application/json", "Accept": "application/json", **auth}

    def raise_for_answer(self, response: httpx.Response, body: bytes, rpc: str, request: WireRequest | None) -> None:
        competition = getattr(request, "competition_name", None) if request is not None else None
        error = error_for(
            response,
            body,
            rpc,
            anonymous=self.credentials.kind == "anonymous",
            competition=competition,
        )
        if error is not None:
            raise error

    async def _read_answer(self, response: httpx.Response, rpc: str) -> bytes:
        """The body, refused past ``max_answer_bytes`` (checked against Content-Length first).

        The copy to bytes is freed with the buffer on return, before decoding (which peaks at ~3x the body:
        bytes, decoded text, parsed values), so it does not raise the peak.
        """
        limit = self.settings.max_answer_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise AnswerTooLarge(f"the answer is {int(declared) >> 20} MB, over the {limit >> 20} MB limit", rpc=rpc)
        buf = bytearray()
        async for chunk in response.aiter_bytes():
            buf += chunk
            if len(buf) > limit:
                raise AnswerTooLarge(f"the answer is over the {limit >> 20} MB limit; reading stopped there", rpc=rpc)
        return bytes(buf)

    async def call(
        self,
        service: str,
        method: str,
        request: WireRequest | None,
        response_type: type[M],
        *,
        retry: RetryMode = "read",
        catalog: bool = False,
        authorize: bool = True,
    ) -> M:
        """One RPC: serialize, POST, map errors, parse. ``retry="unsent"`` for non-idempotent writes;
        ``authorize=False`` sends no Authorization (renewing a sign-in's token must not need that token).

        ``catalog=True`` marks a list whose answer may be reused for ``list_cache_seconds``; a write forgets
        every such answer (after it is sent, whatever its outcome), so an agent sees its own push or upload.
        """
        if catalog and self._catalog is not None:
            return await self._catalog.get(service, method, request, response_type)
        if retry != "unsent":
            return await self._send(service, method, request, response_type, retry, authorize)
        try:
            return await self._send(service, method, request, response_type, retry, authorize)
        finally:
            if self._catalog is not None:
                self._catalog.clear()

    async def _send(
        self, service: str, method: str, request: WireRequest | None, response_type: type[M],
        retry: RetryMode = "read", authorize: bool = True,
    ) -> M:  # fmt: skip
        rpc = f"{service}/{method}"
        url = self.rpc_url(service, method)
        payload = request.to_wire() if request is not None else {}
        if authorize:
            await self.signed_in()
        try:
            async for attempt in self.retry_policy(retry):
                with attempt:
                    if attempt.retry_state.attempt_number > 1:
                        count("upstream_retries", rpc=rpc)
                    started = time.monotonic()
                    headers = self.rpc_headers(authorize=authorize)
                    async with self.http.stream("POST", url, json=payload, headers=headers) as response:
                        count("upstream_requests", rpc=rpc, status=str(response.status_code))
                        body = await self._read_answer(response, rpc)
                    log.debug("%s -> %d in %.0f ms", rpc, response.status_code, 1000 * (time.monotonic() - started))
                    self.raise_for_answer(response, body, rpc, request)
                    if 300 <= response.status_code < 400:
                        raise ProtocolError(
                            f"unexpected redirect {response.status_code}", status=response.status_code, rpc=rpc
                        )
                    return decode(response_type, body, rpc)
        except httpx.TransportError as exc:
            raise network_error(exc, rpc, retried=retry == "read", endpoint=self.settings.endpoint) from exc
        except UnicodeEncodeError:  # raised while httpx encodes the body, before a byte is sent
            raise unsendable(rpc) from None
        raise AssertionError("unreachable")  # pragma: no cover - reraise=True always exits above
