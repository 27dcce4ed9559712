"""Cold start to a `tools/list` answer over stdio: kaggle-agent-mcp vs a bare MCPServer hello-world.

Both are started the same way (a fresh Python process speaking stdio: the hello-world script, and the
`kaggle-agent-mcp` console script that MCP clients launch) and driven with the same raw
JSON-RPC bytes: initialize, notifications/initialized, tools/list. The clock runs from spawn to the
tools/list response. Runs alternate between the two so machine noise hits both; medians are reported.

    .venv/bin/python benchmarks/cold_start.py [--runs 9]
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
HELLO = '''
from mcp.server.mcpserver import MCPServer

mcp = MCPServer("hello", version="0.0.1")


@mcp.tool()
def hello(name: str) -> str:
    """Say hello."""
    return f"hello {name}"


mcp.run()
'''
MESSAGES = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]


def time_once(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds from spawn to the tools/list answer, and how many tools it listed."""
    payload = "".join(json.dumps(m) + "\n" for m in MESSAGES).encode()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdin and proc.stdout
    proc.stdin.write(payload)
    proc.stdin.flush()
    tools = -1
    for line in proc.stdout:
        message = json.loads(line)
        if message.get("id") == 2:
            tools = len(message["result"]["tools"])
            break
    elapsed = time.perf_counter() - start
    proc.stdin.close()
    proc.kill()
    proc.wait()
    return elapsed, tools


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")}
    env["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello_server.py"
        hello.write_text(HELLO)
        env["KAGGLE_MCP_WORKSPACE"] = str(Path(tmp) / "ws")
        script = Path(sys.executable).with_name("kaggle-agent-mcp")  # the console script MCP clients launch
        ours = [str(script)] if script.exists() else [sys.executable, "-m", "kaggle_mcp"]
        commands = {"bare MCPServer hello-world": [sys.executable, str(hello)], "kaggle-agent-mcp": ours}
        for cmd in commands.values():  # warm the OS file cache and .pyc files once
            time_once(cmd, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        counts: dict[str, int] = {}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                seconds, counts[name] = time_once(cmd, env)
                samples[name].append(seconds)
    base, ours = (statistics.median(samples[n]) for n in commands)
    print(f"{'server':<28}{'median ms':>10}{'min ms':>9}{'tools':>7}")
    for name in commands:
        print(f"{name:<28}{statistics.median(samples[name]) * 1000:>10.0f}{min(samples[name]) * 1000:>9.0f}{counts[name]:>7}")
    best = min(samples["kaggle-agent-mcp"]) / min(samples["bare MCPServer hello-world"])
    print(f"ratio (kaggle-agent-mcp / hello-world): {ours / base:.2f}x median, {best:.2f}x best "
          f"(target <= 1.10x, {args.runs} runs each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
