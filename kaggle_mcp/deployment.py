"""`Deployment`: what one server process shares between requests, and the Accounts it hands out.

One Kaggle client with the server's own credentials (one connection pool, one user-name lookup), the
context store, the workspace, and the embedded sandbox when that is what serves. Each is created on
first use: importing the client (httpx, the wire models) and opening the store cost more than the
whole budget of a cold start to `tools/list`, and a client that only lists tools never pays for them.

Where requests go is decided once, here, the same way for every command: `--sandbox` runs the
embedded sandbox; otherwise Kaggle (or `KAGGLE_API_ENDPOINT`) with the configured credentials; and
only a process allowed to fall back (stdio, which a newcomer starts first) runs the sandbox when no
credentials and no endpoint are configured at all, saying so on stderr.

In multi-user mode (`settings.multi_user`) the deployment has no credentials and no account of its own:
each HTTP request acts as its caller (`callers.Callers`), and `account_for` is where every request, an MCP
tool call or a REST route, finds the Account it acts as.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from .settings import Settings

if TYPE_CHECKING:
    from .callers import Callers
    from .context.store import ContextStore
    from .kaggle.client import ClientSettings, KaggleClient
    from .kaggle.credentials import Credentials
    from .workflows.account import Account
    from .workflows.workspace import Workspace

log = logging.getLogger("kaggle_mcp")

SANDBOX_NOTE = ("No Kaggle credentials found, so kaggle-agent-mcp is using its embedded sandbox (a local "
                "emulator with seeded competitions such as 'titanic'; notebooks pushed to it run on this "
                "machine). Set KAGGLE_API_TOKEN or ~/.kaggle/kaggle.json to work on kaggle.com; "
                "`kaggle-agent-mcp doctor` checks the setup.")


class Deployment:
    """Shared by every connection of one server (SSE enters the lifespan once per connection, so
    `running()` counts its users and closes everything when the last one leaves)."""

    def __init__(self, settings: Settings, *, store: ContextStore | None = None) -> None:
        """`store` lends this deployment a store its caller opened and will close (tests, the CLI)."""
        self.settings = settings
        self._lent_store = store
        self.sandbox_url: str | None = None
        self._target: tuple[str | None, Credentials | None] | None = None
        self._account: Account | None = None
        self._callers: Callers | None = None
        self._store: ContextStore | None = None
        self._workspace: Workspace | None = None
        self._lock = anyio.Lock()
        self._store_lock = anyio.Lock()
        self._users = 0
        self._stack = contextlib.AsyncExitStack()
        self._sync_stack = contextlib.ExitStack()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Deployment]:
        self._users += 1
        try:
            yield self
        finally:
            self._users -= 1
            if self._users == 0:
                await self.aclose()

    async def aclose(self) -> None:
        """Close the client, the sandbox and the store; a later request opens them again."""
        stack, sync_stack = self._stack, self._sync_stack  # the stack holds the store it opened, too
        self._stack, self._sync_stack = contextlib.AsyncExitStack(), contextlib.ExitStack()
        self._account = self._store = None
        self._target, self.sandbox_url = None, None
        callers, self._callers = self._callers, None
        try:
            if callers is not None:
                await callers.aclose()
            await stack.aclose()
        finally:
            await anyio.to_thread.run_sync(sync_stack.close)

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            from .workflows.workspace import Workspace

            self._workspace = Workspace(self.settings.workspace_root())
        return self._workspace

    async def store(self) -> ContextStore:
        """The context store shared by the tools and the REST routes of this process: PostgreSQL when
        `settings.database_url` names one (shared with the other replicas), else the SQLite file of the
        cache directory. Opened (migrations applied) on first use; closed with the deployment."""
        if self._store is not None:  # no lock once open, as in account()
            return self._store
        async with self._store_lock:
            if self._store is None and self._lent_store is not None:
                self._store = self._lent_store
            elif self._store is None:
                from .context.database import open_store

                self._store = await self._stack.enter_async_context(open_store(self.settings.database_url))
        assert self._store is not None  # set above; mypy forgets it across the await
        return self._store

    async def account_for(self, scope: Mapping[str, Any] | None) -> Account:
        """The account a request acts as, given its ASGI scope (None over stdio): the caller's own in
        multi-user mode (admitted by the HTTP app's gate, `web/caller_gate.py`), else the server's."""
        if not self.settings.multi_user:
            return await self.account()
        from .callers import CallerRefused, account_in

        found = account_in(scope)
        if found is None:  # only a request that passed the gate reaches a tool or a route
            raise CallerRefused(401, "This multi-user server serves only HTTP requests that carry their caller's "
                                     "Kaggle credentials.")
        return found

    def hold(self, account: Account) -> Callable[[], Awaitable[None]]:
        """Keeps `account`'s client open for work that outlives its request (`Callers.hold`); the returned
        release must be awaited when that work ends. The server's own account needs no hold."""
        release = self.callers.hold(account) if self.settings.multi_user else None
        return release or _no_release

    @property
    def callers(self) -> Callers:
        """Multi-user mode's callers: their validated credentials, clients, workspaces and limits."""
        if self._callers is None:
            from .callers import Callers

            self._callers = Callers(self.settings, self.client, self.store)
        return self._callers

    async def account(self) -> Account:
        """The account this server acts as with its own credentials (stdio, single-user HTTP)."""
        # Once open, no lock: anyio's Lock yields while held, so under load every call would queue behind
        # every other call for one event-loop round each (a convoy measured at +120 ms p50 with 50 clients).
        if self._account is not None:
            return self._account
        async with self._lock:
            if self._account is None:
                logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request drowns stderr
                client = await self._stack.enter_async_context(self.client(await self._credentials()))
                self._account = await self._account_over(client)
            return self._account

    @asynccontextmanager
    async def account_with(self, credentials: Credentials) -> AsyncIterator[Account]:
        """An account acting with credentials a request brought (a REST upload's kaggle.json), aimed where
        this server's own requests go; its client is closed when the block ends."""
        await self._credentials()
        async with self.client(credentials) as client:
            yield await self._account_over(client)

    def client(self, credentials: Credentials | None) -> KaggleClient:
        """A new, not yet entered client aimed where this deployment's requests go; None resolves the
        credentials the way the official CLI does."""
        from .kaggle.client import KaggleClient

        return KaggleClient(self.client_settings(), credentials=credentials)

    def client_settings(self) -> ClientSettings:
        from .kaggle.client import ClientSettings

        endpoint = self._target[0] if self._target else self.settings.endpoint
        return ClientSettings.from_env(endpoint=endpoint) if endpoint else ClientSettings.from_env()

    async def _account_over(self, client: KaggleClient) -> Account:
        from .workflows.account import Account

        workspace = await anyio.to_thread.run_sync(lambda: self.workspace)
        return Account(client=client, workspace=workspace, store=self.store, read_only=self.settings.read_only,
                       sandbox=self.sandbox_url is not None, max_wait_seconds=self.settings.max_wait_seconds)

    async def _credentials(self) -> Credentials | None:
        """Decide (once) where requests go; the credentials to use there, or None to resolve them."""
        if self._target is None:
            settings = self.settings
            endpoint: str | None = settings.endpoint
            credentials = _token(settings.token, "explicit token") if settings.token else None
            if settings.sandbox or (settings.sandbox_fallback and endpoint is None and credentials is None
                                    and not await anyio.to_thread.run_sync(has_credentials)):
                if not settings.sandbox:
                    log.warning(SANDBOX_NOTE)
                endpoint, secret = await self._start_sandbox()
                credentials = _token(secret, "embedded sandbox")
            self._target = (endpoint, credentials)
        return self._target[1]

    async def _start_sandbox(self) -> tuple[str, str]:
        """The embedded sandbox, answering only to this process: it requires a secret made for this process
        (a kernel pushed to it runs on this machine, so no other local process may push one)."""
        from .sandbox import SandboxSettings, serve_in_thread

        settings = SandboxSettings.embedded(seed=0)
        handle = await anyio.to_thread.run_sync(
            lambda: self._sync_stack.enter_context(serve_in_thread(settings, host="127.0.0.1", port=0)))
        self.sandbox_url = handle.url
        log.info("embedded sandbox listening on %s (it answers only to this server)", handle.url)
        assert settings.secret is not None
        return handle.url, settings.secret


def has_credentials() -> bool:
    """Whether any credentials are configured (a broken file counts: the first call reports it)."""
    from .kaggle.credentials import resolve_credentials
    from .kaggle.errors import CredentialsFileError

    try:
        return resolve_credentials().kind != "anonymous"
    except CredentialsFileError:
        return True


def _token(token: str, source: str) -> Credentials:
    from .kaggle.credentials import Credentials

    return Credentials.token(token, source=source)


async def _no_release() -> None:
    return None
