"""Self-checks of chapter 1's exercises (strong lottery tickets).

``chapters/01_strong_lottery_tickets.ipynb``: the number of masks, chance accuracy, the scale
invariance of a bias-free ReLU network's predictions, and the samples one weight needs.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from types import EllipsisType
from typing import Any

import numpy as np
import torch

from .._validation import check_float, check_int
from ._core import NO_ANSWER, CheckResult, Verdict, expect, fail, parse_answer, self_check

__all__ = [
    "check_log2_mask_count",
    "check_chance_accuracy",
    "check_predictions_scale_invariant",
    "check_single_weight_samples",
]

_LOG_BASE_HINT = "Close: check the base of your logarithm (the question asks for log base 2)."


@self_check
def check_log2_mask_count(answer, *, num_weights: int, num_kept: int) -> CheckResult:
    """Chapter 1, exercise 1: log₂ of the number of masks of ``num_weights`` weights keeping ``num_kept``.

    The count is the binomial coefficient C(m, k); its base-2 logarithm is checked to 1e-6
    relative accuracy (computed with ``lgamma``, so any m is fine).

    Args:
        answer: the reader's log₂ C(m, k).
        num_weights: m ≥ 1.
        num_kept: k ∈ [0, m].
    """
    m = check_int("num_weights", num_weights, low=1)
    k = check_int("num_kept", num_kept, low=0, high=m)
    value = parse_answer(answer, "The answer should be one real number, log₂ of a count.")
    truth = (math.lgamma(m + 1) - math.lgamma(k + 1) - math.lgamma(m - k + 1)) / math.log(2)
    tolerance = 1e-6 * max(1.0, abs(truth))
    return expect(
        value,
        truth,
        close=lambda value, reference: abs(value - reference) <= tolerance,
        right=f"Right: about 2^{truth:,.0f} subnetworks keep that many weights. "
        "Exhaustive search is hopeless; edge-popup searches by gradient instead.",
        mistakes=[
            (
                abs(value - m) <= 1e-6 * m,
                "That counts every mask (any number of kept weights). "
                "Count only the masks that keep exactly the given number.",
            ),
            (truth * math.log(2), _LOG_BASE_HINT),  # the natural logarithm
            (abs(value * math.log(2) - truth) < 1e-9, _LOG_BASE_HINT),
        ],
        hint="Count the ways to choose which weights survive; math.lgamma avoids overflow for the factorials.",
    )


@self_check
def check_chance_accuracy(answer, *, labels: torch.Tensor | np.ndarray) -> CheckResult:
    """Chapter 1, exercise 2: the accuracy of the best constant predictor on ``labels``.

    A network whose predictions carry no information about the input does no better, on
    average, than always answering the most frequent class. Checked to 1e-9.

    Args:
        answer: the reader's accuracy, a fraction.
        labels: the class labels (non-negative integers), any shape.
    """
    value = parse_answer(answer, "The answer should be one number between 0 and 1.")
    y = torch.as_tensor(np.asarray(labels)).long().flatten()
    truth = float(torch.bincount(y).max()) / y.numel()
    return expect(
        value,
        truth,
        close=1e-9,
        right=f"Right: {truth:.4f}. With balanced classes that is close to 1/10.",
        mistakes=[
            (
                value > 1.0 and abs(value / 100 - truth) < 1e-9,
                "Give the accuracy as a fraction between 0 and 1, not a percentage.",
            ),
            (0.1, "1/10 assumes perfectly balanced classes; count the test labels."),
        ],
        hint="Which single class, always predicted, is right most often on these labels?",
    )


@self_check
def check_predictions_scale_invariant(
    predict: Callable[..., Any] | EllipsisType | None,
    *,
    model: torch.nn.Module,
    inputs: torch.Tensor,
    scales: tuple[float, ...] = (0.01, 0.5, 3.0),
) -> CheckResult:
    """Chapter 1, exercise 3: ``predict(model, inputs)`` must return class indices, and a bias-free
    ReLU network's predictions must not change when each layer is multiplied by ``c > 0``.

    The check compares ``predict`` with ``argmax`` of the model's outputs, then rescales every
    ``weight`` of a copy of the model by each of ``scales``.

    Args:
        predict: the reader's function ``predict(model, inputs)``.
        model: the network, a ``torch.nn.Module`` mapping ``inputs`` to one row of logits each.
        inputs: a batch of inputs.
        scales: the factors c to try.
    """
    if predict is None or predict is Ellipsis:
        raise Verdict(NO_ANSWER)
    try:
        got = torch.as_tensor(predict(model, inputs))
    except NotImplementedError:
        raise Verdict(NO_ANSWER) from None
    with torch.no_grad():
        truth = model(inputs).argmax(dim=1)
    if got.shape != truth.shape:
        fail(
            f"predict should return one class index per input, shape {tuple(truth.shape)}; "
            f"got shape {tuple(got.shape)}. Did you take the argmax over the right dimension?"
        )
    if not torch.equal(got.long(), truth):
        fail("Your predictions differ from the model's argmax on some inputs.")
    for c in scales:
        scaled = copy.deepcopy(model)
        with torch.no_grad():
            for name, param in scaled.named_parameters():
                if name.endswith("weight"):
                    param.mul_(c)
        if not torch.equal(torch.as_tensor(predict(scaled, inputs)).long(), truth):
            fail(f"Scaling every layer by {c} changed a prediction: does your model have biases?")
    return CheckResult(
        True,
        "Right, and scale-free: σ(c·t) = c·σ(t) for c > 0, so a bias-free ReLU network "
        "multiplied layer by layer by positive constants predicts the same classes.",
    )


@self_check
def check_single_weight_samples(answer, *, eps: float, delta: float) -> CheckResult:
    """Chapter 1, exercise 4: the least n such that, with probability ≥ 1 − δ, one of n i.i.d.
    U[−1, 1] samples lies within ε of a fixed w with |w| ≤ 1 − ε.

    A sample misses [w − ε, w + ε] with probability 1 − ε, so n samples all miss with
    probability (1 − ε)^n; n = ⌈log δ / log(1 − ε)⌉.

    Args:
        answer: the reader's n.
        eps: ε ∈ (0, 1).
        delta: δ ∈ (0, 1).
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    delta = check_float("delta", delta, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    value = parse_answer(answer, "The answer should be a whole number of samples.", whole=True)
    truth = math.ceil(math.log(delta) / math.log1p(-eps))
    return expect(
        int(value),
        truth,
        right=f"Right: {truth} samples for one weight, growing like log(1/δ)/ε. "
        "Chapter 2 shows that subset sums need only O(log(1/ε)).",
        mistakes=[
            (truth - 1, "Off by one: you need the smallest whole n for which the bound holds, round up."),
            (
                # the window's length 2ε taken as a probability: log δ / log(1 − 2ε), give or take rounding
                lambda: eps < 0.5 and abs(value - math.log(delta) / math.log(1 - 2 * eps)) < 1.5,
                "The window [w − ε, w + ε] has length 2ε, but U[−1, 1] spreads over length 2.",
            ),
        ],
        hint="What is the probability that a single sample misses the window around w? "
        "Then all n samples miss independently.",
    )
