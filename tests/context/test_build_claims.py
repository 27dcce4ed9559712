"""Builds claimed across processes, with real processes on one store (an SQLite file, then PostgreSQL).

Each process is the product's own `kaggle-agent-mcp context COMPETITION` against one sandbox, whose
handlers count every request it serves: a build is one `ListCompetitionPages` (plus the other sections; every
reader also asks `GetCompetition` for its own `viewer` part, so that call counts readers, not builds).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest

from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.context.service import context_key
from kaggle_mcp.context.database import open_store
from kaggle_mcp.sandbox.harness import server_env

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

BUILD = "competitions.CompetitionApiService/ListCompetitionPages"
WAITING = "waiting for the same build, started by another process"
KEY = context_key("titanic", 2, 12000, "entrants")  # sandbox-user joined titanic


class Replicas:
    """Starts `context` processes that share one store; opens that store for the test to look at."""

    def __init__(self, sandbox, tmp_path: Path, database_url: str | None):
        self.sandbox = sandbox
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.cache = tmp_path / "cache"
        extra = {"KAGGLE_MCP_BUILD_LEASE_SECONDS": "2"}
        if database_url:
            extra["KAGGLE_MCP_DATABASE_URL"] = database_url
        workspace = tmp_path / "workspace"
        workspace.mkdir(exist_ok=True)
        self.env = server_env(os.environ, sandbox.url, workspace, self.cache, **extra)
        self.count = 0

    def start(self) -> tuple[subprocess.Popen, Path]:
        self.count += 1
        stderr = self.tmp_path / f"replica{self.count}.stderr"
        with stderr.open("wb") as err:
            proc = subprocess.Popen([sys.executable, "-m", "kaggle_mcp", "context", "titanic", "--top-notebooks", "2"],
                                    env=self.env, stdout=subprocess.PIPE, stderr=err)
        return proc, stderr

    def store(self):
        return open_store(self.database_url, sqlite_path=self.cache / "context.sqlite3")


@pytest.fixture(params=["sqlite", "postgresql"])
def replicas(request, fresh_sandbox, tmp_path) -> Replicas:
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    return Replicas(fresh_sandbox, tmp_path, url)


async def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not await predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await anyio.sleep(0.05)


def _finish(proc: subprocess.Popen, stderr: Path) -> str:
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.read_text()
    return out.decode()


async def test_a_build_asked_for_by_two_processes_at_once_runs_once(replicas):
    replicas.sandbox.set_latency(400)  # a build takes several round trips: the second process asks meanwhile
    (first, first_err), (second, second_err) = replicas.start(), replicas.start()
    outputs = [_finish(first, first_err), _finish(second, second_err)]
    assert outputs[0] == outputs[1] and decode_context(outputs[0])["competition"]["slug"] == "titanic"
    assert replicas.sandbox.call_counts[BUILD] == 1
    assert replicas.sandbox.call_counts["competitions.CompetitionApiService/GetLeaderboard"] == 1
    logs = [first_err.read_text(), second_err.read_text()]
    assert sorted(log.splitlines()[-1].split(":")[0] for log in logs) == ["built", "cache"], logs
    waiter = logs[0] if logs[0].splitlines()[-1].startswith("cache") else logs[1]
    assert WAITING in waiter, waiter  # it found the other's claim and waited, rather than reading a done row
    async with replicas.store() as store:
        row = await store.get(KEY)
    assert row.status == "completed" and row.pid in (first.pid, second.pid)


async def test_a_killed_builder_loses_its_claim_and_the_waiter_finishes_the_build(replicas):
    # The first build's page list is refused once with a 30 s Retry-After: the builder holds its claim while it
    # waits, long enough for the second process to start, see who it is and queue behind it.
    replicas.sandbox.set_faults("429=1.0,retry_after=30,only=ListCompetitionPages,max=1")
    async with replicas.store() as store:
        builder, _ = replicas.start()

        async def building() -> bool:
            row = await store.get(KEY)
            return row is not None and row.status == "processing" and replicas.sandbox.call_counts[BUILD] == 1

        await _wait_for(building, 60, "the first process to claim and start the build")
        dead_owner = (await store.get(KEY)).owner
        waiter, waiter_err = replicas.start()

        async def waiting() -> bool:
            return WAITING in waiter_err.read_text()

        await _wait_for(waiting, 60, "the second process to wait for the first one's build")
        os.kill(builder.pid, signal.SIGKILL)
        builder.wait(10)
        builder.stdout.close()
        killed_at = time.monotonic()
        output = _finish(waiter, waiter_err)
        took_over_in = time.monotonic() - killed_at
        assert decode_context(output)["competition"]["slug"] == "titanic"
        assert waiter_err.read_text().splitlines()[-1].startswith("built")
        assert replicas.sandbox.call_counts[BUILD] == 2  # the killed build, then the one that finished
        row = await store.get(KEY)
        assert row.status == "completed" and row.owner != dead_owner and row.pid == waiter.pid
        # SQLite sees the pid is gone at its next poll; PostgreSQL waits for the 2 s lease to run out
        assert took_over_in < (10 if replicas.database_url is None else 15), took_over_in


async def test_two_http_replicas_build_a_context_once_and_both_serve_it(replicas):
    """Two `serve --transport http` processes on one store, asked through MCP at the same moment."""
    from mcp import Client

    from kaggle_mcp.sandbox.harness import http_server_process

    replicas.sandbox.set_latency(300)
    args = {"competition": "titanic", "top_notebooks": 2, "max_tokens": 12000}
    answers: dict[str, object] = {}
    with http_server_process(replicas.env, replicas.tmp_path / "one.stderr") as (one, _), \
            http_server_process(replicas.env, replicas.tmp_path / "two.stderr") as (two, _):

        async def ask(base: str) -> None:
            async with Client(f"{base}/mcp") as client:
                answers[base] = await client.call_tool("get_competition_context", args)

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask, one)
            tg.start_soon(ask, two)
    texts = [answers[base].content[0].text for base in (one, two)]
    assert not any(answers[base].is_error for base in (one, two)), texts
    # one context; line 1 says fresh or cache, and each answer draws its own fence nonce
    same = [re.sub(r"untrusted-kaggle-content-[0-9a-f]+", "FENCE", text.split("\n", 1)[1]) for text in texts]
    assert same[0] == same[1]
    assert "titanic" in texts[0]
    assert sorted(answers[base].structured_content["source"] for base in (one, two)) == ["cache", "fresh"]
    assert replicas.sandbox.call_counts[BUILD] == 1
