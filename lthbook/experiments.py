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
weight of that row (``coefficients="per_row"``), as Lueker's theorem allows: one draw serves
every target. The option ``"per_weight"`` draws fresh coefficients for every weight, so that
the errors of different weights are independent. Chapter 6 compares the two.

The **Theorem-1 version** of Experiment 1 prunes the random network of
:mod:`lthbook.construction` to the trained target instead;
:func:`lthbook.experiments.compact_pruned_network` turns the pruned network into a module that
computes the same function at a fraction of the cost, so that it can be evaluated on 10,000
test images in seconds.

**Experiment 2** trains edge-popup scores on three random structures of equal size
(:func:`lthbook.edge_popup.experiment2_network`); :data:`lthbook.experiments.PAPER_EXPERIMENT2`
holds the paper's numbers, :func:`lthbook.experiments.matched_wide_hidden` sizes the wide
network, and :func:`lthbook.experiments.read_experiment2_results` and
:func:`lthbook.experiments.experiment2_curves` read the results files of
``benchmarks/experiment2.py`` (``benchmarks/results/experiment2.json``, the first 2-epoch FC2
sweep, and ``experiment2_full.json``, the sweep at the official settings).

Chapter 2 reads the timings of ``benchmarks/subset_sum.py`` (``solve`` against brute force,
HiGHS and CP-SAT, and the paper's 397,000 instances) with
:func:`lthbook.experiments.read_subset_sum_results`.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from . import edge_popup, subset_sum
from ._validation import check_bool, check_choice, check_float, check_generator, check_int, resolve_device
from .construction import PrunedNetwork
from .stats import Table

__all__ = [
    "PAPER_EXPERIMENT1",
    "ReplacementResult",
    "linear_weights",
    "subset_sum_replacement",
    "replaced_network",
    "predicted_median_error",
    "OneInputLinear",
    "compact_pruned_network",
    "PAPER_EXPERIMENT2",
    "EXPERIMENT2_STRUCTURES",
    "matched_wide_hidden",
    "read_experiment2_results",
    "Experiment2Curve",
    "experiment2_curves",
    "EXPERIMENT1_SEEDS",
    "ReplacementSummary",
    "summarize_replacement",
    "train_experiment1_target",
    "replacement_accuracy",
    "run_experiment1",
    "Experiment1Results",
    "write_experiment1_results",
    "read_experiment1_results",
    "SubsetSumResults",
    "read_subset_sum_results",
    "EXPERIMENT2_SWEEP",
    "EXPERIMENT2_NETS",
    "experiment2_plan",
    "experiment2_missing",
    "experiment2_status",
    "experiment2_table",
    "experiment2_gaps",
    "experiment2_convergence",
    "experiment2_convergence_table",
    "experiment2_paper_epochs_table",
    "replacement_report",
    "sweep_thresholds",
    "sweep_table",
    "CompactChecks",
    "check_compact_network",
    "experiment1_comparison",
    "run_small_experiment2",
    "small_experiment2_report",
]

#: The paper's Experiment 1, as reported in its official repository (paper-brief §7).
PAPER_EXPERIMENT1: dict[str, Any] = {
    "architecture": (784, 500, 10),
    "num_weights": 397_000,
    "n": 21,
    "eps": 0.01,
    "target_test_accuracy": 0.9719,
    "weight_range": (-0.464, 0.541),
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
    generator = check_generator(generator, cpu_only=True)  # the coefficients are drawn on the CPU
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
            [
                torch.arange(t.shape[0], device=device).repeat_interleave(t.shape[1]) + offset
                for t, offset in zip(targets, _offsets([t.shape[0] for t in targets]))
            ]
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


def predicted_median_error(n: int, low: float, high: float, target: float = 0.0) -> float:
    """The typical (median) optimal error of one weight, predicted from the density of subset sums.

    With n coefficients X_1, …, X_n i.i.d. U[low, high], the 2^n subset sums Σ_i b_i X_i
    (b_i ∈ {0, 1}) are, near a target w, about as dense as 2^n · p(w), with p the density of a
    random subset sum (each b_i a fair coin). Treat the sums near w as a Poisson process of
    that intensity: the distance from w to the nearest one is then exponential with rate
    2 · 2^n · p(w), whose median is::

        ln 2 / (2^{n+1} · p(w)),

    with p approximated by the normal density of mean n·μ/2 and variance n·(E[X²]/2 − μ²/4)
    (μ = E[X]; central limit theorem). The error halves with every extra coefficient, the
    2^{−n} of chapter 1; the model says nothing about the *largest* error over many weights,
    which Lueker's theorem (chapter 2) controls. Chapter 6 draws it beside Experiment 1.

    Args:
        n: number of coefficients, ≥ 1.
        low, high: the coefficient law U[low, high], low < high.
        target: the weight w (default 0, where trained weights concentrate).

    Returns:
        The predicted median of ``|w − best subset sum|``.
    """
    n = check_int("n", n, low=1)
    low = check_float("low", low)
    high = check_float("high", high)
    if not low < high:
        raise ValueError(f"low must be smaller than high; got low={low:g}, high={high:g}")
    target = check_float("target", target)
    mean = (low + high) / 2
    second_moment = (low * low + low * high + high * high) / 3
    variance = n * (second_moment / 2 - mean * mean / 4)
    density = math.exp(-((target - n * mean / 2) ** 2) / (2 * variance)) / math.sqrt(2 * math.pi * variance)
    return math.log(2) / (2 ** (n + 1) * density)


# ----------------------------------------------------------------------------------------
# The Theorem-1 version of Experiment 1: evaluating a pruned random network fast
# ----------------------------------------------------------------------------------------


class OneInputLinear(nn.Module):
    """A linear layer whose every output unit reads one input: y_u = w_u · x_{s(u)}.

    This is what an odd layer S_{2i−1} ⊙ M_{2i−1} of the pruned network of Theorem 1 computes
    (chapter 4: every hidden unit keeps at most its edge from one input), stored as two
    vectors, the source s(u) of each unit and its weight w_u, instead of a dense matrix with
    one nonzero entry per row. The product is the same number, w_u · x_{s(u)}, without the
    additions of zeros.

    Args:
        source: int64 ``(units,)``, the input each unit reads, in ``[0, in_features)``.
        weight: float ``(units,)``, the kept weight of each unit.
        in_features: the input width.
    """

    source: torch.Tensor  # buffers (registered in __init__), typed for the type checker
    weight: torch.Tensor

    def __init__(self, source: torch.Tensor, weight: torch.Tensor, in_features: int) -> None:
        super().__init__()
        in_features = check_int("in_features", in_features, low=1)
        if not isinstance(source, torch.Tensor) or source.ndim != 1 or source.dtype != torch.int64:
            raise TypeError("source must be a 1-D int64 tensor (the input each unit reads)")
        if not isinstance(weight, torch.Tensor) or weight.shape != source.shape or not weight.is_floating_point():
            raise ValueError("weight must be a floating-point tensor with the shape of source")
        if source.numel() and (int(source.min()) < 0 or int(source.max()) >= in_features):
            raise ValueError(f"source entries must lie in [0, {in_features - 1}]")
        self.in_features = in_features
        self.out_features = source.numel()
        self.register_buffer("source", source.clone())
        self.register_buffer("weight", weight.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[..., self.source] * self.weight

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}"


def compact_pruned_network(
    pruned: PrunedNetwork, *, dtype: torch.dtype = torch.float32, nonnegative_inputs: bool = False
) -> nn.Sequential:
    """The pruned network g_S of Theorem 1 as a small module that computes the same function.

    Pair i of g_S computes (S_{2i} ⊙ M_{2i}) σ((S_{2i−1} ⊙ M_{2i−1}) h). Hidden unit u of the
    pair reads one input s(u) with its kept weight w_u and outputs σ(w_u h_{s(u)}). The
    module keeps only the units that can output something nonzero and that some row reads:

    * w_u ≠ 0 (a unit whose edge is pruned outputs σ(0) = 0);
    * a column of S_{2i} ⊙ M_{2i} with a nonzero entry (nobody reads the other units);
    * w_u > 0 when the pair's input is ≥ 0, since then σ(w_u h_{s(u)}) = 0 for w_u < 0. This
      holds for every pair i ≥ 2 (its input is a ReLU output) and, with
      ``nonnegative_inputs=True``, for the first pair too (e.g. MNIST pixels, which are ≥ 0;
      the module is then only valid for such inputs).

    Each pair becomes :class:`lthbook.experiments.OneInputLinear` → ReLU → ``nn.Linear`` (bias-free) on the kept
    units; dropped units contributed exact zeros, so the function is unchanged (up to the
    rounding of ``dtype`` and the order of additions). The first pair of the 784–500–10
    target of chapter 6 shrinks from 2n·784 hidden units to about n·784 with
    ``nonnegative_inputs``, and its first matrix from (2n·784)·784 entries to one per unit.

    Args:
        pruned: a :class:`lthbook.construction.PrunedNetwork` (from
            :func:`lthbook.construction.prune_to`).
        dtype: floating dtype of the module (float32 for fast evaluation, float64 to compare
            with :meth:`lthbook.construction.PrunedNetwork.forward`).
        nonnegative_inputs: also drop the first pair's units with negative weights (valid only
            for inputs ≥ 0).

    Returns:
        ``nn.Sequential`` on the device of the random network, without gradients.

    Raises:
        ValueError: if an odd mask lets a hidden unit read more than one input.
    """
    if not isinstance(pruned, PrunedNetwork):
        raise TypeError(f"pruned must be a lthbook.construction.PrunedNetwork; got {type(pruned).__name__}")
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch dtype such as torch.float32; got {dtype!r}")
    nonnegative_inputs = check_bool("nonnegative_inputs", nonnegative_inputs)
    weights = pruned.pruned_weights()
    depth = len(weights) // 2
    layers: list[nn.Module] = []
    for i in range(1, depth + 1):
        first, second = weights[2 * i - 2], weights[2 * i - 1]
        reads = (first != 0).sum(dim=1)
        if bool((reads > 1).any()):
            raise ValueError(f"a hidden unit of M_{2 * i - 1} keeps more than one input; prune with prune_to")
        unit_weight = first.sum(dim=1)  # its one kept weight, or 0
        keep = (unit_weight != 0) & (second != 0).any(dim=0)
        if i >= 2 or nonnegative_inputs:
            keep &= unit_weight > 0
        units = torch.nonzero(keep).flatten()
        source = first[units].abs().argmax(dim=1)
        layers.append(OneInputLinear(source, unit_weight[units].to(dtype), first.shape[1]))
        layers.append(nn.ReLU())
        linear = nn.Linear(max(units.numel(), 1), second.shape[0], bias=False, device=second.device, dtype=dtype)
        linear.weight = nn.Parameter(second[:, units].to(dtype), requires_grad=False)
        linear.in_features = units.numel()
        layers.append(linear)
        if i < depth:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


# ----------------------------------------------------------------------------------------
# Experiment 2: the paper's numbers, the matched wide network, the results file
# ----------------------------------------------------------------------------------------

#: The paper's Experiment 2 as committed in its official repository (paper-brief §7): per
#: network and kept fraction (``keep_fraction`` = 1 − the fraction pruned), the number of
#: weights left and, per structure, the **best test accuracy over the raw runs of 30–150
#: epochs** (selected on the test set; not final-epoch figures, and not read off the paper's
#: plots); and the trained dense baselines (50 epochs). ``benchmarks/experiment2.py`` reports
#: final-epoch accuracies instead: say so wherever the two are compared.
PAPER_EXPERIMENT2: dict[str, Any] = {
    "epochs": 50,
    "points_are": "best test accuracy over the official raw runs of 30-150 epochs",
    "baselines": {"fc2": 0.9860, "fc4": 0.9881, "lenet5": 0.9844},
    "points": (
        {
            "net": "fc2",
            "keep_fraction": 0.5,
            "remaining": 996_000,
            "ours_linear": 0.972,
            "ours_relu": 0.940,
            "wide": 0.980,
        },
        {
            "net": "fc2",
            "keep_fraction": 0.1,
            "remaining": 199_000,
            "ours_linear": 0.937,
            "ours_relu": 0.746,
            "wide": 0.972,
        },
        {
            "net": "fc2",
            "keep_fraction": 0.01,
            "remaining": 19_900,
            "ours_linear": 0.393,
            "ours_relu": 0.182,
            "wide": 0.878,
        },
        {
            "net": "fc4",
            "keep_fraction": 0.1,
            "remaining": 450_000,
            "ours_linear": 0.950,
            "ours_relu": 0.793,
            "wide": 0.986,
        },
        {
            "net": "lenet5",
            "keep_fraction": 0.1,
            "remaining": 32_000,
            "ours_linear": 0.886,
            "ours_relu": 0.252,
            "wide": 0.927,
        },
    ),
}

#: Names of the three structures of :func:`lthbook.edge_popup.experiment2_network`, as the paper
#: calls them.
EXPERIMENT2_STRUCTURES = {
    "ours_linear": "our structure, linear",
    "ours_relu": "our structure, ReLU",
    "wide": "wide network",
}


def matched_wide_hidden(widths: Sequence[int], redundancy: int = 5) -> tuple[int, ...]:
    """Hidden widths (h, …, h) of the plain network with as many weights as the block construction.

    The construction of :func:`lthbook.edge_popup.experiment2_network` with redundancy r has
    Σ_i (r·d_{i−1} + r·d_{i−1}·d_i) weights (a block layer of r·d_{i−1} entries and a dense
    r·d_{i−1} → d_i matrix per target layer). A plain network d_0 → h → … → h → d_l with l − 1
    hidden layers has d_0·h + (l − 2)·h² + h·d_l; the integer h ≥ 1 closest in count is
    returned (FC2, 784–500–10 with r = 5: h = 2,508).

    Args:
        widths: the target's widths (d_0, …, d_l), l ≥ 2 (there must be a hidden layer).
        redundancy: r ≥ 1.
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise TypeError(f"widths must be a sequence of integers (d_0, ..., d_l); got {type(widths).__name__}")
    widths = [check_int(f"widths[{k}]", w, low=1) for k, w in enumerate(widths)]
    if len(widths) < 3:
        raise ValueError(f"widths must have at least one hidden layer (d_0, d_1, d_2); got {tuple(widths)}")
    r = check_int("redundancy", redundancy, low=1)
    target = sum(r * d_in + r * d_in * d_out for d_in, d_out in zip(widths[:-1], widths[1:]))
    a, b = len(widths) - 3, widths[0] + widths[-1]  # count(h) = a·h² + b·h

    def count(h: int) -> int:
        return a * h * h + b * h

    root = target / b if a == 0 else (-b + math.sqrt(b * b + 4 * a * target)) / (2 * a)
    best = min({max(1, math.floor(root)), max(1, math.ceil(root))}, key=lambda h: (abs(count(h) - target), h))
    return (best,) * (len(widths) - 2)


_RUN_KEYS = (
    "net",
    "structure",
    "keep_fraction",
    "epochs",
    "train_images",
    "seed",
    "test_accuracy",
    "num_weights",
    "kept_weights",
)


def read_experiment2_results(path: str | Path) -> dict:
    """Read the results file of ``benchmarks/experiment2.py`` (JSON) and check its records.

    Args:
        path: the file, e.g. ``benchmarks/results/experiment2.json``.

    Returns:
        The decoded dictionary: ``"runs"`` (one record per run with at least the keys
        ``net, structure, keep_fraction, epochs, train_images, seed, test_accuracy,
        num_weights, kept_weights``), ``"machine"``, ``"date"``, ``"settings"``.

    Raises:
        FileNotFoundError: the file does not exist (e.g. in Colab, which installs the package
            without the repository's ``benchmarks`` folder).
        ValueError: a record lacks a key or has an accuracy outside [0, 1].
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path; got {type(path).__name__}")
    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise ValueError("the results file must be a JSON object with a list 'runs'")
    for index, run in enumerate(data["runs"]):
        missing = [key for key in _RUN_KEYS if key not in run]
        if missing:
            raise ValueError(f"run {index} of the results file lacks {missing}")
        if not 0.0 <= float(run["test_accuracy"]) <= 1.0:
            raise ValueError(f"run {index} has a test accuracy outside [0, 1]")
    return data


@dataclass(frozen=True)
class Experiment2Curve:
    """One line of the Experiment-2 figure: one structure of one network, ordered by kept weights.

    Attributes:
        net: ``"fc2"``, ``"fc4"``, …
        structure: one of :data:`lthbook.experiments.EXPERIMENT2_STRUCTURES`, or ``"dense_trained"``.
        keep_fractions: the kept fractions, one per point.
        kept_weights: weights left after pruning (all weights for the trained baseline).
        accuracy: best final test accuracy over the seeds run at that point.
        seeds: number of runs (seeds) behind each point.
        epochs, train_images: the training budget of the runs used (the largest in the file).
        mean_accuracy: mean final test accuracy over the seeds at that point.
        sd_accuracy: their sample standard deviation (``n − 1`` in the denominator; 0 for one seed).
    """

    net: str
    structure: str
    keep_fractions: tuple[float, ...]
    kept_weights: tuple[int, ...]
    accuracy: tuple[float, ...]
    seeds: tuple[int, ...]
    epochs: int
    train_images: int
    mean_accuracy: tuple[float, ...] = ()
    sd_accuracy: tuple[float, ...] = ()


def experiment2_curves(results: dict, net: str, *, epochs: int | None = None) -> dict[str, Experiment2Curve]:
    """The results file's runs of one network, as one :class:`lthbook.experiments.Experiment2Curve` per structure.

    For every (structure, kept fraction) only the runs with the largest training budget
    (epochs × training images) count, so that a quick smoke run in the same file never mixes
    with the real sweep; among their seeds the best final accuracy is kept, as the paper
    plots the best of its runs, beside the mean and standard deviation over the seeds. With
    ``epochs`` given, only runs of that many epochs count (``benchmarks/experiment2.py`` also
    runs one configuration at 2× and 4× the epochs, which must not replace that point of the
    10-epoch curve).

    Args:
        results: as returned by :func:`lthbook.experiments.read_experiment2_results`.
        net: the network's name in the file (``"fc2"``, ``"fc4"``, ``"lenet5"``).
        epochs: keep only runs of this many epochs (``None``: every run).

    Returns:
        ``{structure: curve}`` for the structures the file holds for ``net`` (possibly empty),
        the trained baseline under ``"dense_trained"``.
    """
    _check_results(results)
    if not isinstance(net, str):
        raise TypeError(f"net must be a string such as 'fc2'; got {type(net).__name__}")
    if epochs is not None:
        epochs = check_int("epochs", epochs, low=1)
    groups: dict[tuple[str, float], list[dict]] = {}
    for run in results["runs"]:
        if run["net"] == net and (epochs is None or run["epochs"] == epochs):
            groups.setdefault((run["structure"], float(run["keep_fraction"])), []).append(run)
    points: dict[str, list[tuple]] = {}
    for (structure, keep), runs in groups.items():
        budget = max(r["epochs"] * r["train_images"] for r in runs)
        chosen = [r for r in runs if r["epochs"] * r["train_images"] == budget]
        best = max(chosen, key=lambda r: r["test_accuracy"])
        values = [float(r["test_accuracy"]) for r in chosen]
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
        points.setdefault(structure, []).append(
            (
                best["kept_weights"],
                keep,
                float(best["test_accuracy"]),
                len(chosen),
                best["epochs"],
                best["train_images"],
                mean,
                sd,
            )
        )
    curves = {}
    for structure, rows in points.items():
        rows.sort()
        curves[structure] = Experiment2Curve(
            net=net,
            structure=structure,
            keep_fractions=tuple(r[1] for r in rows),
            kept_weights=tuple(int(r[0]) for r in rows),
            accuracy=tuple(r[2] for r in rows),
            seeds=tuple(r[3] for r in rows),
            epochs=max(r[4] for r in rows),
            train_images=max(r[5] for r in rows),
            mean_accuracy=tuple(r[6] for r in rows),
            sd_accuracy=tuple(r[7] for r in rows),
        )
    return curves


def _offsets(sizes: list[int]) -> list[int]:
    out, total = [], 0
    for size in sizes:
        out.append(total)
        total += size
    return out


# ----------------------------------------------------------------------------------------
# Experiment 1 at the paper's n: a benchmark's results file, read back by chapter 6
# ----------------------------------------------------------------------------------------

#: The seeds of the coefficient draws of chapter 6 (and of ``benchmarks/experiment1.py``).
EXPERIMENT1_SEEDS = {"per_row": 1, "per_weight": 2}


@dataclass(frozen=True)
class ReplacementSummary:
    """What chapter 6 prints about one SubsetSum replacement, without its tensors.

    Attributes:
        n: coefficients per weight.
        coefficients: ``"per_row"`` or ``"per_weight"``.
        accuracy: test accuracy of the approximated network (float64 weights), in [0, 1].
        max_error, median_error: largest and median ``|w − ŵ|`` over all weights.
        eps: the tolerance of ``within_eps``.
        within_eps: share of the weights with ``|w − ŵ| ≤ eps``.
        total_kept: coefficients kept (selected) over all weights.
        total_coefficients: n × number of weights.
        low, high: the coefficient law U[low, high].
        seconds: wall time of the SubsetSum solve.
    """

    n: int
    coefficients: str
    accuracy: float
    max_error: float
    median_error: float
    eps: float
    within_eps: float
    total_kept: int
    total_coefficients: int
    low: float
    high: float
    seconds: float


def summarize_replacement(replacement: ReplacementResult, *, accuracy: float, eps: float) -> ReplacementSummary:
    """The :class:`ReplacementSummary` of ``replacement``, with the accuracy measured elsewhere.

    Args:
        replacement: a :class:`ReplacementResult`.
        accuracy: the test accuracy of its approximated network, in [0, 1].
        eps: the tolerance of the share ``within_eps``, > 0.
    """
    if not isinstance(replacement, ReplacementResult):
        raise TypeError("replacement must be a ReplacementResult from subset_sum_replacement")
    accuracy = check_float("accuracy", accuracy, low=0.0, high=1.0)
    eps = check_float("eps", eps, low=0.0, low_inclusive=False)
    return ReplacementSummary(
        n=replacement.num_coefficients,
        coefficients=replacement.coefficients,
        accuracy=accuracy,
        max_error=replacement.max_error,
        median_error=replacement.median_error,
        eps=eps,
        within_eps=replacement.fraction_within(eps),
        total_kept=replacement.total_kept,
        total_coefficients=replacement.total_coefficients,
        low=replacement.low,
        high=replacement.high,
        seconds=replacement.seconds,
    )


def train_experiment1_target(data, *, device: str | torch.device | None = None, progress: bool = True) -> nn.Sequential:
    """Chapter 6's target: a bias-free d_0–500–10 ReLU MLP, Adam, two epochs, batches of 128, seed 0.

    The recipe of chapter 6 (learning rate 3·10⁻³, cosine schedule, no weight decay, one torch
    thread while training), shared with ``benchmarks/experiment1.py`` so that the benchmark's
    n = 21 replacements are replacements of the chapter's target (the chapter checks it).

    Args:
        data: an :class:`lthbook.data.Dataset` (MNIST, or the digits as a fallback).
        device: where to train; ``None``: CUDA if available, else CPU.
        progress: show a progress bar.
    """
    widths = (data.input_dim, 500, data.num_classes)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a network this small trains faster on one thread
    try:
        target = edge_popup.dense_mlp(widths, generator=torch.Generator().manual_seed(0))
        edge_popup.train(
            target,
            data,
            epochs=2,
            lr=3e-3,
            batch_size=128,
            optimizer="adam",
            weight_decay=0.0,
            device=device,
            seed=0,
            progress=progress,
        )
    finally:
        torch.set_num_threads(threads)
    return target


def replacement_accuracy(
    model: nn.Sequential, replacement: ReplacementResult, X: torch.Tensor, y: torch.Tensor
) -> float:
    """Test accuracy of the approximated network of ``replacement`` (float64, no weight rounded)."""
    approx = replaced_network(model, replacement, dtype=torch.float64)
    return edge_popup.accuracy(approx, X.to(torch.float64), y)


def run_experiment1(
    model: nn.Sequential,
    data,
    *,
    n: int = 21,
    eps: float = 0.01,
    device: str | torch.device | None = None,
) -> dict[str, ReplacementSummary]:
    """Experiment 1 at one n, both ways of drawing (seeds :data:`EXPERIMENT1_SEEDS`), evaluated.

    Returns:
        ``{"per_row": summary, "per_weight": summary}``, each a :class:`ReplacementSummary`
        whose accuracy is that of the approximated network on ``data``'s test set.
    """
    weights = linear_weights(model)
    out = {}
    for mode, seed in EXPERIMENT1_SEEDS.items():
        result = subset_sum_replacement(
            weights, n=n, coefficients=mode, generator=torch.Generator().manual_seed(seed), device=device
        )
        acc = replacement_accuracy(model, result, data.X_test, data.y_test)
        out[mode] = summarize_replacement(result, accuracy=acc, eps=eps)
    return out


@dataclass(frozen=True)
class Experiment1Results:
    """The results file of ``benchmarks/experiment1.py``, read back.

    Attributes:
        dataset: the data set's name (``"MNIST"``).
        target_accuracy: the test accuracy of the target the replacements approximate.
        runs: ``{"per_row": summary, "per_weight": summary}``.
        machine, date, threads: where and when the benchmark ran, with how many torch threads.
    """

    dataset: str
    target_accuracy: float
    runs: dict
    machine: str
    date: str
    threads: int


_SUMMARY_KEYS = tuple(ReplacementSummary.__dataclass_fields__)


def write_experiment1_results(
    path: str | Path, *, dataset: str, target_accuracy: float, runs: dict, machine: str, date: str, threads: int
) -> None:
    """Write what :func:`read_experiment1_results` reads (JSON, written to a temporary file, then renamed)."""
    payload = {
        "description": "Experiment 1 of Pensia et al. at n = 21 (chapter 6), written by benchmarks/experiment1.py",
        "dataset": dataset,
        "target_accuracy": float(target_accuracy),
        "machine": machine,
        "date": date,
        "threads": int(threads),
        "runs": {mode: {key: getattr(s, key) for key in _SUMMARY_KEYS} for mode, s in runs.items()},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(payload, indent=1) + "\n")
    temporary.replace(path)


def read_experiment1_results(path: str | Path) -> Experiment1Results:
    """Read ``benchmarks/results/experiment1.json`` and check its records.

    Raises:
        FileNotFoundError: no such file (Colab installs the package without ``benchmarks/``).
        ValueError: a record lacks a key, or an accuracy or share lies outside [0, 1].
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path; got {type(path).__name__}")
    data = json.loads(Path(path).read_text())
    for key in ("dataset", "target_accuracy", "machine", "date", "threads", "runs"):
        if key not in data:
            raise ValueError(f"the results file lacks {key!r}")
    runs = {}
    for mode, record in data["runs"].items():
        missing = [key for key in _SUMMARY_KEYS if key not in record]
        if missing:
            raise ValueError(f"run {mode!r} of the results file lacks {missing}")
        summary = ReplacementSummary(**{key: record[key] for key in _SUMMARY_KEYS})
        for name in ("accuracy", "within_eps"):
            if not 0.0 <= getattr(summary, name) <= 1.0:
                raise ValueError(f"run {mode!r}: {name} outside [0, 1]")
        runs[mode] = summary
    if not 0.0 <= float(data["target_accuracy"]) <= 1.0:
        raise ValueError("target_accuracy outside [0, 1]")
    return Experiment1Results(
        dataset=data["dataset"],
        target_accuracy=float(data["target_accuracy"]),
        runs=runs,
        machine=data["machine"],
        date=data["date"],
        threads=int(data["threads"]),
    )


# ----------------------------------------------------------------------------------------
# The SubsetSum benchmark (chapter 2): benchmarks/results/subset_sum.json, read back
# ----------------------------------------------------------------------------------------

_SUBSET_SUM_KEYS = ("date", "machine", "versions", "load_average_start", "paper", "paper_scale", "sizes")
_SUBSET_SUM_PAPER_KEYS = ("instances", "n", "seconds", "cores")
_SUBSET_SUM_RUN_KEYS = ("law", "device", "instances", "seconds", "cpu_seconds", "error_median", "error_max", "eps")
_SUBSET_SUM_ROW_KEYS = ("method", "instances", "seconds", "microseconds_per_instance", "times_solve", "agrees")


@dataclass(frozen=True)
class SubsetSumResults:
    """The results file of ``benchmarks/subset_sum.py``, read back by :func:`read_subset_sum_results`.

    Attributes:
        date, machine, versions, load_average_start: when and where the benchmark ran.
        paper: the paper's Experiment 1 (``instances``, ``n``, ``seconds``, ``cores``).
        paper_scale: one record per coefficient law and device, as in the file.
        sizes: one record per n, as in the file (``n``, ``rows``, ``all_agree``, ...).
        source: how the file was made (the benchmark's own run, or a conversion it names).
    """

    date: str
    machine: str
    versions: str
    load_average_start: str
    paper: dict
    paper_scale: list
    sizes: list
    source: str

    def headline(self, law: str = "product law a·b", device: str = "cpu") -> dict:
        """The paper-scale record of ``law`` on ``device`` (``KeyError`` if the run has none)."""
        for run in self.paper_scale:
            if run["law"] == law and run["device"] == device:
                return run
        raise KeyError(f"no paper-scale run for law {law!r} on device {device!r}")

    def table(self) -> Table:
        """The timings as a table: n, method, instances, µs per instance, × solve, agreement.

        The caption names the date, the load at the start and the machine: the timings are theirs.
        """
        rows = [
            [
                str(size["n"]),
                row["method"],
                f"{row['instances']:,}",
                f"{row['microseconds_per_instance']:,.1f}",
                f"{row['times_solve']:,.0f}",
                "(reference)" if row["agrees"] is None else ("yes" if row["agrees"] else "NO"),
            ]
            for size in self.sizes
            for row in size["rows"]
        ]
        caption = f"date: {self.date}; load average at start: {self.load_average_start}; machine: {self.machine}"
        return Table(["n", "method", "instances", "µs/instance", "× solve", "agrees"], rows, caption=caption)


def read_subset_sum_results(path: str | Path) -> SubsetSumResults:
    """Read ``benchmarks/results/subset_sum.json``, what ``benchmarks/subset_sum.py`` writes; check it.

    Chapter 2 (``chapters/02_random_subset_sum.ipynb``, "How fast is exact solving?") prints its
    table and headline. The schema, one JSON object:

    * ``date`` (ISO 8601, local time of the run), ``machine`` (CPU, logical cores, torch threads),
      ``versions`` (Python and libraries), ``load_average_start`` and ``load_average_end`` (strings,
      the 1-minute load average), ``total_seconds``, ``gpu`` (name or null), ``settings``
      (``weight_range``, ``time_limit``, ``agreement_tolerance``, ``solve_repeats``,
      ``reference_instances``), optional ``source`` (how the file was made when not by the run itself);
    * ``paper``: ``instances`` (397,000), ``n`` (21), ``seconds`` (Gurobi's wall time), ``cores``;
    * ``paper_scale``: a list, one record per coefficient law and device, with ``law``, ``device``,
      ``instances``, ``seconds`` (wall), ``cpu_seconds``, ``error_median``, ``error_max``, ``eps``,
      ``within_eps`` (how many instances have error <= eps) and ``load_average``;
    * ``sizes``: a list, one record per n, with ``n``, ``all_agree`` (every exact method matched
      solve's errors where it proved optimality), ``optimal_errors`` (solve's errors on the common
      sample) and ``rows``: per method ``method``, ``instances``, ``seconds``,
      ``microseconds_per_instance``, ``times_solve`` (its time per instance over solve's on the CPU),
      ``agrees`` (null for solve on the CPU, the reference; else true or false), ``proven`` and
      ``agreeing`` (how many sample instances it proved optimal, and of those matched solve's error)
      and ``verdict`` (the printed agreement column).

    Raises:
        TypeError: ``path`` is not a str or pathlib.Path.
        FileNotFoundError: no such file (Colab installs the package without ``benchmarks/``).
        ValueError: a record lacks a key, a count or time is not positive, ``within_eps`` exceeds
            the instances, or a table lacks solve's reference row.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path; got {type(path).__name__}")
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("the results file must hold one JSON object")
    for key in _SUBSET_SUM_KEYS:
        if key not in data:
            raise ValueError(f"the results file lacks {key!r}")
    missing = [key for key in _SUBSET_SUM_PAPER_KEYS if key not in data["paper"]]
    if missing:
        raise ValueError(f"the results file's 'paper' lacks {missing}")
    for run in data["paper_scale"]:
        missing = [key for key in (*_SUBSET_SUM_RUN_KEYS, "within_eps") if key not in run]
        if missing:
            raise ValueError(f"a paper_scale record lacks {missing}")
        if not run["seconds"] > 0 or not run["instances"] > 0:
            raise ValueError(f"paper_scale {run['law']!r} ({run['device']}): seconds and instances must be > 0")
        if not 0 <= run["within_eps"] <= run["instances"]:
            raise ValueError(f"paper_scale {run['law']!r} ({run['device']}): within_eps outside [0, instances]")
    for size in data["sizes"]:
        if "n" not in size or "rows" not in size:
            raise ValueError("a sizes record lacks 'n' or 'rows'")
        for row in size["rows"]:
            missing = [key for key in _SUBSET_SUM_ROW_KEYS if key not in row]
            if missing:
                raise ValueError(f"n = {size['n']}: a row lacks {missing}")
            if not (row["instances"] > 0 and row["seconds"] > 0 and row["microseconds_per_instance"] > 0):
                raise ValueError(f"n = {size['n']}, {row['method']}: instances and times must be > 0")
        if not any(row["agrees"] is None for row in size["rows"]):
            raise ValueError(f"n = {size['n']}: no reference row (agrees null) for solve")
    return SubsetSumResults(
        date=str(data["date"]),
        machine=str(data["machine"]),
        versions=str(data["versions"]),
        load_average_start=str(data["load_average_start"]),
        paper=dict(data["paper"]),
        paper_scale=list(data["paper_scale"]),
        sizes=list(data["sizes"]),
        source=str(data.get("source", "benchmarks/subset_sum.py, this run")),
    )


# ----------------------------------------------------------------------------------------
# Tables that render as tables: HTML in the book, the same rows as text in a terminal
# ----------------------------------------------------------------------------------------


def _check_results(results: object) -> None:
    """Refuse anything but a results dictionary of Experiment 2 (``{"runs": [...], ...}``)."""
    if not isinstance(results, dict) or "runs" not in results:
        raise TypeError("results must be the dictionary returned by read_experiment2_results")


def _best_epoch_cells(run: dict | None) -> list[str]:
    """``[best test accuracy over the run's epochs, the epoch it came at]`` as table cells; "—" without them."""
    per_epoch = [float(a) for a in (run or {}).get("epoch_test_accuracy") or ()]
    if not per_epoch:
        return ["—", "—"]
    best = max(per_epoch)
    return [f"{best:.1%}", str(per_epoch.index(best) + 1)]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, title: str, notes: Sequence[str] = ()) -> Table:
    """A :class:`lthbook.stats.Table` of formatted cells; the notes join the title in its caption."""
    return Table(list(header), rows, caption=" ".join([title, *notes]))


# ----------------------------------------------------------------------------------------
# Experiment 2 at the official settings: the plan of the sweep and what the file holds
# ----------------------------------------------------------------------------------------

#: The sweep of ``benchmarks/experiment2.py`` (its ``NETS``, ``SEED_KEEP``, ``SEEDS``,
#: ``CONVERGENCE``, ``PAPER_EPOCHS``; ``tests/test_experiment2.py`` checks that both agree): per network the kept
#: fractions run with seed 0, the kept fraction run with three seeds, and the configuration also
#: run at 2× and 4× the epochs; and the network and kept fraction also run at the paper's epochs.
EXPERIMENT2_SWEEP: dict[str, Any] = {
    "nets": {
        "fc2": (0.5, 0.25, 0.1, 0.05, 0.01),
        "fc4": (0.5, 0.1, 0.01),
        "lenet5": (0.5, 0.25, 0.1, 0.05, 0.01),
    },
    "seed_keep": 0.1,
    "seeds": (0, 1, 2),
    "convergence": ("fc2", "ours_relu", 0.1),
    "epochs": 10,
    # LeNet-5 at this kept fraction also at the paper's 50 epochs, every structure and the
    # dense baseline, seed 0: LeNet-5 is where ours sit furthest below the official points.
    "paper_epochs": ("lenet5", 0.1, 50),
}

#: Display names of the networks.
EXPERIMENT2_NETS = {"fc2": "FC2", "lenet5": "LeNet-5", "fc4": "FC4"}

_SHORT = {"ours_linear": "linear", "ours_relu": "ReLU", "wide": "wide", "dense_trained": "dense"}


def experiment2_plan(epochs: int | None = None) -> list[dict]:
    """Every run of the sweep, as ``{net, structure, keep_fraction, epochs, seed}`` records.

    The same runs as ``benchmarks/experiment2.py``'s ``plan()`` (in another order): per network
    every structure at every kept fraction of :data:`EXPERIMENT2_SWEEP` with seed 0 and the
    dense baseline; seeds 1 and 2 at the seed fraction and for the baseline; the convergence
    configuration at 2× and 4× the epochs; and the ``paper_epochs`` network and kept fraction at
    the paper's 50 epochs, every structure and the dense baseline, seed 0.

    Args:
        epochs: the sweep's epochs (default :data:`EXPERIMENT2_SWEEP` ``["epochs"]``, 10).
    """
    epochs = check_int("epochs", EXPERIMENT2_SWEEP["epochs"] if epochs is None else epochs, low=1)
    runs = []
    for net, keeps in EXPERIMENT2_SWEEP["nets"].items():
        for seed in EXPERIMENT2_SWEEP["seeds"]:
            for keep in keeps if seed == 0 else (EXPERIMENT2_SWEEP["seed_keep"],):
                for structure in EXPERIMENT2_STRUCTURES:
                    runs.append(dict(net=net, structure=structure, keep_fraction=keep, epochs=epochs, seed=seed))
            runs.append(dict(net=net, structure="dense_trained", keep_fraction=1.0, epochs=epochs, seed=seed))
    net, structure, keep = EXPERIMENT2_SWEEP["convergence"]
    for factor in (2, 4):
        runs.append(dict(net=net, structure=structure, keep_fraction=keep, epochs=factor * epochs, seed=0))
    net, keep, paper_epochs = EXPERIMENT2_SWEEP["paper_epochs"]
    for structure in (*EXPERIMENT2_STRUCTURES, "dense_trained"):
        run = dict(net=net, structure=structure, keep_fraction=1.0 if structure == "dense_trained" else keep)
        runs.append({**run, "epochs": paper_epochs, "seed": 0})
    unique = {_run_id(run): run for run in runs}  # a sweep of 50 epochs would plan them twice
    return list(unique.values())


def _run_id(run: dict) -> tuple:
    return (run["net"], run["structure"], round(float(run["keep_fraction"]), 6), int(run["epochs"]), int(run["seed"]))


def experiment2_missing(results: dict, plan: Sequence[dict] | None = None) -> list[dict]:
    """The runs of ``plan`` (default :func:`experiment2_plan`) that ``results`` does not hold yet."""
    _check_results(results)
    done = {_run_id(run) for run in results["runs"]}
    return [run for run in (experiment2_plan() if plan is None else plan) if _run_id(run) not in done]


def experiment2_status(results: dict) -> str:
    """One paragraph on what the results file holds and which planned runs are still missing."""
    plan = experiment2_plan()
    missing = experiment2_missing(results, plan)
    lines = [f"results file: {len(plan) - len(missing)} of the {len(plan)} planned runs"]
    if results.get("machine") and results["runs"]:
        lines.append(f"machine: {results['machine']}")
    for net, name in EXPERIMENT2_NETS.items():
        planned = [r for r in plan if r["net"] == net]
        absent = [r for r in missing if r["net"] == net]
        if not absent:
            lines.append(f"{name}: complete ({len(planned)} runs)")
            continue
        if len(absent) == len(planned):
            lines.append(f"{name}: none of its {len(planned)} runs yet")
            continue
        groups: dict[str, list[str]] = {}
        for r in absent:
            what = f"{r['keep_fraction']:g}" + (f" seed {r['seed']}" if r["seed"] else "")
            what += f" ({r['epochs']} epochs)" if r["epochs"] != EXPERIMENT2_SWEEP["epochs"] else ""
            groups.setdefault(_SHORT[r["structure"]], []).append(what)
        lines.append(f"{name}: {len(absent)} of {len(planned)} runs missing,")
        lines += [f"  {s} at {', '.join(keeps)}" for s, keeps in groups.items()]
    return "\n".join(lines)


def _official(net: str, structure: str, keep: float) -> float | None:
    if structure == "dense_trained":
        return PAPER_EXPERIMENT2["baselines"].get(net)
    for point in PAPER_EXPERIMENT2["points"]:
        if point["net"] == net and math.isclose(point["keep_fraction"], keep):
            return point[structure]
    return None


def experiment2_table(results: dict, *, epochs: int | None = None) -> Table:
    """Chapter 6's table of the sweep: per network, structure and kept fraction, ours beside the official.

    "ours" is the final-epoch test accuracy, as mean ± sample standard deviation where the file
    holds several seeds; "official raw" is :data:`PAPER_EXPERIMENT2`, the best over epochs and
    runs of 30–150 epochs (dense: 50 epochs), where the official repository has that point.
    """
    epochs = check_int("epochs", EXPERIMENT2_SWEEP["epochs"] if epochs is None else epochs, low=1)
    rows = []
    for net, name in EXPERIMENT2_NETS.items():
        curves = experiment2_curves(results, net, epochs=epochs)
        for structure in (*EXPERIMENT2_STRUCTURES, "dense_trained"):
            curve = curves.get(structure)
            if curve is None:
                continue
            for k in range(len(curve.keep_fractions)):
                keep, seeds = curve.keep_fractions[k], curve.seeds[k]
                mean, sd = curve.mean_accuracy[k], curve.sd_accuracy[k]
                ours = f"{mean:.1%} ± {100 * sd:.1f}" if seeds > 1 else f"{mean:.1%}"
                official = _official(net, structure, keep)
                official_text = "—" if official is None else f"{official:.1%}"
                rows.append([name, _SHORT[structure], f"{keep:g}", str(seeds), ours, official_text])
    return _table(
        ["net", "structure", "kept", "seeds", "ours", "official"],
        rows,
        title=f"Experiment 2, MNIST test accuracy. Ours: final epoch of {epochs}, mean ± sd (points)",
        notes=["over the seeds. Official: the raw results, best over epochs and runs of 30–150 epochs (dense: 50)."],
    )


def experiment2_convergence(results: dict) -> list[tuple[int, float]]:
    """The convergence configuration (:data:`EXPERIMENT2_SWEEP`): ``[(epochs, final accuracy), …]`` held, seed 0."""
    return [(epochs, float(run["test_accuracy"])) for epochs, run in _convergence_runs(results)]


def _convergence_runs(results: dict) -> list[tuple[int, dict]]:
    """The convergence configuration's runs (seed 0) held in ``results``, as ``(epochs, run)`` by epochs."""
    _check_results(results)
    net, structure, keep = EXPERIMENT2_SWEEP["convergence"]
    found = {
        int(r["epochs"]): r
        for r in results["runs"]
        if (r["net"], r["structure"], r["seed"]) == (net, structure, 0) and math.isclose(r["keep_fraction"], keep)
    }
    return sorted(found.items())


def experiment2_convergence_table(results: dict) -> Table:
    """The convergence configuration's runs (seed 0): final-epoch accuracy beside the best epoch's.

    One row per budget held (10, 20, 40 epochs in the plan), with the final-epoch test accuracy
    (what the book reports), the best test accuracy over the run's epochs and the epoch it came
    at. The best over epochs is a selection on the test set, shown only because the official raw
    results report that kind of number; "—" where a run recorded no per-epoch accuracies.

    Examples:
        >>> run = {"net": "fc2", "structure": "ours_relu", "keep_fraction": 0.1, "seed": 0,
        ...        "epochs": 2, "test_accuracy": 0.7, "epoch_test_accuracy": [0.75, 0.7]}
        >>> experiment2_convergence_table({"runs": [run]}).cells
        [['2', '70.0%', '75.0%', '1']]
    """
    rows = []
    for epochs, run in _convergence_runs(results):
        rows.append([str(epochs), f"{float(run['test_accuracy']):.1%}", *_best_epoch_cells(run)])
    net, structure, keep = EXPERIMENT2_SWEEP["convergence"]
    name = f"{EXPERIMENT2_NETS[net]}, {_SHORT[structure]} structure, kept {keep:g}, seed 0"
    return _table(
        ["epochs", "final epoch", "best epoch", "at epoch"],
        rows,
        title=f"Convergence check: {name}, trained for longer budgets (cosine schedule over each run).",
        notes=["The best epoch is a selection on the test set, shown because the official raw results report one."],
    )


def experiment2_paper_epochs_table(results: dict) -> Table:
    """The ``paper_epochs`` runs (:data:`EXPERIMENT2_SWEEP`): the sweep's epochs against the paper's 50.

    One row per structure and the dense baseline, all seed 0: the final-epoch test accuracy
    after the sweep's 10 epochs, after the paper's 50 (cosine schedule over each run), the best
    epoch of the 50 and the epoch it came at, and the official raw point. The best epoch is a
    selection on the test set, shown because the official raw results report that kind of
    number. "—" where the file lacks a run.

    Examples:
        >>> runs = [{"net": "lenet5", "structure": "wide", "keep_fraction": 0.1, "seed": 0, "epochs": e,
        ...          "test_accuracy": a, "epoch_test_accuracy": [a]} for e, a in ((10, 0.8), (50, 0.9))]
        >>> experiment2_paper_epochs_table({"runs": runs}).cells[2]
        ['wide', '80.0%', '90.0%', '90.0%', '1', '92.7%']
    """
    _check_results(results)
    net, keep, paper_epochs = EXPERIMENT2_SWEEP["paper_epochs"]
    epochs = EXPERIMENT2_SWEEP["epochs"]
    held = {_run_id(r): r for r in results["runs"] if int(r["seed"]) == 0}
    rows = []
    for structure in (*EXPERIMENT2_STRUCTURES, "dense_trained"):
        kept = 1.0 if structure == "dense_trained" else keep
        short = held.get(_run_id(dict(net=net, structure=structure, keep_fraction=kept, epochs=epochs, seed=0)))
        long = held.get(_run_id(dict(net=net, structure=structure, keep_fraction=kept, epochs=paper_epochs, seed=0)))
        official = _official(net, structure, kept)
        rows.append(
            [
                _SHORT[structure],
                "—" if short is None else f"{float(short['test_accuracy']):.1%}",
                "—" if long is None else f"{float(long['test_accuracy']):.1%}",
                *_best_epoch_cells(long),
                "—" if official is None else f"{official:.1%}",
            ]
        )
    name = EXPERIMENT2_NETS[net]
    return _table(
        ["structure", f"{epochs} epochs", f"{paper_epochs} epochs", "best epoch", "at epoch", "official"],
        rows,
        title=f"{name}, kept {keep:g} (dense: all), seed 0: final-epoch accuracy after {epochs} and after the paper's "
        f"{paper_epochs} epochs (cosine schedule over each run).",
        notes=[
            "The best epoch of the long run is a selection on the test set, shown because the official raw "
            "results are of that kind."
        ],
    )


def _ranking(accuracies: dict[str, float]) -> str:
    """The structures best first, "=" between two whose accuracies differ by under 0.05 point.

    Examples:
        >>> _ranking({"ours_linear": 0.098, "ours_relu": 0.098, "wide": 0.875})
        'wide > linear = ReLU'
        >>> _ranking({"ours_linear": 0.955, "ours_relu": 0.933, "wide": 0.932})
        'linear > ReLU > wide'
    """
    ordered = sorted(accuracies, key=lambda structure: accuracies[structure], reverse=True)
    text = _SHORT[ordered[0]]
    for better, worse in zip(ordered, ordered[1:]):
        tied = round(1000 * (accuracies[better] - accuracies[worse])) == 0  # shown as a gap of +0.0
        text += (" = " if tied else " > ") + _SHORT[worse]
    return text


def experiment2_gaps(results: dict, *, epochs: int | None = None) -> Table:
    """Per network and kept fraction where all three structures ran: what topology and the ReLU cost.

    Columns, in percentage points of mean final-epoch accuracy: "wide − linear" (the cost of the
    block topology without ReLU) and "linear − ReLU" (the cost of the ReLU inside the block
    structure), and the order of the three structures, best first ("=" between two whose means
    differ by less than 0.05 point, a gap printed as +0.0, such as two structures both at chance).
    """
    epochs = check_int("epochs", EXPERIMENT2_SWEEP["epochs"] if epochs is None else epochs, low=1)
    rows = []
    for net, name in EXPERIMENT2_NETS.items():
        curves = experiment2_curves(results, net, epochs=epochs)
        if not all(s in curves for s in EXPERIMENT2_STRUCTURES):
            continue
        means = {s: dict(zip(curves[s].keep_fractions, curves[s].mean_accuracy)) for s in EXPERIMENT2_STRUCTURES}
        for keep in sorted(set.intersection(*(set(m) for m in means.values())), reverse=True):
            acc = {s: means[s][keep] for s in EXPERIMENT2_STRUCTURES}
            order = _ranking(acc)
            rows.append(
                [
                    name,
                    f"{keep:g}",
                    f"{100 * (acc['wide'] - acc['ours_linear']):+.1f}",
                    f"{100 * (acc['ours_linear'] - acc['ours_relu']):+.1f}",
                    order,
                ]
            )
    return _table(
        ["net", "kept", "wide − linear", "linear − ReLU", "best to worst"],
        rows,
        title="What topology and the ReLU cost (percentage points of mean final-epoch accuracy).",
    )


# ----------------------------------------------------------------------------------------
# Chapter 6's reports of Experiment 1 (text and tables computed from the summaries)
# ----------------------------------------------------------------------------------------


def replacement_report(summaries: dict, *, target_accuracy: float) -> str:
    """Chapter 6's table of the n = 21 replacements: accuracy, errors, share within ε, kept.

    Args:
        summaries: ``{"per_row": summary, "per_weight": summary}`` (:class:`ReplacementSummary`).
        target_accuracy: the target's test accuracy.
    """
    first = next(iter(summaries.values()))
    weights = first.total_coefficients // first.n
    lines = [
        f"n = {first.n}: {first.total_coefficients:,} random coefficients for {weights:,} weights",
        f"{'coefficients':12s} {'accuracy':>9s} {'max error':>10s} {'median error':>13s} "
        f"{'within ε':>10s} {'kept':>10s}",
    ]
    for mode, s in summaries.items():
        lines.append(
            f"{mode:12s} {s.accuracy:9.2%} {s.max_error:10.2e} {s.median_error:13.2e} "
            f"{s.within_eps:10.4%} {s.total_kept:>10,}"
        )
    lines.append(f"target network: {target_accuracy:.2%}")
    for mode, s in summaries.items():
        lines.append(
            f"{mode}: approximated minus target = {100 * (s.accuracy - target_accuracy):+.2f} percentage points"
        )
    return "\n".join(lines)


def sweep_thresholds(summaries: dict, *, target_accuracy: float, eps: float) -> dict[str, dict[str, int | None]]:
    """The first n of a sweep at which each way of drawing meets three targets (chapter 6).

    Returns:
        A dictionary with the keys ``"within one point"``, ``"within a tenth of a point"`` and
        ``"every weight within eps"``, each mapping a way of drawing to the first n that meets
        the target (``None`` where no n of the sweep does): test accuracy at least the target's
        minus 1 (0.1) percentage point, and largest weight error at most ``eps``.
    """

    def first(mode: str, condition) -> int | None:
        return next((n for n in sorted(summaries[mode]) if condition(summaries[mode][n])), None)

    return {
        "within one point": {m: first(m, lambda s: s.accuracy >= target_accuracy - 0.01) for m in summaries},
        "within a tenth of a point": {m: first(m, lambda s: s.accuracy >= target_accuracy - 0.001) for m in summaries},
        "every weight within eps": {m: first(m, lambda s: s.max_error <= eps) for m in summaries},
    }


def sweep_table(summaries: dict, thresholds: dict) -> str:
    """Chapter 6's sweep over n as text: accuracy, largest and median error against the prediction.

    Args:
        summaries: ``{"per_row": {n: summary}, "per_weight": {n: summary}}``; ``per_weight`` may
            lack some n (shown as "—").
        thresholds: as returned by :func:`sweep_thresholds`.
    """
    rows, fresh = summaries["per_row"], summaries["per_weight"]
    lines = [
        "     accuracy of f̂            largest error          median error",
        " n   per row  per weight   per row  per weight   per row  predicted",
    ]
    for n in sorted(rows):
        r, f = rows[n], fresh.get(n)
        acc = f"{f.accuracy:10.2%}" if f else f"{'—':>10s}"
        err = f"{f.max_error:10.2e}" if f else f"{'—':>10s}"
        predicted = predicted_median_error(n, r.low, r.high)
        lines.append(
            f"{n:2d}  {r.accuracy:8.2%}  {acc}  {r.max_error:8.2e}  {err}  {r.median_error:8.2e}  {predicted:8.2e}"
        )
    largest = max(rows)
    lines += ["", "first n of the sweep with ...              per row  per weight"]
    names = {
        "within one point": "accuracy within 1 point of the target's",
        "within a tenth of a point": "accuracy within 0.1 point of the target's",
        "every weight within eps": "every weight within ε",
    }
    for key, name in names.items():
        row, weight = (str(thresholds[key][m] or f"> {largest}") for m in ("per_row", "per_weight"))
        lines.append(f"{name:42s} {row:>8s}  {weight:>10s}")
    return "\n".join(lines)


@dataclass(frozen=True)
class CompactChecks:
    """Chapter 6's float64 checks of the pruned Theorem-1 network on test images.

    Attributes:
        difference: largest |compact module − g_S| over the first 200 images.
        same_classes: whether scaling the target into the class kept every predicted class.
        measured: largest ‖f(x) − g_S(x)‖ / ‖x‖ over the first 1,000 images.
    """

    difference: float
    same_classes: bool
    measured: float


def check_compact_network(pruned: PrunedNetwork, class_weights, target_weights, X: torch.Tensor) -> CompactChecks:
    """Check, in float64, that :func:`compact_pruned_network` computes g_S and that the scaling keeps classes.

    Args:
        pruned: the pruned network g_S (:func:`lthbook.construction.prune_to`).
        class_weights: the target scaled into the class (:func:`lthbook.construction.normalize_to_class`).
        target_weights: the trained target's weights, before scaling.
        X: test inputs (at least 1,000 rows); converted to float64.
    """
    from .construction import target_forward

    X = X.to(torch.float64)
    check = X[:1000]
    compact = compact_pruned_network(pruned, dtype=torch.float64, nonnegative_inputs=True)
    with torch.no_grad():
        difference = (compact(check[:200]) - pruned.forward(check[:200])).abs().max()
        scaled = target_forward(class_weights, X).argmax(dim=1)
        same = torch.equal(scaled, target_forward(target_weights, X).argmax(dim=1))
        gap = target_forward(class_weights, check) - compact(check)
        measured = (gap.norm(dim=1) / check.norm(dim=1)).max()
    return CompactChecks(float(difference), bool(same), float(measured))


def experiment1_comparison(
    summaries: dict,
    *,
    target_accuracy: float,
    weight_range: tuple[float, float],
    dataset: str,
    architecture: str,
) -> Table:
    """Chapter 6's "paper against this book" table of Experiment 1, every cell computed.

    Args:
        summaries: ``{"per_row": summary, "per_weight": summary}`` at the paper's n.
        target_accuracy: our target's test accuracy.
        weight_range: our target's smallest and largest weight.
        dataset, architecture: for the title (e.g. ``"MNIST"``, ``"784–500–10"``).
    """
    paper, row, weight = PAPER_EXPERIMENT1, summaries["per_row"], summaries["per_weight"]

    def millions(count: int) -> str:
        return f"{count / 1e6:.2f}M"

    low, high = weight_range
    rows = [
        ["target: test accuracy", f"{paper['target_test_accuracy']:.2%}", f"{target_accuracy:.2%}", "(same target)"],
        ["target: weight range", "[{}, {}]".format(*paper["weight_range"]), f"[{low:.3f}, {high:.3f}]", ""],
        [
            f"random coefficients, n = {row.n}",
            millions(paper["total_coefficients"]),
            millions(row.total_coefficients),
            millions(weight.total_coefficients),
        ],
        [
            "coefficients kept",
            millions(paper["kept_coefficients"]),
            millions(row.total_kept),
            millions(weight.total_kept),
        ],
        [f"weights within ε = {row.eps}", "all", f"{row.within_eps:.4%}", f"{weight.within_eps:.4%}"],
        ["ACCURACY OF THE APPROXIMATION", "97.19% (*)", f"{row.accuracy:.2%}", f"{weight.accuracy:.2%}"],
        ["solver", "Gurobi MIP", "exact MITM", "exact MITM"],
        ["wall time", f"{paper['wall_seconds']:,} s", "see below", "see below"],
    ]
    return _table(
        ["", "official repo", "ours, per row", "ours, per weight"],
        rows,
        title=f"Experiment 1 on {dataset}, {architecture}.",
        notes=[
            "Official repo: README table and subset-sum/results/paper/fc2_approx.out (time: the log).",
            "(*) The target's accuracy, by the evaluation bug (the official code drew per row).",
        ],
    )


# ----------------------------------------------------------------------------------------
# Experiment 2 in small: the digits, live in chapter 6
# ----------------------------------------------------------------------------------------


def run_small_experiment2(
    data,
    widths: Sequence[int],
    keep_fractions: Sequence[float],
    *,
    redundancy: int = 5,
    epochs: int = 10,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool = True,
) -> dict:
    """Experiment 2 at a small scale: edge-popup on the three structures, official optimiser settings.

    Every structure of :data:`EXPERIMENT2_STRUCTURES` for the target shape ``widths`` (wide
    network from :func:`matched_wide_hidden`) at every kept fraction: SGD, learning rate 0.1,
    momentum 0.9, weight decay 5·10⁻⁴, batches of 64, cosine schedule, ``epochs`` epochs, one
    seed; and a dense network of shape ``widths`` trained with Adam (learning rate 0.01) as the
    reference. One torch thread (the networks are small).

    Returns:
        ``{"wide_hidden": (h,), "dense_accuracy": float, "runs": {structure: [record, …]}}``,
        a record per kept fraction with ``keep, accuracy, pixels, negative, size, left``
        (:func:`lthbook.edge_popup.first_layer_census` gives ``pixels`` and ``negative``).
    """
    from tqdm.auto import tqdm

    wide = matched_wide_hidden(widths, redundancy=redundancy)
    settings: dict[str, Any] = dict(
        epochs=epochs, lr=0.1, batch_size=64, optimizer="sgd", momentum=0.9, weight_decay=5e-4, cosine=True
    )
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    runs: dict[str, list[dict]] = {structure: [] for structure in EXPERIMENT2_STRUCTURES}
    try:
        for keep in tqdm(keep_fractions, desc="kept fraction", disable=not progress, leave=True):
            for structure in runs:
                net = edge_popup.experiment2_network(
                    structure, widths, keep_fraction=keep, redundancy=redundancy, wide_hidden=wide,
                    generator=torch.Generator().manual_seed(seed),
                )  # fmt: skip
                history = edge_popup.train(net, data, **settings, device=device, seed=seed, progress=False)
                pixels, negative = edge_popup.first_layer_census(net)
                masked = (edge_popup.SupermaskLinear, edge_popup.SupermaskBlockExpand)  # the modules with mask()
                left = sum(int(m.mask().sum()) for m in net.modules() if isinstance(m, masked))
                runs[structure].append(
                    dict(keep=keep, accuracy=history.final_test_accuracy, pixels=pixels, negative=negative,
                         size=edge_popup.count_weights(net), left=left)
                )  # fmt: skip
        dense = edge_popup.dense_mlp(widths, generator=torch.Generator().manual_seed(seed))
        dense_history = edge_popup.train(
            dense, data, epochs=epochs, lr=0.01, optimizer="adam", batch_size=64, device=device, seed=seed,
            progress=False,
        )  # fmt: skip
    finally:
        torch.set_num_threads(threads)
    return {"wide_hidden": wide, "dense_accuracy": dense_history.final_test_accuracy, "runs": runs}


def small_experiment2_report(live: dict, widths: Sequence[int]) -> str:
    """Chapter 6's text table of :func:`run_small_experiment2`, with the order check per kept fraction."""
    runs, arch = live["runs"], "–".join(map(str, widths))
    lines = [
        f"random weights: ours {runs['ours_linear'][0]['size']:,} (both variants), "
        f"wide {widths[0]}–{live['wide_hidden'][0]}–{widths[-1]} {runs['wide'][0]['size']:,}",
        f"{'structure':9s} {'kept':>5s} {'left':>6s} {'accuracy':>9s} {'pixels reached':>15s} "
        f"{'negative first weights':>23s}",
    ]
    for structure, records in runs.items():
        for run in records:
            lines.append(
                f"{_SHORT[structure]:9s} {run['keep']:5g} {run['left']:6,} {run['accuracy']:9.1%} "
                f"{run['pixels']:9d} of {widths[0]} {run['negative']:23.0%}"
            )
    lines.append(f"trained dense {arch}: {live['dense_accuracy']:.1%}")
    for i, keep in enumerate(run["keep"] for run in runs["wide"]):
        acc = {s: records[i]["accuracy"] for s, records in runs.items()}
        ordered = acc["wide"] >= acc["ours_linear"] >= acc["ours_relu"]
        lines.append(f"keep {keep:g}: wide ≥ linear ≥ ReLU: {ordered}")
    return "\n".join(lines)
