"""Load on the streamable HTTP transport: concurrent MCP clients calling a cached context and list tools.

The server is the real `kaggle-agent-mcp serve --transport http` in its own process (so its RSS and CPU
are its own), pointed at `kaggle-agent-mcp sandbox` in a third process; everything stays on 127.0.0.1 and
shares this machine's cores with the load generator. Two generators load the same server, one after the
other, so their figures sit side by side:

- `wire`: each client is a keep-alive HTTP connection sending 2026-07-28 MCP requests (the POSTs the SDK
  client sends, headers and `_meta` included) and checking each JSON-RPC answer. It costs ~0.5 ms of
  CPU per call, so on 2 cores the latency it sees is the server's.
- `sdk`: each client is the MCP SDK's `Client` (`--mode auto|legacy`). It costs ~3 ms of CPU per call,
  more than the server, so on 2 cores its event loop, not the server, sets the latency it reports.

Phase 1 runs `--clients` clients for `--seconds` per generator and reports requests/s, p50/p99 latency,
errors and CPU shares. Phase 2 (the `wire` generator) keeps going until `--calls` calls in total (bounded
by `--max-seconds`) and reports the server's RSS growth from the end of warm-up to the last call.

    .venv/bin/python benchmarks/load_http.py [--clients 50] [--seconds 30] [--calls 10000] [--generator both]

Targets (issue 6), checked on the `wire` run: 0 errors, p99 <= 250 ms on a 2-core machine, RSS growth
<= 20 MB over 10 000 calls.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import multiprocessing
import os
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kaggle_mcp.sandbox.harness import cpu_seconds, http_server_process, rss_mb, sandbox_process, server_env  # noqa: E402

CALLS = [
    ("get_competition_context", {"competition": "titanic", "top_notebooks": 3, "max_tokens": 8000}),
    ("list_competition_files", {"competition": "titanic"}),
    ("list_notebooks", {"competition": "titanic", "page_size": 10}),
    ("get_competition_context", {"competition": "titanic", "top_notebooks": 3, "max_tokens": 8000}),
    ("search_competitions", {"query": "titanic"}),
    ("tools/list", {}),
]


class Stats:
    def __init__(self) -> None:
        self.by_call: dict[str, list[float]] = {}
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.calls = 0
        self.connections: list = []  # one httpx.AsyncClient (wire) or mcp.Client (sdk) per client
        self.cpu = 0.0  # the generator's CPU seconds over the timed window

    def record(self, name: str, started: float, failed: str | None) -> None:
        self.latencies.append(time.perf_counter() - started)
        self.by_call.setdefault(name, []).append(self.latencies[-1])
        if failed:
            self.errors.append(f"{name}: {failed}")


def tools_listed(tools: list) -> str | None:
    return None if len(tools) >= 14 else f"tools/list returned {len(tools)} tools"


async def drive(index: int, stop_at: float, limit: int, stats: Stats, call) -> None:
    """One client's closed loop: the calls of `CALLS` in turn, each timed; `call` returns a failure or None."""
    i = index
    while time.monotonic() < stop_at and stats.calls < limit:
        name, args = CALLS[i % len(CALLS)]
        i += 1
        stats.calls += 1
        started = time.perf_counter()
        try:
            failed = await call(name, args)
        except Exception as exc:  # counted, never fatal: the point is to measure them
            failed = f"{type(exc).__name__}: {exc}"[:200]
        stats.record(name, started, failed)


async def sdk_worker(base: str, index: int, stop_at: float, limit: int, stats: Stats, mode: str) -> None:
    client = stats.connections[index]

    async def call(name: str, args: dict) -> str | None:
        if name == "tools/list":
            return tools_listed((await client.list_tools()).tools)
        result = await client.call_tool(name, args)
        return (result.content[0].text[:200] if result.content else "error") if result.is_error else None

    await drive(index, stop_at, limit, stats, call)


MODERN = "2026-07-28"
META = {"_meta": {"io.modelcontextprotocol/protocolVersion": MODERN,
                  "io.modelcontextprotocol/clientInfo": {"name": "load_http", "version": "1"},
                  "io.modelcontextprotocol/clientCapabilities": {}}}


def wire_answer(response: httpx.Response, request_id: int) -> dict:
    """The JSON-RPC answer of one POST, sent as JSON or (after a notification) as an SSE stream."""
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        for line in response.text.splitlines():
            if line.startswith("data:") and f'"id":{request_id}' in line.replace(" ", ""):
                return json.loads(line[5:])
        raise RuntimeError("the event stream ended without an answer")
    return response.json()


