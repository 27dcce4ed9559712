"""Issue 11 item 2: links planted in the destination never redirect a write outside it.

Each test plants a symbolic link where a download would write (the `.part` file, the resume marker, the
final name, a parent directory, the run log), downloads over real HTTP from the sandbox, then checks that
the victim outside the destination is byte-for-byte untouched and that the refusal names the link.
"""

from __future__ import annotations

import os

import anyio
import pytest

from kaggle_mcp.kaggle.errors import TransferError, UnsafePath

from .conftest import open_client

pytestmark = pytest.mark.anyio

PRECIOUS = b"precious: must never be overwritten or truncated\n"


@pytest.fixture
def victim(tmp_path):
    path = tmp_path / "outside" / "victim.txt"
    path.parent.mkdir()
    path.write_bytes(PRECIOUS)
    return path


@pytest.fixture
def dest(tmp_path):
    path = tmp_path / "workspace" / "competitions" / "titanic"
    path.mkdir(parents=True)
    return path


def _untouched(victim) -> None:
    assert victim.read_bytes() == PRECIOUS
    assert sorted(os.listdir(victim.parent)) == ["victim.txt"]


@pytest.mark.parametrize("planted", ["train.csv.part", "train.csv.part.json", "train.csv"])
async def test_a_link_at_a_name_the_download_writes_is_refused(sandbox, dest, victim, planted):
    (dest / planted).symlink_to(victim)
    async with open_client(sandbox) as kc:
        with pytest.raises(UnsafePath, match=rf"'{planted}'.*symbolic link"):
            await kc.competitions.download_data_file("titanic", "train.csv", dest, force=True)
    _untouched(victim)
    assert (dest / planted).is_symlink()  # left for the user to look at, not silently replaced
    assert not (dest / "train.csv").exists() or (dest / "train.csv").is_symlink() and planted == "train.csv"


async def test_a_link_at_the_marker_of_a_resumable_file_is_refused(sandbox, dest, victim):
    # test.csv: the marker is written before the body; an earlier run can have left a real .part behind
    (dest / "test.csv.part").write_bytes(b"PassengerId")
    (dest / "test.csv.part.json").symlink_to(victim)
    async with open_client(sandbox) as kc:
        with pytest.raises(UnsafePath, match=r"'test.csv.part.json'"):
            await kc.competitions.download_data_file("titanic", "test.csv", dest)
    _untouched(victim)


async def test_a_hard_link_at_a_resumable_part_file_is_not_appended_to(fresh_sandbox, dest, tmp_path):
    async with open_client(fresh_sandbox, retry_seconds=1) as kc:
        fresh_sandbox.set_faults("drop=1.0,only=GET /blobs")
        with pytest.raises(TransferError):
            await kc.competitions.download_data_file("titanic", "train.csv", dest)
        fresh_sandbox.set_faults("")
        part = dest / "train.csv.part"
        victim = tmp_path / "hard-victim.txt"
        victim.write_bytes(part.read_bytes())  # same size, so the next run resumes into it
        before = victim.read_bytes()
        part.unlink()
        os.link(victim, part)
        with pytest.raises(UnsafePath, match=r"'train.csv.part'.*hard links"):
            await kc.competitions.download_data_file("titanic", "train.csv", dest)
    assert victim.read_bytes() == before


async def test_a_parent_directory_that_is_a_link_is_refused(sandbox, tmp_path, victim):
    dest = tmp_path / "workspace" / "datasets" / "bob" / "retail-holidays"
    dest.mkdir(parents=True)
    (dest / "notes").symlink_to(victim.parent, target_is_directory=True)
    async with open_client(sandbox) as kc:
        with pytest.raises(UnsafePath, match=r"'notes'.*symbolic link"):
            await kc.datasets.download_dataset("bob", "retail-holidays", dest, file_name="notes/README.md")
    _untouched(victim)


async def test_kernel_outputs_and_the_run_log_skip_planted_links_and_name_them(fresh_sandbox, tmp_path, victim):
    async with open_client(fresh_sandbox) as kc:
        await kc.kernels.save_kernel(
            slug="sandbox-user/link-outputs", new_title="Link Outputs", language="python", kernel_type="script",
            text="import os\nos.makedirs('figs')\nopen('figs/a.txt', 'w').write('a')\nopen('b.csv', 'w').write('b')\n"
                 "print('done')\n",
            is_private=True,
        )  # fmt: skip
        with anyio.fail_after(60):
            while (await kc.kernels.get_kernel_session_status("sandbox-user", "link-outputs")).status != "COMPLETE":
                await anyio.sleep(0.1)
        dest = tmp_path / "workspace" / "notebooks" / "sandbox-user" / "link-outputs" / "output"
        dest.mkdir(parents=True)
        (dest / "figs").symlink_to(victim.parent, target_is_directory=True)
        (dest / "link-outputs.log").symlink_to(victim)
        got = await kc.kernels.download_output("sandbox-user", "link-outputs", dest)
    _untouched(victim)
    assert [r.path.name for r in got.files] == ["b.csv"]
    assert (dest / "b.csv").read_text() == "b"
    assert len(got.skipped) == 2 and all("symbolic link" in s for s in got.skipped), got.skipped
    assert any("figs" in s for s in got.skipped) and any("link-outputs.log" in s for s in got.skipped)
