"""What the multi-user tests share: a user's credentials as headers, the official MCP client as that user, and a
multi-user replica as a real process. (A module of its own, not conftest.py: several test folders have a
conftest, and `from conftest import` would find whichever was imported first.)"""

from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from kaggle_mcp.sandbox import user_key, user_token
from kaggle_mcp.sandbox.harness import http_server_process, server_env


def bearer(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {user_token(user)}"}


def basic(user: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{user_key(user)}".encode()).decode()}


@contextlib.asynccontextmanager
async def as_user(base: str, headers: dict[str, str]) -> AsyncIterator[Client]:
    """The official MCP client over streamable HTTP, sending `headers` (a user's credentials) with every request."""
    http = create_mcp_http_client(headers=headers)
    async with http, Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client:
        yield client


def multi_user_env(sandbox_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """A server environment with no Kaggle credentials at all: every request must bring its caller's."""
    env = server_env(os.environ, sandbox_url, tmp_path / "workspace", tmp_path / "cache", KAGGLE_MCP_MULTI_USER="1",
                     KAGGLE_MCP_LOG_LEVEL="DEBUG", **extra)
    del env["KAGGLE_API_TOKEN"]
    env["HOME"] = str(tmp_path / "home")  # no ~/.kaggle/kaggle.json of the developer's either
    return env


@contextlib.contextmanager
def multi_user_server(sandbox_url: str, tmp_path: Path, name: str = "server", **extra: str) -> Iterator[tuple[str, Path]]:
    """One multi-user replica; yields (base URL, its stderr file)."""
    env = multi_user_env(sandbox_url, tmp_path, **extra)
    stderr = tmp_path / f"{name}.stderr"
    with http_server_process(env, stderr) as (base, _):
        yield base, stderr
