"""Self-checks of chapter 7's exercises (beyond the paper).

``chapters/07_beyond.ipynb``: the Jaccard index of a found and a planted mask, the number of
random weights of the depth l + 1 network, the subsets a size limit allows, and the share of
the hyperbolic law's coefficients below a threshold.
"""

from __future__ import annotations

import math

import torch

from .._validation import check_float, check_int, check_widths
from ._core import CheckResult, expect, fail, parse_answer, self_check

__all__ = [
    "check_jaccard",
    "check_shallow_weight_count",
    "check_size_limited_subsets",
    "check_hyperbolic_share",
]


def _relative(tolerance: float):
    return lambda value, reference: abs(value - reference) <= tolerance * max(1.0, abs(reference))


@self_check
def check_jaccard(answer, *, found, planted) -> CheckResult:
    """Chapter 7, exercise 1: the Jaccard index |M ∩ S*| / |M ∪ S*| of a found mask M and the planted S*.

    Checked to 1e-6 relative accuracy.

    Args:
        answer: the reader's number.
        found, planted: two 0/1 masks of the same shape (tensors or nested lists).
    """
    m = torch.as_tensor(found).bool()
    s = torch.as_tensor(planted).bool()
    if m.shape != s.shape:
        raise ValueError(f"found and planted must have the same shape; got {tuple(m.shape)} and {tuple(s.shape)}")
    value = parse_answer(answer, "The answer should be one number between 0 and 1.")
    both, size_m, size_s, union = int((m & s).sum()), int(m.sum()), int(s.sum()), int((m | s).sum())
    truth = both / union if union else 1.0
    return expect(
        value,
        truth,
        close=_relative(1e-6),
        right=f"Right: the masks share {both} of the {union} weights that either keeps. With equal sizes "
        "Jaccard = p / (2 − p) for precision p, so it falls faster than precision does.",
        mistakes=[
            (both / size_m if size_m else None, "That is the precision |M ∩ S*| / |M|: divide by the union instead."),
            (both / size_s if size_s else None, "That is the recall |M ∩ S*| / |S*|: divide by the union instead."),
            (
                both / (size_m + size_s) if size_m + size_s else None,
                "|M| + |S*| counts the shared weights twice: the union is |M| + |S*| − |M ∩ S*|.",
            ),
            (float(both), "That is the size of the intersection; the index divides it by the union."),
        ],
        hint="Count the weights both masks keep, and the weights at least one keeps.",
    )


def _shallow_count(widths: tuple[int, ...], n: int, rho: int, copied_output: bool = False) -> int:
    """Weights of the depth l + 1 network (optionally with ρ copies of the outputs too)."""
    depth = len(widths) - 1
    rows = [rho * widths[i] if i < depth or copied_output else widths[i] for i in range(1, depth + 1)]
    total = 2 * n * widths[0] * widths[0] + rows[0] * 2 * n * widths[0]
    for i in range(2, depth + 1):
        total += rows[i - 1] * rho * widths[i - 1]
    return total


