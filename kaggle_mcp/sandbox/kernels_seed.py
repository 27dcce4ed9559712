"""Turns the seeded notebooks (``notebooks_seed.seed_kernels``) into world records.

Seeded kernels never ran here; they carry a finished session (``SeedRun``) with the output files and
log the seed provides, so status/output/pull behave like Kaggle's for other people's notebooks.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from kaggle_mcp.sandbox.blobs import Blob, BytesBlob
from kaggle_mcp.sandbox.world import Kernel, KernelVersion, World


@dataclass
class SeedRun:
    """A finished session with in-memory outputs; same reading surface as ``runner.KernelRun``."""

    log: str = "[]"
    files: dict[str, Blob] = field(default_factory=dict)
    status: str = "COMPLETE"
    failure_message: str = ""

    def log_json(self) -> str:
        return self.log


def _as_log_json(log: str) -> str:
    """Seed logs may be plain text or already the JSON array; the API always carries the array."""
    try:
        parsed = json.loads(log)
        if isinstance(parsed, list):
            return log
    except ValueError:
        pass
    entries = [{"stream_name": "stdout", "time": round(0.5 + i * 0.37, 3), "data": line + "\n"}
               for i, line in enumerate(log.splitlines())]
    return json.dumps(entries)


def load_seed_kernels(world: World, rng: random.Random) -> None:
    from kaggle_mcp.sandbox.notebooks_seed import seed_kernels

    for seed in seed_kernels(rng):
        files: dict[str, Blob] = {}
        for name, data in seed.output_files.items():
            ctype = "text/csv" if name.endswith(".csv") else "application/octet-stream"
            blob = BytesBlob(data, ctype, seed.last_run_time)
            world.register_blob(blob, f"kout-{seed.owner}-{seed.slug}-{name.replace('/', '-')}")
            files[name] = blob
        run = SeedRun(log=_as_log_json(seed.log), files=files)
        kernel = Kernel(
            owner=seed.owner, slug=seed.slug, id=world.next_id(), title=seed.title, language=seed.language,
            kernel_type=seed.kernel_type, enable_gpu=seed.enable_gpu,
            competition_sources=[seed.competition] if seed.competition else [],
            dataset_sources=list(seed.dataset_sources), total_votes=seed.total_votes, score=seed.score,
            created=seed.last_run_time, last_run_time=seed.last_run_time,
            machine_shape="NvidiaTeslaT4" if seed.enable_gpu else "",
            versions=[KernelVersion(1, seed.source, seed.last_run_time, run, seed.title)])
        world.kernels[kernel.ref] = kernel