async def wire_worker(base: str, index: int, stop_at: float, limit: int, stats: Stats, mode: str) -> None:
    """One client: a keep-alive HTTP connection of its own, posting the requests of `CALLS` in turn."""
    headers = {"accept": "application/json, text/event-stream", "content-type": "application/json",
               "mcp-protocol-version": MODERN}
    ids = itertools.count(1)
    http = stats.connections[index]

    async def call(name: str, args: dict) -> str | None:
        request_id = next(ids)
        if name == "tools/list":
            method, params, routing = name, dict(META), {"mcp-method": name}
        else:
            method, params = "tools/call", {"name": name, "arguments": args, **META}
            routing = {"mcp-method": method, "mcp-name": name}
        body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        answer = wire_answer(await http.post("/mcp", json=body, headers=headers | routing), request_id)
        result = answer.get("result")
        if result is None:
            return f"JSON-RPC error {answer.get('error')}"[:200]
        if name == "tools/list":
            return tools_listed(result.get("tools", []))
        return (result.get("content") or [{}])[0].get("text", "error")[:200] if result.get("isError") else None

    await drive(index, stop_at, limit, stats, call)


WORKERS = {"wire": wire_worker, "sdk": sdk_worker}


async def phase(worker, base: str, clients: int, seconds: float, limit: int, mode: str, first: int = 0,
                start_at: float | None = None) -> tuple[Stats, float]:
    """`clients` clients (numbered from `first`, which picks where each starts in `CALLS`) for `seconds`
    or `limit` calls; the clock starts once all are connected, or at the wall-clock time `start_at`."""
    from mcp import Client

    stats = Stats()
    # Clients are connected before the clock starts (the wire ones sharing one SSL context: httpx builds one
    # per client even for http://, and 50 at once stalled the first calls by a second of the generator's CPU).
    tls = ssl.create_default_context()
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(clients):
            client = (httpx.AsyncClient(base_url=base, timeout=60, verify=tls, limits=httpx.Limits(max_connections=1))
                      if worker is wire_worker else Client(f"{base}/mcp", mode=mode))
            stats.connections.append(await stack.enter_async_context(client))
        if start_at is not None:
            await anyio.sleep(max(0.0, start_at - time.time()))
        started, cpu = time.monotonic(), time.process_time()
        async with anyio.create_task_group() as tg:
            for i in range(clients):
                tg.start_soon(worker, base, first + i, started + seconds, limit, stats, mode)
        stats.cpu = time.process_time() - cpu
        return stats, time.monotonic() - started


