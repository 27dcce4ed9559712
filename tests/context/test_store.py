"""The SQLite store: TTL, job lifecycle, abandoned jobs of dead processes, the cache dir setting."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

from kaggle_mcp.context.store import JOB_TIMEOUT_SECONDS, KEEP_SECONDS, ContextStore, default_store_path


def test_lifecycle_and_ttl(tmp_path):
    store = ContextStore(tmp_path / "c.sqlite3", ttl_seconds=100)
    store.start_job("k", "titanic", {"top_notebooks": 5})
    row = store.get("k")
    assert row.status == "processing" and row.pid == os.getpid() and row.finished_at is None
    assert store.fresh("k") is None
    built = store.complete_job("k", "Titanic", "competition:\n  slug: titanic", {"competition": {"slug": "titanic"}})
    row = store.fresh("k")
    assert row.status == "completed" and row.title == "Titanic" and row.data == {"competition": {"slug": "titanic"}}
    assert row.finished_at >= row.started_at and row.built_at == built
    assert store.fresh("k", now=built + 99) is not None
    assert store.fresh("k", now=built + 101) is None  # expired
    store.close()


def test_failed_refresh_keeps_the_last_good_result(tmp_path):
    with ContextStore(tmp_path / "c.sqlite3") as store:
        store.start_job("k", "titanic", {})
        store.complete_job("k", "Titanic", "toon", {"a": 1})
        store.start_job("k", "titanic", {})
        store.fail_job("k", "ServerError: boom")
        row = store.get("k")
        assert row.status == "failed" and row.error == "ServerError: boom"
        assert store.fresh("k").data == {"a": 1}
        assert store.latest("titanic").key == "k"
        assert store.latest("nope") is None


def test_wal_mode(tmp_path):
    ContextStore(tmp_path / "c.sqlite3").close()
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_job_of_a_dead_process_is_failed_on_open(tmp_path):
    path = tmp_path / "c.sqlite3"
    code = (
        "import os, sys\n"
        "from kaggle_mcp.context.store import ContextStore\n"
        "s = ContextStore(sys.argv[1])\n"
        "s.start_job('k', 'titanic', {})\n"
        "print(os.getpid())\n"
        "os._exit(0)\n"  # dies mid-build
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    dead_pid = int(done.stdout)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT status FROM contexts").fetchone()[0] == "processing"
    store = ContextStore(path)
    row = store.get("k")
    assert row.status == "failed" and f"process {dead_pid} is gone" in row.error
    assert row.finished_at is not None
    store.close()


def test_live_jobs_are_left_alone_and_pid_reuse_is_detected(tmp_path):
    path = tmp_path / "c.sqlite3"
    store = ContextStore(path)
    store.start_job("mine", "titanic", {})
    store.start_job("reused", "titanic", {})
    store.start_job("old", "titanic", {})
    with sqlite3.connect(path) as db:  # an earlier process with our pid; a job far too old
        db.execute("UPDATE contexts SET owner = 'earlier-process' WHERE key = 'reused'")
        db.execute("UPDATE contexts SET started_at = ? WHERE key = 'old'", (time.time() - JOB_TIMEOUT_SECONDS - 1,))
    other = ContextStore(path)  # a second open in the same process, like a second server
    assert other.get("mine").status == "processing"
    assert "restarted" in other.get("reused").error
    assert other.get("old").error == "build timed out"
    store.close()
    other.close()


def test_cache_dir_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("KAGGLE_MCP_CACHE_DIR", str(tmp_path / "cache"))
    assert default_store_path() == tmp_path / "cache" / "context.sqlite3"
    ContextStore().close()
    assert (tmp_path / "cache" / "context.sqlite3").exists()
    monkeypatch.delenv("KAGGLE_MCP_CACHE_DIR")
    assert default_store_path().name == "context.sqlite3"


def test_old_rows_are_pruned_on_open(tmp_path):
    path = tmp_path / "c.sqlite3"
    with ContextStore(path) as store:
        for key in ("old", "recent"):
            store.start_job(key, "titanic", {})
            store.complete_job(key, "T", "toon", {})
    with sqlite3.connect(path) as db:
        old = time.time() - KEEP_SECONDS - 10
        db.execute("UPDATE contexts SET started_at = ?, finished_at = ?, built_at = ? WHERE key = 'old'", (old, old, old))
    with ContextStore(path) as store:
        assert store.get("old") is None and store.get("recent") is not None
