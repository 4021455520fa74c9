"""Self-checks of Chapter 6's exercises (the experiments)."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ._core import NO_ANSWER as _STUB
from ._core import CheckResult, _as_float
from ._core import is_stub as _is_stub

__all__ = [
    "check_experiment1_n_prediction",
    "check_kept_fraction",
    "check_approximated_accuracy",
    "check_matched_wide_width",
]


def check_experiment1_n_prediction(answer, *, eps: float, low: float, high: float, constant: float) -> CheckResult:
    """Chapter 6, exercise 1: the n that Lueker's constant predicts for Experiment 1.

    Coefficients U[low, high] are modelled as U[−s, s] with s = (high − low)/2; dividing by s
    gives chapter 2's setting (U[−1, 1], targets in [−1, 1]) with tolerance ε/s, so
    n = ⌈C · log₂(2 / (ε/s))⌉ = ⌈C · log₂(2s/ε)⌉ with C = ``constant``.
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None or value != int(value):
        return CheckResult(False, "The answer should be a whole number of coefficients n.")
    value = int(value)
    eps, low, high, c = float(eps), float(low), float(high), float(constant)
    s = (high - low) / 2
    truth = math.ceil(c * math.log2(2 * s / eps))
    if value == truth:
        return CheckResult(
            True,
            f"Right: n = {truth} from C = {c:g}. Compare it with the sweep: accuracy and "
            "'every weight within ε' are different targets, and only the second is what "
            "the theorem speaks about.",
        )
    if value == math.ceil(c * math.log2(2 / eps)):
        return CheckResult(
            False, "You used ε itself. After dividing the coefficients and targets by s, the tolerance becomes ε/s."
        )
    if value == math.ceil(c * math.log2(2 / (eps * s))):
        return CheckResult(False, "Dividing everything by s turns ε into ε/s, not ε·s.")
    if value == math.ceil(c * math.log(2 * s / eps)):
        return CheckResult(False, "Check the base of the logarithm: the constant goes with log base 2.")
    if value == math.ceil(math.log2(2 * s / eps)):
        return CheckResult(False, "Don't forget the constant C = construction.MEASURED_CONSTANT.")
    if value == math.ceil(c * math.log2(s / eps)):
        return CheckResult(False, "The formula has log₂(2/ε′), with the factor 2.")
    if value in (math.floor(c * math.log2(2 * s / eps)), round(c * math.log2(2 * s / eps))):
        return CheckResult(False, "n must be at least C·log₂(2/ε′): round up.")
    return CheckResult(
        False, "Compute s = (high − low)/2, the tolerance ε′ = ε/s, then the least integer n with n ≥ C·log₂(2/ε′)."
    )


