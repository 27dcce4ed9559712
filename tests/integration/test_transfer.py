"""Downloads and uploads over real HTTP: redirects, resume after drops, up-to-date checks,
hostile names, resumable uploads (reference §4.4, §5)."""

from __future__ import annotations

import socket
import time
import zipfile
from email.utils import parsedate_to_datetime

import pytest

from kaggle_mcp.kaggle.errors import TransferError, UnsafePath
from kaggle_mcp.kaggle.paths import safe_relative
from kaggle_mcp.kaggle.safe_files import SafeDir
from kaggle_mcp.kaggle.archives import safe_unzip

from .conftest import open_client

pytestmark = pytest.mark.anyio

TRAIN = "train.csv"


def _gets(kc):
    return [s for s in kc.recorder.sent if s.method == "GET"]


async def test_dropped_download_is_resumed_with_range(fresh_sandbox, tmp_path):
    async with open_client(fresh_sandbox) as kc:
        clean = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path / "clean")
        fresh_sandbox.set_faults("drop=1.0,max=1,only=GET /blobs")
        resumed = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path / "resumed")
        assert resumed.path.read_bytes() == clean.path.read_bytes()
        retry = _gets(kc)[-1]
        start = int(retry.headers["range"].removeprefix("bytes=").rstrip("-"))
        assert 0 < start < clean.bytes and retry.headers["if-range"]
        assert not list((tmp_path / "resumed").glob("*.part*"))


async def test_truncated_download_is_resumed(fresh_sandbox, tmp_path):
    async with open_client(fresh_sandbox) as kc:
        fresh_sandbox.set_faults("truncate=1.0,max=2,only=GET /blobs")
        result = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path)
        size = {f.name: f.total_bytes async for f in kc.competitions.iter_data_files("titanic")}[TRAIN]
        assert result.bytes == size and result.path.stat().st_size == size


async def test_partial_file_from_a_failed_run_is_resumed_next_run(fresh_sandbox, tmp_path):
    async with open_client(fresh_sandbox, retry_seconds=2) as kc:
        fresh_sandbox.set_faults("drop=1.0,only=GET /blobs")
        with pytest.raises(TransferError):
            await kc.competitions.download_data_file("titanic", TRAIN, tmp_path)
        part = tmp_path / (TRAIN + ".part")
        have = part.stat().st_size
        assert have > 0 and not (tmp_path / TRAIN).exists()
        fresh_sandbox.set_faults("")
        result = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path)
        assert _gets(kc)[-1].headers["range"] == f"bytes={have}-"
        assert result.path.read_bytes().startswith(b"PassengerId") and not part.exists()


async def test_up_to_date_skip_mtime_and_force(client, tmp_path):
    async with client() as kc:
        first = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path)
        head = await kc.http.head(_gets(kc)[-1].url)
        modified = parsedate_to_datetime(head.headers["last-modified"]).timestamp()
        assert first.path.stat().st_mtime == modified
        again = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path)
        assert again.skipped_up_to_date and again.path == first.path
        forced = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path, force=True)
        assert not forced.skipped_up_to_date and forced.bytes == first.bytes


async def test_small_downloads_found_up_to_date_keep_their_connections(client, tmp_path):
    """The download RPC's redirect and the GET of a small file found up to date are read to their end, so
    their connections serve the next download: one connection per pool, however many downloads."""
    async with client() as kc:
        for _ in range(4):
            result = await kc.datasets.download_dataset("alice", "titanic-extra-features", tmp_path,
                                                        file_name="cabin_decks.csv")
        assert result.skipped_up_to_date
        assert kc.recorder.connections == 2  # one for the RPCs (event loop), one for the GETs (worker threads)


async def test_authorization_never_follows_a_redirect_to_another_host(tmp_path):
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = SandboxSettings(seed=0, public_url=f"http://localhost:{port}")
    with serve_in_thread(settings, host="127.0.0.1", port=port) as sb:
        async with open_client(sb) as kc:
            await kc.competitions.download_data_file("titanic", TRAIN, tmp_path)
            post = [s for s in kc.recorder.sent if s.method == "POST"][-1]
            get = _gets(kc)[-1]
    assert post.url.startswith("http://127.0.0.1") and "authorization" in post.headers
    assert get.url.startswith("http://localhost") and "authorization" not in get.headers


