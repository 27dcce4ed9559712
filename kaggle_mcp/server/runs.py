"""Run tools: push a notebook to run on Kaggle (and wait for it), follow its run, fetch its output and log,
and cancel it."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server.arguments import NotebookArg
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import Fence, fit_rows, neutralise, result, skipped_note, tail, tail_within, toon
from kaggle_mcp.server.request import account, deployment, progress
from kaggle_mcp.kaggle.accelerators import ACCELERATORS
from kaggle_mcp.workflows.pushing import Pushed, PushRequest
from kaggle_mcp.workflows.run_control import RunCancel, cancel_notebook_run as cancel
from kaggle_mcp.workflows.runs import RunOutput, RunStatus, notebook_output, notebook_status, push_and_wait
from kaggle_mcp.workflows.workspace import SavedFile


class Output(BaseModel):
    ref: str
    directory: str
    files: list[SavedFile]
    total_files: int = 0
    log_file: str | None = None
    log_tail: str = ""
    skipped_unsafe: list[str] = []


class PushResult(Pushed):
    run: RunStatus | None = None
    output: Output | None = None
    problem: str | None = None


PUSH_LOG_LINES = 20


async def push_notebook(
    ctx: Context,
    title: Annotated[str, Field(min_length=5, description="Notebook title (5+ characters); a new notebook's slug derives from it.")],
    source: Annotated[str, Field(description="Inline code (a script, or .ipynb JSON as a string). Give source or path.")] = "",
    path: Annotated[str | None, Field(description="A .py/.R/.ipynb file inside the workspace. Give source or path.")] = None,
    notebook: Annotated[str | None, Field(description="Existing notebook to push a new version of (owner/slug or URL).")] = None,
    kernel_type: Annotated[Literal["script", "notebook"], Field(description="'script' or 'notebook' (.ipynb paths are notebooks).")] = "script",
    language: Annotated[Literal["python", "r", "rmarkdown"], Field(description="Source language.")] = "python",
    accelerator: Annotated[str, Field(description="none | gpu (GPU T4 x2) | gpu-t4x2 (the same) | tpu (TPU v5e-8); GPU/TPU hours count against your weekly quota.",
                                      json_schema_extra={"enum": list(ACCELERATORS)})] = "none",
    internet: Annotated[bool, Field(description="Allow internet access (code competitions often forbid it).")] = True,
    private: Annotated[bool, Field(description="Keep it private. A public notebook also needs confirm=true.")] = True,
    competition_sources: Annotated[list[str], Field(description="Competitions to attach as input (slugs or URLs); data appears under /kaggle/input/<slug>.")] = [],
    dataset_sources: Annotated[list[str], Field(description="Datasets to attach (owner/slug or URLs).")] = [],
    kernel_sources: Annotated[list[str], Field(description="Other notebooks whose output to attach (owner/slug).")] = [],
    model_sources: Annotated[list[str], Field(description="Models to attach (owner/model/framework/variation/version).")] = [],
    timeout_minutes: Annotated[int | None, Field(ge=1, le=720, description="Stop the run after this many minutes.")] = None,
    confirm: Annotated[bool, Field(description="Required with private=false: publishing is visible to everyone.")] = False,
    wait_seconds: Annotated[int, Field(ge=0, le=3600, description="Wait up to this long for the run; if it ends, "
                                                                  "its output files are saved and listed with the log tail.")] = 0,
) -> Annotated[CallToolResult, PushResult]:
    """Push code and run it on Kaggle's machines (free GPU/TPU); re-pushing the same title (or notebook=)
    makes a new version. Attach the competition with competition_sources to mount its data. With
    wait_seconds the same call waits for the run and returns its output files (saved in the workspace)
    and log tail; else follow it with get_notebook_status and get_notebook_output."""
    me = await account(ctx)
    done = await push_and_wait(me, PushRequest(
        title=title, source=source or None, path=path, notebook=notebook, kernel_type=kernel_type, language=language,
        accelerator=accelerator, internet=internet, private=private, competition_sources=tuple(competition_sources),
        dataset_sources=tuple(dataset_sources), kernel_sources=tuple(kernel_sources),
        model_sources=tuple(model_sources), timeout_minutes=timeout_minutes, confirm=confirm), wait_seconds,
        progress(ctx))
    pushed = done.pushed
    where = "the embedded sandbox runs it on this machine" if me.sandbox else "Kaggle runs it"
    lines = [f"Pushed {pushed.ref} version {pushed.version} ({pushed.url}); {where}.",
             *(f"Warning: {neutralise(w)}" for w in pushed.warnings)]
    output = _output(done.output, deployment(ctx).settings.max_tokens, PUSH_LOG_LINES) if done.output else None
    if done.problem:
        lines.append(f"The push worked, but {neutralise(done.problem)}. Do not push again: call "
                     f'get_notebook_status(notebook="{pushed.ref}") and get_notebook_output.')
    elif done.status:
        lines.append(_status_text(done.status, waited=True))
    else:
        lines.append(f'Next: get_notebook_status(notebook="{pushed.ref}", wait_seconds=300) until COMPLETE or ERROR.')
    if output:
        lines.append(_output_text(output, PUSH_LOG_LINES))
    return result("\n".join(lines), PushResult(**pushed.model_dump(), run=done.status, output=output,
                                               problem=done.problem))


async def get_notebook_status(
    ctx: Context,
    notebook: NotebookArg,
    wait_seconds: Annotated[int, Field(ge=0, le=3600, description="Poll up to this long until the run finishes (0 = check once).")] = 0,
) -> Annotated[CallToolResult, RunStatus]:
    """The state of a notebook's latest run: QUEUED, RUNNING, COMPLETE, ERROR (with Kaggle's failure
    message) or CANCEL_ACKNOWLEDGED. With wait_seconds it polls (backing off, reporting progress) until the
    run ends or the time is up, which saves many round trips."""
    st = await notebook_status(await account(ctx), notebook, wait_seconds, progress(ctx))
    return result(_status_text(st), st)


def _status_text(st: RunStatus, waited: bool = False) -> str:
    """The run's state and the next step; `waited` when the output follows in the same answer."""
    if st.status == "COMPLETE":
        return (f"{st.ref}: COMPLETE." if waited else
                f'{st.ref}: COMPLETE. Next: get_notebook_output(notebook="{st.ref}") to fetch its files and log.')
    if st.status == "ERROR":
        return (f"{st.ref}: ERROR - {neutralise(st.failure_message or 'no failure message')}. " +
                ("Fix the code (the log is below) and push again." if waited else
                 f'get_notebook_output(notebook="{st.ref}") shows the log; fix the code and push again.'))
    if st.status.startswith("CANCEL"):
        return f"{st.ref}: {st.status}: the run was cancelled. Push again to start a new run."
    why = f"; {st.wait_cut_short}" if st.wait_cut_short else ""
    return (f"{st.ref}: {st.status} (still going after {st.waited_seconds:.0f}s of waiting{why}). "
            f'Call get_notebook_status(notebook="{st.ref}", wait_seconds=300) again.')


