"""The kernel workflow: push a notebook to run on Kaggle, follow its run, fetch its output and log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server import kernel_support as ks
from kaggle_mcp.server import refs
from kaggle_mcp.server.notebooks import NotebookArg, resolve_owner
from kaggle_mcp.server.render import FENCE_NOTE, fence, fit_rows, result, toon
from kaggle_mcp.textsafe import scrub
from kaggle_mcp.server.tooling import add_tool, byte_progress, client, get, human_bytes, skipped_note, state

NEVER_RAN = ("Kaggle has no run for {ref} (404). Either the notebook does not exist, or it was saved but never "
             "run: push it with push_notebook (every push starts a run) and check again in a few seconds. "
             "Your notebooks are listed by list_notebooks(mine=true).")


class Pushed(BaseModel):
    ref: str
    url: str | None = None
    version: int | None = None
    warnings: list[str] = []


class Status(BaseModel):
    ref: str
    status: str
    failure_message: str | None = None
    waited_seconds: float = 0


class Output(BaseModel):
    ref: str
    directory: str
    files: list[dict]
    total_files: int = 0
    log_file: str | None = None
    log_tail: str = ""
    skipped_unsafe: list[str] = []


async def push_notebook(
    ctx: Context,
    title: Annotated[str, Field(min_length=5, description="Notebook title (5+ characters); a new notebook's slug derives from it.")],
    source: Annotated[str | None, Field(description="Inline code (a script, or .ipynb JSON). Give source or path.")] = None,
    path: Annotated[str | None, Field(description="A .py/.R/.ipynb file inside the workspace. Give source or path.")] = None,
    notebook: Annotated[str | None, Field(description="Existing notebook to push a new version of (owner/slug or URL).")] = None,
    kernel_type: Annotated[Literal["script", "notebook"], Field(description="'script' or 'notebook' (.ipynb paths are notebooks).")] = "script",
    language: Annotated[Literal["python", "r", "rmarkdown"], Field(description="Source language.")] = "python",
    accelerator: Annotated[str, Field(description="none | gpu (NVIDIA T4) | gpu-t4x2 | gpu-p100 | tpu (TPU v5e-8); GPU/TPU hours count against your weekly quota.",
                                      json_schema_extra={"enum": list(ks.ACCELERATORS)})] = "none",
    internet: Annotated[bool, Field(description="Allow internet access (code competitions often forbid it).")] = True,
    private: Annotated[bool, Field(description="Keep it private. A public notebook also needs confirm=true.")] = True,
    competition_sources: Annotated[list[str], Field(description="Competitions to attach as input (slugs or URLs); data appears under /kaggle/input/<slug>.")] = [],
    dataset_sources: Annotated[list[str], Field(description="Datasets to attach (owner/slug or URLs).")] = [],
    kernel_sources: Annotated[list[str], Field(description="Other notebooks whose output to attach (owner/slug).")] = [],
    model_sources: Annotated[list[str], Field(description="Models to attach (owner/model/framework/variation/version).")] = [],
    timeout_minutes: Annotated[int | None, Field(ge=1, le=720, description="Stop the run after this many minutes.")] = None,
    confirm: Annotated[bool, Field(description="Required with private=false: publishing is visible to everyone.")] = False,
) -> Annotated[CallToolResult, Pushed]:
    """Push code to Kaggle and start a run on Kaggle's machines (free GPU/TPU). Pushing a notebook that
    already exists (same title slug, or `notebook=`) creates a new version of it. Attach the competition
    with competition_sources so its data is mounted. Then follow the run with get_notebook_status and
    fetch results with get_notebook_output."""
    from kaggle_mcp.server.push import push

    if (source is None) == (path is None):
        raise ToolError("Pass exactly one of source (inline code) or path (a file in the workspace).")
    acc = ks.accelerator(accelerator)
    if not private and not confirm:
        raise ToolError("A public notebook is visible to everyone on Kaggle: ask the user, then call again with "
                        "confirm=true (or keep private=true).")
    pushed = await push(ctx, title=title, source=source, path=path, notebook=notebook, kernel_type=kernel_type,
                        language=language, acc=acc, internet=internet, private=private,
                        sources=(competition_sources, dataset_sources, kernel_sources, model_sources),
                        timeout_minutes=timeout_minutes)
    where = "the embedded sandbox is running it on this machine" if state(ctx).sandbox_url else "Kaggle is running it now"
    lines = [f"Pushed {pushed.ref} version {pushed.version} ({pushed.url}); {where}.",
             *(f"Warning: {w}" for w in pushed.warnings),
             f'Next: get_notebook_status(notebook="{pushed.ref}", wait_seconds=120) until COMPLETE or ERROR.']
    return result("\n".join(lines), pushed)


async def get_notebook_status(
    ctx: Context,
    notebook: NotebookArg,
    wait_seconds: Annotated[int, Field(ge=0, le=3600, description="Poll up to this long until the run finishes (0 = check once).")] = 0,
) -> Annotated[CallToolResult, Status]:
    """The state of a notebook's latest run: QUEUED, RUNNING, COMPLETE or ERROR (with Kaggle's failure
    message). With wait_seconds it polls (backing off, reporting progress) until the run ends or the time
    is up, which saves many round trips."""
    from kaggle_mcp.kaggle.errors import NotFound

    kc = await client(ctx)
    owner, slug = await resolve_owner(kc, refs.notebook_ref(notebook))
    ref, start, delay = f"{owner}/{slug}", anyio.current_time(), 2.0
    while True:
        try:
            resp = await kc.kernels.get_kernel_session_status(owner, slug)
        except NotFound as exc:
            raise ToolError(NEVER_RAN.format(ref=ref)) from exc
        status, waited = str(get(resp, "status", default="QUEUED")), anyio.current_time() - start
        if status in ks.TERMINAL or waited + 0.5 >= wait_seconds:
            break
        await ctx.report_progress(waited, wait_seconds, f"{ref}: {status} after {waited:.0f}s")
        await anyio.sleep(min(delay, max(wait_seconds - waited, 0.5)))
        delay = min(delay * 1.5, 15.0)
    st = Status(ref=ref, status=status, failure_message=get(resp, "failure_message"), waited_seconds=round(waited, 1))
    return result(_status_text(st), st)


def _status_text(st: Status) -> str:
    if st.status == "COMPLETE":
        return f'{st.ref}: COMPLETE. Next: get_notebook_output(notebook="{st.ref}") to fetch its files and log.'
    if st.status == "ERROR":
        return (f"{st.ref}: ERROR - {st.failure_message or 'no failure message'}. "
                f'get_notebook_output(notebook="{st.ref}") shows the log; fix the code and push again.')
    return (f"{st.ref}: {st.status} (still going after {st.waited_seconds:.0f}s of waiting). "
            f'Call get_notebook_status(notebook="{st.ref}", wait_seconds=300) again.')


async def get_notebook_output(
    ctx: Context,
    notebook: NotebookArg,
    pattern: Annotated[str | None, Field(description="Regular expression: only download output files whose names match, e.g. 'submission'.")] = None,
    log_lines: Annotated[int, Field(ge=0, le=2000, description="How many of the log's last lines to show.")] = 50,
) -> Annotated[CallToolResult, Output]:
    """Download a finished run's output files into the workspace (notebooks/<owner>/<slug>/output/) and
    show the end of its log (the whole decoded log is saved beside the files). Use it after
    get_notebook_status says COMPLETE (or ERROR, to read the traceback)."""
    from kaggle_mcp.kaggle.errors import NotFound

    st, kc = state(ctx), await client(ctx)
    owner, slug = await resolve_owner(kc, refs.notebook_ref(notebook))
    dest = st.workspace.dir("notebooks", owner, slug, "output")
    try:
        download = await kc.kernels.download_output(owner, slug, dest, pattern=pattern,
                                                    progress=byte_progress(ctx, f"Downloading output of {slug}"))
    except NotFound as exc:
        raise ToolError(NEVER_RAN.format(ref=f"{owner}/{slug}")) from exc
    log_path, log_text = _decode_saved_log(dest / f"{slug}.log")
    paths = [Path(f.path) for f in download.files if Path(f.path) != log_path and Path(f.path).exists()]
    rows = [{"file": st.workspace.relative(p), "size": human_bytes(p.stat().st_size)} for p in paths]
    shown = rows[:fit_rows(rows, st.max_tokens // 4, lambda rs: toon({"files": rs}))]
    tail = ks.tail_within(ks.tail(log_text, log_lines), st.max_tokens // 2)
    out = Output(ref=f"{owner}/{slug}", directory=st.workspace.relative(dest), files=shown, total_files=len(rows),
                 log_file=st.workspace.relative(log_path) if log_path else None, log_tail=tail,
                 skipped_unsafe=download.skipped)
    return result(_output_text(out, log_lines), out)


def _decode_saved_log(path: Path) -> tuple[Path | None, str]:
    """The client saves Kaggle's raw JSON log; rewrite it as the readable text it encodes."""
    if not path.exists():
        return None, ""
    text = scrub(ks.decode_log(path.read_text(encoding="utf-8", errors="replace")))
    path.write_text(text, encoding="utf-8")
    return path, text


