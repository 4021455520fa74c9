"""Depth l + 1 instead of 2l: one univariate layer, then one random layer per target layer.

Chapter 7 (``chapters/07_beyond.ipynb``) uses this module; chapter 4 proves the 2l construction
(:mod:`lthbook.construction`) whose notation it follows.

Source
------
Burkholz, "Most activation functions can win the lottery without excessive depth" (NeurIPS
2022), shows that depth l + 1 suffices where Pensia et al. use 2l. What this module implements
is the book's reconstruction, checked against her code (``RelationalML/LT-existence``,
``Utils/pruning.py``: ``prune_conv``, ``prune_layer_first``, ``prune_layer``,
``parallel_weight_pruning_first``, ``parallel_weight_pruning``; ``main_cnn.py``, option
``--construct L+1``). Of her paper only the abstract was read; the differences below are
differences from her code.

The construction
----------------
The target is chapter 4's bias-free ReLU network f(x) = W_l σ(W_{l−1} … σ(W_1 x)), widths
(d_0, …, d_l), ‖W_i‖₂ ≤ 1, on the unit ball. The random network has depth l + 1, entries i.i.d.
U[−1, 1], no biases::

    g(x) = M_{l+1} σ(M_l … σ(M_2 σ(M_1 x))),

* M_1 ∈ R^{2n d_0 × d_0}: the **univariate layer**, as the first layer of a chapter 3 gadget.
  Its units form d_0 blocks of 2n; the mask keeps, for unit k of block j, at most its edge
  from input j (units j·2n, …, j·2n + 2n − 1).
* M_2 ∈ R^{r_1 × 2n d_0}: target layer 1. Its r_1 = ρ d_1 units are **ρ copies** of each
  neuron of W_1 (unit r·ρ + c is copy c of neuron r). Row (r, c) is pruned exactly as a row
  of Theorem 1's second matrix: in block j, the positive half (units with M_1 > 0,
  coefficients M_2·M_1, target W_1[r, j]) and the negative half (units with M_1 < 0,
  coefficients M_2·``|M_1|``, target −W_1[r, j]). So copy (r, c) computes
  σ(A⁺ x⁺ + A⁻ x⁻) ≈ σ(W_1[r] · x) = h_1[r].
* M_{i+1} ∈ R^{r_i × ρ d_{i−1}} for i = 2, …, l: target layer i. Its inputs are the ρ copies
  of each neuron of layer i − 1, all ≈ h_{i−1}[j] ≥ 0. Row (r, c) keeps, among the ρ copies of
  neuron j, the subset S that solves SubsetSum with coefficients M_{i+1}[(r, c), (j, ·)] and
  target W_i[r, j]: Σ_{c′∈S} M_{i+1}[(r,c),(j,c′)] ĥ[(j,c′)] ≈ W_i[r, j] h_{i−1}[j]. As the
  inputs are ≥ 0 there is only one half, and the coefficients are plain U[−1, 1] numbers.
* The last layer has one copy per output: r_l = d_l (r_i = ρ d_i for i < l).

For l = 1 the network is Theorem 1's (M_1, M_2) with the same shapes and the same pruning.
Every instance is solved exactly by :func:`lthbook.subset_sum.solve`, batched, over at most
c of its candidates (below, "The cap on coefficients").

Where the book's version agrees with Burkholz's code
----------------------------------------------------
The layout: a univariate first layer of ``2*rho`` units per input, then ``rho`` copies of every
neuron of the next target layer (``prune_layer_first``), copies of copies in later layers
(``prune_layer(..., rho, rho, ...)``), one copy of each output in the last (``LastLayer``,
``rho_out = 1``); for ReLU the first layer's units are split by the sign of their weight
(``parallel_weight_pruning_first`` with ``idact=False``) and each sign solves its own instance,
as Theorem 1's halves; later layers solve one instance per (copy, input neuron) over the
``rho`` copies of that input (``parallel_weight_pruning``).

Where the book's version differs from Burkholz's code
-----------------------------------------------------
* **Random weights drawn once, pruned only.** Her code draws the SubsetSum coefficients of each
  instance afresh (``np.random.uniform`` inside ``solve_subset_sum``) and *redraws* them when
  no subset reaches the tolerance, counting the redraws as extra width (``addwidth``). Here all
  weights are drawn once, before the target is seen, and only masks are chosen.
* **Exact optimum instead of a tolerance search.** Her ``exhaustive`` tries subsets of size
  0, …, 9 and stops at the first with error ≤ ε per parameter; here each instance gets its
  exact optimum over all subsets of c of its candidates (c = 24 by default).
* **Certified error of the whole network.** Her code checks the ticket by test accuracy; here
  :func:`certified_shallow_bound` bounds sup over ‖x‖₂ ≤ 1 of ‖f(x) − g_S(x)‖₂ from the masks.
* **Target weights are never skipped.** Her code leaves weights with ``|w|`` ≤ ε pruned to 0 and
  keeps the trained network's last layer unchanged (``main_cnn.py`` appends ``wtl[L-1]``);
  here every layer is built from random weights.
* **No biases.** Her construction adds bias units and copies of a constant neuron; the book's
  targets have no biases.
* **Same widths, other law.** Her first layer for ReLU has ``2*rho`` units per input
  (``prune_conv(..., 2*rho, rho, ...)``) drawn U[−2, 2]; here 2n units, U[−1, 1], n = ρ by the
  sizing rule below.

The cap on coefficients
-----------------------
The sizing rule asks for ρ ≈ 70–140 coefficients per instance at the measured constant, and an
exact solve over k coefficients enumerates 2 × 2^{k/2} sums. So :func:`prune_shallow`, like
``construction.prune_to`` with ``max_coefficients``, lets each instance search only c of its
candidates, the two signs of coefficient balanced as there (c/2 of each where both are
plentiful: :func:`lthbook.gadgets.prune_blocks`); the other candidates are pruned. Layers
i ≥ 2 take, as ``prune_to``, the first in index order. Layer 1 takes the largest in absolute
value (an order fixed by the random weights alone, before the target is seen): with the first
12 of each sign in index order, a first-layer half of small product-law coefficients could not
reach a weight of W_1 (residual 0.088 and certified bound 0.38 > ε = 0.01 on a 6–4–3 target,
with a sampled error of 0.026); the largest 12 of each sign reach it. The later layers' uniform
coefficients reach their targets in index order, and there the largest ones would not do: all
near ±1, their subset sums cluster near multiples of 1 (sampled errors 0.07–0.12 > ε on
(5, 5, 5, 2) targets when tried). The default is
c = :data:`DEFAULT_MAX_COEFFICIENTS` = 24. Each restricted instance is still solved exactly,
and the certified bound below is computed from the masks actually chosen, so it remains a
rigorous bound on the ticket's error. What the cap gives up is the a priori guarantee of the
sizing rule (which counts ρ coefficients per instance): whether the bound is below ε is
checked after pruning, not promised before. :func:`shallow_ticket` runs the whole pipeline and
reports (``meets_eps``, and a ``RuntimeWarning``) any target whose certified bound is ≥ ε.
``max_coefficients=None`` restores the uncapped construction.

Error propagation, and the certified bound
-------------------------------------------
Let R_i replicate a vector ρ times (entry j·ρ + c = entry j), R_l = identity; h_i = σ(W_i h_{i−1})
the target's states (h_0 = x), ĥ_i those of the pruned network, δ_i = ĥ_i − R_i h_i, and
ν_i = ‖W_1‖₂ ⋯ ‖W_i‖₂ ≥ ‖h_i‖₂ (chapter 4 writes ρ_i; here ρ counts copies).

* Layer 1 is Theorem 1's first pair with rows repeated: its pre-activation error is
  E_1 [x⁺; x⁻] with E_1 = [A⁺_1 − R_1 W_1 | A⁻_1 + R_1 W_1], so ‖δ_1‖ ≤ η_1 = ‖E_1‖₂ (σ is
  1-Lipschitz and commutes with R_1).
* Layer i ≥ 2, pruned matrix P_i = S_{i+1} ⊙ M_{i+1}. Summing each row's kept coefficients over
  the copies of each input neuron gives A_i = P_i R_{i−1} (the subset sums), and::

      P_i ĥ_{i−1} − R_i W_i h_{i−1} = P_i δ_{i−1} + (A_i − R_i W_i) h_{i−1},

  so with π_i = ‖P_i‖₂ and η_i = ‖A_i − R_i W_i‖₂::

      e_1 = η_1,    e_i = π_i e_{i−1} + η_i ν_{i−1},    ‖g_S(x) − f(x)‖₂ ≤ e_l  for ‖x‖₂ ≤ 1.

The factor π_i is the price of depth l + 1: the copies' errors enter every later neuron
through random weights of size up to 1, so π_i, unlike the factor ‖W_i‖₂ ≤ 1 of Theorem 1's
recursion, is in general well above 1. :func:`certified_shallow_bound` computes η_i and π_i
from the masks. The second price is size: M_2 has ρ d_1 · 2n d_0 weights where Theorem 1's
M_2 has d_1 · 2n d_0, so the random network has about ρ times more weights in that layer.

The sizing rule
---------------
If every SubsetSum instance has error at most ε′, then η_1 ≤ ε′ √(2 r_1 d_0), η_i ≤ ε′ √(r_i
d_{i−1}) (Frobenius norms), and π_i ≤ √(r_i ρ d_{i−1}) (at most that many kept entries, each of
size ≤ 1). So e_l ≤ ε′ K with::

    K = Σ_i √(c_i) Π_{k>i} √(r_k ρ d_{k−1}),   c_1 = 2 r_1 d_0,  c_i = r_i d_{i−1},

and ε′ = ε / (2K) gives e_l ≤ ε/2 < ε. With N = 2 r_1 d_0 + Σ_{i≥2} r_i d_{i−1} instances and
δ′ = δ / N, the union bound and the SubsetSum lemma as chapter 4 uses it (n ≥ C log₂(2/ε″),
ε″ = min(ε′, δ′)) give: with probability ≥ 1 − δ, every instance of every target of the class
is within ε′, hence e_l < ε. The first layer's halves have about n product-law coefficients
(chapter 4's lem-half-block), the copies' instances ρ uniform ones; both need
C log₂(2/ε″) of them, so n = ρ. K and N grow with ρ, and :func:`shallow_size` takes the least
ρ with ρ ≥ C log₂(2/ε″(ρ)). The default C is
:data:`lthbook.construction.MEASURED_CONSTANT`, measured for the half-block law of the first
layer's instances; using it for the ρ uniform coefficients of the copies' instances is a
working assumption (``lthbook.subset_sum.measure_constant("uniform", …)`` would test it).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn
from tqdm.auto import tqdm

from . import _networks, construction
from ._networks import check_input, check_target_weights, forward, search_sup_error, sequential
from ._sampling import uniform
from ._validation import check_bool, check_float, check_generator, check_int, check_widths, resolve_device
from .gadgets import prune_blocks

__all__ = [
    "DEFAULT_MAX_COEFFICIENTS",
    "ShallowNetwork",
    "PrunedShallowNetwork",
    "prune_shallow",
    "ShallowCertifiedBound",
    "certified_shallow_bound",
    "sampled_shallow_error",
    "ShallowSize",
    "shallow_size",
    "ConstructionSummary",
    "DepthComparison",
    "compare_with_theorem_1",
    "ShallowTicket",
    "shallow_ticket",
]

DEFAULT_MAX_COEFFICIENTS = 24
"""The default cap c of :func:`prune_shallow`: each SubsetSum instance searches at most 24 of its
candidates (module docstring, "The cap on coefficients"). Meet in the middle over 24
coefficients enumerates 2 × 2¹² sums per instance; the sizing rule at
``construction.MEASURED_CONSTANT`` asks for ρ = 71–139 on targets of widths (4, 3, 2) to
(5, 5, 5, 2) with ε = δ ∈ [0.01, 0.1], i.e. 2 × 2³⁶ sums and more per instance, out of reach.
Measured on 2 CPU cores loaded by other jobs (Dec 2026): 4 000 uniform instances take 1.2 s at
c = 20, 5.6 s at c = 24, 10 s at c = 28; pruning a (5, 5, 5, 2) target at ρ = 139 takes 4–6 s
at c = 24 with one thread. c = 20 was too few: a first-layer half of 10 positive product-law
coefficients could not reach a weight of W_1 (η_1 = 0.055, certified bound 3.0 > ε = 0.1 on a
(5, 5, 5, 2) target; then with candidates in index order, module docstring); at c = 24 the same
targets are certified below 5e-4."""

# ----------------------------------------------------------------------------------------
# The random network
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ShallowNetwork:
    """The random network of depth l + 1: entries i.i.d. U[−1, 1], no biases.

    Attributes:
        weights: (M_1, …, M_{l+1}), float64, shaped ``(out, in)`` like ``nn.Linear.weight``:
            M_1 ``(2n d_0, d_0)``, M_2 ``(r_1, 2n d_0)``, M_{i+1} ``(r_i, ρ d_{i−1})`` for i ≥ 2,
            with r_i = ρ d_i for i < l and r_l = d_l.
        widths: the target widths (d_0, …, d_l).
        n: half the univariate units per input (blocks of 2n).
        rho: ρ, the copies of each hidden target neuron.
    """

    weights: tuple[torch.Tensor, ...]
    widths: tuple[int, ...]
    n: int
    rho: int

    @classmethod
    def sample(
        cls,
        widths: Sequence[int],
        n: int,
        rho: int,
        *,
        generator: torch.Generator | None = None,
        device: str | torch.device | None = None,
        memory_budget_bytes: int = construction.DEFAULT_MEMORY_BUDGET_BYTES,
    ) -> ShallowNetwork:
        """Draw M_1, …, M_{l+1} i.i.d. U[−1, 1] for a target with widths (d_0, …, d_l).

        Drawn in order M_1, M_2, … on the generator's device (the CPU without one), then moved
        to ``device``. For l = 1 and the same generator state the weights equal
        ``construction.RandomNetwork.sample(widths, n)``'s.

        Args:
            widths: (d_0, …, d_l), l ≥ 1, each ≥ 1.
            n: blocks of 2n univariate units, n ≥ 1.
            rho: ρ ≥ 1 copies per hidden neuron (unused when l = 1).
            generator: a ``torch.Generator``; None uses torch's global one.
            device: None = CUDA if available, else CPU.
            memory_budget_bytes: refuse (ValueError) networks whose float64 weights exceed it.

        Examples:
            >>> net = ShallowNetwork.sample((3, 2, 1), 2, 4, device="cpu")
            >>> [tuple(w.shape) for w in net.weights]
            [(12, 3), (8, 12), (1, 8)]
        """
        widths = check_widths(widths)
        n = check_int("n", n, low=1)
        rho = check_int("rho", rho, low=1)
        generator = check_generator(generator)
        device = resolve_device(device)
        budget = check_int("memory_budget_bytes", memory_budget_bytes, low=1)
        shapes = _layer_shapes(widths, n, rho)
        needed = 8 * sum(a * b for a, b in shapes)
        if needed > budget:
            raise ValueError(
                f"the depth l + 1 network for widths={widths}, n={n}, rho={rho} needs {needed / 2**30:.2f} GiB "
                f"of float64 weights, more than memory_budget_bytes = {budget / 2**30:.2f} GiB"
            )
        weights = tuple(uniform(shape, generator).to(device) for shape in shapes)
        return cls(weights=weights, widths=widths, n=n, rho=rho)

    @property
    def depth(self) -> int:
        """l + 1, the number of weight matrices."""
        return len(self.weights)

    @property
    def device(self) -> torch.device:
        return self.weights[0].device

    @property
    def layer_widths(self) -> tuple[int, ...]:
        """(d_0, 2n d_0, r_1, …, r_l): the widths of every layer of the random network."""
        return (self.widths[0],) + tuple(w.shape[0] for w in self.weights)

    @property
    def num_parameters(self) -> int:
        """Number of random weights."""
        return sum(w.numel() for w in self.weights)

    def forward(self, x) -> torch.Tensor:
        """g(x), unpruned; x ``(N, d_0)`` or ``(d_0,)``; float64."""
        return forward(self.weights, check_input(x, self.widths[0], self.device))


def _layer_shapes(widths: tuple[int, ...], n: int, rho: int) -> list[tuple[int, int]]:
    depth = len(widths) - 1
    rows = [rho * widths[i] if i < depth else widths[i] for i in range(1, depth + 1)]  # r_1, …, r_l
    shapes = [(2 * n * widths[0], widths[0]), (rows[0], 2 * n * widths[0])]
    for i in range(2, depth + 1):
        shapes.append((rows[i - 1], rho * widths[i - 1]))
    return shapes


# ----------------------------------------------------------------------------------------
# Pruning
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PrunedShallowNetwork:
    """A :class:`ShallowNetwork` with masks S_1, …, S_{l+1} that make it approximate a target.

    Attributes:
        network: the random network (never modified).
        masks: bool tensors shaped like ``network.weights``.
        residuals: per target layer, the SubsetSum residuals (value − target): for layer 1 a
            pair (positive half ``(r_1, d_0)``, negative half ``(r_1, d_0)``), for layer i ≥ 2
            one tensor ``(r_i, d_{i−1})``.
        max_coefficients: the cap c on candidates per instance that :func:`prune_shallow`
            used, or None (every candidate).
    """

    network: ShallowNetwork
    masks: tuple[torch.Tensor, ...]
    residuals: tuple
    max_coefficients: int | None = None

    def pruned_weights(self) -> tuple[torch.Tensor, ...]:
        """(S_1 ⊙ M_1, …, S_{l+1} ⊙ M_{l+1})."""
        return tuple(mask * weight for mask, weight in zip(self.masks, self.network.weights))

    def forward(self, x) -> torch.Tensor:
        """g_S(x); x ``(N, d_0)`` or ``(d_0,)``; float64."""
        return forward(self.pruned_weights(), check_input(x, self.network.widths[0], self.network.device))

    def to_sequential(self) -> nn.Sequential:
        """g_S as a bias-free float64 ``nn.Sequential`` of ``Linear`` and ``ReLU``."""
        return sequential(self.pruned_weights())

    def kept_counts(self) -> tuple[int, ...]:
        """Kept weights of each of the l + 1 layers."""
        return tuple(int(mask.sum()) for mask in self.masks)


def prune_shallow(
    network: ShallowNetwork,
    target_weights: Sequence,
    *,
    max_coefficients: int | None = DEFAULT_MAX_COEFFICIENTS,
    progress: bool = False,
) -> PrunedShallowNetwork:
    """Prune the depth l + 1 network to approximate the target with weights W_1, …, W_l.

    Layer 1: for every copy row (r, c) and input j, the two halves of block j are solved as in
    :func:`lthbook.construction.prune_to` (both by :func:`lthbook.gadgets.prune_blocks`:
    instances grouped by their number of candidates, one :func:`lthbook.subset_sum.solve` call
    per size); S_1 keeps a unit's edge from its own input iff some row of S_2 keeps the unit.
    Layer i ≥ 2: for every row (r, c) and input neuron j, SubsetSum over the ρ copies of j with
    coefficients M_{i+1}[(r, c), (j, ·)] and target W_i[r, j] (``prune_blocks`` with one
    positive half). Module docstring for the whole construction.

    With ``max_coefficients`` = c, each instance searches only c of its candidates, the two
    signs of coefficient balanced as in ``prune_to``'s cap: in layer 1 the largest in absolute
    value, in layers i ≥ 2 the first in index order (module docstring, "The cap on
    coefficients"); the others are pruned. Each restricted instance is
    still solved exactly, and :func:`certified_shallow_bound` stays a rigorous bound, because it
    is computed from the masks actually chosen; what the cap gives up is the sizing rule's
    a priori guarantee, so check ``certified_shallow_bound(...).bound < ε`` (as
    :func:`shallow_ticket` does).

    Args:
        network: a :class:`ShallowNetwork`.
        target_weights: W_1, …, W_l, W_i of shape ``(d_i, d_{i−1})``, spectral norm ≤ 1 (up to
            ``construction.SPECTRAL_NORM_TOLERANCE``).
        max_coefficients: the cap c ≥ 1 on candidates per instance, default
            :data:`DEFAULT_MAX_COEFFICIENTS` (20); None searches every candidate (the sizing
            rule's construction; meet in the middle over ρ coefficients, 2 × 2^{ρ/2} sums per
            instance, infeasible beyond ρ ≈ 40).
        progress: a progress bar over the layers.

    Returns:
        :class:`PrunedShallowNetwork`.

    Examples:
        >>> net = ShallowNetwork.sample((2, 2, 1), 3, 4, generator=torch.Generator().manual_seed(0), device="cpu")
        >>> target = construction.random_target((2, 2, 1), generator=torch.Generator().manual_seed(1), device="cpu")
        >>> prune_shallow(net, target).kept_counts()[0] <= 12
        True
    """
    if not isinstance(network, ShallowNetwork):
        raise TypeError(f"network must be a ShallowNetwork; got {type(network).__name__}")
    if max_coefficients is not None:
        max_coefficients = check_int("max_coefficients", max_coefficients, low=1)
    progress = check_bool("progress", progress)
    targets, _ = check_target_weights(target_weights, network.widths, network.device)
    depth, rho = len(network.widths) - 1, network.rho
    masks: list[torch.Tensor] = [None] * (depth + 1)  # type: ignore[list-item]
    residuals: list = []
    for i in tqdm(range(1, depth + 1), desc="pruning layers", disable=not progress):
        replicated = _replicate(targets[i - 1], rho if i < depth else 1)  # R_i W_i, (r_i, d_{i−1})
        rows, d_in = replicated.shape
        if i == 1:
            first, second = network.weights[0], network.weights[1]
            block = 2 * network.n
            # Block j, unit t: first-layer weight M_1[j·2n + t, j]; row (r, c) reads it through M_2.
            block_first = first.reshape(d_in, block, d_in).diagonal(dim1=0, dim2=2).T  # (d_0, 2n)
            keep, positive, negative = _prune_largest_first(
                block_first, second.reshape(rows, d_in, block), replicated, True, max_coefficients
            )
            used = keep.any(dim=0)  # (d_0, 2n)
            first_mask = torch.zeros_like(first, dtype=torch.bool)
            first_mask.reshape(d_in, block, d_in).diagonal(dim1=0, dim2=2).copy_(used.T)
            masks[0], masks[1] = first_mask, keep.reshape(rows, d_in * block)
            residuals.append((positive, negative))
        else:
            # The ρ copies of input neuron j as one block whose "first layer" is 1: coefficients
            # M_{i+1}[(r, c), (j, ·)], every copy a candidate of the (only, positive) half.
            weight = network.weights[i]
            ones = torch.ones(d_in, rho, dtype=weight.dtype, device=weight.device)
            # Candidates in index order here: the largest uniform coefficients are all near ±1,
            # and their subset sums cluster (module docstring, "The cap on coefficients").
            pruning = prune_blocks(
                ones, weight.reshape(rows, d_in, rho), replicated, both_halves=False, max_coefficients=max_coefficients
            )
            masks[i] = pruning.keep.reshape(rows, d_in * rho)
            residuals.append(pruning.positive_residual)
    return PrunedShallowNetwork(
        network=network, masks=tuple(masks), residuals=tuple(residuals), max_coefficients=max_coefficients
    )


def _prune_largest_first(
    first: torch.Tensor, second: torch.Tensor, targets: torch.Tensor, both_halves: bool, cap: int | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """``prune_blocks`` with each instance's candidates ordered by decreasing ``|coefficient|``.

    first ``(K, U)``, second ``(R, K, U)``, targets ``(R, K)``; returns keep ``(R, K, U)`` and
    the residuals of the positive and negative halves ``(R, K)`` (None without negative ones).
    Without a cap the order does not matter and ``prune_blocks`` runs as it is. With one, every
    (row, block) becomes a block of its own whose units are sorted (stably) by decreasing
    ``|second · first|``, so the balanced cap of ``prune_blocks`` keeps the largest candidates of
    each sign; the order depends only on the random weights, never on the target.
    """
    if cap is None:
        pruning = prune_blocks(first, second, targets, both_halves=both_halves)
        return pruning.keep, pruning.positive_residual, pruning.negative_residual
    rows, blocks, units = second.shape
    magnitude = (second * first.abs().unsqueeze(0)).abs()
    order = torch.sort(magnitude, dim=2, descending=True, stable=True).indices  # (R, K, U)
    first_sorted = first.unsqueeze(0).expand(rows, blocks, units).gather(2, order)
    second_sorted = second.gather(2, order)
    pruning = prune_blocks(
        first_sorted.reshape(rows * blocks, units),
        second_sorted.reshape(1, rows * blocks, units),
        targets.reshape(1, rows * blocks),
        both_halves=both_halves,
        max_coefficients=cap,
    )
    keep = torch.zeros(rows, blocks, units, dtype=torch.bool, device=second.device)
    keep.scatter_(2, order, pruning.keep.reshape(rows, blocks, units))
    negative = None if pruning.negative_residual is None else pruning.negative_residual.reshape(rows, blocks)
    return keep, pruning.positive_residual.reshape(rows, blocks), negative


# ----------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShallowCertifiedBound:
    """A rigorous upper bound on sup over ``‖x‖₂ ≤ 1`` of ‖f(x) − g_S(x)‖₂ for depth l + 1.

    Attributes:
        bound: e_l.
        layer_errors: (η_1, …, η_l), spectral norms of the error matrices.
        amplifications: (π_2, …, π_l), π_i = ‖S_{i+1} ⊙ M_{i+1}‖₂ (empty for l = 1).
        target_norms: (‖W_1‖₂, …, ‖W_l‖₂).
        propagated: (e_1, …, e_l).

    ``float(certificate)`` is ``bound``.
    """

    bound: float
    layer_errors: tuple[float, ...]
    amplifications: tuple[float, ...]
    target_norms: tuple[float, ...]
    propagated: tuple[float, ...]

    def __float__(self) -> float:
        return self.bound


def certified_shallow_bound(pruned: PrunedShallowNetwork, target_weights: Sequence) -> ShallowCertifiedBound:
    """The certified bound e_l of the module docstring, computed from the masks and weights.

    e_1 = η_1, e_i = π_i e_{i−1} + η_i ν_{i−1}, with η_1 = ‖[A⁺_1 − R_1 W_1 | A⁻_1 + R_1 W_1]‖₂
    (A^± from S_1 ⊙ M_1 and S_2 ⊙ M_2, which requires every unit of S_1 ⊙ M_1 to see at most
    one input: checked), η_i = ‖(S_{i+1} ⊙ M_{i+1}) R_{i−1} − R_i W_i‖₂, π_i = ‖S_{i+1} ⊙ M_{i+1}‖₂,
    ν_i = ‖W_1‖₂ ⋯ ‖W_i‖₂, all spectral norms in float64. The solver's residuals are not used.
    The recursion holds for any masks whose first layer is univariate (the identity
    P_i ĥ − R_i W_i h = P_i (ĥ − R_{i−1} h) + (P_i R_{i−1} − R_i W_i) h needs nothing of P_i). As for
    ``construction.certified_error_bound``, the bound is exact-arithmetic; the float64 rounding of
    the forward pass (relative 1e-16 per operation) is many orders of magnitude smaller.

    Args:
        pruned: a :class:`PrunedShallowNetwork` (any masks of the right shapes).
        target_weights: W_1, …, W_l.

    Returns:
        :class:`ShallowCertifiedBound`.

    Examples:
        >>> g = torch.Generator().manual_seed(0)
        >>> net = ShallowNetwork.sample((2, 2, 1), 12, 12, generator=g, device="cpu")
        >>> target = construction.random_target((2, 2, 1), generator=g, device="cpu")
        >>> pruned = prune_shallow(net, target)
        >>> sampled_shallow_error(pruned, target, 200, generator=g) <= certified_shallow_bound(pruned, target).bound
        True
    """
    if not isinstance(pruned, PrunedShallowNetwork):
        raise TypeError(f"pruned must be a PrunedShallowNetwork; got {type(pruned).__name__}")
    network = pruned.network
    targets, norms = check_target_weights(target_weights, network.widths, network.device)
    _check_masks(pruned)
    depth, rho = len(network.widths) - 1, network.rho
    weights = pruned.pruned_weights()
    layer_errors, amplifications, propagated = [], [], []
    reach, error = 1.0, 0.0  # ν_{i−1}, e_{i−1}
    for i in range(1, depth + 1):
        replicated = _replicate(targets[i - 1], rho if i < depth else 1)
        if i == 1:
            first, second = weights[0], weights[1]
            seen = (first != 0).sum(dim=1)
            if bool((seen > 1).any()):
                unit = int(torch.nonzero(seen > 1)[0])
                raise ValueError(
                    f"unit {unit} of S_1 ⊙ M_1 keeps {int(seen[unit])} inputs; the certificate needs every "
                    "univariate unit to see at most one input, as prune_shallow builds it"
                )
            source = first.abs().argmax(dim=1)
            unit_weight = first.sum(dim=1)
            a_pos = torch.zeros_like(replicated).index_add_(1, source, second * unit_weight.clamp(min=0))
            a_neg = torch.zeros_like(replicated).index_add_(1, source, second * (-unit_weight).clamp(min=0))
            eta = float(_networks.spectral_norm(torch.cat([a_pos - replicated, a_neg + replicated], dim=1)))
            error = eta
        else:
            matrix = weights[i]
            sums = matrix.reshape(matrix.shape[0], -1, rho).sum(dim=2)  # P_i R_{i−1}
            eta = float(_networks.spectral_norm(sums - replicated))
            amplification = float(_networks.spectral_norm(matrix))
            amplifications.append(amplification)
            error = amplification * error + eta * reach
        reach *= norms[i - 1]
        layer_errors.append(eta)
        propagated.append(error)
    return ShallowCertifiedBound(
        bound=error,
        layer_errors=tuple(layer_errors),
        amplifications=tuple(amplifications),
        target_norms=tuple(norms),
        propagated=tuple(propagated),
    )


def sampled_shallow_error(
    pruned: PrunedShallowNetwork,
    target_weights: Sequence,
    num_points: int = 10_000,
    *,
    adversarial_steps: int = 50,
    refine_points: int = 256,
    generator: torch.Generator | None = None,
) -> float:
    """A lower estimate of sup over ``‖x‖₂ ≤ 1`` of ‖f(x) − g_S(x)‖₂, as ``construction.sampled_error``.

    Both networks are bias-free, so the supremum is reached on the sphere: ``num_points``
    uniform points on it, then ``adversarial_steps`` steps of projected gradient ascent from
    the ``refine_points`` best (step 0.1 decaying to 0.001). Every point is feasible, so the
    result is at most the supremum, hence at most :func:`certified_shallow_bound`.

    Args:
        pruned: a :class:`PrunedShallowNetwork`.
        target_weights: W_1, …, W_l.
        num_points: ≥ 1; adversarial_steps: ≥ 0; refine_points: ≥ 1.
        generator: a ``torch.Generator`` for the sample.

    Returns:
        The largest error found, a float.
    """
    if not isinstance(pruned, PrunedShallowNetwork):
        raise TypeError(f"pruned must be a PrunedShallowNetwork; got {type(pruned).__name__}")
    network = pruned.network
    targets, _ = check_target_weights(target_weights, network.widths, network.device)
    return search_sup_error(
        targets,
        pruned.pruned_weights(),
        num_points=num_points,
        adversarial_steps=adversarial_steps,
        refine_points=refine_points,
        generator=generator,
    )


# ----------------------------------------------------------------------------------------
# Sizing
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShallowSize:
    """What :func:`shallow_size` chose, and why.

    Attributes:
        n: blocks of 2n univariate units.
        rho: ρ copies per hidden neuron (= n, module docstring).
        eps_prime: ε′ = ε / (2K), the error each instance may have.
        delta_prime: δ′ = δ / N.
        instances: N, the number of SubsetSum instances.
        amplification: K, with e_l ≤ ε′ K whenever every instance is within ε′.
    """

    n: int
    rho: int
    eps_prime: float
    delta_prime: float
    instances: int
    amplification: float


def shallow_size(
    eps: float, delta: float, widths: Sequence[int], constant: float | None = None, *, max_rho: int = 10_000
) -> ShallowSize:
    """n and ρ such that, with probability ≥ 1 − δ, the certified bound is below ε for every target.

    The least ρ with ρ ≥ C log₂(2 / min(ε′(ρ), δ′(ρ))), ε′ = ε/(2K(ρ)), δ′ = δ/N(ρ) (module
    docstring, "The sizing rule"), and n = ρ; found by iterating ρ ← ⌈C log₂(2/ε″(ρ))⌉ from
    ρ = 1, which increases until it stops (the right side grows like log ρ).

    Args:
        eps: ε ∈ (0, 1]; delta: δ ∈ (0, 1).
        widths: (d_0, …, d_l).
        constant: C > 0; None reads ``construction.MEASURED_CONSTANT`` at call time.
        max_rho: give up (ValueError) beyond this ρ.

    Examples:
        >>> size = shallow_size(0.05, 0.05, (4, 3, 2), constant=2.0)
        >>> size.n == size.rho and size.eps_prime * size.amplification < 0.05
        True
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False)
    delta = check_float("delta", delta, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    widths = check_widths(widths)
    if constant is None:
        constant = construction.MEASURED_CONSTANT
    constant = check_float("constant", constant, low=0.0, low_inclusive=False)
    max_rho = check_int("max_rho", max_rho, low=1)
    rho = 1
    while True:
        amplification, instances = _amplification(widths, rho)
        eps_prime, delta_prime = eps / (2 * amplification), delta / instances
        needed = max(1, math.ceil(constant * math.log2(2.0 / min(eps_prime, delta_prime))))
        if needed <= rho:
            return ShallowSize(rho, rho, eps_prime, delta_prime, instances, amplification)
        if needed > max_rho:
            raise ValueError(f"shallow_size needs rho > max_rho = {max_rho} for eps={eps:g}, widths={widths}")
        rho = needed


def _amplification(widths: tuple[int, ...], rho: int) -> tuple[float, int]:
    """K(ρ) and N(ρ) of the sizing rule (n = ρ)."""
    depth = len(widths) - 1
    rows = [rho * widths[i] if i < depth else widths[i] for i in range(1, depth + 1)]
    counts = [2 * rows[0] * widths[0]] + [rows[i - 1] * widths[i - 1] for i in range(2, depth + 1)]
    gains = [math.sqrt(rows[k - 1] * rho * widths[k - 1]) for k in range(2, depth + 1)]  # π_k bounds
    total = 0.0
    for i in range(1, depth + 1):
        term = math.sqrt(counts[i - 1])
        for gain in gains[i - 1 :]:
            term *= gain
        total += term
    return total, sum(counts)


# ----------------------------------------------------------------------------------------
# Comparison with Theorem 1
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConstructionSummary:
    """One construction on one target.

    Attributes:
        name: ``"theorem 1 (2l)"`` or ``"depth l + 1"``.
        depth: number of weight matrices of the random network.
        layer_widths: widths of all its layers, input first.
        random_weights: its number of weights.
        kept_weights: weights the ticket keeps.
        certified_bound: the certified bound on sup_{‖x‖≤1} ‖f − g_S‖₂.
        sampled_error: the largest error found by sampling and gradient ascent.
        n: the size parameter; rho: copies (None for Theorem 1).
        max_coefficients: the cap on candidates per SubsetSum instance used by the pruning
            (None: every candidate).
    """

    name: str
    depth: int
    layer_widths: tuple[int, ...]
    random_weights: int
    kept_weights: int
    certified_bound: float
    sampled_error: float
    n: int
    rho: int | None
    max_coefficients: int | None = None


@dataclass(frozen=True)
class DepthComparison:
    """Theorem 1 and the depth l + 1 construction on the same target."""

    theorem_1: ConstructionSummary
    shallow: ConstructionSummary
    eps: float
    delta: float

    def rows(self) -> list[ConstructionSummary]:
        return [self.theorem_1, self.shallow]

    @property
    def meets_eps(self) -> bool:
        """True iff both certified bounds are below ε (:func:`compare_with_theorem_1` warns otherwise)."""
        return all(row.certified_bound < self.eps for row in self.rows())


def compare_with_theorem_1(
    target_weights: Sequence,
    *,
    eps: float,
    delta: float,
    constant: float | None = None,
    n_theorem_1: int | None = None,
    n_shallow: int | None = None,
    rho: int | None = None,
    max_coefficients: int | None = DEFAULT_MAX_COEFFICIENTS,
    num_points: int = 2_000,
    adversarial_steps: int = 30,
    seed: int = 0,
    device: str | torch.device | None = None,
) -> DepthComparison:
    """Both constructions on the same target: depth, widths, random and kept weights, errors.

    Theorem 1: ``construction.RandomNetwork.sample(widths, n)`` with n =
    ``construction.required_n(ε, δ, d_in, d_out, l, constant)`` (widest layer) unless
    ``n_theorem_1`` is given, pruned by ``construction.prune_to`` and certified by
    ``construction.certified_error_bound``. Depth l + 1: n and ρ from :func:`shallow_size`
    unless given, pruned by :func:`prune_shallow`. Both sizing rules use the same constant
    and both prunings the same cap ``max_coefficients`` (module docstring, "The cap on
    coefficients"), so neither side gets a larger search. Each network is drawn from
    ``torch.Generator().manual_seed(seed)``; the sampled errors use seed + 1. If a certified
    bound is ≥ ε, a ``RuntimeWarning`` says so (and ``meets_eps`` is False).

    Args:
        target_weights: W_1, …, W_l in the class (``construction.normalize_to_class``).
        eps, delta: ε ∈ (0, 1], δ ∈ (0, 1) for the sizing rules.
        constant: C of both sizing rules; None = ``construction.MEASURED_CONSTANT``.
        n_theorem_1, n_shallow, rho: override the sizes (≥ 1).
        max_coefficients: the cap c ≥ 1 on candidates per instance for both prunings, default
            :data:`DEFAULT_MAX_COEFFICIENTS`; None searches every candidate.
        num_points, adversarial_steps: for the sampled errors.
        seed: ≥ 0.
        device: None = CUDA if available, else CPU.

    Returns:
        :class:`DepthComparison`.
    """
    device, eps, delta, seed, max_coefficients, targets, widths = _check_pipeline_arguments(
        target_weights, eps, delta, seed, max_coefficients, device
    )
    if n_theorem_1 is None:
        n_theorem_1 = construction.required_n(eps, delta, constant=constant, widths=widths)
    n_theorem_1 = check_int("n_theorem_1", n_theorem_1, low=1)
    if n_shallow is None or rho is None:
        size = shallow_size(eps, delta, widths, constant)
        n_shallow = size.n if n_shallow is None else n_shallow
        rho = size.rho if rho is None else rho
    n_shallow = check_int("n_shallow", n_shallow, low=1)
    rho = check_int("rho", rho, low=1)

    network = construction.RandomNetwork.sample(
        widths, n_theorem_1, generator=torch.Generator().manual_seed(seed), device=device
    )
    pruned = construction.prune_to(network, targets, max_coefficients=max_coefficients)
    theorem_1 = ConstructionSummary(
        name="theorem 1 (2l)",
        depth=len(network.weights),
        layer_widths=(widths[0],) + tuple(w.shape[0] for w in network.weights),
        random_weights=network.num_parameters,
        kept_weights=sum(pruned.kept_counts()),
        certified_bound=construction.certified_error_bound(pruned, targets).bound,
        sampled_error=construction.sampled_error(
            pruned,
            targets,
            num_points,
            adversarial_steps=adversarial_steps,
            generator=torch.Generator().manual_seed(seed + 1),
        ),
        n=n_theorem_1,
        rho=None,
        max_coefficients=max_coefficients,
    )
    shallow_net = ShallowNetwork.sample(
        widths, n_shallow, rho, generator=torch.Generator().manual_seed(seed), device=device
    )
    shallow_pruned = prune_shallow(shallow_net, targets, max_coefficients=max_coefficients)
    shallow = ConstructionSummary(
        name="depth l + 1",
        depth=shallow_net.depth,
        layer_widths=shallow_net.layer_widths,
        random_weights=shallow_net.num_parameters,
        kept_weights=sum(shallow_pruned.kept_counts()),
        certified_bound=certified_shallow_bound(shallow_pruned, targets).bound,
        sampled_error=sampled_shallow_error(
            shallow_pruned,
            targets,
            num_points,
            adversarial_steps=adversarial_steps,
            generator=torch.Generator().manual_seed(seed + 1),
        ),
        n=n_shallow,
        rho=rho,
        max_coefficients=max_coefficients,
    )
    result = DepthComparison(theorem_1=theorem_1, shallow=shallow, eps=eps, delta=delta)
    for row in result.rows():
        if row.certified_bound >= eps:
            warnings.warn(
                f"compare_with_theorem_1: the {row.name} ticket's certified bound {row.certified_bound:.3g} is not "
                f"below eps = {eps:g} (n = {row.n}, max_coefficients = {max_coefficients})",
                RuntimeWarning,
                stacklevel=2,
            )
    return result


# ----------------------------------------------------------------------------------------
# The whole pipeline
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ShallowTicket:
    """What :func:`shallow_ticket` built: size, ticket, certificate, sampled error, verdict.

    Attributes:
        size: the :class:`ShallowSize` used (from :func:`shallow_size`).
        pruned: the :class:`PrunedShallowNetwork`.
        certificate: its :class:`ShallowCertifiedBound`.
        sampled_error: :func:`sampled_shallow_error` of the ticket (≤ ``certificate.bound``).
        eps, delta: the requested ε and δ.
        meets_eps: ``certificate.bound < eps``; False is also reported by a ``RuntimeWarning``.
    """

    size: ShallowSize
    pruned: PrunedShallowNetwork
    certificate: ShallowCertifiedBound
    sampled_error: float
    eps: float
    delta: float
    meets_eps: bool


def shallow_ticket(
    target_weights: Sequence,
    *,
    eps: float,
    delta: float,
    constant: float | None = None,
    max_coefficients: int | None = DEFAULT_MAX_COEFFICIENTS,
    num_points: int = 2_000,
    adversarial_steps: int = 30,
    seed: int = 0,
    device: str | torch.device | None = None,
) -> ShallowTicket:
    """The whole depth l + 1 pipeline with the defaults: size, draw, prune, certify, sample.

    ρ = n from :func:`shallow_size` (``constant`` None = ``construction.MEASURED_CONSTANT``),
    the network drawn by :meth:`ShallowNetwork.sample` from ``torch.Generator().manual_seed(seed)``,
    pruned by :func:`prune_shallow` with the cap ``max_coefficients``, certified by
    :func:`certified_shallow_bound`, and its error sampled by :func:`sampled_shallow_error`
    (generator seeded with seed + 1). As the cap gives up the sizing rule's a priori guarantee
    (module docstring, "The cap on coefficients"), the result says whether the certified bound
    is below ε: ``meets_eps``, and a ``RuntimeWarning`` when it is not (no silent success).

    Args:
        target_weights: W_1, …, W_l in the class (``construction.normalize_to_class``).
        eps: ε ∈ (0, 1]; delta: δ ∈ (0, 1).
        constant: C > 0 of the sizing rule, or None.
        max_coefficients: the cap c ≥ 1, or None for every candidate.
        num_points, adversarial_steps: for the sampled error (≥ 1, ≥ 0).
        seed: ≥ 0.
        device: None = CUDA if available, else CPU.

    Returns:
        :class:`ShallowTicket`.

    Examples:
        >>> target = construction.random_target((4, 3, 2), generator=torch.Generator().manual_seed(0), device="cpu")
        >>> ticket = shallow_ticket(target, eps=0.1, delta=0.1, num_points=200, adversarial_steps=5, device="cpu")
        >>> ticket.meets_eps and ticket.sampled_error <= ticket.certificate.bound < 0.1
        True
    """
    device, eps, delta, seed, max_coefficients, targets, widths = _check_pipeline_arguments(
        target_weights, eps, delta, seed, max_coefficients, device
    )
    size = shallow_size(eps, delta, widths, constant)
    network = ShallowNetwork.sample(
        widths, size.n, size.rho, generator=torch.Generator().manual_seed(seed), device=device
    )
    pruned = prune_shallow(network, targets, max_coefficients=max_coefficients)
    certificate = certified_shallow_bound(pruned, targets)
    sampled = sampled_shallow_error(
        pruned,
        targets,
        num_points,
        adversarial_steps=adversarial_steps,
        generator=torch.Generator().manual_seed(seed + 1),
    )
    meets = certificate.bound < eps
    if not meets:
        warnings.warn(
            f"shallow_ticket: the certified bound {certificate.bound:.3g} is not below eps = {eps:g} for widths "
            f"{widths} (rho = {size.rho}, max_coefficients = {max_coefficients}); raise max_coefficients",
            RuntimeWarning,
            stacklevel=2,
        )
    return ShallowTicket(
        size=size,
        pruned=pruned,
        certificate=certificate,
        sampled_error=sampled,
        eps=eps,
        delta=delta,
        meets_eps=meets,
    )


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def _check_pipeline_arguments(target_weights, eps, delta, seed, max_coefficients, device):
    """The argument checks shared by :func:`compare_with_theorem_1` and :func:`shallow_ticket`.

    Returns (device, eps, delta, seed, max_coefficients, targets, widths), checked; widths are
    (d_0, d_1, …, d_l) of the target.
    """
    device = resolve_device(device)
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False)
    delta = check_float("delta", delta, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    seed = check_int("seed", seed, low=0)
    if max_coefficients is not None:
        max_coefficients = check_int("max_coefficients", max_coefficients, low=1)
    targets, _ = check_target_weights(target_weights, None, device)
    widths = (targets[0].shape[1],) + tuple(w.shape[0] for w in targets)
    return device, eps, delta, seed, max_coefficients, targets, widths


def _replicate(matrix: torch.Tensor, copies: int) -> torch.Tensor:
    """R W: each row repeated ``copies`` times (row r·ρ + c = row r)."""
    return matrix.repeat_interleave(copies, dim=0) if copies > 1 else matrix


def _check_masks(pruned: PrunedShallowNetwork) -> None:
    if len(pruned.masks) != len(pruned.network.weights):
        raise ValueError(f"pruned must hold {len(pruned.network.weights)} masks; got {len(pruned.masks)}")
    for k, (mask, weight) in enumerate(zip(pruned.masks, pruned.network.weights), start=1):
        if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool or mask.shape != weight.shape:
            raise ValueError(f"mask S_{k} must be a bool tensor of shape {tuple(weight.shape)}")
