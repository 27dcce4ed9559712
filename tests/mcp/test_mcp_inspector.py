"""A third-party client: the MCP Inspector CLI (npm @modelcontextprotocol/inspector, installed by .ci/run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSPECTOR = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "mcp-inspector"


def inspect(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    if not INSPECTOR.exists():
        pytest.skip("MCP Inspector not installed (.ci/run installs it under .ci/node)")
    command = [str(INSPECTOR), "--cli", sys.executable, "-m", "kaggle_mcp", "serve", "--sandbox", "--", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)


def test_inspector_lists_tools(subprocess_env):
    proc = inspect(subprocess_env, "--method", "tools/list")
    assert proc.returncode == 0, proc.stderr
    names = {tool["name"] for tool in json.loads(proc.stdout)["tools"]}
    assert {"search_competitions", "push_notebook", "whoami"} <= names and len(names) == 27


def test_inspector_calls_a_tool(subprocess_env):
    proc = inspect(subprocess_env, "--method", "tools/call", "--tool-name", "search_competitions",
                   "--tool-arg", "query=titanic")
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["structuredContent"]["competitions"][0]["slug"] == "titanic"
    assert "competitions[1]" in answer["content"][0]["text"]


def test_inspector_sees_a_tool_error(subprocess_env):
    proc = inspect(subprocess_env, "--method", "tools/call", "--tool-name", "get_competition_context",
                   "--tool-arg", "competition=no-such-competition")
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "search_competitions" in proc.stdout + proc.stderr
