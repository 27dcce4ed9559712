"""Every tool answers bad input with an error the model can act on, never a bare "Error executing tool"."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.server.mcpserver.exceptions import ToolError
from mcp_helpers import assert_actionable

from kaggle_mcp.server import build_server

pytestmark = pytest.mark.anyio

BAD_ARGUMENTS = [
    ("search_competitions", {"category": "nope"}, ["category", "featured"]),
    ("get_competition_context", {"competition": "not a slug!"}, ["search_competitions"]),
    ("list_competition_files", {"competition": "titanic", "cursor": "garbage!!"}, ["cursor", "next_cursor"]),
    ("download_competition_data", {"competition": "no-such-competition"}, ["404", "search_competitions"]),
    ("download_competition_data", {"competition": "titanic", "file": "nope.csv"},
     ["no file 'nope.csv' in competition 'titanic'", "call list_competition_files"]),
    ("get_leaderboard", {"competition": "titanic", "top": 0}, ["top", "greater than or equal to 1"]),
    ("list_submissions", {}, ["competition", "required"]),
    ("submit_to_competition", {"competition": "titanic", "file": "../../etc/passwd", "message": "m"},
     ["outside the workspace"]),
    ("list_notebooks", {"sort_by": "relevance"}, ["search"]),
    ("read_notebook", {"notebook": "alice/does-not-exist"}, ["404", "list_notebooks"]),
    ("push_notebook", {"title": "A valid title", "source": "print(1)", "accelerator": "h100"},
     ["none (CPU only), gpu (GPU T4 x2", "gpu-t4x2", "tpu (TPU v5e-8)"]),
    ("get_notebook_status", {"notebook": "sandbox-user/never-ran-here"}, ["never run", "push_notebook"]),
    ("get_notebook_output", {"notebook": "sandbox-user/never-ran-here"}, ["never run", "push_notebook"]),
    ("search_datasets", {"file_type": "xlsx"}, ["file_type", "csv"]),
    ("list_dataset_files", {"dataset": "lonely"}, ["owner/slug"]),
    ("download_dataset", {"dataset": "alice/no-such-dataset"}, ["404", "search_datasets"]),
    ("publish_dataset", {"dataset": "stolen-keys", "paths": ["~/.ssh"]}, ["outside the workspace"]),
    ("list_discussions", {"competition": "titanic", "dataset": "alice/x"}, ["not competition and dataset",
                                                                            "once per forum"]),
    ("read_discussion", {"topic": "not a topic"}, ["numeric id", "list_discussions"]),
    ("search_models", {"framework": "cobol"}, ["not a Kaggle model framework", "pyTorch"]),
    ("get_model", {"model": "carol/olympiad-solver/keras/1.5b"}, ["has no keras/1.5b instance",
                                                                  'get_model(model="carol/olympiad-solver")']),
    ("list_model_files", {"model": "carol/olympiad-solver"}, ["has 4 instances", "carol/olympiad-solver/pyTorch/1.5b"]),
    ("download_model", {"model": "carol/olympiad-solver/pyTorch/1.5b/2", "file": "weights.bin"},
     ["has no file 'weights.bin'", "model.pt"]),
    ("cancel_notebook_run", {"notebook": "sandbox-user/never-ran-here"}, ["never run", "push_notebook"]),
    ("get_dataset_info", {"dataset": "alice/no-such-dataset"}, ["404", "search_datasets"]),
    ("preview_file", {"file": "train.csv"}, ["exactly one of competition or dataset", "list_competition_files"]),
    ("search_kaggle", {"query": "  "}, ["needs words", "query="]),
]


def test_every_tool_has_a_bad_argument_case():
    from test_mcp_inprocess import READ_TOOLS, WRITE_TOOLS

    assert {name for name, _, _ in BAD_ARGUMENTS} == (READ_TOOLS | WRITE_TOOLS) - {"whoami"}


@pytest.mark.parametrize("tool,args,needles", BAD_ARGUMENTS, ids=[case[0] for case in BAD_ARGUMENTS])
async def test_bad_arguments_are_actionable(server, tool, args, needles):
    async with Client(server) as c:
        result = await c.call_tool(tool, args)
    assert_actionable(result, *needles)


async def test_rules_not_accepted_points_at_the_rules_page(server, sandbox):
    async with Client(server) as c:
        result = await c.call_tool("download_competition_data", {"competition": "retail-demand-forecast",
                                                                 "file": "stores.csv"})
    # the sandbox's own Rules page (tests/conformance/test_rules_page.py follows it); on Kaggle, kaggle.com's
    assert_actionable(result, f"{sandbox.url}/competitions/retail-demand-forecast/rules?user=sandbox-user&sig=",
                      "I Understand and Accept")


async def test_confirm_is_required_for_public_and_submit(fresh_server, workspace):
    (workspace / "sub.csv").write_text("PassengerId,Survived\n892,0\n")
    async with Client(fresh_server) as c:
        submit = await c.call_tool("submit_to_competition", {"competition": "titanic", "file": "sub.csv",
                                                             "message": "m"})
        public = await c.call_tool("push_notebook", {"title": "Public one", "source": "print(1)", "private": False})
        dataset = await c.call_tool("publish_dataset", {"dataset": "open-data", "paths": ["sub.csv"],
                                                        "private": False})
    assert_actionable(submit, "confirm=true", "remaining today")
    assert_actionable(public, "confirm=true")
    assert_actionable(dataset, "confirm=true")


async def test_a_spent_daily_quota_says_when_and_what_to_do_meanwhile(fresh_server, fresh_sandbox, workspace):
    """Found by the random fuzz run: the refusal said when the quota resets but named no step to take."""
    rows = ["PassengerId,Survived", *(f"{892 + i},0" for i in range(418))]
    (workspace / "sub.csv").write_text("\n".join(rows) + "\n")
    args = {"competition": "titanic", "file": "sub.csv", "message": "m", "confirm": True, "wait_seconds": 0}
    async with Client(fresh_server) as c:
        for _ in range(fresh_sandbox.state.competitions["titanic"].max_daily_submissions + 1):
            answer = await c.call_tool("submit_to_competition", args)
            if answer.is_error:
                break
    assert_actionable(answer, "No submissions left today", "after midnight UTC", "list_submissions")


async def test_submission_with_wrong_columns_is_refused_before_quota(server, workspace):
    (workspace / "bad.csv").write_text("id,label\n892,0\n")
    async with Client(server) as c:
        result = await c.call_tool("submit_to_competition", {"competition": "titanic", "file": "bad.csv",
                                                             "message": "m", "confirm": True})
    assert_actionable(result, "PassengerId,Survived")


async def test_code_competition_submit_is_explained(server, workspace):
    (workspace / "sub.csv").write_text("id,answer\n1,2\n")
    async with Client(server) as c:
        result = await c.call_tool("submit_to_competition", {"competition": "ai-math-olympiad-sandbox",
                                                             "file": "sub.csv", "message": "m", "confirm": True})
        wrong = await c.call_tool("submit_to_competition", {"competition": "titanic", "file": "sub.csv",
                                                            "message": "m", "notebook": "alice/x-notebook"})
    assert_actionable(result, "code competition", "push_notebook", "notebook=owner/slug")
    assert_actionable(wrong, "only for code competitions", "get_notebook_output")


async def test_rate_limit_says_when_to_retry(fresh_sandbox, settings_for, monkeypatch):
    monkeypatch.setenv("KAGGLE_MCP_RETRY_SECONDS", "0.5")
    fresh_sandbox.set_faults("429=1.0,retry_after=1-1")
    async with Client(build_server(settings_for(fresh_sandbox))) as c:
        result = await c.call_tool("search_competitions", {"query": "titanic"})
    assert_actionable(result, "429", "retry")


async def test_no_credentials_explains_how_to_configure(sandbox, settings_for, isolated_env):
    async with Client(build_server(settings_for(sandbox, token=None))) as c:
        result = await c.call_tool("list_submissions", {"competition": "titanic"})
    assert_actionable(result, "KAGGLE_API_TOKEN", "kaggle.json")


async def test_unexpected_exceptions_become_tool_errors():
    from kaggle_mcp.server.errors import guarded

    @guarded("demo_tool")
    async def broken():
        raise ZeroDivisionError("boom")

    # The class is named, the exception's own text is not: it can hold anything, a header value included.
    with pytest.raises(ToolError, match=r"demo_tool failed unexpectedly \(ZeroDivisionError\).*stderr") as caught:
        await broken()
    assert "boom" not in str(caught.value)


async def test_whoami_without_credentials_says_how_to_sign_in(sandbox, settings_for, isolated_env):
    async with Client(build_server(settings_for(sandbox, token=None))) as c:
        result = await c.call_tool("whoami", {})
    assert not result.is_error and result.structured_content["username"] is None
    assert "Not signed in" in result.content[0].text and "KAGGLE_API_TOKEN" in result.content[0].text


async def test_invalid_arguments_are_named_in_one_line_with_the_valid_values(server):
    async with Client(server) as c:
        result = await c.call_tool("search_competitions", {"sort_by": "popular", "page": 0, "query": "secret-value"})
    text = "\n".join(getattr(block, "text", "") for block in result.content)
    assert result.is_error and "\n" not in text
    assert text.startswith("search_competitions was called with invalid arguments: sort_by: Input should be 'best'")
    assert "page: Input should be greater than or equal to 1" in text and text.endswith("again with valid values.")
    assert "pydantic.dev" not in text and "input_value" not in text and "popular" not in text


async def test_a_notebook_given_as_ipynb_json_text_is_pushed_as_a_notebook(server):
    notebook = ('{"cells": [{"cell_type": "code", "source": "print(6 * 7)", "metadata": {}, "outputs": [], '
                '"execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}')
    async with Client(server) as c:
        pushed = await c.call_tool("push_notebook", {"title": "Notebook as JSON text", "source": notebook,
                                                     "kernel_type": "notebook"})
        assert not pushed.is_error, pushed.content
        read = await c.call_tool("read_notebook", {"notebook": pushed.structured_content["ref"]})
    assert "print(6 * 7)" in "\n".join(getattr(block, "text", "") for block in read.content)


async def test_whoami_offline_still_says_what_it_knows_locally(settings_for, sandbox):
    from kaggle_mcp.sandbox.harness import free_port

    offline = settings_for(sandbox)
    offline = type(offline)(**{**offline.__dict__, "endpoint": f"http://127.0.0.1:{free_port()}"})
    async with Client(build_server(offline)) as c:
        me = await c.call_tool("whoami", {})
    text = "\n".join(getattr(block, "text", "") for block in me.content)
    assert not me.is_error, text
    assert me.structured_content["credential_source"] == "explicit token" and me.structured_content["unreachable"]
    assert "could not be asked" in text and "workspace" in text


async def test_an_unreachable_database_is_named_without_its_password(settings_for, sandbox):
    from kaggle_mcp.sandbox.harness import free_port

    settings = settings_for(sandbox)
    broken = type(settings)(**{**settings.__dict__,
                               "database_url": f"postgresql://kaggle:hunter2@127.0.0.1:{free_port()}/contexts"})
    async with Client(build_server(broken)) as c:
        result = await c.call_tool("get_competition_context", {"competition": "titanic"})
    text = "\n".join(getattr(block, "text", "") for block in result.content)
    assert result.is_error and "could not use the context store" in text and "KAGGLE_MCP_DATABASE_URL" in text
    assert "hunter2" not in text and "127.0.0.1" in text
