"""Cold start over stdio: kaggle-agent-mcp vs a bare MCPServer hello-world, to `tools/list` and to the
first `tools/call`.

Both are started the same way (a fresh Python process speaking stdio: the hello-world script, and the
`kaggle-agent-mcp` console script that MCP clients launch) and driven with the same raw JSON-RPC bytes:
initialize, notifications/initialized and tools/list at once, then, once the list is answered (as a client
that reads the tools before calling one), one tools/call (`hello` for the hello-world; `search_competitions`
for ours, answered by a sandbox running in its own process, which is not timed). Two clocks run from spawn:
to the tools/list response and to the tools/call response. Runs alternate between the two servers so
machine noise hits both; medians are reported.

Ours runs with a private cache directory (the tool catalog and context store go there, never to the
user's cache); one untimed start records the catalog first, as any earlier start on a machine would.

    .venv/bin/python benchmarks/cold_start.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HELLO = '''
from mcp.server.mcpserver import MCPServer

mcp = MCPServer("hello", version="0.0.1")


@mcp.tool()
def hello(name: str) -> str:
    """Say hello."""
    return f"hello {name}"


mcp.run()
'''


def messages(tool: str, arguments: dict) -> tuple[bytes, bytes]:
    """What the client sends at once on start, and the tools/call it sends when the list has come."""
    opening = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    ]
    call = {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    return "".join(json.dumps(m) + "\n" for m in opening).encode(), (json.dumps(call) + "\n").encode()


def time_once(cmd: list[str], env: dict[str, str], payload: tuple[bytes, bytes]) -> tuple[float, float, float, float, int]:
    """Seconds from spawn to the tools/list answer and to the tools/call answer (wall clock, then the server's
    own CPU time up to each answer, which a busy machine does not inflate), and how many tools were listed."""
    from kaggle_mcp.sandbox.harness import cpu_seconds

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdin and proc.stdout
    opening, call = payload
    proc.stdin.write(opening)
    proc.stdin.flush()
    listed = called = listed_cpu = called_cpu = -1.0
    tools = -1
    for line in proc.stdout:
        message = json.loads(line)
        if message.get("id") == 2:
            listed, listed_cpu = time.perf_counter() - start, cpu_seconds(proc.pid)
            tools = len(message["result"]["tools"])
            proc.stdin.write(call)
            proc.stdin.flush()
        elif message.get("id") == 3:
            called, called_cpu = time.perf_counter() - start, cpu_seconds(proc.pid)
            if message.get("result", {}).get("isError"):
                raise RuntimeError(f"{cmd[-1]}: the timed tools/call failed: {message['result']['content']}")
            break
    proc.stdin.close()
    proc.kill()
    proc.wait()
    if called < 0:
        raise RuntimeError(f"{cmd}: no tools/call answer")
    return listed, called, listed_cpu, called_cpu, tools


def main() -> int:
    from kaggle_mcp.sandbox.harness import sandbox_process, server_env

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        with sandbox_process(os.environ, tmp / "sandbox.log") as (url, _):
            hello = tmp / "hello_server.py"
            hello.write_text(HELLO)
            env = server_env(os.environ, url, tmp / "ws", tmp / "cache")
            env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up start compiles what an install would have compiled
            script = Path(sys.executable).with_name("kaggle-agent-mcp")  # the console script MCP clients launch
            ours = [str(script)] if script.exists() else [sys.executable, "-m", "kaggle_mcp"]
            runs = {"bare MCPServer hello-world": ([sys.executable, str(hello)], messages("hello", {"name": "x"})),
                    "kaggle-agent-mcp": (ours, messages("search_competitions", {"query": "titanic"}))}
            for cmd, payload in runs.values():  # warm the OS file cache and .pyc files; ours records its catalog
                time_once(cmd, env, payload)
            samples: dict[str, list[tuple[float, ...]]] = {name: [] for name in runs}
            counts: dict[str, int] = {}
            for _ in range(args.runs):
                for name, (cmd, payload) in runs.items():
                    *figures, counts[name] = time_once(cmd, env, payload)
                    samples[name].append(tuple(figures))
    columns = ["tools/list ms", "first call ms", "CPU to list", "CPU to call"]
    print(f"{'server':<28}" + "".join(f"{c:>15}" for c in columns) + f"{'tools':>7}")
    medians = {name: [statistics.median(s[i] for s in samples[name]) for i in range(4)] for name in runs}
    for name, values in medians.items():
        print(f"{name:<28}" + "".join(f"{v * 1000:>15.0f}" for v in values) + f"{counts[name]:>7}")
    base, ours = medians.values()
    for i, what in enumerate(["tools/list (wall clock)", "first tools/call (wall clock)", "tools/list (CPU time)",
                              "first tools/call (CPU time)"]):
        print(f"ratio to {what:<31} {ours[i] / base[i]:.2f}x (target <= 1.10x)")
    print(f"medians of {args.runs} runs each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
