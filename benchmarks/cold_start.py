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

On a shared virtual machine the CPU's speed varies by a quarter from one start to the next, so medians of
15-21 starts still move by several percent between runs. `--instructions` adds a figure that does not
move: the instructions each server executes to each answer, counted by valgrind (the counted run is ~20x
slower; SHA-256, which the tool catalog's key uses, counts more there than on a CPU with SHA extensions).
`--python` runs both servers with another interpreter, e.g. a virtualenv with only the package's
dependencies installed (`pip install .`), as a user has it: the development environment's extra packages
change what the SDK and httpx import (httpx imports pygments for its command line when pygments is there).
The package's own code comes from this checkout either way.

    .venv/bin/python benchmarks/cold_start.py [--runs 15] [--instructions] [--python PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def answers(proc: subprocess.Popen[bytes], payload: tuple[bytes, bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Drive one server as a client does: initialize, initialized and tools/list at once, tools/call once the
    list has come; yield each answer with its id."""
    assert proc.stdin and proc.stdout
    opening, call = payload
    proc.stdin.write(opening)
    proc.stdin.flush()
    for line in proc.stdout:
        message = json.loads(line)
        if message.get("id") == 2:
            proc.stdin.write(call)
            proc.stdin.flush()
        if message.get("id") == 3 and message.get("result", {}).get("isError"):
            raise RuntimeError(f"{proc.args}: the timed tools/call failed: {message['result']['content']}")
        yield message.get("id", -1), message


def time_once(cmd: list[str], env: dict[str, str], payload: tuple[bytes, bytes]) -> tuple[float, float, float, float, int]:
    """Seconds from spawn to the tools/list answer and to the tools/call answer (wall clock, then the server's
    own CPU time up to each answer, which a busy machine does not inflate), and how many tools were listed."""
    from kaggle_mcp.sandbox.harness import cpu_seconds

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    listed = called = listed_cpu = called_cpu = -1.0
    tools = -1
    for answer, message in answers(proc, payload):
        if answer == 2:
            listed, listed_cpu = time.perf_counter() - start, cpu_seconds(proc.pid)
            tools = len(message["result"]["tools"])
        elif answer == 3:
            called, called_cpu = time.perf_counter() - start, cpu_seconds(proc.pid)
            break
    proc.kill()
    proc.wait()
    if called < 0:
        raise RuntimeError(f"{cmd}: no tools/call answer")
    return listed, called, listed_cpu, called_cpu, tools


def instructions(cmd: list[str], env: dict[str, str], payload: tuple[bytes, bytes], upto: int, out: Path) -> int:
    """Instructions the server executed until answer `upto` (2: tools/list, 3: tools/call), counted by
    valgrind's cachegrind: the same on every run, where CPU time on a shared machine is not. The server is
    stopped by SIGTERM at that answer, which valgrind survives long enough to write its count."""
    proc = subprocess.Popen(["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out}", *cmd],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    for answer, _ in answers(proc, payload):
        if answer == upto:
            proc.send_signal(signal.SIGTERM)
            break
    proc.wait()
    summary = next(line for line in out.read_text().splitlines() if line.startswith("summary:"))
    return int(summary.split()[1])


def report(title: str, columns: list[str], figures: dict[str, list[float]], scale: float, unit: str) -> None:
    print(f"{title:<28}" + "".join(f"{c:>24}" for c in columns))
    for name, values in figures.items():
        print(f"{name:<28}" + "".join(f"{v * scale:>24.0f}" for v in values))
    base, ours = figures.values()
    for i, what in enumerate(columns):
        print(f"ratio, {what:<37} {ours[i] / base[i]:.3f}x (target <= 1.10x)")
    print(unit)


def main() -> int:
    from kaggle_mcp.sandbox.harness import sandbox_process, server_env

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--python", type=Path, default=Path(sys.executable),
                        help="the interpreter both servers run with, e.g. a virtualenv with only the package installed "
                             "(default: this one)")
    parser.add_argument("--instructions", action="store_true",
                        help="also count each server's instructions to each answer under valgrind (slow: ~15 s a start)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        with sandbox_process(os.environ, tmp / "sandbox.log") as (url, _):
            hello = tmp / "hello_server.py"
            hello.write_text(HELLO)
            env = server_env(os.environ, url, tmp / "ws", tmp / "cache")
            env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up start compiles what an install would have compiled
            python = str(args.python)
            script = args.python.with_name("kaggle-agent-mcp")  # the console script MCP clients launch
            ours = [str(script)] if script.exists() else [python, "-m", "kaggle_mcp"]
            runs = {"bare MCPServer hello-world": ([python, str(hello)], messages("hello", {"name": "x"})),
                    "kaggle-agent-mcp": (ours, messages("search_competitions", {"query": "titanic"}))}
            for cmd, payload in runs.values():  # warm the OS file cache and .pyc files; ours records its catalog
                time_once(cmd, env, payload)
            samples: dict[str, list[tuple[float, ...]]] = {name: [] for name in runs}
            counts: dict[str, int] = {}
            for _ in range(args.runs):
                for name, (cmd, payload) in runs.items():
                    *figures, counts[name] = time_once(cmd, env, payload)
                    samples[name].append(tuple(figures))
            counted = {name: [float(instructions([python, *cmd] if cmd[0] != python else cmd, env, payload, upto,
                                                 tmp / f"cachegrind.{i}.{upto}"))
                              for upto in (2, 3)]
                       for i, (name, (cmd, payload)) in enumerate(runs.items())} if args.instructions else {}
    print(f"{python}: {counts['kaggle-agent-mcp']} tools listed by ours, {counts['bare MCPServer hello-world']} by the "
          "hello-world")
    medians = {name: [statistics.median(s[i] for s in samples[name]) for i in range(4)] for name in runs}
    report("server", ["to tools/list (wall)", "to first call (wall)", "to tools/list (CPU)", "to first call (CPU)"],
           medians, 1000, f"milliseconds, medians of {args.runs} alternating runs each")
    if counted:
        report("server", ["to tools/list (instr.)", "to first call (instr.)"], counted, 1e-6,
               "millions of instructions (valgrind cachegrind), one run each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
