"""Where the networks run: the CPU, or a CUDA GPU when one is present.

Chosen once per process (`annotator predict --device`, or `ANNOTATOR_DEVICE`, which also
reaches a Ray cluster's workers): `auto` takes a GPU that torch can see and the CPU
otherwise. On a GPU the weights run in bf16 where the card supports it (fp16 otherwise)
and batches are larger, to fill it; on the CPU in bf16 only where the CPU has bf16 units
(AMX or AVX-512 bf16), float32 elsewhere, where bf16 would be emulated and slower.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache

DEVICES = ("auto", "cpu", "cuda")
ENVIRONMENT = "ANNOTATOR_DEVICE"
GPU_BATCH_FACTOR = 8  # a GPU takes this many times the CPU's batch in one pass


def choose(name: str) -> None:
    """Set the process's device; raise ValueError for an unknown one, or for `cuda` where
    torch sees no GPU."""
    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}: use {', '.join(DEVICES)}")
    if name == "cuda" and not _cuda_available():
        raise ValueError("--device cuda: torch sees no CUDA GPU here (use auto or cpu)")
    os.environ[ENVIRONMENT] = name
    current.cache_clear()


@lru_cache(maxsize=1)
def current() -> str:
    """ "cuda" or "cpu": where this process runs its networks."""
    wanted = os.environ.get(ENVIRONMENT, "auto")
    if wanted == "cuda" or (wanted == "auto" and _cuda_available()):
        return "cuda"
    return "cpu"


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def cpu_has_fast_bf16() -> bool:
    """True on CPUs with AMX or AVX-512 bf16 units, where bf16 halves encoder time.

    Elsewhere bf16 is emulated and slower than float32, so float32 stays the default.
    """
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            flags = next((line for line in cpuinfo if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def half_precision(on: str | None = None):
    """The dtype networks run in on device `on` (default: this process's), or None for
    float32."""
    import torch

    if (on or current()) == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if cpu_has_fast_bf16() else None


def place(model):
    """`model` on the device, in its dtype (for inference: its weights are converted)."""
    dtype = half_precision()
    model = model.to(current())
    return model.to(dtype) if dtype is not None else model


def autocast(on: str | None = None):
    """Mixed precision for a network that keeps float32 weights (the cross-encoder; its
    training, which runs on the CPU, asks for `on="cpu"`): bf16/fp16 on the device where it
    pays, nothing elsewhere."""
    import torch

    on = on or current()
    dtype = half_precision(on)
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(on, dtype=dtype)


def on_device(inputs: dict) -> dict:
    """Tokenizer output moved to the device."""
    if current() == "cpu":
        return inputs
    return {key: value.to(current()) for key, value in inputs.items()}


def batch(size: int) -> int:
    """The batch size for a pass on this device, given the one chosen for the CPU."""
    return size * GPU_BATCH_FACTOR if current() == "cuda" else size
