"""Submission tools: history and quota, and a guarded submit that checks the file before using quota."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server import refs
from kaggle_mcp.server.competitions import CompetitionArg
from kaggle_mcp.server.render import decode_cursor, result, table_answer
from kaggle_mcp.server.tooling import add_tool, byte_progress, client, day, get, state


class SubmissionRow(BaseModel):
    ref: int | str | None = None
    date: str | None = None
    file: str | None = None
    description: str | None = None
    status: str | None = None
    public_score: str | None = None
    private_score: str | None = None


class Submissions(BaseModel):
    competition: str
    submissions: list[SubmissionRow]
    remaining_today: int | None = None
    next_cursor: str | None = None


class Submitted(BaseModel):
    competition: str
    ref: int | str | None = None
    message: str
    remaining_today: int | None = None


async def _remaining(kc, slug: str) -> int | None:
    try:
        return get(await kc.competitions.get_submission_limits(slug), "num_allowed_now")
    except Exception:  # the quota is a hint; a missing quota must not fail the call
        return None


async def list_submissions(
    ctx: Context,
    competition: CompetitionArg,
    cursor: Annotated[str | None, Field(description="next_cursor from the previous answer, to continue.")] = None,
) -> Annotated[CallToolResult, Submissions]:
    """Your submissions to a competition, newest first, with status and public/private scores, plus how
    many submissions you have left today. Use it after submit_to_competition to read the score (status
    moves from PENDING to COMPLETE within a minute or two)."""
    slug = refs.competition_slug(competition)
    kc = await client(ctx)
    token, offset = decode_cursor(cursor)
    resp = await kc.competitions.list_submissions(slug, page_token=token)
    rows = [SubmissionRow(ref=get(s, "ref"), date=day(get(s, "date")), file=get(s, "file_name"),
                          description=get(s, "description"), status=str(get(s, "status", default="PENDING")),
                          public_score=get(s, "public_score"), private_score=get(s, "private_score"))
            for s in resp.submissions]
    left = await _remaining(kc, slug)
    text, shown, nxt = table_answer("submissions", [r.model_dump() for r in rows], state(ctx).max_tokens,
                                    current_token=token, next_token=get(resp, "next_page_token"), offset=offset,
                                    header=f"Your submissions to {slug}:")
    if left is not None:
        text += f"\n{left} submissions remaining today."
    return result(text, Submissions(competition=slug, submissions=[SubmissionRow(**r) for r in shown],
                                    remaining_today=left, next_cursor=nxt))


def _columns(first_line: str) -> list[str]:
    """Column names of a CSV header line, ignoring quoting, spaces, case and a byte-order mark."""
    row = next(csv.reader([first_line.strip().lstrip("\ufeff")]), [])
    return [name.strip().lower() for name in row]


def _header(path: Path) -> str:
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        return fh.readline().strip().lstrip("\ufeff")


async def _check_against_sample(kc, slug: str, path: Path) -> None:
    """Refuse a file whose header differs from the sample submission's: it would only waste quota."""
    if path.suffix.lower() != ".csv":
        return
    files = [f async for f in kc.competitions.iter_data_files(slug)]
    names = [str(get(f, "name", default="")) for f in files]
    sample = next((n for n in names if "sample_submission" in n.lower() or n.lower().endswith("submission.csv")), None)
    if not sample:
        return
    head = await kc.competitions.read_data_file_head(slug, sample, max_bytes=4096)
    expected = head.data.decode("utf-8", "replace").splitlines()[0].strip().lstrip("\ufeff") if head.data else ""
    got = _header(path)
    if expected and _columns(got) != _columns(expected):
        raise ToolError(f"'{path.name}' does not match the sample submission '{sample}': its header is "
                        f"'{got[:200]}' but Kaggle expects '{expected[:200]}'. Fix the columns and try again.")


async def submit_to_competition(
    ctx: Context,
    competition: CompetitionArg,
    file: Annotated[str, Field(description="The submission file: a workspace path (e.g. notebooks/you/nb/output/submission.csv), or for a code competition the output file name of `notebook` (e.g. submission.csv).")],
    message: Annotated[str, Field(description="Short description shown in your submission history.")],
    confirm: Annotated[bool, Field(description="Must be true: submitting uses one of today's limited submissions. Ask the user first.")] = False,
    notebook: Annotated[str | None, Field(description="Code competitions only: the notebook (owner/slug or owner/slug/version) whose completed run produced `file`.")] = None,
) -> Annotated[CallToolResult, Submitted]:
    """Submit predictions to a competition. A workspace file is checked against the sample submission's
    columns and today's quota before anything is sent; nothing goes out without confirm=true. For code
    competitions pass `notebook` (a completed run of yours) and the name of its output file instead.
    Afterwards call list_submissions to read the score."""
    slug = refs.competition_slug(competition)
    kc = await client(ctx)
    code = bool(get(await kc.competitions.get_competition(slug), "is_kernels_submissions_only"))
    if code and not notebook:
        raise ToolError(f"{slug} is a code competition: Kaggle only accepts a notebook's output. Push and run a "
                        "notebook (push_notebook with competition_sources=[slug]), then call submit_to_competition "
                        "with notebook=owner/slug and file=<its output file, e.g. submission.csv>.")
    if notebook and not code:
        raise ToolError(f"notebook= is only for code competitions; {slug} takes a file: fetch the notebook's output "
                        "with get_notebook_output and pass the downloaded file's workspace path.")
    path = None if code else _submission_path(ctx, file)
    if path is not None:
        await _check_against_sample(kc, slug, path)
    left = await _gate(kc, slug, file, confirm)
    if code:
        owner, kslug = refs.require_owner(refs.notebook_ref(notebook), "notebook")
        resp = await kc.competitions.create_code_submission(
            slug, owner, kslug, kernel_version=refs.notebook_ref(notebook).version, file_name=file,
            submission_description=message)
    else:
        resp = await kc.competitions.submit(slug, path, message, progress=byte_progress(ctx, f"Uploading {path.name}"))
    done = Submitted(competition=slug, ref=get(resp, "ref"), message=str(get(resp, "message", default="Submitted")),
                     remaining_today=None if left is None else left - 1)
    text = (f"{done.message} (submission {done.ref}). "
            f"{'' if left is None else f'{left - 1} submissions remaining today. '}"
            "Scoring takes a minute or two: call list_submissions to see the public score.")
    return result(text, done)


def _submission_path(ctx: Context, file: str) -> Path:
    path = state(ctx).workspace.resolve(file, must_exist=True)
    if not path.is_file():
        raise ToolError(f"'{file}' is a directory; pass the submission file itself.")
    return path


async def _gate(kc, slug: str, file: str, confirm: bool) -> int | None:
    """Quota first, then confirmation: the model learns every problem before it asks the user."""
    left = await _remaining(kc, slug)
    if left == 0:
        raise ToolError(f"No submissions left today for {slug}; the quota resets at midnight UTC.")
    if not confirm:
        quota = f"{left} remaining today" if left is not None else "a limited daily number"
        raise ToolError(f"Not submitted yet: '{file}' passed the checks. Submitting uses one of your submissions "
                        f"({quota}). Ask the user, then call submit_to_competition again with confirm=true.")
    return left


def register(mcp: MCPServer, read_only: bool) -> None:
    add_tool(mcp, list_submissions, title="List my submissions", kind="competition", read_only=True, idempotent=True)
    if not read_only:
        add_tool(mcp, submit_to_competition, title="Submit to competition", kind="competition", read_only=False)
