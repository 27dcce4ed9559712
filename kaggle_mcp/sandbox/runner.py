"""The sandbox's kernel runner: pushed notebooks and scripts really run, on this machine.

Why real runs: an agent's loop is push -> poll status -> fetch output -> submit, and a fake status
would let a broken notebook look fine. So each session is a subprocess of the sandbox's own
interpreter (``sys.executable``: the libraries available are whatever is installed here), in its
own process group so a wall-clock timeout can kill everything it spawned. There is no isolation
beyond separate directories, an allow-listed environment and a home of their own: kernels run with the
permissions of whoever started the sandbox, on this machine's CPU. That is not a security boundary (a
kernel can read /proc/<ppid>/environ, or any file the user can), so push only code you would run yourself.

Layout of one session under ``root/<run_id>/`` (mirrors Kaggle's ``/kaggle/...``):

* ``input/<mount>/``  - the sources, e.g. ``input/titanic/train.csv``, ``input/alice/ds/...``;
  copied, so user code cannot alter the sandbox's own files. An ``owner/slug`` dataset is also
  reachable as ``input/<slug>/``, the path most Kaggle notebooks use for datasets.
* ``working/``        - the cwd; everything left here is the session's output (``output_dir``).
* ``temp/``           - scratch, like ``/kaggle/temp``.

How code finds them: the literal prefixes ``/kaggle/input``, ``/kaggle/working`` and ``/kaggle/temp``
in the source are rewritten to these directories, ``../input`` works from the cwd, and the
environment has ``KAGGLE_INPUT_DIR``, ``KAGGLE_WORKING_DIR`` and ``KAGGLE_KERNEL_RUN_TYPE=Batch``.
Kaggle credentials of the sandbox process are not passed to the kernel.

Logs use Kaggle's session-log format: a JSON array of ``{"stream_name", "time", "data"}`` where
``time`` is seconds since the session started; the run's real directories appear in it under their
Kaggle names (``/kaggle/input``, ``/kaggle/working``, ``/kaggle/src/script.py``), as the code wrote them. Everything here is threads, no asyncio, because the
sandbox's server runs uvicorn in a thread of its own.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from kaggle_mcp.sandbox.kernel_process import KILL_GRACE_S, kill_group, pump
from kaggle_mcp.sandbox.kernel_source import (
    SourceError,
    notebook_code_cells,
    r_notebook_script,
    rewrite_kaggle_paths,
)

logger = logging.getLogger(__name__)

_DRIVER = Path(__file__).with_name("notebook_driver.py")
_MAX_LOG_BYTES = 8 * 1024 * 1024  # a runaway print loop must not eat the sandbox's memory
R_MISSING = "R is not installed on this sandbox machine (Rscript was not found on PATH)"


class KernelRun:
    """One session. Readers poll ``status``; the runner's worker threads are the only writers."""

    def __init__(self, run_id: str, run_dir: Path, kernel_type: str, language: str, timeout_s: float):
        self.run_id = run_id
        self.kernel_type = kernel_type
        self.language = language
        self.timeout_s = timeout_s
        self.run_dir = run_dir
        self.input_dir = run_dir / "input"
        self.output_dir = run_dir / "working"
        self.temp_dir = run_dir / "temp"
        self.home_dir = run_dir / "home"
        self.failure_message = ""
        self.status = "QUEUED"
        self.exit_code: int | None = None
        self._lock = threading.Lock()
        self._log: list[dict] = []
        self._log_bytes = 0
        self._started = time.monotonic()
        self._done = threading.Event()
        self._proc: subprocess.Popen | None = None
        self._cancelled = False
        # The log speaks Kaggle's paths, like the code does: real directories are mapped back.
        self._aliases = [(str(run_dir / "__script__.py"), "/kaggle/src/script.py"),
                         (self.input_dir.as_posix(), "/kaggle/input"), (self.output_dir.as_posix(), "/kaggle/working"),
                         (self.temp_dir.as_posix(), "/kaggle/temp")]

    # --- reading -------------------------------------------------------------------------
    def log_json(self) -> str:
        """The log as Kaggle serves it: one JSON object per line, joined by newline-comma."""
        with self._lock:
            entries = list(self._log)
        body = "\n,".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entries)
        return f"[{body}]"

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the session ends; True if it ended within ``timeout`` (tests use it)."""
        return self._done.wait(timeout)

    def cancel(self) -> None:
        """CancelKernelSession: a queued run never starts, a running one is killed."""
        with self._lock:
            self._cancelled = True
            proc = self._proc
        if proc is not None:
            kill_group(proc)
        if self.status == "QUEUED":
            self._finish("CANCEL_ACKNOWLEDGED", "cancelled")

    # --- writing (runner threads only) ---------------------------------------------------
    def _append(self, stream: str, data: str) -> None:
        for real, shown in self._aliases:
            data = data.replace(real, shown)
        with self._lock:
            if self._log_bytes > _MAX_LOG_BYTES:
                return
            self._log_bytes += len(data)
            if self._log_bytes > _MAX_LOG_BYTES:
                data = "[sandbox] log truncated: the session wrote more than 8 MB\n"
            self._log.append(
                {"stream_name": stream, "time": round(time.monotonic() - self._started, 6), "data": data}
            )

    def _finish(self, status: str, failure_message: str = "") -> None:
        with self._lock:
            if self._done.is_set():
                return
            self.failure_message = failure_message  # set before status: readers of ERROR see it
            self.status = status
            self._done.set()


class KernelRunner:
    """Runs sessions FIFO with at most ``max_concurrent`` subprocesses at once; the rest stay QUEUED."""

    def __init__(self, root: Path, default_timeout_s: float = 600, max_concurrent: int = 2):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.default_timeout_s = default_timeout_s
        self._queue: queue.Queue[KernelRun | None] = queue.Queue()
        self._jobs: dict[str, tuple[str, dict]] = {}
        self._runs: list[KernelRun] = []
        self._lock = threading.Lock()
        self._closed = False
        self._workers = [
            threading.Thread(target=self._work, name=f"kernel-runner-{i}", daemon=True)
            for i in range(max(1, max_concurrent))
        ]
        for worker in self._workers:
            worker.start()

    def start(
        self,
        run_id: str,
        source: str,
        kernel_type: str,
        language: str,
        inputs: dict[str, Path | Callable[[], Path]],
        timeout_s: float | None = None,
    ) -> KernelRun:
        """Queue a session and return at once; ``run_id`` names its directory and must be unique.

        ``inputs`` maps a mount path under the input dir (``"titanic"``, ``"alice/ds"``) to a local
        directory. A value may also be a zero-argument callable returning that directory: it is
        called in the worker thread just before the copy, so a caller whose sources are expensive
        to write (a generated 50 MB file) need not do it inside the SaveKernel request.
        """
        if not run_id or "/" in run_id or run_id in (".", ".."):
            raise ValueError(f"invalid run id {run_id!r}")
        run_dir = self.root / run_id
        if run_dir.exists():
            _remove_tree(run_dir)
        for sub in ("input", "working", "temp", "home"):
            (run_dir / sub).mkdir(parents=True)
        timeout = timeout_s if timeout_s and timeout_s > 0 else self.default_timeout_s
        run = KernelRun(run_id, run_dir, kernel_type.lower(), language.lower(), timeout)
        with self._lock:
            if self._closed:
                run._finish("ERROR", "the sandbox is shutting down")
                return run
            self._jobs[run_id] = (source, dict(inputs))
            self._runs = [r for r in self._runs if not r.finished] + [run]  # what shutdown must stop
        self._queue.put(run)
        return run

    def shutdown(self) -> None:
        """Kill running sessions, fail queued ones, stop the workers (called when the sandbox stops)."""
        with self._lock:
            self._closed = True
            runs = list(self._runs)
        for run in runs:
            if not run.finished:
                run._finish("ERROR", "the sandbox shut down before the session finished")
                run.cancel()  # already finished, so this only kills the process
        for _ in self._workers:
            self._queue.put(None)
        for worker in self._workers:
            worker.join(timeout=KILL_GRACE_S + 3)

    # --- worker side -----------------------------------------------------------------------
    def _work(self) -> None:
        while (run := self._queue.get()) is not None:
            with self._lock:
                source, inputs = self._jobs.pop(run.run_id, ("", {}))
            if run.finished:
                continue
            try:
                outcome = self._execute(run, source, inputs)
            except Exception as exc:  # noqa: BLE001 - the sandbox must survive any session
                logger.exception("kernel session %s crashed the runner", run.run_id)
                outcome = ("ERROR", f"sandbox runner error: {exc}")
            _remove_tree(run.input_dir)  # inputs are copies; outputs stay for download
            run._finish(*outcome)

    def _execute(self, run: KernelRun, source: str, inputs: dict) -> tuple[str, str]:
        """Run one session to its end and return (status, failure message)."""
        run.status = "RUNNING"
        run._started = time.monotonic()
        try:
            _mount_inputs(run.input_dir, inputs)
            command = self._prepare(run, source)
        except (SourceError, ValueError, OSError) as exc:
            run._append("stderr", f"{exc}\n")
            return "ERROR", str(exc)
        proc = subprocess.Popen(
            command,
            cwd=run.output_dir,
            env=_kernel_env(run),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # own process group: the timeout kills children too
        )
        with run._lock:
            run._proc = proc
            cancelled = run._cancelled
        if cancelled:
            kill_group(proc)
        readers = [
            threading.Thread(target=pump, args=(proc.stdout, "stdout", run._append), daemon=True),
            threading.Thread(target=pump, args=(proc.stderr, "stderr", run._append), daemon=True),
        ]
        for reader in readers:
            reader.start()
        timed_out = False
        try:
            proc.wait(timeout=run.timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        kill_group(proc)  # also reaps background children left by a finished run
        for reader in readers:
            reader.join(timeout=KILL_GRACE_S)
        run.exit_code = proc.returncode
        return self._conclude(run, proc.returncode, timed_out)

    def _prepare(self, run: KernelRun, source: str) -> list[str]:
        """Write the runnable files and return the command; SourceError if it cannot run here."""
        dirs = {"input": run.input_dir, "working": run.output_dir, "temp": run.temp_dir}
        source = rewrite_kaggle_paths(source, dirs)
        if run.language in ("r", "rmarkdown"):
            rscript = shutil.which("Rscript")
            if rscript is None:
                raise SourceError(R_MISSING)
            if run.language == "rmarkdown" and run.kernel_type == "script":
                path = run.run_dir / "__script__.Rmd"
                path.write_text(source, encoding="utf-8")
                render = f"rmarkdown::render({path.as_posix()!r}, output_dir={run.output_dir.as_posix()!r})"
                return [rscript, "-e", render]
            script = r_notebook_script(source) if run.kernel_type == "notebook" else source
            path = run.run_dir / "__script__.R"
            path.write_text(script, encoding="utf-8")
            return [rscript, str(path)]
        if run.language not in ("python", ""):
            raise SourceError(f"language {run.language!r} is not supported by the sandbox runner (python or r)")
        if run.kernel_type == "notebook":
            cells = [
                {"index": c.index, "id": c.id, "source": c.source} for c in notebook_code_cells(source)
            ]
            (run.run_dir / "__cells__.json").write_text(json.dumps(cells), encoding="utf-8")
            return [sys.executable, "-u", str(_DRIVER), str(run.run_dir / "__cells__.json"),
                    str(run.run_dir / "__failure__.json")]
        path = run.run_dir / "__script__.py"
        path.write_text(source, encoding="utf-8")
        return [sys.executable, "-u", str(path)]

    def _conclude(self, run: KernelRun, returncode: int | None, timed_out: bool) -> tuple[str, str]:
        if run._cancelled:
            return "CANCEL_ACKNOWLEDGED", "cancelled"
        if timed_out:
            message = f"timeout: the session ran longer than {run.timeout_s:g} s and was stopped"
            run._append("stderr", message + "\n")
            return "ERROR", message
        if returncode == 0:
            return "COMPLETE", ""
        return "ERROR", _failure_message(run, returncode)


def _failure_message(run: KernelRun, returncode: int | None) -> str:
    """Name the failing cell for notebooks; otherwise the last stderr line (the exception)."""
    failure = run.run_dir / "__failure__.json"
    if failure.is_file():
        info = json.loads(failure.read_text(encoding="utf-8"))
        where = f"cell {info['cell']}" + (f" (id {info['id']})" if info.get("id") else "")
        return f"Error in {where}: {info['exception']}"
    if returncode is not None and returncode < 0:
        return f"the session was killed by signal {signal.Signals(-returncode).name}"
    with run._lock:
        stderr = [e["data"] for e in run._log if e["stream_name"] == "stderr"]
    last = next((ln.strip() for ln in reversed("".join(stderr).splitlines()) if ln.strip()), "")
    return last or f"the session exited with code {returncode}"


# What a kernel inherits from the sandbox's environment: how to find programs and libraries, the locale, and
# how to reach the network (proxies, CA bundles), since kernels run with internet on. Nothing else: the
# server's environment holds API keys of every kind (cloud, LLM providers, Kaggle), and a kernel may be a
# fork of a stranger's notebook.
PASSED_THROUGH = ("PATH", "PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH", "SYSTEMROOT", "LANG", "LANGUAGE", "TZ",
                  "TERM", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
                  "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
PASSED_THROUGH_PREFIXES = ("LC_", "R_LIBS")


def _kernel_env(run: KernelRun) -> dict[str, str]:
    """An allow-listed environment and a home of its own: a kernel must not read the user's ~/.kaggle
    credentials or any key the server was started with, as Kaggle's own kernels cannot."""
    env = {k: v for k, v in os.environ.items() if k in PASSED_THROUGH or k.startswith(PASSED_THROUGH_PREFIXES)}
    env.update(
        HOME=str(run.home_dir),
        TMPDIR=str(run.temp_dir),
        KAGGLE_INPUT_DIR=str(run.input_dir),
        KAGGLE_WORKING_DIR=str(run.output_dir),
        KAGGLE_KERNEL_RUN_TYPE="Batch",
        PYTHONPATH=os.pathsep.join(filter(None, [str(run.output_dir), os.environ.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
        PYTHONDONTWRITEBYTECODE="1",
        MPLBACKEND="Agg",
    )
    return env


def _mount_inputs(input_dir: Path, inputs: dict[str, Path | Callable[[], Path]]) -> None:
    """Copy each source to ``input/<mount>`` and make it read-only, as Kaggle's inputs are."""
    for mount, local in inputs.items():
        if callable(local):
            local = local()
        parts = PurePosixPath(mount).parts
        if not parts or PurePosixPath(mount).is_absolute() or any(p in ("..", ".") for p in parts):
            raise ValueError(f"invalid input mount path {mount!r}")
        local = Path(local)
        if not local.is_dir():
            raise ValueError(f"input {mount!r} is missing on the sandbox ({local} is not a directory)")
        target = input_dir.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(local, target, dirs_exist_ok=True)
        alias = input_dir / parts[-1]
        if len(parts) == 2 and not alias.exists():
            try:
                alias.symlink_to(target.relative_to(input_dir), target_is_directory=True)
            except OSError:  # e.g. Windows without symlink rights: the owner/slug path still works
                pass
    for path in sorted(input_dir.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)


def _remove_tree(path: Path) -> None:
    """rmtree that first restores write permission (inputs are made read-only)."""
    if not path.exists():
        return
    for sub in path.rglob("*"):
        if sub.is_dir() and not sub.is_symlink():
            sub.chmod(sub.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR | stat.S_IRUSR)
    shutil.rmtree(path, ignore_errors=True)
