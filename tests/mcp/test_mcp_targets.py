"""The targets of issue 13 as behaviour (benchmarks/ prints the same figures): what every tool costs in the
model's context, and kickoff to an accepted submission in four calls through a real stdio session."""

from __future__ import annotations

import json

import pytest

from kaggle_mcp.server import build_server
from kaggle_mcp.settings import Settings

pytestmark = pytest.mark.anyio


async def test_every_tool_description_together_fits_6500_tokens(tmp_path, o200k):
    tools = await build_server(Settings(workspace=tmp_path)).list_tools()
    sizes = {t.name: o200k(json.dumps({"name": t.name, "description": t.description, "inputSchema": t.input_schema},
                                      separators=(",", ":"), ensure_ascii=False)) for t in tools}
    assert len(sizes) == 27 and sum(sizes.values()) <= 6500, sizes


@pytest.mark.slow
async def test_kickoff_to_an_accepted_submission_in_four_calls_over_stdio(tmp_path, o200k):
    from kaggle_mcp.commands.demo import kickoff

    printed: list[str] = []
    calls = await kickoff(tmp_path / "workspace", printed.append)
    assert [c.tool for c in calls] == ["search_competitions", "get_competition_context", "push_notebook",
                                       "submit_to_competition"]
    context, pushed, submitted = (c.result.structured_content for c in calls[1:])
    assert context["competition"] == "titanic" and context["tokens"] > 3000   # the whole context, not a sliver
    assert pushed["run"]["status"] == "COMPLETE"
    assert calls[3].arguments["file"] == pushed["output"]["files"][0]["file"]
    assert (tmp_path / "workspace" / calls[3].arguments["file"]).is_file()
    assert submitted["status"] == "COMPLETE" and submitted["public_score"] is not None
    assert sum(o200k(c.text) for c in calls) <= 12_000
    assert any(line.startswith("      progress: ") for line in printed)
