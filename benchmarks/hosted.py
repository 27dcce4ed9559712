"""A multi-user deployment under load: 1 replica, then 2, on one PostgreSQL, measured side by side in one run.

Everything is a real process on 127.0.0.1: PostgreSQL (a private cluster), the sandbox, and each replica
(`serve --transport http --multi-user`); the load generator is this process, posting MCP requests as the wire
generator of load_http.py does (~1.1 ms of its CPU per call here, checking each answer included). Three phases:

1. Throughput: `--users` users (crowd001..., each with their own legacy key: the sandbox takes any user name
   with a 32-hex key as that user) in closed loops of mixed calls (whoami, a cached context, their
   submissions, their own notebooks, a small download) for `--seconds` against 1 replica and then against 2
   (each request to the next replica in turn: no affinity, which only stateless replicas survive). Every answer
   is checked against its caller: a name, a workspace or a private notebook of anyone else is a leak.
   The two configurations alternate in `--rounds` windows, so other work on the machine weighs on both.
   Each window is metered from /proc: CPU of each replica, the sandbox, PostgreSQL (postmaster and backends)
   and the generator, in cores and in ms per call; what the rest of the machine used; and how long the
   replicas and the sandbox waited for a CPU (schedstat). From the per-call costs follows the ceiling an
   otherwise idle machine of `os.cpu_count()` cores would put on the ratio: one replica can use one core at
   most, two replicas and what serves them (sandbox, PostgreSQL, generator) share all of them.
2. One uncached context asked by 20 users at once across the two replicas: builds counted at the sandbox.
3. A replica killed (SIGKILL) during a build while a user on the other replica waits for it: the build
   completes once, by the survivor.

    .venv/bin/python benchmarks/hosted.py [--users 100] [--seconds 30]

Targets (issue 14): 0 errors, 0 leaks, 2 replicas >= 1.6x the throughput of 1, exactly 1 build in phase 2,
one completed build in phase 3.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import itertools
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_http import META, MODERN, pct, wire_answer  # noqa: E402

from kaggle_mcp.sandbox import user_key  # noqa: E402
from kaggle_mcp.sandbox.harness import (  # noqa: E402
    cpu_seconds, http_server_process, machine_cpu_seconds, sandbox_process, server_env, waiting_seconds)

BUILD = "competitions.CompetitionApiService/ListCompetitionPages"
HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json",
           "mcp-protocol-version": MODERN}
CALLS = [
    ("whoami", {}),
    ("get_competition_context", {"competition": "titanic", "top_notebooks": 3, "max_tokens": 8000}),
    ("list_submissions", {"competition": "titanic"}),
    ("list_notebooks", {"mine": True, "page_size": 5}),
    ("download_dataset", {"dataset": "alice/titanic-extra-features", "file": "cabin_decks.csv"}),
]
#: the seeded users' private notebooks, datasets and submissions: never in an answer to anyone else
PRIVATE_WORK = ("alice/titanic-private-experiments", "bob/retail-private-baseline", "carol/olympiad-private-scratch",
                "alice/titanic-private-features", "bob/retail-private-notes", "alice's attempt", "bob's attempt")


#: one TLS context for every client: httpx builds one per client otherwise (~20 ms of CPU each), even for http://
TLS = ssl.create_default_context()


#: a crowd user's name wherever it stands in an answer (a regular expression: splitting a context into words
#: cost the generator 0.5 ms per context answer)
CROWD_NAME = re.compile(r"crowd\d+")


def crowd(n: int) -> list[str]:
    return [f"crowd{i:03d}" for i in range(1, n + 1)]


def authorization(user: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{user_key(user)}".encode()).decode()}


def leak(user: str, name: str, text: str, structured: dict | None) -> str | None:
    """What in an answer to `user` belongs to someone else, if anything."""
    if name == "whoami" and structured is not None:
        if structured.get("username") != user or not str(structured.get("workspace", "")).endswith(f"/{user}"):
            return f"whoami answered {structured.get('username')} at {structured.get('workspace')}"
    if name == "get_competition_context" and f"user: {user}\n" not in text + "\n":
        return "the context's viewer part is not the caller's"
    for private in PRIVATE_WORK:
        if private in text:
            return f"someone's private work in the answer: {private}"
    others = sorted(set(CROWD_NAME.findall(text)) - {user})
    return f"another user in the answer: {others[:3]}" if others else None


class Run:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.leaks: list[str] = []
        self.generator_cpu = 0.0


async def call(http: httpx.AsyncClient, base: str, user: str, ids: Iterator[int], name: str, args: dict,
               run: Run) -> str | None:
    """One tools/call as `user`; returns its text (None on an error, which is recorded)."""
    request_id = next(ids)
    body = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
            "params": {"name": name, "arguments": args, **META}}
    started = time.perf_counter()
    try:
        answer = wire_answer(await http.post(f"{base}/mcp", json=body,
                                             headers=HEADERS | {"mcp-method": "tools/call", "mcp-name": name}),
                             request_id)
        result = answer.get("result") or {}
        text = "".join(c.get("text", "") for c in result.get("content") or [])
        if "result" not in answer or result.get("isError"):
            run.errors.append(f"{name}: {(text or str(answer.get('error')))[:160]}")
            return None
        if (found := leak(user, name, text, result.get("structuredContent"))) is not None:
            run.leaks.append(f"{user} {name}: {found}")
        return text
    except Exception as exc:  # counted, never fatal: the point is to measure them
        run.errors.append(f"{name}: {type(exc).__name__}: {exc}"[:200])
        return None
    finally:
        run.latencies.append(time.perf_counter() - started)


async def user_loop(bases: list[str], user: str, index: int, stop_at: float, run: Run) -> None:
    turn = itertools.count(index)  # which replica takes the next request: each in turn, no affinity
    ids = itertools.count(1)
    async with httpx.AsyncClient(headers=authorization(user), timeout=120, verify=TLS) as http:
        for step in itertools.count(index):
            if time.monotonic() >= stop_at:
                return
            name, args = CALLS[step % len(CALLS)]
            await call(http, bases[next(turn) % len(bases)], user, ids, name, args, run)


async def load(bases: list[str], users: list[str], seconds: float) -> tuple[Run, float]:
    run = Run()
    started, cpu = time.monotonic(), time.process_time()
    async with anyio.create_task_group() as tg:
        for i, user in enumerate(users):
            tg.start_soon(user_loop, bases, user, i, started + seconds, run)
    run.generator_cpu = time.process_time() - cpu
    return run, time.monotonic() - started


async def warm(bases: list[str], users: list[str]) -> Run:
    """Every user signs in on every replica and the shared context is built: the timed window measures serving."""
    run = Run()
    async with httpx.AsyncClient(timeout=120, verify=TLS) as http:
        for user in users:
            for base in bases:
                http.headers.update(authorization(user))
                await call(http, base, user, itertools.count(1), *CALLS[1], run)
    return run


@contextlib.contextmanager
def replicas(count: int, sandbox_url: str, tmp: Path, database_url: str, **extra: str) -> Iterator[list]:
    """`count` multi-user replicas on one database; yields [(base, Popen), ...]."""
    tmp.mkdir(parents=True, exist_ok=True)
    env = server_env(os.environ, sandbox_url, tmp / "workspace", tmp / "cache", KAGGLE_MCP_MULTI_USER="1",
                     KAGGLE_MCP_DATABASE_URL=database_url, **extra)
    del env["KAGGLE_API_TOKEN"]
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(http_server_process(env, tmp / f"replica{n}.stderr")) for n in range(count)]


def meter(pids: dict[str, int], cluster) -> dict[str, float]:
    """CPU seconds used so far: by each process (by role), by PostgreSQL (the postmaster, its backends and
    those that ended) and by the whole machine; and each process's time waiting for a CPU."""
    used = {role: cpu_seconds(pid) for role, pid in pids.items()}
    used |= {f"{role} waiting": waiting_seconds(pid) for role, pid in pids.items()}
    master, *backends = cluster.server_pids()
    used["postgres"] = cpu_seconds(master, ended_children=True) + sum(_alive_cpu(pid) for pid in backends)
    used["machine"] = machine_cpu_seconds()
    return used


