"""The KaggleIngest-compatible REST routes, served by uvicorn on 127.0.0.1, against the sandbox."""

from __future__ import annotations

import json
import logging
import secrets
import socket
import time
from contextlib import asynccontextmanager

import anyio
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from kaggle_mcp.context import SqliteStore
from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.deployment import Deployment
from kaggle_mcp.sandbox import user_key
from kaggle_mcp.settings import Settings
from kaggle_mcp.web.job_ids import job_tag
from kaggle_mcp.web.health import health_routes
from kaggle_mcp.web.rest import rest_routes

pytestmark = pytest.mark.anyio

TOKEN = "KGAT_" + secrets.token_hex(16)


@asynccontextmanager
async def serve_rest(sb, store, workspace):
    deployment = Deployment(Settings(endpoint=sb.url, token=TOKEN, workspace=workspace), store=store)
    app = Starlette(routes=[*rest_routes(deployment), *health_routes(deployment)])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    async with anyio.create_task_group() as tg:
        tg.start_soon(server.serve, [sock])
        while not server.started:
            await anyio.sleep(0.01)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield http
        server.should_exit = True
    await deployment.aclose()
    sock.close()


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "store" / "context.sqlite3")
    yield s
    s.close()


async def test_health_and_json_context(sandbox, store, workspace):
    async with serve_rest(sandbox, store, workspace) as http:
        assert (await http.get("/health")).json() == {"status": "healthy", "store": {"backend": "sqlite", "ok": True}}
        missing = await http.get("/api/competitions/titanic")
        assert missing.status_code == 404 and "detail" in missing.json()
        answer = await http.post("/api/get-context", json={"url": "https://www.kaggle.com/competitions/titanic", "top_n": 2})
        assert answer.status_code == 200
        body = answer.json()
        assert body["slug"] == "titanic" and body["status"] == "completed" and body["title"].startswith("Titanic")
        assert decode_context(body["toon_content"])["competition"]["slug"] == "titanic"
        assert body["cached_at"].endswith("Z")
        polled = (await http.get("/api/competitions/titanic")).json()
        assert polled["status"] == "completed" and polled["toon_content"] == body["toon_content"]
        assert set(polled) == {"slug", "title", "status", "message", "toon_content", "cached_at", "top_n", "built_at",
                               "built_with"}
        assert (polled["top_n"], polled["built_with"]) == (2, "server credentials")  # which build this is
        calls_before = sum(sandbox.call_counts.values())
        again = (await http.post("/api/get-context", json={"url": "titanic", "top_n": 2})).json()
        assert again["toon_content"] == body["toon_content"] and "cache" in again["message"].lower()
        assert sum(sandbox.call_counts.values()) == calls_before  # a cache hit asks Kaggle nothing (finding 11b)


async def test_json_validation(sandbox, store, workspace):
    async with serve_rest(sandbox, store, workspace) as http:
        bad_url = await http.post("/api/get-context", json={"url": "https://example.com/competitions/titanic"})
        assert bad_url.status_code == 400 and "not a kaggle.com URL" in bad_url.json()["detail"]
        too_many = await http.post("/api/get-context", json={"url": "titanic", "top_n": 11})
        assert too_many.status_code == 422
        (error,) = too_many.json()["detail"]
        assert error["loc"] == ["body", "top_n"] and error["type"] == "less_than_equal" and error["msg"]
        missing = await http.post("/api/get-context", json={})
        assert missing.status_code == 422
        assert missing.json()["detail"] == [{"loc": ["body", "url"], "msg": "Field required", "type": "missing"}]
        unknown = await http.post("/api/get-context", json={"url": "no-such-competition"})
        assert unknown.status_code == 404
        assert unknown.json()["detail"].count("not found") == 1, unknown.text  # Kaggle's words, said once