async def test_same_host_redirect_keeps_authorization(client, tmp_path):
    async with client() as kc:
        await kc.competitions.download_data_file("titanic", TRAIN, tmp_path)
        assert "authorization" in _gets(kc)[-1].headers


async def test_hostile_names_are_refused_before_any_request(client, tmp_path):
    async with client() as kc:
        for name in ("../escape.csv", "/etc/passwd", "a/../../b.csv", "..\\win.csv", "C:\\x.csv"):
            with pytest.raises(UnsafePath):
                await kc.competitions.download_data_file("titanic", name, tmp_path)
        assert not kc.recorder.sent
    assert not any(tmp_path.parent.glob("escape.csv"))


@pytest.fixture(scope="module")
def hostile_sandbox():
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with serve_in_thread(SandboxSettings(seed=0, hostile=True), host="127.0.0.1", port=0) as sb:
        yield sb


def _nothing_escaped(tmp_path):
    outside = [p for p in tmp_path.parent.iterdir() if p.name.startswith(("escape", "escaped", "climb"))]
    assert not outside


async def test_hostile_kernel_output_names_are_skipped_and_named(hostile_sandbox, tmp_path):
    dest = tmp_path / "out"
    async with open_client(hostile_sandbox) as kc:
        out = await kc.kernels.list_kernel_session_output("mallory", "hostile-output")
        assert any(f.file_name.startswith("..") for f in out.files)
        download = await kc.kernels.download_output("mallory", "hostile-output", dest)
        assert len(_gets(kc)) == 1  # only ok.txt was fetched; the unsafe names never were
    assert sorted(r.path.name for r in download.files) == ["hostile-output.log", "ok.txt"]
    assert (dest / "ok.txt").read_text() == "written as ok.txt\n"
    assert len(download.skipped) == 2 and any("../escaped.txt" in s for s in download.skipped)
    assert any("/tmp/absolute.txt" in s for s in download.skipped)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["hostile-output.log", "ok.txt"]
    _nothing_escaped(tmp_path)


async def test_hostile_competition_file_names_and_zip_slip_are_refused(hostile_sandbox, tmp_path):
    async with open_client(hostile_sandbox) as kc:
        names = [f.name async for f in kc.competitions.iter_data_files("hostile-files")]
        assert "ok.csv" in names and len(names) >= 4
        for name in names:
            if name == "ok.csv":
                assert (await kc.competitions.download_data_file("hostile-files", name, tmp_path)).path.is_file()
                continue
            with pytest.raises(UnsafePath):
                await kc.competitions.download_data_file("hostile-files", name, tmp_path)
        archive = await kc.competitions.download_data_files("hostile-files", tmp_path)
        from_competition = safe_unzip(archive.path, tmp_path / "unzipped")
        dataset_zip = await kc.datasets.download_dataset("mallory", "zip-slip", tmp_path)
        from_dataset = safe_unzip(dataset_zip.path, tmp_path / "unzipped-dataset")
    for extracted, where in ((from_competition, "unzipped"), (from_dataset, "unzipped-dataset")):
        assert [p.relative_to(tmp_path / where).as_posix() for p in extracted.files] == ["ok.csv"]
        assert len(extracted.skipped) >= 3 and any("../escape.csv" in s for s in extracted.skipped)
    _nothing_escaped(tmp_path)


def test_safe_relative_and_a_linked_parent(tmp_path):
    assert str(safe_relative("sub/dir/file.csv")) == "sub/dir/file.csv"
    assert str(safe_relative("./a.csv")) == "a.csv"
    for bad in ("", "..", "../a", "/abs", "a/../../b", "a\x00b", "D:/x"):
        with pytest.raises(UnsafePath):
            safe_relative(bad)
    (tmp_path / "link").symlink_to(tmp_path.parent)
    with pytest.raises(UnsafePath, match="'link'"):
        SafeDir.open(tmp_path, "link/sub")


