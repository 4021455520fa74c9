"""Theorem 1: one random network, twice as deep and logarithmically wider, pruned to any target.

Chapter 4 (``chapters/04_width_construction.ipynb``) proves what this module computes.

Setting
-------
The target is a bias-free ReLU network with widths (d_0, …, d_l)::

    f(x) = W_l σ(W_{l−1} … σ(W_1 x)),   W_i ∈ R^{d_i × d_{i−1}},   ‖W_i‖₂ ≤ 1,

on the unit ball ``‖x‖₂ ≤ 1``. The random network has depth 2l and entries i.i.d. U[−1, 1]::

    g(x) = M_{2l} σ(M_{2l−1} … σ(M_1 x)),   M_{2i−1} ∈ R^{m_i × d_{i−1}},   M_{2i} ∈ R^{d_i × m_i}.

Target layer i is matched by the pair (M_{2i−1}, M_{2i}); its m_i hidden units form d_{i−1}
*blocks* of b_i units, m_i = b_i·d_{i−1}, block j being the units j·b_i, …, (j+1)·b_i − 1.
b_i = 2n everywhere; with ``positive_inputs_only=True``, b_i = n for i ≥ 2 (below).

Pruning (masks S_1, …, S_{2l}, pruned network g_S)
--------------------------------------------------
Layer i, with M = M_{2i−1}, N = M_{2i}, W = W_i. Entry (i, j) of W is a weight gadget
(:mod:`lthbook.gadgets`) built from block j: unit k of block j has first-layer weight M_kj
and second-layer weight N_ik in row i.

* **Odd masks** S_{2i−1} are block diagonal: unit k of block j keeps at most its edge from
  input j, and keeps it only if some row of S_{2i} keeps unit k (a unit nobody reads is pruned
  whole). So every hidden unit sees at most one input.
* **Even masks**: row i of S_{2i} keeps, in block j, the units of S⁺_ij ∪ S⁻_ij, where

  - S⁺_ij ⊆ {k ∈ block j : M_kj > 0} solves SubsetSum with coefficients N_ik·M_kj and target
    W_ij (the *positive half*: these units fire when x_j > 0);
  - S⁻_ij ⊆ {k ∈ block j : M_kj < 0} solves SubsetSum with coefficients N_ik·``|M_kj|`` and
    target −W_ij (the *negative half*: they fire when x_j < 0). Only for the first target
    layer (i = 1): the input of layer i ≥ 2 is a ReLU output, h ≥ 0, on which a unit with
    M_kj < 0 never fires, so there S⁻_ij = ∅ and those units are pruned (a *dead* unit kept
    would change neither the function nor the certificate, only inflate the ticket).

  All instances of a layer are solved exactly by :func:`lthbook.subset_sum.solve`, grouped by
  their number of coefficients (one call per size; see :func:`prune_to`).

What a pruned pair computes, exactly
------------------------------------
Let h ∈ R^{d_{i−1}} be the pair's input and h⁺ = max(h, 0), h⁻ = max(−h, 0) (entry-wise), so
h = h⁺ − h⁻. Unit k of block j computes σ(M_kj h_j), which is M_kj h⁺_j if M_kj > 0 and
``|M_kj|`` h⁻_j if M_kj < 0. Summing the kept units of row i::

    (S_{2i} ⊙ N) σ((S_{2i−1} ⊙ M) h) = A⁺ h⁺ + A⁻ h⁻,
    A⁺_ij = Σ_{k∈S⁺_ij} N_ik M_kj,    A⁻_ij = Σ_{k∈S⁻_ij} N_ik |M_kj|.

The target layer computes W h = W h⁺ − W h⁻. So the pair's error is linear in [h⁺; h⁻]::

    (A⁺ h⁺ + A⁻ h⁻) − W h = E [h⁺; h⁻],    E = [A⁺ − W | A⁻ + W] ∈ R^{d_i × 2d_{i−1}},

and as h⁺ and h⁻ have disjoint supports, ‖[h⁺; h⁻]‖₂ = ‖h‖₂: the error is at most
‖E‖₂ · ‖h‖₂. The entries of E are the residuals (value − target) of the SubsetSum instances.
For i ≥ 2 the input is a ReLU output, h ≥ 0, so h⁻ = 0 and only E = A⁺ − W matters; that is
why :func:`prune_to` builds no negative half there (A⁻ = 0).

Nonnegative inputs: ``positive_inputs_only``
--------------------------------------------
Because the inputs of layers i ≥ 2 are ≥ 0, their negative halves would never fire, and
:func:`prune_to` never builds them. With ``positive_inputs_only=True`` those layers are also
*drawn* with blocks of n units instead of 2n: half the width and half the parameters of
M_{2i−1} and M_{2i} for i ≥ 2. The price: with i.i.d. signs a block of n units
has about n/2 positive units, against about n in a block of 2n, so each instance there has
about half as many coefficients.

The certified bound, and the theorem's n
----------------------------------------
:func:`certified_error_bound` propagates the per-layer errors ‖E_i‖₂ (computed exactly from
the masks) through the network; :func:`required_n` chooses n so that, with probability at
least 1 − δ, the bound is below ε for every target of the class. :func:`sampled_error`
measures the error from below by sampling and gradient ascent.

Memory: M_{2i−1} has 2n·d_{i−1}² entries (dense, as the theorem draws it). For 784 inputs
and n = 24 that is 29.5 million float64 numbers (236 MB). :func:`RandomNetwork.sample`
estimates the size first and refuses beyond ``memory_budget_bytes``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn
from tqdm.auto import tqdm

from . import _networks
from ._networks import check_input, check_target_weights, forward, search_sup_error, sequential
from ._sampling import uniform
from ._validation import (
    as_float64_tensor,
    check_bool,
    check_float,
    check_generator,
    check_int,
    check_widths,
    resolve_device,
)
from .gadgets import prune_blocks

__all__ = [
    "MEASURED_CONSTANT",
    "SPECTRAL_NORM_TOLERANCE",
    "DEFAULT_MEMORY_BUDGET_BYTES",
    "RandomNetwork",
    "PrunedNetwork",
    "prune_to",
    "CertifiedBound",
    "certified_error_bound",
    "sampled_error",
    "target_forward",
    "random_target",
    "normalize_to_class",
    "network_memory_bytes",
    "per_instance_budget",
    "required_n",
    "half_block_n",
    "HalfBlockCheck",
    "half_block_check",
    "width_factor",
    "malach_width_factor",
    "FailureExperiment",
    "failure_experiment",
    "ticket_size_table",
]

#: The constant C of the SubsetSum lemma, n ≥ C·log₂(2/ε″), used by :func:`required_n`.
#: Measured for the law of the construction's instances, the **half-block law**
#: (:func:`lthbook.subset_sum.sample_coefficients` with ``"half_block"``: one half of a block of
#: 2n units, a Binomial(2n, 1/2) number of product coefficients N_ik·M_kj), as
#: C = sup over every ε ∈ [0.001, 1/(2√2)] of n*(ε)/log₂(2/ε), n*(ε) the least n at which at
#: most a fraction ε of the draws have worst_case_error > ε; 1/(2√2) is the largest ε″ that
#: :func:`per_instance_budget` can return. Printed by chapter 2's call
#: ``subset_sum.measure_constant("half_block", subset_sum.CONSTANT_EPS_GRID, 20_000, seed=2026)``:
#: C = 4.635, 90% bootstrap interval 4.611–4.668 (1,000 resamples); the value below is the
#: upper end rounded up (``MeasuredConstant.upper``). Below ε = 0.001 it is an extrapolation:
#: C(ε) falls from about 4.5 at ε ≈ 0.1–0.2 to about 3.4–3.5 at ε = 0.001–0.002 (chapter 2;
#: benchmarks/results/constant.txt repeats it with 100,000 draws down to ε = 0.0005).
MEASURED_CONSTANT = 4.67
#: Target layers may exceed spectral norm 1 by this much (rounding of a normalisation).
SPECTRAL_NORM_TOLERANCE = _networks.SPECTRAL_NORM_TOLERANCE
#: Default cap on the bytes of the random weights (4 GiB); pruning needs about as much again
#: for masks and SubsetSum coefficients.
DEFAULT_MEMORY_BUDGET_BYTES = 4 << 30


# ----------------------------------------------------------------------------------------
# The random network
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RandomNetwork:
    """The random network g of Theorem 1: depth 2l, entries i.i.d. U[−1, 1], no biases.

    Attributes:
        weights: the 2l matrices (M_1, …, M_{2l}) in layer order, float64, each of shape
            ``(out, in)`` like ``nn.Linear.weight``: ``weights[2i−2]`` is M_{2i−1}
            ``(m_i, d_{i−1})`` and ``weights[2i−1]`` is M_{2i} ``(d_i, m_i)`` (i = 1, …, l).
        widths: the target widths (d_0, …, d_l) the network was drawn for.
        n: the size parameter; blocks have 2n units (n for layers i ≥ 2 with
            ``positive_inputs_only``).
        positive_inputs_only: layers i ≥ 2 use blocks of n units and serve inputs ≥ 0 only.
    """

    weights: tuple[torch.Tensor, ...]
    widths: tuple[int, ...]
    n: int
    positive_inputs_only: bool = False

    @classmethod
    def sample(
        cls,
        widths: Sequence[int],
        n: int,
        *,
        positive_inputs_only: bool = False,
        generator: torch.Generator | None = None,
        device: str | torch.device | None = None,
        memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET_BYTES,
    ) -> RandomNetwork:
        """Draw M_1, …, M_{2l} i.i.d. U[−1, 1] for a target with widths (d_0, …, d_l).

        m_i = b_i·d_{i−1} hidden units for target layer i, with b_i = 2n, except b_i = n for
        i ≥ 2 when ``positive_inputs_only``. The matrices are drawn in order M_1, M_2, … on the
        generator's device (the CPU without one) and then moved to ``device``: the network
        depends only on the seed, the widths, n and the flag, never on a target, and is the
        same on every device.

        Args:
            widths: (d_0, …, d_l), l ≥ 1 layers, each width ≥ 1.
            n: size parameter, n ≥ 1 (e.g. :func:`required_n`).
            positive_inputs_only: halve the blocks of layers i ≥ 2 (module docstring).
            generator: a ``torch.Generator``; None uses torch's global one.
            device: where the weights live; None = CUDA if available, else CPU.
            memory_budget_bytes: refuse (ValueError) a network whose float64 weights would
                take more bytes than this (:func:`network_memory_bytes`).
        """
        widths = check_widths(widths)
        n = check_int("n", n, low=1)
        positive_inputs_only = check_bool("positive_inputs_only", positive_inputs_only)
        generator = check_generator(generator)
        device = resolve_device(device)
        budget = check_int("memory_budget_bytes", memory_budget_bytes, low=1)
        needed = network_memory_bytes(widths, n, positive_inputs_only=positive_inputs_only)
        if needed > budget:
            raise ValueError(
                f"the random network for widths={widths} and n={n} needs {needed / 2**30:.2f} GiB of "
                f"float64 weights, more than memory_budget_bytes = {budget / 2**30:.2f} GiB; lower n or "
                "the widths, or raise memory_budget_bytes"
            )
        weights = []
        for i in range(1, len(widths)):
            hidden = _block_size(i, n, positive_inputs_only) * widths[i - 1]
            weights.append(uniform((hidden, widths[i - 1]), generator).to(device))  # M_{2i−1}
            weights.append(uniform((widths[i], hidden), generator).to(device))  # M_{2i}
        return cls(weights=tuple(weights), widths=widths, n=n, positive_inputs_only=positive_inputs_only)

    @property
    def depth(self) -> int:
        """l, the number of target layers (the random network has 2l)."""
        return len(self.widths) - 1

    @property
    def device(self) -> torch.device:
        """Where the weights live."""
        return self.weights[0].device

    @property
    def block_sizes(self) -> tuple[int, ...]:
        """(b_1, …, b_l): hidden units per input coordinate of each target layer."""
        return tuple(_block_size(i, self.n, self.positive_inputs_only) for i in range(1, self.depth + 1))

    @property
    def hidden_widths(self) -> tuple[int, ...]:
        """(m_1, …, m_l), m_i = b_i·d_{i−1}."""
        return tuple(b * d for b, d in zip(self.block_sizes, self.widths[:-1]))

    @property
    def num_parameters(self) -> int:
        """Total number of random weights, Σ_i m_i (d_{i−1} + d_i)."""
        return sum(w.numel() for w in self.weights)

    def forward(self, x) -> torch.Tensor:
        """g(x), the unpruned random network; x ``(N, d_0)`` or ``(d_0,)``, float64 result."""
        return forward(self.weights, check_input(x, self.widths[0], self.device))

    def to_sequential(self) -> nn.Sequential:
        """g as a bias-free float64 ``nn.Sequential`` of ``Linear`` and ``ReLU``.

        Hand it to :meth:`PrunedNetwork.apply_to` to prune it with PyTorch's pruning API.
        """
        return sequential(self.weights)


def network_memory_bytes(widths: Sequence[int], n: int, *, positive_inputs_only: bool = False) -> int:
    """Bytes of the float64 weights of :meth:`RandomNetwork.sample`: 8 · Σ_i m_i (d_{i−1} + d_i).

    m_i = b_i·d_{i−1} with b_i = 2n (n for i ≥ 2 when ``positive_inputs_only``).
    """
    widths = check_widths(widths)
    n = check_int("n", n, low=1)
    positive_inputs_only = check_bool("positive_inputs_only", positive_inputs_only)
    entries = sum(
        _block_size(i, n, positive_inputs_only) * widths[i - 1] * (widths[i - 1] + widths[i])
        for i in range(1, len(widths))
    )
    return 8 * entries


# ----------------------------------------------------------------------------------------
# Pruning
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PrunedNetwork:
    """A random network with the masks S_1, …, S_{2l} that make it approximate a target.

    Attributes:
        network: the :class:`RandomNetwork` (its weights are never changed).
        masks: bool tensors (S_1, …, S_{2l}), same order and shapes as ``network.weights``.
        positive_residuals: for each target layer, float64 ``(d_i, d_{i−1})``, the residuals
            A⁺_ij − W_ij of the positive halves (value minus target).
        negative_residuals: for each target layer, float64 ``(d_i, d_{i−1})``, the residuals
            A⁻_ij + W_ij of the negative halves, or None where only the positive half is
            built: every layer i ≥ 2 (its input is ≥ 0, so a negative half never fires).
        max_coefficients: the cap on coefficients per instance used, or None.
    """

    network: RandomNetwork
    masks: tuple[torch.Tensor, ...]
    positive_residuals: tuple[torch.Tensor, ...]
    negative_residuals: tuple[torch.Tensor | None, ...]
    max_coefficients: int | None = None

    def pruned_weights(self) -> tuple[torch.Tensor, ...]:
        """(S_1 ⊙ M_1, …, S_{2l} ⊙ M_{2l}): exactly ``mask * M`` for each layer (new tensors)."""
        return tuple(mask * weight for mask, weight in zip(self.masks, self.network.weights))

    def forward(self, x) -> torch.Tensor:
        """g_S(x) = (S_{2l} ⊙ M_{2l}) σ(… σ((S_1 ⊙ M_1) x)); x ``(N, d_0)`` or ``(d_0,)``, float64."""
        return forward(self.pruned_weights(), check_input(x, self.network.widths[0], self.network.device))

    def to_sequential(self) -> nn.Sequential:
        """g_S as an ordinary bias-free float64 ``nn.Sequential`` of ``Linear`` and ``ReLU``.

        The ``Linear`` weights are the pruned weights S_i ⊙ M_i (zeros where pruned); no
        pruning machinery is attached.
        """
        return sequential(self.pruned_weights())

    def apply_to(self, module: nn.Sequential) -> nn.Sequential:
        """Apply the masks to a copy of the random network with PyTorch's own pruning API.

        ``module`` must be a ``nn.Sequential`` whose ``Linear`` layers are M_1, …, M_{2l} in
        order, such as :meth:`RandomNetwork.to_sequential` returns. Each gets
        ``torch.nn.utils.prune.custom_from_mask(linear, "weight", S_i)``: the layer keeps its
        random weights in ``weight_orig``, the mask in ``weight_mask``, and computes with
        ``weight = weight_orig * weight_mask``. The module is changed in place and returned.

        Raises:
            ValueError: if the module's ``Linear`` layers do not have the shapes and weights of
                this network's M_i.
        """
        from torch.nn.utils import prune

        if not isinstance(module, nn.Sequential):
            raise TypeError(f"module must be a torch.nn.Sequential; got {type(module).__name__}")
        linears = [layer for layer in module if isinstance(layer, nn.Linear)]
        if len(linears) != len(self.masks):
            raise ValueError(
                f"module must contain {len(self.masks)} Linear layers (M_1 … M_{len(self.masks)}); "
                f"it has {len(linears)}"
            )
        for index, (linear, mask, weight) in enumerate(zip(linears, self.masks, self.network.weights), start=1):
            current = getattr(linear, "weight_orig", linear.weight).detach()
            if current.shape != weight.shape:
                raise ValueError(
                    f"Linear layer {index} of module has weight shape {tuple(current.shape)}, but M_{index} "
                    f"has shape {tuple(weight.shape)}"
                )
            if not torch.equal(current.to(device=weight.device, dtype=torch.float64), weight):
                raise ValueError(
                    f"Linear layer {index} of module does not hold the random weights M_{index}; build "
                    "the module with RandomNetwork.to_sequential()"
                )
            prune.custom_from_mask(linear, name="weight", mask=mask.to(linear.weight.device))
        return module

    def kept_counts(self) -> tuple[int, ...]:
        """Number of kept weights of each of the 2l layers."""
        return tuple(int(mask.sum()) for mask in self.masks)

    def sparsity(self) -> tuple[float, ...]:
        """Fraction of pruned weights of each of the 2l layers (1 − kept/size)."""
        return tuple(1.0 - int(mask.sum()) / mask.numel() for mask in self.masks)


def prune_to(
    random_network: RandomNetwork,
    target_weights: Sequence,
    *,
    max_coefficients: int | None = None,
    progress: bool = False,
) -> PrunedNetwork:
    """Prune the random network to approximate the target f with weights W_1, …, W_l.

    For each target layer i and each entry (i, j) of W_i, the positive half (units of block j
    with M_kj > 0, coefficients N_ik·M_kj, target W_ij) and, for i = 1 only, the negative half
    (units with M_kj < 0, coefficients N_ik·``|M_kj|``, target −W_ij) are solved exactly by
    :func:`lthbook.subset_sum.solve` (module docstring), one call of the pruning engine
    :func:`lthbook.gadgets.prune_blocks` per target layer. A unit of the wrong sign is never a
    coefficient of a half, so it can never be kept for it. The number of units of each sign differs from block to block
    (:math:`\\mathrm{Binomial}(b_i, 1/2)`); instances are grouped by that size and each group is one ``solve``
    call, batched over all its (i, j): padding every instance to the largest size would
    make it 2^{(largest − typical)/2} times slower.

    Layers i ≥ 2 get no negative half, with or without ``positive_inputs_only``: their input
    is a ReLU output, h ≥ 0, and a unit with M_kj < 0 computes σ(M_kj h_j) = 0 on it. Its
    units are therefore pruned: the ticket holds no weight that never fires. Keeping them
    would give the same function and the same :func:`certified_error_bound` (which reads only
    A⁺_i for i ≥ 2), with more weights: on an (8, 8, 8, 4) target at n = 20, 29% of the kept
    weights were such dead ones before this rule (``tests/test_construction.py`` checks that
    none is kept now).

    Args:
        random_network: the :class:`RandomNetwork`; it is not modified.
        target_weights: W_1, …, W_l (tensors or arrays), W_i of shape ``(d_i, d_{i−1})`` as in
            ``random_network.widths``, each of spectral norm at most 1 (up to
            :data:`SPECTRAL_NORM_TOLERANCE`; use :func:`normalize_to_class` first otherwise).
        max_coefficients: use at most c coefficients per instance: of the units of the half's
            sign, c/2 with N_ik ≥ 0 and c/2 with N_ik < 0, the first in index order (when one
            sign has fewer, the other tops up to c); the half's other units are pruned. None
            (the default, the theorem's construction) uses all. A speed knob for big networks:
            solve's time grows like 2^{k/2} with k coefficients, while 20 coefficients of
            balanced signs already give errors near 1e-6.
        progress: show a progress bar over the layers.

    Returns:
        :class:`PrunedNetwork`.

    Raises:
        ValueError: for a target of the wrong depth or shapes, or a layer of spectral norm > 1.
    """
    if not isinstance(random_network, RandomNetwork):
        raise TypeError(f"random_network must be a RandomNetwork; got {type(random_network).__name__}")
    targets, _ = _check_targets(target_weights, random_network.widths, random_network.device)
    max_coefficients = None if max_coefficients is None else check_int("max_coefficients", max_coefficients, low=1)
    progress = check_bool("progress", progress)
    masks, positive, negative = [], [], []
    layers = range(1, random_network.depth + 1)
    for i in tqdm(layers, desc="pruning layers", disable=not progress):
        first, second = random_network.weights[2 * i - 2], random_network.weights[2 * i - 1]
        d_in, d_out, block = random_network.widths[i - 1], random_network.widths[i], random_network.block_sizes[i - 1]
        # Block j, unit t: first-layer weight M[j·b + t, j]; row r reads it through N[r, j·b + t].
        block_first = first.reshape(d_in, block, d_in).diagonal(dim1=0, dim2=2).T  # (d_in, b)
        block_second = second.reshape(d_out, d_in, block)
        both_halves = i == 1  # inputs of layers i ≥ 2 are ≥ 0: a negative half never fires
        pruning = prune_blocks(
            block_first, block_second, targets[i - 1], both_halves=both_halves, max_coefficients=max_coefficients
        )
        used = pruning.keep.any(dim=0)  # (d_in, b): the units some row keeps
        first_mask = torch.zeros_like(first, dtype=torch.bool)
        first_mask.reshape(d_in, block, d_in).diagonal(dim1=0, dim2=2).copy_(used.T)
        masks += [first_mask, pruning.keep.reshape(d_out, d_in * block)]
        positive.append(pruning.positive_residual)
        negative.append(pruning.negative_residual)
    return PrunedNetwork(
        network=random_network,
        masks=tuple(masks),
        positive_residuals=tuple(positive),
        negative_residuals=tuple(negative),
        max_coefficients=max_coefficients,
    )


# ----------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertifiedBound:
    """An upper bound on sup over ``‖x‖₂ ≤ 1`` of ‖f(x) − g_S(x)‖₂, rigorous up to float64 rounding.

    Attributes:
        bound: the bound, e_l below.
        layer_errors: (η_1, …, η_l), η_i = ‖E_i‖₂, the spectral norm of layer i's error matrix.
        target_norms: (‖W_1‖₂, …, ‖W_l‖₂).
        propagated: (e_1, …, e_l), the bound on ‖h_i − ĥ_i‖₂ after each layer; e_l = bound.

    ``float(certificate)`` is ``bound``.
    """

    bound: float
    layer_errors: tuple[float, ...]
    target_norms: tuple[float, ...]
    propagated: tuple[float, ...]

    def __float__(self) -> float:
        return self.bound


def certified_error_bound(pruned: PrunedNetwork, target_weights: Sequence) -> CertifiedBound:
    """An upper bound on sup over ``‖x‖₂ ≤ 1`` of ‖f(x) − g_S(x)‖₂, computed from the masks.

    **Per layer.** From the masks and weights alone (not from the solver's output) the function
    forms A⁺_i and A⁻_i of the module docstring (this needs every hidden unit of an odd layer
    to see at most one input, which it checks) and the error matrix::

        E_1 = [A⁺_1 − W_1 | A⁻_1 + W_1]        (the input x has both signs),
        E_i = A⁺_i − W_i        for i ≥ 2     (the input is a ReLU output, ≥ 0).

    A pair fed with h makes the error ‖P_i(h) − W_i h‖₂ ≤ η_i ‖h‖₂, η_i = ‖E_i‖₂ (the
    spectral norm, the largest singular value, in float64, as :func:`lthbook.lower_bound.spectral_norm`
    computes it).

    **Through the network.** Let h_0 = ĥ_0 = x, h_i = σ(W_i h_{i−1}) and ĥ_i = σ(P_i(ĥ_{i−1}))
    for i < l, h_l = f(x), ĥ_l = g_S(x), and e_i a bound on ‖h_i − ĥ_i‖₂. σ is 1-Lipschitz, so::

        ‖h_i − ĥ_i‖ ≤ ‖P_i(ĥ_{i−1}) − W_i ĥ_{i−1}‖ + ‖W_i (ĥ_{i−1} − h_{i−1})‖
                    ≤ η_i ‖ĥ_{i−1}‖ + ‖W_i‖ e_{i−1}.

    With ‖h_{i−1}‖ ≤ ρ_{i−1} = ‖W_1‖ ⋯ ‖W_{i−1}‖ (σ(0) = 0 and 1-Lipschitz, ‖x‖ ≤ 1) and
    ‖ĥ_{i−1}‖ ≤ ρ_{i−1} + e_{i−1}, the recursion is::

        e_0 = 0,   e_i = η_i (ρ_{i−1} + e_{i−1}) + ‖W_i‖ e_{i−1},   bound = e_l.

    For targets of the class (‖W_i‖ ≤ 1) this gives 1 + e_l ≤ Π_i (1 + η_i), so
    e_l ≤ exp(Σ_i η_i) − 1.

    **How rigorous.** The recursion is exact mathematics; its inputs are computed in float64.
    A⁺_i, A⁻_i are float64 sums of products of the kept weights, and η_i is the largest singular
    value from a float64 SVD (LAPACK, backward stable: the computed value is within a relative
    p·2⁻⁵³ of the true one, p a modest polynomial in the matrix size; for a matrix with one or
    two rows, the closed form of its 2×2 Gram matrix, a few roundings), not exactly. So the
    bound is rigorous **up to float64 rounding** of these sums and of the SVD, not a
    certificate in interval arithmetic; the margins to ε it is used for in the book are many
    orders of magnitude larger. The float64 forward pass of g_S rounds likewise.

    Args:
        pruned: a :class:`PrunedNetwork` (from :func:`prune_to`).
        target_weights: W_1, …, W_l, as for :func:`prune_to`.

    Returns:
        :class:`CertifiedBound`.
    """
    if not isinstance(pruned, PrunedNetwork):
        raise TypeError(f"pruned must be a PrunedNetwork; got {type(pruned).__name__}")
    network = pruned.network
    targets, norms = _check_targets(target_weights, network.widths, network.device)
    layer_errors, propagated = [], []
    reach, error = 1.0, 0.0  # ρ_{i−1} and e_{i−1}
    for i in range(1, network.depth + 1):
        first = pruned.masks[2 * i - 2] * network.weights[2 * i - 2]  # S_{2i−1} ⊙ M_{2i−1}
        second = pruned.masks[2 * i - 1] * network.weights[2 * i - 1]  # S_{2i} ⊙ M_{2i}
        target = targets[i - 1]
        seen = (first != 0).sum(dim=1)
        if bool((seen > 1).any()):
            unit = int(torch.nonzero(seen > 1)[0])
            raise ValueError(
                f"hidden unit {unit} of M_{2 * i - 1} keeps {int(seen[unit])} inputs; the certificate needs "
                "block-diagonal odd masks (every unit sees at most one input), as prune_to builds them"
            )
        source = first.abs().argmax(dim=1)  # the input each unit sees (any, for a unit with none)
        weight = first.sum(dim=1)  # its one kept first-layer weight, or 0
        a_pos = torch.zeros_like(target).index_add_(1, source, second * weight.clamp(min=0))
        if i == 1:
            a_neg = torch.zeros_like(target).index_add_(1, source, second * (-weight).clamp(min=0))
            matrix = torch.cat([a_pos - target, a_neg + target], dim=1)
        else:
            matrix = a_pos - target
        eta = float(_networks.spectral_norm(matrix))
        norm = norms[i - 1]
        error = eta * (reach + error) + norm * error
        reach *= norm
        layer_errors.append(eta)
        propagated.append(error)
    return CertifiedBound(
        bound=error, layer_errors=tuple(layer_errors), target_norms=tuple(norms), propagated=tuple(propagated)
    )


def sampled_error(
    pruned: PrunedNetwork,
    target_weights: Sequence,
    num_points: int = 10_000,
    *,
    adversarial_steps: int = 50,
    refine_points: int = 256,
    generator: torch.Generator | None = None,
) -> float:
    """A lower estimate of sup over ``‖x‖₂ ≤ 1`` of ‖f(x) − g_S(x)‖₂: sampling, then gradient ascent.

    f and g_S have no biases, so both are positively homogeneous: f(r x) = r f(x) for r ≥ 0,
    and the error at r x is r times the error at x. The supremum over the ball is therefore
    reached on the unit sphere, and the function samples ``num_points`` points uniformly on
    the sphere (normalised Gaussian vectors) rather than inside the ball. The
    ``refine_points`` best of them are then improved by ``adversarial_steps`` steps of
    projected gradient ascent on ‖f(x) − g_S(x)‖₂: x ← P(x + s_t·∇/‖∇‖), P the projection onto
    the ball, with step s_t decaying geometrically from 0.1 to 0.001. The largest error seen at
    any point is returned. Every point is feasible, so the result is at most the true
    supremum, hence at most :func:`certified_error_bound`.

    Args:
        pruned: a :class:`PrunedNetwork`.
        target_weights: W_1, …, W_l.
        num_points: points sampled on the sphere, ≥ 1.
        adversarial_steps: gradient steps, ≥ 0 (0: sampling only).
        refine_points: how many of the best points are refined, ≥ 1.
        generator: a ``torch.Generator`` for the sample; None uses torch's global one.

    Returns:
        The largest ‖f(x) − g_S(x)‖₂ found, a float.
    """
    if not isinstance(pruned, PrunedNetwork):
        raise TypeError(f"pruned must be a PrunedNetwork; got {type(pruned).__name__}")
    network = pruned.network
    targets, _ = _check_targets(target_weights, network.widths, network.device)
    return search_sup_error(
        targets,
        pruned.pruned_weights(),
        num_points=num_points,
        adversarial_steps=adversarial_steps,
        refine_points=refine_points,
        generator=generator,
    )


# ----------------------------------------------------------------------------------------
# Targets
# ----------------------------------------------------------------------------------------


def target_forward(target_weights: Sequence, x) -> torch.Tensor:
    """f(x) = W_l σ(W_{l−1} … σ(W_1 x)), float64, for x ``(N, d_0)`` or ``(d_0,)``.

    The weights are not checked against the class (any bias-free ReLU network works).
    """
    weights = _as_weight_list(target_weights)
    x = check_input(x, weights[0].shape[1], weights[0].device)
    for index in range(1, len(weights)):
        if weights[index].shape[1] != weights[index - 1].shape[0]:
            raise ValueError(
                f"target_weights[{index}] has {weights[index].shape[1]} columns but target_weights[{index - 1}] "
                f"has {weights[index - 1].shape[0]} rows"
            )
    return forward(weights, x)


def random_target(
    widths: Sequence[int],
    *,
    spectral_norm: float = 1.0,
    generator: torch.Generator | None = None,
    device: str | torch.device | None = None,
) -> list[torch.Tensor]:
    """A random target of the class: W_i = s · G_i / ‖G_i‖₂ with G_i standard Gaussian.

    Every layer has spectral norm exactly ``spectral_norm`` (up to rounding, well within
    :data:`SPECTRAL_NORM_TOLERANCE`); norm 1 is the boundary of the class and the hardest case
    for the error propagation. No biases. Drawn on the generator's device, then moved.

    Args:
        widths: (d_0, …, d_l).
        spectral_norm: s ∈ (0, 1].
        generator: a ``torch.Generator``; None uses torch's global one.
        device: None = CUDA if available, else CPU.

    Returns:
        [W_1, …, W_l], float64, W_i of shape ``(d_i, d_{i−1})``.
    """
    widths = check_widths(widths)
    spectral_norm = check_float("spectral_norm", spectral_norm, low=0.0, high=1.0, low_inclusive=False)
    generator = check_generator(generator)
    device = resolve_device(device)
    source = generator.device if generator is not None else torch.device("cpu")
    weights = []
    for d_in, d_out in zip(widths[:-1], widths[1:]):
        gaussian = torch.randn(d_out, d_in, generator=generator, dtype=torch.float64, device=source)
        weights.append((gaussian * (spectral_norm / torch.linalg.matrix_norm(gaussian, ord=2))).to(device))
    return weights


def normalize_to_class(weights: Sequence) -> list[torch.Tensor]:
    """Divide each layer by its spectral norm, W_i / ‖W_i‖₂, so that the network is in the class.

    For a bias-free ReLU network this multiplies the output by the positive constant
    1/Π_i ‖W_i‖₂ (σ is positively homogeneous), so a classifier's predicted class
    (the argmax) does not change. Use it to prune a trained network (chapter 6). A zero
    matrix is left as it is.

    Args:
        weights: W_1, …, W_l (tensors or arrays, e.g. ``[layer.weight for layer in linears]``).

    Returns:
        list of float64 tensors on the weights' devices.
    """
    result = []
    for weight in _as_weight_list(weights):
        norm = torch.linalg.matrix_norm(weight, ord=2)
        result.append(weight / norm if norm > 0 else weight.clone())
    return result


# ----------------------------------------------------------------------------------------
# Width formulas
# ----------------------------------------------------------------------------------------


def per_instance_budget(
    eps: float,
    delta: float,
    d_in: int | None = None,
    d_out: int | None = None,
    depth: int | None = None,
    *,
    widths: Sequence[int] | None = None,
) -> tuple[float, float]:
    """(ε′, δ′): the error and failure probability each SubsetSum instance may have.

    The error bound of :func:`certified_error_bound` stays below ε when Σ_i η_i ≤ ε/2, since
    then e_l ≤ exp(ε/2) − 1 < ε for ε ≤ 1. If every residual is at most ε′ in size,
    η_i ≤ ‖E_i‖_F ≤ ε′ √(2 d_{i−1} d_i) (E_1 has 2 d_0 d_1 entries), so it suffices that::

        ε′ = ε / (2 l √(2 d_in d_out)),    δ′ = δ / (2 l d_in d_out),

    with d_in d_out the largest d_{i−1} d_i, and δ′ from a union bound over the at most
    2 l d_in d_out instances (two halves per target weight).

    Args:
        eps: target error ε ∈ (0, 1].
        delta: failure probability δ ∈ (0, 1).
        d_in, d_out: the largest layer's input and output widths (for a target with several
            widths, those maximising d_{i−1}·d_i).
        depth: l ≥ 1.
        widths: instead of d_in, d_out and depth (keyword only): the target's widths
            (d_0, …, d_l), from which the largest layer and l are read.

    Examples:
        >>> per_instance_budget(0.1, 0.1, widths=(4, 8, 2)) == per_instance_budget(0.1, 0.1, 4, 8, 2)
        True
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False)
    delta = check_float("delta", delta, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    d_in, d_out, depth = _layer_sizes(d_in, d_out, depth, widths)
    return eps / (2 * depth * math.sqrt(2 * d_in * d_out)), delta / (2 * depth * d_in * d_out)


def required_n(
    eps: float,
    delta: float,
    d_in: int | None = None,
    d_out: int | None = None,
    depth: int | None = None,
    constant: float | None = None,
    *,
    widths: Sequence[int] | None = None,
) -> int:
    """The n of Theorem 1: n = ⌈C · log₂(2 / min(ε′, δ′))⌉ with (ε′, δ′) of :func:`per_instance_budget`.

    The half-block lemma (chapter 4; Lueker's theorem for the law of the construction's
    instances, with constant C): with probability at least 1 − ε″, one half of a block of 2n
    units, an instance of the **half-block law** (:data:`lthbook.subset_sum.HALF_BLOCK`, a
    Binomial(2n, ½) number of product coefficients), approximates every target in [−1, 1]
    within ε″ once n ≥ C log₂(2/ε″) (:func:`half_block_n`). Taking ε″ = min(ε′, δ′), every
    instance of every layer has error at most ε′ for every target of the class
    (|W_ij| ≤ ‖W_i‖₂ ≤ 1) except with probability at most (number of instances)·δ′ ≤ δ, and
    then :func:`certified_error_bound` is below ε. Blocks have 2n units, so the width factor is
    m_i / d_{i−1} = 2n (:func:`width_factor`): O(log(d l / min(ε, δ))) =
    O(log(d l) + log(1/ε) + log(1/δ)).

    **What C is.** The default, :data:`MEASURED_CONSTANT`, is a measurement, not a proven
    constant: chapter 2 measures it for the half-block law (:func:`lthbook.subset_sum.measure_constant`)
    on every ε″ in [0.001, 1/(2√2)] (the comment above :data:`MEASURED_CONSTANT`), which
    contains every ε″ ≥ 0.001 this function can produce (ε″ ≤ ε′ ≤ 1/(2√2) ≈ 0.354), taking
    the upper end of a bootstrap interval;
    :func:`half_block_check` re-tests it on fresh draws. The theorem's own ε″ (about 1e-4 to
    1e-9 for the networks of the book) lie far below that range: there the constant is an
    extrapolation, resting on Lueker's theorem (some constant works at every ε″, so n grows
    like log(1/ε″)) and on the measured ratio n*(ε″)/log₂(2/ε″) falling as ε″ shrinks on the
    measured range, not on a proof.

    Args:
        eps, delta, d_in, d_out, depth: as for :func:`per_instance_budget`.
        constant: C > 0; ``None`` reads :data:`MEASURED_CONSTANT` (chapter 2's half-block
            measurement) at call time.
        widths: instead of d_in, d_out and depth (keyword only), as for :func:`per_instance_budget`.

    Returns:
        n ≥ 1.
    """
    eps_prime, delta_prime = per_instance_budget(eps, delta, d_in, d_out, depth, widths=widths)
    return half_block_n(min(eps_prime, delta_prime), constant)


def half_block_n(eps: float, constant: float | None = None) -> int:
    """The n of the half-block lemma for failure probability and error ε″: n = ⌈C log₂(2/ε″)⌉ (≥ 1).

    The lemma (chapter 4, "One half of a block"): a block of 2n units whose weights are i.i.d.
    U[−1, 1] gives each of its halves a SubsetSum instance of the **half-block law**
    (:data:`lthbook.subset_sum.HALF_BLOCK`: a Binomial(2n, ½) number of product coefficients);
    once n ≥ C log₂(2/ε″), such an instance ε″-approximates every z ∈ [−1, 1] except with
    probability at most ε″. :func:`required_n` is ``half_block_n(min(ε′, δ′))``, and
    :func:`half_block_check` measures whether the failure probability at this n really is at
    most ε″.

    Args:
        eps: ε″ ∈ (0, 1).
        constant: C > 0; ``None`` reads :data:`MEASURED_CONSTANT` at call time.

    Examples:
        >>> half_block_n(0.1, constant=2.0)  # ⌈2 · log₂ 20⌉ = ⌈8.64⌉
        9
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    if constant is None:
        constant = MEASURED_CONSTANT
    constant = check_float("constant", constant, low=0.0, low_inclusive=False)
    return max(1, math.ceil(constant * math.log2(2.0 / eps)))


@dataclass(frozen=True)
class HalfBlockCheck:
    """The half-block lemma put to the test at its own n: measured failure rates against ε″.

    For each ε″ of the grid, n = :func:`half_block_n` (ε″, C) and ``rates[k]`` is the measured
    failure rate of the half-block law at (n, ε″) with its Wilson interval
    (:class:`lthbook.subset_sum.FailureRate`). The lemma says the true rate is at most ε″.

    Attributes:
        constant: the C tested.
        eps_grid: the ε″ values.
        n: the lemma's n for each ε″.
        rates: the measurements, one :class:`lthbook.subset_sum.FailureRate` per ε″.
        contradicted: the ε″ whose interval lies entirely above ε″ (lower end > ε″): there the
            measurement contradicts the lemma with this C, so C is too small.
    """

    constant: float
    eps_grid: tuple[float, ...]
    n: tuple[int, ...]
    rates: tuple
    contradicted: tuple[float, ...]

    @property
    def holds(self) -> bool:
        """True when no ε″ of the grid contradicts the lemma with this C."""
        return not self.contradicted

    def verdict(self) -> str:
        """One line: where the measured failure rate is significantly above ε″ (or nowhere)."""
        where = ", ".join(f"{eps:g}" for eps in self.contradicted) if self.contradicted else "none"
        return (
            f"C = {self.constant:g}: ε″ where the failure rate is significantly above ε″ "
            f"(the lemma fails, C too small): {where}"
        )

    def table(self) -> str:
        """A text table: ε″, n, failures/draws, rate, interval, and whether ε″ is contradicted."""
        lines = [f"{'ε″':>7} {'n':>4} {'failures':>12} {'rate':>7} {'interval':>18}  rate ≤ ε″?"]
        for eps, n, rate in zip(self.eps_grid, self.n, self.rates):
            low, high = rate.interval
            if low > eps:
                state = "no: significantly above"
            elif high < eps:
                state = "yes, significantly below"
            else:
                state = "consistent"
            lines.append(
                f"{eps:7.3g} {n:4d} {rate.failures:>5,d}/{rate.draws:<6,d} {rate.rate:7.4f} "
                f"[{low:.4f}, {high:.4f}]  {state}"
            )
        return "\n".join(lines)


def half_block_check(
    eps_grid: Sequence[float],
    draws: int,
    *,
    constant: float | None = None,
    seed: int = 0,
    confidence: float = 0.95,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> HalfBlockCheck:
    """Measure the half-block lemma's failure rate at its n, for each ε″ of a grid, against ε″.

    Theorem 1's proof needs one assumption, the half-block lemma: at n = ⌈C log₂(2/ε″)⌉ one
    half of a block fails to ε″-approximate all of [−1, 1] with probability at most ε″. At the
    theorem's own ε″ (1e-5 … 1e-8) such rates cannot be measured; at ε″ of a few percent they
    can, and a C that is too small shows there: the lemma's n is then too small and the rate
    exceeds ε″. For each ε″ this calls :func:`lthbook.subset_sum.failure_rate` with the
    half-block law (:data:`lthbook.subset_sum.HALF_BLOCK`), n = :func:`half_block_n` (ε″, C),
    ``draws`` fresh draws (seed ``seed + k`` for the k-th ε″) and a Wilson interval, and
    records ε″ as **contradicted** when the whole interval lies above ε″. So the verdict is
    one a wrong C flips: ``tests/test_failure_experiment.py`` checks that C = 2 is contradicted
    and the measured constant is not. Chapter 4's section on failures runs it.

    Args:
        eps_grid: ε″ values in (0, 1), at least one; each needs well over 1/ε″ draws to have
            any power.
        draws: draws per ε″, ≥ 1.
        constant: the C to test; ``None`` reads :data:`MEASURED_CONSTANT` at call time.
        seed: base seed, ≥ 0.
        confidence: coverage of the Wilson intervals, in (0, 1).
        device: where the coefficients are drawn before the CPU pass of ``failure_rate``;
            None = CUDA if available, else CPU.
        progress: show a progress bar over the grid.

    Returns:
        :class:`HalfBlockCheck`.

    Examples:
        >>> check = half_block_check([0.2], 500, constant=2.0, device="cpu")
        >>> check.n, check.holds
        ((7,), False)
    """
    from .subset_sum import HALF_BLOCK, failure_rate

    if isinstance(eps_grid, (str, bytes)) or not isinstance(eps_grid, Sequence) or len(eps_grid) == 0:
        raise TypeError("eps_grid must be a non-empty sequence of floats in (0, 1)")
    grid = tuple(
        check_float(f"eps_grid[{k}]", eps, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
        for k, eps in enumerate(eps_grid)
    )
    draws = check_int("draws", draws, low=1)
    if constant is None:
        constant = MEASURED_CONSTANT
    constant = check_float("constant", constant, low=0.0, low_inclusive=False)
    seed = check_int("seed", seed, low=0)
    confidence = check_float("confidence", confidence, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    progress = check_bool("progress", progress)
    device = resolve_device(device)
    sizes = tuple(half_block_n(eps, constant) for eps in grid)
    cases = tqdm(list(zip(grid, sizes)), desc="half-block failure rates", disable=not progress)
    rates = tuple(
        failure_rate(HALF_BLOCK, n, eps, draws, seed=seed + k, confidence=confidence, device=device)
        for k, (eps, n) in enumerate(cases)
    )
    contradicted = tuple(eps for eps, rate in zip(grid, rates) if rate.interval[0] > eps)
    return HalfBlockCheck(constant=constant, eps_grid=grid, n=sizes, rates=rates, contradicted=contradicted)


def width_factor(
    eps: float,
    delta: float,
    d_in: int | None = None,
    d_out: int | None = None,
    depth: int | None = None,
    constant: float | None = None,
    *,
    widths: Sequence[int] | None = None,
) -> int:
    """m_i / d_{i−1} = 2n, how many times wider than the target layer the random one is (ours).

    2n = 2⌈C log₂(2/min(ε′, δ′))⌉ = O(log(d l) + log(1/ε) + log(1/δ)) (:func:`required_n`). The
    lower bound of chapter 5 is Ω(log(1/ε)) for depth-2 networks, so the gap is an additive
    O(log(d l/δ)) term, not a factor: as ε → 0 at fixed d, l, δ the ratio
    2n / log₂(1/ε) tends to 2C, the same constant for every d (chapter 4 plots it). This is
    the sense in which Pensia et al. call the width "essentially optimal".

    Arguments as for :func:`required_n` (``widths=`` instead of d_in, d_out, depth).

    Examples:
        >>> width_factor(0.01, 0.01, 784, 500, 2, constant=4.0)
        226
        >>> width_factor(0.01, 0.01, widths=(784, 500, 10), constant=4.0)
        226
    """
    return 2 * required_n(eps, delta, d_in, d_out, depth, constant, widths=widths)


def malach_width_factor(eps: float, delta: float, d: int, depth: int) -> float:
    """A width factor of the order of Malach et al. (2020), for comparison plots: d⁴ l² / ε² · ln(d l / δ).

    Sources, exactly: Pensia et al. (2020) summarise Malach et al.'s construction as a random
    network "a factor O(d⁴l²) wider" than a target of width d and depth l (their abstract);
    the dependence on ε and δ written here, 1/ε² · log(d l / δ), is **this book's reading**
    of how Malach et al.'s width grows with 1/ε and δ (their construction matches each target
    weight by one random weight close to it), not a formula quoted from either paper. The
    constants of the O are set to 1 (and the logarithm is natural): this is an order of growth
    for plots, not a sufficient width.

    Args:
        eps: ε ∈ (0, 1]; delta: δ ∈ (0, 1); d: target width ≥ 1; depth: l ≥ 1.
    """
    eps = check_float("eps", eps, low=0.0, high=1.0, low_inclusive=False)
    delta = check_float("delta", delta, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    d = check_int("d", d, low=1)
    depth = check_int("depth", depth, low=1)
    return d**4 * depth**2 / eps**2 * math.log(d * depth / delta)


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def _layer_sizes(d_in, d_out, depth, widths) -> tuple[int, int, int]:
    """(d_in, d_out, l): as given, or read from ``widths`` (the layer maximising d_{i−1}·d_i)."""
    if widths is None:
        if d_in is None or d_out is None or depth is None:
            raise TypeError("give d_in, d_out and depth, or widths=(d_0, ..., d_l) instead")
        return check_int("d_in", d_in, low=1), check_int("d_out", d_out, low=1), check_int("depth", depth, low=1)
    if d_in is not None or d_out is not None or depth is not None:
        raise TypeError("give either widths=(d_0, ..., d_l) or d_in, d_out and depth, not both")
    widths = check_widths(widths)
    d_in, d_out = max(zip(widths[:-1], widths[1:]), key=lambda pair: pair[0] * pair[1])
    return d_in, d_out, len(widths) - 1


def _check_targets(target_weights, widths, device) -> tuple[list[torch.Tensor], list[float]]:
    """:func:`lthbook._networks.check_target_weights` with this module's wording of the errors."""
    return check_target_weights(
        target_weights,
        widths,
        device,
        shape_context=" to match the random network",
        norm_hint="divide by the norm with normalize_to_class",
    )


