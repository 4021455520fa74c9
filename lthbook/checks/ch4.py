"""Self-checks of chapter 4's exercises (the width construction, Theorem 1).

``chapters/04_width_construction.ipynb``: Theorem 1's n, the propagation of the per-layer
errors, the size of the random network, and the certificate scaled to longer inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from .. import construction
from .._validation import check_bool, check_int, check_widths
from ._core import CheckResult, call_answer, expect, fail, parse_answer, self_check, whole_number

__all__ = ["check_required_n", "check_error_propagation", "check_random_network_size", "check_input_scaled_bound"]


@self_check
def check_required_n(
    answer, *, eps: float, delta: float, d_in: int, d_out: int, depth: int, constant: float | None = None
) -> CheckResult:
    """Chapter 4, exercise 1: Theorem 1's n = ⌈C · log₂(2 / min(ε′, δ′))⌉, computed by hand.

    ε′ = ε / (2 l √(2 d_in d_out)) and δ′ = δ / (2 l d_in d_out) are the per-instance budgets of
    :func:`lthbook.construction.per_instance_budget`; C defaults to
    :data:`lthbook.construction.MEASURED_CONSTANT`. The reference is
    :func:`lthbook.construction.required_n`.

    Args:
        answer: the reader's n.
        eps, delta, d_in, d_out, depth, constant: as for :func:`lthbook.construction.required_n`.
    """
    truth = construction.required_n(eps, delta, d_in, d_out, depth, constant)
    eps_prime, delta_prime = construction.per_instance_budget(eps, delta, d_in, d_out, depth)
    c = construction.MEASURED_CONSTANT if constant is None else float(constant)
    value = parse_answer(answer, "The answer should be one whole number, n.")
    value = whole_number(value, "n counts units of a block's half, a whole number: round C·log₂(2/min(ε′, δ′)) up.")

    def n_for(budget: float) -> int:
        return construction.half_block_n(budget, constant)

    def n_in_base(log: Callable[[float], float]) -> int:  # n with the wrong logarithm
        return max(1, math.ceil(c * log(2.0 / min(eps_prime, delta_prime))))

    binding = "δ′" if delta_prime < eps_prime else "ε′"
    return expect(
        value,
        truth,
        right=f"Right: n = {truth}, set by {binding}, the smaller budget here. The random network "
        f"is 2n = {2 * truth} times wider than the target.",
        mistakes=[
            (2 * truth, "That is the width factor 2n (a block has 2n units); the question asks for n."),
            (truth - 1, "Off by one: round up (ceiling), not down or to the nearest integer."),
            ({n_in_base(math.log), n_in_base(math.log10)}, "Check the base of your logarithm: the formula uses log₂."),
            (
                value in (n_for(eps_prime), n_for(delta_prime)) and n_for(eps_prime) != n_for(delta_prime),
                "Both budgets matter: each instance must have error at most ε′ *and* fail with "
                "probability at most δ′, so use the smaller of the two.",
            ),
            (
                {n_for(min(eps, delta)), n_for(min(eps, delta) / depth)},
                "Use the per-instance budgets ε′ and δ′, not ε and δ: the error is shared among "
                "the layers and entries, the failure probability among all instances.",
            ),
        ],
        hint="Compute ε′ = ε/(2l√(2·d_in·d_out)) and δ′ = δ/(2l·d_in·d_out) first, then "
        "n = ⌈C·log₂(2/min(ε′, δ′))⌉ with the module's constant C.",
    )


def _propagate(
    layer_errors, target_norms, *, use_reach: bool = True, carry: bool = True, reach_after: bool = False
) -> list[float]:
    """e_i = η_i (ρ_{i−1} + e_{i−1}) + ‖W_i‖ e_{i−1}; with a flag off, one of the typical mistakes.

    The recursion :func:`lthbook.construction.certified_error_bound` runs on the η_i it
    computes from the masks (it takes a pruned network, not the η_i, hence this copy).
    """
    reach, error, out = 1.0, 0.0, []
    for eta, norm in zip(layer_errors, target_norms):
        here = reach * norm if reach_after else reach
        error = eta * ((here if use_reach else 1.0) + (error if carry else 0.0)) + norm * error
        reach *= norm
        out.append(error)
    return out


def _exp_bound(layer_errors) -> list[float]:
    """exp(η_1 + … + η_i) − 1 for each i: the bound on the recursion when every ‖W_i‖ ≤ 1."""
    out, total = [], 0.0
    for eta in layer_errors:
        total += eta
        out.append(math.expm1(total))
    return out


_PROPAGATION_RIGHT = (
    "Right: this is the recursion certified_error_bound runs on the η_i it computes from "
    "the masks. With norms above 1 it grows like the product of the norms: that is why "
    "the class asks for ‖W_i‖ ≤ 1."
)


def _all_close(values: list[float], reference: list[float]) -> bool:
    return all(math.isclose(v, t, rel_tol=1e-9, abs_tol=1e-15) for v, t in zip(values, reference))


@self_check
def check_error_propagation(propagate: Callable, *, seed: int = 0) -> CheckResult:
    """Chapter 4, exercise 2: ``propagate(layer_errors, target_norms)`` must return [e_1, …, e_l].

    The recursion of the certified bound (:func:`lthbook.construction.certified_error_bound`)::

        e_0 = 0,   ρ_0 = 1,   e_i = η_i (ρ_{i−1} + e_{i−1}) + ‖W_i‖ e_{i−1},   ρ_i = ρ_{i−1} ‖W_i‖.

    Tested on random (η, ‖W‖) with norms below, at and above 1 (NumPy seed ``seed``).

    Args:
        propagate: the reader's function.
        seed: NumPy seed, ≥ 0.
    """
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    cases = [([0.01], [1.0]), ([0.01, 0.02, 0.03], [1.0, 1.0, 1.0])]
    cases += [(list(rng.uniform(0, 0.1, size=k)), list(rng.uniform(0.3, 1.0, size=k))) for k in (2, 4, 5)]
    cases += [(list(rng.uniform(0, 0.1, size=k)), list(rng.uniform(1.0, 3.0, size=k))) for k in (3, 4)]
    for etas, norms in cases:
        got = call_answer(propagate, list(etas), list(norms))
        truth = _propagate(etas, norms)
        try:
            values = [float(v) for v in (got.tolist() if hasattr(got, "tolist") else got)]
        except TypeError:
            try:
                last = float(got)
            except (TypeError, ValueError):
                last = math.nan
            if math.isclose(last, truth[-1], rel_tol=1e-9, abs_tol=1e-15):
                fail("Your e_l is right, but return the whole list [e_1, …, e_l], one per layer.")
            fail("propagate should return a list with one bound e_i per layer.")
        if len(values) != len(truth):
            fail(f"Return one bound per layer: {len(truth)} values for {len(truth)} layers; got {len(values)}.")
        result = expect(
            values,
            truth,
            close=_all_close,
            right=_PROPAGATION_RIGHT,
            mistakes=[
                (
                    _exp_bound(etas),
                    "exp(Σ η_i) − 1 is an upper bound on the recursion when every ‖W_i‖ ≤ 1; "
                    "compute the recursion itself (it also works for norms above 1).",
                ),
                (
                    _propagate(etas, norms, use_reach=False),
                    "The error a pair makes is η_i times the norm of its input, which is at most "
                    "ρ_{i−1} + e_{i−1} with ρ_{i−1} = ‖W_1‖⋯‖W_{i−1}‖, not 1 + e_{i−1}.",
                ),
                (
                    _propagate(etas, norms, carry=False),
                    "The pair's input is the *approximate* ĥ_{i−1}, whose norm can exceed ρ_{i−1} "
                    "by e_{i−1}: use η_i (ρ_{i−1} + e_{i−1}).",
                ),
                (
                    _propagate(etas, norms, reach_after=True),
                    "Off by one layer: layer i's input is bounded by ρ_{i−1} = ‖W_1‖⋯‖W_{i−1}‖, "
                    "which does not include ‖W_i‖.",
                ),
            ],
            hint="On some inputs your values differ from e_i = η_i (ρ_{i−1} + e_{i−1}) + "
            "‖W_i‖ e_{i−1} with e_0 = 0 and ρ_0 = 1.",
        )
        if not result.passed:
            return result
    return CheckResult(True, _PROPAGATION_RIGHT)


@self_check
def check_random_network_size(answer, *, widths, n: int, positive_inputs_only: bool = False) -> CheckResult:
    """Chapter 4, exercise 3: the number of random weights of Theorem 1's network for ``widths``.

    Σ_i m_i (d_{i−1} + d_i) with m_i = b_i d_{i−1}, b_i = 2n (n for i ≥ 2 with
    ``positive_inputs_only``): every entry of M_{2i−1} ∈ R^{m_i × d_{i−1}} and of
    M_{2i} ∈ R^{d_i × m_i} is drawn (:class:`lthbook.construction.RandomNetwork`, whose
    ``num_parameters`` counts the same without drawing them here).

    Args:
        answer: the reader's count.
        widths: the target's widths (d_0, …, d_l).
        n: Theorem 1's n, ≥ 1.
        positive_inputs_only: blocks of n units for layers i ≥ 2.
    """
    widths = check_widths(widths)
    n = check_int("n", n, low=1)
    positive_inputs_only = check_bool("positive_inputs_only", positive_inputs_only)
    value = int(parse_answer(answer, "The answer should be a whole number of weights.", whole=True))
    pairs = list(zip(widths[:-1], widths[1:]))

    def count(blocks, dense_first: bool = True) -> int:
        return sum(b * a * (a if dense_first else 1) + c * b * a for b, (a, c) in zip(blocks, pairs))

    blocks = [2 * n if (i == 0 or not positive_inputs_only) else n for i in range(len(pairs))]
    truth = count(blocks)
    target = sum(a * c for a, c in pairs)
    return expect(
        value,
        truth,
        right=f"Right: {truth:,} random weights, {truth / target:.0f} times the target's "
        f"{target:,}. Most of them sit off the block diagonal of the odd layers and are "
        "always pruned; the theorem draws them anyway, as a dense network would have them.",
        mistakes=[
            (count([b // 2 for b in blocks]), "A block has 2n hidden units (n for each sign of input), not n."),
            (
                count([2 * n] * len(pairs)) if positive_inputs_only else None,
                "With positive_inputs_only the layers after the first have blocks of n units.",
            ),
            (
                count(blocks, dense_first=False),
                "That counts only the block-diagonal entries of M_{2i−1}, the ones that can "
                "survive pruning. The random network draws the whole m_i × d_{i−1} matrix.",
            ),
            (target, "That is the target's number of weights; count the random network's."),
        ],
        hint="Layer i of the target becomes M_{2i−1} (m_i × d_{i−1}) and M_{2i} (d_i × m_i) "
        "with m_i = 2n·d_{i−1}; add up their entries.",
    )


@self_check
def check_input_scaled_bound(answer, *, bound: float, inputs) -> CheckResult:
    """Chapter 4, exercise 4: a bound on max over the rows x of ``inputs`` of ‖f(x) − g_S(x)‖₂.

    f and g_S are bias-free ReLU networks, hence positively homogeneous, so the certified bound
    on the unit ball scales: ‖f(x) − g_S(x)‖ ≤ bound · ‖x‖₂. The expected answer is
    bound · max_x ‖x‖₂, to 1e-6 relative accuracy.

    Args:
        answer: the reader's bound.
        bound: the certified bound on the unit ball (e.g. :func:`lthbook.construction.certified_error_bound`).
        inputs: the inputs, one per row (each row flattened).
    """
    value = parse_answer(answer, "The answer should be one number, a bound on the error.")
    x = torch.as_tensor(
        np.asarray(inputs.detach().cpu() if isinstance(inputs, torch.Tensor) else inputs), dtype=torch.float64
    )
    rows = x.reshape(x.shape[0], -1)
    norms = rows.norm(dim=1)
    bound = float(bound)
    truth = bound * float(norms.max())
    return expect(
        value,
        truth,
        close=lambda value, reference: math.isclose(value, reference, rel_tol=1e-6, abs_tol=1e-15),
        right=f"Right: {truth:.3g}. Positive homogeneity, f(rx) = r f(x) for r ≥ 0, carries the "
        "certificate from the unit ball to inputs of any length.",
        mistakes=[
            (
                bound,
                "The certificate holds for ‖x‖₂ ≤ 1; these inputs are longer. How does the "
                "error at r·x compare with the error at x?",
            ),
            (bound * float(norms.mean()), "A bound over all inputs needs the largest norm, not the average."),
            (bound * float((norms**2).max()), "Scale by the norm ‖x‖₂ itself, not its square."),
            (
                {bound * float(rows.abs().sum(dim=1).max()), bound * float(rows.abs().max())},
                "The unit ball of the theorem is the Euclidean one: use ‖x‖₂.",
            ),
        ],
        hint="Write x = r·u with r = ‖x‖₂ and ‖u‖₂ = 1, and use that f and g_S are bias-free ReLU networks.",
    )
