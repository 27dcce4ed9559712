"""The README documents every tool with every parameter, and the commands CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaggle_mcp.server import build_server
from kaggle_mcp.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


@pytest.mark.anyio
async def test_readme_documents_every_tool_and_parameter(tmp_path):
    tools = await build_server(Settings(workspace=tmp_path)).list_tools()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| (.*?) \|", README, re.M)}
    for tool in tools:
        assert tool.name in rows, tool.name
        for param in tool.input_schema.get("properties", {}):
            assert f"`{param}" in rows[tool.name], (tool.name, param)


def test_readme_has_the_setup_demo_and_test_commands():
    assert "python3 -m venv .venv && .venv/bin/pip install -e '.[test]'" in README
    assert ".venv/bin/kaggle-agent-mcp demo" in README
    assert ".venv/bin/python -m pytest -q" in README
    for client in ("Claude Desktop", "Claude Code", "VS Code"):
        assert client in README