def _block_size(layer: int, n: int, positive_inputs_only: bool) -> int:
    """b_i: 2n units per input coordinate, n for layers i ≥ 2 with positive inputs only."""
    return n if (positive_inputs_only and layer >= 2) else 2 * n


def _as_weight_list(weights) -> list[torch.Tensor]:
    if isinstance(weights, torch.Tensor) or not isinstance(weights, Sequence) or len(weights) == 0:
        raise TypeError("target_weights must be a non-empty list or tuple of 2-D tensors W_1, ..., W_l")
    result = []
    for index, weight in enumerate(weights):
        device = weight.device if isinstance(weight, torch.Tensor) else torch.device("cpu")
        result.append(as_float64_tensor(f"target_weights[{index}]", weight, device=device, ndim=(2,)))
    return result


@dataclass(frozen=True)
class FailureExperiment:
    """How often a fresh random network fails, against n (chapter 4's failure experiment).

    Attributes:
        widths: the target class (d_0, …, d_l).
        ns: the values of n tried.
        trials: fresh (network, target) pairs per n.
        eps: the tolerance ε of the certificate.
        eps_prime: the per-instance tolerance ε′ of :func:`per_instance_budget`.
        instances: SubsetSum instances per network (both halves of every weight of W_1, one half
            of every later weight, as :func:`prune_to` builds them).
        certificate_fails: per n, the trials whose certified bound is at least ε.
        proof_fails: per n, the trials in which some instance misses ε′ (the proof's bad event).
        instance_rate: per n, the share of all instances that miss ε′.
    """

    widths: tuple[int, ...]
    ns: tuple[int, ...]
    trials: int
    eps: float
    eps_prime: float
    instances: int
    certificate_fails: tuple[int, ...]
    proof_fails: tuple[int, ...]
    instance_rate: tuple[float, ...]

    def union_bound(self) -> list[float]:
        """Per n, min(1, instances × measured instance rate): the union bound the proof uses."""
        return [min(1.0, self.instances * rate) for rate in self.instance_rate]

    def table(self) -> str:
        """The chapter's table: failure shares with 95% Wilson intervals, the proof's event, the union bound."""
        from .stats import wilson_interval

        lines = [
            f"class {self.widths}, eps = {self.eps}, eps' = {self.eps_prime:.2e}, "
            f"{self.instances} instances per network",
            " n  certificate fails [95% int.]  proof's event  union bound",
        ]
        for n, c, p, bound in zip(self.ns, self.certificate_fails, self.proof_fails, self.union_bound()):
            low, high = wilson_interval(int(c), self.trials)
            lines.append(
                f"{n:2d}  {c / self.trials:5.0%} [{low:4.0%}, {high:4.0%}]{p / self.trials:20.0%}{bound:13.2f}"
            )
        return "\n".join(lines)


