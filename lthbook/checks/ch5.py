"""Self-checks of chapter 5's exercises (the lower bound).

``chapters/05_lower_bound.ipynb``: the counting bound on the parameters, the packing number's
volumetric lower bound, and where the covered share can first reach 1. The reference values are
:mod:`lthbook.lower_bound`'s, whose ceilings are exact (no floating-point doubt).
"""

from __future__ import annotations

import math

from .._validation import check_float
from ..lower_bound import log2_packing_lower, log2_packing_upper, min_parameters
from ._core import CheckResult, expect, parse_answer, self_check, whole_number

__all__ = ["check_min_parameters", "check_log2_packing_bound", "check_coverage_threshold"]

_WHOLE = "The answer should be a whole number of parameters m."
_ROUND_UP = "m counts parameters, so it is a whole number: round up."


def _ceil_log2_power(entries: int, ratio: float) -> int:
    """The smallest integer m ≥ 0 with 2^m ≥ ratio^entries (ratio > 1/2).

    :func:`lthbook.lower_bound.min_parameters` for ``entries`` entries at ε = 1/(2·ratio),
    whose condition 2^m ≥ (1/(2ε))^D this is.
    """
    return min_parameters(entries, 1 / (2 * ratio), 1)


@self_check
def check_min_parameters(answer, *, d: int, eps: float, d_out: int) -> CheckResult:
    """Chapter 5, exercise 1: the least m with 2^m ≥ (1/(2ε))^{d·d_out}, for maps R^d → R^{d_out}.

    The counting argument: 2^m subnetworks must outnumber a 2ε-packing of the operator-norm
    ball of d_out × d matrices, which has at least (1/(2ε))^{d·d_out} points. The reference is
    :func:`lthbook.lower_bound.min_parameters`.

    Args:
        answer: the reader's m.
        d, d_out: input and output dimensions, ≥ 1.
        eps: ε ∈ (0, 1).
    """
    truth = min_parameters(d, eps, d_out)  # checks d, eps and d_out (None means d)
    d, eps = int(d), float(eps)
    d_out = d if d_out is None else int(d_out)
    value = whole_number(parse_answer(answer, _WHOLE), _ROUND_UP)
    entries = d * d_out
    return expect(
        value,
        truth,
        right=f"Right: m = {truth}. Any network with fewer parameters, random or not, misses "
        "some linear map of norm at most 1 by more than ε.",
        mistakes=[
            (
                truth - 1,
                "Off by one: you need the smallest m for which 2^m is at least the packing bound, so round up.",
            ),
            (
                {min_parameters(other, eps, 1) for other in {d * d, d_out * d_out, d + d_out} if other != entries},
                "Count the dimension of the space of targets: a map R^d → R^{d_out} is a d_out × d matrix.",
            ),
            (
                min_parameters(d, eps / 2, d_out),  # (1/ε)^D
                "The packing is at scale 2ε (two targets served by one subnetwork are within "
                "2ε of each other): use (1/(2ε))^D, not (1/ε)^D.",
            ),
            (
                max(0, math.ceil(entries * math.log(1 / (2 * eps)))),
                "Check the base of the logarithm: 2^m subnetworks means log base 2.",
            ),
        ],
        hint="Compare the number of subnetworks, 2^m, with the volumetric lower bound on the "
        "packing number at scale 2ε, and solve for m.",
    )


@self_check
def check_log2_packing_bound(answer, *, d: int, eps: float) -> CheckResult:
    """Chapter 5, exercise 2: log₂ of the volumetric lower bound (1/ε)^{d²} on P(B, ε) for d × d maps.

    The reference is :func:`lthbook.lower_bound.log2_packing_lower`, to 1e-6 relative accuracy.

    Args:
        answer: the reader's log₂ of the bound.
        d: the dimension, ≥ 1.
        eps: ε ∈ (0, 2).
    """
    truth = log2_packing_lower(d, eps)  # checks d and eps
    d, eps = int(d), float(eps)
    value = parse_answer(answer, "The answer should be one real number, log₂ of a count.")
    return expect(
        value,
        truth,
        close=lambda value, reference: math.isclose(value, reference, rel_tol=1e-6, abs_tol=1e-9),
        right=f"Right: about 2^{truth:.1f} matrices pairwise more than ε apart. The exponent "
        "grows like d², the number of entries.",
        mistakes=[
            (lambda: 2.0**truth, "That is the bound itself; the question asks for its base-2 logarithm."),
            (
                {truth * math.log(2), truth * math.log10(2)},
                "Check the base of your logarithm (the question asks for log base 2).",
            ),
            (
                log2_packing_lower(d, eps, 1),
                "The ball lives in the space of d × d matrices: its dimension is d², not d.",
            ),
            (
                log2_packing_upper(d, eps),
                "That is the volumetric upper bound (1 + 2/ε)^D; the question asks for the lower bound.",
            ),
            (
                d * d * math.log2(1 / (2 * eps)),
                "The packing here is at scale ε itself (the factor 2 belongs to the counting "
                "argument, not to this question).",
            ),
        ],
        hint="Compare volumes: how many balls of radius ε does it take to cover the unit ball of a "
        "D-dimensional space?",
    )


@self_check
def check_coverage_threshold(answer, *, d: int, eps: float, d_out: int | None = None) -> CheckResult:
    """Chapter 5, exercise 3: the least integer m at which 2^m ε^D reaches 1, D = d·d_out.

    Below it, no network with m parameters can serve every target of the operator-norm ball
    within ε, and the share of the ball it can serve is at most 2^m ε^D
    (:func:`lthbook.lower_bound.covered_fraction_bound`). The reference is
    :func:`lthbook.lower_bound.min_parameters` at ε/2, whose condition 2^m ≥ (1/ε)^D this is.

    Args:
        answer: the reader's m.
        d: input dimension, ≥ 1.
        eps: ε ∈ (0, 1).
        d_out: output dimension ≥ 1; None means d.
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    truth = min_parameters(d, eps / 2, d_out)  # ε/2 is exact in floating point
    d = int(d)
    d_out = d if d_out is None else int(d_out)
    value = whole_number(parse_answer(answer, _WHOLE), _ROUND_UP)
    entries = d * d_out
    return expect(
        value,
        truth,
        right=f"Right: m = {truth}. Below it the counting bound caps the covered share below "
        "1; a random network needs more, as the figure shows.",
        mistakes=[
            (truth - 1, "Off by one: you need the smallest m with 2^m ε^D ≥ 1, so round up."),
            (
                min_parameters(d, eps, d_out),
                "That is where 2^m reaches the packing bound at scale 2ε. The share of the ball "
                "that 2^m functions can serve is at most 2^m ε^D: solve 2^m ε^D = 1.",
            ),
            (
                min_parameters(d, eps / 2, 1) if entries != d else None,
                "The targets are d_out × d matrices: D counts all their entries.",
            ),
            (
                max(0, math.ceil(entries * math.log(1 / eps))),
                "Check the base of the logarithm: 2^m functions means log base 2.",
            ),
        ],
        hint="Set covered_fraction_bound's expression 2^m ε^D equal to 1 and solve for m.",
    )
