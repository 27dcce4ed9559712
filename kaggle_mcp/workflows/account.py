"""`Account`: what one request acts as.

stdio serves one account per process; the HTTP app resolves one per request (in hosted mode, one per
Kaggle user). Workflows take an Account and nothing else from their caller's world, so the same
workflow serves the MCP tools, the REST API and the CLI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio

from .workspace import Workspace

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient
    from ..context.service import ContextService
    from ..context.store import ContextStore


WAITS_IN_FLIGHT = 32
#: context builds one account may run at once in this process (a hosted deployment lowers it per user)
BUILDS_IN_FLIGHT = 8


@dataclass(frozen=True)
class Account:
    """`client` talks to Kaggle as this account; `workspace` is where its files live; `store` opens (on
    first use: most calls never need it) the store of this account's cache scope, SQLite or PostgreSQL.
    `read_only` refuses every write to Kaggle; `sandbox` says the client talks to the embedded emulator.
    `max_wait_seconds` bounds one call's wait and `waits` the waits in flight (see `polling`); `builds` the
    context builds in flight (a request past it is told to retry rather than queued). `hosted` marks a caller
    of a multi-user server, to whom the server's own paths are not shown."""

    client: KaggleClient
    workspace: Workspace
    store: Callable[[], Awaitable[ContextStore]]
    read_only: bool = False
    sandbox: bool = False
    max_wait_seconds: float = 3600
    waits: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(WAITS_IN_FLIGHT))
    builds: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(BUILDS_IN_FLIGHT))
    hosted: bool = False

    @property
    def workspace_shown(self) -> str:
        """The workspace as this account may see it: its path, or on a multi-user server `<workspace>/<user>`."""
        root = self.workspace.root
        return f"<workspace>/{root.name}" if self.hosted else str(root)

    async def contexts(self) -> ContextService:
        """The context engine in this account's cache scope (builds are shared per store)."""
        from ..context.service import ContextService

        return ContextService(self.client, await self.store(), builds=self.builds)
