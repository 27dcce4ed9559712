"""Multi-user deployments as real processes: `serve --transport http --multi-user` against a sandbox of its
own (served in this process, so its call counts can be read), each user talking to it through the official
MCP client with their own credentials."""

from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
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


@pytest.fixture(scope="module")
def hosted_sandbox():
    """A sandbox for one module's tests (they count its calls per RPC, so no other module shares it)."""
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with serve_in_thread(SandboxSettings(seed=0, data_dir=None), host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.fixture(scope="module")
def hosted(hosted_sandbox, tmp_path_factory) -> Iterator[tuple[str, Path, Path]]:
    """One multi-user replica on the module's sandbox; yields (base URL, stderr file, workspace root)."""
    tmp_path = tmp_path_factory.mktemp("hosted")
    (tmp_path / "home").mkdir()
    with multi_user_server(hosted_sandbox.url, tmp_path) as (base, stderr):
        yield base, stderr, tmp_path / "workspace"
