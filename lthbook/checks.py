"""Self-check functions for the exercises of the book.

Each ``check_*`` function takes a reader's answer and returns a :class:`CheckResult`, which a
notebook displays as one line: a pass with a word on why it matters, or "not yet" with a hint
on the common mistakes. Messages never give the answer away. The reference values are computed
here from first principles, not stored.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

__all__ = [
    "CheckResult",
    "check_log2_mask_count",
    "check_chance_accuracy",
    "check_predictions_scale_invariant",
    "check_single_weight_samples",
    "check_subset_sum_solver",
    "check_counting_bound",
    "check_success_threshold",
    "check_float32_fraction",
]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a self-check: ``passed`` and a message for the reader."""

    passed: bool
    message: str

    def __repr__(self) -> str:
        return ("✅ " if self.passed else "❌ Not yet. ") + self.message

    def __bool__(self) -> bool:
        return self.passed


def _as_float(answer, name: str = "answer") -> float | None:
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _is_stub(answer) -> bool:
    return answer is None or answer is Ellipsis


_STUB = CheckResult(False, "No answer yet: replace the `...` with your answer and run the cell again.")


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
        return CheckResult(True, f"Right: about 2^{truth:,.0f} subnetworks keep that many weights. "
                                 "Exhaustive search is hopeless; edge-popup searches by gradient instead.")
    if abs(value - m) <= 1e-6 * m:
        return CheckResult(False, "That counts every mask (any number of kept weights). "
                                  "Count only the masks that keep exactly the given number.")
    if abs(value - truth * math.log(2)) <= 1e-6 * max(1.0, abs(truth)) or abs(value * math.log(2) - truth) < 1e-9:
        return CheckResult(False, "Close: check the base of your logarithm (the question asks for log base 2).")
    return CheckResult(False, "Count the ways to choose which weights survive; "
                              "math.lgamma avoids overflow for the factorials.")


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


def check_predictions_scale_invariant(predict: Callable, *, model: torch.nn.Module, inputs: torch.Tensor,
                                      scales: tuple[float, ...] = (0.01, 0.5, 3.0)) -> CheckResult:
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
        return CheckResult(False, f"predict should return one class index per input, shape {tuple(truth.shape)}; "
                                  f"got shape {tuple(got.shape)}. Did you take the argmax over the right dimension?")
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
    return CheckResult(True, "Right, and scale-free: σ(c·t) = c·σ(t) for c > 0, so a bias-free ReLU network "
                             "multiplied layer by layer by positive constants predicts the same classes.")


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
        return CheckResult(True, f"Right: {truth} samples for one weight, growing like log(1/δ)/ε. "
                                 "Chapter 2 shows that subset sums need only O(log(1/ε)).")
    if int(value) == truth - 1:
        return CheckResult(False, "Off by one: you need the smallest whole n for which the bound holds, round up.")
    if abs(value - math.log(delta) / math.log(1 - 2 * eps)) < 1.5:
        return CheckResult(False, "The window [w − ε, w + ε] has length 2ε, but U[−1, 1] spreads over length 2.")
    return CheckResult(False, "What is the probability that a single sample misses the window around w? "
                              "Then all n samples miss independently.")


# ----------------------------------------------------------------------------------------
# Chapter 2: random SubsetSum
# ----------------------------------------------------------------------------------------


