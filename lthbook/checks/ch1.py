"""Self-checks of Chapter 1's exercises (strong lottery tickets)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ._core import NO_ANSWER as _STUB
from ._core import CheckResult, _as_float
from ._core import is_stub as _is_stub

__all__ = [
    "check_log2_mask_count",
    "check_chance_accuracy",
    "check_predictions_scale_invariant",
    "check_single_weight_samples",
]


def check_log2_mask_count(answer, *, num_weights: int, num_kept: int) -> CheckResult:
    """Chapter 1, exercise 1: log₂ of the number of masks of ``num_weights`` weights keeping ``num_kept``.

    The count is the binomial coefficient C(m, k); its base-2 logarithm is checked to 1e-6
    relative accuracy (computed with ``lgamma``, so any m is fine).
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be one real number, log₂ of a count.")
    m, k = int(num_weights), int(num_kept)
    truth = (math.lgamma(m + 1) - math.lgamma(k + 1) - math.lgamma(m - k + 1)) / math.log(2)
    if abs(value - truth) <= 1e-6 * max(1.0, abs(truth)):
        return CheckResult(
            True,
            f"Right: about 2^{truth:,.0f} subnetworks keep that many weights. "
            "Exhaustive search is hopeless; edge-popup searches by gradient instead.",
        )
    if abs(value - m) <= 1e-6 * m:
        return CheckResult(
            False,
            "That counts every mask (any number of kept weights). "
            "Count only the masks that keep exactly the given number.",
        )
    if abs(value - truth * math.log(2)) <= 1e-6 * max(1.0, abs(truth)) or abs(value * math.log(2) - truth) < 1e-9:
        return CheckResult(False, "Close: check the base of your logarithm (the question asks for log base 2).")
    return CheckResult(
        False, "Count the ways to choose which weights survive; math.lgamma avoids overflow for the factorials."
    )


def check_chance_accuracy(answer, *, labels: torch.Tensor | np.ndarray) -> CheckResult:
    """Chapter 1, exercise 2: the accuracy of the best constant predictor on ``labels``.

    A network whose predictions carry no information about the input does no better, on
    average, than always answering the most frequent class.
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be one number between 0 and 1.")
    y = torch.as_tensor(np.asarray(labels)).long().flatten()
    truth = float(torch.bincount(y).max()) / y.numel()
    if value > 1.0 and abs(value / 100 - truth) < 1e-9:
        return CheckResult(False, "Give the accuracy as a fraction between 0 and 1, not a percentage.")
    if abs(value - truth) < 1e-9:
        return CheckResult(True, f"Right: {truth:.4f}. With balanced classes that is close to 1/10.")
    if abs(value - 0.1) < 1e-9:
        return CheckResult(False, "1/10 assumes perfectly balanced classes; count the test labels.")
    return CheckResult(False, "Which single class, always predicted, is right most often on these labels?")


def check_predictions_scale_invariant(
    predict: Callable, *, model: torch.nn.Module, inputs: torch.Tensor, scales: tuple[float, ...] = (0.01, 0.5, 3.0)
) -> CheckResult:
    """Chapter 1, exercise 3: ``predict(model, inputs)`` must return class indices, and a bias-free
    ReLU network's predictions must not change when each layer is multiplied by ``c > 0``.

    The check compares ``predict`` with ``argmax`` of the model's outputs, then rescales every
    ``weight`` of a copy of the model by each of ``scales``.
    """
    import copy

    if predict is None or predict is Ellipsis:
        return _STUB
    try:
        got = torch.as_tensor(predict(model, inputs))
    except NotImplementedError:
        return _STUB
    with torch.no_grad():
        truth = model(inputs).argmax(dim=1)
    if got.shape != truth.shape:
        return CheckResult(
            False,
            f"predict should return one class index per input, shape {tuple(truth.shape)}; "
            f"got shape {tuple(got.shape)}. Did you take the argmax over the right dimension?",
        )
    if not torch.equal(got.long(), truth):
        return CheckResult(False, "Your predictions differ from the model's argmax on some inputs.")
    for c in scales:
        scaled = copy.deepcopy(model)
        with torch.no_grad():
            for name, param in scaled.named_parameters():
                if name.endswith("weight"):
                    param.mul_(c)
        if not torch.equal(torch.as_tensor(predict(scaled, inputs)).long(), truth):
            return CheckResult(False, f"Scaling every layer by {c} changed a prediction: does your model have biases?")
    return CheckResult(
        True,
        "Right, and scale-free: σ(c·t) = c·σ(t) for c > 0, so a bias-free ReLU network "
        "multiplied layer by layer by positive constants predicts the same classes.",
    )


def check_single_weight_samples(answer, *, eps: float, delta: float) -> CheckResult:
    """Chapter 1, exercise 4: the least n such that, with probability ≥ 1 − δ, one of n i.i.d.
    U[−1, 1] samples lies within ε of a fixed w with |w| ≤ 1 − ε.

    A sample misses [w − ε, w + ε] with probability 1 − ε, so n samples all miss with
    probability (1 − ε)^n.
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None or value != int(value):
        return CheckResult(False, "The answer should be a whole number of samples.")
    truth = math.ceil(math.log(delta) / math.log1p(-eps))
    if int(value) == truth:
        return CheckResult(
            True,
            f"Right: {truth} samples for one weight, growing like log(1/δ)/ε. "
            "Chapter 2 shows that subset sums need only O(log(1/ε)).",
        )
    if int(value) == truth - 1:
        return CheckResult(False, "Off by one: you need the smallest whole n for which the bound holds, round up.")
    if abs(value - math.log(delta) / math.log(1 - 2 * eps)) < 1.5:
        return CheckResult(False, "The window [w − ε, w + ε] has length 2ε, but U[−1, 1] spreads over length 2.")
    return CheckResult(
        False,
        "What is the probability that a single sample misses the window around w? "
        "Then all n samples miss independently.",
    )
