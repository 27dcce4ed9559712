"""The container image, checked without a container engine: BuildKit's own parser (the `dockerfile` package)
reads the Dockerfile, hadolint lints it, the build stage's context is exactly what .dockerignore lets in, and
the image's command, with the image's environment, runs here as a process from the installed wheel (which is
what the image installs), its HEALTHCHECK included."""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import dockerfile
import httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from packaging_helpers import ROOT, run

from kaggle_mcp.sandbox.harness import free_port

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Image:
    """The final stage of the Dockerfile, as the engine would configure the container."""

    base: str
    user: str
    env: dict[str, str]
    exposed: list[str]
    command: list[str]  # ENTRYPOINT + CMD, both exec form
    healthcheck: list[str]
    runs: list[str]
    build_stage_copies: list[str]


def read_image() -> Image:
    commands = dockerfile.parse_file(str(ROOT / "Dockerfile"))
    final = max(i for i, c in enumerate(commands) if c.cmd == "FROM")
    stage = commands[final:]
    last = {c.cmd: c for c in stage}
    for exec_form in ("CMD", "ENTRYPOINT"):
        assert exec_form not in last or last[exec_form].json, f"{exec_form} must be exec form (signals reach the server)"
    env_values = [c.value for c in stage if c.cmd == "ENV"]
    health = last["HEALTHCHECK"].value
    assert health[0] == "CMD" and last["HEALTHCHECK"].json
    return Image(
        base=stage[0].value[0],
        user=last["USER"].value[0],
        env={k: v for values in env_values for k, v in zip(values[::2], values[1::2])},
        exposed=[v for c in stage if c.cmd == "EXPOSE" for v in c.value],
        command=[*(last["ENTRYPOINT"].value if "ENTRYPOINT" in last else ()), *last["CMD"].value],
        healthcheck=list(health[1:]),
        runs=[c.value[0] for c in stage if c.cmd == "RUN"],
        build_stage_copies=[src for c in commands[:final] if c.cmd == "COPY" and not c.flags for src in c.value[:-1]],
    )


def test_hadolint_finds_nothing():
    proc = subprocess.run([str(Path(sys.executable).parent / "hadolint"), str(ROOT / "Dockerfile")],
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_the_image_is_slim_unprivileged_and_says_where_it_listens():
    image = read_image()
    assert image.base.startswith("python:") and "-slim" in image.base
    assert image.user.isdigit() and int(image.user) != 0
    assert any("pip install" in run_ and ".whl" in run_ for run_ in image.runs)  # the wheel, not the source tree
    assert image.env["KAGGLE_MCP_HOST"] == "0.0.0.0"  # the loopback default, overridden explicitly
    assert image.exposed == [image.env["KAGGLE_MCP_PORT"]]
    oci = json.loads((ROOT / "server.json").read_text())["packages"][1]
    assert oci["transport"]["url"] == f"http://127.0.0.1:{image.env['KAGGLE_MCP_PORT']}/mcp"


def test_the_build_context_is_what_the_build_stage_copies(tmp_path):
    allowed = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    assert allowed[0] == "*", "an allow-list: nothing enters the context unless named"
    admitted = {line[1:].rstrip("/") for line in allowed if line.startswith("!")}
    assert admitted == set(read_image().build_stage_copies)
    context = tmp_path / "context"
    context.mkdir()
    for name in admitted:
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, context / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if source.is_dir() else {}))
    run(sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", context)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert "kaggle_mcp/web/static/index.html" in zipfile.ZipFile(wheel).namelist()


async def test_the_image_command_serves_http_and_passes_its_healthcheck(installed_wheel, tmp_path):
    image = read_image()
    token = secrets.token_hex(16)
    port = str(free_port())
    # what `docker run -e ... -v ...` would change: the port, loopback (a test binds nothing wider), the
    # volumes' paths, the token, the sandbox instead of kaggle.com; the rest is the image's own environment
    env = installed_wheel.env(tmp_path) | image.env | {
        "KAGGLE_MCP_PORT": port, "KAGGLE_MCP_HOST": "127.0.0.1", "KAGGLE_MCP_HTTP_TOKEN": token, "HOME": str(tmp_path),
        "KAGGLE_MCP_SANDBOX": "1",
        "KAGGLE_MCP_WORKSPACE": str(tmp_path / "workspace"), "KAGGLE_MCP_CACHE_DIR": str(tmp_path / "cache")}
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "stderr").open("wb") as stderr:
        server = subprocess.Popen(image.command, env=env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while server.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert server.poll() is None, (tmp_path / "stderr").read_text()
        assert subprocess.run(image.healthcheck, env=env, timeout=30).returncode == 0
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and "Competition context" in page.text
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with http, Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client:
            tools = (await client.list_tools()).tools
            me = (await client.call_tool("whoami", {})).structured_content
        assert len(tools) >= 17 and me["sandbox"] is True
        # PID 1 of the container is the server itself (sh exec'ed it), so `docker stop`'s SIGTERM reaches it
        argv = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
        assert argv[0] != b"sh" and any(a.endswith(b"kaggle-agent-mcp") for a in argv), argv
    finally:
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down, then re-raises the signal it caught
        assert server.wait(timeout=20) in (0, -signal.SIGTERM), (tmp_path / "stderr").read_text()
    assert subprocess.run(image.healthcheck, env=env, timeout=30, capture_output=True).returncode != 0
