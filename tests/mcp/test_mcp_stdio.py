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
    assert len(tools) == 27
    assert me.structured_content["sandbox"] is True, text_of(me)
    assert me.structured_content["username"] == "sandbox-user"


async def test_stdio_read_only_flag(subprocess_env):
    params = StdioServerParameters(command=sys.executable, args=["-m", "kaggle_mcp", "serve", "--sandbox", "--read-only"],
                                   env=subprocess_env)
    async with Client(params) as c:
        names = {t.name for t in (await c.list_tools()).tools}
    assert not names & {"push_notebook", "publish_dataset", "submit_to_competition", "cancel_notebook_run"}
    assert len(names) == 23


async def test_every_new_tool_over_stdio(subprocess_env, workspace):
    """The forum, model, lookup and run-control tools in a real server process on the embedded sandbox."""
    params = StdioServerParameters(command=sys.executable, args=["-m", "kaggle_mcp", "serve", "--sandbox"],
                                   env=subprocess_env)
    calls = [("search_kaggle", {"query": "titanic", "kind": "competitions"}),
             ("list_discussions", {"competition": "house-prices-2019", "solutions_only": True}),
             ("read_discussion", {"topic": "https://www.kaggle.com/competitions/house-prices-2019/discussion/960691"}),
             ("search_models", {"query": "bert"}),
             ("get_model", {"model": "kaggle-sandbox/tiny-bert"}),
             ("list_model_files", {"model": "dmitri/retail-lightgbm"}),
             ("download_model", {"model": "dmitri/retail-lightgbm", "file": "params.json"}),
             ("get_dataset_info", {"dataset": "alice/titanic-extra-features"}),
             ("preview_file", {"dataset": "erin/store-sales-formats", "file": "transactions.jsonl", "rows": 2}),
             ("push_notebook", {"title": "Stdio spin", "source": "import time\ntime.sleep(120)\n", "wait_seconds": 1}),
             ("cancel_notebook_run", {"notebook": "stdio-spin"})]
    async with Client(params, mode="legacy") as c:
        answers = {name: await c.call_tool(name, args) for name, args in calls}
    for name, answer in answers.items():
        assert not answer.is_error, (name, text_of(answer))
    assert answers["search_kaggle"].structured_content["results"][0]["ref"] == "titanic"
    assert answers["list_discussions"].structured_content["topics"][0]["place"] == 1
    assert answers["read_discussion"].structured_content["comments_total"] > 0
    assert answers["search_models"].structured_content["models"][0]["ref"] == "kaggle-sandbox/tiny-bert"
    assert len(answers["get_model"].structured_content["instances"]) == 3
    assert answers["list_model_files"].structured_content["handle"] == "dmitri/retail-lightgbm/other/lightgbm-v4/3"
    assert (workspace / "models/dmitri/retail-lightgbm/other/lightgbm-v4/3/params.json").is_file()
    assert answers["get_dataset_info"].structured_content["status"] == "READY"
    assert len(answers["preview_file"].structured_content["records"]) == 2
    assert answers["cancel_notebook_run"].structured_content["stopped"]


@pytest.mark.slow
def test_demo_runs_kickoff_to_a_scored_submission_in_four_calls(subprocess_env, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kaggle_mcp", "demo", "--workspace", str(tmp_path / "demo")],
                          env=subprocess_env, capture_output=True, text=True, timeout=300)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    steps = ["search_competitions", "get_competition_context", "push_notebook", "submit_to_competition"]
    for i, step in enumerate(steps, 1):
        assert f"[{i}/4] {step}(" in out
    assert "progress: Downloading output of titanic-gender-baseline" in out
    assert "Successfully submitted" in out and "Scored: public score" in out and "Done in 4 tool calls" in out
    assert (tmp_path / "demo" / "notebooks" / "sandbox-user" / "titanic-gender-baseline" / "output"
            / "submission.csv").is_file()
