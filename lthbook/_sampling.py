"""Random draws shared by the ``lthbook`` modules: the i.i.d. U[−1, 1] entries of the theorem.

Every random network of the book (the gadgets of chapter 3, the random network of chapter 4,
the depth l + 1 network of chapter 7, the rejection sampler of chapter 5, the weights and
scores of edge-popup) draws its entries here, on the generator's device, so that a seed gives
the same numbers on every device.
"""

from __future__ import annotations

import torch

__all__ = ["uniform"]


def uniform(
    shape: tuple[int, ...],
    generator: torch.Generator | None,
    *,
    bound: float = 1.0,
    dtype: torch.dtype | None = torch.float64,
) -> torch.Tensor:
    """i.i.d. U[−bound, bound] entries of ``shape``, drawn on the generator's device (the CPU without one).

    Computed as ``(torch.rand(shape) * 2 − 1) · bound`` (the factor is skipped for bound 1,
    which would leave every number unchanged anyway). The caller moves the result to its
    device; ``dtype=None`` draws in torch's default dtype (float32 unless changed).
    """
    source = generator.device if generator is not None else torch.device("cpu")
    draw = torch.rand(shape, generator=generator, dtype=dtype, device=source) * 2 - 1
    return draw if bound == 1.0 else draw * bound
