"""Issue 11.1: two tokens in ~/.kaggle/access_token (what appending a rotated token gives) are refused when
credentials are resolved; the answer names the file, and no answer, DEBUG log line or doctor output holds
either token."""

from __future__ import annotations

import json
import logging
import secrets
import subprocess
import sys

import pytest
from mcp import Client
from mcp_helpers import assert_actionable

from kaggle_mcp.server import build_server

TOKENS = ["KGAT_" + secrets.token_hex(16), "KGAT_" + secrets.token_hex(16)]
NEEDLES = [*TOKENS, *(t[5:] for t in TOKENS)]


@pytest.fixture
def two_tokens(isolated_env):
    path = isolated_env / ".kaggle" / "access_token"
    path.parent.mkdir()
    path.write_text(f"{TOKENS[0]}\n{TOKENS[1]}\n")
    return path


def assert_no_token(where: str, text: str) -> None:
    assert not [n for n in NEEDLES if n in text], f"a token is in {where}"


@pytest.mark.anyio
async def test_tool_answers_and_debug_logs_name_the_file_never_the_tokens(sandbox, settings_for, two_tokens,
                                                                          caplog):
    server = build_server(settings_for(sandbox, token=None))  # credentials from HOME, as a user's would be
    with caplog.at_level(logging.DEBUG):
        async with Client(server) as c:
            for tool, args in [("whoami", {}), ("search_competitions", {"query": "titanic"}),
                               ("list_competition_files", {"competition": "titanic"})]:
                result = await c.call_tool(tool, args)
                text = assert_actionable(result, str(two_tokens), "single line of visible ASCII")
                assert_no_token(f"{tool}'s answer", text + json.dumps(result.structured_content))
    assert caplog.records
    assert_no_token("the DEBUG log", caplog.text)


def test_doctor_names_the_file_never_the_tokens(two_tokens, subprocess_env):
    proc = subprocess.run([sys.executable, "-m", "kaggle_mcp", "doctor"], env=subprocess_env | {
        "HOME": str(two_tokens.parents[1]), "KAGGLE_MCP_LOG_LEVEL": "DEBUG"}, capture_output=True, text=True,
        timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert str(two_tokens) in proc.stdout and "spans several lines" in proc.stdout
    assert_no_token("doctor's output", proc.stdout + proc.stderr)
