"""What a notebook run can ask for: SaveKernel's ``machineShape`` and GPU/TPU flags, as kaggle 2.2.5 knows them.

Facts from kaggle 2.2.5 (``kaggle kernels push --accelerator`` and its help text): ``machineShape`` is a free
string that Kaggle's server checks; ``NvidiaTeslaT4`` is "GPU T4 x2" (two T4s: Kaggle has no single-T4
shape, so ``gpu`` and ``gpu-t4x2`` send the same thing) and ``TpuV5E8`` is "TPU v5e-8". Retired shapes are
still accepted, and the server runs the session on a replacement without saying so; 2.2.5 warns about
``NvidiaTeslaP100`` and ``TpuV38``/``Tpu1VmV38`` (replaced by the default GPU and TPU) and ``TpuV232``/
``TpuV2256`` (replaced by CPU). The CLI sends ``enableGpu``/``enableTpu`` from the notebook's metadata;
the web editor sets them with the shape, and so do we.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Accelerator:
    """One choice offered to a caller, and what it puts into ApiSaveKernelRequest."""

    name: str
    machine_shape: str | None
    enable_gpu: bool
    enable_tpu: bool
    description: str
    #: for a retired shape: what Kaggle runs the session on instead (say so in the answer)
    replaced_by: str | None = None


_DEFAULT_GPU = "the default GPU, T4 x2 (NvidiaTeslaT4)"
_DEFAULT_TPU = "the default TPU, v5e-8 (TpuV5E8)"
_CPU = "CPU, with no accelerator at all"

#: the choices to offer, in the order to list them
ACCELERATORS: dict[str, Accelerator] = {
    "none": Accelerator("none", None, False, False, "CPU only"),
    "gpu": Accelerator("gpu", "NvidiaTeslaT4", True, False, "GPU T4 x2 (two NVIDIA T4)"),
    "gpu-t4x2": Accelerator("gpu-t4x2", "NvidiaTeslaT4", True, False, "GPU T4 x2, the same as gpu"),
    "tpu": Accelerator("tpu", "TpuV5E8", False, True, "TPU v5e-8"),
}

#: retired machine shapes (lower-cased, as 2.2.5 compares them) and what runs instead
RETIRED_SHAPES: dict[str, str] = {
    "nvidiateslap100": _DEFAULT_GPU,
    "tpuv38": _DEFAULT_TPU,
    "tpu1vmv38": _DEFAULT_TPU,
    "tpuv232": _CPU,
    "tpuv2256": _CPU,
}

#: names older versions of this server offered; still accepted, answered with the retirement note
RETIRED: dict[str, Accelerator] = {
    "gpu-p100": Accelerator("gpu-p100", "NvidiaTeslaP100", True, False, "GPU P100 (retired)", _DEFAULT_GPU),
}


def accelerator(name: str) -> Accelerator:
    """The accelerator called ``name`` (offered or retired); ValueError lists the offered ones."""
    found = ACCELERATORS.get(name) or RETIRED.get(name)
    if found is None:
        raise ValueError(f"unknown accelerator {name!r}; choose one of: {', '.join(ACCELERATORS)}")
    return found


def replacement_for(machine_shape: str | None) -> str | None:
    """What Kaggle runs a session on instead of a retired ``machine_shape``; None when it is not retired."""
    return RETIRED_SHAPES.get((machine_shape or "").strip().lower())