async def test_upload_validation(sandbox, store, workspace):
    async with serve_rest(sandbox, store, workspace) as http:
        form = {"url": "titanic", "top_n": "2"}
        bad = await http.post("/api/get-context-upload", data=form, files={"token_file": ("kaggle.json", b"{nope")})
        assert bad.status_code == 400 and bad.json() == {"detail": "Invalid kaggle.json format"}
        no_key = await http.post("/api/get-context-upload", data=form, files={"token_file": ("kaggle.json", b'{"username": "x"}')})
        assert no_key.status_code == 400 and no_key.json() == {"detail": "Invalid kaggle.json format"}
        two_keys = json.dumps({"username": "x", "key": "0" * 32 + "\n" + "1" * 32}).encode()
        malformed = await http.post("/api/get-context-upload", data=form, files={"token_file": ("kaggle.json", two_keys)})
        assert malformed.status_code == 400 and "uploaded kaggle.json" in malformed.json()["detail"]
        assert "0" * 32 not in malformed.text and "1" * 32 not in malformed.text
        big = await http.post("/api/get-context-upload", data=form, files={"token_file": ("kaggle.json", b" " * 10_241)})
        assert big.status_code == 413
        huge = await http.post("/api/get-context-upload", data=form, files={"token_file": ("kaggle.json", b" " * 3_000_000)})
        assert huge.status_code == 413 and "10 KB" in huge.json()["detail"]
        broken = await http.post("/api/get-context-upload", content=b"--x\r\nnope",
                                 headers={"content-type": "multipart/form-data; boundary=y"})  # fmt: skip
        assert broken.status_code == 400 and "detail" in broken.json()
        missing = await http.post("/api/get-context-upload", files={"top_n": (None, "2")})  # multipart, two fields missing
        assert missing.status_code == 422
        locs = sorted(tuple(e["loc"]) for e in missing.json()["detail"])
        assert locs == [("body", "token_file"), ("body", "url")]
        assert all(set(e) == {"loc", "msg", "type"} for e in missing.json()["detail"])
        out_of_range = await http.post("/api/get-context-upload", data={"url": "titanic", "top_n": "0"},
                                       files={"token_file": ("kaggle.json", b"{}")})  # fmt: skip
        assert out_of_range.status_code == 422 and out_of_range.json()["detail"][0]["loc"] == ["body", "top_n"]


async def test_private_upload_builds_in_background_and_never_keeps_the_key(fresh_sandbox, store, caplog, workspace):
    caplog.set_level(logging.DEBUG)
    fresh_sandbox.set_latency(150)  # a build takes several round trips; the answer must not wait for it
    secret = user_key("alice")  # the sandbox checks a seeded user's key
    kaggle_json = json.dumps({"username": "alice", "key": secret}).encode()
    async with serve_rest(fresh_sandbox, store, workspace) as http:
        started = time.perf_counter()
        answer = await http.post(
            "/api/get-context-upload",
            data={"url": "https://www.kaggle.com/competitions/house-prices-2019", "top_n": "2"},
            files={"token_file": ("kaggle.json", kaggle_json, "application/json")},
        )
        answered_in = time.perf_counter() - started
        assert answer.status_code == 202
        job_id = answer.json().pop("job_id")
        assert answer.json() == {
            "slug": "house-prices-2019",
            "title": "Processing…",
            "status": "processing",
            "message": "Private ingestion started with provided credentials.",
            "job_id": job_id,
            "top_n": 2,
            "built_with": "uploaded kaggle.json",
        }
        assert len(job_id) >= 20 and answer.cookies.get("kaggle_mcp_job") == job_id
        assert answered_in < 0.3
        bodies = [answer.text]
        first = await http.get("/api/competitions/house-prices-2019")
        bodies.append(first.text)
        assert first.json()["status"] == "processing" and "toon_content" not in first.json()
        # KaggleIngest's own client polls by slug alone (single-user mode: the latest build, whoever made it),
        # and is told which build it sees; a wrong job id falls back to that too.
        async with httpx.AsyncClient(base_url=http.base_url, cookies={"kaggle_mcp_job": "wrong"}) as by_slug:
            seen = await by_slug.get("/api/competitions/house-prices-2019")
        assert seen.status_code == 200 and seen.json()["built_with"] == "uploaded kaggle.json", seen.text
        for _ in range(200):
            polled = await http.get("/api/competitions/house-prices-2019")
            bodies.append(polled.text)
            if polled.json()["status"] != "processing":
                break
            await anyio.sleep(0.05)
        final = polled.json()
        assert final["status"] == "completed", final
        async with httpx.AsyncClient(base_url=http.base_url) as script:  # no cookie: the id in the query
            by_query = await script.get(f"/api/competitions/house-prices-2019?job_id={job_id}")
            slug_only = await script.get("/api/competitions/house-prices-2019")
        assert by_query.json()["toon_content"] == final["toon_content"] == slug_only.json()["toon_content"]
        assert (slug_only.json()["top_n"], slug_only.json()["built_with"]) == (2, "uploaded kaggle.json")
        data = decode_context(final["toon_content"])
        assert data["competition"]["slug"] == "house-prices-2019"
        assert final["cached_at"] and final["title"] != "Processing…"
    assert await store.latest("house-prices-2019") is None  # not among the shared builds
    row = await store.latest("house-prices-2019", job_tag(job_id))
    assert row.params["scope"] == "user:alice"  # built as the uploader
    for text in bodies:
        assert secret not in text
    for record in caplog.records:
        assert secret not in record.getMessage()
    store.close()
    for path in store.path.parent.iterdir():  # database, WAL and shared-memory files
        assert secret.encode() not in path.read_bytes()
