"""SaveKernel with the workflow rules: workspace files, existing-id reuse, sources as refs, warnings."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from kaggle_mcp.server import kernel_support as ks
from kaggle_mcp.server import refs
from kaggle_mcp.server.tooling import client, get, state

SUFFIX_TYPES = {".ipynb": ("notebook", "python"), ".irnb": ("notebook", "r"), ".py": ("script", "python"),
                ".r": ("script", "r"), ".rmd": ("script", "rmarkdown")}


def _read_source(ctx: Context, path: str, kernel_type: str, language: str) -> tuple[str, str, str]:
    file = state(ctx).workspace.resolve(path, must_exist=True)
    if not file.is_file():
        raise ToolError(f"'{path}' is a directory; pass the notebook or script file.")
    kernel_type, language = SUFFIX_TYPES.get(file.suffix.lower(), (kernel_type, language))
    return file.read_text(encoding="utf-8"), kernel_type, language


async def _existing_id(kc: Any, owner: str, slug: str) -> int | None:
    """The id of an existing notebook, so a re-push becomes a new version rather than a clash."""
    from kaggle_mcp.kaggle.errors import Forbidden, NotFound

    try:
        resp = await kc.kernels.get_kernel(owner, slug)
    except (NotFound, Forbidden):
        return None
    return get(resp.metadata, "id")


async def push(ctx: Context, *, title: str, source: str | None, path: str | None, notebook: str | None,
               kernel_type: str, language: str, acc: ks.Accelerator, internet: bool, private: bool,
               sources: tuple[list[str], list[str], list[str], list[str]], timeout_minutes: int | None):
    from kaggle_mcp.server.kernels import Pushed

    if path is not None:
        source, kernel_type, language = _read_source(ctx, path, kernel_type, language)
    competitions, datasets, kernels, models = sources
    kc = await client(ctx)
    me = await kc.username()
    if not me:
        raise ToolError("Pushing a notebook needs a signed-in Kaggle user; configure credentials "
                        "(`kaggle-agent-mcp doctor` explains how).")
    ref = refs.notebook_ref(notebook) if notebook else refs.Ref(me, ks.slugify(title))
    owner = ref.owner or me
    kernel_id = await _existing_id(kc, owner, ref.slug)
    fields: dict[str, Any] = dict(
        slug=f"{owner}/{ref.slug}", new_title=title, text=ks.notebook_text(source or "", kernel_type, language),
        language="r" if (kernel_type == "notebook" and language == "rmarkdown") else language,
        kernel_type=kernel_type, is_private=private, enable_gpu=acc.enable_gpu, enable_tpu=acc.enable_tpu,
        enable_internet=internet,
        competition_data_sources=[refs.competition_slug(c) for c in competitions],
        dataset_data_sources=[refs.dataset_ref(d).text() for d in datasets],
        kernel_data_sources=[refs.notebook_ref(k).text(me) for k in kernels],
        model_data_sources=list(models))
    if kernel_id is not None:
        fields["id"] = kernel_id
    if acc.machine_shape:
        fields["machine_shape"] = acc.machine_shape
    if timeout_minutes:
        fields["session_timeout_seconds"] = timeout_minutes * 60
    resp = await kc.kernels.save_kernel(**fields)
    pushed_ref = str(get(resp, "ref", default=f"{owner}/{ref.slug}"))
    pushed_ref = refs.notebook_ref(pushed_ref).text(owner) if pushed_ref else f"{owner}/{ref.slug}"
    return Pushed(ref=pushed_ref, url=get(resp, "url"), version=get(resp, "version_number"),
                  warnings=ks.source_warnings(resp))