@self_check
def check_shallow_weight_count(answer, *, widths, n: int, rho: int) -> CheckResult:
    """Chapter 7, exercise 2: the number of random weights of the depth l + 1 network.

    The layers (``lthbook.shallow_construction.ShallowNetwork``): M_1 is 2n d_0 × d_0, M_2 is
    r_1 × 2n d_0, M_{i+1} is r_i × ρ d_{i−1} for i ≥ 2, with r_i = ρ d_i for i < l and r_l = d_l.

    Args:
        answer: the reader's whole number.
        widths: (d_0, …, d_l), l ≥ 1.
        n: blocks of 2n univariate units, ≥ 1.
        rho: copies ρ ≥ 1.
    """
    widths = check_widths(widths)
    n = check_int("n", n, low=1)
    rho = check_int("rho", rho, low=1)
    value = parse_answer(answer, "The answer should be one whole number, a count of weights.", whole=True)
    depth = len(widths) - 1
    truth = _shallow_count(widths, n, rho)
    theorem_1 = sum(2 * n * widths[i - 1] * (widths[i - 1] + widths[i]) for i in range(1, depth + 1))
    return expect(
        value,
        truth,
        right=f"Right: {truth:,} random weights in {depth + 1} layers. Most of them sit in the layers of "
        "copies, whose size grows like ρ² d²: the depth saved is paid for in width.",
        mistakes=[
            (
                _shallow_count(widths, n, rho, copied_output=True) if rho > 1 else None,
                "The output layer has one copy of each output neuron, not ρ: r_l = d_l.",
            ),
            (truth - 2 * n * widths[0] ** 2, "You left out the univariate first layer M_1 (2n units per input)."),
            (theorem_1, "That is Theorem 1's network of depth 2l; count the l + 1 layers of this one."),
        ],
        hint="Write down the shape of each of the l + 1 matrices and add their products.",
    )


@self_check
def check_size_limited_subsets(answer, *, n: int, k: int) -> CheckResult:
    """Chapter 7, exercise 3: how many subsets of n coefficients have at most k elements.

    Args:
        answer: the reader's whole number.
        n: coefficients, ≥ 0.
        k: the size limit, 0 ≤ k ≤ n.
    """
    n = check_int("n", n, low=0)
    k = check_int("k", k, low=0, high=n)
    value = parse_answer(answer, "The answer should be one whole number, a count of subsets.", whole=True)
    truth = sum(math.comb(n, j) for j in range(k + 1))
    return expect(
        value,
        truth,
        right=f"Right: {truth:,} of the {2**n:,} subsets, a share of {truth / 2**n:.1%}. Fewer sums means "
        "wider gaps between them, which is why a size limit costs n.",
        mistakes=[
            (math.comb(n, k), "That counts subsets of size exactly k; at most k includes every smaller size."),
            (2**n, "That counts every subset; keep only those with at most k elements."),
            (truth - 1, "Almost: the empty subset (sum 0) has at most k elements too."),
            (truth - math.comb(n, k) if k >= 1 else None, "Sizes 0 to k − 1 are there, but size k is allowed too."),
        ],
        hint="Add the number of subsets of each allowed size j = 0, 1, …, k (math.comb).",
    )


@self_check
def check_hyperbolic_share(answer, *, t: float, lower: float) -> CheckResult:
    """Chapter 7, exercise 4: P(|X| ≤ t) under the hyperbolic law, density ∝ 1/|x| on lower ≤ |x| ≤ 1.

    Checked to 1e-4 relative accuracy.

    Args:
        answer: the reader's probability.
        t: the threshold, lower ≤ t ≤ 1.
        lower: the law's lower end a ∈ (0, 1).
    """
    lower = check_float("lower", lower, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    t = check_float("t", t, low=lower, high=1.0)
    value = parse_answer(answer, "The answer should be one number between 0 and 1, a probability.")
    truth = math.log(t / lower) / math.log(1 / lower)
    if value > 1 and abs(value / 100 - truth) <= 1e-4:
        fail("Give the probability as a fraction between 0 and 1, not a percentage.")
    return expect(
        value,
        truth,
        close=_relative(1e-4),
        right=f"Right: {truth:.1%} of the coefficients are at most {t:g} in size. Below ε they cannot help "
        "fill a gap of width 2ε, which is why this law needs more of them than the uniform law.",
        mistakes=[
            (1 - truth, "That is P(|X| > t), the complement."),
            (t, "That is the uniform law's share; here |X| is log-uniform, not uniform."),
            (t * (1 - math.log(t)), "That is the product law's share; integrate 1/(|x| ln(1/a)) from a to t."),
        ],
        hint="|X| is log-uniform on [a, 1]: ln|X| is uniform on [ln a, 0].",
    )