def _alive_cpu(pid: int) -> float:
    try:
        return cpu_seconds(pid)
    except (FileNotFoundError, ProcessLookupError):  # a backend that ended: counted in its parent's from now on
        return 0.0


def throughput(args: argparse.Namespace, sandbox_url: str, sandbox_pid: int, cluster, tmp: Path) -> list[dict]:
    """1 replica and 2 replicas (each configuration on a database of its own), alternating window by window so
    that what else runs on the machine weighs on both alike; `--seconds` in all per configuration. Every
    window is metered: CPU per process, PostgreSQL's, the generator's, the rest of the machine's, and how
    long the replicas and the sandbox waited for a CPU."""
    users = crowd(args.users)
    window = args.seconds / args.rounds
    with replicas(1, sandbox_url, tmp / "r1", cluster.new_database()) as one, \
            replicas(2, sandbox_url, tmp / "r2", cluster.new_database()) as two:
        configurations = [one, two]
        totals = [{"replicas": len(c), "calls": 0, "seconds": 0.0, "latencies": [], "errors": [], "leaks": [],
                   "cpu": {}} for c in configurations]
        for running in configurations:
            warmed = anyio.run(warm, [base for base, _ in running], users)
            assert not warmed.errors and not warmed.leaks, (warmed.errors[:3], warmed.leaks[:3])
        for _ in range(args.rounds):
            for running, total in zip(configurations, totals):
                pids = {f"replica{n}": p.pid for n, (_, p) in enumerate(running)} | {"sandbox": sandbox_pid}
                before = meter(pids, cluster)
                run, elapsed = anyio.run(load, [base for base, _ in running], users, window)
                after = meter(pids, cluster) | {"generator": run.generator_cpu}
                for role, value in after.items():
                    total["cpu"][role] = total["cpu"].get(role, 0.0) + value - before.get(role, 0.0)
                total["calls"] += len(run.latencies)
                total["seconds"] += elapsed
                total["latencies"] += run.latencies
                total["errors"] += run.errors
                total["leaks"] += run.leaks
    figures = []
    for t in totals:
        cpu, seconds = t["cpu"], t["seconds"]
        ours = sum(v for role, v in cpu.items() if role != "machine" and not role.endswith("waiting"))
        cpu["other work"] = cpu.pop("machine") - ours
        figures.append({"replicas": t["replicas"], "calls": t["calls"], "per_s": t["calls"] / seconds,
                        "p50": pct(t["latencies"], 0.5), "p99": pct(t["latencies"], 0.99), "errors": t["errors"],
                        "leaks": t["leaks"], "cores": {role: v / seconds for role, v in cpu.items()},
                        "ms_per_call": {role: 1000 * v / max(t["calls"], 1) for role, v in cpu.items()}})
    return figures


