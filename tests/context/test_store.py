"""One test suite for both stores: the embedded SQLite file and a real PostgreSQL server.

Each `replica()` is another store instance on the same database, as a second process or a second
replica of a hosted deployment would open it; what one writes, the others must see and respect.
SQLite-only behaviour (WAL, pids, the cache-dir setting, upgrading a file of an older release) is at
the end.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import asynccontextmanager

import anyio
import pytest

from kaggle_mcp.context.sqlite_store import SqliteStore, default_store_path
from kaggle_mcp.context.database import open_store
from kaggle_mcp.context.store import JOB_TIMEOUT_SECONDS, KEEP_SECONDS, StoreUnavailable

pytestmark = pytest.mark.anyio


class Database:
    """Where the replicas of one test meet, and raw SQL on it (to age rows as time would)."""

    def __init__(self, backend: str, target):
        self.backend = backend
        self.target = target  # the SQLite path or the PostgreSQL URL
        self.table = "contexts" if backend == "sqlite" else "kaggle_mcp_contexts"

    @asynccontextmanager
    async def replica(self, ttl_seconds: float = 24 * 3600, lease: float = 30):
        if self.backend == "sqlite":
            async with open_store(None, sqlite_path=self.target, ttl_seconds=ttl_seconds, lease=lease) as store:
                yield store
        else:
            async with open_store(self.target, ttl_seconds=ttl_seconds, lease=lease) as store:
                yield store

    def sql(self, statement: str, *params) -> list[tuple]:
        if self.backend == "sqlite":
            with sqlite3.connect(self.target) as db:
                return db.execute(statement, params).fetchall()
        import psycopg

        with psycopg.connect(self.target, autocommit=True) as conn:
            cursor = conn.execute(statement.replace("?", "%s").encode(), params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Database:
    if request.param == "sqlite":
        return Database("sqlite", tmp_path / "context.sqlite3")
    return Database("postgresql", request.getfixturevalue("postgres_url"))


async def test_lifecycle_and_ttl(database):
    async with database.replica(ttl_seconds=100) as store:
        claim = await store.claim("k", "titanic", {"top_notebooks": 5})
        assert claim.mine and claim.owner == store.owner
        row = await store.get("k")
        assert row.status == "processing" and row.pid == os.getpid() and row.finished_at is None
        assert row.params == {"top_notebooks": 5} and row.owner == store.owner
        assert await store.fresh("k") is None
        done = await store.complete(claim, "Titanic", "competition:\n  slug: titanic", {"competition": {"slug": "titanic"}})
        row = await store.fresh("k")
        assert row.status == "completed" and row.title == "Titanic" and row.data == {"competition": {"slug": "titanic"}}
        assert row.finished_at >= row.started_at and row.built_at == done.built_at
        assert await store.fresh("k", now=done.built_at + 99) is not None
        assert await store.fresh("k", now=done.built_at + 101) is None  # expired


async def test_failed_refresh_keeps_the_last_good_result(database):
    async with database.replica() as store:
        claim = await store.claim("k", "titanic", {})
        await store.complete(claim, "Titanic", "toon", {"a": 1})
        claim = await store.claim("k", "titanic", {})
        await store.fail(claim, "ServerError: boom")
        row = await store.get("k")
        assert row.status == "failed" and row.error == "ServerError: boom"
        assert (await store.fresh("k")).data == {"a": 1}
        assert (await store.latest("titanic")).key == "k"
        assert await store.latest("nope") is None


async def test_recent_builds_lists_shared_results_newest_first(database):
    async with database.replica() as store:
        await store.complete(await store.claim("a", "titanic", {"top_notebooks": 2}), "Titanic", "toon",
                             {"stats": {"tokens_estimated": 321}})
        private = await store.claim("p", "secret-comp", {"top_notebooks": 1, "job": "tag"})  # an uploaded kaggle.json
        await store.complete(private, "Secret", "toon", {"stats": {}})
        await store.complete(await store.claim("b", "house-prices-2019", {"top_notebooks": 5}), None, "toon", {})
        await store.claim("c", "retail-demand-forecast", {"top_notebooks": 5})  # still building: nothing to show
        recent = await store.recent_builds()
        assert [(r.competition, r.title, r.top_notebooks, r.tokens) for r in recent] == [
            ("house-prices-2019", None, 5, None), ("titanic", "Titanic", 2, 321)]
        assert recent[0].built_at >= recent[1].built_at
        assert len(await store.recent_builds(limit=1)) == 1


async def test_private_builds_are_seen_only_with_their_job_tag(database):
    async with database.replica() as store:
        for key, params in (("shared", {"viewer": "a"}), ("private", {"viewer": "b", "job": "tag1"})):
            await store.complete(await store.claim(key, "titanic", params), "T", "toon", {"k": key})
        assert (await store.latest("titanic")).key == "shared"
        assert (await store.latest("titanic", "tag1")).key == "private"
        assert await store.latest("titanic", "other") is None
        assert (await store.latest("titanic", any_job=True)).key == "private"  # the latest, whoever built it


async def test_a_claim_is_held_by_one_replica_until_it_finishes(database):
    async with database.replica() as a, database.replica() as b:
        first = await a.claim("k", "titanic", {})
        taken = await b.claim("k", "titanic", {})
        assert first.mine and not taken.mine and taken.owner == a.owner
        assert taken.lease_until == pytest.approx(first.lease_until, abs=1)
        assert (await a.claim("k", "titanic", {})).mine  # the holder may claim again (its own retry)
        await b.fail(taken, "not mine to fail")
        assert (await b.get("k")).status == "processing"
        await a.complete(first, "T", "toon", {"v": 1})
        assert (await b.claim("k", "titanic", {})).mine  # a finished job can be rebuilt


async def test_concurrent_claims_make_one_winner(database):
    async with database.replica() as probe:
        replicas = [database.replica() for _ in range(8)]
        stores = [await r.__aenter__() for r in replicas]
        try:
            claims = []

            async def claim(store):
                claims.append(await store.claim("race", "titanic", {}))

            async with anyio.create_task_group() as tg:
                for store in stores:
                    tg.start_soon(claim, store)
            winners = [c for c in claims if c.mine]
            assert len(claims) == 8 and len(winners) == 1, claims
            assert {c.owner for c in claims} == {winners[0].owner} == {(await probe.get("race")).owner}
        finally:
            for r in reversed(replicas):
                await r.__aexit__(None, None, None)


async def test_a_lapsed_lease_passes_the_build_to_another_replica(database):
    async with database.replica(lease=1) as a, database.replica(lease=1) as b:
        claim = await a.claim("k", "titanic", {})
        for _ in range(3):
            assert await a.renew(claim)
            assert not (await b.claim("k", "titanic", {})).mine  # renewed: still a's
        started = time.monotonic()
        while not (taken := await b.claim("k", "titanic", {})).mine:  # a stops renewing, as if killed
            assert time.monotonic() - started < 10, "the lapsed claim was never taken over"
            await anyio.sleep(0.05)
        assert time.monotonic() - started >= 0.5
        assert not await a.renew(claim)  # a learns it lost the claim
        await a.fail(claim, "too late")
        assert (await b.get("k")).status == "processing"
        late = await a.complete(claim, "T", "from a", {"by": "a"})  # a late result is kept...
        assert late.status == "processing" and late.owner == b.owner  # ...but the job stays b's
        done = await b.complete(taken, "T", "from b", {"by": "b"})
        assert done.status == "completed" and done.toon == "from b"


async def test_steal_takes_a_live_claim(database):
    async with database.replica() as a, database.replica() as b:
        await a.claim("k", "titanic", {})
        assert (await b.claim("k", "titanic", {}, steal=True)).mine
        assert (await a.get("k")).owner == b.owner


async def test_a_finished_build_is_seen_by_every_replica(database):
    async with database.replica() as a, database.replica() as b:
        await a.complete(await a.claim("k", "titanic", {}), "T", "v1", {"v": 1})
        assert (await b.fresh("k")).toon == "v1"  # now remembered by b
        if database.backend == "sqlite":
            b.recent.recheck_seconds = 0.3  # nobody tells an SQLite reader: it re-reads after this
        else:
            b.recent.recheck_seconds = 3600  # only the notification can make b look again
        async with b.watch("k") as change:
            await a.complete(await a.claim("k", "titanic", {}), "T", "v2", {"v": 2})
            completed = time.monotonic()
            await change.wait(10)
        if database.backend == "postgresql":
            assert change.changed.is_set()  # woken by NOTIFY, not by the timeout
        while (await b.fresh("k")).toon != "v2":
            assert time.monotonic() - completed < 5, "b kept serving the old result"
            await anyio.sleep(0.02)
        if database.backend == "postgresql":
            assert time.monotonic() - completed < 1


async def test_abandoned_jobs_are_failed_when_a_store_opens(database):
    async with database.replica(lease=1) as a:
        claim = await a.claim("gone", "titanic", {})
        await a.complete(await a.claim("done", "titanic", {}), "T", "toon", {})
    while time.time() < claim.lease_until + 0.1:  # the lease of a store that was closed mid-build runs out
        await anyio.sleep(0.05)
    async with database.replica() as b:
        row = await b.get("gone")
        assert row.status == "failed" and "abandoned" in row.error and row.finished_at is not None
        assert (await b.get("done")).status == "completed"
        assert (await b.claim("gone", "titanic", {})).mine


async def test_jobs_older_than_the_timeout_are_dead(database):
    async with database.replica() as a, database.replica() as b:
        await a.claim("old", "titanic", {})
        database.sql(f"UPDATE {database.table} SET started_at = ? WHERE key = 'old'", time.time() - JOB_TIMEOUT_SECONDS - 5)
        assert (await b.claim("old", "titanic", {})).mine


async def test_old_rows_are_pruned_on_open(database):
    async with database.replica() as store:
        for key in ("old", "recent"):
            await store.complete(await store.claim(key, "titanic", {}), "T", "toon", {})
    old = time.time() - KEEP_SECONDS - 10
    database.sql(f"UPDATE {database.table} SET started_at = ?, finished_at = ?, built_at = ? WHERE key = 'old'",
                 old, old, old)
    async with database.replica() as store:
        assert await store.get("old") is None and await store.get("recent") is not None


async def test_health(database):
    async with database.replica() as store:
        health = await store.health()
        assert health.ok and health.backend == database.backend
        if database.backend == "postgresql":
            assert health.pool["pool_max"] == 10 and health.pool["pool_size"] >= 1
            assert "kaggle_mcp@127.0.0.1" in health.detail


async def test_replicas_starting_together_migrate_once(database, tmp_path):
    """Four processes open a brand-new database at the same moment: all start, each migration runs once."""
    code = (
        "import sys, anyio\n"
        "from kaggle_mcp.context.database import open_store\n"
        "async def main():\n"
        "    url = None if sys.argv[1] == 'sqlite' else sys.argv[2]\n"
        "    async with open_store(url, sqlite_path=sys.argv[2]) as store:\n"
        "        claim = await store.claim('k-' + sys.argv[3], 't', {})\n"
        "        await store.complete(claim, 'T', 'toon', {})\n"
        "anyio.run(main)\n"
    )
    target = str(database.target)
    procs = [subprocess.Popen([sys.executable, "-c", code, database.backend, target, str(i)], stderr=subprocess.PIPE)
             for i in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    async with database.replica() as store:
        assert [(await store.get(f"k-{i}")).status for i in range(4)] == ["completed"] * 4
    if database.backend == "sqlite":
        assert database.sql("PRAGMA user_version") == [(2,)]
    else:
        assert database.sql("SELECT version, name FROM kaggle_mcp_schema_migrations") == [(1, "contexts")]


# -- PostgreSQL only ----------------------------------------------------------------------------


async def test_an_unreachable_postgres_is_named_without_its_password():
    from kaggle_mcp.sandbox.harness import free_port

    url = f"postgresql://someone:s3cret-pw@127.0.0.1:{free_port()}/db"
    with pytest.raises(StoreUnavailable) as caught:
        async with open_store(url):
            pass
    message = str(caught.value)
    assert "s3cret-pw" not in message and "postgresql://someone@127.0.0.1:" in message
    assert "KAGGLE_MCP_DATABASE_URL" in message
    for malformed in ("postgresql://someone:s3cret-pw@[::1/db", "postgresql://someone:s3cret-pw@host:port/db"):
        with pytest.raises(StoreUnavailable) as caught:  # libpq quotes what it cannot parse
            async with open_store(malformed):
                pass
        assert "s3cret-pw" not in str(caught.value), caught.value
    with pytest.raises(ValueError, match="postgresql://"):
        async with open_store("mysql://x@y/z"):
            pass


async def test_health_fails_while_postgres_is_down_and_recovers(postgres_server):
    """A second server of our own, stopped under an open store: health says so, then recovers."""
    from kaggle_mcp.sandbox.postgres_cluster import postgres_cluster

    with postgres_cluster(durable=True) as server:  # a crash must not lose the migrations' commit
        async with open_store(server.new_database()) as store:
            assert (await store.health()).ok
            server.stop()
            down = await store.health()
            assert not down.ok and "unavailable" in down.detail
            with pytest.raises(StoreUnavailable):
                await store.get("k")
            server.start()
            started = time.monotonic()
            while not (await store.health()).ok:
                assert time.monotonic() - started < 20, "the pool never reconnected"
                await anyio.sleep(0.1)
            assert await store.get("k") is None


# -- SQLite only --------------------------------------------------------------------------------


def test_wal_mode(tmp_path):
    SqliteStore(tmp_path / "c.sqlite3").close()
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_job_of_a_dead_process_is_failed_on_open(tmp_path):
    path = tmp_path / "c.sqlite3"
    code = (
        "import os, sys, anyio\n"
        "from kaggle_mcp.context.sqlite_store import SqliteStore\n"
        "s = SqliteStore(sys.argv[1])\n"
        "anyio.run(s.claim, 'k', 'titanic', {})\n"
        "print(os.getpid())\n"
        "os._exit(0)\n"  # dies mid-build
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    dead_pid = int(done.stdout)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT status FROM contexts").fetchone()[0] == "processing"
    async with open_store(None, sqlite_path=path) as store:
        row = await store.get("k")
    assert row.status == "failed" and f"process {dead_pid} is gone" in row.error
    assert row.finished_at is not None


async def test_live_jobs_are_left_alone_and_pid_reuse_is_detected(tmp_path):
    path = tmp_path / "c.sqlite3"
    async with open_store(None, sqlite_path=path) as store:
        await store.claim("mine", "titanic", {})
        await store.claim("reused", "titanic", {})
        await store.claim("old", "titanic", {})
        with sqlite3.connect(path) as db:  # an earlier process with our pid; a job far too old
            db.execute("UPDATE contexts SET owner = 'earlier-process' WHERE key = 'reused'")
            db.execute("UPDATE contexts SET started_at = ? WHERE key = 'old'", (time.time() - JOB_TIMEOUT_SECONDS - 1,))
        async with open_store(None, sqlite_path=path) as other:  # a second open in the same process
            assert (await other.get("mine")).status == "processing"
            assert "restarted" in (await other.get("reused")).error
            assert (await other.get("old")).error == "build timed out"


def test_cache_dir_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("KAGGLE_MCP_CACHE_DIR", str(tmp_path / "cache"))
    assert default_store_path() == tmp_path / "cache" / "context.sqlite3"
    SqliteStore().close()
    assert (tmp_path / "cache" / "context.sqlite3").exists()
    monkeypatch.delenv("KAGGLE_MCP_CACHE_DIR")
    assert default_store_path().name == "context.sqlite3"


async def test_a_file_of_an_older_release_is_upgraded_in_place(tmp_path):
    path = tmp_path / "c.sqlite3"
    from kaggle_mcp.context.migrations import migrations

    with sqlite3.connect(path) as db:  # what releases before build leases created and wrote
        db.executescript(migrations("sqlite")[0].sql)
        db.execute("INSERT INTO contexts (key, competition, params, status, started_at, finished_at, toon, data,"
                   " built_at) VALUES ('k', 'titanic', '{}', 'completed', ?, ?, 'toon', '{\"a\": 1}', ?)",
                   (time.time(), time.time(), time.time()))
    async with open_store(None, sqlite_path=path) as store:
        assert (await store.fresh("k")).data == {"a": 1}
        assert (await store.claim("k", "titanic", {})).mine
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert "lease_until" in [c[1] for c in db.execute("PRAGMA table_info(contexts)")]


def test_lease_setting(monkeypatch):
    from kaggle_mcp.context.database import lease_seconds
    from kaggle_mcp.context.store import DEFAULT_LEASE_SECONDS

    monkeypatch.delenv("KAGGLE_MCP_BUILD_LEASE_SECONDS", raising=False)
    assert lease_seconds() == DEFAULT_LEASE_SECONDS
    monkeypatch.setenv("KAGGLE_MCP_BUILD_LEASE_SECONDS", "2.5")
    assert lease_seconds() == 2.5
    for bad in ("0", "soon", "1e9"):
        monkeypatch.setenv("KAGGLE_MCP_BUILD_LEASE_SECONDS", bad)
        with pytest.raises(ValueError, match="KAGGLE_MCP_BUILD_LEASE_SECONDS"):
            lease_seconds()


async def test_the_sqlite_store_is_private_to_the_user(tmp_path):
    """Issue 11 item 12: created world-readable before; the directory is 0700, the file and its WAL 0600."""
    async with open_store(None, sqlite_path=tmp_path / "cache" / "c.sqlite3") as store:
        assert (await store.claim("k", "titanic", {})).mine
        modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "cache").iterdir()}
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    assert "c.sqlite3-wal" in modes and set(modes.values()) == {0o600}, modes


def test_many_processes_opening_one_new_sqlite_store_at_once_all_open(tmp_path):
    """Replicas (or `context` commands) started together on a new store file: switching it to WAL takes an
    exclusive lock that SQLite's busy timeout does not wait for; every opener must still get the store."""
    import sys
    import subprocess

    path = tmp_path / "new" / "context.sqlite3"
    opener = ("import sys, time\nfrom kaggle_mcp.context import SqliteStore\nstart = float(sys.argv[2])\n"
              "time.sleep(max(0.0, start - time.time()))\nSqliteStore(sys.argv[1]).close()\n")
    start = time.time() + 2.0  # every process past its imports, then all open at the same instant
    procs = [subprocess.Popen([sys.executable, "-c", opener, str(path), str(start)], stderr=subprocess.PIPE)
             for _ in range(8)]
    errors = [p.communicate(timeout=60)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, "\n".join(e for e in errors if e)[-2000:]
