"""How late the event loop answers while something heavy runs: the measure behind "nothing CPU- or disk-heavy
on the event loop" (issue 10 item 8, issue 11 item 5).

Two probes, used together or alone:

- `ticking()`: a task on the loop under test sleeps `interval` again and again and records how late it wakes.
  Cheap and in-process; it sees every stall of the loop, whatever caused it.
- `polling(url)`: another process GETs a trivial route of an app served by the loop under test and records
  each answer's latency: what a second client of the server would feel.

Both give `p99_ms` (and `count`, `worst_ms`), so a test asserts the target and prints the figure.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
import anyio.to_thread


@dataclass
class LagSamples:
    seconds: list[float] = field(default_factory=list)
    #: for `ticking`: CPU seconds the loop's thread spent between two wakes (work done on the loop)
    busy: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.seconds)

    @property
    def p99_ms(self) -> float:
        if len(self.seconds) < 2:
            return 1000 * max(self.seconds, default=0.0)
        return 1000 * statistics.quantiles(self.seconds, n=100, method="inclusive")[98]

    @property
    def worst_ms(self) -> float:
        return 1000 * max(self.seconds, default=0.0)

    @property
    def busy_p99_ms(self) -> float:
        return LagSamples(self.busy).p99_ms

    def __str__(self) -> str:
        busy = f", loop busy p99 {self.busy_p99_ms:.1f} ms" if self.busy else ""
        return f"p99 {self.p99_ms:.1f} ms, worst {self.worst_ms:.1f} ms over {self.count} samples{busy}"


@asynccontextmanager
async def ticking(interval: float = 0.005) -> AsyncIterator[LagSamples]:
    """Lateness of a task that wakes every `interval` seconds on the current loop, while the block runs; and,
    in `busy`, the CPU time the loop's thread used between two wakes. Lateness is what a client feels, so it
    includes this machine's other load; busy time counts only work done on the loop itself (a thread waiting
    for a core or for the GIL uses none), so it does not depend on how busy the machine is."""
    samples = LagSamples()

    async def tick() -> None:
        while True:
            due, used = time.perf_counter() + interval, time.thread_time()
            await anyio.sleep(interval)
            samples.seconds.append(max(0.0, time.perf_counter() - due))
            samples.busy.append(time.thread_time() - used)

    async with anyio.create_task_group() as tg:
        tg.start_soon(tick)
        try:
            yield samples
        finally:
            tg.cancel_scope.cancel()


# The second client runs in a process of its own, so what it measures is the server's answer time, not a
# wait for the GIL of the process under test. It polls until its stdin closes, then prints its latencies.
_POLLER = """
import json, sys, threading, time
import httpx
url, interval, done, seconds = sys.argv[1], float(sys.argv[2]), threading.Event(), []
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
with httpx.Client(timeout=30) as http:
    http.get(url).raise_for_status()  # connected before the first measured request
    print("ready", flush=True)
    while not done.is_set():
        started = time.perf_counter()
        http.get(url).raise_for_status()
        seconds.append(time.perf_counter() - started)
        done.wait(interval)
print(json.dumps(seconds))
"""


@asynccontextmanager
async def polling(url: str, interval: float = 0.005) -> AsyncIterator[LagSamples]:
    """Latency of `GET url` from another process, one request every `interval` seconds, while the block runs.
    Waiting for that process happens off the loop: the loop must stay free to answer its last request."""
    samples = LagSamples()
    proc = subprocess.Popen([sys.executable, "-c", _POLLER, url, str(interval)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        assert await anyio.to_thread.run_sync(proc.stdout.readline) == "ready\n", "the poller did not start"
        yield samples
    finally:
        out, _ = await anyio.to_thread.run_sync(lambda: proc.communicate(timeout=60))
        samples.seconds.extend(json.loads(out.strip().splitlines()[-1]) if out.strip() else [])


@asynccontextmanager
async def serving(app: object) -> AsyncIterator[str]:
    """Serve an ASGI app with uvicorn on the current loop (127.0.0.1, port 0); yields its base URL."""
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))  # type: ignore[arg-type]
    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: server.serve(sockets=[sock]))
        with anyio.fail_after(10):
            while not server.started:
                await anyio.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            server.should_exit = True
    sock.close()
