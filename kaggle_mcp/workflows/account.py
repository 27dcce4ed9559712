"""`Account`: what one request acts as.

stdio serves one account per process; the HTTP app resolves one per request (in hosted mode, one per
Kaggle user). Workflows take an Account and nothing else from their caller's world, so the same
workflow serves the MCP tools, the REST API and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..context.service import ContextService
from ..kaggle.client import KaggleClient
from .workspace import Workspace


@dataclass(frozen=True)
class Account:
    """`client` talks to Kaggle as this account; `workspace` is where its files live; `contexts` builds
    and caches competition contexts in this account's cache scope. `read_only` refuses every write to
    Kaggle; `sandbox` says the client talks to the embedded emulator, not kaggle.com (answers say so)."""

    client: KaggleClient
    workspace: Workspace
    contexts: ContextService
    read_only: bool = False
    sandbox: bool = False
