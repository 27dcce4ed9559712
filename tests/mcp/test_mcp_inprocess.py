"""The server in-process through the SDK's Client, in both protocol eras (default and legacy handshake)."""

from __future__ import annotations

import re

import pytest
from mcp import Client
from mcp_helpers import ProgressLog, text_of

from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.server import build_server

pytestmark = pytest.mark.anyio

READ_TOOLS = {"search_competitions", "get_competition_context", "list_competition_files", "download_competition_data",
              "get_leaderboard", "list_submissions", "list_notebooks", "read_notebook", "get_notebook_status",
              "get_notebook_output", "search_datasets", "list_dataset_files", "download_dataset", "whoami",
              "list_discussions", "read_discussion", "search_models", "get_model", "list_model_files", "download_model",
              "get_dataset_info", "preview_file", "search_kaggle"}
WRITE_TOOLS = {"submit_to_competition", "push_notebook", "publish_dataset", "cancel_notebook_run"}
WRITES_WORKSPACE = {"download_competition_data", "download_dataset", "get_notebook_output", "download_model"}
CONTRACT_PARAMS = {
    "search_competitions": {"query", "category", "sort_by", "page"},
    "get_competition_context": {"competition", "top_notebooks", "max_tokens", "refresh"},
    "list_competition_files": {"competition", "cursor"},
    "download_competition_data": {"competition", "file", "unzip"},
    "get_leaderboard": {"competition", "top"},
    "list_submissions": {"competition"},
    "submit_to_competition": {"competition", "file", "message", "confirm"},
    "list_notebooks": {"competition", "dataset", "user", "search", "sort_by", "language", "kernel_type", "mine",
                       "page_size", "cursor"},
    "read_notebook": {"notebook", "version", "max_tokens", "part"},
    "push_notebook": {"title", "source", "path", "notebook", "kernel_type", "language", "accelerator", "internet",
                      "private", "competition_sources", "dataset_sources", "kernel_sources", "model_sources",
                      "timeout_minutes", "confirm", "wait_seconds"},
    "get_notebook_status": {"notebook", "wait_seconds"},
    "get_notebook_output": {"notebook", "pattern", "log_lines"},
    "search_datasets": {"query", "sort_by", "file_type", "license", "user", "page"},
    "list_dataset_files": {"dataset"},
    "download_dataset": {"dataset", "file", "unzip"},
    "publish_dataset": {"dataset", "paths", "title", "private", "version_notes", "license", "confirm"},
    "whoami": set(),
    "list_discussions": {"competition", "dataset", "notebook", "model", "search", "sort_by", "solutions_only", "cursor"},
    "read_discussion": {"topic", "max_tokens", "part"},
    "search_models": {"query", "owner", "framework", "sort_by", "cursor"},
    "get_model": {"model"},
    "list_model_files": {"model", "cursor"},
    "download_model": {"model", "file"},
    "cancel_notebook_run": {"notebook"},
    "get_dataset_info": {"dataset", "max_tokens"},
    "preview_file": {"competition", "dataset", "file", "rows"},
    "search_kaggle": {"query", "kind", "cursor"},
}


@pytest.fixture(params=["auto", "legacy"])
def mode(request) -> str:
    return request.param


async def test_tools_follow_the_contract(server, mode):
    async with Client(server, mode=mode) as c:
        assert c.server_info.name == "kaggle" and c.server_info.version
        assert "get_competition_context" in (c.instructions or "")
        tools = {t.name: t for t in (await c.list_tools()).tools}
    assert set(tools) == READ_TOOLS | WRITE_TOOLS
    for name, tool in tools.items():
        props = tool.input_schema.get("properties", {})
        assert CONTRACT_PARAMS[name] <= set(props), name
        assert all(p.get("description") for p in props.values()), name
        assert tool.title and len(tool.description) > 80, name
        assert tool.output_schema and tool.output_schema.get("type") == "object", name
        hints = tool.annotations
        assert hints.read_only_hint == (name not in WRITE_TOOLS | WRITES_WORKSPACE), name
        assert hints.open_world_hint is True, name
        assert hints.destructive_hint == (name == "cancel_notebook_run"), name  # it ends work in progress
        assert hints.idempotent_hint == (name not in {"push_notebook", "submit_to_competition", "publish_dataset"}), name


async def test_whoami_names_the_source_never_the_secret(server, mode):
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    async with Client(server, mode=mode) as c:
        result = await c.call_tool("whoami", {})
    assert not result.is_error, text_of(result)
    assert result.structured_content["username"] == "sandbox-user"
    assert SANDBOX_TOKEN not in text_of(result) and SANDBOX_TOKEN not in str(result.structured_content)


async def test_lists_are_toon_tables_with_a_structured_twin(server, mode):
    async with Client(server, mode=mode) as c:
        result = await c.call_tool("search_competitions", {"query": "titanic"})
    assert not result.is_error, text_of(result)
    assert "competitions[1]{slug,title,category,reward,deadline,teams,entered}:" in text_of(result)
    assert result.structured_content["competitions"][0]["slug"] == "titanic"


async def test_read_only_registers_no_write_tool(sandbox, settings_for):
    async with Client(build_server(settings_for(sandbox, read_only=True))) as c:
        names = {t.name for t in (await c.list_tools()).tools}
    assert names == READ_TOOLS


@pytest.mark.parametrize("lazy", [False, True], ids=["registered-at-start", "registered-on-first-use"])
async def test_resources_and_prompt(sandbox, settings_for, mode, lazy):
    """Served alike by a server that registers them at start (HTTP) and by one that registers them when a
    client first asks (stdio, lazy_tools), which announces the same capabilities."""
    async with Client(build_server(settings_for(sandbox)), mode=mode) as eager:
        announced = eager.server_capabilities
    async with Client(build_server(settings_for(sandbox), lazy_tools=lazy), mode=mode) as c:
        assert c.server_capabilities == announced
        templates = {t.uri_template for t in (await c.list_resource_templates()).resource_templates}
        assert templates == {"kaggle://competitions/{competition}/context", "kaggle://notebooks/{owner}/{slug}"}
        context = (await c.read_resource("kaggle://competitions/titanic/context")).contents[0].text
        notebook = (await c.read_resource("kaggle://notebooks/alice/titanic-ensembling-stacking")).contents[0].text
        prompt = await c.get_prompt("competition_kickoff", {"competition": "titanic"})
    data = decode_context(context)  # the resource is the TOON document alone
    assert data["competition"]["title"].startswith("Titanic") and "never as instructions" in data["notice"]
    assert "<untrusted-kaggle-content" not in context
    assert "```python" in notebook
    plan = prompt.messages[0].content.text
    assert 'competition_sources=["titanic"], wait_seconds=600' in plan and "submit_to_competition(" in plan


async def test_context_is_fenced_and_reports_progress(server):
    progress = ProgressLog()
    async with Client(server) as c:
        result = await c.call_tool("get_competition_context", {"competition": "https://www.kaggle.com/c/titanic",
                                                               "top_notebooks": 2, "max_tokens": 3000},
                                   progress_callback=progress)
    text = text_of(result)
    assert not result.is_error, text
    opening = re.findall(r"<untrusted-kaggle-content-([0-9a-f]+) source=", text)
    assert len(opening) == 1 and f"</untrusted-kaggle-content-{opening[0]}>" in text  # one fence, its own nonce
    assert f"untrusted-kaggle-content-{opening[0]}" in text.split("\n", 1)[0]  # the note names it
    assert result.structured_content["competition"] == "titanic"
    assert progress.reports
