"""Every KernelsApiService RPC the product uses, over HTTP against the sandbox."""

from __future__ import annotations

import json
import time

import anyio
import pytest

from kaggle_mcp.kaggle.errors import ApplicationError, NotFound

pytestmark = pytest.mark.anyio


async def test_list_kernels_filters_sort_and_paging(client):
    async with client() as kc:
        page = await kc.kernels.list_kernels(competition="titanic", sort_by="VOTE_COUNT", page_size=3)
        assert 0 < len(page.kernels) <= 3
        votes = [k.total_votes for k in page.kernels]
        assert votes == sorted(votes, reverse=True)
        every = [k.ref async for k in kc.kernels.iter_kernels(competition="titanic", page_size=2)]
        assert len(every) >= len(page.kernels) and len(every) == len(set(every))
        scripts_in_r = await kc.kernels.list_kernels(language="r", page_size=100)
        assert scripts_in_r.kernels and all(k.language == "r" for k in scripts_in_r.kernels)
        by_user = await kc.kernels.list_kernels(user="carol", page_size=100)
        assert by_user.kernels and all(k.ref.startswith("carol/") for k in by_user.kernels)


async def test_get_kernel_source_and_missing_kernel(client):
    async with client() as kc:
        first = (await kc.kernels.list_kernels(competition="titanic", kernel_type="notebook", page_size=1)).kernels[0]
        owner, slug = first.ref.split("/")
        got = await kc.kernels.get_kernel(owner, slug)
        assert got.metadata.ref == first.ref and got.blob.source
        assert "cells" in json.loads(got.blob.source)
        with pytest.raises(NotFound):
            await kc.kernels.get_kernel("nobody", "no-such-kernel")


async def test_seeded_kernel_status_output_files_and_download(client, tmp_path):
    async with client() as kc:
        status = await kc.kernels.get_kernel_session_status("sandbox-user", "aimo-sandbox-starter")
        assert status.status == "COMPLETE"
        out = await kc.kernels.list_kernel_session_output("sandbox-user", "aimo-sandbox-starter")
        assert out.files and all(f.url and f.file_name for f in out.files) and out.log
        files = await kc.kernels.list_kernel_files("sandbox-user", "aimo-sandbox-starter")
        assert files.files and files.files[0].name
        download = await kc.kernels.download_output("sandbox-user", "aimo-sandbox-starter", tmp_path)
        assert download.skipped == []
        names = {r.path.name for r in download.files}
        assert {f.file_name.rsplit("/", 1)[-1] for f in out.files} <= names and "aimo-sandbox-starter.log" in names
        output_gets = [s for s in kc.recorder.sent if s.method == "GET"]
        assert output_gets  # fetched over HTTP, and with the pattern filter only matching files:
        only_csv = await kc.kernels.download_output(
            "sandbox-user", "aimo-sandbox-starter", tmp_path / "f", pattern="*.csv"
        )
        assert {r.path.suffix for r in only_csv.files} == {".csv", ".log"}


async def test_output_patterns_are_globs_and_no_pattern_can_stall_the_loop(own_client, tmp_path):
    """Issue 11 item 5: `(a+)+$` as a regex against `aaa...a!` backtracks for seconds (2^26 steps here) on the
    event loop; as a glob it is a plain string comparison."""
    async with own_client() as kc:
        hostile_name = "a" * 26 + "!"
        await kc.kernels.save_kernel(
            slug="sandbox-user/pattern-outputs", new_title="Pattern Outputs", language="python", kernel_type="script",
            text=f"import os\nos.makedirs('figs')\nfor n in ('x.csv', 'figs/y.csv', 'notes.txt', {hostile_name!r}):\n"
                 "    open(n, 'w').write(n)\n",
        )  # fmt: skip
        with anyio.fail_after(60):
            while (await kc.kernels.get_kernel_session_status("sandbox-user", "pattern-outputs")).status != "COMPLETE":
                await anyio.sleep(0.1)

        async def names(pattern: str) -> set[str]:
            got = await kc.kernels.download_output("sandbox-user", "pattern-outputs", tmp_path / pattern[:4], pattern=pattern)
            return {r.path.relative_to(tmp_path / pattern[:4]).as_posix() for r in got.files} - {"pattern-outputs.log"}

        assert await names("*.csv") == {"x.csv", "figs/y.csv"}
        assert await names("figs/*") == {"figs/y.csv"}
        assert await names("notes") == {"notes.txt"}  # a plain word is found in the name, as the CLI's regex would
        started = time.perf_counter()
        assert await names("(a+)+$") == set()
        assert time.perf_counter() - started < 2.0


