"""Shared fixtures: every test talks to a real sandbox over HTTP on 127.0.0.1 (port 0)."""

from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def sandbox():
    """One sandbox for the session; tests that change faults restore them."""
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.fixture
def fresh_sandbox(tmp_path):
    """A sandbox of its own, for tests that inject faults or count calls."""
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with serve_in_thread(SandboxSettings(seed=0, data_dir=None), host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.fixture
def isolated_env(tmp_path, monkeypatch):
    """No credential from the developer's machine leaks into a test: HOME and every KAGGLE_ var reset."""
    for name in list(os.environ):
        if name.startswith("KAGGLE"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


@pytest.fixture
def workspace(tmp_path) -> Path:
    """The workspace root a server under test reads and writes in."""
    path = tmp_path / "workspace"
    path.mkdir()
    return path


@pytest.fixture
def corpus() -> Path:
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.skip("../shared/corpus is not present in this checkout")
    return path


def load_o200k():
    """bpe-openai's loader uses a deprecated importlib.resources call; pytest turns that into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from bpe_openai import get_encoding

        return get_encoding("o200k_base")


@pytest.fixture(scope="session")
def o200k():
    """The real o200k tokenizer (bpe-openai), to check the run-time estimates budgets are kept with."""
    encoding = load_o200k()

    def count(text: str) -> int:
        # bpe-openai refuses one input over 200k tokens: count long texts in chunks
        return sum(len(encoding.encode(text[i : i + 100_000])) for i in range(0, len(text), 100_000))

    return count


@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL server for the session (initdb + pg_ctl on a free port, removed after); the
    tests that need it skip only where PostgreSQL's server binaries cannot be found."""
    from kaggle_mcp.sandbox.postgres_cluster import PostgresMissing, postgres_cluster

    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(postgres_cluster())
        except PostgresMissing as exc:
            pytest.skip(f"no PostgreSQL here: {exc}")
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    return postgres_server.new_database()
