"""Self-checks of Chapter 5's exercises (the lower bound)."""

from __future__ import annotations

import math

from ._core import NO_ANSWER as _STUB
from ._core import CheckResult, _as_float
from ._core import is_stub as _is_stub

__all__ = ["check_min_parameters", "check_log2_packing_bound", "check_coverage_threshold"]


def _ceil_log2_power(entries: int, ratio: float) -> int:
    """The smallest integer m ≥ 0 with 2^m ≥ ratio^entries, i.e. ⌈entries · log₂(ratio)⌉ ≥ 0.

    Tested by exact comparison on integers when ``ratio`` is rational with small terms, so the
    ceiling is never off by one through rounding.
    """
    from fractions import Fraction

    exact = Fraction(ratio).limit_denominator(10**6)
    if float(exact) != ratio:
        return max(0, math.ceil(entries * math.log2(ratio) - 1e-12))
    m = max(0, math.floor(entries * math.log2(ratio)) - 1)
    power = exact**entries
    while Fraction(2) ** m < power:
        m += 1
    return m


def check_min_parameters(answer, *, d: int, eps: float, d_out: int) -> CheckResult:
    """Chapter 5, exercise 1: the least m with 2^m ≥ (1/(2ε))^{d·d_out}, for maps R^d → R^{d_out}.

    The counting argument: 2^m subnetworks must outnumber a 2ε-packing of the operator-norm
    ball of d_out × d matrices, which has at least (1/(2ε))^{d·d_out} points.
    """
    d, d_out, eps = int(d), int(d_out), float(eps)
    if d < 1 or d_out < 1 or not 0 < eps < 1:
        raise ValueError(f"need d, d_out >= 1 and eps in (0, 1); got d = {d}, d_out = {d_out}, eps = {eps}")
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be a whole number of parameters m.")
    truth = _ceil_log2_power(d * d_out, 1 / (2 * eps))
    if value != int(value):
        return CheckResult(False, "m counts parameters, so it is a whole number: round up.")
    value = int(value)
    if value == truth:
        return CheckResult(
            True,
            f"Right: m = {truth}. Any network with fewer parameters, random or not, misses "
            "some linear map of norm at most 1 by more than ε.",
        )
    if value == truth - 1:
        return CheckResult(
            False, "Off by one: you need the smallest m for which 2^m is at least the packing bound, so round up."
        )
    for entries in {d * d, d_out * d_out, d + d_out}:
        if entries != d * d_out and value == _ceil_log2_power(entries, 1 / (2 * eps)):
            return CheckResult(
                False, "Count the dimension of the space of targets: a map R^d → R^{d_out} is a d_out × d matrix."
            )
    if value == _ceil_log2_power(d * d_out, 1 / eps):
        return CheckResult(
            False,
            "The packing is at scale 2ε (two targets served by one subnetwork are within "
            "2ε of each other): use (1/(2ε))^D, not (1/ε)^D.",
        )
    if value == max(0, math.ceil(d * d_out * math.log(1 / (2 * eps)))):
        return CheckResult(False, "Check the base of the logarithm: 2^m subnetworks means log base 2.")
    return CheckResult(
        False,
        "Compare the number of subnetworks, 2^m, with the volumetric lower bound on the "
        "packing number at scale 2ε, and solve for m.",
    )


def check_log2_packing_bound(answer, *, d: int, eps: float) -> CheckResult:
    """Chapter 5, exercise 2: log₂ of the volumetric lower bound (1/ε)^{d²} on P(B, ε) for d × d maps."""
    d, eps = int(d), float(eps)
    if d < 1 or not 0 < eps < 2:
        raise ValueError(f"need d >= 1 and eps in (0, 2); got d = {d}, eps = {eps}")
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be one real number, log₂ of a count.")
    truth = d * d * math.log2(1 / eps)

    def close(other: float) -> bool:
        return math.isclose(value, other, rel_tol=1e-6, abs_tol=1e-9)

    if close(truth):
        return CheckResult(
            True,
            f"Right: about 2^{truth:.1f} matrices pairwise more than ε apart. The exponent "
            "grows like d², the number of entries.",
        )
    if close(2.0**truth):
        return CheckResult(False, "That is the bound itself; the question asks for its base-2 logarithm.")
    if close(truth * math.log(2)) or close(truth * math.log10(2)):
        return CheckResult(False, "Check the base of your logarithm (the question asks for log base 2).")
    if close(d * math.log2(1 / eps)):
        return CheckResult(False, "The ball lives in the space of d × d matrices: its dimension is d², not d.")
    if close(d * d * math.log2(1 + 2 / eps)):
        return CheckResult(
            False, "That is the volumetric upper bound (1 + 2/ε)^D; the question asks for the lower bound."
        )
    if close(d * d * math.log2(1 / (2 * eps))):
        return CheckResult(
            False,
            "The packing here is at scale ε itself (the factor 2 belongs to the counting "
            "argument, not to this question).",
        )
    return CheckResult(
        False,
        "Compare volumes: how many balls of radius ε does it take to cover the unit ball of a D-dimensional space?",
    )


def check_coverage_threshold(answer, *, d: int, eps: float, d_out: int | None = None) -> CheckResult:
    """Chapter 5, exercise 3: the least integer m at which 2^m ε^D reaches 1, D = d·d_out.

    Below it, no network with m parameters can serve every target of the operator-norm ball
    within ε, and the share of the ball it can serve is at most 2^m ε^D
    (:func:`lthbook.lower_bound.covered_fraction_bound`).
    """
    d, eps = int(d), float(eps)
    d_out = d if d_out is None else int(d_out)
    if d < 1 or d_out < 1 or not 0 < eps < 1:
        raise ValueError(f"need d, d_out >= 1 and eps in (0, 1); got d = {d}, d_out = {d_out}, eps = {eps}")
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be a whole number of parameters m.")
    entries = d * d_out
    truth = _ceil_log2_power(entries, 1 / eps)
    if value != int(value):
        return CheckResult(False, "m counts parameters, so it is a whole number: round up.")
    value = int(value)
    if value == truth:
        return CheckResult(
            True,
            f"Right: m = {truth}. Below it the counting bound caps the covered share below "
            "1; a random network needs more, as the figure shows.",
        )
    if value == truth - 1:
        return CheckResult(False, "Off by one: you need the smallest m with 2^m ε^D ≥ 1, so round up.")
    if value == _ceil_log2_power(entries, 1 / (2 * eps)):
        return CheckResult(
            False,
            "That is where 2^m reaches the packing bound at scale 2ε. The share of the ball "
            "that 2^m functions can serve is at most 2^m ε^D: solve 2^m ε^D = 1.",
        )
    if entries != d and value == _ceil_log2_power(d, 1 / eps):
        return CheckResult(False, "The targets are d_out × d matrices: D counts all their entries.")
    if value == max(0, math.ceil(entries * math.log(1 / eps))):
        return CheckResult(False, "Check the base of the logarithm: 2^m functions means log base 2.")
    return CheckResult(False, "Set covered_fraction_bound's expression 2^m ε^D equal to 1 and solve for m.")
