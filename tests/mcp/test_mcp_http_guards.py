"""Issue 11 items 3, 6, 8, 11 and 12 (HTTP): the whole app, served by uvicorn on 127.0.0.1 against the sandbox.

DNS rebinding and CSRF on every route, content types, bodies capped while they stream (chunked included),
nesting, the bounded private-build queue, the bearer middleware on websockets, and the refusal to serve
beyond loopback without a token.
"""

from __future__ import annotations

import json
import secrets
import time

import httpx
import pytest
from http_serving import serving
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from kaggle_mcp.web import build_app
from kaggle_mcp.web.guards import BearerToken, ExposureRefused, check_exposure

TOKEN = "test-http-token-" + secrets.token_hex(8)
EVERY_ROUTE = [("POST", "/api/get-context"), ("POST", "/api/get-context-upload"), ("GET", "/api/competitions/titanic"),
               ("GET", "/health"), ("POST", "/mcp"), ("GET", "/sse"), ("POST", "/messages/")]


@pytest.fixture
def app_url(sandbox, settings_for):
    with serving(build_app(settings_for(sandbox))) as url:
        yield url


def _port(url: str) -> str:
    return url.rsplit(":", 1)[1]


def test_the_reviewers_rebinding_request_is_refused(app_url):
    """The review's curl: Host and Origin of evil.example, text/plain body; it answered 200 with the context."""
    evil = f"evil.example:{_port(app_url)}"
    answer = httpx.post(f"{app_url}/api/get-context", content=b'{"url":"titanic"}', timeout=30,
                        headers={"Host": evil, "Origin": f"http://{evil}", "Content-Type": "text/plain"})
    assert answer.status_code == 421 and "toon" not in answer.text


@pytest.mark.parametrize(("method", "path"), EVERY_ROUTE)
def test_host_and_origin_are_checked_on_every_route(app_url, method, path):
    evil = f"evil.example:{_port(app_url)}"
    wrong_host = httpx.request(method, f"{app_url}{path}", headers={"Host": evil}, timeout=10)
    assert wrong_host.status_code == 421, (path, wrong_host.text)
    cross_site = httpx.request(method, f"{app_url}{path}", headers={"Origin": f"http://{evil}"}, timeout=10)
    assert cross_site.status_code == 403, (path, cross_site.text)


def test_same_origin_and_loopback_names_pass(app_url):
    port = _port(app_url)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        answer = httpx.get(f"{app_url}/health", headers={"Host": host, "Origin": f"http://{host}"})
        assert answer.status_code == 200, host


def test_json_route_needs_json_and_upload_needs_multipart(app_url):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"Content-Type": content_type} if content_type else {}
        answer = httpx.post(f"{app_url}/api/get-context", content=b'{"url":"titanic"}', headers=headers)
        assert answer.status_code == 415 and "application/json" in answer.json()["detail"], content_type
    upload = httpx.post(f"{app_url}/api/get-context-upload", data={"url": "titanic", "top_n": "1"})
    assert upload.status_code == 415 and "multipart/form-data" in upload.json()["detail"]


