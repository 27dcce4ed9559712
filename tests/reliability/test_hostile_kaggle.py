"""Item 4: a hostile Kaggle. The sandbox's hostile mode serves escaping file names (`../`, absolute paths,
zip-slip archives), a notebook with 100 MB of outputs (streamed by the sandbox, never held), JSON nested
100 000 deep, lone surrogates and bytes that are not UTF-8 (kaggle_mcp/sandbox/hostile.py and
hostile_content.py). The MCP server runs as a real subprocess (streamable HTTP) so its memory can be read
from /proc and transport-level failures show up as they would for a user.

Guarantees: nothing lands outside the workspace; no crash (no exception out of the client call, every
error actionable); an answer that refuses or skips something names it; the server's peak RSS grows by at
most MEMORY_BUDGET_MB while reading the 100 MB notebook.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_world import hostile_sandbox

from kaggle_mcp.sandbox.harness import http_server_process, peak_rss_mb, server_env
from mcp import Client
from reliability_helpers import actionable_problem, partial_files, text_of, tree

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

ESCAPE_NAMES = {"escape.csv", "climb.csv", "escaped.txt", "absolute.csv", "absolute.txt", "..\\windows.csv"}
MEMORY_BUDGET_MB = 256  # for a 100 MB notebook: at most ~2.5x its size, whatever the server does with it


@pytest.fixture
def hostile(monkeypatch):
    with hostile_sandbox(monkeypatch) as sb:
        yield sb


@pytest.fixture
def served(hostile, tmp_path, workspace):
    env = server_env(os.environ, hostile.url, workspace, tmp_path / "cache", KAGGLE_MCP_RETRY_SECONDS="3")
    with http_server_process(env, tmp_path / "server.stderr") as (base, proc):
        yield base, proc


def _escaped(tmp_path: Path, workspace: Path, before: set[str]) -> list[str]:
    outside = {p for p in tree(tmp_path) - before if not p.startswith(("workspace", "cache", "server.stderr"))}
    strays = [str(Path(root) / name) for root in (tmp_path.parent, Path("/tmp"))
              for name in ESCAPE_NAMES if (Path(root) / name).exists()]
    return sorted(outside) + strays


ESCAPING_CALLS = [
    ("list_competition_files", {"competition": "hostile-files"}),
    ("download_competition_data", {"competition": "hostile-files"}),
    ("download_competition_data", {"competition": "hostile-files", "file": "../escape.csv"}),
    ("download_competition_data", {"competition": "hostile-files", "file": "/tmp/absolute.csv"}),
    ("download_competition_data", {"competition": "hostile-files", "file": "nested/../../climb.csv"}),
    ("download_competition_data", {"competition": "hostile-files", "file": "..\\windows.csv"}),
    ("download_competition_data", {"competition": "hostile-files", "file": "ok.csv"}),
    ("download_dataset", {"dataset": "mallory/zip-slip"}),
    ("download_dataset", {"dataset": "mallory/zip-slip", "file": "../escape.csv"}),
    ("get_notebook_output", {"notebook": "mallory/hostile-output"}),
    ("get_competition_context", {"competition": "hostile-files", "top_notebooks": 0}),
]


async def test_escaping_names_stay_in_the_workspace_and_are_named(served, tmp_path, workspace):
    base, _ = served
    existing = {str(Path(r) / n) for r in (tmp_path.parent, Path("/tmp")) for n in ESCAPE_NAMES if (Path(r) / n).exists()}
    before = tree(tmp_path)
    problems = []
    async with Client(f"{base}/mcp") as c:
        for name, args in ESCAPING_CALLS:
            result = await c.call_tool(name, args)
            text = text_of(result)
            if actionable_problem(result):
                problems.append(f"{name}{args}: {actionable_problem(result)}")
            skipped = result.is_error or "skipped" in text.lower() or "refus" in text.lower()
            hostile_asked = args.get("file", "ok.csv") != "ok.csv" or "file" not in args
            if name.startswith(("download", "get_notebook_output")) and hostile_asked:
                # whatever was not written must be named, so the agent knows what it is missing
                assert skipped and any(n in text for n in ("../", "/tmp/", "..\\")), f"{name}{args}: {text[:500]}"
    assert (workspace / "competitions/hostile-files/ok.csv").is_file()
    # the safe members of hostile archives and outputs are still delivered, beside the named skips
    assert (workspace / "datasets/mallory/zip-slip/ok.csv").is_file()
    assert (workspace / "notebooks/mallory/hostile-output/output/ok.txt").read_text() == "written as ok.txt\n"
    assert [p for p in _escaped(tmp_path, workspace, before) if p not in existing] == []
    assert partial_files(workspace) == []
    assert problems == [], "\n".join(problems)


CONTENT_CALLS = [
    ("read_notebook", {"notebook": "mallory/deep-json"}),
    ("read_notebook", {"notebook": "mallory/deep-answer"}),
    ("read_notebook", {"notebook": "mallory/bad-utf8"}),
    ("read_notebook", {"notebook": "mallory/raw-bytes"}),
    ("get_notebook_output", {"notebook": "mallory/bad-utf8"}),
    ("list_competition_files", {"competition": "hostile-content"}),
    ("download_competition_data", {"competition": "hostile-content", "file": "latin1.csv"}),
    ("download_competition_data", {"competition": "hostile-content", "file": "cut-multibyte.csv"}),
    ("download_competition_data", {"competition": "hostile-content"}),  # its zip names a lone surrogate
    ("list_notebooks", {"competition": "hostile-content"}),
    ("download_dataset", {"dataset": "mallory/bad-archives", "file": "bad-names.zip"}),
    ("download_dataset", {"dataset": "mallory/bad-archives"}),
    ("get_competition_context", {"competition": "hostile-content", "top_notebooks": 4}),
]


async def test_deep_and_badly_encoded_answers_never_crash(served, workspace):
    base, _ = served
    problems = []
    async with Client(f"{base}/mcp") as c:
        for name, args in CONTENT_CALLS:
            try:
                result = await c.call_tool(name, args)
            except Exception as exc:  # e.g. an answer the transport cannot serialize
                problems.append(f"{name}{args} raised {type(exc).__name__}: {str(exc)[:300]}")
                continue
            text = text_of(result)
            if actionable_problem(result):
                problems.append(f"{name}{args}: {actionable_problem(result)}")
            elif result.is_error and "failed unexpectedly" in text:
                problems.append(f"{name}{args}: an unexpected exception, not a handled case: {text[:300]}")
        if not problems:  # the context must survive its hostile sections and say which failed
            ctx = await c.call_tool("get_competition_context", {"competition": "hostile-content", "top_notebooks": 4})
            assert not ctx.is_error and ctx.structured_content["failed"], text_of(ctx)[:500]
    assert (workspace / "competitions/hostile-content/latin1.csv").read_bytes().startswith(b"name,city\nJos\xe9")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("limit_mb,budget_mb", [(None, MEMORY_BUDGET_MB), (160, 400)])
async def test_a_100_mb_notebook_keeps_memory_bounded(hostile, tmp_path, workspace, limit_mb, budget_mb):
    """Default: the client stops reading at its answer limit (64 MB) and the tool says the notebook was
    skipped. With the limit raised above the notebook, it is read and its outputs trimmed while parsing:
    the peak stays near 3x the answer (bytes, text, parsed), not the ~9x of holding every copy."""
    extra = {"KAGGLE_MCP_MAX_ANSWER_MB": str(limit_mb)} if limit_mb else {}
    env = server_env(os.environ, hostile.url, workspace, tmp_path / "cache", KAGGLE_MCP_RETRY_SECONDS="3", **extra)
    with http_server_process(env, tmp_path / "server.stderr") as (base, proc):
        async with Client(f"{base}/mcp") as c:
            warm = await c.call_tool("read_notebook", {"notebook": "alice/titanic-eda-and-first-baseline"})
            assert not warm.is_error, text_of(warm)
            before = peak_rss_mb(proc.pid)
            result = await c.call_tool("read_notebook", {"notebook": "mallory/huge-outputs", "max_tokens": 4000})
            growth = peak_rss_mb(proc.pid) - before
    text = text_of(result)
    print(f"\nread_notebook(100 MB of outputs, answer limit {limit_mb or 'default'} MB): peak RSS {before:.0f} MB "
          f"-> +{growth:.0f} MB; answer {len(text)} chars, is_error={result.is_error}")
    assert actionable_problem(result) is None, actionable_problem(result)
    assert len(text) < 40_000, "the answer must stay within its token budget"
    if limit_mb:
        assert not result.is_error and "trimmed 10" in text, text[:1500]  # ~1 092 000 lines of output cut
    else:
        assert result.is_error and "skipped" in text.lower() and "too large" in text.lower(), text
    assert growth <= budget_mb, f"peak RSS grew {growth:.0f} MB reading a 100 MB notebook"
