"""The workflows, called as the REST API and the CLI call them (no MCP), against a real sandbox over HTTP."""

from __future__ import annotations

import hashlib
import zipfile

import anyio
import httpx
import pytest

from kaggle_mcp.deployment import Deployment
from kaggle_mcp.kaggle.errors import Forbidden, InvalidReference
from kaggle_mcp.sandbox import SANDBOX_TOKEN, SandboxSettings, serve_in_thread
from kaggle_mcp.settings import Settings
from kaggle_mcp.workflows.contexts import competition_context
from kaggle_mcp.workflows.datasets import publish_dataset
from kaggle_mcp.workflows.downloads import download_competition_data
from kaggle_mcp.workflows.errors import WorkflowError

pytestmark = pytest.mark.anyio


@pytest.fixture
def zipping_sandbox():
    """A sandbox that serves every competition file over 1 kB compressed, as Kaggle does with large ones."""
    with serve_in_thread(SandboxSettings(seed=0, zip_data_files_over=1000), host="127.0.0.1", port=0) as sb:
        yield sb


def deployment_for(sb, workspace, tmp_path) -> Deployment:
    return Deployment(Settings(endpoint=sb.url, token=SANDBOX_TOKEN, workspace=workspace, read_only=False))


async def test_a_file_served_compressed_lands_unwrapped_where_it_was_asked_for(zipping_sandbox, workspace, tmp_path,
                                                                                private_cache):
    deployment = deployment_for(zipping_sandbox, workspace, tmp_path)
    async with deployment.running():
        account = await deployment.account()
        got = await download_competition_data(account, "titanic", file="train.csv")
        async with httpx.AsyncClient() as http:  # what the sandbox serves: the zip, and the member inside it
            resolved = await http.post(f"{zipping_sandbox.url}/v1/competitions.CompetitionApiService/DownloadDataFile",
                                       json={"competitionName": "titanic", "fileName": "train.csv"},
                                       headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})
            assert resolved.headers["location"].endswith("/train.csv.zip")
            archive = tmp_path / "served.zip"
            archive.write_bytes((await http.get(resolved.headers["location"])).content)
    with zipfile.ZipFile(archive) as served:
        assert served.namelist() == ["train.csv"]
        expected = hashlib.sha256(served.read("train.csv")).hexdigest()
    saved = workspace / "competitions" / "titanic" / "train.csv"
    assert [f.file for f in got.files] == ["competitions/titanic/train.csv"]
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == expected
    assert sorted(p.name for p in saved.parent.iterdir()) == ["train.csv"]  # no zip, no .part left behind


async def test_a_failed_download_leaves_no_empty_folder(sandbox, workspace, tmp_path, private_cache):
    deployment = deployment_for(sandbox, workspace, tmp_path)
    async with deployment.running():
        account = await deployment.account()
        with pytest.raises(Forbidden):  # rules not accepted in the sandbox world
            await download_competition_data(account, "retail-demand-forecast", file="train.csv")
    assert not (workspace / "competitions").exists()


async def test_a_new_version_of_a_public_dataset_needs_confirm_and_reports_its_visibility(fresh_sandbox, workspace,
                                                                                         tmp_path, private_cache):
    (workspace / "features.csv").write_text("id,f\n1,0.5\n")
    deployment = deployment_for(fresh_sandbox, workspace, tmp_path)
    async with deployment.running():
        account = await deployment.account()
        created = await publish_dataset(account, "shared-features", ["features.csv"], title="Shared features",
                                        private=False, confirm=True)
        assert created.created and not created.private
        with pytest.raises(WorkflowError, match="public.*confirm=true"):
            await publish_dataset(account, "shared-features", ["features.csv"], version_notes="v2")
        version = await publish_dataset(account, "shared-features", ["features.csv"], version_notes="v2", confirm=True)
    assert not version.created and version.private is False


async def test_one_reference_parser_everywhere(sandbox, workspace, tmp_path, private_cache):
    deployment = deployment_for(sandbox, workspace, tmp_path)
    async with deployment.running():
        account = await deployment.account()
        with pytest.raises(InvalidReference, match="lowercase letters, digits and hyphens"):
            await competition_context(account, "my_comp")


async def test_an_http_deployment_without_credentials_never_stands_in_with_the_sandbox(isolated_env, workspace,
                                                                                      private_cache):
    deployment = Deployment(Settings(workspace=workspace))  # what `serve --transport http` builds
    async with deployment.running():
        account = await deployment.account()
    assert not account.sandbox and deployment.sandbox_url is None
    assert account.client.settings.endpoint == "https://api.kaggle.com"


async def test_stdio_falls_back_only_when_nothing_is_configured(isolated_env, workspace, private_cache, monkeypatch):
    fallback = Deployment(Settings(workspace=workspace, sandbox_fallback=True))
    async with fallback.running():
        assert (await fallback.account()).sandbox
    monkeypatch.setenv("KAGGLE_API_TOKEN", "KGAT_" + "0" * 32)
    configured = Deployment(Settings(workspace=workspace, sandbox_fallback=True))
    async with configured.running():
        assert not (await configured.account()).sandbox
    explicit = Deployment(Settings(workspace=workspace, sandbox_fallback=True, endpoint="http://127.0.0.1:9"))
    monkeypatch.delenv("KAGGLE_API_TOKEN")
    async with explicit.running():
        account = await explicit.account()
    assert not account.sandbox and account.client.settings.endpoint == "http://127.0.0.1:9"


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KAGGLE_MCP_CACHE_DIR", str(tmp_path / "cache"))


