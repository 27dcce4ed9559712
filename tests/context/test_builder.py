"""The context engine end to end against the sandbox over real HTTP on 127.0.0.1."""

from __future__ import annotations

import secrets
import socket
import threading
import time

import anyio
import pytest

from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.context import ContextService, SqliteStore
from kaggle_mcp.kaggle.refs import competition_slug
from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
from kaggle_mcp.kaggle.errors import NotFound, ServerError

pytestmark = pytest.mark.anyio

TOKEN = "KGAT_" + secrets.token_hex(16)


def client_for(sb, **settings) -> KaggleClient:
    return KaggleClient(ClientSettings(endpoint=sb.url, **settings), Credentials.token(TOKEN))


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "context.sqlite3")
    yield s
    s.close()


class CountingProxy:
    """A TCP proxy in front of the sandbox counting the bytes the sandbox sent back: what was
    served, measured on the wire, whatever HTTP stack the client uses for transfers."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.upstream: tuple[str, int] | None = None
        self.served = 0
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, count: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if count:
                    with self.lock:
                        self.served += len(chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                s.close()


async def test_titanic_context(sandbox, store, o200k):
    async with client_for(sandbox) as kc:
        result = await ContextService(kc, store).get("titanic", top_notebooks=5, max_tokens=12000)
    data = result.data
    assert decode_context(result.toon) == data
    assert not result.cached and result.stats is data["stats"] or result.stats == data["stats"]
    assert data["stats"]["failed"] == []
    assert data["competition"]["slug"] == "titanic" and data["competition"]["title"]
    assert data["competition"]["ended"] is False and data["competition"]["metric"]
    assert "untrusted" not in data["notice"] or "instructions" in data["notice"]
    assert {p["name"] for p in data["pages"]} >= {"description", "evaluation"}
    assert all("<p>" not in p["text"] and "<div" not in p["text"] for p in data["pages"])
    assert {f["name"] for f in data["files"]} >= {"train.csv", "test.csv"}
    train = next(s for s in data["schemas"] if s["file"] == "train.csv")
    assert train["columns"][0]["name"] == "PassengerId" and train["columns"][0]["row3"] == 3
    assert len(data["leaderboard"]) == 20 and data["competition"]["teams"] > 0
    assert [row["rank"] for row in data["leaderboard"]] == list(range(1, 21))
    notebooks = data["notebooks"]
    assert len(notebooks) == 5 and all(nb["cells"] for nb in notebooks)
    assert all(nb["language"] == "python" for nb in notebooks)  # dominant language first; R only fills gaps
    assert {nb["type"] for nb in notebooks} >= {"notebook", "script"}
    for nb in notebooks:
        assert nb["votes"] >= 0 and nb["author"] and nb["ref"].count("/") == 1
        assert all(c["kind"] in ("markdown", "code", "output") for c in nb["cells"])
        assert "iVBORw0KGgo" not in str(nb["cells"])  # no base64 images
    assert data["discussions"] and isinstance(data["discussions"][0]["id"], int)
    assert data["competition"]["discussion_url"].endswith("/discussion/{id}")
    assert data["competition"]["notebook_url"] == "https://www.kaggle.com/code/{ref}"
    assert data["stats"]["tokens_estimated"] <= 12000
    assert o200k(result.toon) <= 12000 * 1.05


async def test_cache_hit_and_refresh(fresh_sandbox, store):
    async with client_for(fresh_sandbox) as kc:
        service = ContextService(kc, store)
        first = await service.get("titanic", top_notebooks=2, max_tokens=6000)
        calls = fresh_sandbox.call_counts.copy()
        started = time.perf_counter()
        second = await service.get("titanic", top_notebooks=2, max_tokens=6000)
        assert time.perf_counter() - started < 0.05
        assert second.cached and second.toon == first.toon
        assert fresh_sandbox.call_counts == calls  # no Kaggle call for a hit
        third = await service.get("titanic", top_notebooks=2, max_tokens=6000, refresh=True)
        assert not third.cached
        key = "competitions.CompetitionApiService/GetCompetition"
        assert fresh_sandbox.call_counts[key] == calls[key] + 1
        other = await service.get("titanic", top_notebooks=3, max_tokens=6000)
        assert not other.cached  # other parameters, other key


async def test_concurrent_requests_share_one_build(fresh_sandbox, store):
    fresh_sandbox.set_latency(50)
    results = []
    async with client_for(fresh_sandbox) as kc, client_for(fresh_sandbox) as kc2:
        await kc.username()
        await kc2.username()

        async def ask(client):
            results.append(await ContextService(client, store).get("house-prices-2019", top_notebooks=3))

        async with anyio.create_task_group() as tg:
            for i in range(6):
                tg.start_soon(ask, kc if i % 2 else kc2)
    assert len(results) == 6 and len({r.toon for r in results}) == 1
    # one build; each client (a reader) asked once who it is for the competition (its `viewer` part)
    assert fresh_sandbox.call_counts["competitions.CompetitionApiService/ListCompetitionPages"] == 1
    assert fresh_sandbox.call_counts["competitions.CompetitionApiService/GetCompetition"] == 2
    assert (await store.latest("house-prices-2019", entrants=True)).status == "completed"
    assert results[0].data["competition"]["ended"] is True  # house-prices-2019 is over


async def test_failing_section_is_recorded_and_the_rest_builds(fresh_sandbox, store):
    async with client_for(fresh_sandbox, max_attempts=1, retry_seconds=0) as kc:
        fresh_sandbox.set_faults("5xx=1.0,only=ListCompetitionTopics")
        try:
            result = await ContextService(kc, store).get("titanic", top_notebooks=3)
        finally:
            fresh_sandbox.set_faults("")
    failed = result.stats["failed"]
    assert [f["section"] for f in failed] == ["discussions"] and "ServerError" in failed[0]["error"]
    assert "discussions" not in result.data
    assert result.data["files"] and result.data["notebooks"] and result.data["leaderboard"] and result.data["schemas"]
    assert decode_context(result.toon)["stats"]["failed"] == failed


async def test_rules_not_accepted_gives_the_public_copy_without_reading_data(sandbox, store):
    # sandbox-user has not accepted retail-demand-forecast's rules: the shared copy everyone may read is served,
    # which never reads a data file (only those who accepted the rules may see their rows)
    async with client_for(sandbox) as kc:
        result = await ContextService(kc, store).get("retail-demand-forecast", top_notebooks=3)
    assert result.stats["failed"] == [] and "schemas" not in result.data
    assert result.data["files"] and result.data["notebooks"] and result.data["leaderboard"]
    viewer = decode_context(result.toon)["viewer"]
    assert viewer["user"] == "sandbox-user" and viewer["joined"] is False
    assert "https://www.kaggle.com/competitions/retail-demand-forecast/rules" in viewer["data_schemas"]
    assert "joined" not in result.data["competition"]  # per reader: only in the viewer part


async def test_competition_errors_propagate(fresh_sandbox, store):
    async with client_for(fresh_sandbox) as kc:
        service = ContextService(kc, store)
        with pytest.raises(NotFound):
            await service.get("no-such-competition")
        async with client_for(fresh_sandbox, retry_seconds=0.2, max_attempts=2) as impatient:
            await impatient.username()
            fresh_sandbox.set_faults("5xx=1.0")
            try:
                with pytest.raises(ServerError):
                    await ContextService(impatient, store).get("titanic", top_notebooks=1)
            finally:
                fresh_sandbox.set_faults("")
    # the reader's GetCompetition failed first, so no build was claimed and no job row left behind
    assert await store.latest("titanic", entrants=True) is None


async def test_range_only_schema_of_the_50mb_train_csv(store):
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    proxy = CountingProxy()  # signed URLs point at the proxy too (public_url), so blob reads pass it
    try:
        with serve_in_thread(SandboxSettings(seed=0, public_url=proxy.url), host="127.0.0.1", port=0) as sb:
            proxy.upstream = ("127.0.0.1", int(sb.url.rsplit(":", 1)[1]))
            sb.state.accept_rules("sandbox-user", "retail-demand-forecast")
            started = time.perf_counter()
            async with KaggleClient(ClientSettings(endpoint=proxy.url), Credentials.token(TOKEN)) as kc:
                result = await ContextService(kc, store).get("retail-demand-forecast", top_notebooks=0)
            elapsed = time.perf_counter() - started
            blob_gets = sb.call_counts["GET /blobs"]
    finally:
        proxy.close()
    assert result.stats["failed"] == []
    train = next(s for s in result.data["schemas"] if s["file"] == "train.csv")
    assert next(f for f in result.data["files"] if f["name"] == "train.csv")["bytes"] >= 50 * 1024 * 1024
    assert train["columns"] and train["rows_sampled"] > 100 and train["rows_estimated"] > 100_000
    assert "rows" not in train  # only the head was seen
    assert blob_gets == len(result.data["schemas"]) >= 3
    # every byte the sandbox sent (RPC answers + one 64 KiB head per table) is far below one file
    assert proxy.served < blob_gets * 65536 + 256 * 1024, proxy.served
    assert elapsed < 5


async def test_progress_reports_sections_done_of_total(sandbox, store):
    seen: list[tuple[int, int, str]] = []

    async def progress(done: int, total: int, message: str) -> None:
        seen.append((done, total, message))

    async with client_for(sandbox) as kc:
        await ContextService(kc, store).get("titanic", top_notebooks=3, max_tokens=5000, progress=progress)
    dones = [d for d, _, _ in seen]
    assert dones == list(range(1, len(seen) + 1))
    assert seen[-1][0] == seen[-1][1] == 6 + 3 + len([m for _, _, m in seen if m.startswith("schema ")])
    assert all(d <= t for d, t, _ in seen)
    assert {m for _, _, m in seen} >= {"competition", "pages", "files", "leaderboard", "discussions", "notebook list"}


async def test_argument_checks(sandbox, store):
    async with client_for(sandbox) as kc:
        service = ContextService(kc, store)
        for bad in ({"top_notebooks": 21}, {"top_notebooks": -1}, {"max_tokens": 10}):
            with pytest.raises(ValueError):
                await service.get("titanic", **bad)
        result = await service.get("https://www.kaggle.com/competitions/titanic/overview", top_notebooks=0, max_tokens=3000)
        assert result.data["notebooks"] == [] and result.data["competition"]["slug"] == "titanic"


def test_competition_slug():
    assert competition_slug("titanic") == "titanic"
    assert competition_slug("https://www.kaggle.com/competitions/titanic") == "titanic"
    assert competition_slug("kaggle.com/c/house-prices-2019/data") == "house-prices-2019"
    assert competition_slug(" Titanic ") == "titanic"
    for bad in ("", "https://www.kaggle.com/datasets/a/b", "../etc", "a b", "https://example.com/x"):
        with pytest.raises(ValueError):
            competition_slug(bad)


async def test_waits_for_a_build_running_in_another_process(fresh_sandbox, store):
    import subprocess
    import sys

    from kaggle_mcp.context.service import context_key

    key = context_key("titanic", 2, 12000, "entrants")
    code = (
        "import sys, anyio\n"
        "from kaggle_mcp.context.sqlite_store import SqliteStore\n"
        "from kaggle_mcp.context.encode import encode_context\n"
        "async def main():\n"
        "    s = SqliteStore(sys.argv[1])\n"
        "    claim = await s.claim(sys.argv[2], 'titanic', {})\n"
        "    print('started', flush=True)\n"
        "    await anyio.sleep(1.0)\n"
        "    data = {'competition': {'slug': 'titanic', 'title': 'built elsewhere'}, 'stats': {}}\n"
        "    await s.complete(claim, 'built elsewhere', encode_context(data), data)\n"
        "anyio.run(main)\n"
    )
    other = subprocess.Popen([sys.executable, "-c", code, str(store.path), key], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "started"
        started = time.perf_counter()
        async with client_for(fresh_sandbox) as kc:
            result = await ContextService(kc, store).get("titanic", top_notebooks=2)
        assert result.cached and result.data["competition"]["title"] == "built elsewhere"
        assert 0.3 < time.perf_counter() - started < 5
        # the reader's own GetCompetition (its `viewer` part), and no build
        assert fresh_sandbox.call_counts["competitions.CompetitionApiService/GetCompetition"] == 1
        assert fresh_sandbox.call_counts["competitions.CompetitionApiService/ListCompetitionPages"] == 0
    finally:
        other.wait(timeout=10)
        other.stdout.close()


async def test_failed_leaderboard_and_notebook_with_a_spare(fresh_sandbox, store):
    async with client_for(fresh_sandbox, max_attempts=1, retry_seconds=0) as kc:
        await kc.username()
        service = ContextService(kc, store)
        full = await service.get("titanic", top_notebooks=3, max_tokens=20000)
        fresh_sandbox.set_faults("5xx=1.0,only=GetLeaderboard")
        try:
            result = await service.get("titanic", top_notebooks=3, max_tokens=20000, refresh=True)
        finally:
            fresh_sandbox.set_faults("")
        assert [f["section"] for f in result.stats["failed"]] == ["leaderboard"]
        assert "ServerError" in result.stats["failed"][0]["error"]
        assert "leaderboard" not in result.data and len(result.data["notebooks"]) == 3
        assert decode_context(result.toon) == result.data

        fresh_sandbox.set_faults("5xx=1.0,only=GetKernel,max=1")  # one notebook fails once
        try:
            result = await service.get("titanic", top_notebooks=3, max_tokens=20000, refresh=True)
        finally:
            fresh_sandbox.set_faults("")
    (failure,) = result.stats["failed"]
    assert failure["section"].startswith("notebook ")
    refs = [nb["ref"] for nb in result.data["notebooks"]]
    assert len(refs) == 3 and failure["section"].removeprefix("notebook ") not in refs  # a spare took its place
    assert refs != [nb["ref"] for nb in full.data["notebooks"]]


async def test_hits_come_from_memory_and_a_rebuild_elsewhere_shows_after_the_recheck(fresh_sandbox, store):
    """Time is the recent rows' injectable clock, moved by hand: it used to rely on 0.5 s of wall clock between two
    calls around a subprocess, which a loaded machine could exceed."""
    import subprocess
    import sys

    now = [1000.0]
    async with client_for(fresh_sandbox) as kc:
        store.recent.clock = lambda: now[0]
        service = ContextService(kc, store)
        built = await service.get("titanic", top_notebooks=1, max_tokens=6000)
        code = (
            "import sys, anyio\n"
            "from kaggle_mcp.context.sqlite_store import SqliteStore\n"
            "from kaggle_mcp.context.encode import encode_context\n"
            "async def main():\n"
            "    s = SqliteStore(sys.argv[1])\n"
            "    data = {'competition': {'slug': 'titanic', 'title': 'rebuilt elsewhere'}, 'stats': {}}\n"
            "    claim = await s.claim(sys.argv[2], 'titanic', {})\n"
            "    await s.complete(claim, 'rebuilt elsewhere', encode_context(data), data)\n"
            "anyio.run(main)\n"
        )
        subprocess.run([sys.executable, "-c", code, str(store.path), built.key], check=True, timeout=30)
        remembered = await service.get("titanic", top_notebooks=1, max_tokens=6000)
        assert remembered.cached and remembered.toon == built.toon  # served from memory, the store unread
        now[0] += store.recent.recheck_seconds
        reread = await service.get("titanic", top_notebooks=1, max_tokens=6000)
        assert reread.cached and reread.data["competition"]["title"] == "rebuilt elsewhere"
        refreshed = await service.get("titanic", top_notebooks=1, max_tokens=6000, refresh=True)
        assert not refreshed.cached and refreshed.data["competition"]["title"] != "rebuilt elsewhere"
        again = await service.get("titanic", top_notebooks=1, max_tokens=6000)
        assert again.cached and again.toon == refreshed.toon
