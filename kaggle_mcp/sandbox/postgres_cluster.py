"""A private PostgreSQL server for the tests and benchmarks: `initdb` in a temporary directory, `pg_ctl`
on a free port of 127.0.0.1, stopped and removed afterwards.

The server binaries come from Debian's `postgresql` package (`.ci/run` installs it) or any install whose
`pg_config --bindir` or PATH has `initdb`. PostgreSQL refuses to run as root, so under root the server
runs as the `postgres` user the Debian package creates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kaggle_mcp.sandbox.harness import free_port

SUPERUSER = "kaggle_mcp"


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries here (or no unprivileged user to run them as root)."""


def _bindir() -> Path:
    candidates: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        candidates.append(Path(found))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True) \
        if Path("/usr/lib/postgresql").is_dir() else []
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    raise PostgresMissing("PostgreSQL server binaries not found (apt-get install postgresql)")


@dataclass
class PostgresCluster:
    """A running server: `url` reaches its `postgres` database as a superuser, with no password."""

    root: Path
    bindir: Path
    runner: list[str]  # what runs the server's binaries (`runuser -u postgres --` under root)
    options: str
    port: int = 0

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def new_database(self) -> str:
        """A fresh, empty database on this server; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}".encode())
        return self.database_url(name)

    def server_pids(self) -> list[int]:
        """The postmaster and its children (backends, background workers) now: what a benchmark adds up to
        tell PostgreSQL's CPU time."""
        master = int((self.root / "data" / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    children.append(int(stat.parent.name))
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                continue
        return [master, *children]

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.runner, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), *args],
                              capture_output=True, text=True, check=False)

    def start(self) -> None:
        """Start the server, on a new free port the first time and on the same port after a `stop`."""
        for attempt in range(3):  # a free port can be taken before the server binds it
            port = self.port or free_port()
            started = self._pg_ctl("-l", str(self.root / "server.log"), "-w", "-t", "60",
                                   "-o", f"{self.options} -p {port}", "start")
            if started.returncode == 0:
                self.port = port
                return
            if self.port or attempt == 2:
                log = (self.root / "server.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()}\n{log}")

    def stop(self) -> None:
        """Stop at once (as a crash would, without a checkpoint); every connection is cut."""
        self._pg_ctl("-m", "immediate", "-w", "stop")


def _runner() -> list[str]:
    if os.geteuid() != 0:
        return []
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresMissing("running as root and there is no 'postgres' user to run PostgreSQL as") from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresMissing("running as root and `runuser` is missing")
    return [runuser, "-u", "postgres", "--"]


@contextmanager
def postgres_cluster(*, durable: bool = False) -> Iterator[PostgresCluster]:
    """A new cluster. `durable=False` turns fsync off (tests); benchmarks keep PostgreSQL's defaults."""
    bindir, runner = _bindir(), _runner()
    root = Path(tempfile.mkdtemp(prefix="kaggle-mcp-pg-"))
    if runner:
        import pwd

        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)
    options = f"-h 127.0.0.1 -k {root} -c max_connections=200"
    if not durable:
        options += " -F -c synchronous_commit=off -c full_page_writes=off"
    cluster = PostgresCluster(root, bindir, runner, options)
    try:
        subprocess.run([*runner, str(bindir / "initdb"), "-D", str(root / "data"), "-U", SUPERUSER, "--auth=trust",
                        "-E", "UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        _remove(root)


def _remove(root: Path) -> None:
    for _ in range(50):  # the server's last files may still be closing
        shutil.rmtree(root, ignore_errors=True)
        if not root.exists():
            return
        time.sleep(0.1)
