"""Load on the streamable HTTP transport: concurrent MCP clients calling a cached context and list tools.

The server is the real `kaggle-agent-mcp serve --transport http` in its own process (so its RSS and CPU
are its own), pointed at `kaggle-agent-mcp sandbox` in a third process (so the load generator does not
slow the sandbox down by holding the GIL); everything stays on 127.0.0.1. Phase 1 runs `--clients` sessions
for `--seconds` and reports requests/s, p50/p99 latency and errors. Phase 2 keeps going until
`--calls` tool calls in total (bounded by `--max-seconds`) and reports the server's RSS growth from
the end of warm-up to the last call.

    .venv/bin/python benchmarks/load_http.py [--clients 50] [--seconds 30] [--calls 10000]

Targets (issue 6): 0 errors, p99 <= 250 ms on a 2-core machine, RSS growth <= 20 MB over 10 000 calls.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CALLS = [
    ("get_competition_context", {"competition": "titanic", "top_notebooks": 3, "max_tokens": 8000}),
    ("list_competition_files", {"competition": "titanic"}),
    ("list_notebooks", {"competition": "titanic", "page_size": 10}),
    ("get_competition_context", {"competition": "titanic", "top_notebooks": 3, "max_tokens": 8000}),
    ("search_competitions", {"query": "titanic"}),
    ("tools/list", {}),
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to tell whether the server is the bottleneck."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{url} did not come up: {log.read_text()[-2000:]}")
        time.sleep(0.1)


def start_sandbox(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")} | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kaggle_mcp", "sandbox", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=open(tmp / "sandbox.stderr", "wb"))
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, url + "/", tmp / "sandbox.stderr")
    return proc, url


def start_server(sandbox_url: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")}
    env |= {"PYTHONPATH": str(ROOT), "KAGGLE_API_ENDPOINT": sandbox_url, "KAGGLE_API_TOKEN": SANDBOX_TOKEN,
            "KAGGLE_MCP_WORKSPACE": str(tmp / "workspace"), "KAGGLE_MCP_CACHE_DIR": str(tmp / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "kaggle_mcp", "serve", "--transport", "http", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / "server.stderr", "wb"))
    base = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{base}/health", tmp / "server.stderr")
    return proc, base


class Stats:
    def __init__(self) -> None:
        self.by_call: dict[str, list[float]] = {}
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.calls = 0


async def worker(base: str, index: int, stop_at: float, limit: int, stats: Stats, mode: str) -> None:
    from mcp import Client

    async with Client(f"{base}/mcp", mode=mode) as client:
        i = index
        while time.monotonic() < stop_at and stats.calls < limit:
            name, args = CALLS[i % len(CALLS)]
            i += 1
            stats.calls += 1
            started = time.perf_counter()
            try:
                if name == "tools/list":
                    result = await client.list_tools()
                    failed = None if len(result.tools) >= 14 else f"tools/list returned {len(result.tools)} tools"
                else:
                    result = await client.call_tool(name, args)
                    failed = (result.content[0].text[:200] if result.content else "error") if result.is_error else None
            except Exception as exc:  # counted, never fatal: the point is to measure them
                failed = f"{type(exc).__name__}: {exc}"[:200]
            stats.latencies.append(time.perf_counter() - started)
            stats.by_call.setdefault(name, []).append(stats.latencies[-1])
            if failed:
                stats.errors.append(f"{name}: {failed}")


async def phase(base: str, clients: int, seconds: float, limit: int, mode: str) -> tuple[Stats, float]:
    stats = Stats()
    started = time.monotonic()
    async with anyio.create_task_group() as tg:
        for i in range(clients):
            tg.start_soon(worker, base, i, started + seconds, limit, stats, mode)
    return stats, time.monotonic() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--calls", type=int, default=10_000, help="total calls for the RSS measurement")
    parser.add_argument("--max-seconds", type=float, default=240, help="bound on the RSS phase")
    parser.add_argument("--mode", default="auto", choices=["auto", "legacy"], help="MCP client protocol era")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        sandbox, sandbox_url = start_sandbox(tmp)
        proc, base = start_server(sandbox_url, tmp)
        load_before = os.getloadavg()[0]
        try:
            warm, _ = anyio.run(phase, base, 1, 60, len(CALLS), args.mode)  # builds and caches the context
            assert not warm.errors, warm.errors
            warm2, _ = anyio.run(phase, base, args.clients, 60, 500, args.mode)
            rss_start = rss_mb(proc.pid)
            cpu_start, own_start, sb_start = cpu_seconds(proc.pid), time.process_time(), cpu_seconds(sandbox.pid)
            load, elapsed = anyio.run(phase, base, args.clients, args.seconds, 10**9, args.mode)
            server_cpu, client_cpu = cpu_seconds(proc.pid) - cpu_start, time.process_time() - own_start
            sandbox_cpu = cpu_seconds(sandbox.pid) - sb_start
            rest = max(0, args.calls - load.calls)
            more, more_elapsed = anyio.run(phase, base, args.clients, args.max_seconds, rest, args.mode)
            rss_end = rss_mb(proc.pid)
        finally:
            for p in (proc, sandbox):
                p.terminate()
                p.wait(10)
    figures = {
        "clients": args.clients, "seconds": round(elapsed, 1), "calls": load.calls,
        "requests_per_s": round(load.calls / elapsed, 1),
        "p50_ms": round(pct(load.latencies, 0.50), 1), "p99_ms": round(pct(load.latencies, 0.99), 1),
        "max_ms": round(max(load.latencies) * 1000, 1), "errors": len(load.errors),
        "rss_calls": load.calls + more.calls, "rss_start_mb": round(rss_start, 1), "rss_end_mb": round(rss_end, 1),
        "rss_growth_mb": round(rss_end - rss_start, 1), "rss_phase_errors": len(more.errors), "mode": args.mode,
        "cpus": os.cpu_count(), "server_cpu_share": round(server_cpu / elapsed, 2),
        "load_generator_cpu_share": round(client_cpu / elapsed, 2),
        "sandbox_cpu_share": round(sandbox_cpu / elapsed, 2), "loadavg_1min_before": round(load_before, 2),
        "p50_ms_by_call": {k: round(pct(v, 0.5), 1) for k, v in load.by_call.items()},
        "p99_ms_by_call": {k: round(pct(v, 0.99), 1) for k, v in load.by_call.items()},
    }
    print(f"streamable HTTP, {args.clients} concurrent clients ({args.mode} mode), {figures['seconds']} s, "
          f"{os.cpu_count()} CPUs")
    print(f"  calls {load.calls}  requests/s {figures['requests_per_s']}  p50 {figures['p50_ms']} ms  "
          f"p99 {figures['p99_ms']} ms  max {figures['max_ms']} ms  errors {len(load.errors)}")
    print(f"  CPU (cores busy): server {figures['server_cpu_share']}, load generator "
          f"{figures['load_generator_cpu_share']}, sandbox {figures['sandbox_cpu_share']}; 1-min load average before the run {load_before:.2f}")
    for name in load.by_call:
        print(f"    {name:<26} p50 {figures['p50_ms_by_call'][name]:>7} ms  p99 {figures['p99_ms_by_call'][name]:>7} ms")
    print(f"  RSS over {figures['rss_calls']} calls: {rss_start:.1f} -> {rss_end:.1f} MB "
          f"(growth {rss_end - rss_start:+.1f} MB), errors {len(more.errors)}")
    print(f"  targets: 0 errors, p99 <= 250 ms, RSS growth <= 20 MB -> "
          f"{'met' if not load.errors and not more.errors and figures['p99_ms'] <= 250 and figures['rss_growth_mb'] <= 20 else 'NOT met'}")
    for line in list(dict.fromkeys(load.errors + more.errors))[:10]:
        print("  error:", line)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
