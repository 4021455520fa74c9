"""Self-checks of Chapter 3's exercises (the ReLU decomposition)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ._core import NO_ANSWER as _STUB
from ._core import CheckResult, _as_float
from ._core import is_stub as _is_stub

__all__ = [
    "check_relu_identity",
    "check_gadget_pruning",
    "check_neuron_gadget_parameters",
    "check_gadget_error_prediction",
]


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
    from ..gadgets import gadget_sup_error, prune_weight_gadget, sample_weight_gadget

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
