"""Random SubsetSum: exact batched solvers, the worst case over all targets, coefficient laws.

The problem
-----------
Given n real coefficients x_1, …, x_n and a target z, SubsetSum asks for the subset
S ⊆ {1, …, n} whose sum comes closest to z:

    ε*(x, z) = min over S of |z − Σ_{i∈S} x_i|.

The best error for z is the distance from z to the set of the 2^n subset sums, and the worst
case over a whole interval of targets is half the largest gap between consecutive sums (edges
included; see :func:`worst_case_error`).

**Lueker's theorem** (Random Structures & Algorithms 12(1), 1998), as the book states it:
there is a universal constant C such that, if X_1, …, X_n are i.i.d. U[−1, 1] and
n ≥ C log₂(2/ε), then with probability at least 1 − ε, **for every** z ∈ [−1, 1] there is a
subset S with |z − Σ_{i∈S} X_i| ≤ ε. One draw of n numbers serves all targets at once; that is
why one random network can be pruned to approximate every target network. The result holds,
with another constant, for any law that contains a uniform component, such as the product
a·b of two independent U[−1, 1] variables (density −ln|z|/2 on [−1, 1]), the law of the
coefficients that the ReLU construction produces (chapter 3).

Chapter 2 (``chapters/02_random_subset_sum.ipynb``) derives all of this and measures the
constant C with the functions below.

What is here
------------
* :func:`solve` — the exact optimum for a batch of instances, by meet-in-the-middle:
  O(2^{n/2}) work per instance instead of 2^n. 397,000 instances at n = 21 (the paper's
  Experiment 1; 77,266 s with Gurobi on 36 cores according to the official repository's README
  and log) take about 10 s on two CPU cores; see ``benchmarks/subset_sum.py``.
* :func:`brute_force` — all 2^n sums; the obviously correct oracle for tests (n ≤ 22).
* :func:`worst_case_error` — sup over z ∈ [lo, hi] of the optimal error, exactly.
* :func:`sample_coefficients` — the coefficient laws ``"uniform"``, ``"product"``,
  ``"gaussian"``, ``"half_block"``, the law of the construction's instances (one half of a
  block of 2n units: a Binomial(2n, 1/2) number of product coefficients, as 2n slots with zeros),
  and ``"hyperbolic"``, density ∝ 1/|x| on 10⁻³ ≤ |x| ≤ 1 (the kind of law of Orseau, Hutter &
  Rivasplata, 2020; chapter 7). :func:`law_shape` measures where each law puts its mass.
* :func:`first_success`, :func:`least_n`, :func:`failure_rate`, :func:`measure_constant` —
  Lueker's event measured: the first n at which a draw succeeds, the n at which at most a
  fraction ε fail, failure rates with Wilson intervals, and the constant C with a bootstrap
  interval (chapter 2; :data:`lthbook.construction.MEASURED_CONSTANT` comes from it).
* :func:`milp` — the paper's mixed-integer formulation, solved by HiGHS through SciPy: the
  reference the benchmark and chapter 2 compare against, not a production solver.
* :func:`subset_value` — the float64 sum of a subset, in the fixed order every function here
  uses.

Floating point, and exactly what "exact" means
----------------------------------------------
Everything is float64: optimal errors at n = 21 are about 1e-6 to 1e-7, below float32's
resolution. The **value** of a mask is the float64 sum of the selected coefficients added one
at a time in index order, ``((x_{i1} + x_{i2}) + x_{i3}) + …`` with i1 < i2 < …
(:func:`subset_value`), and its **error** is ``|z − value|`` in float64. Every solver computes
``value`` and ``error`` from the mask it returns in exactly this way.

* :func:`brute_force` evaluates this float64 error for all 2^n masks: its ``error`` is the
  exact minimum of the float64 error over all masks, bit for bit.
* :func:`solve` finds the mask by an exact search on the instance rounded to a fixed-point
  grid 2^−s ≤ Σ|x_i| · 2^−57 (integers below 2^60, so every comparison is exact). Its
  guarantee, for every instance, with eps64 = 2^−52 the float64 machine epsilon::

      0 ≤ solve(x, z).error − brute_force(x, z).error ≤ 2 n · eps64 · (Σ_i |x_i| + |z|)

  (the gap is the rounding of float64 summation and of the grid, both far below the
  optimum). The left inequality is exact. Where the optimal mask is unique and beats every
  other mask by more than that bound, both functions return the same mask and bit-identical
  ``value`` and ``error``. Ties — masks with equal errors, as zero or repeated coefficients
  produce — may be broken differently by different routes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import torch
from tqdm.auto import tqdm

from ._validation import as_float64_tensor, check_choice, check_float, check_int, resolve_device

__all__ = [
    "SubsetSumSolution",
    "MilpSolution",
    "solve",
    "brute_force",
    "worst_case_error",
    "sample_coefficients",
    "milp",
    "subset_value",
    "first_success",
    "least_n",
    "failure_rate",
    "measure_constant",
    "slots_per_n",
    "law_shape",
    "LawShape",
    "FailureRate",
    "MeasuredConstant",
    "DEFAULT_MEMORY_BUDGET_BYTES",
    "BRUTE_FORCE_MAX_N",
    "COEFFICIENT_LAWS",
    "LAWS",
    "HALF_BLOCK",
    "HYPERBOLIC",
    "HYPERBOLIC_LOWER",
    "CONSTANT_EPS_GRID",
    "SOLVE_BACKENDS",
    "ArrayLike",
]

#: What the functions accept as numbers: a tensor, a NumPy array, a (nested) list, or a scalar.
ArrayLike = torch.Tensor | np.ndarray | Sequence | float

#: Default cap on the working memory of one call (1 GiB); every function takes
#: ``memory_budget_bytes`` to override it. Work is split into chunks that fit.
DEFAULT_MEMORY_BUDGET_BYTES = 1 << 30
#: Largest n that :func:`brute_force` accepts (2^22 ≈ 4.2 million sums per instance).
BRUTE_FORCE_MAX_N = 22
#: The i.i.d. coefficient laws of :func:`sample_coefficients`: n coefficients, all of one law.
COEFFICIENT_LAWS = ("uniform", "product", "gaussian")
#: The half-block law: the coefficients of one half of one block of Theorem 1's construction
#: (2n slots, a Binomial(2n, 1/2) number of them nonzero; see :func:`sample_coefficients`).
HALF_BLOCK = "half_block"
#: The hyperbolic law: density 1 / (2 |x| ln(1/a)) on a ≤ |x| ≤ 1, a = :data:`HYPERBOLIC_LOWER`
#: (|x| log-uniform, sign fair; see :func:`sample_coefficients`). Chapter 7 compares it.
HYPERBOLIC = "hyperbolic"
#: The lower end a of the hyperbolic law's range a ≤ |x| ≤ 1.
HYPERBOLIC_LOWER = 1e-3
#: Every law :func:`sample_coefficients`, :func:`failure_rate` and :func:`measure_constant` accept.
LAWS = COEFFICIENT_LAWS + (HALF_BLOCK, HYPERBOLIC)
#: The ε at which chapter 2 reports the half-block constant: from 1/(2√2) ≈ 0.354, the largest
#: ε″ = min(ε′, δ′) that :func:`lthbook.construction.per_instance_budget` can return (ε ≤ 1,
#: l = d_in = d_out = 1), down to 0.001. :func:`measure_constant` covers every ε in between.
CONSTANT_EPS_GRID = (math.sqrt(2) / 4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03, 0.02, 0.01, 0.005, 0.002, 0.001)
#: The routes of :func:`solve`: ``"auto"`` takes NumPy on the CPU and torch elsewhere.
SOLVE_BACKENDS = ("auto", "numpy", "torch")

# Integers are converted to float64 only when exact: |x| ≤ 2^53.
_MAX_EXACT_INTEGER = 2**53
# The fixed-point grid of `solve`: scaled coefficients sum to at most 2^58, the clamped target
# is at most 2^59 in size, so every half-sum, difference and sort key below fits in an int64.
_GRID_BITS = 58
# Bytes of working memory per instance and per subset sum of either half in the
# meet-in-the-middle routes (a handful of int64 arrays as long as the two halves together).
_MITM_BYTES_PER_SUM = 64
# Instances per chunk in the NumPy route: a chunk's arrays (~0.2 MB per instance at n = 21)
# then stay in the processor's caches. Measured on a 2-core AMD EPYC; larger chunks are slower.
_NUMPY_CHUNK_BYTES = 8 << 20
# Draws per chunk in `failure_rate` (a chunk of half-block draws at n = 60 takes ~8 MB).
_FAILURE_CHUNK_ROWS = 8192
# Bytes per sum when all 2^n sums of one shared coefficient vector are tabulated and sorted.
_TABLE_BYTES_PER_SUM = 24
# Bytes per sum and instance in `brute_force` and `worst_case_error`.
_ENUMERATION_BYTES_PER_SUM = 40
# Preferred size of one chunk of `worst_case_error` and `brute_force` (smaller than the budget:
# a chunk that stays in cache and reuses its memory is faster).
_CHUNK_BYTES = 64 << 20


@dataclass(frozen=True)
class SubsetSumSolution:
    """Solutions of a batch of B SubsetSum instances with n coefficients each.

    Attributes:
        mask: bool tensor ``(B, n)``; ``mask[b, i]`` says whether x_i is in the subset S_b.
        value: float64 ``(B,)``, Σ_{i∈S_b} x_i summed in index order (:func:`subset_value`).
        error: float64 ``(B,)``, |z_b − value_b|.
    """

    mask: torch.Tensor
    value: torch.Tensor
    error: torch.Tensor


@dataclass(frozen=True)
class MilpSolution(SubsetSumSolution):
    """What :func:`milp` returns: a :class:`SubsetSumSolution` plus the solver's verdict.

    Attributes:
        proven_optimal: bool ``(B,)``; HiGHS proved the returned mask optimal (for its
            tolerances) within the time limit.
        status: one string per instance: ``"optimal"``, ``"time_limit"`` (the best mask found
            in time, possibly not optimal), ``"infeasible"`` (no subset within ``eps``) or
            ``"failed"``. Where no mask was found, ``mask`` is all False and ``value`` and
            ``error`` are NaN.
        seconds: float64 ``(B,)``, the wall time HiGHS took for each instance.
    """

    proven_optimal: torch.Tensor
    status: tuple[str, ...]
    seconds: torch.Tensor


# ----------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------


def subset_value(coefficients: ArrayLike, mask: ArrayLike) -> torch.Tensor:
    """Σ_{i∈S} x_i for each mask, in float64, adding the selected x_i one at a time in index order.

    This is the one summation order of the module: :func:`solve`, :func:`brute_force` and
    :func:`milp` report ``value = subset_value(coefficients, mask)``, so their errors can be
    compared bit for bit. (``(mask * x).sum(-1)`` may differ from it in the last bit.)

    Args:
        coefficients: ``(n,)`` or ``(B, n)`` real numbers x.
        mask: bool ``(n,)`` or ``(B, n)``, broadcastable against ``coefficients``.

    Returns:
        float64 tensor of the broadcast batch shape (a scalar tensor for two 1-D inputs), on
        the device of ``mask`` when it is a tensor, else of ``coefficients``.
    """
    if isinstance(mask, torch.Tensor):
        device = mask.device
    elif isinstance(coefficients, torch.Tensor):
        device = coefficients.device
    else:
        device = torch.device("cpu")
    x = _as_real_tensor("coefficients", coefficients, device=device, ndim=(1, 2))
    mask = torch.as_tensor(mask, device=device)
    if mask.dtype != torch.bool:
        raise TypeError(f"mask must be a bool tensor or array; got dtype {mask.dtype}")
    if mask.ndim not in (1, 2) or mask.shape[-1] != x.shape[-1]:
        raise ValueError(
            f"mask must have shape (n,) or (B, n) with n = {x.shape[-1]} matching coefficients; got {tuple(mask.shape)}"
        )
    try:
        x, broadcast_mask = torch.broadcast_tensors(x, mask)
    except RuntimeError as err:
        raise ValueError(f"mask {tuple(mask.shape)} and coefficients {tuple(x.shape)} do not broadcast") from err
    return _ordered_sum(x, broadcast_mask)


def solve(
    coefficients: ArrayLike,
    targets: ArrayLike,
    *,
    device: str | torch.device | None = None,
    memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET_BYTES,
    backend: str = "auto",
) -> SubsetSumSolution:
    """Exact optimum of min_S |z − Σ_{i∈S} x_i| for a batch of instances.

    Meet in the middle (Horowitz & Sahni, 1974): split the n coefficients into a first half A
    (the first n//2) and a second half B. Every subset S is a pair (S_A, S_B), and
    |z − Σ_S x| = |(z − a) − b| with a = Σ_{S_A} x and b = Σ_{S_B} x. So enumerate the 2^{|A|}
    sums a and the 2^{|B|} sums b, sort the b's, and for each a look up the b's just below and
    just above z − a: the best pair is the optimum. That is O(2^{n/2} · n) work per instance
    instead of 2^n. Chapter 2 derives it and chapter 6 runs it on the paper's Experiment 1.

    Two routes compute the same search: ``"numpy"`` (CPU only; builds both sorted lists by
    merging, Horowitz and Sahni's way, and merges the two lists once instead of binary
    searching; runs chunks on ``torch.get_num_threads()`` threads) and ``"torch"`` (any
    device; sorts and uses ``torch.searchsorted``). ``"auto"`` takes NumPy on the CPU.
    When all instances share one coefficient vector ``(n,)`` and the batch is large, the 2^n
    sums are instead tabulated once and every target is answered by binary search.

    Guarantee (see the module docstring for the reasoning): ``error`` is |z − value| with
    ``value`` = :func:`subset_value` of the returned mask, and
    0 ≤ error − brute_force(x, z).error ≤ 2n · eps64 · (Σ|x_i| + |z|); ties may be broken
    either way.

    Args:
        coefficients: x, ``(B, n)`` (one instance per target) or ``(n,)`` (shared by all
            targets); real, finite; integers must satisfy |x| ≤ 2^53.
        targets: z, ``(B,)``, or a scalar for B = 1.
        device: where to compute and return results; None = CUDA if available, else CPU.
        memory_budget_bytes: cap on the working memory; instances are processed in chunks
            that fit. A request that cannot fit one instance is refused with ValueError.
        backend: ``"auto"``, ``"numpy"`` or ``"torch"`` (see above).

    Returns:
        :class:`SubsetSumSolution` with ``mask`` ``(B, n)``, ``value`` and ``error`` ``(B,)``.
    """
    device = resolve_device(device)
    backend = check_choice("backend", backend, SOLVE_BACKENDS)
    budget = check_int("memory_budget_bytes", memory_budget_bytes, low=1)
    x, z = _as_instances(coefficients, targets, device)
    batch, n = z.shape[0], x.shape[-1]
    if backend == "numpy" and device.type != "cpu":
        raise ValueError(f"backend='numpy' computes on the CPU only; got device={device}")
    use_numpy = backend == "numpy" or (backend == "auto" and device.type == "cpu")

    per_instance = _mitm_bytes_per_instance(n)
    if per_instance > budget:
        raise ValueError(
            f"solve with n = {n} coefficients needs about {per_instance:,} bytes for one instance "
            f"(two halves of 2^{n // 2} and 2^{n - n // 2} sums), more than "
            f"memory_budget_bytes = {budget:,}; raise the budget or lower n"
        )
    if batch == 0:
        return _solution(x.expand(0, n), z, torch.zeros(0, n, dtype=torch.bool, device=device))

    if x.ndim == 1 and _table_pays_off(n, batch, budget):
        mask = _solve_shared_by_table(x, z, budget)
    else:
        instances = x.expand(batch, n) if x.ndim == 1 else x
        grid_x, grid_z = _to_fixed_point_grid(instances, z)
        half = n // 2
        if use_numpy:
            chunk_rows = max(1, min(_NUMPY_CHUNK_BYTES, budget) // per_instance)
            numpy_a, numpy_b = _mitm_numpy(grid_x.numpy(), grid_z.numpy(), half, chunk_rows, budget)
            index_a, index_b = torch.from_numpy(numpy_a), torch.from_numpy(numpy_b)
        else:
            index_a, index_b = _mitm_torch(grid_x, grid_z, half, max(1, budget // per_instance))
        mask = torch.cat([_index_to_mask(index_a, half), _index_to_mask(index_b, n - half)], dim=1)
    return _solution(x, z, mask.to(device))


def brute_force(
    coefficients: ArrayLike, targets: ArrayLike, *, device: str | torch.device | None = None
) -> SubsetSumSolution:
    """The exact optimum by trying all 2^n subsets: the oracle the tests check :func:`solve` against.

    Each of the 2^n sums is built by adding x_i to the sums of the subsets of x_1..x_{i−1},
    which adds the selected coefficients in index order, the order of :func:`subset_value`:
    the returned ``error`` is the exact minimum over all masks of the float64 error
    |z − subset_value(x, S)|. Ties go to the mask that is smallest read as a binary number
    (bit i = x_i). Chapter 2 uses it to check :func:`solve`.

    Args:
        coefficients: x, ``(B, n)`` or ``(n,)`` with 1 ≤ n ≤ 22 (:data:`BRUTE_FORCE_MAX_N`).
        targets: z, ``(B,)`` or a scalar.
        device: None = CUDA if available, else CPU.

    Returns:
        :class:`SubsetSumSolution` as :func:`solve` does.
    """
    device = resolve_device(device)
    x, z = _as_instances(coefficients, targets, device)
    n = x.shape[-1]
    if n > BRUTE_FORCE_MAX_N:
        raise ValueError(
            f"brute_force enumerates 2^n subsets and accepts n <= {BRUTE_FORCE_MAX_N} coefficients; "
            f"got n = {n} (use solve)"
        )
    rows = max(1, _CHUNK_BYTES // (_ENUMERATION_BYTES_PER_SUM << n))
    shared_sums = _subset_sums(x.unsqueeze(0))[0] if x.ndim == 1 else None
    best = torch.empty(z.shape[0], dtype=torch.int64, device=device)
    for start in range(0, z.shape[0], rows):
        stop = min(start + rows, z.shape[0])
        sums = shared_sums if shared_sums is not None else _subset_sums(x[start:stop])
        best[start:stop] = (z[start:stop, None] - sums).abs().argmin(dim=1)
    return _solution(x, z, _index_to_mask(best, n))


def worst_case_error(
    coefficients: ArrayLike,
    lo: float = -1.0,
    hi: float = 1.0,
    *,
    device: str | torch.device | None = None,
    memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET_BYTES,
) -> torch.Tensor:
    """sup over z ∈ [lo, hi] of the optimal error min_S |z − Σ_{i∈S} x_i|, exactly.

    Let s_1 ≤ … ≤ s_N (N = 2^n) be all subset sums and f(z) = min_k |z − s_k| the optimal
    error for target z. f is continuous and piecewise linear: on each gap [s_k, s_{k+1}] it
    rises with slope 1 to (s_{k+1} − s_k)/2 at the midpoint m_k and falls back; left of s_1
    and right of s_N it grows with slope 1. The maximum of such a function over [lo, hi] is
    attained at an end or at an interior local maximum, so

        sup_{z∈[lo,hi]} f(z) = max( f(lo), f(hi), max over k with m_k ∈ [lo, hi] of (s_{k+1} − s_k)/2 ).

    Sums outside [lo, hi] count: they are what f(lo) and f(hi) measure the distance to, and a
    gap that straddles lo contributes through f(lo) when its midpoint lies outside. This is the
    quantity of Lueker's theorem ("for every z ∈ [−1, 1]"); chapter 2 plots it against n.
    The float64 sums are those of :func:`subset_value`; the formula is evaluated in float64.

    Exact zeros add no new sum, so each instance is first reduced to its nonzero coefficients
    and the work is 2^(nonzero count), not 2^n: the ``"half_block"`` law of
    :func:`sample_coefficients` (2n slots, about half of them zero) costs 2^(about n) per draw.

    Args:
        coefficients: ``(B, n)`` or ``(n,)`` real numbers; 2^k sums per instance, k its number
            of nonzero coefficients, must fit in the memory budget (k ≤ 24 with the default
            1 GiB).
        lo, hi: the interval of targets, lo ≤ hi.
        device: None = CUDA if available, else CPU.
        memory_budget_bytes: cap on working memory; instances are processed in chunks.

    Returns:
        float64 tensor ``(B,)``, or a scalar tensor for ``(n,)`` coefficients.

    Examples:
        >>> x = [0.5, 0.25, 0.0, 0.125, 1.0]  # subset sums k/8, k = 0, ..., 15
        >>> worst_case_error(x, 0.0, 1.0, device="cpu").item()  # half the gap 1/8
        0.0625
        >>> worst_case_error(x, -1.0, 1.0, device="cpu").item()  # z = −1 is 1 from every sum
        1.0
    """
    device = resolve_device(device)
    lo = check_float("lo", lo)
    hi = check_float("hi", hi)
    if lo > hi:
        raise ValueError(f"lo must be <= hi; got lo = {lo:g}, hi = {hi:g}")
    budget = check_int("memory_budget_bytes", memory_budget_bytes, low=1)
    x = _as_real_tensor("coefficients", coefficients, device=device, ndim=(1, 2))
    n = _check_n(x)
    _check_sum_is_finite(x)
    batch = x.reshape(-1, n)
    nonzero = batch != 0
    counts = nonzero.sum(dim=1)
    largest = int(counts.max())
    per_instance = _ENUMERATION_BYTES_PER_SUM << largest
    if per_instance > budget:
        raise ValueError(
            f"worst_case_error with n = {largest} nonzero coefficients sorts 2^{largest} sums and needs about "
            f"{per_instance:,} bytes per instance, more than memory_budget_bytes = {budget:,}"
        )
    result = torch.empty(batch.shape[0], dtype=torch.float64, device=device)
    # Zeros add nothing: each instance is reduced to its nonzero coefficients (kept in index
    # order), and instances are grouped by how many they have.
    order = torch.argsort((~nonzero).to(torch.uint8), dim=1, stable=True)
    for count in torch.unique(counts).tolist():
        rows = torch.nonzero(counts == count).squeeze(1)
        group = batch[rows].gather(1, order[rows, :count]) if count < n else batch[rows]
        chunk_rows = max(1, min(budget, _CHUNK_BYTES) // (_ENUMERATION_BYTES_PER_SUM << count))
        buffer = np.empty((min(chunk_rows, group.shape[0]), 1 << count)) if device.type == "cpu" else None
        for start in range(0, group.shape[0], chunk_rows):
            sums = _sorted_subset_sums(group[start : start + chunk_rows], buffer)
            result[rows[start : start + chunk_rows]] = _sup_distance(sums, lo, hi)
    return result[0] if x.ndim == 1 else result


def sample_coefficients(
    batch: int,
    n: int,
    law: str = "uniform",
    *,
    generator: torch.Generator | None = None,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    """Draw a batch of SubsetSum instances' coefficients, float64, for one of :data:`LAWS`.

    Laws (chapter 2 compares them):

    * ``"uniform"``: U[−1, 1], the setting of Lueker's theorem.
    * ``"product"``: a·b with a, b independent U[−1, 1]; density −ln|z|/2 on [−1, 1], at least
      (ln 2)/2 on [−1/2, 1/2], so it contains a uniform component. It is the law of each
      coefficient N_ik · M_kj that the ReLU construction sums (chapter 3).
    * ``"gaussian"``: standard normal N(0, 1).
    * ``"half_block"`` (:data:`HALF_BLOCK`): **the half-block law**, the law of one SubsetSum
      instance of Theorem 1's construction (chapter 4). A block has 2n hidden units; its
      positive half keeps the units with M_k > 0 and has the coefficients N_k·M_k of those
      units, so a **Binomial(2n, 1/2) number** of product-law coefficients. It is represented
      with **2n slots**: slot k holds x_k = N_k · max(M_k, 0), with M_k, N_k i.i.d. U[−1, 1],
      so a wrong-sign unit gives an exact zero, which changes no subset sum (adding 0.0 is exact
      in float64). The negative half (N_k·|M_k| over M_k < 0, target −w) has the same law. The
      result has shape ``(batch, 2n)``: ``n`` is the construction's n, not the number of
      coefficients (:func:`slots_per_n`).
    * ``"hyperbolic"`` (:data:`HYPERBOLIC`): density 1 / (2 |x| ln(1/a)) on a ≤ |x| ≤ 1 with
      a = :data:`HYPERBOLIC_LOWER` = 10⁻³: |x| is log-uniform (as many coefficients in
      [2⁻ʲ⁻¹, 2⁻ʲ] as in [1/2, 1], for every octave above a) and the sign is fair. This is the
      shape of law that Orseau, Hutter & Rivasplata (2020) draw weights from ("hyperbolic",
      density ∝ 1/|x|); the range [10⁻³, 1] is this book's choice, not theirs (chapter 7 says what
      was read of that paper). Drawn from one U[−1, 1] number u per coefficient:
      x = sign(u) · a^|u|.

    The i.i.d. laws return ``(batch, n)`` coefficients. The numbers are drawn on the
    generator's device (the CPU when ``generator`` is None) and then moved to ``device``, so one
    seed gives the same coefficients on every device. For ``"half_block"`` the 2n values M_k
    are drawn first, then the 2n values N_k.

    Args:
        batch: number of instances B ≥ 1.
        n: coefficients per instance (slot pairs for ``"half_block"``), n ≥ 1.
        law: one of :data:`LAWS`.
        generator: a ``torch.Generator`` for reproducibility; None uses torch's global one.
        device: where the result lives; None = CUDA if available, else CPU.

    Examples:
        >>> g = torch.Generator().manual_seed(0)
        >>> sample_coefficients(3, 4, "product", generator=g, device="cpu").shape
        torch.Size([3, 4])
        >>> x = sample_coefficients(1000, 4, "half_block", generator=g, device="cpu")
        >>> x.shape, round((x != 0).double().mean().item(), 1)
        (torch.Size([1000, 8]), 0.5)
    """
    batch = check_int("batch", batch, low=1)
    n = check_int("n", n, low=1)
    law = check_choice("law", law, LAWS)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None; got {type(generator).__name__}")
    device = resolve_device(device)
    source = generator.device if generator is not None else torch.device("cpu")
    slots = n * slots_per_n(law)

    def uniform() -> torch.Tensor:
        return torch.rand(batch, slots, generator=generator, dtype=torch.float64, device=source) * 2 - 1

    if law == "uniform":
        sample = uniform()
    elif law == "product":
        sample = uniform() * uniform()
    elif law == HALF_BLOCK:
        first_layer = uniform()  # M_k: the unit fires for positive inputs iff M_k > 0
        second_layer = uniform()  # N_k
        sample = torch.where(first_layer > 0, second_layer * first_layer, torch.zeros((), dtype=torch.float64))
    elif law == HYPERBOLIC:
        u = uniform()  # sign(u) is fair and |u| is U[0, 1], independent of it
        sample = torch.sign(u) * torch.pow(torch.full((), HYPERBOLIC_LOWER, dtype=torch.float64), u.abs())
    else:
        sample = torch.randn(batch, slots, generator=generator, dtype=torch.float64, device=source)
    return sample.to(device)


def slots_per_n(law: str) -> int:
    """Columns of :func:`sample_coefficients` per unit of n: 2 for ``"half_block"``, else 1.

    Examples:
        >>> slots_per_n("half_block"), slots_per_n("uniform")
        (2, 1)
    """
    law = check_choice("law", law, LAWS)
    return 2 if law == HALF_BLOCK else 1


@dataclass(frozen=True)
class LawShape:
    """Where a law of :data:`LAWS` puts its coefficients, measured by :func:`law_shape`.

    Shares are over all slots drawn (for ``"half_block"`` the empty slots count as zeros).

    Attributes:
        law: the law.
        t: the half-width of the window around 0.
        near_zero: share of coefficients with 0 < |x| ≤ t.
        density_near_zero: near_zero / (2t), the mean density on [−t, t] without the point 0.
        zeros: share of exact zeros (empty half-block slots).
        beyond_one: share with |x| > 1 (the tails).
        mean_abs: mean of |x|.
        nonzero_per_n: nonzero coefficients per unit of n.
        draws: coefficients drawn per unit of n (slots).
    """

    law: str
    t: float
    near_zero: float
    density_near_zero: float
    zeros: float
    beyond_one: float
    mean_abs: float
    nonzero_per_n: float
    draws: int


def law_shape(
    law: str,
    t: float = 0.05,
    draws: int = 200_000,
    *,
    seed: int = 0,
    device: str | torch.device | None = None,
) -> LawShape:
    """How much of a law lies near 0 and beyond ±1: the two things that move n in chapter 7.

    A subset sum can only fill gaps narrower than the coefficients it adds, and only reach
    targets within the sum of the coefficients it has: mass near 0 (density near zero) decides how
    finely the last gaps are filled, mass beyond ±1 (tails) is of little use for targets in
    [−1, 1]. Exact values for comparison (t < 1, a = :data:`HYPERBOLIC_LOWER` ≤ t): P(|X| ≤ t) =
    t (uniform), t(1 − ln t) (product), erf(t/√2) (gaussian), ln(t/a)/ln(1/a) (hyperbolic);
    P(|X| > 1) = 2(1 − Φ(1)) ≈ 0.317 for the gaussian, 0 for the others.

    Args:
        law: one of :data:`LAWS`.
        t: window half-width, 0 < t < 1.
        draws: units of n drawn (``draws`` × :func:`slots_per_n` coefficients), ≥ 1.
        seed: seed of a CPU generator, ≥ 0.
        device: where the draws are made to; None = CUDA if available, else CPU.

    Examples:
        >>> shape = law_shape("uniform", 0.1, 100_000, seed=0, device="cpu")
        >>> round(shape.near_zero, 2), shape.beyond_one, round(shape.density_near_zero, 1)
        (0.1, 0.0, 0.5)
    """
    law = check_choice("law", law, LAWS)
    t = check_float("t", t, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    draws = check_int("draws", draws, low=1)
    seed = check_int("seed", seed, low=0)
    device = resolve_device(device)
    generator = torch.Generator().manual_seed(seed)
    x = sample_coefficients(1, draws, law, generator=generator, device=device).flatten()
    size = x.numel()
    magnitude = x.abs()
    near = ((magnitude > 0) & (magnitude <= t)).sum().item() / size
    return LawShape(
        law=law,
        t=t,
        near_zero=near,
        density_near_zero=near / (2 * t),
        zeros=(magnitude == 0).sum().item() / size,
        beyond_one=(magnitude > 1).sum().item() / size,
        mean_abs=magnitude.mean().item(),
        nonzero_per_n=(magnitude > 0).sum().item() / draws,
        draws=draws,
    )


# ----------------------------------------------------------------------------------------
# Lueker's event: first successes, failure rates, the constant C
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailureRate:
    """How often draws of a law fail Lueker's event at (n, ε): the measured P(worst case > ε).

    A draw **fails** when some target z ∈ [−1, 1] is farther than ε from every subset sum of
    its coefficients, i.e. when its :func:`worst_case_error` exceeds ε.

    Attributes:
        law: the law of :func:`sample_coefficients` (e.g. ``"half_block"``).
        n: the size parameter (2n slots for ``"half_block"``).
        eps: ε.
        failures: number of failing draws.
        draws: number of draws.
        rate: failures / draws.
        interval: Wilson interval for the failure probability (:func:`lthbook.stats.wilson_interval`).
        confidence: the coverage of ``interval``.
    """

    law: str
    n: int
    eps: float
    failures: int
    draws: int
    rate: float
    interval: tuple[float, float]
    confidence: float


@dataclass(frozen=True, eq=False)
class MeasuredConstant:
    """The constant C of Lueker's theorem for one law, measured on a grid of ε by :func:`measure_constant`.

    With N_ε the first success of a draw (:func:`first_success`, in units of the law's n),
    n*(ε) is the least n at which at most a fraction ε of the draws fail, and
    C(ε) = n*(ε) / log₂(2/ε). The measured constant is C = sup of C(ε) over **every** ε in
    [min grid, max grid], between the grid points included: the smallest constant with
    n*(ε) ≤ C log₂(2/ε) on the whole range, on these draws. It is at least max(ratios).

    Attributes:
        law: the law measured.
        value: C, the point estimate.
        interval: percentile bootstrap interval of C (resampling whole draws).
        confidence: the coverage of ``interval``.
        eps_grid: the ε values, as given.
        n_star: n*(ε) for each ε of the grid.
        n_median: the least n at which at least half the draws succeed, for each ε.
        ratios: C(ε) = n*(ε) / log₂(2/ε) for each ε.
        first_successes: for each ε, int64 ``(draws,)`` first successes N_ε in units of n
            (``max_n + 1`` for a draw that did not succeed within ``max_n``).
        draws: number of draws (the same draws serve every ε).
        seed: the seed of the draws.
        max_n: the longest sequence drawn, in units of n.
        repeats: bootstrap resamples.
    """

    law: str
    value: float
    interval: tuple[float, float]
    confidence: float
    eps_grid: tuple[float, ...]
    n_star: tuple[int, ...]
    n_median: tuple[int, ...]
    ratios: tuple[float, ...]
    first_successes: tuple[torch.Tensor, ...]
    draws: int
    seed: int
    max_n: int
    repeats: int

    @property
    def upper(self) -> float:
        """The conservative value: the larger of ``value`` and the interval's upper end, rounded up to 0.01."""
        return math.ceil(round(max(self.value, self.interval[1]) * 100, 9)) / 100


def first_success(
    coefficients: ArrayLike,
    eps: float,
    *,
    law: str | None = None,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    """For each sequence x_1, x_2, …, the least k whose first k coefficients meet Lueker's event.

    Lueker's event for ε: every z ∈ [−1, 1] lies within ε of a subset sum, i.e.
    ``worst_case_error(x[:k]) ≤ ε``. Adding a coefficient only adds sums, so the event holds
    for every k from its first success N_ε on, and "n coefficients succeed" is "N_ε ≤ n":
    one pass over a sequence answers every n at once. Chapter 2 derives the method. The
    covered set C_k = {y : |y − s| ≤ ε for a sum s of x_1..x_k} obeys
    C_0 = [−ε, ε], C_k = C_{k−1} ∪ (C_{k−1} + x_k); it is kept as sorted disjoint intervals
    (each of length ≥ 2ε, so few of them lie near [−1, 1] however large 2^k is), and pieces
    that the remaining coefficients can no longer move into [−1, 1] are dropped. N_ε is the
    first k with [−1, 1] ⊆ C_k. Zero coefficients (the ``"half_block"`` law's empty slots)
    cost nothing.

    The work runs on the CPU in NumPy (it is sequential in k); the result is moved to
    ``device``. It agrees with ``worst_case_error(x[:k]) ≤ ε`` except where that worst case is
    within float64 rounding (about k·1e-16) of ε.

    Args:
        coefficients: ``(B, K)`` or ``(K,)`` real numbers (sequences of length K).
        eps: ε > 0.
        law: None to count coefficients (k, in 0..K, and K + 1 where no prefix succeeds); a law
            of :data:`LAWS` to count in units of its n: ⌈k / slots_per_n(law)⌉ (so
            ``"half_block"`` sequences of 2m slots give values in 0..m, and m + 1 for none).
        device: where the result lives; None = CUDA if available, else CPU.

    Returns:
        int64 ``(B,)``, or a scalar tensor for ``(K,)`` coefficients.

    Examples:
        >>> first_success([-0.5, 0.5, -0.25, 0.25], 0.25, device="cpu").item()
        4
        >>> first_success([-0.5, 0.5, -0.25, 0.25], 0.5, device="cpu").item()
        2
        >>> first_success([0.5, 0.0, 0.25], 0.25, device="cpu").item()  # never covers −1
        4
    """
    device = resolve_device(device)
    eps = check_float("eps", eps, low=0.0, low_inclusive=False)
    per_n = 1 if law is None else slots_per_n(law)
    x = _as_real_tensor("coefficients", coefficients, device=torch.device("cpu"), ndim=(1, 2))
    _check_n(x)
    rows = x.reshape(-1, x.shape[-1]).numpy()
    found = np.array([_first_covering(row, eps) for row in rows], dtype=np.int64)
    result = torch.from_numpy(-(-found // per_n)).to(device)
    return result[0] if x.ndim == 1 else result


def least_n(first_successes: ArrayLike, max_failure_rate: float) -> int:
    """The least n at which at most a fraction ``max_failure_rate`` of the draws fail.

    A draw with first success N_ε fails at n when N_ε > n (:func:`first_success`). With
    ``max_failure_rate = ε`` this is n*(ε) of chapter 2, the n that Lueker's theorem is about;
    with 0.5 it is the median of N_ε. The comparison failures ≤ rate · draws is exact.

    Args:
        first_successes: 1-D nonnegative integers, one per draw.
        max_failure_rate: in [0, 1).

    Examples:
        >>> least_n([1, 2, 2, 3, 9], 0.2)  # at n = 3 one draw of five fails
        3
        >>> least_n([1, 2, 2, 3, 9], 0.5)
        2
    """
    rate = check_float("max_failure_rate", max_failure_rate, low=0.0, high=1.0, high_inclusive=False)
    values = _as_count_array("first_successes", first_successes)
    return _least_n(values, rate)


def failure_rate(
    law: str,
    n: int,
    eps: float,
    draws: int,
    *,
    seed: int | None = None,
    generator: torch.Generator | None = None,
    confidence: float = 0.95,
    device: str | torch.device | None = None,
) -> FailureRate:
    """Measure P(worst_case_error > ε) for instances of size n of a law, with a Wilson interval.

    Draws ``draws`` instances with :func:`sample_coefficients` (``(draws, n)``, or
    ``(draws, 2n)`` slots for ``"half_block"``, the law of one half of a block of 2n units in
    Theorem 1's construction) and counts those that fail Lueker's event: some target in
    [−1, 1] farther than ε from every subset sum. The event is decided by :func:`first_success`
    (exact up to float64 rounding), so n may be far beyond what enumerating 2^n sums allows.
    Chapter 4 compares this rate with ε″ at the lemma's n.

    Args:
        law: one of :data:`LAWS`.
        n: n ≥ 1.
        eps: ε > 0.
        draws: number of instances ≥ 1 (drawn in chunks of 8,192, in order).
        seed: seed of a fresh CPU ``torch.Generator``; or give ``generator``; neither uses
            torch's global generator.
        generator: a ``torch.Generator`` (not together with ``seed``).
        confidence: coverage of the Wilson interval, in (0, 1).
        device: where the coefficients are drawn to before the CPU pass; None = CUDA if
            available, else CPU.

    Returns:
        :class:`FailureRate`.

    Examples:
        >>> result = failure_rate("half_block", 6, 0.3, 400, seed=0, device="cpu")
        >>> result.draws, result.interval[0] <= result.rate <= result.interval[1]
        (400, True)
    """
    from .stats import wilson_interval

    law = check_choice("law", law, LAWS)
    n = check_int("n", n, low=1)
    eps = check_float("eps", eps, low=0.0, low_inclusive=False)
    draws = check_int("draws", draws, low=1)
    confidence = check_float("confidence", confidence, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    generator = _generator_from(seed, generator)
    device = resolve_device(device)
    slots = n * slots_per_n(law)
    failures = 0
    for start in range(0, draws, _FAILURE_CHUNK_ROWS):
        rows = min(_FAILURE_CHUNK_ROWS, draws - start)
        sample = sample_coefficients(rows, n, law, generator=generator, device=device).cpu().numpy()
        failures += sum(_first_covering(row, eps) > slots for row in sample)
    return FailureRate(
        law=law,
        n=n,
        eps=eps,
        failures=int(failures),
        draws=draws,
        rate=failures / draws,
        interval=wilson_interval(int(failures), draws, confidence=confidence),
        confidence=confidence,
    )


def measure_constant(
    law: str,
    eps_grid: Sequence[float],
    draws: int,
    seed: int,
    *,
    max_n: int | None = None,
    repeats: int = 1000,
    confidence: float = 0.9,
    device: str | torch.device | None = None,
    progress: bool = True,
) -> MeasuredConstant:
    """Measure the constant C of Lueker's theorem, n ≥ C log₂(2/ε), for a law on a grid of ε.

    Draws ``draws`` sequences of ``max_n`` units of the law (one seeded generator) and, for
    each ε of the grid, their first successes N_ε (:func:`first_success`, in units of n; one
    pass per draw computes the worst case of every prefix where it lies between the grid's
    smallest and largest ε, so a fine grid costs no more than a coarse one). Then

        n*(ε) = least n with at most a fraction ε of the draws failing (:func:`least_n`),
        C(ε) = n*(ε) / log₂(2/ε),

    and C = sup of C(ε) over the whole range [min grid, max grid], not only at the grid points
    (n*(ε) is a step function of ε, known exactly between the points from the same pass), with
    a percentile bootstrap interval of C that resamples whole draws (the same resample for
    every ε; :func:`lthbook.stats.bootstrap_interval`). Chapter 2 runs it; for ``"half_block"``,
    the law of the construction's instances, :data:`lthbook.construction.MEASURED_CONSTANT`
    is :attr:`MeasuredConstant.upper` of the run its comment names.

    To resolve a failure rate of ε the grid's smallest ε needs well over 1/ε draws.

    Args:
        law: one of :data:`LAWS`.
        eps_grid: ε values in (0, 1), at least one.
        draws: sequences drawn, ≥ 1.
        seed: seed of the CPU generator the sequences are drawn with (≥ 0).
        max_n: length of the sequences in units of n; None takes
            ⌈8 log₂(2/min ε)⌉ + 8. A ValueError asks for more if some n*(ε) exceeds it.
        repeats: bootstrap resamples, ≥ 1.
        confidence: coverage of the bootstrap interval, in (0, 1).
        device: where the sequences are drawn to before the CPU pass; None = CUDA if
            available, else CPU.
        progress: show a progress bar over the grid (tqdm).

    Returns:
        :class:`MeasuredConstant`.

    Examples:
        >>> result = measure_constant("uniform", (0.2, 0.1), 300, seed=0, repeats=50, progress=False)
        >>> result.n_star[1] >= result.n_star[0], result.value >= max(result.ratios)
        (True, True)
    """
    from .stats import bootstrap_interval

    law = check_choice("law", law, LAWS)
    if isinstance(eps_grid, (str, bytes)) or not isinstance(eps_grid, Sequence) or len(eps_grid) == 0:
        raise TypeError("eps_grid must be a non-empty sequence of numbers in (0, 1)")
    grid = tuple(
        check_float(f"eps_grid[{i}]", e, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
        for i, e in enumerate(eps_grid)
    )
    draws = check_int("draws", draws, low=1)
    seed = check_int("seed", seed, low=0)
    if max_n is None:
        max_n = math.ceil(8 * math.log2(2 / min(grid))) + 8
    max_n = check_int("max_n", max_n, low=1)
    repeats = check_int("repeats", repeats, low=1)
    confidence = check_float("confidence", confidence, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    device = resolve_device(device)
    generator = torch.Generator().manual_seed(seed)
    sample = sample_coefficients(draws, max_n, law, generator=generator, device=device).cpu().numpy()
    per_n = slots_per_n(law)
    # One pass per draw serves the whole grid: the worst case of every prefix, exact on
    # [min ε, max ε], read at n = 1, 2, … (every per_n-th slot).
    worst = np.stack(
        [
            _prefix_worst_cases(row, min(grid), max(grid), every=per_n)
            for row in tqdm(sample, desc=f"worst cases ({law})", disable=not progress)
        ]
    )  # (draws, max_n)
    columns = []
    for eps in grid:
        succeeds = worst <= eps
        columns.append(np.where(succeeds.any(axis=1), succeeds.argmax(axis=1) + 1, max_n + 1))
    firsts = np.stack(columns, axis=1).astype(np.int64)  # (draws, len(grid)), in units of n
    n_star = tuple(_least_n(firsts[:, e], eps) for e, eps in enumerate(grid))
    short = [(eps, n) for eps, n in zip(grid, n_star) if n > max_n]
    if short:
        raise ValueError(
            f"max_n = {max_n} is too small: more than a fraction ε of the draws had not succeeded by n = max_n "
            f"at eps = {short[0][0]:g}; raise max_n"
        )
    logs = np.log2(2 / np.array(grid))
    ratios = tuple(float(n / log) for n, log in zip(n_star, logs))
    lowest, highest = min(grid), max(grid)
    between = _RangeConstant(worst, lowest, highest)
    everywhere = between(np.ones(draws))

    def constant(picks: np.ndarray) -> float:  # the draws of one resample, by index
        return between(np.bincount(picks.astype(np.int64), minlength=draws))

    interval = bootstrap_interval(constant, np.arange(draws), axis=0, repeats=repeats, confidence=confidence, seed=seed)
    return MeasuredConstant(
        law=law,
        value=max(everywhere, max(ratios)),
        interval=interval,
        confidence=confidence,
        eps_grid=grid,
        n_star=n_star,
        n_median=tuple(_least_n(firsts[:, e], 0.5) for e in range(len(grid))),
        ratios=ratios,
        first_successes=tuple(torch.from_numpy(firsts[:, e].copy()) for e in range(len(grid))),
        draws=draws,
        seed=seed,
        max_n=max_n,
        repeats=repeats,
    )


class _RangeConstant:
    """sup over ε ∈ [lowest, highest] of n*(ε) / log₂(2/ε), for draws weighted by multiplicity.

    ``worst[d, m]`` is draw d's worst case at n = m + 1, exact on [lowest, highest]
    (:func:`_prefix_worst_cases`). With weights w_d (1 each, or a bootstrap resample's counts)
    and W = Σ w_d, the failure fraction at n is F_n(ε) = Σ_d w_d [worst_dn > ε] / W, and
    n*(ε) ≤ n exactly when ε ≥ θ_n = min{ε : F_n(ε) ≤ ε}. F_n falls in steps at the sorted
    values v_p of column n, so θ_n = min over p of max(v_p, (weight of the values above v_p)/W),
    and the failure fraction at n never exceeds ε once ε ≥ θ_n. As n*(ε) = n on [θ_n, θ_{n−1}),
    the supremum of n*(ε)/log₂(2/ε) over the range is the largest n / log₂(2 / min(θ_{n−1}, highest))
    over the pieces that meet the range. Each column is sorted once; a resample costs a
    gather and a cumulative sum.
    """

    def __init__(self, worst: np.ndarray, lowest: float, highest: float):
        self.lowest, self.highest = lowest, highest
        self.draws, self.max_n = worst.shape
        self.order = np.argsort(worst.T, axis=1, kind="stable")  # (max_n, draws): one row per n
        self.values = np.take_along_axis(worst.T, self.order, axis=1)
        # Ties (the many draws at the floor `lowest`): only the last of equal values is a step.
        self.step = np.ones_like(self.values, dtype=bool)
        self.step[:, :-1] = self.values[:, 1:] != self.values[:, :-1]
        # Only the n near the range matter; a resample that strays outside them uses every n.
        theta = self._thresholds(np.ones(self.draws), np.arange(self.max_n))
        inside = np.flatnonzero((theta <= highest) & (np.append(np.inf, theta[:-1]) > lowest))
        first, last = (int(inside[0]), int(inside[-1])) if len(inside) else (0, self.max_n - 1)
        self.rows = np.arange(max(0, first - 4), min(self.max_n, last + 5))

    def _thresholds(self, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """θ_n for the n = rows + 1, given the draws' weights."""
        total = float(weights.sum())
        ordered = weights[self.order[rows]]  # (len(rows), draws)
        above = total - np.cumsum(ordered, axis=1)  # weight of the values after position p
        candidates = np.where(self.step[rows], np.maximum(self.values[rows], above / total), np.inf)
        return np.minimum(candidates.min(axis=1), 1.0)  # at ε = 1 every n suffices

    def __call__(self, weights: np.ndarray) -> float:
        rows = self.rows
        theta = self._thresholds(weights, rows)
        below = rows[0] == 0 or theta[0] > self.highest  # the rows start before the range
        above = rows[-1] == self.max_n - 1 or theta[-1] <= self.lowest  # and end after it
        complete = below and above
        if not complete:
            rows = np.arange(self.max_n)
            theta = self._thresholds(weights, rows)
        best = 0.0
        previous = np.inf if rows[0] == 0 else 1.0  # θ_{n−1} for the first row (> highest)
        for n, threshold in zip((rows + 1).tolist(), theta.tolist()):
            if threshold <= self.highest and previous > self.lowest:
                right = min(previous, self.highest)
                if max(threshold, self.lowest) <= right:
                    best = max(best, n / math.log2(2 / right))
            previous = min(previous, threshold)
        return best


def _first_covering(x: np.ndarray, eps: float) -> int:
    """Least k such that the sums of x[:k] ε-cover [−1, 1]; len(x) + 1 if none (see first_success)."""
    if eps >= 1:
        return 0  # the empty sum 0 is within ε of all of [−1, 1]
    worst = _prefix_worst_cases(x, eps, eps)
    covered = np.flatnonzero(worst <= eps)
    return int(covered[0]) + 1 if len(covered) else len(x) + 1


def _prefix_worst_cases(x: np.ndarray, floor: float, ceiling: float, every: int = 1) -> np.ndarray:
    """worst_case_error(x[:k]) over [−1, 1] for k = every, 2·every, …, exactly where it lies in [floor, ceiling].

    Returns D ``(K // every,)`` with D_k = floor where the worst case is ≤ floor, the worst case itself
    where it lies in (floor, ceiling], and some value > ceiling otherwise; so for every
    ε ∈ [floor, ceiling], "x[:k] succeeds for ε" is exactly D_k ≤ ε (up to float64 rounding).

    The subset sums of x[:k] are kept as **clusters**: maximal runs of sums whose gaps are at
    most 2·floor, stored as (first sum, last sum) and sorted. Sums within a cluster add no
    point farther than floor from a sum, so the worst case beyond floor comes from the gaps
    between clusters (half a gap, where its midpoint lies in [−1, 1]) and from the ends ±1
    (distance to the nearest cluster end, unless ±1 lies inside a cluster). Step k doubles
    the clusters (C, C + x_k), merges them, and drops those that cannot come within ceiling of
    [−1, 1] with the coefficients still to come (they can only move right by the sum of the
    positive x_j, j > k, and left by that of the negative ones). At most about (2 + 2·ceiling
    + Σ|x|)/(2·floor) clusters survive, however large 2^k is. Zeros change nothing.
    """
    count = len(x) // every
    worst = np.full(count, np.inf)
    rest_plus = np.append(np.cumsum(np.clip(x[::-1], 0, None))[::-1], 0.0)
    rest_minus = np.append(np.cumsum(np.clip(x[::-1], None, 0))[::-1], 0.0)
    starts, ends = np.zeros(1), np.zeros(1)  # the empty sum
    for k, shift in enumerate(x.tolist(), start=1):
        if shift != 0:
            starts = np.concatenate((starts, starts + shift))
            ends = np.concatenate((ends, ends + shift))
            useful = (ends + ceiling >= -1 - rest_plus[k]) & (starts - ceiling <= 1 - rest_minus[k])
            starts, ends = starts[useful], ends[useful]
            order = np.argsort(starts, kind="stable")  # two sorted runs: a linear merge
            starts, ends = starts[order], ends[order]
            # A new cluster starts where the gap to everything before exceeds 2·floor.
            reach = np.maximum.accumulate(ends)
            first = np.append(0, np.flatnonzero(starts[1:] - reach[:-1] > 2 * floor) + 1)
            starts, ends = starts[first], np.maximum.reduceat(ends, first)
        if k % every:
            continue
        step = k // every - 1
        if step >= count:
            break
        # Covered within floor: one cluster [a, b] reaches from a − floor ≤ −1 to b + floor ≥ 1.
        if np.any((starts - floor <= -1) & (ends + floor >= 1)):
            worst[step:] = floor  # more coefficients only add sums
            break
        worst[step] = _cluster_worst_case(starts, ends, floor) if ceiling > floor else np.inf
    return worst


def _cluster_worst_case(starts: np.ndarray, ends: np.ndarray, floor: float) -> float:
    """sup over z ∈ [−1, 1] of the distance to the sums, from sorted disjoint clusters (see above)."""
    if len(starts) == 0:
        return np.inf
    worst = floor
    midpoints = (ends[:-1] + starts[1:]) / 2
    inside = (midpoints >= -1) & (midpoints <= 1)
    if inside.any():
        worst = max(worst, float(((starts[1:] - ends[:-1])[inside]).max()) / 2)
    for end in (-1.0, 1.0):
        if not np.any((starts <= end) & (ends >= end)):
            worst = max(worst, float(min(np.abs(starts - end).min(), np.abs(ends - end).min())))
    return worst


def _least_n(values: np.ndarray, rate: float) -> int:
    """Least n with #(values > n) ≤ rate · len(values), compared exactly."""
    draws = len(values)
    allowed = math.floor(Fraction(rate) * draws)  # failures allowed
    cumulative = np.cumsum(np.bincount(np.asarray(values, dtype=np.int64)))  # cumulative[n] = #(values ≤ n)
    return int(np.searchsorted(cumulative, draws - allowed))


def _as_count_array(name: str, value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer) or (array < 0).any():
        raise ValueError(f"{name} must be a non-empty 1-D array of nonnegative integers")
    return array.astype(np.int64)


def _generator_from(seed: int | None, generator: torch.Generator | None) -> torch.Generator | None:
    if seed is not None and generator is not None:
        raise ValueError("give seed or generator, not both")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None; got {type(generator).__name__}")
    if seed is not None:
        return torch.Generator().manual_seed(check_int("seed", seed, low=0))
    return generator


def milp(
    coefficients: ArrayLike,
    targets: ArrayLike,
    *,
    eps: float | None = None,
    time_limit: float = 10.0,
) -> MilpSolution:
    """The paper's mixed-integer program, solved instance by instance with HiGHS (SciPy).

    For each instance: binary variables b_i (keep x_i or not), a continuous error t ≥ 0, and

        minimise t   subject to   −t ≤ z − Σ_i b_i x_i ≤ t   (and |z − Σ_i b_i x_i| ≤ ε when ``eps`` is given),

    the formulation Pensia et al. solved with Gurobi for their Experiment 1 (n = 21, ε = 0.01,
    MIP gap 1%; 77,266 s for 397,000 weights on 36 cores, as the official repository's README and
    log report). This is the reference that
    ``benchmarks/subset_sum.py`` and chapter 2 compare :func:`solve` against; it is slow and
    not meant for production use.

    HiGHS works with absolute tolerances near 1e-6 (feasibility, MIP gap), while optima at
    n = 21 are near 1e-7: as given, it accepts t = 0 as optimal. Coefficients, target and ε
    are therefore multiplied by the power of two nearest 2^n / Σ|x_i| (exact in floating
    point), which makes the optimum of order one; ``mip_rel_gap`` is 0. Even so HiGHS is not
    reliable at this scale: it occasionally stops with a numerical "solve error" (status
    ``"failed"``) or reports a zero objective for a mask that is not optimal. ``value`` and
    ``error`` are therefore recomputed from the returned mask (:func:`subset_value`), never
    taken from the solver's objective.

    Args:
        coefficients: ``(B, n)`` or ``(n,)`` real numbers.
        targets: ``(B,)`` or a scalar.
        eps: optional upper bound ε > 0 on the error (the paper's extra constraint).
        time_limit: seconds allowed per instance, > 0.

    Returns:
        :class:`MilpSolution` on the CPU.
    """
    from scipy.optimize import Bounds, LinearConstraint
    from scipy.optimize import milp as highs_milp

    if eps is not None:
        eps = check_float("eps", eps, low=0.0, low_inclusive=False)
    time_limit = check_float("time_limit", time_limit, low=0.0, low_inclusive=False)
    cpu = torch.device("cpu")
    x, z = _as_instances(coefficients, targets, cpu)
    batch, n = z.shape[0], x.shape[-1]
    instances = x.expand(batch, n).numpy()
    mask = np.zeros((batch, n), dtype=bool)
    found = np.zeros(batch, dtype=bool)
    proven = np.zeros(batch, dtype=bool)
    seconds = np.zeros(batch)
    status = []
    integrality = np.r_[np.ones(n), 0.0]
    objective = np.r_[np.zeros(n), 1.0]
    for b in range(batch):
        total = float(np.abs(instances[b]).sum())
        scale = 2.0 ** min(max(round(n - math.log2(total)), -500), 500) if total > 0 else 1.0
        a, target = instances[b] * scale, float(z[b]) * scale
        # Rows: Σ b_i a_i − t ≤ z and Σ b_i a_i + t ≥ z, i.e. −t ≤ z − Σ b_i a_i ≤ t.
        rows = [np.r_[a, -1.0], np.r_[a, 1.0]]
        lower, upper = [-np.inf, target], [target, np.inf]
        if eps is not None:
            # ε bounds the subset sum itself, z − ε ≤ Σ b_i a_i ≤ z + ε, not the error variable t:
            # HiGHS's presolve calls some feasible instances infeasible when t carries an upper
            # bound (SciPy 1.14 and 1.17 alike; tests/test_subset_sum.py has the cases).
            rows.append(np.r_[a, 0.0])
            lower.append(target - eps * scale)
            upper.append(target + eps * scale)
        constraints = LinearConstraint(np.vstack(rows), lower, upper)
        bounds = Bounds(np.zeros(n + 1), np.r_[np.ones(n), np.inf])
        started = time.perf_counter()
        result = highs_milp(
            objective,
            constraints=constraints,
            integrality=integrality,
            bounds=bounds,
            options={"time_limit": time_limit, "mip_rel_gap": 0.0},
        )
        seconds[b] = time.perf_counter() - started
        if result.x is not None:
            mask[b] = result.x[:n] > 0.5
            found[b] = True
        proven[b] = result.status == 0
        status.append({0: "optimal", 1: "time_limit", 2: "infeasible"}.get(result.status, "failed"))
    solution = _solution(x, z, torch.from_numpy(mask))
    missing = torch.from_numpy(~found)
    return MilpSolution(
        mask=solution.mask,
        value=solution.value.masked_fill(missing, math.nan),
        error=solution.error.masked_fill(missing, math.nan),
        proven_optimal=torch.from_numpy(proven),
        status=tuple(status),
        seconds=torch.from_numpy(seconds),
    )


# ----------------------------------------------------------------------------------------
# Input checks
# ----------------------------------------------------------------------------------------


def _as_real_tensor(name: str, value, *, device: torch.device, ndim: tuple[int, ...]) -> torch.Tensor:
    """as_float64_tensor, refusing integers that float64 cannot hold exactly (|v| > 2^53)."""
    if isinstance(value, torch.Tensor):
        integer = not value.is_floating_point() and not value.is_complex() and value.dtype != torch.bool
        too_big = (
            integer and value.numel() > 0 and bool(((value > _MAX_EXACT_INTEGER) | (value < -_MAX_EXACT_INTEGER)).any())
        )
    else:
        array = np.asarray(value) if not isinstance(value, np.ndarray) else value
        integer = np.issubdtype(array.dtype, np.integer)
        too_big = (
            integer and array.size > 0 and bool(((array > _MAX_EXACT_INTEGER) | (array < -_MAX_EXACT_INTEGER)).any())
        )
        value = array
    if too_big:
        raise ValueError(
            f"{name} holds integers beyond 2^53 = {_MAX_EXACT_INTEGER}, which float64 cannot represent exactly"
        )
    return as_float64_tensor(name, value, device=device, ndim=ndim)


def _check_n(x: torch.Tensor) -> int:
    n = x.shape[-1]
    if n == 0:
        raise ValueError("coefficients must hold at least one coefficient per instance (n >= 1); got n = 0")
    return n


def _check_sum_is_finite(x: torch.Tensor) -> torch.Tensor:
    """Σ|x_i| per instance, summed in index order; refuse coefficients whose sums overflow."""
    total = _ordered_sum(x.abs(), torch.ones_like(x, dtype=torch.bool))
    if not torch.isfinite(total).all():
        raise ValueError("coefficients are too large: the sum of their absolute values overflows float64")
    return total


def _as_instances(coefficients, targets, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Checked float64 coefficients ``(B, n)`` or ``(n,)`` and targets ``(B,)`` on ``device``."""
    x = _as_real_tensor("coefficients", coefficients, device=device, ndim=(1, 2))
    z = _as_real_tensor("targets", targets, device=device, ndim=(0, 1)).reshape(-1)
    _check_n(x)
    if x.ndim == 2 and x.shape[0] != z.shape[0]:
        raise ValueError(
            f"coefficients has {x.shape[0]} instances (shape {tuple(x.shape)}) but targets has "
            f"{z.shape[0]}; give one target per row of coefficients, or 1-D coefficients shared by all"
        )
    _check_sum_is_finite(x)
    return x, z


# ----------------------------------------------------------------------------------------
# Subset sums
# ----------------------------------------------------------------------------------------


def _ordered_sum(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Σ_{i: mask_i} x_i over the last axis, adding one coefficient at a time in index order."""
    total = torch.zeros(x.shape[:-1], dtype=torch.float64, device=x.device)
    for i in range(x.shape[-1]):
        total = total + x[..., i] * mask[..., i]  # x·0 = ±0 leaves the total unchanged
    return total


def _fill_subset_sums(x, out) -> None:
    """out[:, m] = Σ of x[:, i] over the bits i of m, added in index order (NumPy or torch).

    Doubling: the sums of the subsets of x_0..x_i are those of x_0..x_{i−1}, followed by the
    same plus x_i. Every sum is thus ((x_{i1} + x_{i2}) + …) with i1 < i2 < …, the order of
    :func:`subset_value`, bit for bit.
    """
    add = np.add if isinstance(out, np.ndarray) else torch.add
    out[:, :1] = 0
    for i in range(x.shape[1]):
        half = 1 << i
        add(out[:, :half], x[:, i : i + 1], out=out[:, half : 2 * half])


def _subset_sums(x: torch.Tensor) -> torch.Tensor:
    """All 2^k subset sums of each row of ``x`` ``(C, k)``, column m holding the subset of m's bits."""
    out = torch.empty(x.shape[0], 1 << x.shape[1], dtype=x.dtype, device=x.device)
    _fill_subset_sums(x, out)
    return out


def _merge_sorted_subset_sums(x: np.ndarray, out: np.ndarray, presorted_bits: int = 6) -> None:
    """out[c] = the 2^k subset sums of x[c] in ascending order (NumPy, in place).

    Horowitz and Sahni's doubling: if L holds the sorted sums of x_0..x_{i−1}, those of
    x_0..x_i are the merge of L and L + x_i, two sorted runs, which NumPy's stable sort
    (timsort) merges in linear time. The first few coefficients are sorted directly.
    """
    first = min(x.shape[1], presorted_bits)
    _fill_subset_sums(x[:, :first], out[:, : 1 << first])
    out[:, : 1 << first].sort(axis=1)
    for i in range(first, x.shape[1]):
        half = 1 << i
        np.add(out[:, :half], x[:, i : i + 1], out=out[:, half : 2 * half])
        out[:, : 2 * half].sort(axis=1, kind="stable")


def _sorted_subset_sums(x: torch.Tensor, buffer: np.ndarray | None = None) -> torch.Tensor:
    """The 2^k subset sums of each row of ``x``, ascending (merging on the CPU, sorting elsewhere).

    On the CPU the result is written into ``buffer`` (rows ≥ those of x) when given, so that a
    loop over chunks reuses one allocation.
    """
    if x.device.type == "cpu":
        if buffer is None:
            buffer = np.empty((x.shape[0], 1 << x.shape[1]))
        out = buffer[: x.shape[0]]
        _merge_sorted_subset_sums(x.numpy(), out)
        return torch.from_numpy(out)
    return torch.sort(_subset_sums(x), dim=1).values


def _index_to_mask(index: torch.Tensor, k: int) -> torch.Tensor:
    """Bits of ``index`` ``(B,)`` as a bool mask ``(B, k)``: bit i of index ↔ coefficient i."""
    bits = torch.arange(k, device=index.device)
    return ((index.unsqueeze(1) >> bits) & 1) == 1


def _solution(x: torch.Tensor, z: torch.Tensor, mask: torch.Tensor) -> SubsetSumSolution:
    value = _ordered_sum(x.expand(mask.shape), mask)
    return SubsetSumSolution(mask=mask, value=value, error=(z - value).abs())


# ----------------------------------------------------------------------------------------
# worst_case_error
# ----------------------------------------------------------------------------------------


def _sup_distance(sums: torch.Tensor, lo: float, hi: float) -> torch.Tensor:
    """sup over z ∈ [lo, hi] of min_k |z − s_k|, for sorted sums ``(C, N)``; see worst_case_error.

    f(lo) and f(hi) come from the two neighbours of lo and hi (binary search). The gaps whose
    midpoint can lie in [lo, hi] are those from the last sum below lo to the first sum above
    hi, so only that window of columns (the union over the chunk's rows) is scanned.
    """
    count = sums.shape[1]
    ends = torch.tensor([lo, hi], dtype=torch.float64, device=sums.device).expand(sums.shape[0], 2).contiguous()
    above = torch.searchsorted(sums, ends)  # first sum >= lo, first sum >= hi
    neighbours = torch.cat([(above - 1).clamp(min=0), above.clamp(max=count - 1)], dim=1)
    distance = (ends.repeat(1, 2) - sums.gather(1, neighbours)).abs()
    worst = torch.maximum(torch.minimum(distance[:, 0], distance[:, 2]), torch.minimum(distance[:, 1], distance[:, 3]))
    first = int((above[:, 0] - 1).clamp(min=0).min())
    stop = int(torch.searchsorted(sums, ends[:, 1:].contiguous(), right=True).max()) + 1
    window = sums[:, first:stop]
    if window.shape[1] > 1:
        half_gaps = (window[:, 1:] - window[:, :-1]) / 2
        midpoints = window[:, :-1] + half_gaps
        inside = (midpoints >= lo) & (midpoints <= hi)
        worst = torch.maximum(worst, (half_gaps * inside).amax(dim=1))  # half gaps are >= 0
    return worst


# ----------------------------------------------------------------------------------------
# solve: shared coefficients, answered from one sorted table of all 2^n sums
# ----------------------------------------------------------------------------------------


def _table_pays_off(n: int, batch: int, budget: int) -> bool:
    """Tabulate 2^n sums once when it fits and costs no more than ~16 meet-in-the-middle searches per target."""
    halves = (1 << (n // 2)) + (1 << (n - n // 2))
    return (_TABLE_BYTES_PER_SUM << n) <= budget and (1 << n) <= 16 * batch * halves


def _solve_shared_by_table(x: torch.Tensor, z: torch.Tensor, budget: int) -> torch.Tensor:
    """Masks for targets z against one coefficient vector x ``(n,)``: sort all 2^n sums, binary search.

    The table holds the exact float64 values of :func:`subset_value`, and |z − s| is monotone
    in s on each side of z, so one of the two neighbours of z is a float64 optimum: the
    result equals :func:`brute_force`'s error bit for bit.
    """
    n = x.shape[0]
    sums, order = torch.sort(_subset_sums(x.unsqueeze(0))[0])
    best = torch.empty(z.shape[0], dtype=torch.int64, device=z.device)
    rows = max(1, budget // 64)
    for start in range(0, z.shape[0], rows):
        targets = z[start : start + rows]
        above = torch.searchsorted(sums, targets).clamp_(max=sums.shape[0] - 1)
        below = (above - 1).clamp_(min=0)
        below_is_closer = (targets - sums[below]).abs() <= (targets - sums[above]).abs()
        best[start : start + rows] = order[torch.where(below_is_closer, below, above)]
    return _index_to_mask(best, n)


# ----------------------------------------------------------------------------------------
# solve: meet in the middle on a fixed-point grid
# ----------------------------------------------------------------------------------------


def _mitm_bytes_per_instance(n: int) -> int:
    return _MITM_BYTES_PER_SUM * ((1 << (n // 2)) + (1 << (n - n // 2)))


def _to_fixed_point_grid(x: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Round each instance to integers on the grid 2^−s, with 2^−s ≤ Σ|x_i| · 2^−57.

    With R = Σ|x_i| (summed in index order, so identical on every device) and 2^{e−1} ≤ R < 2^e,
    s = 58 − e: the integers X_i = round(x_i 2^s) have Σ|X_i| ≤ 2^58. No subset sum lies
    outside [−R, R], so clamping z to [−2R, 2R] changes no error difference between two
    masks; then |Z| ≤ 2^59. Every half-sum, every difference Z − a − b and every sort key
    of the NumPy route (4v or 4v + 1, below 2^62) then fits in an int64: the search is exact. The rounding moves each
    subset sum by at most (n + 1) · 2^−s−1 ≤ (n + 1) R · 2^−58, far below float64 summation error.
    Scaling by a power of two is exact; it is applied as two factors so that neither overflows.
    """
    total = _ordered_sum(x.abs(), torch.ones_like(x, dtype=torch.bool))
    _, exponent = torch.frexp(total)
    shift = _GRID_BITS - exponent.to(torch.int64)
    first = _power_of_two(shift // 2).unsqueeze(1)
    second = _power_of_two(shift - shift // 2).unsqueeze(1)
    grid_x = torch.round(x * first * second).to(torch.int64)
    clamped = torch.minimum(torch.maximum(z, -2 * total), 2 * total).unsqueeze(1)
    grid_z = torch.round(clamped * first * second).to(torch.int64).squeeze(1)
    return grid_x, grid_z


def _power_of_two(exponent: torch.Tensor) -> torch.Tensor:
    """2^exponent as float64, exactly on every device, for integer exponents in [−1022, 1023].

    Built from its bits (biased exponent, zero mantissa) rather than by exp2 or pow, whose
    exactness the GPU libraries do not promise.
    """
    return ((exponent + 1023) << 52).view(torch.float64)


def _mitm_torch(grid_x: torch.Tensor, grid_z: torch.Tensor, half: int, rows: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Index (bits) of the optimal subset of each half, by sorting and ``torch.searchsorted``."""
    index_a = torch.empty(grid_z.shape[0], dtype=torch.int64, device=grid_z.device)
    index_b = torch.empty_like(index_a)
    for start in range(0, grid_z.shape[0], rows):
        chunk = slice(start, start + rows)
        sums_a = _subset_sums(grid_x[chunk, :half])
        sums_b, order_b = torch.sort(_subset_sums(grid_x[chunk, half:]), dim=1)
        wanted = grid_z[chunk, None] - sums_a  # what the B half should add to each a
        above = torch.searchsorted(sums_b, wanted).clamp_(max=sums_b.shape[1] - 1)
        below = (above - 1).clamp_(min=0)
        neighbours = torch.stack([below, above], dim=2).flatten(1)  # (C, 2·2^|A|)
        distance = (wanted.repeat_interleave(2, dim=1) - sums_b.gather(1, neighbours)).abs()
        best = distance.argmin(dim=1, keepdim=True)
        index_a[chunk] = best.squeeze(1) // 2
        index_b[chunk] = order_b.gather(1, neighbours.gather(1, best)).squeeze(1)
    return index_a, index_b


class _MergeWorkspace:
    """Arrays for one chunk of the NumPy route, allocated once per thread and reused.

    Reuse matters: fresh multi-megabyte arrays are page-faulted into memory on every chunk,
    which was measured to cost more than the arithmetic.
    """

    def __init__(self, rows: int, half: int, n: int):
        size_a, size_b = 1 << half, 1 << (n - half)
        self.sums_a = np.empty((rows, size_a), dtype=np.int64)  # in index order, for the lookup
        self.sums_b = np.empty((rows, size_b), dtype=np.int64)
        self.keys = np.empty((rows, size_a + size_b), dtype=np.int64)
        self.gaps = np.empty((rows, size_a + size_b - 1), dtype=np.int64)
        self.scratch = np.empty((rows, size_a + size_b - 1), dtype=np.int64)


def _mitm_numpy(
    grid_x: np.ndarray, grid_z: np.ndarray, half: int, rows: int, budget: int
) -> tuple[np.ndarray, np.ndarray]:
    """Run :func:`_mitm_merge_chunk` over chunks of ``rows`` instances, on several threads.

    NumPy releases the GIL inside its sorts and ufuncs, so threads run chunks in parallel.
    The batch is cut into one contiguous part per thread, each with its own workspace.
    """
    batch, n = grid_x.shape
    index_a = np.empty(batch, dtype=np.int64)
    index_b = np.empty(batch, dtype=np.int64)
    workers = max(1, min(torch.get_num_threads(), -(-batch // rows), budget // (rows * _mitm_bytes_per_instance(n))))

    def run(start: int, stop: int) -> None:
        workspace = _MergeWorkspace(min(rows, stop - start), half, n)
        for lo in range(start, stop, rows):
            hi = min(lo + rows, stop)
            index_a[lo:hi], index_b[lo:hi] = _mitm_merge_chunk(grid_x[lo:hi], grid_z[lo:hi], half, workspace)

    bounds = [batch * k // workers for k in range(workers + 1)]
    if workers == 1:
        run(0, batch)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in [pool.submit(run, a, b) for a, b in zip(bounds[:-1], bounds[1:])]:
                done.result()
    return index_a, index_b


def _mitm_merge_chunk(
    grid_x: np.ndarray, grid_z: np.ndarray, half: int, ws: _MergeWorkspace
) -> tuple[np.ndarray, np.ndarray]:
    """Meet in the middle for a chunk of instances on the integer grid, by one merge.

    Sorting the sums of −x over the A half gives the values q = Z − a (what the B half should
    add) in ascending order; the B sums b are sorted too. The closest pair (q, b) of two
    sorted lists is adjacent in their merge, so after one merge only neighbours that come from
    different lists need comparing. To tell the lists apart inside one integer sort, everything
    is scaled by 4 and the b's get + 1: keys 4q ≡ 0 and 4b + 1 ≡ 1 (mod 4). The difference d
    of two neighbouring keys is then 4Δv + 1 or 4Δv − 1 (odd) for a (q, b) pair and a multiple
    of 4 for two of one list; among odd d, d >> 1 ranks the pairs by Δv = |q − b|.
    """
    rows = grid_x.shape[0]
    sums_a, sums_b = ws.sums_a[:rows], ws.sums_b[:rows]
    keys, gaps, scratch = ws.keys[:rows], ws.gaps[:rows], ws.scratch[:rows]
    size_a = sums_a.shape[1]
    x4, z4 = grid_x << 2, grid_z << 2  # |4Z − 4a|, |4b + 1| < 2^62: the keys fit in an int64

    _fill_subset_sums(x4[:, :half], sums_a)
    _fill_subset_sums(x4[:, half:], sums_b)
    _merge_sorted_subset_sums(-x4[:, :half], keys[:, :size_a])  # −4a, ascending
    keys[:, :size_a] += z4[:, None]  # 4q = 4Z − 4a, ascending
    _merge_sorted_subset_sums(x4[:, half:], keys[:, size_a:])
    keys[:, size_a:] += 1  # 4b + 1, ascending
    keys.sort(axis=1, kind="stable")  # merges the two sorted runs

    np.subtract(keys[:, 1:], keys[:, :-1], out=gaps)  # d ≥ 0
    # Rank the pairs: odd d (one q, one b) first, by setting the sign bit, then by d >> 1.
    np.left_shift(gaps, 63, out=scratch)
    gaps >>= 1
    gaps |= scratch
    best = gaps.argmin(axis=1)

    chunk_rows = np.arange(rows)
    first, second = keys[chunk_rows, best], keys[chunk_rows, best + 1]
    first_is_b = (first & 3) == 1
    q4 = np.where(first_is_b, second, first)
    b4 = np.where(first_is_b, first, second) - 1
    index_a = (sums_a == (z4 - q4)[:, None]).argmax(axis=1)
    index_b = (sums_b == b4[:, None]).argmax(axis=1)
    return index_a, index_b