def failure_experiment(
    widths: Sequence[int],
    ns: Sequence[int],
    trials: int,
    *,
    eps: float,
    delta: float,
    generator: torch.Generator,
    device: str | torch.device | None = None,
    progress: bool = True,
) -> FailureExperiment:
    """For each n, prune ``trials`` fresh random networks to fresh random targets and count the failures.

    For every n of ``ns`` and every trial, in this order: a random network
    (:meth:`RandomNetwork.sample`) and a random target (:func:`random_target`) are drawn from
    ``generator``, the network is pruned to the target with the theorem's construction (no cap),
    and the trial counts as a certificate failure when :func:`certified_error_bound` is at least
    ε, as a failure of the proof's event when some SubsetSum residual exceeds ε′ (chapter 4).

    Args:
        widths: the target class (d_0, …, d_l).
        ns: values of n, each ≥ 1.
        trials: networks per n, ≥ 1.
        eps, delta: ε > 0 and δ in (0, 1), for ε′ = :func:`per_instance_budget`'s first value.
        generator: a CPU ``torch.Generator`` (every draw comes from it, in order).
        device: where to compute; ``None``: CUDA if available, else CPU.
        progress: show a progress bar over ``ns``.
    """
    widths = check_widths(widths)
    ns = tuple(check_int(f"ns[{k}]", n, low=1) for k, n in enumerate(ns))
    trials = check_int("trials", trials, low=1)
    eps = check_float("eps", eps, low=0.0, low_inclusive=False)
    check_generator(generator, cpu_only=True)
    eps_prime, _ = per_instance_budget(eps, delta, widths=widths)
    instances = 2 * widths[0] * widths[1] + sum(a * b for a, b in zip(widths[1:-1], widths[2:]))
    cert_fails, proof_fails, instance_rate = [], [], []
    for n in tqdm(ns, desc="failures against n", disable=not progress, leave=True):
        cert_fail = proof_fail = bad_instances = 0
        for _ in range(trials):
            network = RandomNetwork.sample(widths, n, generator=generator, device=device)
            target = random_target(widths, generator=generator, device=device)
            ticket = prune_to(network, target)  # the theorem's construction, no cap
            first_negative = ticket.negative_residuals[0]
            assert first_negative is not None  # layer 1 always builds both halves (prune_to)
            halves = [first_negative, *ticket.positive_residuals]
            residuals = torch.cat([r.flatten() for r in halves]).abs()
            if residuals.numel() != instances:
                raise RuntimeError(f"expected {instances} SubsetSum instances, found {residuals.numel()}")
            cert_fail += bool(certified_error_bound(ticket, target).bound >= eps)
            proof_fail += bool((residuals > eps_prime).any())
            bad_instances += int((residuals > eps_prime).sum())
        cert_fails.append(cert_fail)
        proof_fails.append(proof_fail)
        instance_rate.append(bad_instances / (trials * instances))
    return FailureExperiment(
        tuple(widths),
        ns,
        trials,
        eps,
        eps_prime,
        instances,
        tuple(cert_fails),
        tuple(proof_fails),
        tuple(instance_rate),
    )


