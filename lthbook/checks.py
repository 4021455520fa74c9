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
    "check_relu_identity",
    "check_gadget_pruning",
    "check_neuron_gadget_parameters",
    "check_gadget_error_prediction",
    "check_required_n",
    "check_error_propagation",
    "check_random_network_size",
    "check_input_scaled_bound",
    "check_min_parameters",
    "check_log2_packing_bound",
    "check_coverage_threshold",
    "check_experiment1_n_prediction",
    "check_kept_fraction",
    "check_approximated_accuracy",
    "check_matched_wide_width",
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
            return CheckResult(
                False,
                "solver(x, z) should return a pair (error, mask): a number and a bool "
                "array with one entry per coefficient.",
            )
        if mask.shape != (n,) or mask.dtype != bool:
            return CheckResult(
                False,
                f"The mask should be a bool array of shape ({n},), one entry per coefficient; "
                f"got dtype {mask.dtype} and shape {mask.shape}.",
            )
        value = float(x[mask].sum())
        best = float(brute_force(x, z, device="cpu").error[0])
        if not math.isfinite(error):
            return CheckResult(False, "The error should be a finite number |z − Σ x_i over S|.")
        if abs(error - value) < 1e-12 and abs(error - abs(z - value)) > 1e-9:
            return CheckResult(False, "You returned the best subset's sum; return its error |z − sum| instead.")
        mismatch = abs(error - abs(z - value))
        if 1e-9 < mismatch < 1e-5:
            return CheckResult(
                False,
                "Almost: your error differs from |z − Σ x_i| over your subset in the last "
                "digits. Are you computing in float32? Optimal errors are tiny; use float64.",
            )
        if mismatch > 1e-9:
            return CheckResult(
                False,
                "The error you return should be |z − Σ x_i| over the subset your mask selects; "
                f"on instance {k} they differ.",
            )
        if error > best + 1e-9:
            if error - best < 1e-5:
                return CheckResult(
                    False,
                    "Almost: your errors are slightly above the optimum. Are you computing in "
                    "float32? Optimal errors are tiny; use float64.",
                )
            return CheckResult(
                False,
                f"On instance {k} a better subset exists. Do you try all 2^n = {2**n:,} "
                "subsets, the empty one included?",
            )
    return CheckResult(
        True,
        f"Right: optimal on all {instances} instances, {2**n:,} subsets each. "
        "lthbook.subset_sum.solve finds the same optimum with about 2·2^(n/2) sums per half "
        "(meet in the middle).",
    )


