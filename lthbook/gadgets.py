"""The ReLU decomposition: pruning a random two-layer gadget to one weight, then to one neuron.

Chapter 3 (``chapters/03_relu_decomposition.ipynb``) derives everything here; chapter 4 uses
the same pruning, row by row, for a whole layer (:func:`lthbook.construction.prune_to`).

The identity
------------
For every real w and x, with σ(t) = max(t, 0) the ReLU::

    w·x = σ(w·x) − σ(−w·x).

So a linear map is a difference of two ReLU units. A random ReLU network cannot choose its
weights, but it can choose which ones to keep, and the gadget below turns that choice into
two SubsetSum problems (:mod:`lthbook.subset_sum`).

One weight
----------
The *gadget* is the random two-layer network::

    g(x) = vᵀ σ(u x) = Σ_k v_k σ(u_k x),   u, v ∈ R^{2n},   entries i.i.d. U[−1, 1].

Hidden unit k computes σ(u_k x). Its sign decides when it fires:

* if u_k > 0, then σ(u_k x) = u_k · x for x ≥ 0 and 0 for x < 0;
* if u_k < 0, then σ(u_k x) = ``|u_k|`` · (−x) for x < 0 and 0 for x ≥ 0.

Keep a set S = S⁺ ∪ S⁻ of hidden units with S⁺ ⊆ {k : u_k > 0} and S⁻ ⊆ {k : u_k < 0}
(unit k kept means both its edges, u_k and v_k, are kept; every other edge is pruned). The
pruned gadget is then, exactly::

    g_S(x) =  x · a⁺      for x ≥ 0,    a⁺ = Σ_{k∈S⁺} v_k u_k,
    g_S(x) = (−x) · a⁻    for x < 0,    a⁻ = Σ_{k∈S⁻} v_k |u_k|.

The target is w·x, which for x < 0 reads (−x)·(−w). Hence the two SubsetSum instances:

* the **positive half**: choose S⁺ among the units with u_k > 0, coefficients v_k u_k,
  target **w**;
* the **negative half**: choose S⁻ among the units with u_k < 0, coefficients v_k ``|u_k|``,
  target **−w**.

The coefficients are products of two independent U[−1, 1] variables (up to sign), the law
``"product"`` of :func:`lthbook.subset_sum.sample_coefficients`, which contains a uniform
component, so Lueker's theorem applies. With the residuals r⁺ = a⁺ − w and r⁻ = a⁻ + w
(value minus target of each instance)::

    g_S(x) − w x =   x  · r⁺   for x ≥ 0,
    g_S(x) − w x = (−x) · r⁻   for x < 0.

The error is linear on [0, 1] and on [−1, 0] and vanishes at 0, so its largest absolute value
on [−1, 1] is reached at x = 1 or x = −1::

    sup_{x∈[−1,1]} |w x − g_S(x)| = max(|r⁺|, |r⁻|),

**exactly** the larger of the two SubsetSum errors (:func:`gadget_sup_error`). The number of
units of each sign is random, Binomial(2n, 1/2), n on average; an instance uses all units of
its sign (or, with ``max_coefficients``, a sign-balanced part of them: a speed knob).

**Nonnegative inputs.** Inputs that are ReLU outputs are ≥ 0: only the positive half is ever
used. ``positive_inputs_only=True`` gives a gadget of n units (not 2n) and solves only the
positive half; its units with u_k < 0 never fire on x ≥ 0 and are pruned. With i.i.d. signs
about n/2 of the n units are usable, against about n for each half of the 2n-unit gadget.

One neuron
----------
The target neuron x ↦ wᵀx = Σ_j w_j x_j with w ∈ R^d is a sum of d weights, so its gadget is
d weight gadgets side by side: the first layer is block diagonal (hidden units
j·2n, …, j·2n + 2n − 1 see only x_j) and one output sums all blocks. With the residuals r⁺_j,
r⁻_j of block j, for x in the unit ball::

    g_S(x) − wᵀx = Σ_j |x_j| · q_j(x),   q_j(x) = r⁺_j if x_j ≥ 0 else r⁻_j,

and :func:`neuron_sup_error` computes its exact supremum over ``‖x‖₂ ≤ 1`` (the formula is in
its docstring); it is at most ‖e‖₂ with e_j = max(``|r⁺_j|``, ``|r⁻_j|``)
(:func:`neuron_error_bound`, by Cauchy–Schwarz).

The functions of this module
----------------------------
* :class:`RandomGadget`, :func:`sample_weight_gadget`, :func:`sample_neuron_gadget` — the random
  gadgets, before pruning;
* :class:`WeightGadget`, :func:`prune_weight_gadget`, :func:`gadget_forward`,
  :func:`gadget_sup_error` — one weight (batched over many weights w);
* :class:`NeuronGadget`, :func:`prune_neuron_gadget`, :func:`neuron_forward`,
  :func:`neuron_sup_error`, :func:`neuron_worst_input`, :func:`neuron_error_bound` — one neuron.

The masks (``first_mask``, ``second_mask``) say which edges survive; :mod:`lthbook.diagrams`
draws them. Everything is float64.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ._validation import as_float64_tensor, check_int, resolve_device
from .subset_sum import solve

__all__ = [
    "relu_identity",
    "RandomGadget",
    "sample_weight_gadget",
    "sample_neuron_gadget",
    "WeightGadget",
    "prune_weight_gadget",
    "gadget_forward",
    "gadget_sup_error",
    "NeuronGadget",
    "prune_neuron_gadget",
    "neuron_forward",
    "neuron_sup_error",
    "neuron_worst_input",
    "neuron_error_bound",
]


# ----------------------------------------------------------------------------------------
# The identity
# ----------------------------------------------------------------------------------------


def relu_identity(w, x) -> torch.Tensor:
    """σ(w·x) − σ(−w·x), which equals w·x for all real w and x (chapter 3's starting point).

    Args:
        w: weights, a tensor or array broadcastable against ``x``.
        x: inputs.

    Returns:
        float64 tensor of the broadcast shape (on the device of ``w`` if it is a tensor).
    """
    device = w.device if isinstance(w, torch.Tensor) else torch.device("cpu")
    w = as_float64_tensor("w", w, device=device)
    x = as_float64_tensor("x", x, device=device)
    return torch.relu(w * x) - torch.relu(-w * x)


# ----------------------------------------------------------------------------------------
# Random gadgets
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RandomGadget:
    """A batch of B random two-layer gadgets g(x) = vᵀσ(u x), before pruning.

    Attributes:
        u: float64 ``(B, U)``, first-layer weights (input x → hidden unit k).
        v: float64 ``(B, U)``, second-layer weights (hidden unit k → output).
        positive_inputs_only: the gadget serves inputs x ≥ 0 only (U = n units instead of 2n).

    U is the number of hidden units: 2n, or n when ``positive_inputs_only``.
    """

    u: torch.Tensor
    v: torch.Tensor
    positive_inputs_only: bool = False

    @property
    def batch(self) -> int:
        """B, the number of gadgets."""
        return self.u.shape[0]

    @property
    def units(self) -> int:
        """U, hidden units per gadget."""
        return self.u.shape[1]


def sample_weight_gadget(
    n: int,
    *,
    batch: int = 1,
    positive_inputs_only: bool = False,
    generator: torch.Generator | None = None,
    device: str | torch.device | None = None,
) -> RandomGadget:
    """Draw B random gadgets with u, v i.i.d. U[−1, 1]: 2n hidden units each (n if positive inputs only).

    One gadget (``batch=1``) can be pruned to any number of target weights at once
    (:func:`prune_weight_gadget` broadcasts it): that is the "for every w" of Lueker's theorem.
    The numbers are drawn on the generator's device (the CPU without one), u before v, then
    moved to ``device``, so a seed gives the same gadget on every device.

    Args:
        n: the gadget's size parameter, n ≥ 1 (hidden units: 2n, or n).
        batch: number of independent gadgets B ≥ 1.
        positive_inputs_only: draw n units for inputs x ≥ 0 only (see the module docstring).
        generator: a ``torch.Generator`` for reproducibility; None uses torch's global one.
        device: where the result lives; None = CUDA if available, else CPU.

    Returns:
        :class:`RandomGadget` with ``u``, ``v`` of shape ``(batch, 2n)`` (or ``(batch, n)``).
    """
    n = check_int("n", n, low=1)
    batch = check_int("batch", batch, low=1)
    positive_inputs_only = _check_bool("positive_inputs_only", positive_inputs_only)
    generator = _check_generator(generator)
    device = resolve_device(device)
    units = n if positive_inputs_only else 2 * n
    u = _uniform((batch, units), generator).to(device)
    v = _uniform((batch, units), generator).to(device)
    return RandomGadget(u=u, v=v, positive_inputs_only=positive_inputs_only)


def sample_neuron_gadget(
    d: int,
    n: int,
    *,
    positive_inputs_only: bool = False,
    generator: torch.Generator | None = None,
    device: str | torch.device | None = None,
) -> RandomGadget:
    """The random gadget of one neuron with d inputs: d independent weight gadgets, block j for x_j.

    As a network it is a first layer of d·2n hidden units, block diagonal after pruning (block
    j sees only x_j), and one output; here it is stored as d weight gadgets (``batch = d``).

    Args:
        d: number of inputs, d ≥ 1.
        n: size parameter of each block (2n units, or n with ``positive_inputs_only``).
        positive_inputs_only: the neuron's inputs are ≥ 0 (ReLU outputs).
        generator: a ``torch.Generator``; None uses torch's global one.
        device: where the result lives; None = CUDA if available, else CPU.
    """
    d = check_int("d", d, low=1)
    return sample_weight_gadget(
        n, batch=d, positive_inputs_only=positive_inputs_only, generator=generator, device=device
    )


# ----------------------------------------------------------------------------------------
# One weight
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WeightGadget:
    """B gadgets, each pruned to its target weight w_b.

    Attributes:
        u: float64 ``(B, U)``, the random first-layer weights (unchanged by pruning).
        v: float64 ``(B, U)``, the random second-layer weights (unchanged by pruning).
        w: float64 ``(B,)``, the target weights.
        first_mask: bool ``(B, U)``; edge x → unit k survives. Equals ``second_mask``: a unit
            is kept whole (both edges) or pruned whole.
        second_mask: bool ``(B, U)``; edge unit k → output survives.
        positive_residual: float64 ``(B,)``, r⁺ = a⁺ − w = Σ_{k∈S⁺} v_k u_k − w.
        negative_residual: float64 ``(B,)``, r⁻ = a⁻ + w = Σ_{k∈S⁻} v_k ``|u_k|`` + w;
            ``None`` for a gadget with ``positive_inputs_only``.
        positive_inputs_only: the gadget serves x ∈ [0, 1] only.
    """

    u: torch.Tensor
    v: torch.Tensor
    w: torch.Tensor
    first_mask: torch.Tensor
    second_mask: torch.Tensor
    positive_residual: torch.Tensor
    negative_residual: torch.Tensor | None
    positive_inputs_only: bool = False

    @property
    def positive_error(self) -> torch.Tensor:
        """``|r⁺|``, the SubsetSum error of the positive half, ``(B,)``."""
        return self.positive_residual.abs()

    @property
    def negative_error(self) -> torch.Tensor | None:
        """``|r⁻|``, the SubsetSum error of the negative half, ``(B,)`` (None if positive inputs only)."""
        return None if self.negative_residual is None else self.negative_residual.abs()

    @property
    def unit_signs(self) -> torch.Tensor:
        """sign(u_k) as int8 ``(B, U)``: +1 units serve x ≥ 0, −1 units serve x < 0."""
        return torch.sign(self.u).to(torch.int8)

    @property
    def kept_units(self) -> torch.Tensor:
        """Number of kept hidden units per gadget, int64 ``(B,)``."""
        return self.second_mask.sum(dim=1)


def prune_weight_gadget(
    gadget_or_uv: RandomGadget | tuple[torch.Tensor, torch.Tensor],
    w,
    *,
    max_coefficients: int | None = None,
    positive_inputs_only: bool | None = None,
) -> WeightGadget:
    """Prune random gadgets to target weights w: one exact SubsetSum solve per half.

    For gadget b and target w_b (derivation in the module docstring):

    * S⁺ ⊆ {k : u_k > 0} minimises ``|w_b − Σ_{k∈S⁺} v_k u_k|`` (the positive half);
    * S⁻ ⊆ {k : u_k < 0} minimises ``|−w_b − Σ_{k∈S⁻} v_k |u_k||`` (the negative half),

    both by :func:`lthbook.subset_sum.solve` (exact optimum), batched over all B targets.
    The masks keep the units of S⁺ ∪ S⁻ (both their edges) and prune every other edge; a
    unit of the wrong sign for a half is never among that half's coefficients. As the number
    of units of each sign varies from gadget to gadget, instances are grouped by their size
    and each group is one ``solve`` call (at most U calls in all).

    Args:
        gadget_or_uv: a :class:`RandomGadget` of batch 1 or B, or a pair ``(u, v)`` of tensors
            ``(U,)`` or ``(B, U)``.
        w: target weights, ``(B,)`` or a scalar; any real numbers, though the guarantee of
            Lueker's theorem is for w ∈ [−1, 1].
        max_coefficients: use at most c coefficients per instance, half of each sign of
            coefficient where possible (the first ones in index order; the scarce sign is
            topped up by the other); the half's other units are pruned. None uses all. A speed
            knob: solve's time grows like 2^{k/2} with k coefficients, and balanced signs keep
            every target in [−1, 1] within reach of the sums.
        positive_inputs_only: solve the positive half only. None takes the gadget's own flag
            (False for a pair ``(u, v)``).

    Returns:
        :class:`WeightGadget` with B = ``len(w)``.
    """
    gadget = _as_random_gadget(gadget_or_uv, positive_inputs_only)
    device = gadget.u.device
    w = as_float64_tensor("w", w, device=device, ndim=(0, 1)).reshape(-1)
    if w.shape[0] == 0:
        raise ValueError("w must hold at least one target weight")
    if gadget.batch not in (1, w.shape[0]):
        raise ValueError(
            f"the gadget holds {gadget.batch} random gadgets but w has {w.shape[0]} targets; "
            "give one gadget (shared by all targets) or one per target"
        )
    max_coefficients = _check_max_coefficients(max_coefficients)
    u = gadget.u.expand(w.shape[0], -1)
    v = gadget.v.expand(w.shape[0], -1)
    # Gadget b is block b of a network with one output row: first (B, U), second (1, B, U).
    pruning = _prune_blocks(
        u, v.unsqueeze(0), w.unsqueeze(0),
        both_halves=not gadget.positive_inputs_only, max_coefficients=max_coefficients,
    )
    keep = pruning.keep[0]
    negative = None if pruning.negative_residual is None else pruning.negative_residual[0]
    return WeightGadget(
        u=u.clone(), v=v.clone(), w=w, first_mask=keep.clone(), second_mask=keep,
        positive_residual=pruning.positive_residual[0], negative_residual=negative,
        positive_inputs_only=gadget.positive_inputs_only,
    )


def gadget_forward(gadget: RandomGadget | WeightGadget, x) -> torch.Tensor:
    """g(x) = Σ_k v_k σ(u_k x) for every gadget and every input; pruned edges count as 0.

    For a :class:`WeightGadget` this is g_S(x) = Σ_k (s2_k v_k) σ((s1_k u_k) x), with s1, s2 the
    first- and second-layer masks; for a :class:`RandomGadget`, the unpruned g.

    Args:
        gadget: B gadgets, pruned or not.
        x: scalar inputs, ``(N,)`` or a scalar.

    Returns:
        float64 ``(B, N)``.
    """
    if not isinstance(gadget, (RandomGadget, WeightGadget)):
        raise TypeError(f"gadget must be a RandomGadget or a WeightGadget; got {type(gadget).__name__}")
    x = as_float64_tensor("x", x, device=gadget.u.device, ndim=(0, 1)).reshape(-1)
    u, v = gadget.u, gadget.v
    if isinstance(gadget, WeightGadget):
        u = u * gadget.first_mask
        v = v * gadget.second_mask
    hidden = torch.relu(u.unsqueeze(2) * x)  # (B, U, N): σ(u_k x)
    return torch.einsum("bk,bkn->bn", v, hidden)


def gadget_sup_error(gadget: WeightGadget) -> torch.Tensor:
    """sup over x ∈ [−1, 1] of ``|w x − g_S(x)|``, exactly, for each of the B gadgets.

    On [0, 1] the error is w x − g_S(x) = −x·r⁺, on [−1, 0] it is −(−x)·r⁻ (module docstring):
    linear on each side and 0 at x = 0, so its largest absolute value is at an end point::

        sup_{x∈[−1,1]} |w x − g_S(x)| = max(|w − g_S(1)|, |−w − g_S(−1)|) = max(|r⁺|, |r⁻|).

    The function evaluates the pruned gadget itself at x = ±1 (it does not reuse the solver's
    numbers). For a gadget with ``positive_inputs_only`` the domain is [0, 1] and the result
    is ``|w − g_S(1)|``.

    Returns:
        float64 ``(B,)``.
    """
    if not isinstance(gadget, WeightGadget):
        raise TypeError(f"gadget must be a WeightGadget (a pruned gadget); got {type(gadget).__name__}")
    ends = torch.tensor([1.0, -1.0], dtype=torch.float64, device=gadget.u.device)
    values = gadget_forward(gadget, ends)  # (B, 2): g_S(1), g_S(−1)
    positive = (gadget.w - values[:, 0]).abs()
    if gadget.positive_inputs_only:
        return positive
    return torch.maximum(positive, (-gadget.w - values[:, 1]).abs())


# ----------------------------------------------------------------------------------------
# One neuron
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NeuronGadget:
    """A random neuron gadget pruned to the target neuron x ↦ wᵀx, w ∈ R^d.

    Attributes:
        blocks: the d pruned weight gadgets; block j approximates x_j ↦ w_j x_j and sees only
            x_j. ``blocks.w`` is w, ``blocks.positive_residual[j]`` is r⁺_j, and so on.
    """

    blocks: WeightGadget

    @property
    def w(self) -> torch.Tensor:
        """The target weights, float64 ``(d,)``."""
        return self.blocks.w

    @property
    def d(self) -> int:
        """Number of inputs."""
        return self.blocks.w.shape[0]

    def first_layer(self) -> torch.Tensor:
        """The pruned first layer as a matrix (S_1 ⊙ M_1), float64 ``(d·U, d)``, block diagonal.

        Row j·U + k holds u_{jk} in column j if unit k of block j is kept, and zeros elsewhere.
        """
        d, units = self.blocks.u.shape
        kept = self.blocks.u * self.blocks.first_mask  # (d, U)
        eye = torch.eye(d, dtype=torch.float64, device=kept.device)
        return (kept.unsqueeze(2) * eye.unsqueeze(1)).reshape(d * units, d)

    def second_layer(self) -> torch.Tensor:
        """The pruned second layer (S_2 ⊙ M_2), float64 ``(1, d·U)``."""
        return (self.blocks.v * self.blocks.second_mask).reshape(1, -1)


def prune_neuron_gadget(gadget: RandomGadget, w, *, max_coefficients: int | None = None) -> NeuronGadget:
    """Prune a random neuron gadget (:func:`sample_neuron_gadget`) to the neuron x ↦ wᵀx.

    Block j is a weight gadget pruned to w_j (:func:`prune_weight_gadget`): 2d SubsetSum
    instances (d with ``positive_inputs_only``), solved together.

    Args:
        gadget: a :class:`RandomGadget` with ``batch = d``.
        w: the target weights, ``(d,)``.
        max_coefficients: as in :func:`prune_weight_gadget`.
    """
    if not isinstance(gadget, RandomGadget):
        raise TypeError(f"gadget must be a RandomGadget (see sample_neuron_gadget); got {type(gadget).__name__}")
    w = as_float64_tensor("w", w, device=gadget.u.device, ndim=(1,))
    if w.shape[0] != gadget.batch:
        raise ValueError(f"w must have d = {gadget.batch} entries, one per block of the gadget; got {w.shape[0]}")
    return NeuronGadget(blocks=prune_weight_gadget(gadget, w, max_coefficients=max_coefficients))


def neuron_forward(neuron: NeuronGadget, x) -> torch.Tensor:
    """g_S(x) = Σ_j g_{S,j}(x_j), the pruned neuron gadget, for a batch of inputs.

    Args:
        neuron: a :class:`NeuronGadget`.
        x: inputs ``(N, d)`` or ``(d,)``.

    Returns:
        float64 ``(N,)`` (a scalar tensor for ``(d,)`` input).
    """
    _check_neuron(neuron)
    x = as_float64_tensor("x", x, device=neuron.w.device, ndim=(1, 2))
    if x.shape[-1] != neuron.d:
        raise ValueError(f"x must have d = {neuron.d} features in its last dimension; got shape {tuple(x.shape)}")
    hidden = torch.relu(x.reshape(-1, neuron.d) @ neuron.first_layer().T)
    out = (hidden @ neuron.second_layer().T).squeeze(1)
    return out[0] if x.ndim == 1 else out


def neuron_sup_error(neuron: NeuronGadget) -> float:
    """sup over ``‖x‖₂ ≤ 1`` of ``|wᵀx − g_S(x)|``, exactly, in closed form.

    With r⁺_j, r⁻_j the residuals of block j (value minus target), the error is, for every x::

        g_S(x) − wᵀx = Σ_j |x_j| · q_j,   q_j = r⁺_j if x_j ≥ 0 else r⁻_j.

    Write t_j = ``|x_j|``; t ranges over the nonnegative part of the unit ball and each sign
    of x_j picks q_j freely. So the largest value of g_S − f is the sup over t ≥ 0, ‖t‖ ≤ 1 of
    Σ_j t_j · max(r⁺_j, r⁻_j), which by Cauchy–Schwarz is ‖(max(r⁺, r⁻))₊‖₂ (positive part,
    attained at t proportional to it); likewise the largest value of f − g_S is
    ‖(−min(r⁺, r⁻))₊‖₂. Hence::

        sup_{‖x‖≤1} |wᵀx − g_S(x)| = max( ‖max(r⁺, r⁻)₊‖₂ , ‖(−min(r⁺, r⁻))₊‖₂ ).

    With ``positive_inputs_only`` the domain is the ball's part with x ≥ 0 and r⁻ drops out:
    the result is max(‖(r⁺)₊‖₂, ‖(r⁺)₋‖₂). The residuals are recomputed from the pruned gadget
    (g_{S,j}(±1)), not taken from the solver. :func:`neuron_worst_input` returns an input that
    attains the supremum.
    """
    upper, lower = _neuron_extremes(neuron)
    return float(max(upper.norm(), lower.norm()))


def neuron_worst_input(neuron: NeuronGadget) -> torch.Tensor:
    """A unit vector x at which ``|wᵀx − g_S(x)|`` equals :func:`neuron_sup_error`, float64 ``(d,)``.

    It is x_j = s_j t_j with t = c₊/‖c₊‖ for the maximising vector c of the formula in
    :func:`neuron_sup_error` and s_j the sign that picks that c_j. (If the error is 0 the
    first basis vector is returned.)
    """
    upper, lower = _neuron_extremes(neuron)
    r_pos, r_neg = _neuron_residuals(neuron)
    if upper.norm() >= lower.norm():
        t, positive_side = upper, r_pos >= r_neg  # maximise g_S − f: each x_j picks the larger q_j
    else:
        t, positive_side = lower, r_pos <= r_neg  # maximise f − g_S: each x_j picks the smaller q_j
    norm = t.norm()
    if norm == 0:
        x = torch.zeros(neuron.d, dtype=torch.float64, device=t.device)
        x[0] = 1.0
        return x
    return torch.where(positive_side, t, -t) / norm


def neuron_error_bound(neuron: NeuronGadget) -> float:
    """The simple bound ‖e‖₂ ≥ :func:`neuron_sup_error`, with e_j = max(``|r⁺_j|``, ``|r⁻_j|``).

    It follows from ``|g_S(x) − wᵀx|`` ≤ Σ_j ``|x_j|`` e_j ≤ ‖e‖₂ ‖x‖₂ (Cauchy–Schwarz); the
    construction of chapter 4 bounds a layer the same way, with a spectral norm.
    """
    r_pos, r_neg = _neuron_residuals(neuron)
    return float(torch.maximum(r_pos.abs(), r_neg.abs()).norm())


def _neuron_residuals(neuron: NeuronGadget) -> tuple[torch.Tensor, torch.Tensor]:
    """(r⁺, r⁻) of every block, from the pruned gadget: r⁺_j = g_j(1) − w_j, r⁻_j = g_j(−1) + w_j.

    With positive inputs only, r⁻ is returned equal to r⁺ (the negative side does not exist,
    and duplicating r⁺ makes every formula above reduce to the one-sided case).
    """
    _check_neuron(neuron)
    ends = torch.tensor([1.0, -1.0], dtype=torch.float64, device=neuron.w.device)
    values = gadget_forward(neuron.blocks, ends)
    r_pos = values[:, 0] - neuron.w
    r_neg = r_pos if neuron.blocks.positive_inputs_only else values[:, 1] + neuron.w
    return r_pos, r_neg


def _neuron_extremes(neuron: NeuronGadget) -> tuple[torch.Tensor, torch.Tensor]:
    """The vectors max(r⁺, r⁻)₊ and (−min(r⁺, r⁻))₊ of :func:`neuron_sup_error`."""
    r_pos, r_neg = _neuron_residuals(neuron)
    return torch.maximum(r_pos, r_neg).clamp(min=0), (-torch.minimum(r_pos, r_neg)).clamp(min=0)


# ----------------------------------------------------------------------------------------
# The pruning of blocks, shared with lthbook.construction
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _BlockPruning:
    """What :func:`_prune_blocks` returns for R output rows and K blocks of U units.

    keep: bool ``(R, K, U)``, unit t of block k is kept in row r.
    positive_residual: float64 ``(R, K)``, value − target of the positive half.
    negative_residual: float64 ``(R, K)`` or None (positive half only).
    """

    keep: torch.Tensor
    positive_residual: torch.Tensor
    negative_residual: torch.Tensor | None


def _prune_blocks(
    first: torch.Tensor,
    second: torch.Tensor,
    targets: torch.Tensor,
    *,
    both_halves: bool,
    max_coefficients: int | None,
) -> _BlockPruning:
    """Solve the SubsetSum instances of R rows × K blocks, each block a gadget of U units.

    This is the whole pruning logic of chapters 3 and 4. Block k has first-layer weights
    ``first[k, t]`` (unit t of block k sees input k); row r reads unit t of block k through
    ``second[r, k, t]``. Every unit's coefficient is c[r, k, t] = second[r, k, t]·``|first[k, t]|``.
    For each (r, k):

    * positive half: units t with first[k, t] > 0, target targets[r, k];
    * negative half (if ``both_halves``): units t with first[k, t] < 0, target −targets[r, k].

    A half's candidates are the units of its sign, at most ``max_coefficients`` of them chosen
    by :func:`_balanced_candidates`. So a unit of the wrong sign is never a coefficient of that
    half and the halves never share a unit. Instances are grouped by their number of
    candidates and each group is one call of :func:`lthbook.subset_sum.solve`; an instance
    with no candidate has value 0.
    """
    rows, blocks, units = second.shape
    device = second.device
    coefficients = second * first.abs().unsqueeze(0)  # (R, K, U)
    keep = torch.zeros(rows, blocks, units, dtype=torch.bool, device=device)
    halves = [(1.0, first > 0)]
    if both_halves:
        halves.append((-1.0, first < 0))

    residuals = []
    groups: dict[int, list[tuple[int, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]]] = {}
    for half, (sign, eligible) in enumerate(halves):
        half_targets = sign * targets  # (R, K)
        residuals.append(-half_targets)  # value 0 until the instance is solved
        candidate = eligible.unsqueeze(0).expand(rows, blocks, units)
        if max_coefficients is not None:
            candidate = _balanced_candidates(candidate, coefficients, max_coefficients)
        sizes = candidate.sum(dim=2)  # (R, K)
        # Per instance, the candidates first, in index order (a stable sort of 0/1 keys).
        order = torch.argsort((~candidate).to(torch.uint8), dim=2, stable=True)
        for size in torch.unique(sizes).tolist():
            if size == 0:
                continue
            row_ids, block_ids = torch.nonzero(sizes == size, as_tuple=True)  # (I,), (I,)
            unit_ids = order[row_ids, block_ids, :size]  # (I, size)
            groups.setdefault(size, []).append(
                (
                    half,
                    row_ids,
                    block_ids,
                    unit_ids,
                    coefficients[row_ids.unsqueeze(1), block_ids.unsqueeze(1), unit_ids],
                )
            )

    for size, items in groups.items():
        solution = solve(
            torch.cat([item[4] for item in items]),
            torch.cat([halves[item[0]][0] * targets[item[1], item[2]] for item in items]),
            device=device,
        )
        start = 0
        for half, row_ids, block_ids, unit_ids, _ in items:
            stop = start + row_ids.shape[0]
            mask = solution.mask[start:stop]  # (I, size)
            goal = halves[half][0] * targets[row_ids, block_ids]
            residuals[half][row_ids, block_ids] = solution.value[start:stop] - goal
            chosen_rows = row_ids.unsqueeze(1).expand(-1, size)[mask]
            chosen_blocks = block_ids.unsqueeze(1).expand(-1, size)[mask]
            keep[chosen_rows, chosen_blocks, unit_ids[mask]] = True
            start = stop
    return _BlockPruning(
        keep=keep, positive_residual=residuals[0], negative_residual=residuals[1] if both_halves else None
    )


def _balanced_candidates(candidate: torch.Tensor, coefficients: torch.Tensor, limit: int) -> torch.Tensor:
    """At most ``limit`` candidates per instance (last axis), with the two signs of coefficient balanced.

    With p and q the instance's candidates with coefficient ≥ 0 and < 0, it keeps the first
    (in index order) q′ = min(q, max(⌊limit/2⌋, limit − p)) of the negative ones and the first
    p′ = min(p, limit − q′) of the others: half and half when both signs are plentiful, and the
    scarce sign topped up by the other, min(limit, p + q) in all. Sums of coefficients of one
    sign only would leave targets of the other sign, and small targets, out of reach.
    """
    positive = candidate & (coefficients >= 0)
    negative = candidate & (coefficients < 0)
    rank_pos = positive.cumsum(dim=-1, dtype=torch.int32)  # 1, 2, … along the positive ones
    rank_neg = negative.cumsum(dim=-1, dtype=torch.int32)
    count_pos, count_neg = rank_pos[..., -1:], rank_neg[..., -1:]
    quota_neg = torch.minimum(count_neg, (limit - count_pos).clamp(min=limit // 2))
    quota_pos = torch.minimum(count_pos, limit - quota_neg)
    return (positive & (rank_pos <= quota_pos)) | (negative & (rank_neg <= quota_neg))


# ----------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------


def _uniform(shape: tuple[int, ...], generator: torch.Generator | None) -> torch.Tensor:
    """i.i.d. U[−1, 1] float64 on the generator's device (the CPU without one)."""
    source = generator.device if generator is not None else torch.device("cpu")
    return torch.rand(shape, generator=generator, dtype=torch.float64, device=source) * 2 - 1


def _check_generator(generator) -> torch.Generator | None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be None or a torch.Generator; got {type(generator).__name__}")
    return generator


def _check_bool(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return value


def _check_max_coefficients(value) -> int | None:
    return None if value is None else check_int("max_coefficients", value, low=1)


def _as_random_gadget(gadget_or_uv, positive_inputs_only) -> RandomGadget:
    if positive_inputs_only is not None:
        positive_inputs_only = _check_bool("positive_inputs_only", positive_inputs_only)
    if isinstance(gadget_or_uv, RandomGadget):
        if positive_inputs_only is None or positive_inputs_only == gadget_or_uv.positive_inputs_only:
            return gadget_or_uv
        return RandomGadget(gadget_or_uv.u, gadget_or_uv.v, positive_inputs_only)
    if not (isinstance(gadget_or_uv, (tuple, list)) and len(gadget_or_uv) == 2):
        raise TypeError(
            "gadget_or_uv must be a RandomGadget or a pair (u, v) of tensors; "
            f"got {type(gadget_or_uv).__name__}"
        )
    first, second = gadget_or_uv
    device = first.device if isinstance(first, torch.Tensor) else torch.device("cpu")
    u = as_float64_tensor("u", first, device=device, ndim=(1, 2))
    v = as_float64_tensor("v", second, device=device, ndim=(1, 2))
    if u.shape != v.shape or u.shape[-1] == 0:
        raise ValueError(
            f"u and v must have the same nonempty shape (U,) or (B, U); got {tuple(u.shape)} and {tuple(v.shape)}"
        )
    return RandomGadget(u=u.reshape(-1, u.shape[-1]), v=v.reshape(-1, v.shape[-1]),
                        positive_inputs_only=bool(positive_inputs_only))


def _check_neuron(neuron) -> None:
    if not isinstance(neuron, NeuronGadget):
        raise TypeError(f"neuron must be a NeuronGadget (see prune_neuron_gadget); got {type(neuron).__name__}")
