"""Issue 14 item 3: in multi-user mode any replica answers any request.

Two real `serve --multi-user` processes on one PostgreSQL; in front of them a round-robin balancer (an HTTP
transport sending each request to the next replica), so the official MCP client's initialize, tools/list and
every tools/call land on alternating processes. A stateful server would refuse the second request: its
session lives in the first process's memory.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator

import anyio
import httpx
import httpx2
import pytest
from hosted_helpers import bearer, multi_user_server
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from kaggle_mcp.sandbox import user_key

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

BUILD = "competitions.CompetitionApiService/ListCompetitionPages"


class RoundRobin(httpx2.AsyncBaseTransport):
    """Each request to the next replica, as a load balancer without affinity does; counts who served what."""

    def __init__(self, bases: list[str]) -> None:
        self.targets = [httpx2.URL(base) for base in bases]
        self.inner = httpx2.AsyncHTTPTransport()
        self.turn = 0
        self.served: Counter[int] = Counter()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        index = self.turn % len(self.targets)
        self.turn += 1
        self.served[index] += 1
        target = self.targets[index]
        request.url = request.url.copy_with(host=target.host, port=target.port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@contextlib.asynccontextmanager
async def balanced(bases: list[str], headers: dict[str, str]) -> AsyncIterator[tuple[Client, RoundRobin]]:
    balancer = RoundRobin(bases)
    http = httpx2.AsyncClient(headers=headers, transport=balancer, timeout=httpx2.Timeout(30, read=300))
    async with http, Client(streamable_http_client(f"{bases[0]}/mcp", http_client=http)) as client:
        yield client, balancer


@pytest.fixture
def two_replicas(fresh_sandbox, postgres_url, tmp_path):
    (tmp_path / "home").mkdir()
    with multi_user_server(fresh_sandbox.url, tmp_path, "one", KAGGLE_MCP_DATABASE_URL=postgres_url) as (one, _), \
            multi_user_server(fresh_sandbox.url, tmp_path, "two", KAGGLE_MCP_DATABASE_URL=postgres_url) as (two, _):
        yield [one, two]


async def test_one_mcp_session_spread_over_two_replicas(two_replicas, fresh_sandbox):
    async with balanced(two_replicas, bearer("alice")) as (alice, balancer):
        tools = (await alice.list_tools()).tools
        me = (await alice.call_tool("whoami", {})).structured_content
        subs = await alice.call_tool("list_submissions", {"competition": "titanic"})
        context = await alice.call_tool("get_competition_context", {"competition": "titanic", "top_notebooks": 2})
        again = await alice.call_tool("get_competition_context", {"competition": "titanic", "top_notebooks": 2})
    assert len(tools) >= 17 and me["username"] == "alice" and "alice's attempt 1" in subs.content[0].text
    assert not context.is_error and not again.is_error, context.content[0].text
    assert [context.structured_content["source"], again.structured_content["source"]] == ["fresh", "cache"]
    assert balancer.served[0] >= 3 and balancer.served[1] >= 3  # both processes took part in the one session
    assert fresh_sandbox.call_counts[BUILD] == 1  # the second replica served the first one's build from the store


async def test_users_on_both_replicas_at_once_share_one_build(two_replicas, fresh_sandbox):
    fresh_sandbox.set_latency(200)  # a build takes a few seconds: everyone asks while it runs
    answers: dict[str, dict] = {}

    async def ask(user: str) -> None:
        async with balanced(two_replicas, bearer(user)) as (client, _):
            answer = await client.call_tool("get_competition_context", {"competition": "titanic", "top_notebooks": 2})
        assert not answer.is_error, answer.content[0].text
        answers[user] = {"source": answer.structured_content["source"], "text": answer.content[0].text}

    async with anyio.create_task_group() as tg:
        for user in ("alice", "bob", "carol", "dmitri", "erin"):
            tg.start_soon(ask, user)
    # one build per shared copy: the entrants' (alice and bob joined titanic) and the public one (the others)
    assert fresh_sandbox.call_counts[BUILD] == 2
    for user, answer in answers.items():
        assert f"user: {user}" in answer["text"]
        assert "titanic-private-experiments" not in answer["text"] or user == "alice"


async def test_a_private_upload_started_on_one_replica_is_polled_on_the_other(two_replicas):
    one, two = two_replicas
    kaggle_json = json.dumps({"username": "bob", "key": user_key("bob")}).encode()
    async with httpx.AsyncClient(headers=bearer("bob"), timeout=30) as bob:
        started = await bob.post(f"{one}/api/get-context-upload", data={"url": "house-prices-2019", "top_n": "2"},
                                 files={"token_file": ("kaggle.json", kaggle_json, "application/json")})
        assert started.status_code == 202, started.text
        job = {"job_id": started.json()["job_id"]}
        for _ in range(400):
            polled = await bob.get(f"{two}/api/competitions/house-prices-2019", params=job)
            if polled.json()["status"] != "processing":
                break
            await anyio.sleep(0.05)
    assert polled.json()["status"] == "completed" and "house-prices-2019" in polled.json()["toon_content"]