def check_counting_bound(answer, *, eps: float) -> CheckResult:
    """Chapter 2, exercise 2: the least n for which 2^n subset sums can possibly ε-cover [−1, 1].

    Each sum covers an interval of length 2ε, and the union must contain [−1, 1], of length 2:
    2^n · 2ε ≥ 2, so n ≥ log₂(1/ε).
    """
    eps = float(eps)
    if not 0 < eps <= 1:
        raise ValueError(f"eps must lie in (0, 1]; got {eps}")
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be a whole number of coefficients n.")
    truth = 0
    while 2.0**truth * 2 * eps < 2:  # 2^n intervals of length 2ε must cover length 2
        truth += 1
    if value != int(value):
        return CheckResult(False, "n counts coefficients, so it is a whole number: round log₂ up.")
    value = int(value)
    if value == truth:
        return CheckResult(
            True,
            f"Right: with n = {truth}, 2^n · 2ε ≥ 2 for the first time. No draw of fewer "
            "coefficients can work, whatever their law; Lueker's theorem says a constant "
            "times as many suffice.",
        )
    if value == truth - 1:
        return CheckResult(
            False,
            "Off by one: with that n the 2^n intervals of length 2ε cover less than "
            "length 2 (the length of [−1, 1]). You need the smallest n for which the "
            "inequality holds: round up.",
        )
    if value == truth + 1:
        return CheckResult(
            False,
            "Mind the factors of 2: a sum s covers [s − ε, s + ε], of length 2ε, and the "
            "interval [−1, 1] has length 2.",
        )
    return CheckResult(
        False, "How long an interval does one sum ε-cover? How many such intervals are needed to contain [−1, 1]?"
    )


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
    x = torch.as_tensor(
        np.asarray(coefficients.cpu() if isinstance(coefficients, torch.Tensor) else coefficients), dtype=torch.float64
    )
    draws, n_max = x.shape
    success = []  # success[n - 1] = fraction of draws whose first n coefficients succeed
    while len(success) < n_max and (not success or success[-1] < 1 - eps - 1e-12):
        n = len(success) + 1
        success.append(float((worst_case_error(x[:, :n], device="cpu") <= eps).double().mean()))
    if success[-1] < 1 - eps - 1e-12:
        return CheckResult(
            False,
            f"Even all {n_max} coefficients succeed in fewer than a fraction 1 − ε of the "
            "draws: draw more coefficients per row.",
        )
    truth = len(success)
    value = int(value)

    def first(level: float) -> int:
        return next(n for n, fraction in enumerate(success, start=1) if fraction >= level - 1e-12)

    if value == truth:
        return CheckResult(
            True,
            f"Right: n* = {truth} for ε = {eps:g} on these {draws:,} draws; "
            f"C = n*/log₂(2/ε) = {truth / math.log2(2 / eps):.2f} here.",
        )
    if value in (truth - 1, truth + 1):
        return CheckResult(
            False,
            "Off by one: compare the success fraction with 1 − ε at your n and at its "
            "neighbours; n* is the smallest n where it reaches 1 − ε.",
        )
    if value == first(0.5):
        return CheckResult(
            False,
            "That is where half the draws succeed (the median). Lueker's form asks for "
            "success with probability at least 1 − ε.",
        )
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
        return CheckResult(
            True,
            f"Right: {truth:.1%} of the optimal errors are below float32's resolution at "
            "the target, so float32 cannot even represent them; float64 resolves them easily.",
        )
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
        return CheckResult(
            False, "The spacing of float32 numbers depends on their size: take it at each target, not at 1."
        )
    return CheckResult(
        False,
        "For each instance, compare the optimal error with np.spacing(np.float32(abs(z))), "
        "then average the comparisons.",
    )


# ----------------------------------------------------------------------------------------
# Chapter 3: the ReLU decomposition
# ----------------------------------------------------------------------------------------


def check_relu_identity(linear_from_relus: Callable, *, samples: int = 1000, seed: int = 0) -> CheckResult:
    """Chapter 3, exercise 1: ``linear_from_relus(w, x)`` must return σ(w·x) − σ(−w·x) = w·x.

    It is called on float64 tensors w, x of shape ``(samples,)``, i.i.d. U[−2, 2] (NumPy seed
    ``seed``) with zeros mixed in, so all four sign combinations occur. The identity is exact in
    floating point (one of the two ReLUs is 0), so the result must equal w·x to 1e-12.
    """
    if linear_from_relus is None or linear_from_relus is Ellipsis:
        return _STUB
    rng = np.random.default_rng(seed)
    w, x = rng.uniform(-2.0, 2.0, size=(2, samples))
    w[::7], x[::11] = 0.0, 0.0
    w, x = torch.from_numpy(w), torch.from_numpy(x)
    try:
        answer = linear_from_relus(w.clone(), x.clone())
    except NotImplementedError:
        return _STUB
    if _is_stub(answer):
        return _STUB
    try:
        got = torch.as_tensor(
            np.asarray(answer.detach().cpu() if isinstance(answer, torch.Tensor) else answer), dtype=torch.float64
        )
    except (TypeError, ValueError):
        return CheckResult(False, "linear_from_relus(w, x) should return a tensor of numbers, one per pair (w, x).")
    if got.shape != w.shape:
        return CheckResult(False, f"Return one value per pair (w, x): shape {tuple(w.shape)}; got {tuple(got.shape)}.")
    product = w * x
    if torch.allclose(got, product, rtol=0, atol=1e-12):
        return CheckResult(
            True,
            "Right: σ(w·x) − σ(−w·x) = w·x for every sign of w and x, exactly. One ReLU is "
            "always 0, the other passes w·x through.",
        )
    if torch.allclose(got, product, rtol=0, atol=1e-5):
        return CheckResult(
            False,
            "Almost: the values are off in the 7th or 8th digit. Are you computing in "
            "float32? Keep the float64 inputs as they are.",
        )
    if torch.allclose(got, torch.relu(product), rtol=0, atol=1e-12):
        return CheckResult(
            False,
            "This is a single ReLU, σ(w·x): it is 0 wherever w·x < 0, so it misses half of "
            "the line. Subtract a second ReLU that fires exactly there.",
        )
    if torch.allclose(got, product.abs(), rtol=0, atol=1e-12):
        return CheckResult(False, "This is |w·x| = σ(w·x) + σ(−w·x). Mind the sign between the two ReLUs.")
    if torch.allclose(got, -product, rtol=0, atol=1e-12):
        return CheckResult(False, "This is −w·x: the two ReLUs are swapped.")
    return CheckResult(
        False, "Some values differ from w·x. Which ReLU is nonzero when w·x > 0, and which when w·x < 0?"
    )