def test_safe_unzip_skips_escaping_members(tmp_path):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("a.csv", "x\n1\n")
        z.writestr("sub/b.csv", "y\n2\n")
    assert sorted(p.relative_to(tmp_path / "g").as_posix() for p in safe_unzip(good, tmp_path / "g").files) == [
        "a.csv",
        "sub/b.csv",
    ]
    for evil in ("../evil.txt", "/tmp/evil.txt", "sub/../../evil.txt"):
        bad = tmp_path / "bad.zip"
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("ok.txt", "fine")
            z.writestr(evil, "pwned")
        extracted = safe_unzip(bad, tmp_path / "b")
        assert [p.name for p in extracted.files] == ["ok.txt"] and evil in extracted.skipped[0]
    assert not (tmp_path / "evil.txt").exists()


async def test_upload_resumes_after_a_drop(fresh_sandbox, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"0123456789" * 300_000)
    async with open_client(fresh_sandbox) as kc:
        slot = await kc.blobs.start_blob_upload(type="DATASET", name=path.name, content_length=path.stat().st_size)
        fresh_sandbox.set_faults("drop=1.0,max=1,only=PUT /uploads")
        await kc.transfers.upload(slot.create_url, path)
        puts = [s for s in kc.recorder.sent if s.method == "PUT"]
        assert [p.headers.get("content-range") for p in puts][1] == f"bytes */{path.stat().st_size}"
        resumed = puts[2].headers["content-range"]
        assert resumed.startswith("bytes ") and not resumed.startswith("bytes 0-")
        assert all("authorization" not in p.headers for p in puts)
        created = await kc.datasets.create_dataset(
            owner_slug="sandbox-user",
            slug="resumed-upload",
            title="Resumed upload",
            license_name="CC0-1.0",
            files=[{"token": slot.token}],
        )
        assert created.status == "ok"
        got = await kc.datasets.download_dataset("sandbox-user", "resumed-upload", tmp_path / "dl", file_name="big.csv")
        assert got.path.read_bytes() == path.read_bytes()


async def test_cancelled_download_stops_promptly_and_keeps_the_part(client, tmp_path, monkeypatch):
    """The worker thread notices the cancellation and returns: the test waits for that return (an event), then
    the .part no longer has a writer, so its size is final and short of the file."""
    import threading

    import anyio

    from kaggle_mcp.kaggle.download import Job

    returned = threading.Event()
    original = Job.download
    cancelled_at: list[float] = []

    def watched(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        finally:
            returned.set()

    monkeypatch.setattr(Job, "download", watched)
    async with client() as kc:
        with anyio.move_on_after(30) as scope:  # safety net only; the progress callback cancels first
            async with anyio.create_task_group() as tg:

                async def progress(done, total):
                    if done >= 8 << 20 and not cancelled_at:
                        cancelled_at.append(time.monotonic())
                        tg.cancel_scope.cancel()

                tg.start_soon(
                    lambda: kc.datasets.download_dataset(
                        "kaggle-sandbox", "synthetic-1gib", tmp_path, file_name="synthetic_1gib.csv", progress=progress
                    )
                )
        assert not scope.cancelled_caught
        assert await anyio.to_thread.run_sync(returned.wait, 30), "the download thread kept running"
        assert time.monotonic() - cancelled_at[0] < 5, "the thread went on long after the cancellation"
        part = tmp_path / "synthetic_1gib.csv.part"
        assert 8 << 20 <= part.stat().st_size < 1 << 30
        assert not (tmp_path / "synthetic_1gib.csv").exists()


async def test_storage_429_and_503_are_retried(fresh_sandbox, tmp_path):
    async with open_client(fresh_sandbox) as kc:
        fresh_sandbox.set_faults("429=1.0,max=1,retry_after=0,only=GET /blobs")
        first = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path / "a")
        fresh_sandbox.set_faults("429=1.0,max=1,retry_after=0,only=DownloadDataFile")
        second = await kc.competitions.download_data_file("titanic", TRAIN, tmp_path / "b")
        assert first.path.read_bytes() == second.path.read_bytes()
        assert fresh_sandbox.call_counts["GET /blobs"] == 3
        assert fresh_sandbox.call_counts["competitions.CompetitionApiService/DownloadDataFile"] == 3
