"""Following a notebook's run on Kaggle: its state (optionally waiting for the end), its output, and
pushing and following in one step (what an agent wants most of the time: one call from code to results)."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import anyio.to_thread
from pydantic import BaseModel

from ..kaggle.errors import KaggleError, NotFound, describe
from ..kaggle.models.kernels import ApiGetKernelSessionStatusResponse
from ..kaggle.refs import notebook_ref
from ..textsafe import scrub
from .account import Account
from .errors import WorkflowError
from .notebooks import owner_and_slug
from .polling import poll
from .progress import Progress, byte_progress
from .pushing import Pushed, PushRequest, push_notebook
from .workspace import SavedFile, Workspace

TERMINAL = {"COMPLETE", "ERROR", "CANCEL_ACKNOWLEDGED", "CANCEL_REQUESTED"}


def never_ran(ref: str) -> WorkflowError:
    return WorkflowError(f"Kaggle has no run for {ref} (404). Either the notebook does not exist, or it was saved "
                         "but never run.", "Push it with push_notebook (every push starts a run) and check again in "
                         "a few seconds. Your notebooks are listed by list_notebooks(mine=true).")


class RunStatus(BaseModel):
    ref: str
    status: str
    failure_message: str | None = None
    waited_seconds: float = 0
    wait_cut_short: str | None = None


class RunOutput(BaseModel):
    """Workspace-relative paths of the output files (the log last, apart), and the log's text."""

    ref: str
    directory: str
    files: list[SavedFile]
    log_file: str | None = None
    log: str = ""
    skipped_unsafe: list[str] = []


async def notebook_status(account: Account, notebook: str, wait_seconds: float = 0,
                          progress: Progress | None = None) -> RunStatus:
    """The latest run's state; with `wait_seconds`, polls (backing off) until it ends or time is up."""
    kc = account.client
    owner, slug = await owner_and_slug(kc, notebook_ref(notebook))
    ref = f"{owner}/{slug}"

    async def check() -> ApiGetKernelSessionStatusResponse:
        try:
            return await kc.kernels.get_kernel_session_status(owner, slug)
        except NotFound as exc:
            raise never_ran(ref) from exc

    seen = await poll(account, check, lambda r: (r.status or "QUEUED") in TERMINAL, wait_seconds, progress,
                      lambda r, waited: f"{ref}: {r.status or 'QUEUED'} after {waited:.0f}s")
    return RunStatus(ref=ref, status=seen.value.status or "QUEUED", failure_message=seen.value.failure_message,
                     waited_seconds=seen.waited, wait_cut_short=seen.cut_short)


def decode_log(raw: str | None) -> str:
    """Kaggle's log is a JSON array of {stream_name, time, data} records; tolerate plain text too."""
    if not raw:
        return ""
    try:
        records = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(records, list):
        return raw
    out = []
    for rec in records:
        if isinstance(rec, dict):
            data = str(rec.get("data", ""))
            out.append(f"[stderr] {data}" if rec.get("stream_name") == "stderr" and data.strip() else data)
        else:
            out.append(str(rec))
    return "".join(out)


def _decode_saved_log(workspace: Workspace, path: Path) -> str:
    """The client saves Kaggle's raw JSON log; rewrite it (atomically, through no link) as the readable text
    it encodes."""
    text = scrub(decode_log(path.read_text(encoding="utf-8", errors="replace")))
    workspace.write(workspace.relative(path), text)
    return text


async def notebook_output(account: Account, notebook: str, pattern: str | None = None,
                          progress: Progress | None = None) -> RunOutput:
    """Download the latest run's output files (and log) into `notebooks/<owner>/<slug>/output/`."""
    kc = account.client
    owner, slug = await owner_and_slug(kc, notebook_ref(notebook))
    workspace = account.workspace
    async with workspace.output_dir("notebooks", owner, slug, "output") as dest:
        try:
            download = await kc.kernels.download_output(owner, slug, dest, pattern=pattern,
                                                        progress=byte_progress(progress, f"Downloading output of {slug}"))
        except NotFound as exc:
            raise never_ran(f"{owner}/{slug}") from exc
    log_path = dest / f"{slug}.log"
    saved = [Path(f.path) for f in download.files]
    has_log = log_path in saved
    log = await anyio.to_thread.run_sync(_decode_saved_log, workspace, log_path) if has_log else ""
    files = await anyio.to_thread.run_sync(workspace.saved, [p for p in saved if p != log_path])
    return RunOutput(ref=f"{owner}/{slug}", directory=workspace.relative(dest), files=files,
                     log_file=workspace.relative(log_path) if has_log else None, log=log,
                     skipped_unsafe=download.skipped)


class PushedRun(BaseModel):
    """A push, and when the caller waited: how its run ended (or how far it got) and what it produced.
    `problem` says why the run could not be followed or its output fetched; the push itself succeeded."""

    pushed: Pushed
    status: RunStatus | None = None
    output: RunOutput | None = None
    problem: str | None = None


async def push_and_wait(account: Account, request: PushRequest, wait_seconds: float,
                        progress: Progress | None = None) -> PushedRun:
    """Push, then (``wait_seconds`` > 0) wait for the run and, once it has ended, fetch its output and log.

    Failures after the push are reported in ``problem``, never raised: the notebook was pushed, and an
    error would make the caller push it again."""
    pushed = await push_notebook(account, request)
    if wait_seconds <= 0:
        return PushedRun(pushed=pushed)
    try:
        status = await notebook_status(account, pushed.ref, wait_seconds, progress)
    except (KaggleError, WorkflowError) as exc:
        return PushedRun(pushed=pushed, problem=f"following the run failed: {describe(exc)}")
    if status.status not in ("COMPLETE", "ERROR"):
        return PushedRun(pushed=pushed, status=status)
    try:
        output = await notebook_output(account, pushed.ref, progress=progress)
    except (KaggleError, WorkflowError) as exc:
        return PushedRun(pushed=pushed, status=status, problem=f"fetching the output failed: {describe(exc)}")
    return PushedRun(pushed=pushed, status=status, output=output)
