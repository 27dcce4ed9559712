"""Submissions: the history and today's quota, and a submit that checks the file before it costs quota."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
from pydantic import BaseModel

from ..kaggle.errors import KaggleError
from ..kaggle.models.competitions import ApiSubmission
from ..kaggle.refs import competition_slug, notebook_ref, require_owner
from .account import Account
from .display import day
from .errors import WorkflowError
from .progress import Progress, byte_progress
from .polling import poll

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient

RECENT_VERSIONS = 10  # how far back a code submission looks for a completed run


class SubmissionRow(BaseModel):
    ref: int | str | None = None
    date: str | None = None
    file: str | None = None
    description: str | None = None
    status: str | None = None
    public_score: str | None = None
    private_score: str | None = None


class SubmissionPage(BaseModel):
    competition: str
    submissions: list[SubmissionRow]
    remaining_today: int | None = None
    next_page_token: str | None = None


class Submitted(BaseModel):
    """What was sent (for a code competition, which notebook version), and how far scoring got while we
    waited: `status` PENDING, COMPLETE or ERROR, with the public score or Kaggle's error."""

    competition: str
    ref: int | str | None = None
    message: str
    remaining_today: int | None = None
    notebook_version: int | None = None
    status: str = "PENDING"
    public_score: str | None = None
    error: str | None = None
    waited_seconds: float = 0
    wait_cut_short: str | None = None


async def remaining_today(kc: KaggleClient, slug: str) -> int | None:
    """Submissions left today, or None when Kaggle will not say (the quota is a hint, never a failure)."""
    try:
        return (await kc.competitions.get_submission_limits(slug)).num_allowed_now
    except KaggleError:
        return None


async def list_submissions(account: Account, competition: str, page_token: str = "") -> SubmissionPage:
    slug = competition_slug(competition)
    kc = account.client
    resp = await kc.competitions.list_submissions(slug, page_token=page_token)
    rows = [SubmissionRow(ref=s.ref, date=day(s.date), file=s.file_name, description=s.description,
                          status=s.status or "PENDING", public_score=s.public_score, private_score=s.private_score)
            for s in resp.submissions]
    return SubmissionPage(competition=slug, submissions=rows, remaining_today=await remaining_today(kc, slug),
                          next_page_token=resp.next_page_token or None)


def _columns(first_line: str) -> list[str]:
    """Column names of a CSV header line, ignoring quoting, spaces, case and a byte-order mark."""
    row = next(csv.reader([first_line.strip().lstrip("\ufeff")]), [])
    return [name.strip().lower() for name in row]


def _first_line(path: Path) -> str:
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        return fh.readline().strip().lstrip("\ufeff")


async def _check_against_sample(kc: KaggleClient, slug: str, path: Path) -> None:
    """Refuse a file whose header differs from the sample submission's: it would only waste quota."""
    if path.suffix.lower() != ".csv":
        return
    names = [f.name or f.ref async for f in kc.competitions.iter_data_files(slug)]
    sample = next((n for n in names if "sample_submission" in n.lower() or n.lower().endswith("submission.csv")), None)
    if not sample:
        return
    head = await kc.competitions.read_data_file_head(slug, sample, max_bytes=4096)
    expected = head.data.decode("utf-8", "replace").splitlines()[0].strip().lstrip("\ufeff") if head.data else ""
    got = await anyio.to_thread.run_sync(_first_line, path)
    if expected and _columns(got) != _columns(expected):
        raise WorkflowError(f"'{path.name}' does not match the sample submission '{sample}': its header is "
                            f"'{got[:200]}' but Kaggle expects '{expected[:200]}'.", "Fix the columns and try again.")


async def _gate(kc: KaggleClient, slug: str, file: str, confirm: bool) -> int | None:
    """Quota first, then confirmation: the agent learns every problem before it asks the user."""
    left = await remaining_today(kc, slug)
    if left == 0:
        raise WorkflowError(f"No submissions left today for {slug}.",
                            "Submit again after midnight UTC, when the daily quota resets; until then, improve the "
                            "file and check scored ones with list_submissions.")
    if not confirm:
        quota = f"{left} remaining today" if left is not None else "a limited daily number"
        raise WorkflowError(f"Not submitted yet: '{file}' passed the checks. Submitting uses one of your "
                            f"submissions ({quota}).",
                            "Ask the user, then call submit_to_competition again with confirm=true.")
    return left


