"""Self-checks of chapter 2's exercises (random SubsetSum).

``chapters/02_random_subset_sum.ipynb``: a brute-force solver, the counting bound, the success
threshold n*(ε), and the share of optimal errors float32 cannot resolve.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import EllipsisType
from typing import Any

import numpy as np
import torch

from .._validation import check_float, check_int
from ..lower_bound import min_parameters
from ..subset_sum import brute_force, solve, worst_case_error
from ._core import NO_ANSWER, CheckResult, Verdict, call_answer, expect, fail, parse_answer, self_check, whole_number

__all__ = ["check_subset_sum_solver", "check_counting_bound", "check_success_threshold", "check_float32_fraction"]

_FLOAT32_HINT = "Optimal errors are tiny; use float64."


@self_check
def check_subset_sum_solver(
    solver: Callable[..., Any] | EllipsisType | None, *, n: int = 10, instances: int = 20, seed: int = 0
) -> CheckResult:
    """Chapter 2, exercise 1: ``solver(x, z)`` must return ``(error, mask)``, the optimum of
    min over S ⊆ {1..n} of |z − Σ_{i∈S} x_i| and a bool mask of an optimal S.

    Compared with :func:`lthbook.subset_sum.brute_force` on ``instances`` random instances
    (x_i and z i.i.d. U[−1, 1], float64, NumPy seed ``seed``).

    Args:
        solver: the reader's function.
        n: coefficients per instance, ≥ 1.
        instances: number of instances, ≥ 1.
        seed: NumPy seed, ≥ 0.
    """
    n = check_int("n", n, low=1)
    instances = check_int("instances", instances, low=1)
    seed = check_int("seed", seed, low=0)
    if solver is None or solver is Ellipsis:
        raise Verdict(NO_ANSWER)
    rng = np.random.default_rng(seed)
    for k in range(instances):
        x, z = rng.uniform(-1.0, 1.0, size=n), float(rng.uniform(-1.0, 1.0))
        error, mask = _read_solution(call_answer(solver, x.copy(), z), n)
        value = float(x[mask].sum())
        best = float(brute_force(x, z, device="cpu").error[0])
        if not math.isfinite(error):
            fail("The error should be a finite number |z − Σ x_i over S|.")
        if abs(error - value) < 1e-12 and abs(error - abs(z - value)) > 1e-9:
            fail("You returned the best subset's sum; return its error |z − sum| instead.")
        mismatch = abs(error - abs(z - value))
        if 1e-9 < mismatch < 1e-5:
            fail(
                "Almost: your error differs from |z − Σ x_i| over your subset in the last "
                f"digits. Are you computing in float32? {_FLOAT32_HINT}"
            )
        if mismatch > 1e-9:
            fail(
                "The error you return should be |z − Σ x_i| over the subset your mask selects; "
                f"on instance {k} they differ."
            )
        if error > best + 1e-9:
            if error - best < 1e-5:
                fail(
                    f"Almost: your errors are slightly above the optimum. Are you computing in float32? {_FLOAT32_HINT}"
                )
            fail(
                f"On instance {k} a better subset exists. Do you try all 2^n = {2**n:,} "
                "subsets, the empty one included?"
            )
    return CheckResult(
        True,
        f"Right: optimal on all {instances} instances, {2**n:,} subsets each. "
        "lthbook.subset_sum.solve finds the same optimum with about 2·2^(n/2) sums per half "
        "(meet in the middle).",
    )


def _read_solution(answer, n: int) -> tuple[float, np.ndarray]:
    """The reader's ``(error, mask)`` as a float and a NumPy array, or the end of the check."""
    try:
        error, mask = answer
        error = float(error)
        mask = np.asarray(torch.as_tensor(mask).cpu().numpy() if isinstance(mask, torch.Tensor) else mask)
    except (TypeError, ValueError):
        fail(
            "solver(x, z) should return a pair (error, mask): a number and a bool array with one entry per coefficient."
        )
    if mask.shape != (n,) or mask.dtype != bool:
        fail(
            f"The mask should be a bool array of shape ({n},), one entry per coefficient; "
            f"got dtype {mask.dtype} and shape {mask.shape}."
        )
    return error, mask


