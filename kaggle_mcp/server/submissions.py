"""Submission tools: history and quota, and a guarded submit that checks the file before using quota."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server.arguments import CompetitionArg, CursorArg
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import neutralise, next_cursor, page_token, result, table_answer
from kaggle_mcp.server.request import account, deployment, progress
from kaggle_mcp.workflows import submissions as flow


class Submissions(BaseModel):
    competition: str
    submissions: list[flow.SubmissionRow]
    remaining_today: int | None = None
    next_cursor: str | None = None


async def list_submissions(ctx: Context, competition: CompetitionArg,
                           cursor: CursorArg = None) -> Annotated[CallToolResult, Submissions]:
    """Your submissions to a competition, newest first, with status and public/private scores, plus how
    many submissions you have left today. Use it after submit_to_competition to read the score (status
    moves from PENDING to COMPLETE within a minute or two)."""
    page = await flow.list_submissions(await account(ctx), competition, page_token(cursor))
    text, shown, nxt = table_answer("submissions", [r.model_dump() for r in page.submissions],
                                    deployment(ctx).settings.max_tokens, cursor=cursor,
                                    next_cursor=next_cursor(page.next_page_token),
                                    header=f"Your submissions to {page.competition}:")
    if page.remaining_today is not None:
        text += f"\n{page.remaining_today} submissions remaining today."
    return result(text, Submissions(competition=page.competition, submissions=[flow.SubmissionRow(**r) for r in shown],
                                    remaining_today=page.remaining_today, next_cursor=nxt))


async def submit_to_competition(
    ctx: Context,
    competition: CompetitionArg,
    file: Annotated[str, Field(description="The submission file: a workspace path (e.g. notebooks/you/nb/output/submission.csv), or for a code competition the output file name of `notebook` (e.g. submission.csv).")],
    message: Annotated[str, Field(description="Short description shown in your submission history.")],
    confirm: Annotated[bool, Field(description="Must be true: submitting uses one of today's limited submissions. Ask the user first.")] = False,
    notebook: Annotated[str | None, Field(description="Code competitions only: the notebook (owner/slug, or owner/slug/version; without a version, its latest completed run) whose output `file` is.")] = None,
    wait_seconds: Annotated[int, Field(ge=0, le=600, description="Wait up to this long for the score (0 = answer at once).")] = 30,
) -> Annotated[CallToolResult, flow.Submitted]:
    """Submit predictions to a competition. A workspace file is checked against the sample submission's
    columns and today's quota before anything is sent; nothing goes out without confirm=true. For code
    competitions pass `notebook` (a completed run of yours) and the name of its output file instead.
    It then waits (wait_seconds) for Kaggle to score it and answers with the public score."""
    done = await flow.submit(await account(ctx), competition, file, message, confirm, notebook, wait_seconds,
                             progress(ctx))
    version = f" from version {done.notebook_version} of {notebook}" if done.notebook_version else ""
    left = "" if done.remaining_today is None else f" {done.remaining_today} submissions remaining today."
    if done.status == "COMPLETE":
        outcome = f"Scored: public score {done.public_score}."
    elif done.status == "ERROR":
        outcome = f"Kaggle could not score it: {neutralise(done.error or 'no reason given')}. Fix the file and submit again."
    else:
        why = f" ({done.wait_cut_short})" if done.wait_cut_short else ""
        outcome = (f"Still {done.status} after {done.waited_seconds:.0f}s{why}: call "
                   f'list_submissions(competition="{done.competition}") in a minute to read the score.')
    return result(f"{neutralise(done.message)} (submission {done.ref}{version}). {outcome}{left}", done)


TOOLS = (
    ToolSpec(list_submissions, "List my submissions", "competition", read_only=True, idempotent=True),
    ToolSpec(submit_to_competition, "Submit to competition", "competition", writes=True),
)
