"""Accepting a competition's rules on the sandbox, as on kaggle.com: the refusal names the Rules page, a person
opens it and clicks "I Understand and Accept", and the download then works.

The oracle is the unmodified official CLI (its refusal carries the link; after accepting, its download
succeeds) and our own MCP server on the embedded sandbox, whose API answers only to the server's secret
while the page must open in any browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

COMP = "retail-demand-forecast"
LINK = re.compile(r"https?://\S+/competitions/" + COMP + r"/rules\?user=[\w-]+&sig=[0-9a-f]+")


def _link(text: str) -> str:
    found = LINK.search(text)
    assert found, f"no rules link in: {text!r}"
    return found.group(0).rstrip(".")


def test_the_official_cli_is_refused_with_a_link_that_accepts_the_rules(fresh_sandbox, run_kaggle_on, tmp_path: Path):
    run_kaggle = run_kaggle_on(fresh_sandbox)
    refused = run_kaggle("competitions", "download", COMP, "-f", "stores.csv", "-p", str(tmp_path))
    assert refused.returncode != 0 and not (tmp_path / "stores.csv").exists()
    link = _link(refused.stdout + refused.stderr)
    assert link.startswith(fresh_sandbox.url) and "user=sandbox-user" in link

    page = httpx.get(link)
    assert page.status_code == 200 and "I Understand and Accept" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "sandbox-user" not in fresh_sandbox.state.competitions[COMP].entrants  # looking accepts nothing

    forged = httpx.post(link.replace("user=sandbox-user", "user=alice"))
    assert forged.status_code == 403 and "alice" not in fresh_sandbox.state.competitions[COMP].entrants

    accepted = httpx.post(link)
    assert accepted.status_code == 200 and "Rules accepted" in accepted.text
    assert "Already accepted" in httpx.get(link).text

    done = run_kaggle("competitions", "download", COMP, "-f", "stores.csv", "-p", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "stores.csv").read_bytes() == fresh_sandbox.state.competitions[COMP].files["stores.csv"].blob.read()


def test_a_link_is_for_one_user_and_one_competition(fresh_sandbox):
    from kaggle_mcp.sandbox.rules_page import rules_link

    world = fresh_sandbox.state
    alice = rules_link(fresh_sandbox.url, world, "alice", COMP)
    assert httpx.post(alice.replace(COMP, "house-prices-2019")).status_code == 403
    assert httpx.post(alice.replace("user=alice", "user=carol")).status_code == 403
    assert httpx.post(alice[: alice.index("&sig=")]).status_code == 403
    assert httpx.get(f"{fresh_sandbox.url}/competitions/no-such-thing/rules").status_code == 404
    assert {"alice", "carol"}.isdisjoint(world.competitions[COMP].entrants)
    assert httpx.post(alice).status_code == 200 and "alice" in world.competitions[COMP].entrants


@pytest.mark.anyio
async def test_the_tool_on_the_embedded_sandbox_names_the_page_and_downloads_once_accepted(workspace, isolated_env,
                                                                                            tmp_path, monkeypatch):
    from mcp import Client

    from kaggle_mcp.server import build_server
    from kaggle_mcp.settings import Settings

    monkeypatch.setenv("KAGGLE_MCP_CACHE_DIR", str(tmp_path / "cache"))
    server = build_server(Settings(workspace=workspace, sandbox=True))
    args = {"competition": COMP, "file": "stores.csv"}
    async with Client(server) as client:
        refused = await client.call_tool("download_competition_data", args)
        assert refused.is_error
        text = refused.content[0].text
        link = _link(text)
        assert "I Understand and Accept" in text and text.count("/rules") == 1  # named once
        async with httpx.AsyncClient() as browser:  # no API secret: a person's browser has none
            api = await browser.post(link.split("/competitions/")[0] + "/v1/competitions.CompetitionApiService/"
                                     "ListCompetitions", json={})
            assert api.status_code == 401
            assert (await browser.post(link)).status_code == 200
        done = await client.call_tool("download_competition_data", args)
        assert not done.is_error, done.content[0].text
    assert (workspace / "competitions" / COMP / "stores.csv").stat().st_size > 0
