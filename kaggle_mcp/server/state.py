"""The lifespan state: one Kaggle client, the context store and the workspace, created on first use.

Created lazily because importing the client (httpx) and the context store costs more than the whole
budget for a cold start to `tools/list`; a client that only lists tools never pays for them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio

from kaggle_mcp.server.settings import ServerSettings

if TYPE_CHECKING:
    from kaggle_mcp.workflows.workspace import Workspace

log = logging.getLogger("kaggle_mcp.server")

SANDBOX_NOTE = ("No Kaggle credentials found, so kaggle-agent-mcp is using its embedded sandbox (a local "
                "emulator with seeded competitions such as 'titanic'; notebooks pushed to it run on this "
                "machine). Set KAGGLE_API_TOKEN or ~/.kaggle/kaggle.json to work on kaggle.com; "
                "`kaggle-agent-mcp doctor` checks the setup.")


class AppState:
    def __init__(self, settings: ServerSettings, store_factory: Any = None) -> None:
        self.settings = settings
        self.store_factory = store_factory
        self.max_tokens = settings.max_tokens
        self.sandbox_url: str | None = None
        self._client: Any = None
        self._target: tuple[str | None, str | None] | None = None
        self._context: Any = None
        self._workspace: Workspace | None = None
        self._lock = anyio.Lock()
        self._context_lock = anyio.Lock()
        self._stack = contextlib.AsyncExitStack()
        self._sync_stack = contextlib.ExitStack()

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            from kaggle_mcp.workflows.workspace import Workspace

            self._workspace = Workspace(self.settings.workspace_root())
        return self._workspace

    async def client(self) -> Any:
        """The shared KaggleClient, pointed at the sandbox when asked to (or when nothing is configured)."""
        # Once open, no lock: anyio's Lock yields while held, so under load every call would queue behind
        # every other call for one event-loop round each (a convoy measured at +120 ms p50 with 50 clients).
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                self._client = await self._open_client()
            return self._client

    async def _open_client(self) -> Any:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request drowns stderr
        await self.target()
        return await self._stack.enter_async_context(self.make_client(None))

    async def target(self) -> tuple[str | None, str | None]:
        """(endpoint, token) every client of this process uses; starts the sandbox when that is the answer."""
        if self._target is None:
            endpoint, token = self.settings.endpoint, self.settings.token
            if self.settings.sandbox or (endpoint is None and self.settings.sandbox_fallback
                                         and not await anyio.to_thread.run_sync(_has_credentials)):
                if not self.settings.sandbox:
                    log.warning(SANDBOX_NOTE)
                endpoint, token = await self._start_sandbox()
            self._target = (endpoint, token)
        return self._target

    def make_client(self, credentials: Any) -> Any:
        """A new, not yet entered KaggleClient aimed like the shared one (the REST routes use it per job)."""
        from kaggle_mcp.kaggle import KaggleClient

        endpoint, token = self._target or (self.settings.endpoint, self.settings.token)
        return KaggleClient(_client_settings(endpoint), credentials=credentials or _token_credentials(token))

    async def _start_sandbox(self) -> tuple[str, str]:
        from kaggle_mcp.sandbox import SANDBOX_TOKEN, SandboxSettings, serve_in_thread

        handle = await anyio.to_thread.run_sync(
            lambda: self._sync_stack.enter_context(serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0)))
        self.sandbox_url = handle.url
        log.info("embedded sandbox listening on %s", handle.url)
        return handle.url, SANDBOX_TOKEN

    async def context_service(self) -> Any:
        """The competition context engine (SQLite-backed), or None while that part is unavailable."""
        if self._context is not None:  # no lock once open, as in client()
            return self._context
        async with self._context_lock:
            if self._context is None:
                from kaggle_mcp.server.contextual import open_context_service

                self._context = await open_context_service(self, self._stack)
            return self._context

    async def aclose(self) -> None:
        try:
            await self._stack.aclose()
        finally:
            await anyio.to_thread.run_sync(self._sync_stack.close)


def _has_credentials() -> bool:
    from kaggle_mcp.kaggle import resolve_credentials
    from kaggle_mcp.kaggle.errors import CredentialsFileError, NoCredentials

    try:
        creds = resolve_credentials()
    except NoCredentials:
        return False
    except CredentialsFileError:
        return True  # configured but broken: let the first call report it rather than hide it
    return getattr(creds, "kind", "anonymous") != "anonymous"


def _client_settings(endpoint: str | None) -> Any:
    from kaggle_mcp.kaggle import ClientSettings

    return ClientSettings.from_env(endpoint=endpoint) if endpoint else ClientSettings.from_env()


def _token_credentials(token: str | None) -> Any:
    if token is None:
        return None
    from kaggle_mcp.kaggle import Credentials

    return Credentials.token(token, source="embedded sandbox")


class SharedState:
    """One AppState per server, shared by every connection (SSE enters the lifespan per connection)."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.current: AppState | None = None
        self._users = 0
        self._store: Any = None

    def context_store(self) -> Any:
        """The SQLite context store, shared by the tools and the REST routes of this process."""
        if self._store is None:
            from kaggle_mcp.context import ContextStore

            self._store = ContextStore()
        return self._store

    @asynccontextmanager
    async def use(self) -> AsyncIterator[AppState]:
        if self.current is None:
            self.current = AppState(self.settings, self.context_store)
        state, self._users = self.current, self._users + 1
        try:
            yield state
        finally:
            self._users -= 1
            if self._users == 0:
                self.current = None
                await state.aclose()
                if self._store is not None:
                    self._store.close()
                    self._store = None
