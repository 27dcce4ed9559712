"""Latency of a context build, top_notebooks=10, against the sandbox with 100 ms added per RPC.

Ours (bounded concurrency, second-stage fetches started as soon as their input arrives) vs the same
calls made one after another: the same builder with a CapacityLimiter of 1, so the calls, their
order of dependency and the post-processing are identical and only the overlap differs. Runs
alternate between the two; medians are reported. Also reported: a cache hit through the service
and through the MCP tool `get_competition_context` (in-process SDK client). Targets: >= 4x faster,
<= 1.5 s; cache hit through the tool <= 20 ms.

    .venv/bin/python benchmarks/context_latency.py [--runs 3] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio

COMPETITION = "titanic"


async def measure(url: str, runs: int, top: int) -> tuple[list[float], list[float], list[float], int, dict]:
    from kaggle_mcp.context import ContextService, SqliteStore
    from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient

    ours, sequential, hits = [], [], []
    calls = 0
    stats: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "context.sqlite3")
        token = Credentials.token("KGAT_" + secrets.token_hex(16))
        async with KaggleClient(ClientSettings(endpoint=url), token) as kc:
            await kc.username()  # resolved once per client in real use; not part of a build
            concurrent = ContextService(kc, store)
            one_at_a_time = ContextService(kc, store, concurrency=1)
            for _ in range(runs):
                for service, sink in ((concurrent, ours), (one_at_a_time, sequential)):
                    started = time.perf_counter()
                    result = await service.get(COMPETITION, top_notebooks=top, refresh=True)
                    sink.append(time.perf_counter() - started)
                    stats = result.stats
                for _ in range(20):
                    started = time.perf_counter()
                    hit = await concurrent.get(COMPETITION, top_notebooks=top)
                    hits.append(time.perf_counter() - started)
                    assert hit.cached
            calls = len(result.data.get("notebooks", []))
        store.close()
    return ours, sequential, hits, calls, stats


async def mcp_cache_hits(url: str, top: int, calls: int = 30) -> list[float]:
    """get_competition_context through the real MCP server (in-process SDK client), cache warm."""
    from mcp import Client

    from kaggle_mcp.sandbox import SANDBOX_TOKEN
    from kaggle_mcp.server import build_server
    from kaggle_mcp.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(workspace=Path(tmp), endpoint=url, token=SANDBOX_TOKEN)
        arguments = {"competition": COMPETITION, "top_notebooks": top}
        async with Client(build_server(settings)) as client:
            await client.call_tool("get_competition_context", arguments)  # the build
            times = []
            for _ in range(calls):
                started = time.perf_counter()
                result = await client.call_tool("get_competition_context", arguments)
                times.append(time.perf_counter() - started)
                assert not result.is_error
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--top-notebooks", type=int, default=10)
    args = parser.parse_args()
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with serve_in_thread(SandboxSettings(seed=0, latency_ms=args.latency_ms), host="127.0.0.1", port=0) as sb:
        before = sum(sb.call_counts.values())
        ours, sequential, hits, notebooks, stats = anyio.run(measure, sb.url, args.runs, args.top_notebooks)
        requests = (sum(sb.call_counts.values()) - before) // (2 * args.runs)
        with tempfile.TemporaryDirectory() as cache:
            os.environ["KAGGLE_MCP_CACHE_DIR"] = cache  # the server's store: a private one
            try:
                tool_hits = anyio.run(mcp_cache_hits, sb.url, args.top_notebooks)
            except ImportError as exc:  # the MCP layer is optional for this benchmark
                tool_hits = []
                print(f"MCP tool cache hit: skipped ({exc})")
    ours_s, seq_s, hit_ms = statistics.median(ours), statistics.median(sequential), statistics.median(hits) * 1000
    speedup = seq_s / ours_s
    print(f"context build: {COMPETITION}, top_notebooks={args.top_notebooks} ({notebooks} exist), "
          f"+{args.latency_ms} ms per request, ~{requests} requests per build, {args.runs} runs each")  # fmt: skip
    print(f"  ours (concurrent):   median {ours_s:.3f} s   runs {', '.join(f'{t:.3f}' for t in ours)}")
    print(f"  one after another:   median {seq_s:.3f} s   runs {', '.join(f'{t:.3f}' for t in sequential)}")
    print(f"  speed-up: {speedup:.1f}x (target >= 4x) {'PASS' if speedup >= 4 else 'FAIL'}; "
          f"ours {ours_s:.3f} s (target <= 1.5 s) {'PASS' if ours_s <= 1.5 else 'FAIL'}")  # fmt: skip
    print(f"  cache hit (service): median {hit_ms:.2f} ms over {len(hits)} calls")
    if tool_hits:
        tool_ms = statistics.median(tool_hits) * 1000
        print(f"  cache hit through the MCP tool get_competition_context: median {tool_ms:.2f} ms over "
              f"{len(tool_hits)} calls (target <= 20 ms) {'PASS' if tool_ms <= 20 else 'FAIL'}")  # fmt: skip
    print(f"  failed sections: {stats.get('failed') or 'none'}")
    return 0 if speedup >= 4 and ours_s <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