def check_subset_sum_solver(solver: Callable, *, n: int = 10, instances: int = 20, seed: int = 0) -> CheckResult:
    """Chapter 2, exercise 1: ``solver(x, z)`` must return ``(error, mask)``, the optimum of
    min over S ⊆ {1..n} of |z − Σ_{i∈S} x_i| and a bool mask of an optimal S.

    Compared with :func:`lthbook.subset_sum.brute_force` on ``instances`` random instances
    (x_i and z i.i.d. U[−1, 1], float64, NumPy seed ``seed``).
    """
    from .subset_sum import brute_force

    if solver is None or solver is Ellipsis:
        return _STUB
    rng = np.random.default_rng(seed)
    for k in range(instances):
        x, z = rng.uniform(-1.0, 1.0, size=n), float(rng.uniform(-1.0, 1.0))
        try:
            answer = solver(x.copy(), z)
        except NotImplementedError:
            return _STUB
        if _is_stub(answer):
            return _STUB
        try:
            error, mask = answer
            error = float(error)
            mask = np.asarray(torch.as_tensor(mask).cpu().numpy() if isinstance(mask, torch.Tensor) else mask)
        except (TypeError, ValueError):
            return CheckResult(False, "solver(x, z) should return a pair (error, mask): a number and a bool "
                                      "array with one entry per coefficient.")
        if mask.shape != (n,) or mask.dtype != bool:
            return CheckResult(False, f"The mask should be a bool array of shape ({n},), one entry per coefficient; "
                                      f"got dtype {mask.dtype} and shape {mask.shape}.")
        value = float(x[mask].sum())
        best = float(brute_force(x, z, device="cpu").error[0])
        if not math.isfinite(error):
            return CheckResult(False, "The error should be a finite number |z − Σ x_i over S|.")
        if abs(error - value) < 1e-12 and abs(error - abs(z - value)) > 1e-9:
            return CheckResult(False, "You returned the best subset's sum; return its error |z − sum| instead.")
        mismatch = abs(error - abs(z - value))
        if 1e-9 < mismatch < 1e-5:
            return CheckResult(False, "Almost: your error differs from |z − Σ x_i| over your subset in the last "
                                      "digits. Are you computing in float32? Optimal errors are tiny; use float64.")
        if mismatch > 1e-9:
            return CheckResult(False, "The error you return should be |z − Σ x_i| over the subset your mask selects; "
                                      f"on instance {k} they differ.")
        if error > best + 1e-9:
            if error - best < 1e-5:
                return CheckResult(False, "Almost: your errors are slightly above the optimum. Are you computing in "
                                          "float32? Optimal errors are tiny; use float64.")
            return CheckResult(False, f"On instance {k} a better subset exists. Do you try all 2^n = {2 ** n:,} "
                                      "subsets, the empty one included?")
    return CheckResult(True, f"Right: optimal on all {instances} instances, {2 ** n:,} subsets each. "
                             "lthbook.subset_sum.solve finds the same optimum with about 2·2^(n/2) sums per half "
                             "(meet in the middle).")


