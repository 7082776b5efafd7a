"""The one place that checks arguments and words the errors.

Every message names the parameter and the value it got, so a student sees what to fix
instead of a traceback from deep inside torch.
"""
from __future__ import annotations

import math
import numbers

import torch

_memory_cap_bytes = 1 << 30  # 1 GiB: the largest tensor any alibi_edu function will build


def set_memory_cap(n_bytes: int) -> int:
    """Set the largest tensor (in bytes) alibi_edu will allocate; returns the previous cap."""
    global _memory_cap_bytes
    previous, _memory_cap_bytes = _memory_cap_bytes, positive_int("n_bytes", n_bytes)
    return previous


def memory_cap() -> int:
    """The current allocation cap in bytes (default 1 GiB)."""
    return _memory_cap_bytes


def positive_int(name: str, value: object) -> int:
    """A count or a length: a true integer ≥ 1 (bool is refused, numpy/torch integers are fine)."""
    if isinstance(value, torch.Tensor) and value.ndim == 0 and not value.is_floating_point():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1), got {value!r}")
    return int(value)


def finite_float(name: str, value: object) -> float:
    """A real number that is neither NaN nor infinite (bool and str are refused)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def finite_vector(name: str, value: object) -> torch.Tensor:
    """A 1-D floating tensor of finite values (a list or tuple of numbers is accepted too)."""
    if isinstance(value, (list, tuple)):
        value = torch.tensor([finite_float(f"{name}[{i}]", v) for i, v in enumerate(value)], dtype=torch.float64)
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a 1-D tensor of numbers, got {type(value).__name__}")
    if value.ndim != 1 or value.numel() == 0:
        raise ValueError(f"{name} must be a non-empty 1-D tensor, got shape {tuple(value.shape)}")
    if not value.is_floating_point():
        value = value.to(torch.float64)
    if not torch.isfinite(value).all():
        raise ValueError(f"{name} must be finite, got {value.tolist()}")
    return value


def tensor(name: str, value: object, min_dims: int = 2) -> torch.Tensor:
    """A floating tensor with at least `min_dims` dimensions."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if value.ndim < min_dims:
        raise ValueError(f"{name} must have at least {min_dims} dimensions (..., L, d), got shape {tuple(value.shape)}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating tensor, got dtype {value.dtype}")
    return value


def fits_in_memory(what: str, shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> None:
    """Refuse, before allocating, a tensor larger than the cap; say how big it would be."""
    n_bytes = math.prod(shape) * torch.empty((), dtype=dtype).element_size()
    if n_bytes > _memory_cap_bytes:
        raise ValueError(
            f"{what} of shape {shape} ({dtype}) would need {human_bytes(n_bytes)}, more than the "
            f"{human_bytes(_memory_cap_bytes)} cap: use fewer heads or a shorter sequence, "
            f"or raise the cap with alibi_edu.set_memory_cap(n_bytes)"
        )


def human_bytes(n_bytes: int) -> str:
    """1536 -> '1.50 KiB'."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n_bytes < 1024 or unit == "GiB":
            return f"{n_bytes:.0f} B" if unit == "B" else f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
