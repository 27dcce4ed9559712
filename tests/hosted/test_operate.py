"""Issue 14 item 4 (operate): /metrics in Prometheus' format, /health and /health/ready following the store,
JSON log lines with a request id and no credential. Real replicas, a real PostgreSQL stopped and started."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from hosted_helpers import as_user, bearer, multi_user_server
from prometheus_client.parser import text_string_to_metric_families

from kaggle_mcp.sandbox import user_token

pytestmark = pytest.mark.anyio


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics answer, parsed by prometheus_client's own parser."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _poll(url: str, status: int, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        answer = httpx.get(url, timeout=15)
        if answer.status_code == status:
            return answer
        assert time.monotonic() < deadline, (url, answer.status_code, answer.text)
        time.sleep(0.2)


async def test_metrics_count_requests_tools_builds_upstream_calls_and_limits(hosted_sandbox, tmp_path):
    (tmp_path / "home").mkdir()
    with multi_user_server(hosted_sandbox.url, tmp_path) as (base, _):
        async with as_user(base, bearer("alice")) as alice:
            await alice.call_tool("whoami", {})
            await alice.call_tool("get_competition_context", {"competition": "titanic", "top_notebooks": 1})
            await alice.call_tool("get_competition_context", {"competition": "titanic", "top_notebooks": 1})
            await alice.call_tool("read_notebook", {"notebook": "bob/retail-private-baseline"})  # Kaggle refuses
        httpx.post(f"{base}/mcp", json={}, timeout=10)  # no credentials: 401
        answer = httpx.get(f"{base}/metrics", timeout=10)
    assert answer.headers["content-type"].startswith("text/plain; version=")
    seen = _samples(answer.text)
    assert seen[("kaggle_mcp_tool_calls_total", (("outcome", "ok"), ("tool", "whoami")))] == 1
    assert seen[("kaggle_mcp_tool_calls_total", (("outcome", "ok"), ("tool", "get_competition_context")))] == 2
    assert seen[("kaggle_mcp_tool_calls_total", (("outcome", "error"), ("tool", "read_notebook")))] == 1
    assert seen[("kaggle_mcp_tool_call_seconds_count", (("tool", "whoami"),))] == 1
    assert seen[("kaggle_mcp_http_requests_total", (("method", "POST"), ("route", "/mcp"), ("status", "401")))] == 1
    assert seen[("kaggle_mcp_http_requests_total", (("method", "POST"), ("route", "/mcp"), ("status", "200")))] >= 5
    assert seen[("kaggle_mcp_context_builds_total", (("outcome", "completed"),))] == 1
    assert seen[("kaggle_mcp_context_requests_total", (("source", "cache"),))] == 1
    assert seen[("kaggle_mcp_upstream_requests_total",
                 (("rpc", "competitions.CompetitionApiService/ListCompetitionPages"), ("status", "200")))] == 1
    assert seen[("kaggle_mcp_upstream_requests_total",
                 (("rpc", "kernels.KernelsApiService/GetKernel"), ("status", "403")))] == 1
    assert seen[("kaggle_mcp_store_up", (("backend", "sqlite"),))] == 1
    assert seen[("kaggle_mcp_callers", (("stat", "clients_open"),))] == 1
    assert "alice" not in answer.text and "titanic" not in answer.text  # no user or competition as a label


async def test_health_and_ready_follow_the_store(hosted_sandbox, tmp_path):
    from kaggle_mcp.sandbox.postgres_cluster import PostgresMissing, postgres_cluster

    (tmp_path / "home").mkdir()
    try:
        cluster_context = postgres_cluster()
        cluster = cluster_context.__enter__()
    except PostgresMissing as exc:
        pytest.skip(f"no PostgreSQL here: {exc}")
    try:
        url = cluster.new_database()
        with multi_user_server(hosted_sandbox.url, tmp_path, KAGGLE_MCP_DATABASE_URL=url) as (base, _):
            assert httpx.get(f"{base}/health/ready").json() == {"status": "ready",
                                                                "store": {"backend": "postgresql", "ok": True}}
            pool = _samples(httpx.get(f"{base}/metrics").text)
            assert pool[("kaggle_mcp_store_pool", (("stat", "pool_max"),))] >= 1
            cluster.stop()
            down = _poll(f"{base}/health/ready", 503)
            assert down.json()["status"] == "unavailable" and down.json()["store"]["ok"] is False
            assert "password" not in down.text
            alive = httpx.get(f"{base}/health", timeout=15)  # the process still serves: liveness holds
            assert alive.status_code == 200 and alive.json()["store"]["ok"] is False
            assert _samples(httpx.get(f"{base}/metrics", timeout=15).text)[
                ("kaggle_mcp_store_up", (("backend", "postgresql"),))] == 0
            cluster.start()
            assert _poll(f"{base}/health/ready", 200).json()["store"]["ok"] is True
    finally:
        cluster_context.__exit__(None, None, None)


async def test_json_logs_carry_the_request_id_and_no_credential(hosted_sandbox, tmp_path):
    (tmp_path / "home").mkdir()
    with multi_user_server(hosted_sandbox.url, tmp_path, KAGGLE_MCP_LOG_FORMAT="json") as (base, stderr):
        answer = httpx.get(f"{base}/api/competitions/titanic", headers={**bearer("bob"), "X-Request-Id": "trace-42"},
                           timeout=30)
        assert answer.headers["x-request-id"] == "trace-42"
        minted = httpx.get(f"{base}/health").headers["x-request-id"]
        assert len(minted) == 32
        refused = httpx.get(f"{base}/health", headers={"X-Request-Id": "bad id;x"}).headers["x-request-id"]
        assert refused != "bad id;x" and len(refused) == 32
    lines = stderr.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(records) >= 3 and all(line.startswith("{") for line in lines if "kaggle-agent-mcp (http" not in line)
    traced = [r for r in records if r.get("request_id") == "trace-42"]
    assert any(r["logger"] == "kaggle_mcp.access" and r["route"] == "/api/competitions/{slug}"
               and r["user"] == "bob" for r in traced), traced
    assert any(r["logger"] == "kaggle_mcp.callers" for r in traced)  # the sign-in check logged under the request
    assert user_token("bob") not in stderr.read_text()
