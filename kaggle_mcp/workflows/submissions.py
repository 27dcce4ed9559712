"""Submissions: the history and today's quota, and a submit that checks the file before it costs quota."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import anyio.to_thread
from pydantic import BaseModel

from ..kaggle.errors import KaggleError
from ..kaggle.refs import competition_slug, notebook_ref, require_owner
from .account import Account
from .display import day
from .errors import WorkflowError
from .progress import Progress, byte_progress

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient


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
    competition: str
    ref: int | str | None = None
    message: str
    remaining_today: int | None = None


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
        raise WorkflowError(f"No submissions left today for {slug}.", "The quota resets at midnight UTC.")
    if not confirm:
        quota = f"{left} remaining today" if left is not None else "a limited daily number"
        raise WorkflowError(f"Not submitted yet: '{file}' passed the checks. Submitting uses one of your "
                            f"submissions ({quota}).",
                            "Ask the user, then call submit_to_competition again with confirm=true.")
    return left


async def submit(account: Account, competition: str, file: str, message: str, confirm: bool = False,
                 notebook: str | None = None, progress: Progress | None = None) -> Submitted:
    """A workspace file, or for a code competition a notebook run's output file, after the checks."""
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
        left = await _gate(kc, slug, file, confirm)
        code_resp = await kc.competitions.create_code_submission(
            slug, owner, kernel, kernel_version=ref.version, file_name=file, submission_description=message)
        sent, said = code_resp.ref, code_resp.message
    else:
        path = account.workspace.resolve(file, must_exist=True)
        if not path.is_file():
            raise WorkflowError(f"'{file}' is a directory.", "Pass the submission file itself.")
        await _check_against_sample(kc, slug, path)
        left = await _gate(kc, slug, file, confirm)
        file_resp = await kc.competitions.submit(slug, path, message,
                                                 progress=byte_progress(progress, f"Uploading {path.name}"))
        sent, said = file_resp.ref, file_resp.message
    return Submitted(competition=slug, ref=sent, message=said or "Submitted",
                     remaining_today=None if left is None else left - 1)
