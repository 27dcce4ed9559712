"""Item 2: a canary token and a canary legacy key never show up anywhere the product writes.

Every tool (success and error paths), the resources and the prompt in-process; the REST routes (including
the kaggle.json upload), the streamable HTTP transport and `doctor` in real subprocesses at DEBUG log
level. Searched: tool answers (text + structured), caplog, subprocess stdout/stderr, HTTP response bodies
and headers, the SQLite store (and its WAL), workspace files. Needles: the token, its hex part, the key,
and base64 of `user:key` (what a Basic header would carry).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from mcp import Client
from kaggle_mcp.sandbox.harness import http_server_process
from reliability_helpers import answer_blob, every_tool_call, file_text_blobs

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

pytestmark = pytest.mark.anyio

TOKEN = "KGAT_" + secrets.token_hex(16)
USER = "canaryuser"
KEY = secrets.token_hex(16)
NEEDLES = {
    "token": TOKEN,
    "token hex": TOKEN[5:],
    "legacy key": KEY,
    "basic user:key": base64.b64encode(f"{USER}:{KEY}".encode()).decode(),
    "basic user:key (no padding)": base64.b64encode(f"{USER}:{KEY}".encode()).decode().rstrip("="),
}


def leaks(where: str, blob: str | bytes) -> list[str]:
    data = blob if isinstance(blob, bytes) else blob.encode("utf-8", "surrogateescape")
    return [f"{name} found in {where}" for name, needle in NEEDLES.items() if needle.encode() in data]


@pytest.fixture(scope="module")
def canary_sandbox():
    with serve_in_thread(SandboxSettings(seed=3), host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.fixture(params=["token", "legacy_key", "rejected_token"])
def credentials(request, clean_env, monkeypatch, tmp_path) -> dict[str, str]:
    """The canary configured the way users do: KAGGLE_API_TOKEN, or ~/.kaggle/kaggle.json with the key.
    `rejected_token`: the sandbox refuses every token, so each tool takes its 401 path with the canary."""
    home = Path(os.environ["HOME"])
    if request.param == "rejected_token":
        import re

        from kaggle_mcp.sandbox import users

        monkeypatch.setattr(users, "TOKEN_RE", re.compile(r"(?!)"))  # matches nothing
    if request.param in ("token", "rejected_token"):
        monkeypatch.setenv("KAGGLE_API_TOKEN", TOKEN)
        extra = {"KAGGLE_API_TOKEN": TOKEN}
    else:
        (home / ".kaggle").mkdir()
        creds = home / ".kaggle" / "kaggle.json"
        creds.write_text(json.dumps({"username": USER, "key": KEY}))
        creds.chmod(0o600)
        extra = {}
    return clean_env | extra


def _tokens_refused() -> bool:
    from kaggle_mcp.sandbox import users

    return not users.TOKEN_RE.fullmatch(TOKEN)


def search_everywhere(tmp_path: Path, workspace: Path, extra: dict[str, str | bytes]) -> list[str]:
    found: list[str] = []
    for where, blob in extra.items():
        found += leaks(where, blob)
    cache = tmp_path / "cache"
    for root in (workspace, cache):
        if root.exists():
            for path, data in file_text_blobs(root):
                found += leaks(str(path.relative_to(tmp_path)), data)
    assert any(cache.glob("*.sqlite3*")), f"no SQLite store was written under {cache}"
    return found


async def test_in_process_tools_resources_and_logs(canary_sandbox, credentials, make_server, workspace, tmp_path,
                                                   caplog):
    caplog.set_level(logging.DEBUG)
    server = make_server(canary_sandbox, token=None)
    answers: dict[str, str | bytes] = {}
    errors = successes = 0
    rejected = os.environ.get("KAGGLE_API_TOKEN") == TOKEN and _tokens_refused()
    async with Client(server) as c:
        me = await c.call_tool("whoami", {})
        assert me.is_error == rejected, answer_blob(me)
        if rejected:
            assert "KAGGLE_API_TOKEN" in answer_blob(me), answer_blob(me)  # names the source, not the value
        for i, (name, args) in enumerate(every_tool_call(workspace)):
            result = await c.call_tool(name, args)
            answers[f"answer {i} {name}"] = answer_blob(result)
            errors, successes = errors + result.is_error, successes + (not result.is_error)
        for uri in ("kaggle://competitions/titanic/context", "kaggle://notebooks/alice/titanic-eda-and-first-baseline",
                    "kaggle://competitions/no-such-competition-xyz/context"):
            try:
                answers[uri] = str(await c.read_resource(uri))
            except Exception as exc:  # an MCP error: its text is an output too
                answers[uri] = f"{exc!s} {getattr(exc, 'error', '')!s}"
        answers["prompt"] = str(await c.get_prompt("competition_kickoff", {"competition": "titanic"}))
    assert errors >= 15 and (rejected or successes >= 15), (errors, successes)
    answers["caplog"] = caplog.text
    answers["caplog records"] = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert sum(r.levelno == logging.DEBUG for r in caplog.records) > 0, "DEBUG logging was not captured"
    assert search_everywhere(tmp_path, workspace, answers) == []


@pytest.mark.slow
async def test_http_transport_rest_routes_and_doctor_subprocesses(canary_sandbox, credentials, workspace, tmp_path):
    env = credentials | {"KAGGLE_API_ENDPOINT": canary_sandbox.url, "KAGGLE_MCP_LOG_LEVEL": "DEBUG",
                         "KAGGLE_MCP_WORKSPACE": str(workspace)}
    outputs: dict[str, str | bytes] = {}
    doctor = subprocess.run([sys.executable, "-m", "kaggle_mcp", "doctor"], env=env, capture_output=True, timeout=60)
    outputs |= {"doctor stdout": doctor.stdout, "doctor stderr": doctor.stderr}
    assert doctor.returncode == (1 if _tokens_refused() else 0), doctor.stdout + doctor.stderr
    bad = subprocess.run([sys.executable, "-m", "kaggle_mcp", "doctor"], capture_output=True, timeout=60,
                         env=env | {"KAGGLE_API_ENDPOINT": canary_sandbox.url + "/nowhere"})
    outputs |= {"doctor (failing) stdout": bad.stdout, "doctor (failing) stderr": bad.stderr}
    assert bad.returncode == 1, bad.stdout + bad.stderr

    stderr_path, stdout_path = tmp_path / "serve.stderr", tmp_path / "serve.stdout"
    with http_server_process(env, stderr_path, stdout_path=stdout_path) as (base, _):
        responses = []
        with httpx.Client(base_url=base, timeout=60) as http:
            responses.append(http.post("/api/get-context", json={"url": "https://www.kaggle.com/c/titanic", "top_n": 1}))
            responses.append(http.post("/api/get-context", json={"url": "https://www.kaggle.com/c/no-such-comp-xyz"}))
            responses.append(http.post("/api/get-context", content=b"{not json"))
            kaggle_json = json.dumps({"username": USER, "key": KEY}).encode()
            responses.append(http.post("/api/get-context-upload", data={"url": "titanic", "top_n": "2"},
                                       files={"token_file": ("kaggle.json", kaggle_json, "application/json")}))
            responses.append(http.post("/api/get-context-upload", data={"url": "titanic"},
                                       files={"token_file": ("kaggle.json", b'{"username": 1}', "application/json")}))
            for _ in range(100):
                status = http.get("/api/competitions/titanic")
                if status.json().get("status") != "processing":
                    break
                time.sleep(0.2)
            responses += [status, http.get("/api/competitions/no-such-comp-xyz"), http.get("/health")]
        expected = 401 if _tokens_refused() else 200
        assert responses[0].status_code == expected and responses[3].status_code == 202, [r.text[:200] for r in responses]
        for i, r in enumerate(responses):
            outputs[f"REST response {i} {r.request.url.path}"] = f"{r.status_code} {dict(r.headers)} {r.text}"
        async with Client(f"{base}/mcp") as c:
            for name, args in every_tool_call(workspace)[:12]:
                result = await c.call_tool(name, args)
                outputs[f"HTTP {name}"] = answer_blob(result)
    outputs["serve stdout"] = stdout_path.read_bytes()
    outputs["serve stderr"] = stderr_path.read_bytes()
    assert b"DEBUG" in outputs["serve stderr"], "the server did not log at DEBUG"
    assert search_everywhere(tmp_path, workspace, outputs) == []


def test_the_search_finds_a_planted_canary(tmp_path, workspace):
    """The detector itself: a canary planted in a workspace file, in SQLite pages and in a log line is found."""
    import sqlite3

    (workspace / "notes.txt").write_text(f"oops {TOKEN}")
    (tmp_path / "cache").mkdir()
    with sqlite3.connect(tmp_path / "cache" / "context.sqlite3") as db:
        db.execute("create table t (v text)")
        db.execute("insert into t values (?)", (NEEDLES["basic user:key"],))
    found = search_everywhere(tmp_path, workspace, {"log": f"Authorization: Basic {NEEDLES['basic user:key']}"})
    assert len(found) == 6, found  # token + hex part in notes.txt; the Basic value (padded, unpadded) in log and store
