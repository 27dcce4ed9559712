"""Multi-user mode: who sent an HTTP request, and the Account that request acts as.

A hosted deployment holds no Kaggle credentials of its own: every request carries its caller's, as
`Authorization: Bearer KGAT_...` (an API token) or `Basic base64(username:key)` (a legacy key), the way
Kaggle's own hosted MCP server takes them. The first request of a credential is checked with Kaggle
(IntrospectToken for a token, one cheap authenticated call for a key) and the answer, the Kaggle user
name, is remembered for CALLER_TTL_SECONDS under an HMAC of the header keyed by a secret of this process:
neither the token nor a plain hash of it is kept as a key, and concurrent first requests share one check.

Each caller gets what isolates them from the others: a Kaggle client of their own (its connections and
list cache are theirs; the clients form a bounded pool, idle ones are closed), a workspace
`<root>/<user>/`, and per-user limits on calls, context builds and waits in flight. A credential Kaggle
refused is remembered for REFUSAL_TTL_SECONDS, so a client retrying a bad token does not hammer Kaggle.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from .telemetry import count

if TYPE_CHECKING:
    from .context.store import ContextStore
    from .kaggle.client import KaggleClient
    from .kaggle.credentials import Credentials
    from .settings import Settings
    from .workflows.account import Account

__all__ = ["ACCOUNT_KEY", "USER_KEY", "Caller", "CallerRefused", "Callers"]

log = logging.getLogger(__name__)

CALLER_TTL_SECONDS = 300.0
REFUSAL_TTL_SECONDS = 30.0
IDLE_SECONDS = 300.0
SWEEP_SECONDS = 30.0
MAX_CALLERS = 256
CALLS_PER_USER = 8
BUILDS_PER_USER = 2
WAITS_PER_USER = 4
RETRY_AFTER_SECONDS = 5
#: where the ASGI scope of an admitted request carries its Account (see `Deployment.account_for`)
ACCOUNT_KEY = "kaggle_mcp.account"
#: and the Kaggle user name (for the access log)
USER_KEY = "kaggle_mcp.user"
#: a Kaggle user name becomes a directory name: letters, digits, `_`, `-` and `.`, never `.` or `..`
USER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")

HOW_TO_SIGN_IN = ("Send your own Kaggle credentials with every request: `Authorization: Bearer <your Kaggle API "
                  "token>` (create one at https://www.kaggle.com/settings, API section), or `Authorization: Basic "
                  "<base64 of username:key>` for a legacy kaggle.json key. This server is in multi-user mode: it "
                  "holds no Kaggle account of its own and KAGGLE_MCP_HTTP_TOKEN does not apply.")


class CallerRefused(Exception):
    """A request this deployment will not serve: `status` 401 (credentials), 429 (a per-user limit),
    503 (Kaggle could not be asked, or every client slot is busy). The message says what to do."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@dataclass
class _UserLimits:
    """Shared by every credential of one Kaggle user on this replica."""

    calls: int = 0
    builds: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(BUILDS_PER_USER))
    waits: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(WAITS_PER_USER))


@dataclass
class Caller:
    """One validated credential: whose it is, the Account it acts as, and how many requests use it now."""

    user: str
    account: Account
    valid_until: float
    last_used: float
    in_flight: int = 0
    retired: bool = False


def credentials_in(authorization: str) -> Credentials:
    """The credentials an Authorization header carries; CallerRefused(401) for anything else."""
    from .kaggle.credentials import Credentials
    from .kaggle.errors import MalformedCredential

    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    try:
        if scheme.lower() == "bearer" and value:
            return Credentials.token(value, source="the caller's Authorization header (API token)")
        if scheme.lower() == "basic" and value:
            try:
                user, sep, key = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user, sep, key = "", "", ""
            if sep and user and key:
                return Credentials.legacy_key(user, key, source="the caller's Authorization header (legacy key)")
    except MalformedCredential:
        pass
    raise CallerRefused(401, f"The Authorization header holds no usable Kaggle credential. {HOW_TO_SIGN_IN}")


