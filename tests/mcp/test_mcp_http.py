"""The HTTP app under uvicorn on 127.0.0.1 (port 0): streamable HTTP, SSE, /health, the bearer token."""

from __future__ import annotations

import re

import httpx
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from http_serving import serving
from mcp_helpers import text_of

from kaggle_mcp.web import build_app

pytestmark = pytest.mark.anyio
TOKEN = "test-http-token-0123456789"


@pytest.fixture
def open_app(sandbox, settings_for):
    with serving(build_app(settings_for(sandbox))) as url:
        yield url


@pytest.fixture
def locked_app(sandbox, settings_for):
    with serving(build_app(settings_for(sandbox), http_token=TOKEN)) as url:
        yield url


async def test_streamable_http_serves_tools(open_app):
    async with Client(f"{open_app}/mcp") as c:
        tools = (await c.list_tools()).tools
        me = await c.call_tool("whoami", {})
    assert len(tools) == 27 and me.structured_content["username"] == "sandbox-user", text_of(me)
    assert re.fullmatch(r"[\d.]+ h used of 30 h this week", me.structured_content["gpu_quota"]), text_of(me)


async def test_sse_serves_tools(open_app):
    async with Client(sse_client(f"{open_app}/sse"), mode="legacy") as c:
        result = await c.call_tool("search_competitions", {"query": "titanic"})
    assert result.structured_content["competitions"][0]["slug"] == "titanic"


def test_health_and_rest_routes(open_app):
    assert httpx.get(f"{open_app}/health").json() == {"status": "healthy", "store": {"backend": "sqlite", "ok": True}}
    built = httpx.post(f"{open_app}/api/get-context", json={"url": "https://www.kaggle.com/c/titanic", "top_n": 1},
                       timeout=60)
    assert built.status_code == 200 and built.json()["status"] == "completed", built.text
    stored = httpx.get(f"{open_app}/api/competitions/titanic", timeout=10).json()
    assert stored["status"] == "completed" and "competition:" in stored["toon_content"]


def test_bearer_token_is_required_when_set(locked_app):
    assert httpx.get(f"{locked_app}/health").status_code == 200
    for path in ("/mcp", "/sse", "/api/competitions/titanic"):
        answer = httpx.get(f"{locked_app}{path}", timeout=5)
        assert answer.status_code == 401, path
        assert answer.headers["www-authenticate"] == "Bearer"
    wrong = httpx.post(f"{locked_app}/mcp", json={}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


async def test_bearer_token_lets_a_client_in(locked_app):
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN}"})
    async with http, Client(streamable_http_client(f"{locked_app}/mcp", http_client=http)) as c:
        me = await c.call_tool("whoami", {})
    assert me.structured_content["username"] == "sandbox-user"