def ceiling(runs: list[dict], cores: int) -> tuple[float, float]:
    """Calls/s an otherwise idle machine of `cores` cores would allow each configuration, from its measured CPU
    per call: each replica is one event loop (one core at most), and everything shares the cores."""
    bounds = []
    for f in runs:
        per_call = f["ms_per_call"]
        replicas = [v for role, v in per_call.items() if role.startswith("replica") and not role.endswith("waiting")]
        rest = sum(v for role, v in per_call.items() if not role.startswith("replica") and not role.endswith("waiting")
                   and role != "other work")
        bounds.append(min(1000 / max(replicas), 1000 * cores / (sum(replicas) + rest)))
    return bounds[0], bounds[1]


def cpu_report(f: dict) -> str:
    """Cores busy and CPU ms per call by process; the rest of the machine; time spent waiting for a CPU."""
    cores, per_call = f["cores"], f["ms_per_call"]
    busy = ", ".join(f"{role} {cores[role]:.2f} ({per_call[role]:.2f} ms/call)" for role in cores
                     if not role.endswith("waiting") and role != "other work")
    waits = ", ".join(f"{role.removesuffix(' waiting')} {v:.2f}" for role, v in cores.items() if role.endswith("waiting"))
    return (f"CPU, cores busy: {busy}; other work on the machine {cores['other work']:.2f}; "
            f"waiting for a CPU (s per s): {waits}")


async def ask_at_once(targets: list[tuple[str, str]], args: dict) -> Run:
    run = Run()

    async def one(base: str, user: str) -> None:
        async with httpx.AsyncClient(headers=authorization(user), timeout=300, verify=TLS) as http:
            await call(http, base, user, itertools.count(1), "get_competition_context", args, run)

    async with anyio.create_task_group() as tg:
        for base, user in targets:
            tg.start_soon(one, base, user)
    return run


def one_build_for_twenty(cluster, tmp: Path) -> tuple[int, Run]:
    """20 users, alternating between two replicas, ask one uncached context at the same moment."""
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with serve_in_thread(SandboxSettings(seed=0, latency_ms=50), host="127.0.0.1", port=0) as sb, \
            replicas(2, sb.url, tmp / "twenty", cluster.new_database()) as running:
        targets = [(running[i % 2][0], user) for i, user in enumerate(crowd(20))]
        run = anyio.run(ask_at_once, targets, {"competition": "house-prices-2019", "top_notebooks": 3})
        return sb.call_counts[BUILD], run