async def test_accelerator_quota(client):
    async with client() as kc:
        quota = await kc.kernels.get_accelerator_quota_statistics()
        assert quota.gpu_quota.total_time_allowed.total_seconds() > 0


async def test_save_kernel_runs_and_reports(own_client, tmp_path):
    async with own_client() as kc:
        pushed = await kc.kernels.save_kernel(
            slug="sandbox-user/client-test-script", new_title="Client Test Script",
            text='print("hello from the client")\n',
            language="python", kernel_type="script", is_private=True, enable_gpu=False, enable_internet=False,
            competition_data_sources=["titanic"],
        )  # fmt: skip
        assert pushed.ref.endswith("client-test-script") and pushed.version_number and not pushed.error
        status = None
        with anyio.fail_after(60):
            while True:
                status = await kc.kernels.get_kernel_session_status("sandbox-user", "client-test-script")
                if status.status not in ("QUEUED", "RUNNING"):
                    break
                await anyio.sleep(0.2)
        assert status.status == "COMPLETE", status.failure_message
        out = await kc.kernels.list_kernel_session_output("sandbox-user", "client-test-script")
        assert "hello from the client" in (out.log or "")
        # SaveKernel is never retried: exactly one push went out
        assert len(kc.recorder.bodies("SaveKernel")) == 1


async def test_save_kernel_error_in_200_is_raised(own_client):
    async with own_client() as kc:
        with pytest.raises(ApplicationError):
            await kc.kernels.save_kernel(
                slug="sandbox-user/x", new_title="x", text="", language="python", kernel_type="script"
            )


async def test_save_kernel_keeps_invalid_sources_on_the_response(own_client, caplog):
    async with own_client() as kc:
        pushed = await kc.kernels.save_kernel(
            slug="sandbox-user/client-test-bad-sources", new_title="Client Test Bad Sources", text="print(1)\n",
            language="python", kernel_type="script", dataset_data_sources=["nobody/no-such-dataset"],
            competition_data_sources=["no-such-competition"],
        )  # fmt: skip
        assert "nobody/no-such-dataset" in pushed.invalid_sources and "no-such-competition" in pushed.invalid_sources
        assert "dropped sources" in caplog.text


async def test_text_that_cannot_be_encoded_is_refused_before_sending(own_client):
    """Found by the fuzz run with the honest crash oracle: a lone surrogate in push_notebook's model_sources
    made httpx raise UnicodeEncodeError, which reached the agent as "failed unexpectedly"."""
    from kaggle_mcp.kaggle.errors import BadRequest

    async with own_client() as kc:
        with pytest.raises(BadRequest, match="lone surrogate.*nothing was sent.*Pass the value as plain text"):
            await kc.kernels.save_kernel(
                slug="sandbox-user/surrogate", new_title="Surrogate", text="print(1)\n", language="python",
                kernel_type="script", model_data_sources=["\ud800"],
            )  # fmt: skip
        with pytest.raises(BadRequest, match="lone surrogate"):
            await kc.competitions.download_data_file("titanic\ud800", "train.csv", "unused")
        assert kc.recorder.bodies("SaveKernel") == [] and kc.recorder.bodies("DownloadDataFile") == []
