"""The accelerator table against kaggle 2.2.5's own facts, read from its source (importing ``kaggle`` would
authenticate): the retired shapes it warns about, and the shapes its ``--accelerator`` help names."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from kaggle_mcp.kaggle.accelerators import ACCELERATORS, RETIRED, RETIRED_SHAPES, accelerator, replacement_for

KAGGLE = Path(importlib.util.find_spec("kaggle").origin).parent


def assigned(path: Path, name: str):
    """The literal value assigned to ``name`` anywhere in the module (a class attribute included)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(name)


def test_retired_shapes_are_kaggles():
    retired = assigned(KAGGLE / "api" / "kaggle_api_extended.py", "_RETIRED_ACCELERATORS")
    assert set(RETIRED_SHAPES) == set(retired)
    for shape, note in retired.items():  # the same replacement: default GPU, default TPU or CPU
        ours = RETIRED_SHAPES[shape]
        assert ("NvidiaTeslaT4" in ours) == ("NvidiaTeslaT4" in note)
        assert ("TpuV5E8" in ours) == ("TpuV5E8" in note)
        assert ours.startswith("CPU") == ("CPU" in note)


def test_offered_shapes_are_the_ones_the_cli_help_names():
    help_text = assigned(KAGGLE / "cli.py", "param_kernel_acc")
    assert "'NvidiaTeslaT4' for GPU T4 x2" in help_text and "'TpuV5E8' for TPU v5e-8" in help_text
    for choice in ACCELERATORS.values():
        assert choice.machine_shape is None or f"'{choice.machine_shape}'" in help_text
        assert replacement_for(choice.machine_shape) is None
    assert accelerator("gpu").machine_shape == accelerator("gpu-t4x2").machine_shape == "NvidiaTeslaT4"


def test_an_old_choice_still_goes_through_with_its_replacement():
    p100 = accelerator("gpu-p100")
    assert p100 is RETIRED["gpu-p100"] and p100.machine_shape == "NvidiaTeslaP100"
    assert p100.replaced_by == replacement_for("NVIDIATESLAP100") and "T4" in p100.replaced_by
    with pytest.raises(ValueError, match="none, gpu, gpu-t4x2, tpu"):
        accelerator("h100")