async def get_notebook_output(
    ctx: Context,
    notebook: NotebookArg,
    pattern: Annotated[str | None, Field(description="Only output files whose names match: a glob such as '*.csv' or 'figs/*', or a word in the name (e.g. 'submission').")] = None,
    log_lines: Annotated[int, Field(ge=0, le=2000, description="How many of the log's last lines to show.")] = 50,
) -> Annotated[CallToolResult, Output]:
    """Download a finished run's output files into the workspace (notebooks/<owner>/<slug>/output/) and
    show the end of its log (the whole decoded log is saved beside the files). Use it after
    get_notebook_status says COMPLETE (or ERROR, to read the traceback)."""
    got = await notebook_output(await account(ctx), notebook, pattern, progress(ctx))
    out = _output(got, deployment(ctx).settings.max_tokens, log_lines)
    return result(_output_text(out, log_lines), out)


def _output(got: RunOutput, budget: int, log_lines: int) -> Output:
    """A run's output as the model sees it: the files listed within a quarter of the budget, the log's
    last lines within half of it."""
    rows = [f.model_dump() for f in got.files]
    shown = rows[:fit_rows(rows, budget // 4, lambda rs: toon({"files": rs}))]
    return Output(ref=got.ref, directory=got.directory, files=[SavedFile(**r) for r in shown], total_files=len(rows),
                  log_file=got.log_file, log_tail=tail_within(tail(got.log, log_lines), budget // 2),
                  skipped_unsafe=got.skipped_unsafe)


def _output_text(out: Output, log_lines: int) -> str:
    rows = [f.model_dump() for f in out.files]
    parts = [toon({"files": rows}) if rows else f"{out.ref} produced no output files."]
    if out.skipped_unsafe:
        parts.append(skipped_note(out.skipped_unsafe).lstrip("\n"))
    if out.total_files > len(rows):
        parts.append(f"{out.total_files - len(rows)} more files are in {out.directory} (not listed, to save tokens); "
                     "pass pattern=... to fetch only the files you need.")
    if out.log_tail:
        fence = Fence()
        parts.append(f"Last {log_lines} log lines (whole log: {out.log_file}). {fence.note()}")
        parts.append(fence.wrap(out.log_tail, f"run log of {out.ref}"))
    if any(f.file.endswith(".csv") for f in out.files):
        parts.append("To submit a CSV: submit_to_competition(competition=..., file=<file above>, message=..., confirm=true).")
    return "\n".join(parts)


async def cancel_notebook_run(ctx: Context, notebook: NotebookArg) -> Annotated[CallToolResult, RunCancel]:
    """Stop the queued or running run of one of your notebooks (a wrong push, or a run wasting GPU quota);
    waits up to 30 s for Kaggle to confirm."""
    done = await cancel(await account(ctx), notebook, progress=progress(ctx))
    if done.stopped:
        text = f"{done.ref}: stopped ({done.status}). Push again to start a new run."
    else:
        text = (f"{done.ref}: cancel requested; Kaggle still says {done.status} after {done.waited_seconds:.0f}s. "
                f'Check with get_notebook_status(notebook="{done.ref}").')
    return result(text, done)


TOOLS = (
    ToolSpec(push_notebook, "Push notebook and run it", "notebook", writes=True),
    ToolSpec(get_notebook_status, "Get notebook run status", "notebook", read_only=True, idempotent=True),
    ToolSpec(get_notebook_output, "Get notebook output", "notebook", idempotent=True),
    ToolSpec(cancel_notebook_run, "Cancel notebook run", "notebook", idempotent=True, destructive=True, writes=True),
)
