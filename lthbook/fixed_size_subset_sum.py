"""SubsetSum with a size limit: the best subset of exactly k, or at most k, of the n coefficients.

Chapter 7 (``chapters/07_beyond.ipynb``) uses this module; chapter 2 treats SubsetSum without a
size limit (:mod:`lthbook.subset_sum`).

Why a size limit
----------------
Theorem 1's ticket keeps, in each SubsetSum instance, whatever subset is closest to the
target: about half of the coefficients (chapter 4). A sparser ticket needs instances whose
subsets are small. Natale et al. ("On the sparsity of the strong lottery ticket hypothesis",
NeurIPS 2024) bound *random fixed-size* SubsetSum for that purpose; the book has read their
abstract only and measures the trade-off itself: for a target error ε, how large must n be
when at most k = ⌊α n⌋ coefficients may be kept, as the density α falls?

The problem, for coefficients x_1, …, x_n, a target z and a size k::

    exactly k:  ε_k(x, z)  = min over |S| = k of |z − Σ_{i∈S} x_i|,
    at most k:  ε_≤k(x, z) = min over |S| ≤ k of |z − Σ_{i∈S} x_i| = min_{j≤k} ε_j(x, z).

The functions
-------------
* :func:`solve_fixed_size` — the exact optimum of either problem for a batch of instances, by
  meet in the middle **grouped by subset size**: split the coefficients into halves A and B;
  a subset of size k is a subset of A of size i and one of B of size k − i. Sort the sums of
  B's subsets within each size group; for each i, look up z − a among B's sums of size k − i
  (exactly k) or of every size ≤ k − i (at most k). O(2^{n/2} · n) work per instance, float64.
* :func:`fixed_size_worst_case_error` — sup over z ∈ [lo, hi] of ε_k or ε_≤k, **exactly**:
  all 2^n sums are enumerated and those of the allowed sizes sorted; the supremum is the
  largest half gap with its midpoint in [lo, hi], or the distance from an end (as
  :func:`lthbook.subset_sum.worst_case_error`). n ≤ 22.
* :func:`density_tradeoff` — for ε and densities α, the least n (on a grid) whose random
  instances reach every target of [−1, 1] within ε with size ≤ ⌊α n⌋, with probability at
  least 1 − ε (the criterion chapter 2 uses for the constant C), measured exactly per draw.

Exactness: :func:`solve_fixed_size` compares float64 sums a + b, which may differ in the last
bits from the mask's value summed in index order (:func:`lthbook.subset_sum.subset_value`); it
reports ``value`` and ``error`` of the returned mask computed that way. So its error exceeds
the exact float64 optimum by at most the rounding of two sums, ≤ 4 n · eps64 · (``Σ|x_i| + |z|``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm

from ._validation import as_float64_tensor, check_bool, check_choice, check_float, check_int, resolve_device
from .subset_sum import (
    BRUTE_FORCE_MAX_N,
    COEFFICIENT_LAWS,
    DEFAULT_MEMORY_BUDGET_BYTES,
    sample_coefficients,
    subset_value,
)

__all__ = [
    "FixedSizeSolution",
    "solve_fixed_size",
    "fixed_size_worst_case_error",
    "DensityTradeoff",
    "density_tradeoff",
]

# Bytes per subset sum and instance in the meet in the middle (sums, sorted copies, sizes, search).
_BYTES_PER_SUM = 96


@dataclass(frozen=True)
class FixedSizeSolution:
    """Solutions of B size-limited SubsetSum instances with n coefficients each.

    Attributes:
        mask: bool ``(B, n)``, the chosen subset S_b.
        value: float64 ``(B,)``, Σ_{i∈S_b} x_i summed in index order (``subset_sum.subset_value``).
        error: float64 ``(B,)``, ``|z_b − value_b|``.
        size: int64 ``(B,)``, ``|S_b|``.
    """

    mask: torch.Tensor
    value: torch.Tensor
    error: torch.Tensor
    size: torch.Tensor


def solve_fixed_size(
    coefficients,
    targets,
    k: int,
    *,
    at_most: bool = False,
    device: str | torch.device | None = None,
    memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET_BYTES,
) -> FixedSizeSolution:
    """The best subset of exactly k (or, with ``at_most``, at most k) coefficients, per instance.

    Meet in the middle grouped by size (module docstring): A = the first n//2 coefficients,
    B = the rest. For every size i of A's part and every allowed size s of B's part
    (s = k − i, or 0 ≤ s ≤ k − i with ``at_most``), the sums of B's subsets of size s are sorted
    and each z − a (a a sum of A's subsets of size i) is looked up by binary search; the best
    pair over all (i, s) is the optimum. Batched over instances, in float64, on ``device``.

    Args:
        coefficients: x, ``(B, n)`` or ``(n,)`` shared by all targets; real, finite; n ≥ 1.
        targets: z, ``(B,)`` or a scalar.
        k: the size, 0 ≤ k ≤ n.
        at_most: allow every size 0, …, k (the empty subset included).
        device: None = CUDA if available, else CPU.
        memory_budget_bytes: cap on working memory; instances are processed in chunks.

    Returns:
        :class:`FixedSizeSolution`.

    Examples:
        >>> sol = solve_fixed_size([0.5, 0.3, -0.2, 0.9], 0.7, 2, device="cpu")
        >>> sol.mask.tolist(), round(float(sol.error[0]), 12)
        ([[False, False, True, True]], 0.0)
        >>> int(solve_fixed_size([0.5, 0.3, -0.2, 0.9], 0.8, 3, at_most=True, device="cpu").size[0])
        2
    """
    device = resolve_device(device)
    x, z = _as_instances(coefficients, targets, device)
    n = x.shape[-1]
    k = check_int("k", k, low=0, high=n)
    at_most = check_bool("at_most", at_most)
    budget = check_int("memory_budget_bytes", memory_budget_bytes, low=1)
    half = n // 2
    per_instance = _BYTES_PER_SUM * ((1 << half) + (1 << (n - half)))
    if per_instance > budget:
        raise ValueError(
            f"solve_fixed_size with n = {n} needs about {per_instance:,} bytes per instance, more than "
            f"memory_budget_bytes = {budget:,}"
        )
    batch = z.shape[0]
    instances = x.expand(batch, n) if x.ndim == 1 else x
    rows = max(1, budget // per_instance)
    index_a = torch.zeros(batch, dtype=torch.int64, device=device)
    index_b = torch.zeros(batch, dtype=torch.int64, device=device)
    for start in range(0, batch, rows):
        chunk = slice(start, start + rows)
        index_a[chunk], index_b[chunk] = _search(instances[chunk], z[chunk], half, k, at_most)
    mask = torch.cat([_index_to_mask(index_a, half), _index_to_mask(index_b, n - half)], dim=1)
    value = subset_value(instances, mask)
    return FixedSizeSolution(mask=mask, value=value, error=(z - value).abs(), size=mask.sum(dim=1))


def fixed_size_worst_case_error(
    coefficients,
    k: int,
    *,
    at_most: bool = True,
    lo: float = -1.0,
    hi: float = 1.0,
    device: str | torch.device | None = None,
    memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET_BYTES,
) -> torch.Tensor:
    """sup over z ∈ [lo, hi] of min over ``|S| = k`` (or ``|S| ≤ k``) of ``|z − Σ_{i∈S} x_i|``, exactly.

    All 2^n sums are enumerated (in index order, the sums of ``subset_sum.subset_value``), those
    of allowed sizes are sorted, s_1 ≤ … ≤ s_N, and the supremum of the distance to the set is
    max(dist(lo), dist(hi), max over gaps with midpoint in [lo, hi] of (s_{t+1} − s_t)/2), as
    for ``subset_sum.worst_case_error``. With ``at_most`` and k = n it is that function.

    Args:
        coefficients: ``(B, n)`` or ``(n,)``, 1 ≤ n ≤ 22 (``subset_sum.BRUTE_FORCE_MAX_N``).
        k: 0 ≤ k ≤ n.
        at_most: sizes 0, …, k (True) or exactly k (False).
        lo, hi: the interval of targets, lo ≤ hi.
        device: None = CUDA if available, else CPU.
        memory_budget_bytes: cap on working memory; instances are processed in chunks.

    Returns:
        float64 ``(B,)``, or a scalar tensor for ``(n,)`` coefficients.

    Examples:
        >>> float(fixed_size_worst_case_error([0.5, 0.5, 0.5, 0.5], 2, device="cpu"))  # sums 0, 0.5, 1
        1.0
    """
    device = resolve_device(device)
    x = as_float64_tensor("coefficients", coefficients, device=device, ndim=(1, 2))
    n = x.shape[-1]
    if n < 1 or n > BRUTE_FORCE_MAX_N:
        raise ValueError(f"coefficients must have 1 <= n <= {BRUTE_FORCE_MAX_N} columns; got n = {n}")
    k = check_int("k", k, low=0, high=n)
    at_most = check_bool("at_most", at_most)
    lo, hi = check_float("lo", lo), check_float("hi", hi)
    if lo > hi:
        raise ValueError(f"lo must be <= hi; got lo = {lo:g}, hi = {hi:g}")
    budget = check_int("memory_budget_bytes", memory_budget_bytes, low=1)
    per_instance = _BYTES_PER_SUM << n
    if per_instance > budget:
        raise ValueError(
            f"fixed_size_worst_case_error with n = {n} needs about {per_instance:,} bytes per instance, more than "
            f"memory_budget_bytes = {budget:,}"
        )
    worst = _worst_cases(x.reshape(-1, n), [k], at_most, lo, hi, budget)[:, 0]
    return worst[0] if x.ndim == 1 else worst


@dataclass(frozen=True)
class DensityTradeoff:
    """What :func:`density_tradeoff` measured.

    Attributes:
        eps: the target error ε.
        densities: the densities α (kept share k/n ≤ α, k = ⌊α n⌋).
        n_values: the grid of n tried.
        success: float64 ``(len(densities), len(n_values))``, the share of draws whose worst case
            over [−1, 1] (size ≤ ⌊α n⌋) is ≤ ε.
        n_needed: per density, the least n of the grid with success ≥ 1 − failure_probability,
            or None when no n of the grid reaches it.
        failure_probability: the allowed failure share.
        law: the coefficient law; draws: instances per (α, n).
    """

    eps: float
    densities: tuple[float, ...]
    n_values: tuple[int, ...]
    success: torch.Tensor
    n_needed: tuple[int | None, ...]
    failure_probability: float
    law: str
    draws: int


def density_tradeoff(
    eps: float,
    densities: Sequence[float],
    n_values: Sequence[int],
    *,
    draws: int = 200,
    law: str = "uniform",
    failure_probability: float | None = None,
    generator: torch.Generator | None = None,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> DensityTradeoff:
    """For target error ε: the n needed when at most ⌊α n⌋ coefficients may be kept, per density α.

    For each n of ``n_values`` the same ``draws`` instances of n i.i.d. coefficients of ``law``
    serve every density (so the rows are comparable); for each α the exact worst case over
    z ∈ [−1, 1] with ``|S|`` ≤ ⌊α n⌋ is computed (:func:`fixed_size_worst_case_error`, not a
    target grid). ``n_needed[α]`` is the least n of the grid with a share of successes
    (worst case ≤ ε) of at least 1 − failure_probability; by default failure_probability = ε,
    chapter 2's criterion for the constant C of the unconstrained problem.

    Args:
        eps: ε ∈ (0, 1).
        densities: α values in (0, 1].
        n_values: increasing n values, 1 ≤ n ≤ 22.
        draws: instances per n, ≥ 1.
        law: one of ``subset_sum.COEFFICIENT_LAWS``.
        failure_probability: in [0, 1); None = ε.
        generator: a ``torch.Generator``.
        device: None = CUDA if available, else CPU.
        progress: a progress bar over n.

    Returns:
        :class:`DensityTradeoff`.
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    densities = _check_sequence("densities", densities)
    densities = tuple(
        check_float(f"densities[{i}]", a, low=0.0, high=1.0, low_inclusive=False) for i, a in enumerate(densities)
    )
    n_values = _check_sequence("n_values", n_values)
    n_values = tuple(check_int(f"n_values[{i}]", v, low=1, high=BRUTE_FORCE_MAX_N) for i, v in enumerate(n_values))
    if any(b <= a for a, b in zip(n_values, n_values[1:])):
        raise ValueError(f"n_values must be increasing; got {n_values}")
    draws = check_int("draws", draws, low=1)
    law = check_choice("law", law, COEFFICIENT_LAWS)
    failure_probability = (
        eps
        if failure_probability is None
        else check_float("failure_probability", failure_probability, low=0.0, high=1.0, high_inclusive=False)
    )
    progress = check_bool("progress", progress)
    device = resolve_device(device)
    success = torch.zeros(len(densities), len(n_values), dtype=torch.float64)
    for column, n in enumerate(tqdm(n_values, desc="n", disable=not progress)):
        x = sample_coefficients(draws, n, law, generator=generator, device=device)
        ks = [math.floor(alpha * n + 1e-12) for alpha in densities]
        worst = _worst_cases(x, ks, True, -1.0, 1.0, DEFAULT_MEMORY_BUDGET_BYTES)  # (draws, len(ks))
        success[:, column] = (worst <= eps).double().mean(dim=0).cpu()
    needed = []
    for row in range(len(densities)):
        reached = [n for column, n in enumerate(n_values) if success[row, column] >= 1 - failure_probability]
        needed.append(reached[0] if reached else None)
    return DensityTradeoff(
        eps=eps,
        densities=densities,
        n_values=n_values,
        success=success,
        n_needed=tuple(needed),
        failure_probability=failure_probability,
        law=law,
        draws=draws,
    )


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def _search(x: torch.Tensor, z: torch.Tensor, half: int, k: int, at_most: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices (bits) of the best A part and B part of each instance of the chunk."""
    rows, n = x.shape
    sums_a, sizes_a = _all_sums(x[:, :half])
    sums_b, sizes_b = _all_sums(x[:, half:])
    best_error = torch.full((rows,), math.inf, dtype=torch.float64, device=x.device)
    best_a = torch.zeros(rows, dtype=torch.int64, device=x.device)
    best_b = torch.zeros(rows, dtype=torch.int64, device=x.device)
    groups_b = {}
    for s in range(n - half + 1):
        members = torch.nonzero(sizes_b == s).flatten()
        values, order = torch.sort(sums_b[:, members], dim=1)
        groups_b[s] = (members, values, order)
    for i in range(min(half, k) + 1):
        members_a = torch.nonzero(sizes_a == i).flatten()
        wanted = z[:, None] - sums_a[:, members_a]  # (rows, C(|A|, i))
        allowed = range(0, min(k - i, n - half) + 1) if at_most else [k - i]
        for s in allowed:
            if s > n - half:
                continue
            members, values, order = groups_b[s]
            above = torch.searchsorted(values, wanted.contiguous()).clamp_(max=values.shape[1] - 1)
            below = (above - 1).clamp_(min=0)
            neighbours = torch.stack([below, above], dim=2).flatten(1)  # (rows, 2·C(|A|, i))
            distance = (wanted.repeat_interleave(2, dim=1) - values.gather(1, neighbours)).abs()
            error, best = distance.min(dim=1)
            better = error < best_error
            best_error = torch.where(better, error, best_error)
            best_a = torch.where(better, members_a[best // 2], best_a)
            chosen = order.gather(1, neighbours.gather(1, best[:, None])).squeeze(1)
            best_b = torch.where(better, members[chosen], best_b)
    return best_a, best_b


def _worst_cases(x: torch.Tensor, ks: Sequence[int], at_most: bool, lo: float, hi: float, budget: int) -> torch.Tensor:
    """``(B, len(ks))``: the worst case over [lo, hi] for each size limit, one sort per instance.

    All 2^n sums are sorted once. For a size limit, the sums of other sizes are replaced by the
    nearest allowed sum to their left (the first allowed one at the start): the row stays
    sorted, its set of values is exactly the allowed sums, and repeated values add gaps of 0,
    so the half-gap formula of :func:`fixed_size_worst_case_error` applies unchanged.
    """
    batch, n = x.shape
    rows = max(1, budget // (_BYTES_PER_SUM << n))
    result = torch.empty(batch, len(ks), dtype=torch.float64, device=x.device)
    for start in range(0, batch, rows):
        sums, sizes = _all_sums(x[start : start + rows])
        sorted_sums, order = torch.sort(sums, dim=1)
        sorted_sizes = sizes[order]
        positions = torch.arange(sums.shape[1], device=x.device).expand_as(order)
        for column, k in enumerate(ks):
            allowed = sorted_sizes <= k if at_most else sorted_sizes == k
            first = allowed.int().argmax(dim=1, keepdim=True)  # some size is always allowed
            index = torch.where(allowed, positions, -1).cummax(dim=1).values
            index = torch.where(index < 0, first, index)
            chosen = sorted_sums.gather(1, index)
            part = torch.maximum(_distance(chosen, lo), _distance(chosen, hi))
            if chosen.shape[1] > 1:
                half_gaps = (chosen[:, 1:] - chosen[:, :-1]) / 2
                midpoints = chosen[:, :-1] + half_gaps
                inside = (midpoints >= lo) & (midpoints <= hi)
                part = torch.maximum(part, (half_gaps * inside).amax(dim=1))
            result[start : start + rows, column] = part
    return result


def _all_sums(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """All 2^m subset sums of each row of x ``(B, m)`` and their sizes ``(2^m,)``.

    Entry t is the subset whose bit i is x_i, summed by adding x_i to the sums of the subsets of
    x_1..x_{i−1} (index order, as ``subset_sum.subset_value``).
    """
    sums = torch.zeros(x.shape[0], 1, dtype=torch.float64, device=x.device)
    sizes = torch.zeros(1, dtype=torch.int64, device=x.device)
    for i in range(x.shape[1]):
        sums = torch.cat([sums, sums + x[:, i : i + 1]], dim=1)
        sizes = torch.cat([sizes, sizes + 1])
    return sums, sizes


def _index_to_mask(index: torch.Tensor, bits: int) -> torch.Tensor:
    powers = torch.ones(bits, dtype=torch.int64, device=index.device) << torch.arange(bits, device=index.device)
    return (index[:, None] & powers) != 0


def _distance(sorted_sums: torch.Tensor, point: float) -> torch.Tensor:
    """min_t ``|point − s_t|`` for each row of sorted sums."""
    goal = torch.full((sorted_sums.shape[0], 1), point, dtype=torch.float64, device=sorted_sums.device)
    above = torch.searchsorted(sorted_sums, goal).clamp_(max=sorted_sums.shape[1] - 1)
    below = (above - 1).clamp_(min=0)
    return torch.minimum(
        (goal - sorted_sums.gather(1, below)).abs(), (goal - sorted_sums.gather(1, above)).abs()
    ).squeeze(1)


def _as_instances(coefficients, targets, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    x = as_float64_tensor("coefficients", coefficients, device=device, ndim=(1, 2))
    z = as_float64_tensor("targets", targets, device=device, ndim=(0, 1)).reshape(-1)
    if x.shape[-1] < 1:
        raise ValueError("coefficients must have at least one column (n >= 1)")
    if x.ndim == 2 and x.shape[0] != z.shape[0]:
        raise ValueError(f"coefficients (B, n) = {tuple(x.shape)} need one target per row; got {z.shape[0]} targets")
    if z.shape[0] == 0:
        raise ValueError("targets must hold at least one target")
    return x, z


def _check_sequence(name: str, value) -> Sequence:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) == 0:
        raise TypeError(f"{name} must be a non-empty list or tuple of numbers")
    return value