async def test_reading_a_large_notebook_leaves_the_event_loop_free(fresh_sandbox, workspace, tmp_path, private_cache):
    """Cleaning a notebook of 10 000 cells takes about a second of CPU; it runs in a worker thread, so a
    ticker on the event loop keeps ticking meanwhile. What is measured is the CPU time the event loop's own
    thread spends between two ticks, which a busy machine does not inflate (wall-clock gaps it does)."""
    import time

    import json

    from kaggle_mcp.workflows.notebooks import read_notebook
    from kaggle_mcp.workflows.pushing import PushRequest, push_notebook

    cells = [{"cell_type": "code", "source": f"x{i} = {i}\nprint(x{i} * 2)  # a comment\n", "metadata": {},
              "outputs": [{"output_type": "stream", "name": "stdout", "text": "line\n" * 20}], "execution_count": i}
             for i in range(10_000)]
    source = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4})
    deployment = deployment_for(fresh_sandbox, workspace, tmp_path)
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.thread_time()
        while True:
            await anyio.sleep(0.005)
            now = time.thread_time()
            gaps.append(now - last)
            last = now

    async with deployment.running():
        account = await deployment.account()
        pushed = await push_notebook(account, PushRequest(title="Ten thousand cells", source=source,
                                                          kernel_type="notebook"))
        async with anyio.create_task_group() as tg:
            tg.start_soon(ticker)
            part = await read_notebook(account, pushed.ref, budget=8000)
            tg.cancel_scope.cancel()
    assert part.parts > 10 and len(gaps) > 20
    assert max(gaps) < 0.1, f"the event loop's thread worked {max(gaps):.3f} s of CPU between two ticks"


async def test_the_leaderboard_is_read_across_pages_until_top_rows(sandbox, workspace, tmp_path, private_cache):
    from kaggle_mcp.workflows.competitions import get_leaderboard

    truth = [row.team_name for row in sandbox.state.competitions["house-prices-2019"].leaderboard]
    assert len(truth) > 200  # more than one page of GetLeaderboard
    deployment = deployment_for(sandbox, workspace, tmp_path)
    async with deployment.running():
        account = await deployment.account()
        some = await get_leaderboard(account, "house-prices-2019", top=210)
        every = await get_leaderboard(account, "house-prices-2019", top=1000)
    assert [r.team for r in some.rows] == truth[:210] and [r.rank for r in some.rows] == list(range(1, 211))
    assert [r.team for r in every.rows] == truth


AIMO = '''import csv
rows = list(csv.DictReader(open("/kaggle/input/ai-math-olympiad-sandbox/test.csv", newline="")))
with open("submission.csv", "w", newline="") as fh:
    fh.write("id,answer\\n" + "".join(f"{r['id']},0\\n" for r in rows))
'''


@pytest.fixture
def slow_scoring_sandbox():
    """A sandbox where a submission stays PENDING for 2 s before its score shows, as scoring takes a while."""
    with serve_in_thread(SandboxSettings(seed=0, scoring_delay_s=2.0), host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.mark.parametrize("wait_seconds", [0, 30])
async def test_a_code_submission_uses_the_latest_completed_run_and_waits_for_the_score(slow_scoring_sandbox,
                                                                                      workspace, tmp_path,
                                                                                      private_cache, wait_seconds):
    from kaggle_mcp.workflows.pushing import PushRequest, push_notebook
    from kaggle_mcp.workflows.runs import notebook_status
    from kaggle_mcp.workflows.submissions import submit

    deployment = deployment_for(slow_scoring_sandbox, workspace, tmp_path)
    comp = ("ai-math-olympiad-sandbox",)  # one submission a day: a fresh sandbox per case
    async with deployment.running():
        account = await deployment.account()
        good = await push_notebook(account, PushRequest(title="AIMO zero answers", source=AIMO, internet=False,
                                                        competition_sources=comp))
        assert (await notebook_status(account, good.ref, wait_seconds=90)).status == "COMPLETE"
        broken = await push_notebook(account, PushRequest(title="AIMO zero answers", source="raise SystemExit(3)",
                                                          internet=False, competition_sources=comp))
        assert broken.ref == good.ref and broken.version == (good.version or 0) + 1
        assert (await notebook_status(account, broken.ref, wait_seconds=90)).status == "ERROR"
        sent = await submit(account, comp[0], "submission.csv", "zeros", notebook=good.ref, confirm=True,
                            wait_seconds=wait_seconds)
    assert sent.notebook_version == good.version  # the newer, failed version is skipped, and the answer says so
    if wait_seconds:
        assert sent.status == "COMPLETE" and sent.public_score is not None and 1.5 <= sent.waited_seconds < 30
    else:
        assert sent.status == "PENDING" and sent.public_score is None
