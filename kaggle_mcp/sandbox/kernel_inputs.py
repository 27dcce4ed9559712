"""What a pushed kernel sees under ``/kaggle/input``: its competition, dataset and kernel sources.

Sources are written to disk lazily, by the runner's worker thread just before a session starts,
so SaveKernel answers at once even when a source is the generated 50 MB CSV.
"""

from __future__ import annotations

import functools
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaggle_mcp.sandbox.blobs import Blob
from kaggle_mcp.sandbox.rpc import Ctx
from kaggle_mcp.sandbox.world import Kernel


def _materialise(work_dir: Path, kind: str, name: str, files: dict[str, Blob]) -> Path:
    """Write a source's files once per sandbox, for runs to copy from.

    Called by the runner's worker thread (not in the request), so a push returns at once even when
    the source is the 50 MB generated CSV. Written to a temporary directory renamed into place, so
    concurrent runs never see half a source and no marker file ends up in ``/kaggle/input``.
    """
    root = Path(work_dir) / "kernel-inputs" / kind / name.replace("/", "__")
    if root.is_dir():
        return root
    staging = root.with_name(f".{root.name}.{secrets.token_hex(4)}")
    for rel, blob in files.items():
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            for chunk in blob.iter_range(0, blob.size):
                fh.write(chunk)
    staging.mkdir(parents=True, exist_ok=True)
    try:
        staging.rename(root)
    except OSError:          # another run got there first
        shutil.rmtree(staging, ignore_errors=True)
    return root


def kernel_inputs(ctx: Ctx, k: Kernel, run_outputs: Callable[[Ctx, Any], dict[str, Blob]]
                  ) -> tuple[dict[str, Callable[[], Path]], dict[str, list[str]]]:
    """Mounts (as lazy callables for the runner) and the sources that cannot be attached.

    As on Kaggle, competition data is attached only for users who accepted the competition's rules.
    """
    inputs: dict[str, Callable[[], Path]] = {}
    invalid: dict[str, list[str]] = {"invalidCompetitionSources": [], "invalidDatasetSources": [],
                                     "invalidKernelSources": [], "invalidModelSources": list(k.model_sources)}
    lazy = lambda kind, name, files: functools.partial(_materialise, ctx.work_dir, kind, name, files)  # noqa: E731
    for slug in k.competition_sources:
        comp = ctx.world.competitions.get(slug)
        if comp is None or ctx.user not in comp.entrants:
            invalid["invalidCompetitionSources"].append(slug)
            continue
        inputs[slug] = lazy("competitions", slug, {n: f.blob for n, f in comp.files.items()})
    for ref in k.dataset_sources:
        ds = ctx.world.datasets.get(ref)
        if ds is None or (ds.is_private and ds.owner != ctx.user):
            invalid["invalidDatasetSources"].append(ref)
            continue
        inputs[ds.slug] = lazy("datasets", f"{ref}-v{ds.current.number}", {n: f.blob for n, f in ds.current.files.items()})
    for ref in k.kernel_sources:
        source = ctx.world.kernels.get(ref)
        runs = [v for v in (source.versions if source else []) if v.run is not None and v.run.status == "COMPLETE"]
        if source is None or not runs or (source.is_private and source.owner != ctx.user):
            invalid["invalidKernelSources"].append(ref)
            continue
        inputs[source.slug] = lazy("kernels", f"{ref}-v{runs[-1].number}", run_outputs(ctx, runs[-1].run))
    return inputs, invalid