def ticket_size_table(network: RandomNetwork, ticket: PrunedNetwork, target_weights: Sequence) -> str:
    """Chapter 4's table of a ticket's size: per matrix M_k its shape, weights, kept weights and pruned share.

    Args:
        network: the random network that was pruned.
        ticket: the result of :func:`prune_to` on ``network``.
        target_weights: the target (for the count of kept weights per target weight).
    """
    if not isinstance(network, RandomNetwork) or not isinstance(ticket, PrunedNetwork):
        raise TypeError("network must be a RandomNetwork and ticket the PrunedNetwork prune_to made from it")
    kept, sparsity = ticket.kept_counts(), ticket.sparsity()
    sizes = [M.numel() for M in network.weights]
    lines = [f"{'layer':6s} {'shape':>12s} {'weights':>9s} {'kept':>7s} {'pruned':>8s}"]
    for k, (M, size, keep, s) in enumerate(zip(network.weights, sizes, kept, sparsity), start=1):
        lines.append(f"M_{k:<4d} {str(tuple(M.shape)):>12s} {size:9,d} {keep:7,d} {s:8.2%}")
    target_size = sum(w.numel() for w in target_weights)
    lines.append(f"total: {sum(kept):,} of {sum(sizes):,} random weights kept ({sum(kept) / sum(sizes):.2%})")
    lines.append(f"the target has {target_size:,} weights: {sum(kept) / target_size:.1f} kept per target weight")
    return "\n".join(lines)