def check_counting_bound(answer, *, eps: float) -> CheckResult:
    """Chapter 2, exercise 2: the least n for which 2^n subset sums can possibly ε-cover [−1, 1].

    Each sum covers an interval of length 2ε, and the union must contain [−1, 1], of length 2:
    2^n · 2ε ≥ 2, so n ≥ log₂(1/ε).
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be a whole number of coefficients n.")

    def least_n(condition) -> int:
        n = 0
        while not condition(2.0**n):
            n += 1
        return n

    truth = least_n(lambda count: count * 2 * eps >= 2)
    if value != int(value):
        return CheckResult(False, "n counts coefficients, so it is a whole number: round log₂ up.")
    value = int(value)
    if value == truth:
        return CheckResult(True, f"Right: with n = {truth}, 2^n · 2ε ≥ 2 for the first time. No draw of fewer "
                                 "coefficients can work, whatever their law; Lueker's theorem says a constant "
                                 "times as many suffice.")
    if value == truth - 1:
        return CheckResult(False, "Off by one: with that n the 2^n intervals of length 2ε cover less than "
                                  "length 2. You need the smallest n for which the inequality holds: round up.")
    if value == least_n(lambda count: count * eps >= 2) or value == least_n(lambda count: count * eps >= 1) + 1:
        return CheckResult(False, "Mind the factors of 2: a sum s covers [s − ε, s + ε], of length 2ε, and the "
                                  "interval [−1, 1] has length 2.")
    if value == least_n(lambda count: count * 2 * eps >= 1):
        return CheckResult(False, "The interval of targets [−1, 1] has length 2, not 1.")
    return CheckResult(False, "How long an interval does one sum ε-cover? How many such intervals are needed "
                              "to contain [−1, 1]?")


def check_success_threshold(answer, *, coefficients, eps: float) -> CheckResult:
    """Chapter 2, exercise 3: n*(ε), the least n such that at least a fraction 1 − ε of the draws
    (rows of ``coefficients``, of which the first n are used) ε-approximate every z ∈ [−1, 1].

    The reference uses :func:`lthbook.subset_sum.worst_case_error` on the first n columns, for
    n = 1, 2, … until the fraction of rows with worst-case error ≤ ε reaches 1 − ε. Dropping a
    coefficient removes sums, so the fraction grows with n. Meant for ε ≥ 0.05 (cheap enough).
    """
    from .subset_sum import worst_case_error

    eps = float(eps)
    if not 0.05 <= eps < 1:
        raise ValueError(f"eps must lie in [0.05, 1) for this check; got {eps}")
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None or value != int(value):
        return CheckResult(False, "The answer should be a whole number of coefficients n.")
    x = torch.as_tensor(np.asarray(coefficients.cpu() if isinstance(coefficients, torch.Tensor) else coefficients),
                        dtype=torch.float64)
    draws, n_max = x.shape
    success = []  # success[n - 1] = fraction of draws whose first n coefficients succeed
    while len(success) < n_max and (not success or success[-1] < 1 - eps - 1e-12):
        n = len(success) + 1
        success.append(float((worst_case_error(x[:, :n], device="cpu") <= eps).double().mean()))
    if success[-1] < 1 - eps - 1e-12:
        return CheckResult(False, f"Even all {n_max} coefficients succeed in fewer than a fraction 1 − ε of the "
                                  "draws: draw more coefficients per row.")
    truth = len(success)
    value = int(value)

    def first(level: float) -> int:
        return next(n for n, fraction in enumerate(success, start=1) if fraction >= level - 1e-12)

    if value == truth:
        return CheckResult(True, f"Right: n* = {truth} for ε = {eps:g} on these {draws:,} draws; "
                                 f"C = n*/log₂(2/ε) = {truth / math.log2(2 / eps):.2f} here.")
    if value in (truth - 1, truth + 1):
        return CheckResult(False, "Off by one: compare the success fraction with 1 − ε at your n and at its "
                                  "neighbours; n* is the smallest n where it reaches 1 − ε.")
    if value == first(0.5):
        return CheckResult(False, "That is where half the draws succeed (the median). Lueker's form asks for "
                                  "success with probability at least 1 − ε.")
    if value == first(eps):
        return CheckResult(False, "The success fraction must reach 1 − ε, not ε.")
    if value < truth:
        return CheckResult(False, "At that n too many draws still fail: the fraction of successes is below 1 − ε.")
    return CheckResult(False, "A smaller n already reaches a success fraction of 1 − ε: find the smallest.")


def check_float32_fraction(answer, *, coefficients, targets) -> CheckResult:
    """Chapter 2, exercise 4: the fraction of instances whose optimal error is below the spacing
    of float32 numbers at the target, ``np.spacing(np.float32(abs(z)))``.

    The optimal errors are recomputed exactly (float64) with :func:`lthbook.subset_sum.solve`.
    """
    from .subset_sum import solve

    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be one number between 0 and 1.")
    errors = solve(coefficients, targets, device="cpu").error.numpy()
    z = np.asarray(targets.cpu() if isinstance(targets, torch.Tensor) else targets, dtype=np.float64).reshape(-1)
    spacing = np.spacing(np.abs(z).astype(np.float32)).astype(np.float64)
    truth = float(np.mean(errors < spacing))
    if abs(value - truth) < 1e-9:
        return CheckResult(True, f"Right: {truth:.1%} of the optimal errors are below float32's resolution at "
                                 "the target, so float32 cannot even represent them; float64 resolves them easily.")
    if value > 1 and abs(value / 100 - truth) < 1e-9:
        return CheckResult(False, "Give a fraction between 0 and 1, not a percentage.")
    float64_fraction = float(np.mean(errors < np.spacing(np.abs(z))))
    signed = float(np.mean(errors < np.spacing(z.astype(np.float32)).astype(np.float64)))
    at_one = float(np.mean(errors < float(np.spacing(np.float32(1.0)))))
    if abs(value - float64_fraction) < 1e-9:
        return CheckResult(False, "That is the spacing of float64 numbers; convert the targets to np.float32 first.")
    if abs(value - signed) < 1e-9 and abs(signed - truth) > 1e-9:
        return CheckResult(False, "np.spacing of a negative number is negative: take the spacing at |z|.")
    if abs(value - at_one) < 1e-9:
        return CheckResult(False, "The spacing of float32 numbers depends on their size: take it at each target, "
                                  "not at 1.")
    return CheckResult(False, "For each instance, compare the optimal error with np.spacing(np.float32(abs(z))), "
                              "then average the comparisons.")
