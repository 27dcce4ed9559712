"""The real thing: `python -m kaggle_mcp` as a subprocess over stdio, and `kaggle-agent-mcp demo` end to end."""

from __future__ import annotations

import subprocess
import sys

import pytest
from mcp import Client, StdioServerParameters
from mcp_helpers import text_of

pytestmark = pytest.mark.anyio


async def test_stdio_subprocess_falls_back_to_the_sandbox_without_credentials(subprocess_env):
    params = StdioServerParameters(command=sys.executable, args=["-m", "kaggle_mcp"], env=subprocess_env)
    async with Client(params, mode="legacy") as c:
        tools = (await c.list_tools()).tools
        me = await c.call_tool("whoami", {})
    assert len(tools) == 17
    assert me.structured_content["sandbox"] is True, text_of(me)
    assert me.structured_content["username"] == "sandbox-user"


async def test_stdio_read_only_flag(subprocess_env):
    params = StdioServerParameters(command=sys.executable, args=["-m", "kaggle_mcp", "serve", "--sandbox", "--read-only"],
                                   env=subprocess_env)
    async with Client(params) as c:
        names = {t.name for t in (await c.list_tools()).tools}
    assert not names & {"push_notebook", "publish_dataset", "submit_to_competition"} and len(names) == 14


@pytest.mark.slow
def test_demo_runs_the_main_job_in_eight_calls(subprocess_env, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kaggle_mcp", "demo", "--workspace", str(tmp_path / "demo")],
                          env=subprocess_env, capture_output=True, text=True, timeout=300)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    steps = ["search_competitions", "get_competition_context", "list_notebooks", "read_notebook", "push_notebook",
             "get_notebook_status", "get_notebook_output", "submit_to_competition"]
    for i, step in enumerate(steps, 1):
        assert f"[{i}/8] {step}(" in out
    assert "Successfully submitted" in out and "Done in 8 tool calls" in out
    assert (tmp_path / "demo" / "notebooks" / "sandbox-user" / "titanic-gender-baseline" / "output"
            / "submission.csv").is_file()
