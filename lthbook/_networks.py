"""Bias-free ReLU networks given as lists of weight matrices: the helpers several modules share.

A network is a list (W_1, …, W_l) of float64 matrices, W_i of shape ``(d_i, d_{i−1})`` like
``nn.Linear.weight``, computing x ↦ W_l σ(W_{l−1} ⋯ σ(W_1 x)) with σ the ReLU. The class of
targets of chapter 4 (Definition "The class of targets") asks ‖W_i‖₂ ≤ 1, the spectral norm.
Used by :mod:`lthbook.construction`, :mod:`lthbook.shallow_construction`,
:mod:`lthbook.diagrams` and :mod:`lthbook.lower_bound`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._validation import as_float64_tensor, check_generator, check_int

__all__ = [
    "SPECTRAL_NORM_TOLERANCE",
    "spectral_norm",
    "check_target_weights",
    "check_input",
    "forward",
    "sequential",
    "search_sup_error",
]

#: Target layers may exceed spectral norm 1 by this much (rounding of a normalisation).
SPECTRAL_NORM_TOLERANCE = 1e-9
#: The chunked forward pass of :func:`forward` keeps each chunk's widest activation under this size.
FORWARD_CHUNK_BYTES = 1 << 28


def spectral_norm(a: torch.Tensor) -> torch.Tensor:
    """‖A‖₂, the largest singular value, of each matrix of a float64 batch ``(..., r, c)``: shape ``(...)``.

    Matrices with one row or one column use the Euclidean norm; matrices with two columns (or
    two rows, by transposing) use the closed form of the largest eigenvalue of the 2×2 Gram
    matrix G = AᵀA = [[p, t], [t, s]]::

        ‖A‖₂² = (p + s)/2 + sqrt(((p − s)/2)² + t²),

    exact to rounding and much faster than an SVD for millions of small matrices. Other shapes
    go to ``torch.linalg.matrix_norm(ord=2)`` on the taller of A and Aᵀ (the same singular
    values; LAPACK is faster on a tall matrix).
    """
    rows, cols = a.shape[-2], a.shape[-1]
    if rows == 1 or cols == 1:
        return a.flatten(-2).norm(dim=-1)
    if cols != 2 and rows == 2:
        a = a.transpose(-1, -2)
        rows, cols = cols, 2
    if cols == 2:
        p = (a[..., 0] * a[..., 0]).sum(dim=-1)
        s = (a[..., 1] * a[..., 1]).sum(dim=-1)
        t = (a[..., 0] * a[..., 1]).sum(dim=-1)
        return torch.sqrt((p + s) / 2 + torch.sqrt(((p - s) / 2) ** 2 + t * t))
    tall = a if rows >= cols else a.mT
    return torch.linalg.matrix_norm(tall, ord=2)


def check_target_weights(
    target_weights,
    widths: Sequence[int] | None,
    device: torch.device,
    *,
    shape_context: str = "",
    norm_hint: str = "use construction.normalize_to_class",
) -> tuple[list[torch.Tensor], list[float]]:
    """W_1, …, W_l as float64 on ``device``, checked against ``widths`` and the class; and their norms.

    Args:
        target_weights: a non-empty list or tuple of 2-D tensors or arrays.
        widths: (d_0, …, d_l) the matrices must match; None takes them from the matrices
            (d_0 from W_1's columns, d_i from W_i's rows), so that consecutive layers must chain.
        device: where the result lives.
        shape_context, norm_hint: words for the error messages (after the expected shape, and
            in parentheses after a norm above 1), so that each caller names its own setting.

    Returns:
        ``(weights, norms)`` with norms[i − 1] = ‖W_i‖₂ as floats.

    Raises:
        TypeError: not a non-empty sequence of 2-D real arrays.
        ValueError: the wrong number of layers, a wrong shape, or ‖W_i‖₂ > 1 +
            :data:`SPECTRAL_NORM_TOLERANCE`.
    """
    if isinstance(target_weights, torch.Tensor) or not isinstance(target_weights, Sequence) or len(target_weights) == 0:
        raise TypeError("target_weights must be a non-empty list or tuple of 2-D tensors W_1, ..., W_l")
    weights = [
        as_float64_tensor(f"target_weights[{k}]", w, device=device, ndim=(2,)) for k, w in enumerate(target_weights)
    ]
    if widths is None:
        widths = (weights[0].shape[1],) + tuple(w.shape[0] for w in weights)
    widths = tuple(widths)
    if len(weights) != len(widths) - 1:
        raise ValueError(
            f"target_weights must hold l = {len(widths) - 1} matrices for widths {widths}; got {len(weights)}"
        )
    norms = []
    for i, weight in enumerate(weights, start=1):
        expected = (widths[i], widths[i - 1])
        if tuple(weight.shape) != expected:
            raise ValueError(
                f"target_weights[{i - 1}] (W_{i}) must have shape (d_{i}, d_{i - 1}) = {expected}{shape_context}; "
                f"got {tuple(weight.shape)}"
            )
        norm = float(spectral_norm(weight))
        if norm > 1 + SPECTRAL_NORM_TOLERANCE:
            raise ValueError(
                f"target_weights[{i - 1}] (W_{i}) has spectral norm {norm:.6g} > 1; the class needs ‖W_i‖₂ ≤ 1 "
                f"({norm_hint})"
            )
        norms.append(norm)
    return weights, norms


def check_input(x, d_0: int, device: torch.device) -> torch.Tensor:
    """Inputs ``(N, d_0)`` or ``(d_0,)`` as a finite float64 tensor on ``device``."""
    x = as_float64_tensor("x", x, device=device, ndim=(1, 2))
    if x.shape[-1] != d_0:
        raise ValueError(f"x must have d_0 = {d_0} features in its last dimension; got shape {tuple(x.shape)}")
    return x


def forward(weights: Sequence[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """W_L σ(… σ(W_1 x)) for x ``(N, d)`` or ``(d,)``, in chunks of points (differentiable in x)."""
    single = x.ndim == 1
    points = x.reshape(-1, x.shape[-1])
    widest = max(w.shape[0] for w in weights)
    rows = max(1, FORWARD_CHUNK_BYTES // (8 * widest))
    outputs = []
    for start in range(0, max(points.shape[0], 1), rows):
        h = points[start : start + rows]
        for index, weight in enumerate(weights):
            h = h @ weight.T
            if index < len(weights) - 1:
                h = torch.relu(h)
        outputs.append(h)
    out = torch.cat(outputs)
    return out[0] if single else out


def sequential(weights: Sequence[torch.Tensor]) -> nn.Sequential:
    """The network as a bias-free ``nn.Sequential`` of ``Linear`` (in the weights' dtype and device) and ``ReLU``."""
    layers: list[nn.Module] = []
    for index, weight in enumerate(weights):
        linear = nn.Linear(weight.shape[1], weight.shape[0], bias=False, dtype=weight.dtype, device=weight.device)
        with torch.no_grad():
            linear.weight.copy_(weight)
        layers.append(linear)
        if index < len(weights) - 1:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def search_sup_error(
    targets: Sequence[torch.Tensor],
    weights: Sequence[torch.Tensor],
    *,
    num_points: int,
    adversarial_steps: int,
    refine_points: int,
    generator: torch.Generator | None,
) -> float:
    """The largest ‖f(x) − g(x)‖₂ found on the unit ball: sphere sampling, then projected gradient ascent.

    f has weights ``targets``, g has ``weights`` (both bias-free, on one device, same d_0).
    ``num_points`` normalised Gaussian points (drawn on the generator's device, the CPU without
    one), then ``adversarial_steps`` steps x ← P(x + s_t·∇/‖∇‖) from the ``refine_points`` best,
    s_t decaying geometrically from 0.1 to 0.001, P the projection onto the ball. Every point
    is feasible, so the result is at most the supremum. The targets and weights are checked by
    the callers (:func:`lthbook.construction.sampled_error`, which states the contract).
    """
    num_points = check_int("num_points", num_points, low=1)
    adversarial_steps = check_int("adversarial_steps", adversarial_steps, low=0)
    refine_points = check_int("refine_points", refine_points, low=1)
    generator = check_generator(generator)
    device = targets[0].device
    d_0 = targets[0].shape[1]

    def errors(x: torch.Tensor) -> torch.Tensor:
        return (forward(targets, x) - forward(weights, x)).norm(dim=1)

    source = generator.device if generator is not None else torch.device("cpu")
    x = torch.randn(num_points, d_0, generator=generator, dtype=torch.float64, device=source)
    x = (x / x.norm(dim=1, keepdim=True).clamp(min=1e-300)).to(device)
    with torch.no_grad():
        start = errors(x)
    best = float(start.max())
    if adversarial_steps == 0:
        return best
    x = x[torch.topk(start, min(refine_points, num_points)).indices].clone()
    decay = (1e-2) ** (1.0 / max(adversarial_steps - 1, 1))
    step = 0.1
    for _ in range(adversarial_steps):
        x.requires_grad_(True)
        value = errors(x)
        (grad,) = torch.autograd.grad(value.sum(), x)
        with torch.no_grad():
            best = max(best, float(value.max()))
            x = x + step * grad / grad.norm(dim=1, keepdim=True).clamp(min=1e-300)
            x = x / x.norm(dim=1, keepdim=True).clamp(min=1.0)  # projection onto the ball
        step *= decay
    with torch.no_grad():
        best = max(best, float(errors(x).max()))
    return best