@self_check
def check_counting_bound(answer, *, eps: float) -> CheckResult:
    """Chapter 2, exercise 2: the least n for which 2^n subset sums can possibly ε-cover [−1, 1].

    Each sum covers an interval of length 2ε, and the union must contain [−1, 1], of length 2:
    2^n · 2ε ≥ 2, so n = ⌈log₂(1/ε)⌉. That is chapter 5's counting ceiling for one entry at ε/2,
    :func:`lthbook.lower_bound.min_parameters` ``(1, ε/2)``, computed there without
    floating-point doubt.

    Args:
        answer: the reader's n.
        eps: ε ∈ (0, 1].
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False)
    value = parse_answer(answer, "The answer should be a whole number of coefficients n.")
    truth = min_parameters(1, eps / 2)  # the least n with 2^n ≥ 1/ε (ε/2 is exact in floating point)
    value = whole_number(value, "n counts coefficients, so it is a whole number: round log₂ up.")
    return expect(
        value,
        truth,
        right=f"Right: with n = {truth}, 2^n · 2ε ≥ 2 for the first time. No draw of fewer "
        "coefficients can work, whatever their law; Lueker's theorem says a constant "
        "times as many suffice.",
        mistakes=[
            (
                truth - 1,
                "Off by one: with that n the 2^n intervals of length 2ε cover less than "
                "length 2 (the length of [−1, 1]). You need the smallest n for which the "
                "inequality holds: round up.",
            ),
            (
                truth + 1,
                "Mind the factors of 2: a sum s covers [s − ε, s + ε], of length 2ε, and the "
                "interval [−1, 1] has length 2.",
            ),
        ],
        hint="How long an interval does one sum ε-cover? How many such intervals are needed to contain [−1, 1]?",
    )


@self_check
def check_success_threshold(answer, *, coefficients, eps: float) -> CheckResult:
    """Chapter 2, exercise 3: n*(ε), the least n such that at least a fraction 1 − ε of the draws
    (rows of ``coefficients``, of which the first n are used) ε-approximate every z ∈ [−1, 1].

    The reference uses :func:`lthbook.subset_sum.worst_case_error` on the first n columns, for
    n = 1, 2, … until the fraction of rows with worst-case error ≤ ε reaches 1 − ε. Dropping a
    coefficient removes sums, so the fraction grows with n. Meant for ε ≥ 0.05 (cheap enough).

    Args:
        answer: the reader's n*.
        coefficients: the draws, an array ``(draws, n_max)``.
        eps: ε ∈ [0.05, 1).
    """
    eps = check_float("eps", eps, low=0.05, high=1.0, high_inclusive=False)
    value = int(parse_answer(answer, "The answer should be a whole number of coefficients n.", whole=True))
    x = torch.as_tensor(
        np.asarray(coefficients.cpu() if isinstance(coefficients, torch.Tensor) else coefficients), dtype=torch.float64
    )
    draws, n_max = x.shape
    success: list[float] = []  # success[n - 1] = fraction of draws whose first n coefficients succeed
    while len(success) < n_max and (not success or success[-1] < 1 - eps - 1e-12):
        n = len(success) + 1
        success.append(float((worst_case_error(x[:, :n], device="cpu") <= eps).double().mean()))
    if success[-1] < 1 - eps - 1e-12:
        fail(
            f"Even all {n_max} coefficients succeed in fewer than a fraction 1 − ε of the "
            "draws: draw more coefficients per row."
        )
    truth = len(success)

    def first(level: float) -> int | None:
        """The least n at which the success fraction reaches ``level`` (None: not within n*)."""
        return next((n for n, fraction in enumerate(success, start=1) if fraction >= level - 1e-12), None)

    return expect(
        value,
        truth,
        right=f"Right: n* = {truth} for ε = {eps:g} on these {draws:,} draws; "
        f"C = n*/log₂(2/ε) = {truth / math.log2(2 / eps):.2f} here.",
        mistakes=[
            (
                {truth - 1, truth + 1},
                "Off by one: compare the success fraction with 1 − ε at your n and at its "
                "neighbours; n* is the smallest n where it reaches 1 − ε.",
            ),
            (
                lambda: first(0.5),
                "That is where half the draws succeed (the median). Lueker's form asks for "
                "success with probability at least 1 − ε.",
            ),
            (lambda: first(eps), "The success fraction must reach 1 − ε, not ε."),
            (value < truth, "At that n too many draws still fail: the fraction of successes is below 1 − ε."),
        ],
        hint="A smaller n already reaches a success fraction of 1 − ε: find the smallest.",
    )


@self_check
def check_float32_fraction(answer, *, coefficients, targets) -> CheckResult:
    """Chapter 2, exercise 4: the fraction of instances whose optimal error is below the spacing
    of float32 numbers at the target, ``np.spacing(np.float32(abs(z)))``.

    The optimal errors are recomputed exactly (float64) with :func:`lthbook.subset_sum.solve`.

    Args:
        answer: the reader's fraction.
        coefficients, targets: the instances, as for :func:`lthbook.subset_sum.solve`.
    """
    value = parse_answer(answer, "The answer should be one number between 0 and 1.")
    errors = solve(coefficients, targets, device="cpu").error.numpy()
    z = np.asarray(targets.cpu() if isinstance(targets, torch.Tensor) else targets, dtype=np.float64).reshape(-1)

    def below(spacing) -> float:
        return float(np.mean(errors < spacing))

    truth = below(np.spacing(np.abs(z).astype(np.float32)).astype(np.float64))
    signed = below(np.spacing(z.astype(np.float32)).astype(np.float64))
    return expect(
        value,
        truth,
        close=1e-9,
        right=f"Right: {truth:.1%} of the optimal errors are below float32's resolution at "
        "the target, so float32 cannot even represent them; float64 resolves them easily.",
        mistakes=[
            (
                value > 1 and abs(value / 100 - truth) < 1e-9,
                "Give a fraction between 0 and 1, not a percentage.",
            ),
            (
                below(np.spacing(np.abs(z))),
                "That is the spacing of float64 numbers; convert the targets to np.float32 first.",
            ),
            (
                abs(signed - truth) > 1e-9 and abs(value - signed) < 1e-9,
                "np.spacing of a negative number is negative: take the spacing at |z|.",
            ),
            (
                below(float(np.spacing(np.float32(1.0)))),
                "The spacing of float32 numbers depends on their size: take it at each target, not at 1.",
            ),
        ],
        hint="For each instance, compare the optimal error with np.spacing(np.float32(abs(z))), "
        "then average the comparisons.",
    )
