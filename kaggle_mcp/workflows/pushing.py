"""Pushing code to run on Kaggle (`SaveKernel`) with the rules a user expects: a workspace file or
inline source, a re-push becomes a new version, sources given as refs, and warnings instead of silence
when Kaggle drops an input it did not recognise."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import anyio.to_thread
from pydantic import BaseModel

from ..kaggle.accelerators import ACCELERATORS, Accelerator
from ..kaggle.accelerators import accelerator as choose_accelerator
from ..kaggle.errors import Forbidden, NotFound
from ..kaggle.models.kernels import ApiSaveKernelResponse
from ..kaggle.refs import competition_slug, dataset_ref, notebook_ref
from .account import Account
from .errors import WorkflowError

if TYPE_CHECKING:
    from ..kaggle.client import KaggleClient

KernelType = Literal["script", "notebook"]
Language = Literal["python", "r", "rmarkdown"]
SUFFIX_TYPES: dict[str, tuple[KernelType, Language]] = {
    ".ipynb": ("notebook", "python"), ".irnb": ("notebook", "r"), ".py": ("script", "python"),
    ".r": ("script", "r"), ".rmd": ("script", "rmarkdown")}


class Pushed(BaseModel):
    ref: str
    url: str | None = None
    version: int | None = None
    warnings: list[str] = []


@dataclass(frozen=True)
class PushRequest:
    """What to push: exactly one of `source` (inline) or `path` (a workspace file)."""

    title: str
    source: str | None = None
    path: str | None = None
    notebook: str | None = None
    kernel_type: KernelType = "script"
    language: Language = "python"
    accelerator: str = "none"
    internet: bool = True
    private: bool = True
    competition_sources: tuple[str, ...] = ()
    dataset_sources: tuple[str, ...] = ()
    kernel_sources: tuple[str, ...] = ()
    model_sources: tuple[str, ...] = ()
    timeout_minutes: int | None = None
    confirm: bool = False


def accelerator(name: str) -> Accelerator:
    """The accelerator called `name`: one offered, or a retired one (still accepted, with a warning)."""
    try:
        return choose_accelerator(name.strip().lower())
    except ValueError:
        choices = ", ".join(f"{a.name} ({a.description})" for a in ACCELERATORS.values())
        raise WorkflowError(f"accelerator '{name}' is not one of: {choices}.",
                            "GPU and TPU time count against your weekly quota.") from None


def notebook_text(source: str, kernel_type: str, language: str) -> str:
    """What SaveKernel's `text` wants: a script as is; a notebook as JSON with outputs cleared.

    Inline Python for a notebook is wrapped as one code cell, so an agent can push code either way.
    """
    if kernel_type != "notebook":
        return source
    try:
        nb = json.loads(source)
    except ValueError:
        nb = None
    if not isinstance(nb, dict) or "cells" not in nb:
        nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                         "execution_count": None}],
              "metadata": {"kernelspec": {"name": "ir" if language == "r" else "python3",
                                          "language": language, "display_name": language}},
              "nbformat": 4, "nbformat_minor": 4}
    for cell in nb.get("cells", []):
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(nb)


def slugify(title: str) -> str:
    """Kaggle derives a new notebook's slug from its title the same way."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50] or "notebook"


def source_warnings(resp: ApiSaveKernelResponse) -> list[str]:
    """SaveKernel can succeed while dropping inputs it did not recognise; say so instead of hiding it."""
    notes = []
    for bad, what in ((resp.invalid_competition_sources, "competition"), (resp.invalid_dataset_sources, "dataset"),
                      (resp.invalid_kernel_sources, "notebook"), (resp.invalid_model_sources, "model"),
                      (resp.invalid_tags, "tag")):
        if bad:
            notes.append(f"Kaggle ignored unknown {what} source(s) {', '.join(map(str, bad))}: the notebook runs "
                         f"without them. Check the refs (search_competitions / search_datasets / list_notebooks).")
    return notes


def _read_source(account: Account, path: str, kernel_type: KernelType, language: Language
                 ) -> tuple[str, KernelType, Language]:
    file = account.workspace.resolve(path, must_exist=True)
    if not file.is_file():
        raise WorkflowError(f"'{path}' is a directory.", "Pass the notebook or script file.")
    kernel_type, language = SUFFIX_TYPES.get(file.suffix.lower(), (kernel_type, language))
    return file.read_text(encoding="utf-8"), kernel_type, language


async def _existing_id(kc: KaggleClient, owner: str, slug: str) -> int | None:
    """The id of an existing notebook, so a re-push becomes a new version rather than a clash."""
    try:
        resp = await kc.kernels.get_kernel(owner, slug)
    except (NotFound, Forbidden):
        return None
    return resp.metadata.id or None


async def push_notebook(account: Account, request: PushRequest) -> Pushed:
    if (request.source is None) == (request.path is None):
        raise WorkflowError("Pass exactly one of source (inline code) or path (a file in the workspace).")
    acc = accelerator(request.accelerator)
    if not request.private and not request.confirm:
        raise WorkflowError("A public notebook is visible to everyone on Kaggle.",
                            "Ask the user, then call again with confirm=true (or keep private=true).")
    source, kernel_type, language = request.source or "", request.kernel_type, request.language
    if request.path is not None:
        source, kernel_type, language = await anyio.to_thread.run_sync(
            _read_source, account, request.path, kernel_type, language)
    kc = account.client
    me = await kc.username()
    if not me:
        raise WorkflowError("Pushing a notebook needs a signed-in Kaggle user.",
                            "Configure credentials (`kaggle-agent-mcp doctor` explains how).")
    ref = notebook_ref(request.notebook) if request.notebook else None
    owner, slug = (ref.owner or me, ref.slug) if ref else (me, slugify(request.title))
    kernel_id = await _existing_id(kc, owner, slug)
    fields: dict[str, Any] = dict(
        slug=f"{owner}/{slug}", new_title=request.title, text=notebook_text(source, kernel_type, language),
        language="r" if (kernel_type == "notebook" and language == "rmarkdown") else language,
        kernel_type=kernel_type, is_private=request.private, enable_gpu=acc.enable_gpu, enable_tpu=acc.enable_tpu,
        enable_internet=request.internet,
        competition_data_sources=[competition_slug(c) for c in request.competition_sources],
        dataset_data_sources=[dataset_ref(d).text() for d in request.dataset_sources],
        kernel_data_sources=[notebook_ref(k).text(me) for k in request.kernel_sources],
        model_data_sources=list(request.model_sources))
    if kernel_id is not None:
        fields["id"] = kernel_id
    if acc.machine_shape:
        fields["machine_shape"] = acc.machine_shape
    if request.timeout_minutes:
        fields["session_timeout_seconds"] = request.timeout_minutes * 60
    resp = await kc.kernels.save_kernel(**fields)
    pushed_ref = notebook_ref(resp.ref).text(owner) if resp.ref else f"{owner}/{slug}"
    retired = [f"{acc.name} is retired: Kaggle runs this session on {acc.replaced_by}."] if acc.replaced_by else []
    return Pushed(ref=pushed_ref, url=resp.url or None, version=resp.version_number,
                  warnings=retired + source_warnings(resp))