def check_kept_fraction(answer, *, replacement) -> CheckResult:
    """Chapter 6, exercise 2: the fraction of all random coefficients kept by a replacement.

    Σ (coefficients kept per weight) / (n × number of weights), from ``replacement.kept`` and
    ``replacement.num_coefficients`` (a :class:`lthbook.experiments.ReplacementResult`).
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be one number between 0 and 1.")
    kept = sum(int(k.sum()) for k in replacement.kept)
    weights = sum(k.numel() for k in replacement.kept)
    n = int(replacement.num_coefficients)
    truth = kept / (n * weights)

    def close(other: float) -> bool:
        return math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-12)

    if close(truth):
        return CheckResult(
            True,
            f"Right: {truth:.4f} of the coefficients are kept. Most of the 2^n subsets have "
            "about n/2 elements, and the best one for a weight is a fairly typical subset.",
        )
    if close(100 * truth):
        return CheckResult(False, "Give the fraction as a number between 0 and 1, not a percentage.")
    if close(truth * n):
        return CheckResult(False, "That is the mean number of coefficients kept per weight; divide by n.")
    if close(kept):
        return CheckResult(False, "That is the count of kept coefficients; divide by the number drawn (n per weight).")
    if close(1 - truth):
        return CheckResult(False, "That is the fraction pruned; the question asks for the fraction kept.")
    if close(3.73e6 / 8.34e6) or close(3.73e6 / 8.337e6):
        return CheckResult(False, "That is the paper's ratio; compute ours from replacement.kept.")
    return CheckResult(False, "Add up replacement.kept over all layers and divide by n times the number of weights.")


def check_approximated_accuracy(
    function: Callable, *, model: torch.nn.Module, replacements, X: torch.Tensor, y: torch.Tensor
) -> CheckResult:
    """Chapter 6, exercise 3: ``function(model, replacement, X, y)`` must return the test accuracy of
    the approximated network, the copy of ``model`` whose weights are the replacement's Ŵ_i.

    The reference is :func:`lthbook.edge_popup.accuracy` of
    :func:`lthbook.experiments.replaced_network` (float64) for each of ``replacements``; answers
    within 0.05 percentage point pass (float32 evaluation may flip a few near-ties).
    """
    from ..edge_popup import accuracy
    from ..experiments import replaced_network

    if function is None or function is Ellipsis:
        return _STUB
    target_accuracy = accuracy(model, X, y)
    for replacement in replacements:
        try:
            got = function(model, replacement, X, y)
        except NotImplementedError:
            return _STUB
        if _is_stub(got):
            return _STUB
        value = _as_float(got)
        if value is None:
            return CheckResult(False, "approximated_accuracy should return one number, the accuracy as a fraction.")
        truth = accuracy(replaced_network(model, replacement, dtype=torch.float64), X.to(torch.float64), y)
        n = replacement.num_coefficients
        if value > 1 and abs(value / 100 - truth) <= 5e-4:
            return CheckResult(False, "Return the accuracy as a fraction between 0 and 1, not a percentage.")
        if abs(value - target_accuracy) < 1e-12 and abs(truth - target_accuracy) > 5e-4:
            return CheckResult(
                False,
                f"For n = {n} your function returns the accuracy of the target itself: the "
                "paper's bug. Evaluate the copy with the replaced weights.",
            )
        if abs(value - truth) > 5e-4:
            return CheckResult(
                False,
                f"For n = {n} this is not the accuracy of the approximated network. Replace "
                "every nn.Linear weight by the replacement's weights (in the same order).",
            )
    return CheckResult(
        True,
        "Right: the approximated network is what Experiment 1 must evaluate. At small n its "
        "accuracy is far below the target's, which the paper's evaluation could never show.",
    )


def check_matched_wide_width(answer, *, widths, redundancy: int) -> CheckResult:
    """Chapter 6, exercise 4: the hidden width h of the wide network d_0–h–d_2 with as many weights
    as the block construction with redundancy r.

    The construction has Σ_i (r·d_{i−1} + r·d_{i−1}·d_i) weights; the wide network
    (d_0 + d_2)·h. The reference is the integer h whose count is closest (for deeper targets,
    :func:`lthbook.experiments.matched_wide_hidden`).
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None or value != int(value):
        return CheckResult(False, "The answer should be a whole number, the hidden width h.")
    value = int(value)
    widths = [int(d) for d in widths]
    r = int(redundancy)
    pairs = list(zip(widths[:-1], widths[1:]))
    if len(widths) == 3:
        ours = sum(r * a + r * a * b for a, b in pairs)
        per_unit = widths[0] + widths[-1]
        truth = min(
            (math.floor(ours / per_unit), math.ceil(ours / per_unit)), key=lambda h: (abs(per_unit * h - ours), h)
        )
    else:
        from ..experiments import matched_wide_hidden

        truth = matched_wide_hidden(widths, r)[0]
    if value == truth:
        return CheckResult(
            True,
            f"Right: h = {truth:,}. The two networks have the same number of random weights, "
            "so Experiment 2 compares structures, not sizes.",
        )
    per_unit = widths[0] + widths[-1]
    if len(widths) == 3:
        if value == round(sum(r * a * b for a, b in pairs) / per_unit):
            return CheckResult(
                False,
                "You left out the block layers: each input has r weights of its own (r·d_{i−1} per target layer).",
            )
        if value == round(sum(r * a * a + r * a * b for a, b in pairs) / per_unit):
            return CheckResult(False, "A block layer is not dense: input j feeds its own r units, r weights per input.")
        if value == round(sum(a + a * b for a, b in pairs) / per_unit):
            return CheckResult(False, "Multiply by the redundancy r: the construction has r units per input.")
        if abs(value - truth) == 1:
            return CheckResult(False, "Off by one: pick the h whose count (d_0 + d_2)·h is closest.")
    return CheckResult(
        False, "Count the construction's weights, then solve (d_0 + d_2)·h ≈ that count for an integer h."
    )
