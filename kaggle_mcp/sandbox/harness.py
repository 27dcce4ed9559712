"""Real processes on 127.0.0.1 for the tests and benchmarks: `kaggle-agent-mcp serve --transport http` and
`kaggle-agent-mcp sandbox` as subprocesses (so their memory and CPU are their own), and what Linux's /proc
says of a process (its CPU time, its time waiting for a CPU) and of the machine (all CPU time used).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # what PYTHONPATH needs for `-m kaggle_mcp` from a checkout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(base_env: Mapping[str, str], endpoint: str, workspace: Path, cache: Path, **extra: str) -> dict[str, str]:
    """`base_env` without any KAGGLE* variable, aimed at a sandbox at `endpoint` with its token."""
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    env = {k: v for k, v in base_env.items() if not k.startswith("KAGGLE")}
    return env | {"PYTHONPATH": str(ROOT), "KAGGLE_API_ENDPOINT": endpoint, "KAGGLE_API_TOKEN": SANDBOX_TOKEN,
                  "KAGGLE_MCP_WORKSPACE": str(workspace), "KAGGLE_MCP_CACHE_DIR": str(cache), **extra}


@contextmanager
def _process(args: list[str], env: Mapping[str, str], ready_url: str, stderr_path: Path,
             stdout_path: Path | None) -> Iterator[subprocess.Popen]:
    """`python -m kaggle_mcp ARGS`, yielded once `ready_url` answers 200; stopped (killed if need be) after."""
    import httpx

    with stderr_path.open("wb") as stderr, (stdout_path.open("wb") if stdout_path else open(os.devnull, "wb")) as out:
        proc = subprocess.Popen([sys.executable, "-m", "kaggle_mcp", *args], env=dict(env), stdout=out, stderr=stderr)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(ready_url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(args[:1])} did not start: {stderr_path.read_text()[-2000:]}")
            time.sleep(0.1)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def http_server_process(env: Mapping[str, str], stderr_path: Path, *extra: str,
                        stdout_path: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """The MCP server over HTTP; yields (base_url, Popen). Its stderr (and stdout, if `stdout_path` is
    given) is kept in files for the caller to read."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with _process(["serve", "--transport", "http", "--port", str(port), *extra], env, f"{base}/health",
                  stderr_path, stdout_path) as proc:
        yield base, proc


@contextmanager
def sandbox_process(env: Mapping[str, str], stderr_path: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """The standalone sandbox; yields (url, Popen)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in env.items() if not k.startswith("KAGGLE")} | {"PYTHONPATH": str(ROOT)}
    with _process(["sandbox", "--port", str(port), *extra], env, f"{url}/", stderr_path, None) as proc:
        yield url, proc


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def rss_mb(pid: int) -> float:
    """VmRSS: the process's resident set now, in MB (Linux)."""
    return _status_mb(pid, "VmRSS")


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set, in MB (Linux)."""
    return _status_mb(pid, "VmHWM")


def cpu_seconds(pid: int, *, ended_children: bool = False) -> float:
    """User + system CPU time of a process (Linux); with `ended_children`, plus that of its children that
    have ended (a server's short-lived workers)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15 if ended_children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def waiting_seconds(pid: int) -> float:
    """Time the threads of a process spent runnable but waiting for a CPU (Linux schedstat): how much more
    it would have run on a machine with a core free for it."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (FileNotFoundError, ProcessLookupError):  # a thread that ended meanwhile
            continue
    return total / 1e9


def machine_cpu_seconds() -> float:
    """CPU time used on the whole machine so far (every process, all cores; Linux /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