def check_gadget_pruning(prune: Callable, *, max_n: int = 4, gadgets_per_n: int = 5, seed: int = 0) -> CheckResult:
    """Chapter 3, exercise 2: ``prune(u, v, w)`` must return the kept hidden units of an optimally
    pruned weight gadget g_S(x) = Σ_{k∈S} v_k σ(u_k x), as a bool tensor of shape ``(2n,)``.

    For n = 1, …, ``max_n`` and ``gadgets_per_n`` gadgets each (u, v i.i.d. U[−1, 1], w
    U[−1, 1], torch seed ``seed``), the sup error of the returned mask over x ∈ [−1, 1],
    max(``|g_S(1) − w|``, ``|g_S(−1) + w|``), must equal the optimum, computed by
    :func:`lthbook.gadgets.prune_weight_gadget` and :func:`lthbook.gadgets.gadget_sup_error`.
    Ties are fine: any optimal mask passes.
    """
    from .gadgets import gadget_sup_error, prune_weight_gadget, sample_weight_gadget

    if prune is None or prune is Ellipsis:
        return _STUB
    generator = torch.Generator().manual_seed(seed)
    for n in range(1, max_n + 1):
        drawn = sample_weight_gadget(n, batch=gadgets_per_n, generator=generator, device="cpu")
        targets = torch.rand(gadgets_per_n, generator=generator, dtype=torch.float64) * 2 - 1
        best = gadget_sup_error(prune_weight_gadget(drawn, targets))
        for b in range(gadgets_per_n):
            u, v, w = drawn.u[b], drawn.v[b], float(targets[b])
            try:
                answer = prune(u.clone(), v.clone(), w)
            except NotImplementedError:
                return _STUB
            if _is_stub(answer):
                return _STUB
            mask = torch.as_tensor(np.asarray(answer.cpu() if isinstance(answer, torch.Tensor) else answer))
            if mask.shape != u.shape or mask.dtype != torch.bool:
                return CheckResult(
                    False,
                    f"Return a bool mask with one entry per hidden unit, shape ({2 * n},); "
                    f"got dtype {mask.dtype} and shape {tuple(mask.shape)}.",
                )
            at_plus_one = float((v * torch.relu(u) * mask).sum())  # g_S(1)
            at_minus_one = float((v * torch.relu(-u) * mask).sum())  # g_S(−1)
            error_plus, error_minus = abs(at_plus_one - w), abs(at_minus_one + w)
            if max(error_plus, error_minus) <= float(best[b]) + 1e-12:
                continue
            if error_minus > float(best[b]) + 1e-12:
                return CheckResult(
                    False,
                    f"On a gadget with n = {n}, g_S(−1) is further from −w than it needs to "
                    "be. At x = −1 only the units with u_k < 0 fire, each giving v_k·|u_k|, and "
                    "the target w·x is −w there: choose those units as a SubsetSum for −w.",
                )
            return CheckResult(
                False,
                f"On a gadget with n = {n}, g_S(1) is further from w than it needs to be. At "
                "x = 1 only the units with u_k > 0 fire, each giving v_k·u_k: choose them as a "
                "SubsetSum for w. Do you try every subset, the empty one included?",
            )
    return CheckResult(
        True,
        f"Right: optimal on all {max_n * gadgets_per_n} gadgets. Your search tries 2^(2n) masks; "
        "splitting the units by the sign of u_k gives two independent SubsetSum problems of "
        "about n coefficients each, which is what prune_weight_gadget solves.",
    )


