"""Fixtures for the MCP layer: a server aimed at the session sandbox, with a workspace of its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings_for(workspace):
    """Settings pointed at a given sandbox with the sandbox's valid token."""
    from kaggle_mcp.sandbox import SANDBOX_TOKEN
    from kaggle_mcp.settings import Settings

    def make(sb, **overrides):
        values = dict(workspace=workspace, endpoint=sb.url, token=SANDBOX_TOKEN, sandbox_fallback=False)
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def server(sandbox, settings_for):
    from kaggle_mcp.server import build_server

    return build_server(settings_for(sandbox))


@pytest.fixture
def subprocess_env(isolated_env, workspace) -> dict[str, str]:
    """Environment for a server subprocess: no developer credentials, a private workspace."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")}
    env["KAGGLE_MCP_WORKSPACE"] = str(workspace)
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """The context store and the tool-schema snapshot go to a per-test cache, never the developer's."""
    monkeypatch.setenv("KAGGLE_MCP_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def fresh_server(fresh_sandbox, settings_for):
    """A server on a sandbox of its own, for tests that spend daily submissions (quota is per sandbox)."""
    from kaggle_mcp.server import build_server

    return build_server(settings_for(fresh_sandbox))
