"""Choosing where to train: CUDA, Apple's MPS or the CPU.

Kept free of module-level torch imports: the app lists devices in a menu, and importing torch costs
about two seconds, which it pays on a worker thread (see ``warm_up``), never at start-up.
"""

from __future__ import annotations

import os
from typing import Any

from .errors import TrainingError

_CHOICES = "auto, cpu, cuda (or cuda:N) or mps"


def _cuda_label(index: int) -> str:
    import torch

    props = torch.cuda.get_device_properties(index)
    gigabytes = props.total_memory / 1024**3
    return f"{props.name} ({gigabytes:.0f} GB)"


def _mps_available() -> bool:
    import torch

    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def pick_device(name: str | None = "auto") -> str:
    """The concrete torch device string for a project's device setting.

    "auto" takes the fastest thing present (CUDA, then MPS, then CPU) so a project file written on a
    laptop trains on a workstation's GPU unchanged. A named device that is not there is an error rather
    than a silent fallback: a student who asked for the GPU should learn that it is not being used.
    """
    import torch

    choice = (name or "auto").strip().lower()
    if choice == "auto":
        if torch.cuda.is_available():
            return "cuda:0"
        if _mps_available():
            return "mps"
        return "cpu"
    if choice == "cpu":
        return "cpu"
    if choice == "cuda" or choice.startswith("cuda:"):
        if not torch.cuda.is_available():
            build = "a CPU-only PyTorch" if torch.version.cuda is None else "PyTorch with CUDA but no usable GPU"
            raise TrainingError(f"The device 'cuda' was asked for, but this computer has {build}; "
                                "choose auto or cpu.", kind="runtime")
        index_text = choice.partition(":")[2] or "0"
        if not index_text.isdigit() or int(index_text) >= torch.cuda.device_count():
            raise TrainingError(f"There is no GPU '{name}': this computer has {torch.cuda.device_count()} "
                                "CUDA device(s), numbered from cuda:0.", kind="runtime")
        return f"cuda:{int(index_text)}"
    if choice == "mps":
        if not _mps_available():
            raise TrainingError("The device 'mps' (Apple GPU) was asked for, but it is not available here; "
                                "choose auto or cpu.", kind="runtime")
        return "mps"
    raise TrainingError(f"Unknown device '{name}'; use {_CHOICES}.", kind="runtime")


def list_devices() -> list[tuple[str, str]]:
    """(device id, label) pairs for a menu: "auto" first (labelled with what it picks), then every device."""
    import torch

    found: list[tuple[str, str]] = []
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            found.append((f"cuda:{i}", _cuda_label(i)))
    if _mps_available():
        found.append(("mps", "Apple GPU (MPS)"))
    found.append(("cpu", f"CPU ({os.cpu_count() or 1} cores)"))
    auto = pick_device("auto")
    auto_label = dict(found).get(auto, "CPU")
    return [("auto", f"Auto ({auto_label})"), *found]


def warm_up() -> None:
    """Pay torch's one-off import costs now, e.g. on a thread before the user presses Train.

    ``import torch`` takes ~1.5 s and the first optimizer construction pulls in ``torch._dynamo``
    (~1 s more); doing both here keeps that stall out of the first epoch and its timing.
    """
    import torch
    import torch.fx  # noqa: F401 - the compiler and the trainer's training view use it
    import torch.nn.functional  # noqa: F401

    param = torch.nn.Parameter(torch.zeros(1))
    torch.optim.Adam([param], lr=0.001)


def cpu_has_bf16_hardware() -> bool:
    """True on CPUs that compute bfloat16 in hardware: Intel AMX matrix units (Sapphire Rapids and later) or
    AVX-512 BF16 dot products (AMD Zen 4 and later, Intel Cooper Lake).

    Only there is bfloat16 autocast a gain on the CPU (measured with AMX: 5x the float32 matmul rate, about 1.6x
    a DCGAN step; with AVX-512 BF16 on a 2-core AMD EPYC: DCGAN epochs in 0.76-0.86 of float32's time, CNN epochs 0.64-1.03); elsewhere
    PyTorch emulates it and training gets slower, so mixed precision is refused.
    """
    import torch

    cpu = getattr(torch, "cpu", None)
    caps = getattr(cpu, "get_capabilities", None)
    try:
        found = caps() if callable(caps) else {}
    except Exception:  # noqa: BLE001 - an unknown CPU is one without them
        return False
    return bool((found.get("amx_bf16") and found.get("amx_tile")) or found.get("avx512_bf16"))


def autocast_plan(device: str, wanted: bool) -> tuple[Any, str | None]:
    """(autocast dtype or None, a note for the student or None) for the mixed-precision setting on ``device``.

    CUDA takes bfloat16 where the GPU has it, else float16 (the caller then scales the loss); the CPU takes
    bfloat16 only where it computes bfloat16 in hardware. Anywhere else the run trains in float32 and says why.
    """
    if not wanted:
        return None, None
    import torch

    kind = str(device).split(":")[0]
    if kind == "cuda":
        return (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16), None
    if kind == "cpu" and cpu_has_bf16_hardware():
        return torch.bfloat16, None
    where = "this CPU has neither (no Intel AMX, no AVX-512 BF16)" if kind == "cpu" else f"not on '{device}'"
    return None, f"Mixed precision works on CUDA GPUs and on CPUs that compute bfloat16 in hardware; {where}, so " \
                 "training runs in float32."
