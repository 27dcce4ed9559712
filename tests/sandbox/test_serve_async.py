"""``serve`` runs the sandbox inside the caller's event loop, with the same handle as ``serve_in_thread``."""

from __future__ import annotations

import httpx
import pytest

from kaggle_mcp.sandbox import SANDBOX_TOKEN, SandboxSettings, serve


@pytest.mark.anyio
async def test_serve_in_the_running_loop():
    async with serve(SandboxSettings(seed=0, faults="")) as sb:
        assert sb.url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=sb.url, headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}) as client:
            r = await client.post("/v1/competitions.CompetitionApiService/GetCompetition",
                                  json={"competitionName": "titanic"})
            assert r.json()["title"] == "Titanic - Machine Learning from Disaster"
            sb.set_faults("429=1")
            assert (await client.post("/v1/competitions.CompetitionApiService/GetCompetition", json={})).status_code == 429
        assert sb.call_counts["competitions.CompetitionApiService/GetCompetition"] == 2
        assert "titanic" in sb.state.competitions
