"""The catalog cache: list answers reused for a few seconds, shared by concurrent callers, forgotten on writes.

Counted on the sandbox side (its per-RPC call counts), so a cache that silently re-asked Kaggle, or one
that answered a write's author with the list from before the write, fails here.
"""

from __future__ import annotations

import anyio
import pytest

from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
from kaggle_mcp.kaggle.errors import NotFound, ServerError

from .conftest import open_client, sandbox_token

pytestmark = pytest.mark.anyio

LIST_COMPS = "competitions.CompetitionApiService/ListCompetitions"
LIST_FILES = "competitions.CompetitionApiService/ListDataFiles"
LIST_KERNELS = "kernels.KernelsApiService/ListKernels"
GET_COMP = "competitions.CompetitionApiService/GetCompetition"


async def test_identical_lists_within_the_ttl_cost_one_request(fresh_sandbox):
    async with open_client(fresh_sandbox) as kc:
        first = await kc.competitions.list_competitions(search="titanic")
        again = await kc.competitions.list_competitions(search="titanic")
        other = await kc.competitions.list_competitions(search="house")
    assert [c.ref for c in again.competitions] == [c.ref for c in first.competitions]
    assert "titanic" in " ".join(c.ref for c in first.competitions)
    assert [c.ref for c in other.competitions] != [c.ref for c in first.competitions]
    assert fresh_sandbox.call_counts[LIST_COMPS] == 2  # titanic once, house once


async def test_concurrent_identical_lists_share_one_request(fresh_sandbox):
    answers = []

    async with open_client(fresh_sandbox) as kc:
        async def ask() -> None:
            answers.append(await kc.competitions.list_data_files("titanic"))

        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(ask)
    assert len(answers) == 20 and {f.name for f in answers[0].files} >= {"train.csv", "test.csv"}
    assert fresh_sandbox.call_counts[LIST_FILES] == 1


async def test_the_answer_expires_after_the_ttl(fresh_sandbox):
    """Time is the client's injectable clock, moved by hand: no sleep, whatever the machine's load."""
    now = [1000.0]
    settings = ClientSettings(endpoint=fresh_sandbox.url, list_cache_seconds=30)
    async with KaggleClient(settings, Credentials.token(sandbox_token(), "test"), clock=lambda: now[0]) as kc:
        await kc.competitions.list_data_files("titanic")
        now[0] += 29.9
        await kc.competitions.list_data_files("titanic")
        assert fresh_sandbox.call_counts[LIST_FILES] == 1
        now[0] += 0.2  # 30.1 s after the answer arrived
        await kc.competitions.list_data_files("titanic")
        assert fresh_sandbox.call_counts[LIST_FILES] == 2
        now[0] += 10  # the new answer is 10 s old
        await kc.competitions.list_data_files("titanic")
    assert fresh_sandbox.call_counts[LIST_FILES] == 2


async def test_zero_seconds_turns_the_cache_off_and_other_reads_are_never_cached(fresh_sandbox):
    assert ClientSettings.from_env({"KAGGLE_MCP_LIST_CACHE_SECONDS": "0"}).list_cache_seconds == 0
    assert ClientSettings.from_env({}).list_cache_seconds == 30
    async with open_client(fresh_sandbox, list_cache_seconds=0) as kc:
        for _ in range(3):
            await kc.competitions.list_data_files("titanic")
    async with open_client(fresh_sandbox) as kc:
        for _ in range(3):
            await kc.competitions.get_competition("titanic")
    assert fresh_sandbox.call_counts[LIST_FILES] == 3
    assert fresh_sandbox.call_counts[GET_COMP] == 3


async def test_a_write_forgets_the_lists_so_the_author_sees_it(fresh_sandbox):
    async with open_client(fresh_sandbox) as kc:
        before = await kc.kernels.list_kernels(user="sandbox-user", group="PROFILE", page_size=100)
        assert "sandbox-user/cache-test-script" not in {k.ref for k in before.kernels}
        await kc.kernels.save_kernel(
            slug="sandbox-user/cache-test-script", new_title="Cache Test Script", text="print(1)\n",
            language="python", kernel_type="script", is_private=True,
        )  # fmt: skip
        after = await kc.kernels.list_kernels(user="sandbox-user", group="PROFILE", page_size=100)
    assert "sandbox-user/cache-test-script" in {k.ref for k in after.kernels}
    assert fresh_sandbox.call_counts[LIST_KERNELS] == 2


async def test_failures_are_not_cached(fresh_sandbox):
    async with open_client(fresh_sandbox) as kc:
        for _ in range(2):
            with pytest.raises(NotFound):
                await kc.competitions.list_data_files("no-such-competition")
        assert fresh_sandbox.call_counts[LIST_FILES] == 2
    async with open_client(fresh_sandbox, retry_seconds=0.5) as kc:
        fresh_sandbox.set_faults(f"5xx=1.0,retry_after=0,only={LIST_FILES}")
        with pytest.raises(ServerError):
            await kc.competitions.list_data_files("titanic")
        fresh_sandbox.set_faults("")
        files = await kc.competitions.list_data_files("titanic")
    assert {f.name for f in files.files} >= {"train.csv"}


async def test_a_cancelled_caller_does_not_cancel_the_others(fresh_sandbox):
    # the shared request meets a 429 and waits a second before its retry; one waiter gives up meanwhile
    fresh_sandbox.set_faults(f"429=1.0,retry_after=1,max=1,only={LIST_FILES}")
    async with open_client(fresh_sandbox) as kc:
        got = []

        async def patient() -> None:
            got.append(await kc.competitions.list_data_files("titanic"))

        async with anyio.create_task_group() as tg:
            tg.start_soon(patient)
            with anyio.move_on_after(0.2) as scope:
                await kc.competitions.list_data_files("titanic")
        assert scope.cancelled_caught and len(got) == 1 and got[0].files
    assert fresh_sandbox.call_counts[LIST_FILES] == 2  # the 429 and its retry, for both callers