def check_neuron_gadget_parameters(answer, *, d: int, n: int) -> CheckResult:
    """Chapter 3, exercise 3: the number of random weights of the neuron gadget of
    :func:`lthbook.gadgets.sample_neuron_gadget`: d blocks of 2n hidden units, each unit with
    one input weight u and one output weight v, so 2·2n·d in all.
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None or value != int(value):
        return CheckResult(False, "The answer should be a whole number of random weights.")
    d, n, value = int(d), int(n), int(value)
    units = 2 * n * d
    truth = 2 * units
    if value == truth:
        return CheckResult(
            True,
            f"Right: {truth:,} random weights, 4n = {4 * n} per target weight, against the "
            f"target's {d:,}. With n = O(log(d/ε)) the overhead is a logarithmic factor.",
        )
    if value == units:
        return CheckResult(
            False,
            "That counts the hidden units. Each of them carries two random weights: u_k from "
            "its input and v_k to the output.",
        )
    if value == units * d + units:
        return CheckResult(
            False,
            "That counts a dense first layer, every hidden unit connected to every input, as "
            "chapter 4's random network draws it. The gadget's block j sees only x_j.",
        )
    if value == 4 * n:
        return CheckResult(False, "That is the count per target weight (one block). Give the total for all d inputs.")
    if value == 2 * n * d:
        return CheckResult(
            False, "Each block has 2n hidden units (n for each sign of u_k, on average), and each unit two weights."
        )
    return CheckResult(False, "Count the blocks, the hidden units per block, and the random weights per unit.")


def check_gadget_error_prediction(answer, *, n_values, errors, n_new: int) -> CheckResult:
    """Chapter 3, exercise 4: the error predicted at ``n_new`` by a least-squares line through
    the points (n, log₂ error) for the given ``n_values`` and ``errors`` (e.g. the medians of
    the gadget's error), i.e. 2^(a + b·n_new) with (b, a) = ``np.polyfit(n_values, log2(errors), 1)``.

    The logarithm's base does not change the prediction; the answer must be the error itself,
    to 1e-6 relative accuracy.
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be one positive number, the predicted error.")
    n_values = np.asarray(n_values, dtype=np.float64)
    log_errors = np.log2(np.asarray(errors, dtype=np.float64))
    slope, intercept = np.polyfit(n_values, log_errors, 1)
    truth = float(2.0 ** (intercept + slope * n_new))

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-6 * abs(b)

    if close(value, truth):
        return CheckResult(
            True,
            f"Right: about {truth:.2g}. Each step of n divides the error by about "
            f"{2.0**-slope:.2f}, so ε needs n ≈ log(1/ε)/{-slope:.2f} + const: logarithmic.",
        )
    if value <= 0 and any(close(value, math.log(truth, base)) for base in (2, math.e, 10)):
        return CheckResult(False, "That is the logarithm of the predicted error; give the error itself.")
    linear_slope, linear_intercept = np.polyfit(n_values, np.asarray(errors, dtype=np.float64), 1)
    if close(value, float(linear_intercept + linear_slope * n_new)):
        return CheckResult(
            False,
            "A straight line through the errors themselves does not fit an exponential "
            "decay: fit the line to the logarithm of the errors.",
        )
    ends = 2.0 ** (
        log_errors[0] + (log_errors[-1] - log_errors[0]) * (n_new - n_values[0]) / (n_values[-1] - n_values[0])
    )
    if close(value, float(ends)):
        return CheckResult(
            False,
            "That line goes through the first and last points only; fit all the points by least squares (np.polyfit).",
        )
    return CheckResult(
        False, "Fit a line to log(error) against n by least squares, evaluate it at the new n, and undo the logarithm."
    )


# ----------------------------------------------------------------------------------------
# Chapter 4: the width construction (Theorem 1)
# ----------------------------------------------------------------------------------------


def check_required_n(
    answer, *, eps: float, delta: float, d_in: int, d_out: int, depth: int, constant: float | None = None
) -> CheckResult:
    """Chapter 4, exercise 1: Theorem 1's n = ⌈C · log₂(2 / min(ε′, δ′))⌉, computed by hand.

    ε′ = ε / (2 l √(2 d_in d_out)) and δ′ = δ / (2 l d_in d_out) are the per-instance budgets of
    :func:`lthbook.construction.per_instance_budget`; C defaults to
    :data:`lthbook.construction.MEASURED_CONSTANT`. The reference is recomputed here from these
    formulas (and agrees with :func:`lthbook.construction.required_n`).
    """
    from .construction import MEASURED_CONSTANT

    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be one whole number, n.")
    c = MEASURED_CONSTANT if constant is None else float(constant)
    eps_prime = eps / (2 * depth * math.sqrt(2 * d_in * d_out))
    delta_prime = delta / (2 * depth * d_in * d_out)

    def n_for(budget: float, log=math.log2, c=c) -> int:
        return max(1, math.ceil(c * log(2.0 / budget)))

    truth = n_for(min(eps_prime, delta_prime))
    if value != int(value):
        return CheckResult(False, "n counts units of a block's half, a whole number: round C·log₂(2/min(ε′, δ′)) up.")
    value = int(value)
    if value == truth:
        binding = "δ′" if delta_prime < eps_prime else "ε′"
        return CheckResult(
            True,
            f"Right: n = {truth}, set by {binding}, the smaller budget here. The random network "
            f"is 2n = {2 * truth} times wider than the target.",
        )
    if value == 2 * truth:
        return CheckResult(False, "That is the width factor 2n (a block has 2n units); the question asks for n.")
    if value == truth - 1:
        return CheckResult(False, "Off by one: round up (ceiling), not down or to the nearest integer.")
    if value == n_for(min(eps_prime, delta_prime), math.log) or value == n_for(min(eps_prime, delta_prime), math.log10):
        return CheckResult(False, "Check the base of your logarithm: the formula uses log₂.")
    if value in (n_for(eps_prime), n_for(delta_prime)) and n_for(eps_prime) != n_for(delta_prime):
        return CheckResult(
            False,
            "Both budgets matter: each instance must have error at most ε′ *and* fail with "
            "probability at most δ′, so use the smaller of the two.",
        )
    if value in (n_for(min(eps, delta)), n_for(min(eps, delta) / depth)):
        return CheckResult(
            False,
            "Use the per-instance budgets ε′ and δ′, not ε and δ: the error is shared among "
            "the layers and entries, the failure probability among all instances.",
        )
    return CheckResult(
        False,
        "Compute ε′ = ε/(2l√(2·d_in·d_out)) and δ′ = δ/(2l·d_in·d_out) first, then "
        "n = ⌈C·log₂(2/min(ε′, δ′))⌉ with the module's constant C.",
    )


def _propagate_reference(
    layer_errors, target_norms, *, use_reach: bool = True, carry: bool = True, reach_after: bool = False
) -> list[float]:
    """e_i = η_i (ρ_{i−1} + e_{i−1}) + ‖W_i‖ e_{i−1} and some typical mistakes (flags off)."""
    reach, error, out = 1.0, 0.0, []
    for eta, norm in zip(layer_errors, target_norms):
        here = reach * norm if reach_after else reach
        error = eta * ((here if use_reach else 1.0) + (error if carry else 0.0)) + norm * error
        reach *= norm
        out.append(error)
    return out


def check_error_propagation(propagate: Callable, *, seed: int = 0) -> CheckResult:
    """Chapter 4, exercise 2: ``propagate(layer_errors, target_norms)`` must return [e_1, …, e_l].

    The recursion of the certified bound (:func:`lthbook.construction.certified_error_bound`)::

        e_0 = 0,   ρ_0 = 1,   e_i = η_i (ρ_{i−1} + e_{i−1}) + ‖W_i‖ e_{i−1},   ρ_i = ρ_{i−1} ‖W_i‖.

    Tested on random (η, ‖W‖) with norms below, at and above 1 (NumPy seed ``seed``).
    """
    if propagate is None or propagate is Ellipsis:
        return _STUB
    rng = np.random.default_rng(seed)
    cases = [([0.01], [1.0]), ([0.01, 0.02, 0.03], [1.0, 1.0, 1.0])]
    cases += [(list(rng.uniform(0, 0.1, size=k)), list(rng.uniform(0.3, 1.0, size=k))) for k in (2, 4, 5)]
    cases += [(list(rng.uniform(0, 0.1, size=k)), list(rng.uniform(1.0, 3.0, size=k))) for k in (3, 4)]
    for etas, norms in cases:
        try:
            got = propagate(list(etas), list(norms))
        except NotImplementedError:
            return _STUB
        if _is_stub(got):
            return _STUB
        truth = _propagate_reference(etas, norms)
        try:
            values = [float(v) for v in (got.tolist() if hasattr(got, "tolist") else got)]
        except TypeError:
            value = _as_float(got)
            if value is not None and math.isclose(value, truth[-1], rel_tol=1e-9, abs_tol=1e-15):
                return CheckResult(False, "Your e_l is right, but return the whole list [e_1, …, e_l], one per layer.")
            return CheckResult(False, "propagate should return a list with one bound e_i per layer.")
        if len(values) != len(truth):
            return CheckResult(
                False, f"Return one bound per layer: {len(truth)} values for {len(truth)} layers; got {len(values)}."
            )
        if all(math.isclose(v, t, rel_tol=1e-9, abs_tol=1e-15) for v, t in zip(values, truth)):
            continue

        def matches(other: list[float], values: list[float] = values) -> bool:
            return all(math.isclose(v, t, rel_tol=1e-9, abs_tol=1e-15) for v, t in zip(values, other))

        exp_bound, total = [], 0.0
        for eta in etas:
            total += eta
            exp_bound.append(math.expm1(total))
        if matches(exp_bound):
            return CheckResult(
                False,
                "exp(Σ η_i) − 1 is an upper bound on the recursion when every ‖W_i‖ ≤ 1; "
                "compute the recursion itself (it also works for norms above 1).",
            )
        if matches(_propagate_reference(etas, norms, use_reach=False)):
            return CheckResult(
                False,
                "The error a pair makes is η_i times the norm of its input, which is at most "
                "ρ_{i−1} + e_{i−1} with ρ_{i−1} = ‖W_1‖⋯‖W_{i−1}‖, not 1 + e_{i−1}.",
            )
        if matches(_propagate_reference(etas, norms, carry=False)):
            return CheckResult(
                False,
                "The pair's input is the *approximate* ĥ_{i−1}, whose norm can exceed ρ_{i−1} "
                "by e_{i−1}: use η_i (ρ_{i−1} + e_{i−1}).",
            )
        if matches(_propagate_reference(etas, norms, reach_after=True)):
            return CheckResult(
                False,
                "Off by one layer: layer i's input is bounded by ρ_{i−1} = ‖W_1‖⋯‖W_{i−1}‖, "
                "which does not include ‖W_i‖.",
            )
        return CheckResult(
            False,
            "On some inputs your values differ from e_i = η_i (ρ_{i−1} + e_{i−1}) + "
            "‖W_i‖ e_{i−1} with e_0 = 0 and ρ_0 = 1.",
        )
    return CheckResult(
        True,
        "Right: this is the recursion certified_error_bound runs on the η_i it computes from "
        "the masks. With norms above 1 it grows like the product of the norms: that is why "
        "the class asks for ‖W_i‖ ≤ 1.",
    )


def check_random_network_size(answer, *, widths, n: int, positive_inputs_only: bool = False) -> CheckResult:
    """Chapter 4, exercise 3: the number of random weights of Theorem 1's network for ``widths``.

    Σ_i m_i (d_{i−1} + d_i) with m_i = b_i d_{i−1}, b_i = 2n (n for i ≥ 2 with
    ``positive_inputs_only``): every entry of M_{2i−1} ∈ R^{m_i × d_{i−1}} and of
    M_{2i} ∈ R^{d_i × m_i} is drawn (:class:`lthbook.construction.RandomNetwork`).
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None or value != int(value):
        return CheckResult(False, "The answer should be a whole number of weights.")
    widths = [int(d) for d in widths]
    pairs = list(zip(widths[:-1], widths[1:]))

    def count(blocks, dense_first: bool = True) -> int:
        return sum(b * a * (a if dense_first else 1) + c * b * a for b, (a, c) in zip(blocks, pairs))

    blocks = [2 * n if (i == 0 or not positive_inputs_only) else n for i in range(len(pairs))]
    truth = count(blocks)
    value = int(value)
    target = sum(a * c for a, c in pairs)
    if value == truth:
        return CheckResult(
            True,
            f"Right: {truth:,} random weights, {truth / target:.0f} times the target's "
            f"{target:,}. Most of them sit off the block diagonal of the odd layers and are "
            "always pruned; the theorem draws them anyway, as a dense network would have them.",
        )
    if value == count([b // 2 for b in blocks]):
        return CheckResult(False, "A block has 2n hidden units (n for each sign of input), not n.")
    if positive_inputs_only and value == count([2 * n] * len(pairs)):
        return CheckResult(False, "With positive_inputs_only the layers after the first have blocks of n units.")
    if value == count(blocks, dense_first=False):
        return CheckResult(
            False,
            "That counts only the block-diagonal entries of M_{2i−1}, the ones that can "
            "survive pruning. The random network draws the whole m_i × d_{i−1} matrix.",
        )
    if value == target:
        return CheckResult(False, "That is the target's number of weights; count the random network's.")
    return CheckResult(
        False,
        "Layer i of the target becomes M_{2i−1} (m_i × d_{i−1}) and M_{2i} (d_i × m_i) "
        "with m_i = 2n·d_{i−1}; add up their entries.",
    )


def check_input_scaled_bound(answer, *, bound: float, inputs) -> CheckResult:
    """Chapter 4, exercise 4: a bound on max over the rows x of ``inputs`` of ‖f(x) − g_S(x)‖₂.

    f and g_S are bias-free ReLU networks, hence positively homogeneous, so the certified bound
    on the unit ball scales: ‖f(x) − g_S(x)‖ ≤ bound · ‖x‖₂. The expected answer is
    bound · max_x ‖x‖₂.
    """
    if _is_stub(answer):
        return _STUB
    value = _as_float(answer)
    if value is None:
        return CheckResult(False, "The answer should be one number, a bound on the error.")
    x = torch.as_tensor(
        np.asarray(inputs.detach().cpu() if isinstance(inputs, torch.Tensor) else inputs), dtype=torch.float64
    )
    norms = x.reshape(x.shape[0], -1).norm(dim=1)
    truth = float(bound) * float(norms.max())

    def close(other: float) -> bool:
        return math.isclose(value, other, rel_tol=1e-6, abs_tol=1e-15)

    if close(truth):
        return CheckResult(
            True,
            f"Right: {truth:.3g}. Positive homogeneity, f(rx) = r f(x) for r ≥ 0, carries the "
            "certificate from the unit ball to inputs of any length.",
        )
    if close(float(bound)):
        return CheckResult(
            False,
            "The certificate holds for ‖x‖₂ ≤ 1; these inputs are longer. How does the "
            "error at r·x compare with the error at x?",
        )
    if close(float(bound) * float(norms.mean())):
        return CheckResult(False, "A bound over all inputs needs the largest norm, not the average.")
    if close(float(bound) * float((norms**2).max())):
        return CheckResult(False, "Scale by the norm ‖x‖₂ itself, not its square.")
    other_norms = (x.reshape(x.shape[0], -1).abs().sum(dim=1).max(), x.reshape(x.shape[0], -1).abs().max())
    if any(close(float(bound) * float(v)) for v in other_norms):
        return CheckResult(False, "The unit ball of the theorem is the Euclidean one: use ‖x‖₂.")
    return CheckResult(
        False, "Write x = r·u with r = ‖x‖₂ and ‖u‖₂ = 1, and use that f and g_S are bias-free ReLU networks."
    )


# ----------------------------------------------------------------------------------------
# Chapter 5: the lower bound
# ----------------------------------------------------------------------------------------


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
    from .edge_popup import accuracy
    from .experiments import replaced_network

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
        from .experiments import matched_wide_hidden

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
