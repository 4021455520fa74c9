"""Self-checks for the exercises of chapter 7 (``chapters/07_beyond.ipynb``).

The same contract as :mod:`lthbook.checks`: each ``check_*`` takes the reader's answer and
returns a :class:`lthbook.checks.CheckResult`, a pass with a word on why it matters or "not yet"
with a hint that names the likely mistake without giving the answer away. Reference values are
computed here, from first principles or from the package, never stored.

This module lives beside :mod:`lthbook.checks` until the checks become a package with one
module per chapter; it then moves to ``lthbook/checks/ch7.py`` unchanged.
"""

from __future__ import annotations

import math

import torch

from .checks import CheckResult

__all__ = [
    "check_jaccard",
    "check_shallow_weight_count",
    "check_size_limited_subsets",
    "check_hyperbolic_share",
]

_STUB = CheckResult(False, "No answer yet: replace the `...` with your answer and run the cell again.")


def _stub(answer) -> bool:
    return answer is None or answer is Ellipsis


def _number(answer) -> float | None:
    if isinstance(answer, bool):
        return None
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _close(value: float, truth: float, rel: float = 1e-6) -> bool:
    return abs(value - truth) <= rel * max(1.0, abs(truth))


def check_jaccard(answer, *, found, planted) -> CheckResult:
    """Chapter 7, exercise 1: the Jaccard index |M ∩ S*| / |M ∪ S*| of a found mask M and the planted S*.

    Args:
        answer: the reader's number.
        found, planted: two 0/1 masks of the same shape (tensors or nested lists).
    """
    if _stub(answer):
        return _STUB
    value = _number(answer)
    if value is None:
        return CheckResult(False, "The answer should be one number between 0 and 1.")
    m = torch.as_tensor(found).bool()
    s = torch.as_tensor(planted).bool()
    both, size_m, size_s = int((m & s).sum()), int(m.sum()), int(s.sum())
    union = int((m | s).sum())
    truth = both / union if union else 1.0
    if _close(value, truth):
        return CheckResult(
            True,
            f"Right: the masks share {both} of the {union} weights that either keeps. With equal sizes "
            "Jaccard = p / (2 − p) for precision p, so it falls faster than precision does.",
        )
    if size_m and _close(value, both / size_m):
        return CheckResult(False, "That is the precision |M ∩ S*| / |M|: divide by the union instead.")
    if size_s and _close(value, both / size_s):
        return CheckResult(False, "That is the recall |M ∩ S*| / |S*|: divide by the union instead.")
    if size_m + size_s and _close(value, both / (size_m + size_s)):
        return CheckResult(False, "|M| + |S*| counts the shared weights twice: the union is |M| + |S*| − |M ∩ S*|.")
    if _close(value, both):
        return CheckResult(False, "That is the size of the intersection; the index divides it by the union.")
    return CheckResult(False, "Count the weights both masks keep, and the weights at least one keeps.")


def _shallow_count(widths: tuple[int, ...], n: int, rho: int, copied_output: bool = False) -> int:
    depth = len(widths) - 1
    rows = [rho * widths[i] if i < depth or copied_output else widths[i] for i in range(1, depth + 1)]
    total = 2 * n * widths[0] * widths[0] + rows[0] * 2 * n * widths[0]
    for i in range(2, depth + 1):
        total += rows[i - 1] * rho * widths[i - 1]
    return total


