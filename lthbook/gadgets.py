"""The ReLU decomposition: pruning a random two-layer gadget to one weight, then to one neuron.

Chapter 3 (``chapters/03_relu_decomposition.ipynb``) states and proves what this module
computes; the docstrings here state the contracts and name the chapter's results. Chapter 4
uses the same pruning engine, :func:`prune_blocks`, row by row for a whole layer
(:func:`lthbook.construction.prune_to`).

One weight
----------
The *gadget* (chapter 3, Definition "The weight gadget") is the random two-layer network::

    g(x) = vᵀ σ(u x) = Σ_k v_k σ(u_k x),   u, v ∈ R^{2n},   entries i.i.d. U[−1, 1],

with σ the ReLU. Keeping a set S = S⁺ ∪ S⁻ of hidden units (both edges of a kept unit, every
other edge pruned), S⁺ among the units with u_k > 0 and S⁻ among those with u_k < 0, turns
approximating x ↦ w·x into two SubsetSum instances (chapter 3, Lemma "Pruning a gadget is two
SubsetSum problems", built on Lemma "The ReLU decomposition", w·x = σ(w·x) − σ(−w·x)):

* the **positive half**: coefficients v_k u_k of the units with u_k > 0, target **w**;
* the **negative half**: coefficients v_k ``|u_k|`` of the units with u_k < 0, target **−w**.

With their residuals r⁺ = a⁺ − w and r⁻ = a⁻ + w (value minus target), the lemma gives, exactly::

    sup_{x∈[−1,1]} |w x − g_S(x)| = max(|r⁺|, |r⁻|)        (:func:`gadget_sup_error`).

The coefficients follow the law ``"product"`` of :func:`lthbook.subset_sum.sample_coefficients`;
the number of units of each sign is Binomial(2n, 1/2). An instance uses all units of its sign
(or, with ``max_coefficients``, a sign-balanced part of them: a speed knob).

**Nonnegative inputs.** ``positive_inputs_only=True`` gives a gadget of n units (not 2n) for
inputs x ≥ 0 (ReLU outputs): only the positive half is solved, and the units with u_k < 0,
which never fire there, are pruned.

One neuron
----------
The gadget of the neuron x ↦ wᵀx, w ∈ R^d (chapter 3, Definition "The neuron gadget"), is d
weight gadgets side by side: a block-diagonal first layer (block j sees only x_j) and one
output summing the blocks. Its exact error over the unit ball, from the residuals r⁺_j, r⁻_j
of the blocks, is chapter 3's Lemma "The error of a neuron gadget" (:func:`neuron_sup_error`,
attained by :func:`neuron_worst_input`); it is at most ‖e‖₂ with e_j = max(``|r⁺_j|``,
``|r⁻_j|``) (:func:`neuron_error_bound`).

The functions of this module
----------------------------
* :class:`RandomGadget`, :func:`sample_weight_gadget`, :func:`sample_neuron_gadget` — the random
  gadgets, before pruning;
* :class:`WeightGadget`, :func:`prune_weight_gadget`, :func:`gadget_forward`,
  :func:`gadget_sup_error` — one weight (batched over many weights w);
* :class:`NeuronGadget`, :func:`prune_neuron_gadget`, :func:`neuron_forward`,
  :func:`neuron_sup_error`, :func:`neuron_worst_input`, :func:`neuron_error_bound` — one neuron;
* :class:`BlockPruning`, :func:`prune_blocks` — the pruning engine behind all of them and
  behind :func:`lthbook.construction.prune_to`.

The masks (``first_mask``, ``second_mask``) say which edges survive; :mod:`lthbook.diagrams`
draws them. Everything is float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ._sampling import uniform
from ._validation import as_float64_tensor, check_bool, check_generator, check_int, resolve_device
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
    "BlockPruning",
    "prune_blocks",
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

    Examples:
        >>> relu_identity(torch.tensor([-2.0, 0.5]), torch.tensor([3.0, -4.0]))  # w·x, exactly
        tensor([-6., -2.], dtype=torch.float64)
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

    Examples:
        >>> g = torch.Generator().manual_seed(0)
        >>> gadget = sample_weight_gadget(8, batch=3, generator=g, device="cpu")
        >>> gadget.u.shape, gadget.units, bool(gadget.u.abs().max() <= 1)
        (torch.Size([3, 16]), 16, True)
        >>> sample_weight_gadget(8, positive_inputs_only=True, generator=g, device="cpu").u.shape
        torch.Size([1, 8])
    """
    n = check_int("n", n, low=1)
    batch = check_int("batch", batch, low=1)
    positive_inputs_only = check_bool("positive_inputs_only", positive_inputs_only)
    generator = check_generator(generator)
    device = resolve_device(device)
    units = n if positive_inputs_only else 2 * n
    u = uniform((batch, units), generator).to(device)
    v = uniform((batch, units), generator).to(device)
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

    Examples:
        >>> g = torch.Generator().manual_seed(0)
        >>> sample_neuron_gadget(3, 16, generator=g, device="cpu").u.shape  # d blocks of 2n units
        torch.Size([3, 32])
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

    For gadget b and target w_b (chapter 3, Lemma "Pruning a gadget is two SubsetSum problems"):

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

    Examples:
        One random gadget of 2·16 units, pruned to three weights at once:

        >>> g = torch.Generator().manual_seed(0)
        >>> pruned = prune_weight_gadget(sample_weight_gadget(16, generator=g, device="cpu"), [-0.5, 0.25, 0.75])
        >>> pruned.kept_units
        tensor([17, 15, 18])
        >>> [f"{e:.0e}" for e in gadget_sup_error(pruned).tolist()]
        ['6e-05', '4e-05', '1e-04']
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
    max_coefficients = None if max_coefficients is None else check_int("max_coefficients", max_coefficients, low=1)
    u = gadget.u.expand(w.shape[0], -1)
    v = gadget.v.expand(w.shape[0], -1)
    # Gadget b is block b of a network with one output row: first (B, U), second (1, B, U).
    pruning = prune_blocks(
        u,
        v.unsqueeze(0),
        w.unsqueeze(0),
        both_halves=not gadget.positive_inputs_only,
        max_coefficients=max_coefficients,
    )
    keep = pruning.keep[0]
    negative = None if pruning.negative_residual is None else pruning.negative_residual[0]
    return WeightGadget(
        u=u.clone(),
        v=v.clone(),
        w=w,
        first_mask=keep.clone(),
        second_mask=keep,
        positive_residual=pruning.positive_residual[0],
        negative_residual=negative,
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

    The error is linear on [0, 1] and on [−1, 0] and 0 at x = 0, so (chapter 3, Lemma "Pruning a
    gadget is two SubsetSum problems")::

        sup_{x∈[−1,1]} |w x − g_S(x)| = max(|w − g_S(1)|, |−w − g_S(−1)|) = max(|r⁺|, |r⁻|).

    The function evaluates the pruned gadget itself at x = ±1 (it does not reuse the solver's
    numbers). For a gadget with ``positive_inputs_only`` the domain is [0, 1] and the result
    is ``|w − g_S(1)|``.

    Returns:
        float64 ``(B,)``.

    Examples:
        The supremum is attained at x = ±1: a grid of [−1, 1] finds the same value.

        >>> g = torch.Generator().manual_seed(0)
        >>> pruned = prune_weight_gadget(sample_weight_gadget(16, generator=g, device="cpu"), [-0.5, 0.25, 0.75])
        >>> x = torch.linspace(-1, 1, 201, dtype=torch.float64)
        >>> on_grid = (pruned.w[:, None] * x - gadget_forward(pruned, x)).abs().amax(dim=1)
        >>> torch.allclose(on_grid, gadget_sup_error(pruned), rtol=0, atol=1e-15)
        True
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

    Examples:
        >>> g = torch.Generator().manual_seed(0)
        >>> neuron = prune_neuron_gadget(sample_neuron_gadget(3, 16, generator=g, device="cpu"), [0.2, -0.7, 0.4])
        >>> neuron.first_layer().shape, neuron.second_layer().shape
        (torch.Size([96, 3]), torch.Size([1, 96]))
        >>> neuron_forward(neuron, torch.eye(3, dtype=torch.float64))  # about w
        tensor([ 0.2000, -0.6999,  0.3993], dtype=torch.float64)
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

    With r⁺_j, r⁻_j the residuals of block j (value minus target), chapter 3's Lemma "The
    error of a neuron gadget" gives::

        sup_{‖x‖≤1} |wᵀx − g_S(x)| = max( ‖max(r⁺, r⁻)₊‖₂ , ‖(−min(r⁺, r⁻))₊‖₂ ),

    (·)₊ the positive part, entry-wise. With ``positive_inputs_only`` the domain is the ball's
    part with x ≥ 0 and r⁻ drops out: the result is max(‖(r⁺)₊‖₂, ‖(r⁺)₋‖₂). The residuals
    are recomputed from the pruned gadget (g_{S,j}(±1)), not taken from the solver.
    :func:`neuron_worst_input` returns an input that attains the supremum.

    Examples:
        >>> g = torch.Generator().manual_seed(0)
        >>> neuron = prune_neuron_gadget(sample_neuron_gadget(3, 16, generator=g, device="cpu"), [0.2, -0.7, 0.4])
        >>> f"{neuron_sup_error(neuron):.1e} <= {neuron_error_bound(neuron):.1e}"
        '2.2e-03 <= 2.3e-03'
        >>> import math
        >>> x = neuron_worst_input(neuron)
        >>> math.isclose(float(x.norm()), 1.0), math.isclose(
        ...     abs(float(neuron.w @ x - neuron_forward(neuron, x))), neuron_sup_error(neuron), rel_tol=1e-12
        ... )
        (True, True)
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

    The inequality of chapter 3, Lemma "The error of a neuron gadget" (Cauchy–Schwarz); the
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
# The pruning engine, shared with lthbook.construction
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BlockPruning:
    """What :func:`prune_blocks` returns for R output rows and K blocks of U units.

    Attributes:
        keep: bool ``(R, K, U)``; unit t of block k is kept in row r.
        positive_residual: float64 ``(R, K)``, value − target of each positive half.
        negative_residual: float64 ``(R, K)``, value − target of each negative half, or None
            when only the positive halves were solved.
    """

    keep: torch.Tensor
    positive_residual: torch.Tensor
    negative_residual: torch.Tensor | None


@dataclass(frozen=True, eq=False)
class _InstanceGroup:
    """I SubsetSum instances of one half with the same number of candidates, ``size``.

    Instance m is (row ``rows[m]``, block ``blocks[m]``); its candidates are the units
    ``units[m]`` ``(size,)`` of that block, with coefficients ``coefficients[m]``.
    """

    half: int
    rows: torch.Tensor
    blocks: torch.Tensor
    units: torch.Tensor
    coefficients: torch.Tensor


def prune_blocks(
    first: torch.Tensor,
    second: torch.Tensor,
    targets: torch.Tensor,
    *,
    both_halves: bool,
    max_coefficients: int | None = None,
) -> BlockPruning:
    """The pruning engine of chapters 3 and 4: R rows × K blocks of U units, each block a weight gadget.

    Block k is a weight gadget (chapter 3, Lemma "Pruning a gadget is two SubsetSum problems"
    and chapter 4, Lemma "What a pruned pair computes"): unit t of block k sees
    input k through ``first[k, t]``, and row r reads it through ``second[r, k, t]``, so that
    unit's coefficient is c[r, k, t] = second[r, k, t]·``|first[k, t]|``. For each (r, k) it
    solves exactly, by :func:`lthbook.subset_sum.solve`:

    * the positive half: candidates the units t with first[k, t] > 0, target ``targets[r, k]``;
    * the negative half (only if ``both_halves``): candidates the units t with
      first[k, t] < 0, target −``targets[r, k]``.

    A unit of the wrong sign is never a candidate of a half, so the two halves never share a
    unit. With ``max_coefficients`` = c a half uses at most c of its candidates, the first in
    index order with the two signs of coefficient balanced (half each where both are
    plentiful, the scarce sign topped up by the other). Instances are grouped by their number
    of candidates, each group one ``solve`` call; an instance with no candidate keeps nothing
    and has value 0. :func:`prune_weight_gadget` is the case R = 1 (one output row) and
    :func:`lthbook.construction.prune_to` calls it once per target layer (R = d_i,
    K = d_{i−1}).

    Args:
        first: float64 ``(K, U)``, the first-layer weight of each unit of each block.
        second: float64 ``(R, K, U)``, the second-layer weights, on the same device.
        targets: float64 ``(R, K)``, the target weight of each (row, block).
        both_halves: solve the negative halves too (inputs of both signs).
        max_coefficients: c ≥ 1, or None to use every candidate.

    Returns:
        :class:`BlockPruning`.
    """
    if second.ndim != 3 or first.shape != second.shape[1:] or targets.shape != second.shape[:2]:
        raise ValueError(
            "prune_blocks needs first (K, U), second (R, K, U) and targets (R, K); got shapes "
            f"{tuple(first.shape)}, {tuple(second.shape)} and {tuple(targets.shape)}"
        )
    both_halves = check_bool("both_halves", both_halves)
    if max_coefficients is not None:
        max_coefficients = check_int("max_coefficients", max_coefficients, low=1)
    rows, blocks, units = second.shape
    device = second.device
    coefficients = second * first.abs().unsqueeze(0)  # (R, K, U)
    keep = torch.zeros(rows, blocks, units, dtype=torch.bool, device=device)
    halves = [(1.0, first > 0)]
    if both_halves:
        halves.append((-1.0, first < 0))

    residuals = []
    groups: dict[int, list[_InstanceGroup]] = {}
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
                _InstanceGroup(
                    half=half,
                    rows=row_ids,
                    blocks=block_ids,
                    units=unit_ids,
                    coefficients=coefficients[row_ids.unsqueeze(1), block_ids.unsqueeze(1), unit_ids],
                )
            )

    for size, items in groups.items():
        solution = solve(
            torch.cat([item.coefficients for item in items]),
            torch.cat([halves[item.half][0] * targets[item.rows, item.blocks] for item in items]),
            device=device,
        )
        start = 0
        for item in items:
            stop = start + item.rows.shape[0]
            mask = solution.mask[start:stop]  # (I, size)
            goal = halves[item.half][0] * targets[item.rows, item.blocks]
            residuals[item.half][item.rows, item.blocks] = solution.value[start:stop] - goal
            chosen_rows = item.rows.unsqueeze(1).expand(-1, size)[mask]
            chosen_blocks = item.blocks.unsqueeze(1).expand(-1, size)[mask]
            keep[chosen_rows, chosen_blocks, item.units[mask]] = True
            start = stop
    return BlockPruning(
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


def _as_random_gadget(gadget_or_uv, positive_inputs_only) -> RandomGadget:
    if positive_inputs_only is not None:
        positive_inputs_only = check_bool("positive_inputs_only", positive_inputs_only)
    if isinstance(gadget_or_uv, RandomGadget):
        if positive_inputs_only is None or positive_inputs_only == gadget_or_uv.positive_inputs_only:
            return gadget_or_uv
        return RandomGadget(gadget_or_uv.u, gadget_or_uv.v, positive_inputs_only)
    if not (isinstance(gadget_or_uv, (tuple, list)) and len(gadget_or_uv) == 2):
        raise TypeError(
            f"gadget_or_uv must be a RandomGadget or a pair (u, v) of tensors; got {type(gadget_or_uv).__name__}"
        )
    first, second = gadget_or_uv
    device = first.device if isinstance(first, torch.Tensor) else torch.device("cpu")
    u = as_float64_tensor("u", first, device=device, ndim=(1, 2))
    v = as_float64_tensor("v", second, device=device, ndim=(1, 2))
    if u.shape != v.shape or u.shape[-1] == 0:
        raise ValueError(
            f"u and v must have the same nonempty shape (U,) or (B, U); got {tuple(u.shape)} and {tuple(v.shape)}"
        )
    return RandomGadget(
        u=u.reshape(-1, u.shape[-1]), v=v.reshape(-1, v.shape[-1]), positive_inputs_only=bool(positive_inputs_only)
    )


def _check_neuron(neuron) -> None:
    if not isinstance(neuron, NeuronGadget):
        raise TypeError(f"neuron must be a NeuronGadget (see prune_neuron_gadget); got {type(neuron).__name__}")