class Callers:
    """The callers this replica knows: validated credentials (by keyed digest), their clients and accounts."""

    def __init__(self, settings: Settings, new_client: Callable[[Credentials], KaggleClient],
                 store: Callable[[], Awaitable[ContextStore]], *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.root = settings.workspace_root()
        self._new_client = new_client
        self._store = store
        self._clock = clock
        self._secret = secrets.token_bytes(32)
        self._callers: OrderedDict[str, Caller] = OrderedDict()  # least recently used first
        self._refused: dict[str, tuple[float, CallerRefused]] = {}
        self._checking: dict[str, anyio.Event] = {}
        self._limits: dict[str, _UserLimits] = {}
        self._retired: list[Caller] = []
        self._swept_at = clock()

    def digest(self, authorization: str) -> str:
        return hmac.new(self._secret, authorization.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()

    @asynccontextmanager
    async def admitted(self, authorization: str | None) -> AsyncIterator[Caller]:
        """The caller, for the length of one request, counted against its user's limit on calls in flight;
        its client stays open until the request ends."""
        caller = await self._caller(authorization)
        limits = self._limits[caller.user]
        if limits.calls >= CALLS_PER_USER:
            count("limits_hit", limit="calls")
            raise CallerRefused(429, f"You already have {CALLS_PER_USER} calls in flight on this server; retry when "
                                     "one of them has finished.", retry_after=RETRY_AFTER_SECONDS)
        limits.calls += 1
        caller.in_flight += 1
        try:
            yield caller
        finally:
            limits.calls -= 1
            await self._release(caller)

    def hold(self, account: Account) -> Callable[[], Awaitable[None]] | None:
        """Counts work that outlives its request (a build answered before it runs) as a use of `account`'s
        client from now until the returned release is awaited, so the pool neither sweeps nor closes the
        client under it. None for an account that is no caller's (the server's own needs no hold)."""
        caller = next((c for c in (*self._callers.values(), *self._retired) if c.account is account), None)
        if caller is None:
            return None
        caller.in_flight += 1
        return lambda: self._release(caller)

    async def _release(self, caller: Caller) -> None:
        caller.in_flight -= 1
        caller.last_used = self._clock()
        if caller.retired and caller.in_flight == 0:
            await self._close(caller)

    async def _caller(self, authorization: str | None) -> Caller:
        if not authorization or not authorization.strip():
            raise CallerRefused(401, f"This request carries no Kaggle credentials. {HOW_TO_SIGN_IN}")
        digest = self.digest(authorization)
        while True:
            now = self._clock()
            if now - self._swept_at > SWEEP_SECONDS:
                await self._sweep(now)
            caller = self._callers.get(digest)
            if caller is not None and caller.valid_until > now:
                self._callers.move_to_end(digest)
                return caller
            refused = self._refused.get(digest)
            if refused is not None and refused[0] > now:
                raise refused[1]
            checking = self._checking.get(digest)
            if checking is None:
                break
            await checking.wait()  # someone else is asking Kaggle about this credential: take their answer
        self._checking[digest] = anyio.Event()
        try:
            if caller is not None:  # its check is too old: ask Kaggle again, with a new client
                await self._retire(digest)
            fresh = await self._check(authorization, digest)
            if not await self._room_for_one():
                await self._close(fresh)
                count("limits_hit", limit="callers")
                raise CallerRefused(503, f"This server is serving {MAX_CALLERS} callers at once; retry in a moment.",
                                    retry_after=RETRY_AFTER_SECONDS)
            self._callers[digest] = fresh
            return fresh
        finally:
            self._checking.pop(digest).set()

    async def _check(self, authorization: str, digest: str) -> Caller:
        """Ask Kaggle who this is; build that user's Account. Refusals are remembered, outages are not."""
        from .kaggle.errors import KaggleError, Unauthorized
        from .workflows.account import Account
        from .workflows.workspace import Workspace

        try:
            credentials = credentials_in(authorization)
        except CallerRefused as malformed:
            self._refused[digest] = (self._clock() + REFUSAL_TTL_SECONDS, malformed)
            raise
        client = self._new_client(credentials)
        try:
            user = await _kaggle_user(client, credentials)
            if not USER_NAME.fullmatch(user) or user.strip(".") == "":
                raise CallerRefused(403, "Kaggle named this account with characters this server cannot use as a "
                                         "directory name; ask the operator to check the account.")
            workspace = await anyio.to_thread.run_sync(Workspace, self.root / user)
        except BaseException as exc:
            with anyio.CancelScope(shield=True):
                await client.aclose()
            if isinstance(exc, Unauthorized):
                rejected = CallerRefused(401, f"Kaggle did not accept these credentials ({exc.message}). "
                                              f"{HOW_TO_SIGN_IN}")
                self._refused[digest] = (self._clock() + REFUSAL_TTL_SECONDS, rejected)
                raise rejected from None
            if isinstance(exc, KaggleError):
                raise CallerRefused(503, f"Kaggle could not be asked who this is ({exc.message}); retry in a "
                                         "moment.", retry_after=RETRY_AFTER_SECONDS) from None
            raise
        limits = self._limits.setdefault(user, _UserLimits())
        settings = self.settings
        account = Account(client=client, workspace=workspace, store=self._store, read_only=settings.read_only,
                          max_wait_seconds=settings.max_wait_seconds, waits=limits.waits, builds=limits.builds,
                          hosted=True)
        now = self._clock()
        log.info("caller %s validated", user)
        return Caller(user, account, now + CALLER_TTL_SECONDS, now)

    async def _retire(self, digest: str) -> None:
        """Takes the caller out of the pool: its client closes now if nothing uses it, else when the last use
        ends (`_release`)."""
        caller = self._callers.pop(digest)
        caller.retired = True
        if caller.in_flight == 0:
            await self._close(caller)
        else:
            self._retired.append(caller)

    async def _room_for_one(self) -> bool:
        """Close the least recently used idle clients until one more fits under MAX_CALLERS; False if all are busy."""
        for digest in list(self._callers):
            if len(self._callers) < MAX_CALLERS:
                break
            if self._callers[digest].in_flight == 0:
                await self._close(self._callers.pop(digest))
        return len(self._callers) < MAX_CALLERS

    async def _sweep(self, now: float) -> None:
        """Close clients idle for IDLE_SECONDS and forget expired refusals (at most every SWEEP_SECONDS)."""
        self._swept_at = now
        for digest, caller in list(self._callers.items()):
            if caller.in_flight == 0 and now - caller.last_used > IDLE_SECONDS:
                await self._close(self._callers.pop(digest))
        self._refused = {d: r for d, r in self._refused.items() if r[0] > now}

    async def _close(self, caller: Caller) -> None:
        if caller in self._retired:
            self._retired.remove(caller)
        with anyio.CancelScope(shield=True):
            await caller.account.client.aclose()

    def stats(self) -> Mapping[str, int]:
        """What /metrics reports of the pool."""
        return {"clients_open": len(self._callers) + len(self._retired),
                "calls_in_flight": sum(c.in_flight for c in self._callers.values())}

    async def aclose(self) -> None:
        callers = [*self._callers.values(), *self._retired]
        self._callers.clear()
        self._retired.clear()
        for caller in callers:
            with anyio.CancelScope(shield=True):
                await caller.account.client.aclose()


async def _kaggle_user(client: KaggleClient, credentials: Credentials) -> str:
    """The Kaggle user name behind `credentials`, as Kaggle confirms it: IntrospectToken for a token; for a key
    (whose user name the caller stated) a call that needs a valid key, the cheapest one that is per user."""
    if credentials.kind == "legacy_key":
        await client.kernels.get_accelerator_quota_statistics()
        return credentials.username or ""
    return await client.username() or ""


def account_in(scope: Mapping[str, Any] | None) -> Account | None:
    """The Account the multi-user gate admitted this request as (None outside such a request)."""
    state = scope.get("state") if scope is not None else None
    if not isinstance(state, dict):
        return None
    found: Account | None = state.get(ACCOUNT_KEY)
    return found
