"""The hostile world (``SandboxSettings(hostile=True)``): names that try to escape the client's directory.

A real server (or a man in the middle) can send file names like ``../x``, absolute paths, or zip
members that climb out of the extraction directory (zip-slip). These entities exist so tests can
prove the client refuses them; they are never part of the default world.

- competition ``hostile-files``: data files ``../escape.csv``, ``/tmp/absolute.csv``,
  ``nested/../../climb.csv`` and ``ok.csv``; its all-files zip has zip-slip members.
- dataset ``mallory/zip-slip``: same names; its zip too.
- kernel ``mallory/hostile-output``: output files ``../escaped.txt``, ``/tmp/absolute.txt``, ``ok.txt``.
"""

from __future__ import annotations

from datetime import datetime, timezone

from kaggle_mcp.sandbox.blobs import BytesBlob
from kaggle_mcp.sandbox.kernels_seed import SeedRun
from kaggle_mcp.sandbox.world import (Competition, DataFile, Dataset, DatasetVersion, Kernel, KernelVersion,
                                      SANDBOX_USER, World)

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
HOSTILE_NAMES = ["../escape.csv", "/tmp/absolute.csv", "nested/../../climb.csv", "ok.csv", "..\\windows.csv"]


def _files(world: World, prefix: str) -> dict[str, DataFile]:
    out = {}
    for i, name in enumerate(HOSTILE_NAMES):
        blob = BytesBlob(f"id,value\n{i},{name}\n".encode(), "text/csv", WHEN)
        world.register_blob(blob, f"{prefix}-{i}")
        out[name] = DataFile(name, blob, "hostile name" if name != "ok.csv" else "", WHEN)
    return out


def add_hostile_entities(world: World) -> None:
    comp = Competition(
        slug="hostile-files", id=66_601, title="Hostile File Names", subtitle="Every name tries to escape",
        category="Playground", host_segment="HOST_SEGMENT_PLAYGROUND", reward="Knowledge",
        organization="Mallory", enabled=WHEN, deadline=datetime(2031, 1, 1, tzinfo=timezone.utc),
        metric="Accuracy", higher_is_better=True, team_count=1, kernel_count=0, max_daily_submissions=5,
        max_team_size=1, files=_files(world, "hostile-comp"), entrants={SANDBOX_USER},
        submission_columns=["id", "value"])
    world.competitions[comp.slug] = comp
    world.users["mallory"] = "Mallory"
    world.datasets["mallory/zip-slip"] = Dataset(
        "mallory", "zip-slip", world.next_id(), "Zip Slip Dataset", "Members that climb out", "", "CC0-1.0",
        False, ["security"], [DatasetVersion(1, WHEN, "mallory", "", _files(world, "hostile-ds"))])
    outputs = {name: BytesBlob(f"written as {name}\n".encode(), "text/plain", WHEN)
               for name in ("../escaped.txt", "/tmp/absolute.txt", "ok.txt")}
    run = SeedRun(log='[{"stream_name":"stdout","time":0.1,"data":"hostile\\n"}]', files=outputs)
    kernel = Kernel(owner="mallory", slug="hostile-output", id=world.next_id(), title="Hostile Output",
                    language="python", kernel_type="script", competition_sources=[comp.slug],
                    created=WHEN, last_run_time=WHEN,
                    versions=[KernelVersion(1, "print('hostile')\n", WHEN, run, "Hostile Output")])
    world.kernels[kernel.ref] = kernel
