"""Self-checks of chapter 6's exercises (the experiments).

``chapters/06_experiments.ipynb``: the n Lueker's constant predicts for Experiment 1, the share
of coefficients a replacement keeps, the accuracy of the approximated network, and the width of
Experiment 2's matched wide network.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import EllipsisType
from typing import Any

import torch

from .._validation import check_float
from ..edge_popup import accuracy
from ..experiments import PAPER_EXPERIMENT1, matched_wide_hidden, replaced_network
from ._core import NO_ANSWER, CheckResult, Verdict, call_answer, expect, fail, parse_answer, self_check

__all__ = [
    "check_experiment1_n_prediction",
    "check_kept_fraction",
    "check_approximated_accuracy",
    "check_matched_wide_width",
]


@self_check
def check_experiment1_n_prediction(answer, *, eps: float, low: float, high: float, constant: float) -> CheckResult:
    """Chapter 6, exercise 1: the n that Lueker's constant predicts for Experiment 1.

    Coefficients U[low, high] are modelled as U[−s, s] with s = (high − low)/2; dividing by s
    gives chapter 2's setting (U[−1, 1], targets in [−1, 1]) with tolerance ε/s, so
    n = ⌈C · log₂(2 / (ε/s))⌉ = ⌈C · log₂(2s/ε)⌉ with C = ``constant``.

    Args:
        answer: the reader's n.
        eps: ε > 0.
        low, high: the coefficient law U[low, high], low < high.
        constant: C > 0.
    """
    eps = check_float("eps", eps, low=0.0, low_inclusive=False)
    low, high = check_float("low", low), check_float("high", high)
    if not low < high:
        raise ValueError(f"low must be below high; got low = {low:g}, high = {high:g}")
    c = check_float("constant", constant, low=0.0, low_inclusive=False)
    value = int(parse_answer(answer, "The answer should be a whole number of coefficients n.", whole=True))
    s = (high - low) / 2
    exact = c * math.log2(2 * s / eps)
    truth = math.ceil(exact)
    return expect(
        value,
        truth,
        right=f"Right: n = {truth} from C = {c:g}. Compare it with the sweep: accuracy and "
        "'every weight within ε' are different targets, and only the second is what "
        "the theorem speaks about.",
        mistakes=[
            (
                math.ceil(c * math.log2(2 / eps)),
                "You used ε itself. After dividing the coefficients and targets by s, the tolerance becomes ε/s.",
            ),
            (math.ceil(c * math.log2(2 / (eps * s))), "Dividing everything by s turns ε into ε/s, not ε·s."),
            (
                math.ceil(c * math.log(2 * s / eps)),
                "Check the base of the logarithm: the constant goes with log base 2.",
            ),
            (math.ceil(math.log2(2 * s / eps)), "Don't forget the constant C = construction.MEASURED_CONSTANT."),
            (math.ceil(c * math.log2(s / eps)), "The formula has log₂(2/ε′), with the factor 2."),
            ({math.floor(exact), round(exact)}, "n must be at least C·log₂(2/ε′): round up."),
        ],
        hint="Compute s = (high − low)/2, the tolerance ε′ = ε/s, then the least integer n with n ≥ C·log₂(2/ε′).",
    )


@self_check
def check_kept_fraction(answer, *, replacement) -> CheckResult:
    """Chapter 6, exercise 2: the fraction of all random coefficients kept by a replacement.

    Σ (coefficients kept per weight) / (n × number of weights): ``replacement.total_kept /
    replacement.total_coefficients`` of a :class:`lthbook.experiments.ReplacementResult`.

    Args:
        answer: the reader's fraction.
        replacement: a :class:`lthbook.experiments.ReplacementResult`.
    """
    value = parse_answer(answer, "The answer should be one number between 0 and 1.")
    kept = replacement.total_kept
    n = int(replacement.num_coefficients)
    truth = kept / replacement.total_coefficients
    paper_kept = PAPER_EXPERIMENT1["kept_coefficients"]
    return expect(
        value,
        truth,
        close=lambda value, reference: math.isclose(value, reference, rel_tol=1e-9, abs_tol=1e-12),
        right=f"Right: {truth:.4f} of the coefficients are kept. Most of the 2^n subsets have "
        "about n/2 elements, and the best one for a weight is a fairly typical subset.",
        mistakes=[
            (100 * truth, "Give the fraction as a number between 0 and 1, not a percentage."),
            (truth * n, "That is the mean number of coefficients kept per weight; divide by n."),
            (kept, "That is the count of kept coefficients; divide by the number drawn (n per weight)."),
            (1 - truth, "That is the fraction pruned; the question asks for the fraction kept."),
            (
                # the paper's "3.73M" kept of 8,337,000 (8.34M rounded)
                {paper_kept / 8.34e6, paper_kept / PAPER_EXPERIMENT1["total_coefficients"]},
                "That is the paper's ratio; compute ours from replacement.kept.",
            ),
        ],
        hint="Add up replacement.kept over all layers and divide by n times the number of weights.",
    )


@self_check
def check_approximated_accuracy(
    function: Callable[..., Any] | EllipsisType | None,
    *,
    model: torch.nn.Sequential,
    replacements,
    X: torch.Tensor,
    y: torch.Tensor,
) -> CheckResult:
    """Chapter 6, exercise 3: ``function(model, replacement, X, y)`` must return the test accuracy of
    the approximated network, the copy of ``model`` whose weights are the replacement's Ŵ_i.

    The reference is :func:`lthbook.edge_popup.accuracy` of
    :func:`lthbook.experiments.replaced_network` (float64) for each of ``replacements``; answers
    within 0.05 percentage point pass (float32 evaluation may flip a few near-ties).

    Args:
        function: the reader's function.
        model: the target network (an ``nn.Sequential`` of bias-free ``nn.Linear`` and ReLU).
        replacements: :class:`lthbook.experiments.ReplacementResult` objects for ``model``.
        X, y: the test inputs and labels.
    """
    if function is None or function is Ellipsis:
        raise Verdict(NO_ANSWER)
    target_accuracy = accuracy(model, X, y)
    for replacement in replacements:
        got = call_answer(function, model, replacement, X, y)
        try:
            value = float(got)
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value):
            fail("approximated_accuracy should return one number, the accuracy as a fraction.")
        truth = accuracy(replaced_network(model, replacement, dtype=torch.float64), X.to(torch.float64), y)
        n = replacement.num_coefficients
        if value > 1 and abs(value / 100 - truth) <= 5e-4:
            fail("Return the accuracy as a fraction between 0 and 1, not a percentage.")
        if abs(value - target_accuracy) < 1e-12 and abs(truth - target_accuracy) > 5e-4:
            fail(
                f"For n = {n} your function returns the accuracy of the target itself: the "
                "paper's bug. Evaluate the copy with the replaced weights."
            )
        if abs(value - truth) > 5e-4:
            fail(
                f"For n = {n} this is not the accuracy of the approximated network. Replace "
                "every nn.Linear weight by the replacement's weights (in the same order)."
            )
    return CheckResult(
        True,
        "Right: the approximated network is what Experiment 1 must evaluate. At small n its "
        "accuracy is far below the target's, which the paper's evaluation could never show.",
    )


@self_check
def check_matched_wide_width(answer, *, widths, redundancy: int) -> CheckResult:
    """Chapter 6, exercise 4: the hidden width h of the wide network d_0–h–d_2 with as many weights
    as the block construction with redundancy r.

    The construction has Σ_i (r·d_{i−1} + r·d_{i−1}·d_i) weights; the wide network
    (d_0 + d_2)·h. The reference is the integer h whose count is closest,
    :func:`lthbook.experiments.matched_wide_hidden` (which also serves deeper targets).

    Args:
        answer: the reader's h.
        widths: the target's widths (d_0, …, d_l), l ≥ 2.
        redundancy: r ≥ 1.
    """
    truth = matched_wide_hidden(widths, redundancy)[0]  # checks widths and redundancy
    widths = [int(d) for d in widths]
    r = int(redundancy)
    value = int(parse_answer(answer, "The answer should be a whole number, the hidden width h.", whole=True))
    pairs = list(zip(widths[:-1], widths[1:]))
    per_unit = widths[0] + widths[-1]

    def matched(weights: int) -> int | None:  # the rounded h for another count (a typical mistake), depth 2 only
        return round(weights / per_unit) if len(widths) == 3 else None

    return expect(
        value,
        truth,
        right=f"Right: h = {truth:,}. The two networks have the same number of random weights, "
        "so Experiment 2 compares structures, not sizes.",
        mistakes=[
            (
                matched(sum(r * a * b for a, b in pairs)),
                "You left out the block layers: each input has r weights of its own (r·d_{i−1} per target layer).",
            ),
            (
                matched(sum(r * a * a + r * a * b for a, b in pairs)),
                "A block layer is not dense: input j feeds its own r units, r weights per input.",
            ),
            (
                matched(sum(a + a * b for a, b in pairs)),
                "Multiply by the redundancy r: the construction has r units per input.",
            ),
            (
                len(widths) == 3 and abs(value - truth) == 1,
                "Off by one: pick the h whose count (d_0 + d_2)·h is closest.",
            ),
        ],
        hint="Count the construction's weights, then solve (d_0 + d_2)·h ≈ that count for an integer h.",
    )
