"""Context store latencies, PostgreSQL vs SQLite, measured side by side in one run.

Both stores hold the same real context (titanic, top_notebooks=5, built once against the sandbox) and
answer the same calls, alternating between them round by round so a busy machine weighs on both:

- hit from memory: `fresh()` of a row this process read recently (what almost every hit is);
- hit from the database: `fresh()` after memory was dropped (the first hit in a process, or after
  another replica changed the row): SQLite reads the file in a worker thread, PostgreSQL makes a round
  trip from a pool of connections;
- claim: `claim()` of a key nobody holds (what starts every build), and of a key another store holds;
- claim + complete: the two writes of a whole build, without the build.

PostgreSQL is a private server started here (initdb, PostgreSQL's default durability: fsync and
synchronous commit on); SQLite is a file in a temporary directory, as the store configures it (WAL,
synchronous=NORMAL). Both on this machine, so PostgreSQL's round trips go over loopback TCP.

    .venv/bin/python benchmarks/store.py [--calls 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio

OPS = ("hit from memory", "hit from the database", "claim of a free key", "claim of a held key",
       "claim + complete")


async def real_context() -> tuple[str, dict[str, Any]]:
    """One titanic context built against the sandbox: the size and shape every row really has."""
    from kaggle_mcp.context import ContextService, SqliteStore
    from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
    from kaggle_mcp.sandbox import SANDBOX_TOKEN, SandboxSettings, serve_in_thread

    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sb:
        store = SqliteStore(Path(tmp) / "context.sqlite3")
        async with KaggleClient(ClientSettings(endpoint=sb.url), Credentials.token(SANDBOX_TOKEN)) as kc:
            result = await ContextService(kc, store).get("titanic", top_notebooks=5)
        store.close()
    return result.toon, result.data


async def timed(call: Callable[[], Awaitable[Any]], calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


async def one_round(store: Any, rival: Any, toon: str, data: dict[str, Any], calls: int) -> dict[str, list[float]]:
    """Every operation `calls` times on `store`; `rival` is a second store on the same database."""
    key = f"titanic|{uuid.uuid4().hex}"
    await store.complete(await store.claim(key, "titanic", {}), "Titanic", toon, data)
    held = f"held|{uuid.uuid4().hex}"
    await rival.claim(held, "titanic", {})

    async def from_database() -> None:
        store.recent.forget(key)
        assert await store.fresh(key) is not None

    async def fresh_claim() -> None:
        assert (await store.claim(f"k|{uuid.uuid4().hex}", "titanic", {})).mine

    async def held_claim() -> None:
        assert not (await store.claim(held, "titanic", {})).mine

    async def claim_and_complete() -> None:
        claim = await store.claim(f"c|{uuid.uuid4().hex}", "titanic", {})
        await store.complete(claim, "Titanic", toon, data)

    async def from_memory() -> None:
        assert await store.fresh(key) is not None

    await store.fresh(key)
    return {
        "hit from memory": await timed(from_memory, calls),
        "hit from the database": await timed(from_database, calls),
        "claim of a free key": await timed(fresh_claim, calls),
        "claim of a held key": await timed(held_claim, calls),
        "claim + complete": await timed(claim_and_complete, max(10, calls // 5)),
    }


def ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(calls: int, rounds: int) -> int:
    from kaggle_mcp.context.database import open_store
    from kaggle_mcp.sandbox.postgres_cluster import PostgresMissing, postgres_cluster

    toon, data = await real_context()
    try:
        cluster = postgres_cluster(durable=True)
        pg = cluster.__enter__()
    except PostgresMissing as exc:
        print(f"no PostgreSQL here: {exc}", file=sys.stderr)
        return 1
    try:
        url = pg.new_database()
        results: dict[str, dict[str, list[float]]] = {"sqlite": {op: [] for op in OPS}, "postgresql": {op: [] for op in OPS}}
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "context.sqlite3"
            async with open_store(None, sqlite_path=path) as sq, open_store(None, sqlite_path=path) as sq2, \
                    open_store(url) as pq, open_store(url) as pq2:
                for _ in range(rounds):
                    for name, store, rival in (("sqlite", sq, sq2), ("postgresql", pq, pq2)):
                        for op, samples in (await one_round(store, rival, toon, data, calls)).items():
                            results[name][op] += samples
    finally:
        cluster.__exit__(None, None, None)

    size = len(toon.encode()) + len(str(data).encode())
    print(f"row: one titanic context, {len(toon.encode()) / 1024:.0f} KiB of TOON (~{size / 1024:.0f} KiB with its data)")
    print(f"{calls} calls per operation per round, {rounds} rounds, alternating backends (claim + complete: "
          f"{max(10, calls // 5)} per round)\n")
    print(f"{'operation':<24}{'SQLite p50':>12}{'p95':>9}{'PostgreSQL p50':>17}{'p95':>9}{'PG/SQLite p50':>15}")
    for op in OPS:
        sq_s, pg_s = results["sqlite"][op], results["postgresql"][op]
        ratio = statistics.median(pg_s) / statistics.median(sq_s)
        print(f"{op:<24}{ms(sq_s, .5):>10.3f}ms{ms(sq_s, .95):>7.3f}ms{ms(pg_s, .5):>15.3f}ms{ms(pg_s, .95):>7.3f}ms"
              f"{ratio:>14.2f}x")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    raise SystemExit(anyio.run(main, args.calls, args.rounds))
