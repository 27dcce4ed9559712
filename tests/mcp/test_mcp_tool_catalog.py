"""The tool catalog: a stdio server lists tools from what an earlier start recorded, and repairs it when the
code says otherwise. Real `python -m kaggle_mcp` processes over stdio, a real SDK client."""

from __future__ import annotations

import json
import sys

import anyio
import pytest
from mcp import Client, StdioServerParameters

from kaggle_mcp.server import build_server

pytestmark = pytest.mark.anyio


def stdio(env: dict[str, str]) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "kaggle_mcp", "serve", "--sandbox"], env=env)


async def listing(env: dict[str, str], **client: object) -> list[dict]:
    async with Client(stdio(env), mode="legacy", **client) as c:
        return [t.model_dump() for t in (await c.list_tools()).tools]


async def test_catalog_lists_what_building_every_tool_gives(sandbox, settings_for, subprocess_env, tmp_path):
    env = subprocess_env | {"KAGGLE_MCP_CACHE_DIR": str(tmp_path / "cache")}
    first = await listing(env)  # no catalog yet: every tool is built, and the catalog written
    catalog = tmp_path / "cache" / "tool-catalog-full.json"
    assert catalog.is_file()
    second = await listing(env)  # listed from the catalog
    async with Client(build_server(settings_for(sandbox))) as c:  # built eagerly, in process
        eager = [t.model_dump() for t in (await c.list_tools()).tools]
    assert first == second == eager and len(eager) == 27


async def test_a_stale_catalog_is_repaired_and_the_client_told(subprocess_env, tmp_path):
    env = subprocess_env | {"KAGGLE_MCP_CACHE_DIR": str(tmp_path / "cache")}
    real = await listing(env)
    path = tmp_path / "cache" / "tool-catalog-full.json"
    saved = json.loads(path.read_text())
    # What a same-key edit of a signature would leave behind: an outdated limit in the recorded schemas.
    for entry in [saved["tools"]["search_competitions"], *(t for listed in saved["listings"].values() for t in listed
                                                          if t["name"] == "search_competitions")]:
        entry["inputSchema"]["properties"]["page"]["maximum"] = 5000
    path.write_text(json.dumps(saved))

    changed = anyio.Event()

    async def on_message(message: object) -> None:
        if getattr(getattr(message, "root", message), "method", None) == "notifications/tools/list_changed":
            changed.set()

    async with Client(stdio(env), mode="legacy", message_handler=on_message) as c:
        stale = {t.name: t for t in (await c.list_tools()).tools}
        assert stale["search_competitions"].input_schema["properties"]["page"]["maximum"] == 5000
        called = await c.call_tool("search_competitions", {"query": "titanic"})
        assert not called.is_error
        with anyio.fail_after(10):
            await changed.wait()
        repaired = [t.model_dump() for t in (await c.list_tools()).tools]
    assert repaired == real
    assert json.loads(path.read_text())["tools"]["search_competitions"]["inputSchema"]["properties"]["page"][
        "maximum"] == 500
    assert await listing(env) == real  # the next start lists the truth from the rewritten catalog