def child_phase(generator: str, base: str, clients: int, first: int, start_at: float, seconds: float,
                mode: str) -> tuple[dict, list, list, int, float, float]:
    """One load-generator process's share of a run (its figures as plain values, to cross the pipe)."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    stats, elapsed = anyio.run(phase, WORKERS[generator], base, clients, seconds, 10**9, mode, first, start_at)
    return stats.by_call, stats.latencies, stats.errors, stats.calls, stats.cpu, elapsed


def multi_process_phase(generator: str, base: str, clients: int, seconds: float, mode: str,
                        processes: int) -> tuple[Stats, float]:
    """The clients split over `processes` generator processes that start together; their figures merged."""
    from concurrent.futures import ProcessPoolExecutor

    shares = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    start_at = time.time() + 10  # time to spawn and connect every client first
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(child_phase, generator, base, share, sum(shares[:n]), start_at, seconds, mode)
                   for n, share in enumerate(shares)]
        parts = [f.result() for f in futures]
    merged = Stats()
    for by_call, latencies, errors, calls, cpu, _ in parts:
        for name, values in by_call.items():
            merged.by_call.setdefault(name, []).extend(values)
        merged.latencies += latencies
        merged.errors += errors
        merged.calls += calls
        merged.cpu += cpu
    return merged, max(part[-1] for part in parts)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def warm_up(generator: str, args: argparse.Namespace, base: str) -> int:
    """One client through every call (building and caching the context), then 500 calls at full width."""
    warm, _ = anyio.run(phase, WORKERS[generator], base, 1, 60, len(CALLS), args.mode)
    assert not warm.errors, warm.errors
    wide, _ = anyio.run(phase, WORKERS[generator], base, args.clients, 60, 500, args.mode)
    return warm.calls + wide.calls


def load_run(generator: str, args: argparse.Namespace, base: str, server: subprocess.Popen,
             sandbox: subprocess.Popen) -> tuple[dict, Stats]:
    """Warm up, then `--clients` clients for `--seconds`: latency, errors and who used the CPU."""
    processes = args.sdk_processes if generator == "sdk" else 1
    cpu_start, sb_start = cpu_seconds(server.pid), cpu_seconds(sandbox.pid)
    if processes > 1:
        load, elapsed = multi_process_phase(generator, base, args.clients, args.seconds, args.mode, processes)
    else:
        load, elapsed = anyio.run(phase, WORKERS[generator], base, args.clients, args.seconds, 10**9, args.mode)
    server_cpu, client_cpu = cpu_seconds(server.pid) - cpu_start, load.cpu
    sandbox_cpu = cpu_seconds(sandbox.pid) - sb_start
    figures = {
        "generator": generator, "mode": MODERN if generator == "wire" else args.mode, "clients": args.clients,
        "seconds": round(elapsed, 1), "calls": load.calls, "requests_per_s": round(load.calls / elapsed, 1),
        "p50_ms": round(pct(load.latencies, 0.50), 1), "p99_ms": round(pct(load.latencies, 0.99), 1),
        "max_ms": round(max(load.latencies) * 1000, 1), "max_at_call": load.latencies.index(max(load.latencies)),
        "errors": len(load.errors),
        "server_cpu_share": round(server_cpu / elapsed, 2), "load_generator_cpu_share": round(client_cpu / elapsed, 2),
        "sandbox_cpu_share": round(sandbox_cpu / elapsed, 2),
        "server_cpu_ms_per_call": round(1000 * server_cpu / max(1, load.calls), 2),
        "p50_ms_by_call": {k: round(pct(v, 0.5), 1) for k, v in load.by_call.items()},
        "p99_ms_by_call": {k: round(pct(v, 0.99), 1) for k, v in load.by_call.items()},
    }
    return figures, load


def report(f: dict, load: Stats) -> None:
    print(f"  [{f['generator']} generator, {f['mode']}] calls {f['calls']}  requests/s {f['requests_per_s']}  "
          f"p50 {f['p50_ms']} ms  p99 {f['p99_ms']} ms  max {f['max_ms']} ms  errors {f['errors']}")
    print(f"    CPU (cores busy): server {f['server_cpu_share']} ({f['server_cpu_ms_per_call']} ms per call), "
          f"load generator {f['load_generator_cpu_share']}, sandbox {f['sandbox_cpu_share']}")
    for name in load.by_call:
        print(f"    {name:<26} p50 {f['p50_ms_by_call'][name]:>7} ms  p99 {f['p99_ms_by_call'][name]:>7} ms")
    for line in list(dict.fromkeys(load.errors))[:5]:
        print("    error:", line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--calls", type=int, default=10_000, help="total calls for the RSS measurement")
    parser.add_argument("--max-seconds", type=float, default=240, help="bound on the RSS phase")
    parser.add_argument("--generator", default="both", choices=["both", *WORKERS])
    parser.add_argument("--mode", default="auto", choices=["auto", "legacy"], help="the sdk generator's protocol era")
    parser.add_argument("--sdk-processes", type=int, default=2,
                        help="processes the sdk generator's clients are split over (one SDK event loop saturates a core)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    generators = list(WORKERS) if args.generator == "both" else [args.generator]
    # The generator shares the cores with the server: spare it the GC pauses the server is spared too.
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)

    runs: list[tuple[dict, Stats]] = []
    with tempfile.TemporaryDirectory() as tmp_dir, contextlib.ExitStack() as stack:
        tmp = Path(tmp_dir)
        sandbox_url, sandbox = stack.enter_context(sandbox_process(os.environ, tmp / "sandbox.stderr"))
        env = server_env(os.environ, sandbox_url, tmp / "workspace", tmp / "cache")
        base, proc = stack.enter_context(http_server_process(env, tmp / "server.stderr"))
        load_before = os.getloadavg()[0]
        warm_up(generators[0], args, base)
        rss_start, rss_calls = rss_mb(proc.pid), 0
        for generator in generators:
            if generator != generators[0]:
                rss_calls += warm_up(generator, args, base)
            runs.append(load_run(generator, args, base, proc, sandbox))
        rest = max(0, args.calls - sum(f["calls"] for f, _ in runs))
        more, _ = anyio.run(phase, WORKERS[generators[0]], base, args.clients, args.max_seconds, rest, args.mode)
        rss_end = rss_mb(proc.pid)
    rss = {"rss_calls": rss_calls + sum(f["calls"] for f, _ in runs) + more.calls, "rss_start_mb": round(rss_start, 1),
           "rss_end_mb": round(rss_end, 1), "rss_growth_mb": round(rss_end - rss_start, 1),
           "rss_phase_errors": len(more.errors)}
    print(f"streamable HTTP, {args.clients} concurrent clients, {args.seconds:g} s per generator, {os.cpu_count()} CPUs, "
          f"1-min load average before the run {load_before:.2f}")
    for figures, load in runs:
        report(figures, load)
    print(f"  RSS over {rss['rss_calls']} calls: {rss_start:.1f} -> {rss_end:.1f} MB "
          f"(growth {rss['rss_growth_mb']:+.1f} MB), errors {len(more.errors)}")
    headline = runs[0][0]
    met = (headline["errors"] == 0 and not more.errors and headline["p99_ms"] <= 250 and rss["rss_growth_mb"] <= 20)
    print(f"  targets ({headline['generator']} run): 0 errors, p99 <= 250 ms, RSS growth <= 20 MB -> "
          f"{'met' if met else 'NOT met'}")
    for line in list(dict.fromkeys(more.errors))[:5]:
        print("  error:", line)
    if args.json:
        args.json.write_text(json.dumps({"runs": [f for f, _ in runs], **rss, "cpus": os.cpu_count(),
                                         "loadavg_1min_before": round(load_before, 2), "targets_met": met}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
