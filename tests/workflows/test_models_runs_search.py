"""Kaggle Models, run cancellation and search, as workflows against the sandbox."""

from __future__ import annotations

import os

import anyio
import pytest

from kaggle_mcp.workflows.errors import WorkflowError
from kaggle_mcp.workflows.model_hub import download_model, get_model, list_model_files, search_models
from kaggle_mcp.workflows.run_control import cancel_notebook_run
from kaggle_mcp.workflows.search import search_kaggle

pytestmark = pytest.mark.anyio


async def test_search_and_read_a_model_card(account):
    async with account() as a:
        pytorch = await search_models(a, framework="pytorch")
        assert {m.ref for m in pytorch.models} == {"carol/olympiad-solver", "kaggle-sandbox/tiny-bert"}
        assert all("pyTorch" in m.frameworks for m in pytorch.models)
        by_owner = await search_models(a, owner="alice")
        assert [m.ref for m in by_owner.models] == ["alice/titanic-gbdt"]
        card = await get_model(a, "https://www.kaggle.com/models/carol/olympiad-solver")
        assert card.card.startswith("# Model Summary") and "mathematics" in card.tags
        instances = {(i.framework, i.variation): i for i in card.instances}
        torch = instances["pyTorch", "1.5b"]
        assert torch.versions == [3, 2, 1] and torch.latest_version == 3 and torch.license == "Apache 2.0"
        assert torch.handle == "carol/olympiad-solver/pyTorch/1.5b/3" and torch.handle in card.model_sources
        assert instances["transformers", "7b-instruct"].bytes > 300 << 20
        one = await get_model(a, "carol/olympiad-solver/pyTorch/1.5b/2")
        assert [i.handle for i in one.instances] == ["carol/olympiad-solver/pyTorch/1.5b/2"]
        with pytest.raises(WorkflowError, match="has no keras/1.5b instance"):
            await get_model(a, "carol/olympiad-solver/keras/1.5b")


async def test_list_files_needs_an_instance_unless_there_is_only_one(account):
    async with account() as a:
        with pytest.raises(WorkflowError, match="has 4 instances") as caught:
            await list_model_files(a, "carol/olympiad-solver")
        assert "carol/olympiad-solver/gguf/7b-q4" in caught.value.problem
        single = await list_model_files(a, "dmitri/retail-lightgbm")
        assert single.handle == "dmitri/retail-lightgbm/other/lightgbm-v4/3"
        assert {f.name for f in single.files} == {"model.txt", "params.json"}
        old = await list_model_files(a, "carol/olympiad-solver/transformers/1.5b-instruct/1")
        assert "generation_config.json" not in {f.name for f in old.files}
        assert old.total_bytes == sum(f.bytes for f in old.files)


async def test_download_model_into_its_workspace_folder_with_progress(account):
    reports: list[tuple[float, float | None]] = []

    async def progress(done: float, total: float | None, message: str) -> None:
        reports.append((done, total))

    async with account() as a:
        got = await download_model(a, "kaggle-sandbox/tiny-bert/tensorFlow2/tiny", progress=progress)
        assert got.directory == "models/kaggle-sandbox/tiny-bert/tensorFlow2/tiny/1"
        folder = a.workspace.root / got.directory
        listing = await list_model_files(a, "kaggle-sandbox/tiny-bert/tensorFlow2/tiny/1")
        assert {f.name: f.bytes for f in listing.files} == {
            str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}
        assert not list(folder.rglob("*.part"))
        dones = [d for d, _ in reports]
        assert dones == sorted(dones) and reports[-1] == (listing.total_bytes, listing.total_bytes)
        again = await download_model(a, "kaggle-sandbox/tiny-bert/tensorFlow2/tiny")
        assert sorted(again.up_to_date) == sorted(f.name for f in listing.files)   # nothing fetched twice
        one = await download_model(a, "carol/olympiad-solver/pyTorch/1.5b/2", file="model.pt")
        assert [f.name for f in one.files] == ["models/carol/olympiad-solver/pyTorch/1.5b/2/model.pt"]
        with pytest.raises(WorkflowError, match="has no file 'weights.bin'") as caught:
            await download_model(a, "carol/olympiad-solver/pyTorch/1.5b/2", file="weights.bin")
        assert "model.pt" in caught.value.next_step


async def test_cancel_a_running_notebook_and_its_process_is_gone(own_account, fresh_sandbox):
    source = ("import os, time\nopen('pid.txt', 'w').write(str(os.getpid()))\n"
              "while True:\n    time.sleep(0.05)\n")
    async with own_account() as a:
        await a.client.kernels.save_kernel(slug="sandbox-user/spin-forever", new_title="Spin forever", text=source,
                                           language="python", kernel_type="script", is_private=True)
        run = fresh_sandbox.state.kernels["sandbox-user/spin-forever"].versions[-1].run
        with anyio.fail_after(60):
            while not (run.output_dir / "pid.txt").exists():
                await anyio.sleep(0.05)
        pid = int((run.output_dir / "pid.txt").read_text())
        stopped = await cancel_notebook_run(a, "spin-forever", wait_seconds=30)
        assert stopped.stopped and stopped.status == "CANCEL_ACKNOWLEDGED" and stopped.ref == "sandbox-user/spin-forever"
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        with pytest.raises(WorkflowError, match="already CANCEL_ACKNOWLEDGED"):
            await cancel_notebook_run(a, "sandbox-user/spin-forever")
    async with own_account(read_only=True) as a:
        with pytest.raises(WorkflowError, match="read-only"):
            await cancel_notebook_run(a, "sandbox-user/spin-forever")


async def test_search_kaggle_gives_refs_the_other_tools_take(account):
    async with account() as a:
        everything = await search_kaggle(a, "titanic")
        kinds = {r.kind for r in everything.results}
        assert {"competition", "dataset", "notebook", "model", "discussion"} <= kinds
        assert everything.total >= len(everything.results) and everything.next_cursor
        more = await search_kaggle(a, "titanic", cursor=everything.next_cursor)
        assert not {(r.kind, r.ref) for r in more.results} & {(r.kind, r.ref) for r in everything.results}
        datasets = await search_kaggle(a, "titanic", kind="datasets")
        assert {r.kind for r in datasets.results} == {"dataset"}
        ref = datasets.results[0].ref
        owner, slug = ref.split("/")
        assert (await a.client.datasets.get_dataset(owner, slug)).ref == ref   # usable as is
        writeups = await search_kaggle(a, "place solution", kind="discussions")
        assert any(r.note and r.note.startswith("solution write-up, place 1") for r in writeups.results)
        with pytest.raises(WorkflowError, match="needs words"):
            await search_kaggle(a, "  ")