def killed_during_a_build(cluster, tmp: Path) -> dict:
    """A build held up on its first page list (a 429 with a 20 s Retry-After) on replica 1; a user on replica 2
    waits for it; replica 1 is killed. The survivor takes the build over once the 2 s lease has run out."""
    from kaggle_mcp.context.database import open_store
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    database = cluster.new_database()
    with serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sb, \
            replicas(2, sb.url, tmp / "kill", database, KAGGLE_MCP_BUILD_LEASE_SECONDS="2") as running:
        sb.set_faults("429=1.0,retry_after=20,only=ListCompetitionPages,max=1")
        (doomed_base, doomed), (survivor, _) = running
        args = {"competition": "titanic", "top_notebooks": 2}

        async def scenario() -> tuple[Run, float]:
            run = Run()
            async with anyio.create_task_group() as tg:
                tg.start_soon(ask_at_once, [(doomed_base, "crowd001")], args)  # its answer dies with the replica
                while sb.call_counts[BUILD] < 1:
                    await anyio.sleep(0.05)
                waiter = await ask_started(survivor, "crowd002", args, run, tg)
                await anyio.sleep(1)  # the waiter has asked and found the claim (its answer is what we measure)
                doomed.send_signal(signal.SIGKILL)
                killed_at = time.monotonic()
                await waiter.wait()
                tg.cancel_scope.cancel()
            return run, time.monotonic() - killed_at

        run, took = anyio.run(scenario)

        async def rows() -> list[str]:
            async with open_store(database) as store:
                return [b.competition for b in await store.recent_builds(10)]

        completed = anyio.run(rows)
    return {"page_lists": sb.call_counts[BUILD], "completed_builds": completed.count("titanic"), "run": run,
            "took_over_s": took}


async def ask_started(base: str, user: str, args: dict, run: Run, tg) -> anyio.Event:
    done = anyio.Event()

    async def ask() -> None:
        async with httpx.AsyncClient(headers=authorization(user), timeout=300, verify=TLS) as http:
            await call(http, base, user, itertools.count(1), "get_competition_context", args, run)
        done.set()

    tg.start_soon(ask)
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30, help="of load per configuration, in all")
    parser.add_argument("--rounds", type=int, default=3, help="windows per configuration, alternating")
    args = parser.parse_args()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    from kaggle_mcp.sandbox.postgres_cluster import postgres_cluster

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp_dir, postgres_cluster() as cluster:
        tmp = Path(tmp_dir)
        with sandbox_process(os.environ, tmp / "sandbox.stderr") as (sandbox_url, sandbox):
            runs = throughput(args, sandbox_url, sandbox.pid, cluster, tmp)
        builds, twenty = one_build_for_twenty(cluster, tmp)
        killed = killed_during_a_build(cluster, tmp)
    print(f"multi-user HTTP on PostgreSQL, {args.users} users, {args.seconds:g} s per run, {os.cpu_count()} CPUs, "
          f"1-min load average before the run {load_before:.2f}")
    for f in runs:
        print(f"  {f['replicas']} replica(s): {f['calls']} calls, {f['per_s']:.1f} calls/s, p50 {f['p50']:.1f} ms, "
              f"p99 {f['p99']:.1f} ms, errors {len(f['errors'])}, leaks {len(f['leaks'])}")
        print(f"    {cpu_report(f)}")
        for line in list(dict.fromkeys(f["errors"] + f["leaks"]))[:5]:
            print("    ", line)
    ratio = runs[1]["per_s"] / runs[0]["per_s"]
    print(f"  throughput 2 replicas / 1 replica: {ratio:.2f}x (target >= 1.6x)")
    one, two = ceiling(runs, os.cpu_count() or 1)
    print(f"  ceiling from CPU per call, on {os.cpu_count()} otherwise idle cores: 1 replica {one:.0f} calls/s, "
          f"2 replicas {two:.0f} calls/s: {two / one:.2f}x")
    print(f"  20 users, one uncached context, two replicas: {builds} build(s) at the sandbox, "
          f"errors {len(twenty.errors)}, leaks {len(twenty.leaks)}")
    print(f"  replica killed during a build: {killed['completed_builds']} completed build(s), "
          f"{killed['page_lists']} build attempts at the sandbox (the killed one and the one that finished), "
          f"the waiter answered {killed['took_over_s']:.1f} s after the kill, errors {len(killed['run'].errors)}")
    met = (all(not f["errors"] and not f["leaks"] for f in runs) and ratio >= 1.6 and builds == 1
           and not twenty.errors and killed["completed_builds"] == 1 and not killed["run"].errors)
    print(f"  targets: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
