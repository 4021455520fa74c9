"""``lthbook.setup``: the one call at the top of every chapter.

It seeds every random number generator the chapters use (Python, NumPy, torch on CPU and CUDA),
picks the device (CUDA when available, else CPU), sets the book's figure style, and prints the
versions a reader needs to report a problem. In Colab without a GPU it says that none is needed
(a GPU is optional: it only shortens the longer runs of chapters 2 and 6).
"""

from __future__ import annotations

import platform
import random
import sys
from dataclasses import dataclass

import numpy as np
import torch

from ._validation import check_int, resolve_device

__all__ = ["setup", "SessionInfo", "in_colab"]

_COLAB_GPU_HINT = (
    "Running on the CPU, which is all this book needs: every chapter, student notebook and problem set"
    " runs on it. A GPU is optional and only shortens the longer runs of chapters 2 and 6 (in Colab:"
    " Runtime > Change runtime type > T4 GPU, then run all cells again)."
)


@dataclass(frozen=True)
class SessionInfo:
    """What :func:`lthbook.setup` did: the seed it used, the device chosen and the library versions."""

    seed: int
    device: torch.device
    versions: dict[str, str]


def in_colab() -> bool:
    """Whether this kernel runs in Google Colab (the module ``google.colab`` is importable).

    Examples:
        >>> in_colab()  # outside Colab
        False
    """
    import importlib.util

    try:
        return importlib.util.find_spec("google.colab") is not None
    except (ImportError, ValueError):
        return False


def setup(seed: int = 0, *, device: str | torch.device | None = None, verbose: bool = True) -> SessionInfo:
    """Seed Python, NumPy and torch with ``seed``, choose the device and set the figure style.

    Args:
        seed: a non-negative integer below 2**32 (NumPy's limit), used for every generator.
        device: ``None`` for CUDA when available else CPU, or an explicit device.
        verbose: print one line of versions and the device (and, in Colab without a GPU, that
            none is needed).

    Returns:
        A :class:`~lthbook.session.SessionInfo` with the seed, the device and the versions.

    Examples:
        >>> info = setup(0, device="cpu", verbose=False)
        >>> info.seed, info.device, sorted(info.versions)
        (0, device(type='cpu'), ['lthbook', 'numpy', 'python', 'torch'])
        >>> first = torch.rand(2)
        >>> _ = setup(0, device="cpu", verbose=False)
        >>> torch.equal(torch.rand(2), first)  # seeded again: the same numbers
        True
    """
    seed = check_int("seed", seed, low=0, high=2**32 - 1)
    dev = resolve_device(device)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device

    from . import __version__
    from .plotting import use_style

    use_style()
    versions = {
        "lthbook": __version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
    }
    if verbose:
        described = dev.type if dev.type == "cpu" else f"{dev} ({torch.cuda.get_device_name(dev)})"
        listing = ", ".join(f"{name} {version}" for name, version in versions.items())
        print(f"{listing} | device: {described} | seed: {seed}")
        if dev.type == "cpu" and in_colab():
            print(_COLAB_GPU_HINT, file=sys.stdout)
    return SessionInfo(seed=seed, device=dev, versions=versions)
