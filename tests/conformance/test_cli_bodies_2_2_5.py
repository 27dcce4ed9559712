"""Our request bodies equal the ones kaggle 2.2.5 itself sends, captured from the running CLI.

tests/integration/test_cli_bodies.py compares with bodies captured once from 2.2.4 (the reference);
this runs the installed CLI against the sandbox and compares each command's RPCs with the client call
that corresponds to it, so ``pageSize``, ``page`` and enum defaults follow the CLI as it is today.
"""

from __future__ import annotations

import pytest
from cli_output import ok
from recorded import Recorder

from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
from kaggle_mcp.sandbox import SANDBOX_TOKEN

pytestmark = [pytest.mark.conformance, pytest.mark.anyio]

KERNEL = ("sandbox-user", "aimo-sandbox-starter")
DATASET = ("alice", "titanic-extra-features")
CASES = {
    "competitions list": (["competitions", "list"], lambda kc: kc.competitions.list_competitions()),
    "competitions files": (["competitions", "files", "titanic"], lambda kc: kc.competitions.list_data_files("titanic")),
    "leaderboard": (["competitions", "leaderboard", "titanic", "--show"],
                    lambda kc: kc.competitions.get_leaderboard("titanic")),
    "leaderboard top 30": (["competitions", "leaderboard", "titanic", "--show", "--page-size", "30"],
                           lambda kc: kc.competitions.get_leaderboard_top("titanic", 30)),
    "submissions": (["competitions", "submissions", "titanic"], lambda kc: kc.competitions.list_submissions("titanic")),
    "kernels list": (["kernels", "list"], lambda kc: kc.kernels.list_kernels()),
    "kernels list by votes": (["kernels", "list", "--competition", "titanic", "--sort-by", "voteCount"],
                              lambda kc: kc.kernels.list_kernels(competition="titanic", sort_by="VOTE_COUNT")),
    "kernels status": (["kernels", "status", "/".join(KERNEL)], lambda kc: kc.kernels.get_kernel_session_status(*KERNEL)),
    "kernels files": (["kernels", "files", "/".join(KERNEL)], lambda kc: kc.kernels.list_kernel_files(*KERNEL)),
    "datasets list": (["datasets", "list"], lambda kc: kc.datasets.list_datasets()),
    "datasets files": (["datasets", "files", "/".join(DATASET)], lambda kc: kc.datasets.list_dataset_files(*DATASET)),
    "datasets status": (["datasets", "status", "/".join(DATASET)], lambda kc: kc.datasets.get_dataset_status(*DATASET)),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_our_bodies_are_the_cli_s(case, run_kaggle, sandbox):
    args, call = CASES[case]
    result = run_kaggle(*args)
    ok(result)
    theirs = [(rpc, body) for rpc, body in result.rpcs if not rpc.endswith("/IntrospectToken")]
    recorder = Recorder()
    settings = ClientSettings(endpoint=sandbox.url, list_cache_seconds=0)
    async with KaggleClient(settings, Credentials.token(SANDBOX_TOKEN), transport=recorder) as kc:
        await call(kc)
    assert theirs and recorder.rpcs() == theirs
