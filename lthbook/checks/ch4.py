"""Self-checks of Chapter 4's exercises (the width construction (Theorem 1))."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ._core import NO_ANSWER as _STUB
from ._core import CheckResult, _as_float
from ._core import is_stub as _is_stub

__all__ = ["check_required_n", "check_error_propagation", "check_random_network_size", "check_input_scaled_bound"]


def check_required_n(
    answer, *, eps: float, delta: float, d_in: int, d_out: int, depth: int, constant: float | None = None
) -> CheckResult:
    """Chapter 4, exercise 1: Theorem 1's n = ⌈C · log₂(2 / min(ε′, δ′))⌉, computed by hand.

    ε′ = ε / (2 l √(2 d_in d_out)) and δ′ = δ / (2 l d_in d_out) are the per-instance budgets of
    :func:`lthbook.construction.per_instance_budget`; C defaults to
    :data:`lthbook.construction.MEASURED_CONSTANT`. The reference is recomputed here from these
    formulas (and agrees with :func:`lthbook.construction.required_n`).
    """
    from ..construction import MEASURED_CONSTANT

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
