"""Multi-user deployments as real processes: `serve --transport http --multi-user` against a sandbox of its
own (served in this process, so its call counts can be read), each user talking to it through the official
MCP client with their own credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hosted_helpers import multi_user_server


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
