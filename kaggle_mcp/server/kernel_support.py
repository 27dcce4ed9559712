"""Domain helpers for the kernel workflow: accelerators, notebook text, session logs.

Kept apart from the tool functions so each tool stays a few lines and these rules are testable alone.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from mcp.server.mcpserver.exceptions import ToolError

log = logging.getLogger("kaggle_mcp.server")


@dataclass(frozen=True)
class Accelerator:
    machine_shape: str | None
    enable_gpu: bool = False
    enable_tpu: bool = False


# Kaggle's documented machine shapes; retired ones are still accepted and substituted server-side.
ACCELERATORS = {
    "none": Accelerator(None),
    "gpu": Accelerator("NvidiaTeslaT4", enable_gpu=True),
    "gpu-t4x2": Accelerator("NvidiaTeslaT4", enable_gpu=True),
    "gpu-p100": Accelerator("NvidiaTeslaP100", enable_gpu=True),
    "tpu": Accelerator("TpuV5E8", enable_tpu=True),
}
TERMINAL = {"COMPLETE", "ERROR", "CANCEL_ACKNOWLEDGED", "CANCEL_REQUESTED"}


def accelerator(name: str) -> Accelerator:
    key = name.strip().lower()
    if key not in ACCELERATORS:
        raise ToolError(f"accelerator '{name}' is not one of: {', '.join(ACCELERATORS)} "
                        "(gpu = NVIDIA T4, tpu = TPU v5e-8). GPU and TPU time count against your weekly quota.")
    return ACCELERATORS[key]


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


def decode_log(raw: str | None) -> str:
    """Kaggle's log is a JSON array of {stream_name, time, data} records; tolerate plain text too."""
    if not raw:
        return ""
    try:
        records = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(records, list):
        return raw
    out = []
    for rec in records:
        if isinstance(rec, dict):
            data = str(rec.get("data", ""))
            out.append(f"[stderr] {data}" if rec.get("stream_name") == "stderr" and data.strip() else data)
        else:
            out.append(str(rec))
    return "".join(out)


def tail(text: str, lines: int) -> str:
    if lines <= 0:
        return ""
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def tail_within(text: str, max_tokens: int) -> str:
    """Keep the end of a log within the answer's budget (the end is where the error is)."""
    from kaggle_mcp.server.render import estimate_tokens

    if estimate_tokens(text) <= max_tokens:
        return text
    kept = text[-max_tokens * 4:]
    return "[... earlier lines are in the log file ...]\n" + kept[kept.find("\n") + 1:]


def slugify(title: str) -> str:
    """Kaggle derives a new notebook's slug from its title the same way."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50] or "notebook"


def source_warnings(resp) -> list[str]:
    """SaveKernel can succeed while dropping inputs it did not recognise; say so instead of hiding it."""
    notes = []
    for field, what in (("invalid_competition_sources", "competition"), ("invalid_dataset_sources", "dataset"),
                        ("invalid_kernel_sources", "notebook"), ("invalid_model_sources", "model"),
                        ("invalid_tags", "tag")):
        bad = getattr(resp, field, None) or []
        if bad:
            notes.append(f"Kaggle ignored unknown {what} source(s) {', '.join(map(str, bad))}: the notebook runs "
                         f"without them. Check the refs (search_competitions / search_datasets / list_notebooks).")
    return notes
