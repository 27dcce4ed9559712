"""Optional persistence (``--data-dir``): what users create survives a sandbox restart.

Only user-made state is written — submissions, datasets and versions created through the API,
pushed kernels with their sessions, accepted rules — because the seeded world is regenerated from
the seed anyway. Metadata is one JSON file replaced atomically; uploaded file bytes are stored once
each under ``files/<sha256>``; kernel outputs already live in ``<data-dir>/kernel-runs``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kaggle_mcp.sandbox.blobs import BytesBlob
from kaggle_mcp.sandbox.world import DataFile, Dataset, DatasetVersion, Kernel, KernelVersion, Submission, World

logger = logging.getLogger("kaggle_mcp.sandbox")
TERMINAL = ("COMPLETE", "ERROR", "CANCEL_ACKNOWLEDGED")


@dataclass
class PersistedRun:
    """A session restored from disk: finished, with its log and its output directory."""

    status: str
    failure_message: str
    log: str
    output_dir: Path
    run_id: str = ""

    def log_json(self) -> str:
        return self.log


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "files").mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    # --- saving ---------------------------------------------------------------------------
    def _file(self, f: DataFile) -> dict[str, Any]:
        digest = getattr(f.blob, "sha256", None)
        if digest is None:
            data = f.blob.read()
            digest = hashlib.sha256(data).hexdigest()
            f.blob.sha256 = digest  # type: ignore[attr-defined]  (computed once per blob)
        path = self.root / "files" / digest
        if not path.exists():
            data = f.blob.read()
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return {"name": f.name, "sha256": digest, "description": f.description, "created": f.created.isoformat(),
                "columns": f.columns, "contentType": f.blob.content_type}

    def _run(self, run: Any) -> dict[str, Any] | None:
        if run is None:
            return None
        status = run.status if run.status in TERMINAL else "ERROR"
        failure = run.failure_message if run.status in TERMINAL else "the sandbox restarted during the session"
        return {"status": status, "failureMessage": failure, "log": run.log_json(),
                "outputDir": str(getattr(run, "output_dir", "")), "runId": getattr(run, "run_id", "")}

    def snapshot(self, world: World) -> dict[str, Any]:
        from kaggle_mcp.sandbox.kernels_seed import SeedRun

        with world.lock:
            datasets = []
            for ds in world.datasets.values():
                made = [v for v in ds.versions if v.user_made]
                if not made:
                    continue
                datasets.append({
                    "owner": ds.owner, "slug": ds.slug, "id": ds.id, "title": ds.title, "subtitle": ds.subtitle,
                    "description": ds.description, "license": ds.license_name, "isPrivate": ds.is_private,
                    "keywords": ds.keywords,
                    "versions": [{"number": v.number, "created": v.created.isoformat(), "creator": v.creator,
                                  "notes": v.notes, "files": [self._file(f) for f in v.files.values()]} for v in made]})
            kernels = []
            for k in world.kernels.values():
                pushed = [v for v in k.versions if not isinstance(v.run, SeedRun)]
                if not pushed:
                    continue
                meta = {name: getattr(k, name) for name in (
                    "owner", "slug", "id", "title", "language", "kernel_type", "is_private", "enable_gpu", "enable_tpu",
                    "enable_internet", "competition_sources", "dataset_sources", "kernel_sources", "model_sources",
                    "category_ids", "total_votes", "docker_image", "machine_shape")}
                meta["versions"] = [{"number": v.number, "source": v.source, "created": v.created.isoformat(),
                                     "title": v.title, "machineShape": v.machine_shape, "timeout": v.timeout_s,
                                     "sessionId": v.session_id, "accelerator": v.accelerator,
                                     "finished": v.finished.isoformat() if v.finished else None,
                                     "run": self._run(v.run)} for v in pushed]
                kernels.append(meta)
            return {
                "version": 1,
                "submissions": [{**vars(s), "date": s.date.isoformat()} for s in world.submissions if not s.seeded],
                "entrants": {slug: sorted(c.entrants) for slug, c in world.competitions.items()},
                "datasets": datasets, "kernels": kernels,
            }

    def save(self, world: World) -> None:
        state = self.snapshot(world)
        with self._lock:
            tmp = self.root / "state.json.tmp"
            tmp.write_text(json.dumps(state, indent=1))
            os.replace(tmp, self.root / "state.json")

    # --- loading --------------------------------------------------------------------------
    def _data_file(self, raw: dict[str, Any]) -> DataFile:
        path = self.root / "files" / raw["sha256"]
        created = _dt(raw["created"])
        blob = BytesBlob(path.read_bytes(), raw.get("contentType", "application/octet-stream"),
                         created.replace(microsecond=0))
        return DataFile(raw["name"], blob, raw.get("description", ""), created, raw.get("columns", []))

    def load(self, world: World) -> None:
        path = self.root / "state.json"
        if not path.exists():
            return
        try:
            state = json.loads(path.read_text())
            self._restore(world, state)
        except (ValueError, KeyError, OSError, TypeError) as exc:
            logger.warning("ignoring unreadable sandbox state in %s: %s", path, exc)

    def _restore(self, world: World, state: dict[str, Any]) -> None:
        for raw in state.get("submissions", []):
            world.submissions.append(Submission(**{**raw, "date": _dt(raw["date"])}))
        for slug, users in state.get("entrants", {}).items():
            if slug in world.competitions:
                world.competitions[slug].entrants.update(users)
        for raw in state.get("datasets", []):
            versions = [DatasetVersion(v["number"], _dt(v["created"]), v["creator"], v["notes"],
                                       {f["name"]: self._data_file(f) for f in v["files"]}, user_made=True)
                        for v in raw["versions"]]
            ref = f"{raw['owner']}/{raw['slug']}"
            if ref in world.datasets:
                world.datasets[ref].versions += versions
            else:
                world.datasets[ref] = Dataset(raw["owner"], raw["slug"], raw["id"], raw["title"], raw["subtitle"],
                                              raw["description"], raw["license"], raw["isPrivate"], raw["keywords"],
                                              versions)
        for raw in state.get("kernels", []):
            versions = []
            for v in raw.pop("versions"):
                run = v.get("run")
                restored = None if run is None else PersistedRun(run["status"], run["failureMessage"], run["log"],
                                                                  Path(run["outputDir"]), run.get("runId", ""))
                versions.append(KernelVersion(v["number"], v["source"], _dt(v["created"]), restored, v["title"],
                                              v["machineShape"], v["timeout"], session_id=v["sessionId"],
                                              accelerator=v["accelerator"], finished=_dt(v["finished"])))
            ref = f"{raw['owner']}/{raw['slug']}"
            if ref in world.kernels:
                world.kernels[ref].versions += versions
            else:
                world.kernels[ref] = Kernel(**raw, versions=versions, last_run_time=versions[-1].created)
        ids = [s.ref for s in world.submissions] + [d.id for d in world.datasets.values()] + \
              [k.id for k in world.kernels.values()]
        world.bump_ids(max(ids, default=0) + 1)

