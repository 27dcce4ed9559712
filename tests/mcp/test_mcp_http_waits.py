"""Waits over HTTP are bounded: a call whose client went away stops, and one call waits at most the server's
limit. `kaggle-agent-mcp serve --transport http` runs as a real process against a sandbox."""

from __future__ import annotations

import os
import time

import anyio
import pytest
from mcp import Client
from mcp_helpers import text_of

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread
from kaggle_mcp.sandbox.harness import http_server_process, server_env

pytestmark = pytest.mark.anyio
SPIN = "import time\nwhile True:\n    time.sleep(1)\n"


def polls(sb) -> int:
    return sum(n for key, n in sb.call_counts.items() if "GetKernelSessionStatus" in str(key))


async def push_spinner(base: str) -> str:
    async with Client(f"{base}/mcp") as c:
        pushed = await c.call_tool("push_notebook", {"title": "Spin until cancelled", "source": SPIN})
    assert not pushed.is_error, text_of(pushed)
    return pushed.structured_content["ref"]


async def test_a_wait_whose_legacy_client_went_away_stops_polling(tmp_path, workspace):
    with serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sb:
        env = server_env(os.environ, sb.url, workspace, tmp_path / "cache", KAGGLE_MCP_LOG_LEVEL="INFO")
        stderr = tmp_path / "server.stderr"
        with http_server_process(env, stderr) as (base, _):
            ref = await push_spinner(base)

            async def give_up_after_a_second() -> None:
                with anyio.move_on_after(1.5):  # leaves without cancelling: the stream is just dropped
                    async with Client(f"{base}/mcp", mode="legacy") as c:
                        await c.call_tool("get_notebook_status", {"notebook": ref, "wait_seconds": 600})

            async with anyio.create_task_group() as tg:
                for _ in range(5):
                    tg.start_soon(give_up_after_a_second)
            deadline = time.monotonic() + 30
            while stderr.read_text().count("its tool call was stopped") < 5:  # the server's own account
                assert time.monotonic() < deadline, stderr.read_text()[-2000:]
                await anyio.sleep(0.1)
            stopped_at = polls(sb)
            assert stopped_at <= 10  # each checked once, perhaps twice, before it was stopped
            async with Client(f"{base}/mcp") as c:  # a live call still polls and answers
                live = await c.call_tool("get_notebook_status", {"notebook": ref, "wait_seconds": 3})
            assert "RUNNING" in text_of(live) and polls(sb) > stopped_at


async def test_one_call_waits_at_most_the_servers_limit(tmp_path, workspace):
    with serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sb:
        env = server_env(os.environ, sb.url, workspace, tmp_path / "cache", KAGGLE_MCP_MAX_WAIT_SECONDS="3")
        with http_server_process(env, tmp_path / "server.stderr") as (base, _):
            ref = await push_spinner(base)
            async with Client(f"{base}/mcp") as c:
                started = time.monotonic()
                status = await c.call_tool("get_notebook_status", {"notebook": ref, "wait_seconds": 600})
                took = time.monotonic() - started
    assert not status.is_error and status.structured_content["status"] == "RUNNING"
    assert "waits at most 3 s per call" in text_of(status) and took < 30