async def latest_successful_version(kc: KaggleClient, owner: str, slug: str) -> int:
    """The newest version of a notebook whose run completed: what a code competition can be scored on."""
    newest = (await kc.kernels.get_kernel(owner, slug)).metadata.current_version_number or 0
    for number in range(newest, max(newest - RECENT_VERSIONS, 0), -1):
        status = await kc.kernels.get_kernel_session_status(owner, slug, version_label=f"v{number}")
        if status.status == "COMPLETE":
            return number
    raise WorkflowError(f"{owner}/{slug} has no completed run among its last {RECENT_VERSIONS} versions, so there is "
                        "no output to submit.", f'Wait for it with get_notebook_status(notebook="{owner}/{slug}", '
                        "wait_seconds=300), or fix it and push again, then submit.")


async def wait_for_score(account: Account, done: Submitted, wait_seconds: float,
                         progress: Progress | None) -> Submitted:
    """Poll GetSubmission (backing off) until Kaggle has scored it or `wait_seconds` have passed."""
    if done.ref is None or not str(done.ref).isdigit():
        return done
    ref = int(done.ref)

    async def check() -> ApiSubmission:
        return await account.client.competitions.get_submission(ref)

    seen = await poll(account, check, lambda s: (s.status or "PENDING") != "PENDING", wait_seconds, progress,
                      lambda s, waited: f"submission {ref}: {s.status or 'PENDING'} after {waited:.0f}s",
                      first_delay=1.0)
    return done.model_copy(update={"status": seen.value.status or "PENDING",
                                   "public_score": seen.value.public_score or None,
                                   "error": seen.value.error_description or None, "waited_seconds": seen.waited,
                                   "wait_cut_short": seen.cut_short})


async def submit(account: Account, competition: str, file: str, message: str, confirm: bool = False,
                 notebook: str | None = None, wait_seconds: float = 30, progress: Progress | None = None) -> Submitted:
    """A workspace file, or for a code competition a notebook run's output file, after the checks; then waits
    up to `wait_seconds` for the score."""
    slug = competition_slug(competition)
    kc = account.client
    code = (await kc.competitions.get_competition(slug)).is_kernels_submissions_only
    if code and not notebook:
        raise WorkflowError(f"{slug} is a code competition: Kaggle only accepts a notebook's output.",
                            "Push and run a notebook (push_notebook with competition_sources=[slug]), then call "
                            "submit_to_competition with notebook=owner/slug and file=<its output file, e.g. "
                            "submission.csv>.")
    if notebook and not code:
        raise WorkflowError(f"notebook= is only for code competitions; {slug} takes a file.",
                            "Fetch the notebook's output with get_notebook_output and pass the downloaded file's "
                            "workspace path.")
    if notebook:
        ref = notebook_ref(notebook)
        owner, kernel = require_owner(ref, "notebook")
        version = ref.version or await latest_successful_version(kc, owner, kernel)
        left = await _gate(kc, slug, file, confirm)
        code_resp = await kc.competitions.create_code_submission(
            slug, owner, kernel, kernel_version=version, file_name=file, submission_description=message)
        sent, said = code_resp.ref, code_resp.message
    else:
        version = None
        path = account.workspace.resolve(file, must_exist=True)
        if not path.is_file():
            raise WorkflowError(f"'{file}' is a directory.", "Pass the submission file itself.")
        await _check_against_sample(kc, slug, path)
        left = await _gate(kc, slug, file, confirm)
        file_resp = await kc.competitions.submit(slug, path, message,
                                                 progress=byte_progress(progress, f"Uploading {path.name}"))
        sent, said = file_resp.ref, file_resp.message
    done = Submitted(competition=slug, ref=sent, message=said or "Submitted", notebook_version=version,
                     remaining_today=None if left is None else left - 1)
    return await wait_for_score(account, done, wait_seconds, progress) if wait_seconds > 0 else done
