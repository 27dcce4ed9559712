"""Fixtures for the reliability suite: servers built against sandboxes of their own, and tmp workspaces."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """The context store goes to this test's directory, never the developer's cache."""
    monkeypatch.setenv("KAGGLE_MCP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def make_server(workspace):
    """build_server aimed at a sandbox; token None lets the client resolve credentials from the env."""
    from kaggle_mcp.sandbox import SANDBOX_TOKEN
    from kaggle_mcp.server import build_server
    from kaggle_mcp.settings import Settings

    def make(sb, token: str | None = SANDBOX_TOKEN, **overrides):
        values = dict(workspace=workspace, endpoint=sb.url, token=token, sandbox_fallback=False)
        values.update(overrides)
        return build_server(Settings(**values))

    return make


@pytest.fixture
def clean_env(isolated_env, tmp_path, monkeypatch) -> dict[str, str]:
    """`isolated_env` (HOME moved, every KAGGLE_ variable dropped), as an environment for subprocesses."""
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated_env / ".local" / "share"))
    # isolated_env dropped every KAGGLE* variable, the autouse private_cache's one included
    monkeypatch.setenv("KAGGLE_MCP_CACHE_DIR", str(tmp_path / "cache"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")}
    env["PYTHONPATH"] = str(ROOT)
    env["KAGGLE_MCP_CACHE_DIR"] = str(tmp_path / "cache")
    return env