def _output_text(out: Output, log_lines: int) -> str:
    parts = [toon({"files": out.files}) if out.files else f"{out.ref} produced no output files."]
    if out.skipped_unsafe:
        parts.append(skipped_note(out.skipped_unsafe).lstrip("\n"))
    if out.total_files > len(out.files):
        parts.append(f"{out.total_files - len(out.files)} more files are in {out.directory} (not listed, to save tokens); "
                     "pass pattern=... to fetch only the files you need.")
    if out.log_tail:
        parts.append(f"Last {log_lines} log lines (whole log: {out.log_file}). {FENCE_NOTE}")
        parts.append(fence(out.log_tail, f"run log of {out.ref}"))
    if any(f["file"].endswith(".csv") for f in out.files):
        parts.append("To submit a CSV: submit_to_competition(competition=..., file=<file above>, message=..., confirm=true).")
    return "\n".join(parts)


def register(mcp: MCPServer, read_only: bool) -> None:
    if not read_only:
        add_tool(mcp, push_notebook, title="Push notebook and run it", kind="notebook", read_only=False)
    add_tool(mcp, get_notebook_status, title="Get notebook run status", kind="notebook", read_only=True,
             idempotent=True)
    add_tool(mcp, get_notebook_output, title="Get notebook output", kind="notebook", read_only=False,
             idempotent=True)
