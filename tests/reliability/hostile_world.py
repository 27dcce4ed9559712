"""The hostile sandbox for the reliability tests, and a server subprocess whose memory can be read."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def hostile_sandbox(monkeypatch=None):
    """SandboxSettings(hostile=True): hostile.py's escaping names plus hostile_content.py's answers."""
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with serve_in_thread(SandboxSettings(seed=0, hostile=True), host="127.0.0.1", port=0) as sb:
        yield sb


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def http_server_process(env: dict[str, str], stderr_path: Path, *extra: str, stdout_path: Path | None = None):
    """`kaggle-agent-mcp serve --transport http` in a subprocess; yields (base_url, Popen).
    Its stderr (and its stdout, if `stdout_path` is given) is kept in files for the test to read."""
    port = free_port()
    with stderr_path.open("wb") as stderr, (stdout_path.open("wb") if stdout_path else open(os.devnull, "wb")) as out:
        proc = subprocess.Popen([sys.executable, "-m", "kaggle_mcp", "serve", "--transport", "http", "--port",
                                 str(port), *extra], env=env, stdout=out, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {stderr_path.read_text()[-2000:]}")
            time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def server_env(base_env: dict[str, str], endpoint: str, workspace: Path, cache: Path, **extra: str) -> dict[str, str]:
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in base_env.items() if not k.startswith("KAGGLE")}
    return env | {"PYTHONPATH": str(root), "KAGGLE_API_ENDPOINT": endpoint, "KAGGLE_API_TOKEN": SANDBOX_TOKEN,
                  "KAGGLE_MCP_WORKSPACE": str(workspace), "KAGGLE_MCP_CACHE_DIR": str(cache), **extra}
