"""Argument checks shared by every ``lthbook`` module.

Each helper raises a ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, outside
the valid range) whose message names the argument and the range it must lie in, so that a
reader's mistake is caught where it is made and not as a silent wrong answer later.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
import torch

__all__ = [
    "resolve_device",
    "check_int",
    "check_float",
    "check_choice",
    "check_bool",
    "check_generator",
    "check_widths",
    "as_float64_tensor",
]


def resolve_device(device: str | torch.device | None = None) -> torch.device:
    """Return the device to compute on: ``device`` if given, else CUDA when available, else CPU.

    A request for CUDA on a machine without a GPU is refused with a clear message rather than
    failing later inside a kernel.
    """
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(device, (str, torch.device)):
        raise TypeError(
            f"device must be None, a string such as 'cpu' or 'cuda', or a torch.device; got {type(device).__name__}"
        )
    try:
        dev = torch.device(device)
    except RuntimeError as err:
        raise ValueError(f"device={device!r} is not a valid torch device ('cpu', 'cuda', 'cuda:0', ...)") from err
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} asks for CUDA, but no CUDA GPU is available here; use device='cpu' or None"
        )
    return dev


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """Check that ``value`` is an integer in ``[low, high]`` (either end optional) and return it."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer in {_range_text(low, high)}; got {value}")
    return value


def check_float(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Check that ``value`` is a finite real number in the given interval and return it as float."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{name} must lie in {left}{lo}, {hi}{right}; got {value:g}")
    return value


def check_choice(name: str, value, choices) -> str:
    """Check that ``value`` is one of ``choices`` (strings) and return it."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def check_bool(name: str, value) -> bool:
    """Check that ``value`` is ``True`` or ``False`` (not 0/1, not None) and return it."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return value


def check_generator(generator, *, cpu_only: bool = False) -> torch.Generator | None:
    """Check that ``generator`` is None or a ``torch.Generator`` and return it.

    With ``cpu_only``, a generator on another device is refused too: for functions that draw
    their numbers on the CPU whatever the device of the result (``torch.rand`` needs a
    generator on the device it draws on). Without it, the caller draws on the generator's own
    device (:func:`lthbook._sampling.uniform`).
    """
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be None or a torch.Generator; got {type(generator).__name__}")
    if cpu_only and generator is not None and generator.device.type != "cpu":
        raise ValueError(
            f"generator must be a CPU torch.Generator (the numbers are drawn on the CPU); got one on {generator.device}"
        )
    return generator


def check_widths(widths, name: str = "widths") -> tuple[int, ...]:
    """Check layer widths (d_0, …, d_l): a sequence of at least two integers ≥ 1; return a tuple."""
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise TypeError(f"{name} must be a sequence of integers (d_0, ..., d_l); got {type(widths).__name__}")
    if len(widths) < 2:
        raise ValueError(f"{name} must list at least two widths (d_0, d_1); got {tuple(widths)}")
    return tuple(check_int(f"{name}[{k}]", width, low=1) for k, width in enumerate(widths))


def as_float64_tensor(name: str, value, *, device: torch.device, ndim: tuple[int, ...] | None = None) -> torch.Tensor:
    """Convert an array-like to a finite float64 tensor on ``device``, checking its rank.

    Args:
        name: the argument's name, used in error messages.
        value: a tensor, NumPy array, list or scalar of real numbers.
        device: where the result lives.
        ndim: the allowed numbers of dimensions, e.g. ``(1, 2)``; ``None`` allows any.
    """
    if isinstance(value, torch.Tensor):
        if value.is_complex() or value.dtype == torch.bool:
            raise TypeError(f"{name} must hold real numbers; got a tensor of dtype {value.dtype}")
        tensor = value.detach().to(device=device, dtype=torch.float64)
    else:
        try:
            array = np.asarray(value)
        except (ValueError, TypeError) as err:
            raise TypeError(f"{name} must be a tensor or array of real numbers") from err
        if array.dtype == object or not (np.issubdtype(array.dtype, np.number)) or np.iscomplexobj(array):
            raise TypeError(f"{name} must be a tensor or array of real numbers; got dtype {array.dtype}")
        tensor = torch.as_tensor(array, dtype=torch.float64, device=device)
    if ndim is not None and tensor.ndim not in ndim:
        allowed = " or ".join(str(k) for k in ndim)
        raise ValueError(f"{name} must have {allowed} dimension(s); got shape {tuple(tensor.shape)}")
    if not torch.isfinite(tensor).all():
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return tensor


def _range_text(low, high) -> str:
    lo = "-inf" if low is None else str(low)
    hi = "inf" if high is None else str(high)
    return f"[{lo}, {hi}]"
