"""Issue 11 item 12: at DEBUG, signed download URLs (Location headers, request lines) and message bodies stay
out of the logs. Real records from httpx/httpcore and the SDK's SSE transport, captured while the client
downloads from the sandbox and while an SSE client calls a tool over real HTTP."""

from __future__ import annotations

import logging

import pytest

from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
from kaggle_mcp.sandbox import SANDBOX_TOKEN

pytestmark = pytest.mark.anyio


async def test_signed_urls_stay_out_of_debug_logs(sandbox, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # a server started earlier in this process quiets httpx
    async with KaggleClient(ClientSettings(endpoint=sandbox.url), Credentials.token(SANDBOX_TOKEN, "test")) as kc:
        got = await kc.competitions.download_data_file("titanic", "test.csv", tmp_path)
    assert got.path.is_file()
    lines = [r.getMessage() for r in caplog.records]
    headers = [line for line in lines if "(b'location'" in line]
    requests = [line for line in lines if line.startswith("HTTP Request:")]
    assert headers and all("(b'location', b'[redacted]')" in line for line in headers), headers
    assert any("/v1/competitions.CompetitionApiService/DownloadDataFile" in line for line in requests), requests
    assert any("GET " in line and "[redacted]" in line for line in requests), requests
    assert not [line for line in lines if "/blobs/" in line]


async def test_sse_message_bodies_stay_out_of_debug_logs(sandbox, settings_for, caplog):
    from http_serving import serving
    from mcp import Client
    from mcp.client.sse import sse_client

    from kaggle_mcp.web import build_app

    caplog.set_level(logging.DEBUG)
    marker = "needle-in-the-arguments-4711"
    with serving(build_app(settings_for(sandbox))) as url:
        async with Client(sse_client(f"{url}/sse"), mode="legacy") as client:
            await client.call_tool("search_competitions", {"query": marker})
    sse = [r.getMessage() for r in caplog.records if r.name == "mcp.server.sse"]
    assert any(line == "Received JSON: [body redacted]" for line in sse), sse
    assert not [line for line in sse if marker in line or "titanic" in line.lower()]