def _chunked(total: int, head: bytes = b"", chunk: int = 1 << 20):
    """A body of `total` bytes in chunks, without Content-Length."""
    yield head
    for _ in range(total // chunk):
        yield b" " * chunk


class BodyCounter:
    """Counts the body bytes the app itself received (what it could have held), per request."""

    def __init__(self, app) -> None:
        self.app, self.read = app, 0

    async def __call__(self, scope, receive, send) -> None:
        async def counted():
            message = await receive()
            self.read += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


@pytest.mark.parametrize(("path", "content_type"), [("/api/get-context", "application/json"),
                                                    ("/api/get-context-upload", "multipart/form-data; boundary=b")])
def test_bodies_are_capped_while_streaming_even_chunked(sandbox, settings_for, path, content_type):
    head = b'{"url": "titanic", "pad": "' if content_type.startswith("application") else (
        b'--b\r\nContent-Disposition: form-data; name="token_file"; filename="kaggle.json"\r\n\r\n')
    app = BodyCounter(build_app(settings_for(sandbox)))
    with serving(app) as url:
        answer = httpx.post(f"{url}{path}", content=_chunked(300 << 20, head), headers={"Content-Type": content_type},
                            timeout=60)
        assert answer.status_code == 413, answer.text
        assert app.read <= (64 << 10) + (1 << 20), f"the app read {app.read >> 20} MiB of a 300 MiB body"
        declared = httpx.post(f"{url}{path}", content=b" " * (65 << 10), headers={"Content-Type": content_type})
        assert declared.status_code == 413


def test_deep_nesting_is_a_400_not_a_500(app_url):
    deep = b'{"url": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"  # under the 64 KB cap, past the recursion limit
    answer = httpx.post(f"{app_url}/api/get-context", content=deep, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and "nested too deeply" in answer.json()["detail"]
    kaggle_json = b'{"username": ' + b"[" * 4_000 + b"]" * 4_000 + b', "key": "x"}'
    upload = httpx.post(f"{app_url}/api/get-context-upload", data={"url": "titanic", "top_n": "1"},
                        files={"token_file": ("kaggle.json", kaggle_json)})
    assert upload.status_code == 400 and upload.json() == {"detail": "Invalid kaggle.json format"}


def test_private_builds_queue_is_bounded_with_retry_after(fresh_sandbox, store, workspace):
    fresh_sandbox.set_latency(200)  # builds take a few seconds: the first two are still queued or running
    kaggle_json = json.dumps({"username": "alice", "key": secrets.token_hex(16)}).encode()
    app = _rest_app(fresh_sandbox, store, workspace)
    with serving(app) as url:
        def upload() -> httpx.Response:
            return httpx.post(f"{url}/api/get-context-upload", data={"url": "titanic", "top_n": "1"},
                              files={"token_file": ("kaggle.json", kaggle_json)}, timeout=30)

        answers = [upload() for _ in range(3)]
        assert [a.status_code for a in answers] == [202, 202, 429], [a.text for a in answers]
        assert answers[2].headers["retry-after"].isdigit() and "retry in" in answers[2].json()["detail"]
        fresh_sandbox.set_latency(0)
        deadline = time.monotonic() + 60
        while True:  # the places come back as the builds end
            again = upload()
            if again.status_code == 202:
                break
            assert again.status_code == 429 and time.monotonic() < deadline
            time.sleep(0.2)


@pytest.fixture
def store(tmp_path):
    from kaggle_mcp.context.sqlite_store import SqliteStore

    opened = SqliteStore(tmp_path / "context.sqlite3")
    yield opened
    opened.close()


def _rest_app(sb, store, workspace):
    from kaggle_mcp.deployment import Deployment
    from kaggle_mcp.sandbox import SANDBOX_TOKEN
    from kaggle_mcp.settings import Settings
    from kaggle_mcp.web.rest import BuildQueue, rest_routes

    deployment = Deployment(Settings(endpoint=sb.url, token=SANDBOX_TOKEN, workspace=workspace),
                            store=store)
    return Starlette(routes=rest_routes(deployment, builds=BuildQueue(running=1, waiting=1)))


def test_bearer_middleware_refuses_websockets_without_the_token_and_passes_the_lifespan():
    started = []

    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("in")
        await ws.close()

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_):
        started.append(True)
        yield

    app = BearerToken(Starlette(routes=[WebSocketRoute("/ws", echo)], lifespan=lifespan), TOKEN, open_paths={"/health"})
    with TestClient(app) as client:
        assert started == [True]
        with pytest.raises(WebSocketDisconnect) as refused:
            with client.websocket_connect("/ws"):
                pass
        assert refused.value.code == 1008
        with client.websocket_connect("/ws", headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
            assert ws.receive_text() == "in"


def test_exposure_check_refuses_an_open_non_loopback_bind():
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_exposure(host, http_token=None)
        check_exposure(host, http_token=None, sandbox=True)
    check_exposure("0.0.0.0", http_token=TOKEN, sandbox=True)
    check_exposure("0.0.0.0", http_token=None, insecure_no_auth=True)
    with pytest.raises(ExposureRefused, match="KAGGLE_MCP_HTTP_TOKEN.*--insecure-no-auth"):
        check_exposure("0.0.0.0", http_token=None)
    with pytest.raises(ExposureRefused, match="run code here.*does not lift this"):
        check_exposure("192.168.1.5", http_token=None, insecure_no_auth=True, sandbox=True)


def test_build_app_applies_the_check(sandbox, settings_for):
    with pytest.raises(ExposureRefused):
        build_app(settings_for(sandbox), host="0.0.0.0")
    with pytest.raises(ExposureRefused, match="sandbox"):
        build_app(settings_for(sandbox, sandbox=True), host="0.0.0.0", insecure_no_auth=True)
    build_app(settings_for(sandbox), host="0.0.0.0", insecure_no_auth=True)
    build_app(settings_for(sandbox), host="0.0.0.0", http_token=TOKEN)


def test_a_non_loopback_bind_keeps_host_checks_and_the_allow_list_admits_a_real_name(sandbox, settings_for, monkeypatch):
    """The SDK turns its checks off when the host is not loopback; ours stay on, and the allow-list opens them."""
    monkeypatch.setenv("KAGGLE_MCP_ALLOWED_HOSTS", "kaggle-mcp.example.org, 10.0.0.7:8443")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with serving(build_app(settings_for(sandbox), host="0.0.0.0", http_token=TOKEN)) as url:
        for path in ("/mcp", "/api/competitions/titanic"):
            assert httpx.get(f"{url}{path}", headers={**auth, "Host": "evil.example"}).status_code == 421, path
        named = httpx.get(f"{url}/health", headers={"Host": "kaggle-mcp.example.org",
                                                    "Origin": "https://kaggle-mcp.example.org"})
        assert named.status_code == 200
        assert httpx.get(f"{url}/health", headers={"Host": "10.0.0.7:8443"}).status_code == 200
        assert httpx.get(f"{url}/health", headers={"Host": "10.0.0.7:9999"}).status_code == 421
