"""Self-checks of chapter 3's exercises (the ReLU decomposition).

``chapters/03_relu_decomposition.ipynb``: the identity σ(w·x) − σ(−w·x) = w·x, pruning a weight
gadget, the neuron gadget's size, and the error predicted by a fitted exponential decay.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import EllipsisType
from typing import Any

import numpy as np
import torch

from .._validation import check_int
from ..gadgets import gadget_sup_error, prune_weight_gadget, relu_identity, sample_weight_gadget
from ..stats import fitted_line
from ._core import NO_ANSWER, CheckResult, Verdict, call_answer, expect, fail, parse_answer, self_check

__all__ = [
    "check_relu_identity",
    "check_gadget_pruning",
    "check_neuron_gadget_parameters",
    "check_gadget_error_prediction",
]


@self_check
def check_relu_identity(
    linear_from_relus: Callable[..., Any] | EllipsisType | None, *, samples: int = 1000, seed: int = 0
) -> CheckResult:
    """Chapter 3, exercise 1: ``linear_from_relus(w, x)`` must return σ(w·x) − σ(−w·x) = w·x.

    It is called on float64 tensors w, x of shape ``(samples,)``, i.i.d. U[−2, 2] (NumPy seed
    ``seed``) with zeros mixed in, so all four sign combinations occur. The identity is exact in
    floating point (one of the two ReLUs is 0), so the result must equal w·x
    (:func:`lthbook.gadgets.relu_identity`) to 1e-12.

    Args:
        linear_from_relus: the reader's function.
        samples: number of pairs (w, x), ≥ 1.
        seed: NumPy seed, ≥ 0.
    """
    samples = check_int("samples", samples, low=1)
    seed = check_int("seed", seed, low=0)
    if linear_from_relus is None or linear_from_relus is Ellipsis:
        raise Verdict(NO_ANSWER)
    rng = np.random.default_rng(seed)
    w, x = rng.uniform(-2.0, 2.0, size=(2, samples))
    w[::7], x[::11] = 0.0, 0.0
    w, x = torch.from_numpy(w), torch.from_numpy(x)
    answer = call_answer(linear_from_relus, w.clone(), x.clone())
    try:
        got = torch.as_tensor(
            np.asarray(answer.detach().cpu() if isinstance(answer, torch.Tensor) else answer), dtype=torch.float64
        )
    except (TypeError, ValueError):
        fail("linear_from_relus(w, x) should return a tensor of numbers, one per pair (w, x).")
    if got.shape != w.shape:
        fail(f"Return one value per pair (w, x): shape {tuple(w.shape)}; got {tuple(got.shape)}.")
    product = relu_identity(w, x)  # w·x, exactly

    def close(value: torch.Tensor, reference: torch.Tensor) -> bool:
        return torch.allclose(value, reference, rtol=0, atol=1e-12)

    return expect(
        got,
        product,
        close=close,
        right="Right: σ(w·x) − σ(−w·x) = w·x for every sign of w and x, exactly. One ReLU is "
        "always 0, the other passes w·x through.",
        mistakes=[
            (
                torch.allclose(got, product, rtol=0, atol=1e-5),
                "Almost: the values are off in the 7th or 8th digit. Are you computing in "
                "float32? Keep the float64 inputs as they are.",
            ),
            (
                torch.relu(product),
                "This is a single ReLU, σ(w·x): it is 0 wherever w·x < 0, so it misses half of "
                "the line. Subtract a second ReLU that fires exactly there.",
            ),
            (product.abs(), "This is |w·x| = σ(w·x) + σ(−w·x). Mind the sign between the two ReLUs."),
            (-product, "This is −w·x: the two ReLUs are swapped."),
        ],
        hint="Some values differ from w·x. Which ReLU is nonzero when w·x > 0, and which when w·x < 0?",
    )


@self_check
def check_gadget_pruning(
    prune: Callable[..., Any] | EllipsisType | None, *, max_n: int = 4, gadgets_per_n: int = 5, seed: int = 0
) -> CheckResult:
    """Chapter 3, exercise 2: ``prune(u, v, w)`` must return the kept hidden units of an optimally
    pruned weight gadget g_S(x) = Σ_{k∈S} v_k σ(u_k x), as a bool tensor of shape ``(2n,)``.

    For n = 1, …, ``max_n`` and ``gadgets_per_n`` gadgets each (u, v i.i.d. U[−1, 1], w
    U[−1, 1], torch seed ``seed``), the sup error of the returned mask over x ∈ [−1, 1],
    max(``|g_S(1) − w|``, ``|g_S(−1) + w|``), must equal the optimum, computed by
    :func:`lthbook.gadgets.prune_weight_gadget` and :func:`lthbook.gadgets.gadget_sup_error`.
    Ties are fine: any optimal mask passes.

    Args:
        prune: the reader's function.
        max_n: the largest n tried, ≥ 1.
        gadgets_per_n: gadgets per n, ≥ 1.
        seed: torch seed, ≥ 0.
    """
    max_n = check_int("max_n", max_n, low=1)
    gadgets_per_n = check_int("gadgets_per_n", gadgets_per_n, low=1)
    seed = check_int("seed", seed, low=0)
    if prune is None or prune is Ellipsis:
        raise Verdict(NO_ANSWER)
    generator = torch.Generator().manual_seed(seed)
    for n in range(1, max_n + 1):
        drawn = sample_weight_gadget(n, batch=gadgets_per_n, generator=generator, device="cpu")
        targets = torch.rand(gadgets_per_n, generator=generator, dtype=torch.float64) * 2 - 1
        best = gadget_sup_error(prune_weight_gadget(drawn, targets))
        for b in range(gadgets_per_n):
            u, v, w = drawn.u[b], drawn.v[b], float(targets[b])
            answer = call_answer(prune, u.clone(), v.clone(), w)
            mask = torch.as_tensor(np.asarray(answer.cpu() if isinstance(answer, torch.Tensor) else answer))
            if mask.shape != u.shape or mask.dtype != torch.bool:
                fail(
                    f"Return a bool mask with one entry per hidden unit, shape ({2 * n},); "
                    f"got dtype {mask.dtype} and shape {tuple(mask.shape)}."
                )
            error_plus = abs(float((v * torch.relu(u) * mask).sum()) - w)  # |g_S(1) − w|
            error_minus = abs(float((v * torch.relu(-u) * mask).sum()) + w)  # |g_S(−1) + w|
            if max(error_plus, error_minus) <= float(best[b]) + 1e-12:
                continue
            if error_minus > float(best[b]) + 1e-12:
                fail(
                    f"On a gadget with n = {n}, g_S(−1) is further from −w than it needs to "
                    "be. At x = −1 only the units with u_k < 0 fire, each giving v_k·|u_k|, and "
                    "the target w·x is −w there: choose those units as a SubsetSum for −w."
                )
            fail(
                f"On a gadget with n = {n}, g_S(1) is further from w than it needs to be. At "
                "x = 1 only the units with u_k > 0 fire, each giving v_k·u_k: choose them as a "
                "SubsetSum for w. Do you try every subset, the empty one included?"
            )
    return CheckResult(
        True,
        f"Right: optimal on all {max_n * gadgets_per_n} gadgets. Your search tries 2^(2n) masks; "
        "splitting the units by the sign of u_k gives two independent SubsetSum problems of "
        "about n coefficients each, which is what prune_weight_gadget solves.",
    )


@self_check
def check_neuron_gadget_parameters(answer, *, d: int, n: int) -> CheckResult:
    """Chapter 3, exercise 3: the number of random weights of the neuron gadget of
    :func:`lthbook.gadgets.sample_neuron_gadget`: d blocks of 2n hidden units, each unit with
    one input weight u and one output weight v, so 2·2n·d in all.

    Args:
        answer: the reader's count.
        d: number of inputs, ≥ 1.
        n: size parameter of a block, ≥ 1.
    """
    d = check_int("d", d, low=1)
    n = check_int("n", n, low=1)
    value = int(parse_answer(answer, "The answer should be a whole number of random weights.", whole=True))
    units = 2 * n * d
    truth = 2 * units
    return expect(
        value,
        truth,
        right=f"Right: {truth:,} random weights, 4n = {4 * n} per target weight, against the "
        f"target's {d:,}. With n = O(log(d/ε)) the overhead is a logarithmic factor.",
        mistakes=[
            (
                units,
                "That counts the hidden units. Each of them carries two random weights: u_k from "
                "its input and v_k to the output.",
            ),
            (
                units * d + units,
                "That counts a dense first layer, every hidden unit connected to every input, as "
                "chapter 4's random network draws it. The gadget's block j sees only x_j.",
            ),
            (4 * n, "That is the count per target weight (one block). Give the total for all d inputs."),
        ],
        hint="Count the blocks, the hidden units per block, and the random weights per unit.",
    )


@self_check
def check_gadget_error_prediction(answer, *, n_values, errors, n_new: int) -> CheckResult:
    """Chapter 3, exercise 4: the error predicted at ``n_new`` by a least-squares line through
    the points (n, log₂ error) for the given ``n_values`` and ``errors`` (e.g. the medians of
    the gadget's error), i.e. 2^(a + b·n_new) with (b, a) the line of
    :func:`lthbook.stats.fitted_line` ``(n_values, errors, log2_y=True)``.

    The logarithm's base does not change the prediction; the answer must be the error itself,
    to 1e-6 relative accuracy.

    Args:
        answer: the reader's predicted error.
        n_values, errors: the points, as for :func:`lthbook.stats.fitted_line` (errors > 0).
        n_new: where to predict.
    """
    value = parse_answer(answer, "The answer should be one positive number, the predicted error.")
    slope, intercept = fitted_line(n_values, errors, log2_y=True)
    truth = float(2.0 ** (intercept + slope * n_new))

    def close(value: float, reference: float) -> bool:
        return abs(value - reference) <= 1e-6 * abs(reference)

    def straight_line() -> float:  # a line through the errors themselves
        linear_slope, linear_intercept = fitted_line(n_values, errors)
        return linear_intercept + linear_slope * n_new

    def through_the_ends() -> float:  # the line through the first and last points only
        n = np.asarray(n_values, dtype=np.float64)
        log_errors = np.log2(np.asarray(errors, dtype=np.float64))
        return float(2.0 ** (log_errors[0] + (log_errors[-1] - log_errors[0]) * (n_new - n[0]) / (n[-1] - n[0])))

    return expect(
        value,
        truth,
        close=close,
        right=f"Right: about {truth:.2g}. Each step of n divides the error by about "
        f"{2.0**-slope:.2f}, so ε needs n ≈ log(1/ε)/{-slope:.2f} + const: logarithmic.",
        mistakes=[
            (
                value <= 0 and any(close(value, math.log(truth, base)) for base in (2, math.e, 10)),
                "That is the logarithm of the predicted error; give the error itself.",
            ),
            (
                straight_line,
                "A straight line through the errors themselves does not fit an exponential "
                "decay: fit the line to the logarithm of the errors.",
            ),
            (
                through_the_ends,
                "That line goes through the first and last points only; fit all the points by least squares "
                "(np.polyfit).",
            ),
        ],
        hint="Fit a line to log(error) against n by least squares, evaluate it at the new n, and undo the logarithm.",
    )