def check_shallow_weight_count(answer, *, widths, n: int, rho: int) -> CheckResult:
    """Chapter 7, exercise 2: the number of random weights of the depth l + 1 network.

    The layers (``lthbook.shallow_construction.ShallowNetwork``): M_1 is 2n d_0 × d_0, M_2 is
    r_1 × 2n d_0, M_{i+1} is r_i × ρ d_{i−1} for i ≥ 2, with r_i = ρ d_i for i < l and r_l = d_l.

    Args:
        answer: the reader's integer.
        widths: (d_0, …, d_l); n: blocks of 2n univariate units; rho: copies ρ.
    """
    if _stub(answer):
        return _STUB
    value = _number(answer)
    if value is None:
        return CheckResult(False, "The answer should be one whole number, a count of weights.")
    widths = tuple(int(w) for w in widths)
    n, rho = int(n), int(rho)
    depth = len(widths) - 1
    truth = _shallow_count(widths, n, rho)
    if value == truth:
        return CheckResult(
            True,
            f"Right: {truth:,} random weights in {depth + 1} layers. Most of them sit in the layers of "
            "copies, whose size grows like ρ² d²: the depth saved is paid for in width.",
        )
    if rho > 1 and value == _shallow_count(widths, n, rho, copied_output=True):
        return CheckResult(False, "The output layer has one copy of each output neuron, not ρ: r_l = d_l.")
    if value == truth - 2 * n * widths[0] * widths[0]:
        return CheckResult(False, "You left out the univariate first layer M_1 (2n units per input).")
    theorem_1 = sum(2 * n * widths[i - 1] * (widths[i - 1] + widths[i]) for i in range(1, depth + 1))
    if value == theorem_1:
        return CheckResult(False, "That is Theorem 1's network of depth 2l; count the l + 1 layers of this one.")
    return CheckResult(False, "Write down the shape of each of the l + 1 matrices and add their products.")


def check_size_limited_subsets(answer, *, n: int, k: int) -> CheckResult:
    """Chapter 7, exercise 3: how many subsets of n coefficients have at most k elements.

    Args:
        answer: the reader's integer; n ≥ 0, 0 ≤ k ≤ n.
    """
    if _stub(answer):
        return _STUB
    value = _number(answer)
    if value is None:
        return CheckResult(False, "The answer should be one whole number, a count of subsets.")
    n, k = int(n), int(k)
    truth = sum(math.comb(n, j) for j in range(k + 1))
    if value == truth:
        return CheckResult(
            True,
            f"Right: {truth:,} of the {2**n:,} subsets, a share of {truth / 2**n:.1%}. Fewer sums means "
            "wider gaps between them, which is why a size limit costs n.",
        )
    if value == math.comb(n, k):
        return CheckResult(False, "That counts subsets of size exactly k; at most k includes every smaller size.")
    if value == 2**n:
        return CheckResult(False, "That counts every subset; keep only those with at most k elements.")
    if value == truth - 1:
        return CheckResult(False, "Almost: the empty subset (sum 0) has at most k elements too.")
    if k >= 1 and value == truth - math.comb(n, k):
        return CheckResult(False, "Sizes 0 to k − 1 are there, but size k itself is allowed as well.")
    return CheckResult(False, "Add the number of subsets of each allowed size j = 0, 1, …, k (math.comb).")


def check_hyperbolic_share(answer, *, t: float, lower: float) -> CheckResult:
    """Chapter 7, exercise 4: P(|X| ≤ t) under the hyperbolic law, density ∝ 1/|x| on lower ≤ |x| ≤ 1.

    Args:
        answer: the reader's number; t ∈ [lower, 1]; lower ∈ (0, 1).
    """
    if _stub(answer):
        return _STUB
    value = _number(answer)
    if value is None:
        return CheckResult(False, "The answer should be one number between 0 and 1, a probability.")
    t, lower = float(t), float(lower)
    truth = math.log(t / lower) / math.log(1 / lower)
    if _close(value, truth, 1e-4):
        return CheckResult(
            True,
            f"Right: {truth:.1%} of the coefficients are at most {t:g} in size. Below ε they cannot help "
            "fill a gap of width 2ε, which is why this law needs more of them than the uniform law.",
        )
    if _close(value, 1 - truth, 1e-4):
        return CheckResult(False, "That is P(|X| > t), the complement.")
    if _close(value, t, 1e-4):
        return CheckResult(False, "That is the uniform law's share; here |X| is log-uniform, not uniform.")
    if _close(value, t * (1 - math.log(t)), 1e-4):
        return CheckResult(False, "That is the product law's share; integrate 1/(|x| ln(1/a)) from a to t.")
    return CheckResult(False, "|X| is log-uniform on [a, 1]: ln|X| is uniform on [ln a, 0].")
