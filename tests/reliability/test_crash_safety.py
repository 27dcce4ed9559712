"""Item 5: kill -9 the server during a context build and during a download, then restart it.

After the restart the SQLite store passes `PRAGMA integrity_check`, the job the dead process owned is
failed (not left `processing` forever) and a new call rebuilds it; the interrupted download left no
partial file under its final name, and the next call completes it with the source's bytes.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import anyio
import pytest
from kaggle_mcp.sandbox.harness import http_server_process, server_env
from mcp import Client
from reliability_helpers import partial_files, text_of

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def _rows(db: Path) -> list[dict]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute("SELECT key, status, error, pid FROM contexts")]
        except sqlite3.OperationalError:  # table not created yet
            return []


def _integrity(db: Path) -> str:
    with sqlite3.connect(db, timeout=5) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0]


async def _call_in_background(base: str, tool: str, args: dict, tg) -> None:
    async def run() -> None:
        try:
            async with Client(f"{base}/mcp") as c:
                await c.call_tool(tool, args)
        except Exception:  # the server is killed under it: the failure is the point
            pass

    tg.start_soon(run)


async def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await anyio.sleep(0.05)


async def test_kill_during_context_build(tmp_path, workspace):
    cache = tmp_path / "cache"
    db = cache / "context.sqlite3"
    with serve_in_thread(SandboxSettings(seed=0, latency_ms=400), host="127.0.0.1", port=0) as sb:
        env = server_env(os.environ, sb.url, workspace, cache)
        args = {"competition": "titanic", "top_notebooks": 5, "max_tokens": 8000}
        with http_server_process(env, tmp_path / "first.stderr") as (base, proc):
            async with anyio.create_task_group() as tg:
                await _call_in_background(base, "get_competition_context", args, tg)
                await _wait_for(lambda: db.exists() and any(r["status"] == "processing" for r in _rows(db)), 30,
                                "a processing job")
                # well inside the build: its sections are being fetched (every request takes 400 ms)
                await _wait_for(lambda: sb.call_counts["kernels.KernelsApiService/ListKernels"] > 0, 30,
                                "the build to fetch its notebook list")
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
                tg.cancel_scope.cancel()
        assert proc.returncode == -signal.SIGKILL
        dead = [r for r in _rows(db) if r["status"] == "processing"]
        assert dead and dead[0]["pid"] == proc.pid, _rows(db)
        assert _integrity(db) == "ok"

        sb.set_latency(0)
        with http_server_process(env, tmp_path / "second.stderr") as (base, proc2):
            rows = {r["key"]: r for r in _rows(db)}
            stale = rows[dead[0]["key"]]
            assert stale["status"] == "failed" and str(proc.pid) in (stale["error"] or ""), stale
            async with Client(f"{base}/mcp") as c:
                result = await c.call_tool("get_competition_context", args)
            assert not result.is_error and result.structured_content["source"] == "fresh", text_of(result)[:500]
        assert _integrity(db) == "ok"
        statuses = [r["status"] for r in _rows(db)]
        assert "completed" in statuses and "processing" not in statuses, statuses


def _read_ranges(path: Path, blob, offsets: list[int], size: int = 1 << 16) -> None:
    with path.open("rb") as fh:
        for offset in offsets:
            fh.seek(offset)
            assert fh.read(size) == blob.read(offset, min(offset + size, blob.size)), f"bytes differ at {offset}"


async def test_kill_during_download(tmp_path, workspace):
    ref, name = "kaggle-sandbox/synthetic-1gib", "synthetic_1gib.csv"
    final = workspace / "datasets" / ref / name
    with serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sb:
        blob = sb.state.datasets[ref].versions[-1].files[name].blob
        env = server_env(os.environ, sb.url, workspace, tmp_path / "cache")
        args = {"dataset": ref, "file": name}
        with http_server_process(env, tmp_path / "first.stderr") as (base, proc):
            async with anyio.create_task_group() as tg:
                await _call_in_background(base, "download_dataset", args, tg)

                def part_growing() -> bool:
                    parts = list(final.parent.glob("*.part")) if final.parent.exists() else []
                    return bool(parts) and parts[0].stat().st_size > 32 << 20

                await _wait_for(part_growing, 60, "a growing .part file")
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
                tg.cancel_scope.cancel()
        part = next(final.parent.glob("*.part"))
        interrupted_at = part.stat().st_size
        assert 0 < interrupted_at < blob.size
        assert not final.exists(), "a partial download carries the final name"

        starts: list[int] = []
        original = blob.iter_range

        def recording(start: int, end: int):
            starts.append(start)
            return original(start, end)

        blob.iter_range = recording  # the sandbox serves every byte range through this
        with http_server_process(env, tmp_path / "second.stderr") as (base, _):
            async with Client(f"{base}/mcp") as c:
                result = await c.call_tool("download_dataset", args)
        assert not result.is_error, text_of(result)
        assert final.stat().st_size == blob.size
        assert partial_files(workspace) == []
        resumed_at = [s for s in starts if interrupted_at - (8 << 20) <= s <= interrupted_at]
        # the restarted server first opens the URL (start 0, closed unread once it sees the .part), then
        # asks for the rest with Range: a request starting at the .part's size proves the resume
        assert resumed_at, f"restarted instead of resumed: range starts {starts}"
        _read_ranges(final, blob, [0, interrupted_at - 100, interrupted_at, blob.size // 2, blob.size - (1 << 16)])
    print(f"\ndownload killed at {interrupted_at >> 20} MiB of {blob.size >> 20} MiB; resumed at "
          f"{resumed_at[0] >> 20} MiB after restart")
