"""The paper's experiments, redone (chapter 6).

**Experiment 1** of Pensia et al. replaces every weight w of a trained 784–500–10 bias-free
ReLU MLP by the best subset sum of n random coefficients drawn U[min w, max w] (the smallest
and largest weight of the whole network), with n = 21 for ε = 0.01. The paper solved the
397,000 SubsetSum instances with a Gurobi MIP in 77,266 s on 36 cores and reported 97.19% test
accuracy for the result, which (a bug fixed in the official code in 2022) was the accuracy of
the *target*, not of the approximated network. :func:`subset_sum_replacement` solves all the
instances exactly in one batched call of :func:`lthbook.subset_sum.solve`, and
:func:`replaced_network` builds the approximated network, the one to evaluate.

The paper drew one set of n coefficients per row of each weight matrix and reused it for every
weight of that row (``coefficients="per_row"``); the option ``"per_weight"`` draws fresh
coefficients for every weight, as the independence in Lueker's theorem assumes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
from torch import nn

from . import subset_sum
from ._validation import check_choice, check_float, check_int, resolve_device

__all__ = [
    "PAPER_EXPERIMENT1",
    "ReplacementResult",
    "linear_weights",
    "subset_sum_replacement",
    "replaced_network",
]

#: The paper's Experiment 1, as reported in its official repository (paper-brief §7).
PAPER_EXPERIMENT1 = {
    "architecture": (784, 500, 10),
    "num_weights": 397_000,
    "n": 21,
    "eps": 0.01,
    "target_test_accuracy": 0.9719,
    "reported_pruned_accuracy": 0.9719,  # the target's, by the evaluation bug
    "total_coefficients": 8_337_000,
    "kept_coefficients": 3_730_000,  # "3.73M", as reported
    "wall_seconds": 77_266,
    "cores": 36,
}

COEFFICIENT_MODES = ("per_row", "per_weight")


@dataclass(frozen=True)
class ReplacementResult:
    """Every weight replaced by a subset sum: the new weights and what it cost.

    Attributes:
        weights: the approximated weight matrices Ŵ_i (float64, shapes of the targets W_i).
        errors: ``|W_i − Ŵ_i|`` entry by entry (float64, same shapes).
        kept: number of coefficients kept (selected) per weight (int64, same shapes).
        num_coefficients: n, coefficients drawn per weight.
        low, high: the coefficient law U[low, high] (the smallest and largest target weight).
        coefficients: ``"per_row"`` (the paper's reuse) or ``"per_weight"`` (fresh draws).
        seconds: wall time of the SubsetSum solve (the whole network, one call).
    """

    weights: list[torch.Tensor] = field(repr=False)
    errors: list[torch.Tensor] = field(repr=False)
    kept: list[torch.Tensor] = field(repr=False)
    num_coefficients: int
    low: float
    high: float
    coefficients: str
    seconds: float

    @property
    def num_weights(self) -> int:
        return sum(e.numel() for e in self.errors)

    @property
    def max_error(self) -> float:
        return max(float(e.max()) for e in self.errors)

    @property
    def median_error(self) -> float:
        return float(torch.cat([e.flatten() for e in self.errors]).median())

    @property
    def total_kept(self) -> int:
        return sum(int(k.sum()) for k in self.kept)

    @property
    def total_coefficients(self) -> int:
        return self.num_weights * self.num_coefficients

    def fraction_within(self, eps: float) -> float:
        """Share of weights whose replacement error is at most ``eps``."""
        eps = check_float("eps", eps, low=0.0, low_inclusive=False)
        within = sum(int((e <= eps).sum()) for e in self.errors)
        return within / self.num_weights


def linear_weights(model: nn.Module) -> list[torch.Tensor]:
    """The weight matrices of the ``nn.Linear`` layers of ``model``, input to output (detached)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    weights = [m.weight.detach() for m in model.modules() if isinstance(m, nn.Linear)]
    if not weights:
        raise ValueError("model has no nn.Linear layer")
    return weights


def subset_sum_replacement(
    weights: list[torch.Tensor],
    *,
    n: int = 21,
    coefficients: str = "per_row",
    generator: torch.Generator | None = None,
    device: str | torch.device | None = None,
) -> ReplacementResult:
    """Replace every weight w by the best subset sum of n coefficients drawn U[min w, max w].

    For each entry w = (W_i)_{jk} the coefficients a_1, …, a_n are i.i.d. U[low, high], with
    low and high the smallest and largest entry over all the matrices, and the replacement is
    ŵ = Σ_{t∈S} a_t for the subset S minimising |w − Σ_{t∈S} a_t| (exact, float64). With
    ``coefficients="per_row"`` (the paper's code) one draw serves every weight of a row of W_i;
    with ``"per_weight"`` every weight gets its own draw. All instances of all layers go to
    :func:`lthbook.subset_sum.solve` in one call.

    Args:
        weights: the target matrices W_1, …, W_l (any float dtype; 2-D each).
        n: coefficients per weight, in [1, 30].
        coefficients: ``"per_row"`` or ``"per_weight"``.
        generator: a CPU ``torch.Generator`` for the coefficients (``None``: the global one).
        device: where to solve; ``None``: CUDA if available, else CPU.

    Returns:
        A :class:`ReplacementResult` (weights on ``device``, float64).
    """
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError("weights must be a non-empty list of 2-D tensors (e.g. linear_weights(model))")
    for i, w in enumerate(weights):
        if not isinstance(w, torch.Tensor) or w.ndim != 2 or not w.is_floating_point():
            raise ValueError(f"weights[{i}] must be a 2-D floating-point tensor")
        if not torch.isfinite(w).all():
            raise ValueError(f"weights[{i}] must be finite")
    n = check_int("n", n, low=1, high=30)
    coefficients = check_choice("coefficients", coefficients, COEFFICIENT_MODES)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None; got {type(generator).__name__}")
    device = resolve_device(device)

    targets = [w.detach().to(device=device, dtype=torch.float64) for w in weights]
    low = min(float(t.min()) for t in targets)
    high = max(float(t.max()) for t in targets)
    rows = sum(t.shape[0] for t in targets)
    draws = rows if coefficients == "per_row" else sum(t.numel() for t in targets)
    unit = torch.rand(draws, n, generator=generator, dtype=torch.float64)  # drawn on the CPU
    coeff = (low + (high - low) * unit).to(device)
    if coefficients == "per_row":
        row_of_weight = torch.cat(
            [torch.arange(t.shape[0], device=device).repeat_interleave(t.shape[1]) + offset
             for t, offset in zip(targets, _offsets([t.shape[0] for t in targets]))]
        )
        coeff = coeff[row_of_weight]
    flat_targets = torch.cat([t.flatten() for t in targets])

    start = time.perf_counter()
    solution = subset_sum.solve(coeff, flat_targets, device=device)
    seconds = time.perf_counter() - start

    new_weights, errors, kept = [], [], []
    for t, offset in zip(targets, _offsets([t.numel() for t in targets])):
        part = slice(offset, offset + t.numel())
        new_weights.append(solution.value[part].reshape(t.shape))
        errors.append(solution.error[part].reshape(t.shape))
        kept.append(solution.mask[part].sum(dim=1).reshape(t.shape))
    return ReplacementResult(new_weights, errors, kept, n, low, high, coefficients, seconds)


def replaced_network(model: nn.Sequential, replacement: ReplacementResult, *, dtype=torch.float32) -> nn.Sequential:
    """A copy of ``model`` whose ``nn.Linear`` weights are the replacement's Ŵ_i.

    This is the *approximated* network, the one Experiment 1 should have evaluated. The
    original ``model`` is left untouched; the copy has ``requires_grad=False`` weights.
    """
    import copy

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if not isinstance(replacement, ReplacementResult):
        raise TypeError("replacement must be a ReplacementResult from subset_sum_replacement")
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(layers) != len(replacement.weights):
        raise ValueError(f"model has {len(layers)} Linear layers but the replacement has {len(replacement.weights)}")
    approx = copy.deepcopy(model)
    for layer, w in zip([m for m in approx.modules() if isinstance(m, nn.Linear)], replacement.weights):
        if tuple(layer.weight.shape) != tuple(w.shape):
            raise ValueError(f"shape mismatch: layer {tuple(layer.weight.shape)} vs replacement {tuple(w.shape)}")
        layer.weight = nn.Parameter(w.to(device=layer.weight.device, dtype=dtype), requires_grad=False)
    return approx


def _offsets(sizes: list[int]) -> list[int]:
    out, total = [], 0
    for size in sizes:
        out.append(total)
        total += size
    return out
