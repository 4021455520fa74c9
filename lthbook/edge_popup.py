"""Edge-popup: finding a good subnetwork of a random network by learning which weights to keep.

Ramanujan et al. (CVPR 2020, "What's hidden in a randomly weighted neural network?") give every
weight ``w`` of a network a learnable *score* ``s`` and never change the weights themselves.
The forward pass of a layer uses the pruned weight matrix::

    W ⊙ M,   M = 1 on the k entries of largest |s| and 0 elsewhere,   k = kept_count(W.numel(), keep_fraction)

(``⊙`` is the entry-wise product, ``M`` the layer's binary *supermask*), chosen anew at every
step *within each weight tensor*. The top-k selection has zero gradient almost everywhere, so
the backward pass treats it as the identity (a *straight-through* estimator): the gradient
with respect to ``M`` is handed to the ranking values ``|s|`` unchanged, hence::

    ∂L/∂s = sign(s) · ∂L/∂M = sign(s) · W ⊙ ∂L/∂(W ⊙ M),

for kept and pruned entries alike, which lets a pruned edge "pop up" again when its score
grows. Chapter 1 uses this to show the *strong* lottery ticket in action: a random MLP is at
chance, a pruned subnetwork of the same random weights classifies digits well. Chapter 6 redoes
the paper's Experiment 2 with it.

A note on names: this module calls the share of weights **kept** ``keep_fraction``. The two
public codebases both call it ``k`` but in opposite senses: in edge-popup's code
(``allenai/hidden-networks``) ``k`` is the fraction kept, in the official code of Pensia et al.
(``GetSubnet`` there) ``k`` is the fraction *pruned*. ``keep_fraction=0.3`` here means 30% of
each weight tensor survives (70% sparsity).

Which k entries: the ``k`` largest of ``|s|``, and when the ``k``-th largest value is tied, the
tied entries with the smallest flat index (:func:`topk_mask`); without a tie this is exactly
``torch.topk``'s set. The layers find it with a :class:`TopKSelector`, which starts from the
previous step's threshold and looks only inside a narrow band around it: the same entries as a
full ``torch.topk``, at a fraction of its cost (``benchmarks/edge_popup.py`` measures a step).

Contents: :func:`topk_mask` and :class:`TopKSelector` (which entries are kept), :class:`TopKMask`
(the autograd function, one full ``torch.topk`` per call), :class:`SupermaskLinear`,
:class:`SupermaskMLP`, :func:`dense_mlp` (the trained-dense reference), the Experiment-2
networks (:func:`experiment2_network`, :func:`lenet5_features`), :func:`train` and
:func:`accuracy`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ._sampling import uniform
from ._validation import check_bool, check_choice, check_float, check_generator, check_int, check_widths, resolve_device
from .data import Dataset

__all__ = [
    "WEIGHT_INITS",
    "kept_count",
    "topk_mask",
    "TopKSelector",
    "TopKMask",
    "SupermaskLinear",
    "SupermaskMLP",
    "dense_mlp",
    "SupermaskBlockExpand",
    "STRUCTURES",
    "experiment2_network",
    "lenet5_features",
    "count_weights",
    "first_layer_census",
    "TrainingHistory",
    "train",
    "accuracy",
]

#: The laws the frozen random weights can be drawn from (see :class:`SupermaskLinear`).
WEIGHT_INITS = ("signed_constant", "kaiming_uniform", "kaiming_normal", "uniform")


def _check_keep_fraction(value, name: str = "keep_fraction") -> float:
    return check_float(name, value, low=0.0, high=1.0, low_inclusive=False, high_inclusive=True)


def kept_count(numel: int, keep_fraction: float) -> int:
    """Number of entries a supermask keeps in a tensor of ``numel`` entries.

    ``k = max(1, ⌊keep_fraction · numel + 1/2⌋)``: ``keep_fraction · numel`` rounded half up
    (not Python's round-half-to-even), and at least one entry, so that a positive fraction never
    empties a layer and cuts the network's output to zero.

    Args:
        numel: number of entries of the weight tensor, at least 1.
        keep_fraction: the share of entries kept, in ``(0, 1]``.
    """
    numel = check_int("numel", numel, low=1)
    keep_fraction = _check_keep_fraction(keep_fraction)
    return max(1, min(numel, math.floor(keep_fraction * numel + 0.5)))


#: Row length of the selector's work buffers (see :meth:`TopKSelector._from_band`).
_ROW = 64


def _fill_ties(flat: torch.Tensor, k: int, threshold: torch.Tensor, mask: torch.Tensor, kept: int) -> torch.Tensor:
    """Complete ``mask`` (entries ``> threshold``, ``kept`` of them) with the lowest-index ties."""
    if kept < k:
        mask[torch.nonzero(flat == threshold).squeeze(1)[: k - kept]] = 1
    return mask


def topk_mask(ranking: torch.Tensor, k: int) -> torch.Tensor:
    """Bool mask of the ``k`` largest entries of ``ranking`` (the whole tensor), ties by index.

    The entries kept are those ``> v``, ``v`` the ``k``-th largest value, and, when ``v`` is
    tied, the entries equal to ``v`` with the smallest flat (row-major) indices, until exactly
    ``k`` are kept. When ``v`` is not tied this is the set ``torch.topk`` returns; with ties
    ``torch.topk``'s choice is unspecified (on a CPU it changes with the tensor's size), while
    this rule is fixed, so that :class:`TopKSelector` reproduces it exactly. This is the
    reference implementation: one full ``torch.topk`` per call.

    Args:
        ranking: a floating-point tensor of any shape with at least one entry and no NaN.
        k: number of entries kept, in ``[1, ranking.numel()]``.
    """
    flat = _check_ranking(ranking)
    k = check_int("k", k, low=1, high=flat.numel())
    if k == flat.numel():
        return torch.ones_like(ranking, dtype=torch.bool)
    kth = torch.topk(flat, k, sorted=False).values.min()
    above = flat > kth
    return _fill_ties(flat, k, kth, above, int(torch.count_nonzero(above))).view_as(ranking)


def _check_ranking(ranking) -> torch.Tensor:
    if not isinstance(ranking, torch.Tensor) or not ranking.is_floating_point():
        raise TypeError(f"ranking must be a floating-point torch.Tensor; got {type(ranking).__name__}")
    if ranking.numel() == 0:
        raise ValueError("ranking must have at least one entry")
    return ranking.detach().reshape(-1)


class TopKSelector:
    """Exact top-``k`` of a tensor that moves a little between calls: the fast path of edge-popup.

    Edge-popup ranks the same scores at every step and one SGD step moves them a little, so the
    ``k``-th largest value ``v`` moves a little too. Instead of a full ``torch.topk`` over every
    entry (about 20 ms for FC2's 2M scores on one CPU core), a call starts from the previous
    ``v`` and a band ``[lo, hi] = [v_prev − w, v_prev + w]`` around it:

    1. count the entries ``> hi`` (``n_hi``) and ``≥ lo`` (``n_lo``): two passes;
    2. if ``n_hi < k ≤ n_lo`` the new ``v`` lies in the band: it is the ``(k − n_hi)``-th
       largest of the band's few entries (one small ``torch.topk``), and the mask is "``> hi``"
       plus the band entries that :func:`topk_mask`'s rule selects;
    3. otherwise the band missed: widen it eightfold and retry (twice), then fall back to a
       full ``torch.topk``.

    Every branch keeps exactly the entries :func:`topk_mask` keeps (the band decides how much
    work finding ``v`` costs, never which entries are kept), hence exactly those of a plain
    ``torch.topk`` whenever the ``k``-th largest value is not tied. The band adapts: its width
    is halved when it holds over four times ``max(64, numel/4096)`` entries, doubled when it
    holds under a quarter of that, and kept at least four times the last move of ``v``.

    A selector is state only (the previous ``v`` and ``w``, and reused work buffers), not a
    parameter: it is not saved in a ``state_dict``, and a fresh one starts with a full
    ``torch.topk``. ``calls``, ``band_hits``, ``retries`` and ``full_topk`` count what happened.
    """

    #: Width factor applied when the band misses the k-th value.
    WIDEN = 8
    #: Retries with a wider band before a full ``torch.topk``.
    RETRIES = 2

    def __init__(self) -> None:
        self.threshold: float | None = None
        self.width: float = 0.0
        self.calls = self.band_hits = self.retries = self.full_topk = 0
        self._buffers: tuple[torch.Tensor, torch.Tensor] | None = None

    def reset(self) -> None:
        """Forget the previous threshold (the next call runs a full ``torch.topk``)."""
        self.threshold, self.width = None, 0.0

    def __call__(self, ranking: torch.Tensor, k: int) -> torch.Tensor:
        """Bool mask (shape of ``ranking``) of its ``k`` largest entries, exactly as :func:`topk_mask`."""
        return self.float_mask(ranking, k).bool().view_as(ranking)

    def float_mask(self, ranking: torch.Tensor, k: int) -> torch.Tensor:
        """The same mask as 1-D 0/1 values in ``ranking``'s dtype, ready to multiply a weight.

        The tensor returned is a work buffer of the selector, overwritten by its next call.
        """
        flat = _check_ranking(ranking)
        n = flat.numel()
        k = check_int("k", k, low=1, high=n)
        self.calls += 1
        above, band = self._work(flat)
        if k == n:
            return above[:n].fill_(1)
        if self.threshold is not None and math.isfinite(self.threshold):
            width = self.width
            for attempt in range(self.RETRIES + 1):
                if self._from_band(flat, k, self.threshold - width, self.threshold + width, above, band):
                    self.band_hits += attempt == 0
                    self.retries += attempt
                    return above[:n]
                width *= self.WIDEN
        self.full_topk += 1
        kth = torch.topk(flat, k, sorted=False).values.min()
        self.threshold = float(kth)
        self.width = max(abs(self.threshold) * 1e-3, _TINY)
        torch.gt(flat, kth, out=above[:n])
        return _fill_ties(flat, k, kth, above[:n], int(above.sum(dtype=torch.float64)))

    def _work(self, flat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # Two 0/1 buffers padded with zeros to whole rows of _ROW entries.
        size = -(-flat.numel() // _ROW) * _ROW
        buffers = self._buffers
        if (
            buffers is None
            or buffers[0].numel() != size
            or buffers[0].dtype != flat.dtype
            or buffers[0].device != flat.device
        ):
            buffers = self._buffers = (flat.new_zeros(size), flat.new_zeros(size))
        return buffers

    def _from_band(self, flat, k, lo, hi, above, band) -> bool:
        # Row sums of the two 0/1 buffers give both counts and the rows holding band entries,
        # so only those rows are searched for indices (torch.nonzero over millions of entries
        # is slow on a CPU).
        n = flat.numel()
        torch.gt(flat, hi, out=above[:n])
        above_rows = above.view(-1, _ROW).sum(dim=1)
        n_above = int(above_rows.sum(dtype=torch.float64))
        if n_above >= k:
            return False
        torch.ge(flat, lo, out=band[:n])
        band_rows = band.view(-1, _ROW).sum(dim=1).sub_(above_rows)
        if n_above + int(band_rows.sum(dtype=torch.float64)) < k:
            return False
        busy = torch.nonzero(band_rows).squeeze(1)
        inner = torch.nonzero(band.view(-1, _ROW)[busy] - above.view(-1, _ROW)[busy])
        index = busy[inner[:, 0]] * _ROW + inner[:, 1]  # lo ≤ flat ≤ hi, ascending
        values = flat[index]
        wanted = k - n_above
        kth = torch.topk(values, wanted, sorted=False).values.min()
        selected = values > kth
        chosen = _fill_ties(values, wanted, kth, selected, int(torch.count_nonzero(selected)))
        above[index[chosen]] = 1
        self._adapt(float(kth), index.numel(), n)
        return True

    def _adapt(self, kth: float, band: int, n: int) -> None:
        target = max(64, n // 4096)
        if band > 4 * target:
            self.width /= 2
        elif band < target // 4:
            self.width *= 2
        previous = kth if self.threshold is None else self.threshold
        self.width = max(self.width, 4 * abs(kth - previous), _TINY)
        self.threshold = kth


#: Smallest band half-width (keeps the band from collapsing to a point on constant scores).
_TINY = 1e-30


class _MaskedWeight(torch.autograd.Function):
    """``W ⊙ M`` with the straight-through gradient ``∂L/∂s = sign(s) · W ⊙ ∂L/∂(W ⊙ M)`` in one node.

    The same numbers, bit for bit, as ``weight * TopKMask.apply(scores.abs(), …)`` and
    autograd's chain through the product, the identity and ``abs`` (multiplying by a sign is
    exact), with fewer intermediate tensors. ``mask`` is a 0/1 float tensor shaped like
    ``weight``; ``sign_buffer`` a tensor shaped like ``scores`` that the backward pass
    overwrites with ``sign(scores)`` (reused from step to step instead of a fresh allocation).
    """

    @staticmethod
    def forward(
        ctx, scores: torch.Tensor, weight: torch.Tensor, mask: torch.Tensor, sign_buffer: torch.Tensor
    ) -> torch.Tensor:
        ctx.save_for_backward(scores, weight)
        ctx.sign_buffer = sign_buffer
        return weight * mask

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        scores, weight = ctx.saved_tensors
        signs = torch.sign(scores, out=ctx.sign_buffer)
        return torch.mul(grad, weight).mul_(signs), None, None, None


class TopKMask(torch.autograd.Function):
    """Binary mask of the ``k`` largest entries of ``ranking``, with a straight-through gradient.

    Forward: ``M = 1`` on the ``k = kept_count(ranking.numel(), keep_fraction)`` largest entries
    of the whole tensor, ``0`` elsewhere (exactly ``k`` ones, ties by :func:`topk_mask`'s rule),
    in ``ranking``'s dtype so that it can multiply a weight. Backward: the incoming gradient is
    returned unchanged, as if ``M`` were ``ranking`` itself. This is ``GetSubnet`` of the
    edge-popup code, with one full ``torch.topk`` per call; the layers of this module compute
    the same masks with a :class:`TopKSelector` and the same gradient with one fused node.

    Use it as ``TopKMask.apply(ranking, keep_fraction)``.
    """

    @staticmethod
    def forward(ctx, ranking: torch.Tensor, keep_fraction: float) -> torch.Tensor:
        k = kept_count(ranking.numel(), keep_fraction)
        return topk_mask(ranking, k).to(ranking.dtype)

    @staticmethod
    def backward(ctx, grad_mask: torch.Tensor) -> tuple[torch.Tensor, None]:
        return grad_mask, None


def _draw_weight(
    shape: tuple[int, ...], fan_in: int, weight_init: str, generator: torch.Generator | None
) -> torch.Tensor:
    if weight_init == "signed_constant":
        std = math.sqrt(2.0) / math.sqrt(fan_in)  # Kaiming's std for ReLU: gain √2 over √fan_in
        signs = 2 * torch.randint(0, 2, shape, generator=generator, dtype=torch.float32) - 1
        return signs * std
    if weight_init == "kaiming_uniform":
        return uniform(shape, generator, bound=math.sqrt(6.0 / fan_in), dtype=None)  # variance 2/fan_in
    if weight_init == "kaiming_normal":
        return torch.randn(shape, generator=generator) * math.sqrt(2.0 / fan_in)
    return uniform(shape, generator, bound=1.0, dtype=None)  # "uniform": the U[−1, 1] of Theorem 1


class _Supermasked(nn.Module):
    """What every supermask layer shares: the kept share, the selectors and ``W ⊙ M``."""

    _keep_fraction: float

    @property
    def keep_fraction(self) -> float:
        """Share of the entries kept, in ``(0, 1]``; may be changed between training runs."""
        return self._keep_fraction

    @keep_fraction.setter
    def keep_fraction(self, value: float) -> None:
        self._keep_fraction = _check_keep_fraction(value)

    def _selector_for(self, name: str) -> TopKSelector:
        # One selector per score tensor, created on first use (not a parameter or buffer).
        selectors = self.__dict__.setdefault("_selectors", {})
        return selectors.setdefault(name, TopKSelector())

    def _scratch(self, name: str) -> torch.Tensor:
        # A tensor shaped like the scores `name`, reused from call to call: it holds |scores|
        # while a mask is selected and sign(scores) during the backward pass (never both at once).
        scores = getattr(self, name)
        buffers = self.__dict__.setdefault("_scratch_buffers", {})
        buffer = buffers.get(name)
        if (
            buffer is None
            or buffer.shape != scores.shape
            or buffer.dtype != scores.dtype
            or buffer.device != scores.device
        ):
            buffer = buffers[name] = torch.empty_like(scores, requires_grad=False)
        return buffer.detach()

    def _float_mask_of(self, name: str) -> torch.Tensor:
        # 0/1 values shaped like the scores; a work buffer, valid until the next call.
        scores = getattr(self, name)
        with torch.no_grad():
            k = kept_count(scores.numel(), self.keep_fraction)
            ranking = torch.abs(scores, out=self._scratch(name))
            return self._selector_for(name).float_mask(ranking, k).view_as(scores)

    def _mask_of(self, name: str) -> torch.Tensor:
        return self._float_mask_of(name).bool()

    def _masked(self, name: str, weight: torch.Tensor) -> torch.Tensor:
        # W ⊙ M for the scores called `name`, differentiable with respect to them.
        mask = self._float_mask_of(name)
        return _MaskedWeight.apply(getattr(self, name), weight, mask, self._scratch(name))


class SupermaskLinear(_Supermasked):
    """A bias-free (by default) linear layer ``x ↦ (W ⊙ M) x`` with frozen random ``W``.

    ``W`` (``weight``, shape ``(out_features, in_features)``) is drawn once and never trained
    (``requires_grad=False``; it is still a parameter, so it moves with ``.to(device)`` and is
    saved in the ``state_dict``). ``scores`` has the same shape and is the only thing an
    optimizer changes. ``M`` keeps the ``kept_count(W.numel(), keep_fraction)`` entries of
    largest score magnitude (ties by :func:`topk_mask`'s rule).

    The law of ``W`` (``fan_in = in_features``):

    * ``"signed_constant"`` — ``±σ`` with equal probability, ``σ = √2/√fan_in`` (Kaiming's
      standard deviation for ReLU): the "signed Kaiming constant" that worked best for
      Ramanujan et al.
    * ``"kaiming_uniform"`` — ``U[−√(6/fan_in), √(6/fan_in)]``, the same variance ``2/fan_in``.
    * ``"kaiming_normal"`` — ``N(0, 2/fan_in)``, the law of the official code of Pensia et al.
      (``nn.init.kaiming_normal_`` / ``normal_(std=√(2/fan_in))``).
    * ``"uniform"`` — ``U[−1, 1]``, the law of the random network in the paper's Theorem 1
      (chapter 4).

    Scores start as ``U[−1/√fan_in, 1/√fan_in]`` (PyTorch's default for ``nn.Linear``, as in
    edge-popup's code) unless ``score_bound`` is given; only their order matters to ``M``, their
    scale sets the pace of learning.

    ``M`` is recomputed at every forward pass by a :class:`TopKSelector` (exactly the entries
    :func:`topk_mask` keeps, at a fraction of a full ``torch.topk``'s cost), and ``W ⊙ M`` and
    its straight-through gradient are one autograd node.

    Args:
        in_features: input width, at least 1.
        out_features: output width, at least 1.
        keep_fraction: share of the entries of ``W`` kept, in ``(0, 1]``.
        bias: if ``True``, add a frozen random bias drawn from the same law as ``W`` and pruned
            by its own scores with the same ``keep_fraction``. Ramanujan et al. use no biases.
        weight_init: one of :data:`WEIGHT_INITS`.
        generator: a CPU ``torch.Generator`` for the weights and scores; ``None`` uses torch's
            global generator.
        fan_in: the ``fan_in`` of the weight law (default ``in_features``); the official code
            of Pensia et al. draws the second matrix of its block layer with the fan-in of the
            target layer, ``d_in``, not ``r·d_in``.
        score_bound: scores start ``U[−score_bound, score_bound]`` (default ``1/√in_features``).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        keep_fraction: float,
        bias: bool = False,
        weight_init: str = "signed_constant",
        generator: torch.Generator | None = None,
        fan_in: int | None = None,
        score_bound: float | None = None,
    ) -> None:
        super().__init__()
        in_features = check_int("in_features", in_features, low=1)
        out_features = check_int("out_features", out_features, low=1)
        bias = check_bool("bias", bias)
        weight_init = check_choice("weight_init", weight_init, WEIGHT_INITS)
        generator = check_generator(generator, cpu_only=True)
        self.in_features, self.out_features, self.weight_init = in_features, out_features, weight_init
        self.keep_fraction = keep_fraction  # validated by the property setter

        shape = (out_features, in_features)
        fan_in = in_features if fan_in is None else check_int("fan_in", fan_in, low=1)
        score_bound = (
            1.0 / math.sqrt(in_features)
            if score_bound is None
            else check_float("score_bound", score_bound, low=0.0, low_inclusive=False)
        )
        self.weight = nn.Parameter(_draw_weight(shape, fan_in, weight_init, generator), requires_grad=False)
        self.scores = nn.Parameter(uniform(shape, generator, bound=score_bound, dtype=None))
        if bias:
            self.bias = nn.Parameter(_draw_weight((out_features,), fan_in, weight_init, generator), requires_grad=False)
            self.bias_scores = nn.Parameter(uniform((out_features,), generator, bound=score_bound, dtype=None))
        else:
            self.register_parameter("bias", None)
            self.register_parameter("bias_scores", None)

    def mask(self) -> torch.Tensor:
        """The current supermask ``M`` of the weight: a bool tensor shaped like ``weight``.

        It can be passed to ``torch.nn.utils.prune.custom_from_mask`` on an ``nn.Linear``
        holding the same weight.
        """
        return self._mask_of("scores")

    def bias_mask(self) -> torch.Tensor | None:
        """The supermask of the bias (bool, shape ``(out_features,)``), or ``None`` without bias."""
        if self.bias_scores is None:
            return None
        return self._mask_of("bias_scores")

    def effective_weight(self) -> torch.Tensor:
        """``W ⊙ M``, the weight the forward pass uses, differentiable with respect to the scores.

        Call ``.detach()`` on the result to inspect it without building a graph.
        """
        return self._masked("scores", self.weight)

    def effective_bias(self) -> torch.Tensor | None:
        """The pruned bias ``b ⊙ M_b``, or ``None`` for a layer without bias."""
        if self.bias is None:
            return None
        return self._masked("bias_scores", self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.effective_weight(), self.effective_bias())

    def to_linear(self) -> nn.Linear:
        """An ordinary ``nn.Linear`` holding the pruned weight ``W ⊙ M`` (and pruned bias)."""
        linear = nn.Linear(self.in_features, self.out_features, bias=self.bias is not None)
        linear = linear.to(device=self.weight.device, dtype=self.weight.dtype)
        with torch.no_grad():
            linear.weight.copy_(self.effective_weight())
            bias = self.effective_bias()  # None exactly when self.bias is None
            if bias is not None:
                linear.bias.copy_(bias)
        return linear

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"keep_fraction={self.keep_fraction:g}, bias={self.bias is not None}, "
            f"weight_init={self.weight_init!r}"
        )


class SupermaskMLP(nn.Sequential):
    """A random bias-free ReLU MLP of :class:`SupermaskLinear` layers, trained by edge-popup.

    For ``widths = (d_0, d_1, …, d_l)`` it computes
    ``x ↦ (W_l ⊙ M_l) σ(⋯ σ((W_1 ⊙ M_1) x))`` with ``σ = ReLU`` and no ReLU after the last
    layer (the outputs are logits); ``W_i`` is ``d_i × d_{i−1}``, frozen and random, and ``M_i``
    its supermask. With ``keep_fraction=1`` nothing is pruned: the plain random network.

    Args:
        widths: layer widths ``(d_0, …, d_l)``, at least two positive integers.
        keep_fraction: one share in ``(0, 1]`` for every layer, or a sequence of ``l`` shares,
            one per layer.
        weight_init: the law of the random weights, one of :data:`WEIGHT_INITS`.
        generator: a CPU ``torch.Generator`` for all weights and scores (``None``: global).
    """

    def __init__(
        self,
        widths: Sequence[int],
        *,
        keep_fraction: float | Sequence[float],
        weight_init: str = "signed_constant",
        generator: torch.Generator | None = None,
    ) -> None:
        widths = check_widths(widths)
        n_layers = len(widths) - 1
        if isinstance(keep_fraction, Sequence) and not isinstance(keep_fraction, (str, bytes)):
            if len(keep_fraction) != n_layers:
                raise ValueError(
                    f"keep_fraction must be one number or {n_layers} numbers (one per layer); got {len(keep_fraction)}"
                )
            fractions = [_check_keep_fraction(f, f"keep_fraction[{i}]") for i, f in enumerate(keep_fraction)]
        else:
            fractions = [_check_keep_fraction(keep_fraction)] * n_layers
        weight_init = check_choice("weight_init", weight_init, WEIGHT_INITS)
        generator = check_generator(generator, cpu_only=True)

        modules: list[nn.Module] = []
        for i in range(n_layers):
            modules.append(
                SupermaskLinear(
                    widths[i],
                    widths[i + 1],
                    keep_fraction=fractions[i],
                    weight_init=weight_init,
                    generator=generator,
                )
            )
            if i < n_layers - 1:
                modules.append(nn.ReLU())
        super().__init__(*modules)
        self.widths = tuple(widths)

    def __getitem__(self, index: int | slice) -> nn.Module:
        # nn.Sequential rebuilds a slice with self.__class__, whose constructor takes widths.
        if isinstance(index, slice):
            return nn.Sequential(*list(self)[index])
        return super().__getitem__(index)

    def supermask_layers(self) -> list[SupermaskLinear]:
        """The :class:`SupermaskLinear` layers, input to output."""
        return [m for m in self if isinstance(m, SupermaskLinear)]

    def masks(self) -> list[torch.Tensor]:
        """The current supermasks ``M_1, …, M_l`` as bool tensors."""
        return [layer.mask() for layer in self.supermask_layers()]

    def to_sequential(self) -> nn.Sequential:
        """The pruned network as an ordinary ``nn.Sequential`` of ``nn.Linear`` and ``nn.ReLU``.

        Its weights are ``W_i ⊙ M_i``; it computes the same function as this model.
        """
        return nn.Sequential(*(m.to_linear() if isinstance(m, SupermaskLinear) else nn.ReLU() for m in self))


class SupermaskBlockExpand(_Supermasked):
    """The first matrix of the paper's block construction, as a supermask layer (chapter 6).

    Input coordinate j feeds its own ``redundancy`` = r hidden units and nothing else:
    ``y[:, j·r + t] = x[:, j] · (W ⊙ M)[j, t]``, i.e. the block-diagonal matrix M_{2i−1} of
    Theorem 1 with blocks of r units. Only the ``d_in · r`` block entries exist as parameters
    (frozen random ``weight`` of shape ``(d_in, r)``, trainable ``scores``), which is how the
    paper counts them in Experiment 2. The supermask keeps the top ``keep_fraction`` of the
    ``d_in · r`` entries by ``|score|``, as :class:`SupermaskLinear` does.

    Args:
        in_features: d_in, at least 1.
        redundancy: r, hidden units per input coordinate, at least 1.
        keep_fraction: share of the entries kept, in ``(0, 1]``.
        weight_init: one of :data:`WEIGHT_INITS` (fan-in 1: each unit sees one input).
        generator: a CPU ``torch.Generator`` (``None``: torch's global one).
        score_bound: scores start ``U[−score_bound, score_bound]`` (default 1; the official code
            of Pensia et al. uses √2).
    """

    def __init__(
        self,
        in_features: int,
        redundancy: int,
        *,
        keep_fraction: float,
        weight_init: str = "signed_constant",
        generator: torch.Generator | None = None,
        score_bound: float = 1.0,
    ) -> None:
        super().__init__()
        self.in_features = check_int("in_features", in_features, low=1)
        self.redundancy = check_int("redundancy", redundancy, low=1)
        self.out_features = self.in_features * self.redundancy
        weight_init = check_choice("weight_init", weight_init, WEIGHT_INITS)
        generator = check_generator(generator, cpu_only=True)
        self.keep_fraction = keep_fraction
        shape = (self.in_features, self.redundancy)
        self.weight = nn.Parameter(_draw_weight(shape, 1, weight_init, generator), requires_grad=False)
        score_bound = check_float("score_bound", score_bound, low=0.0, low_inclusive=False)
        self.scores = nn.Parameter(uniform(shape, generator, bound=score_bound, dtype=None))

    def mask(self) -> torch.Tensor:
        """The current supermask, bool, shape ``(in_features, redundancy)``."""
        return self._mask_of("scores")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        effective = self._masked("scores", self.weight)
        return (x.unsqueeze(-1) * effective).flatten(start_dim=-2)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, redundancy={self.redundancy}, keep_fraction={self.keep_fraction:g}"


#: The three structures of the paper's Experiment 2 (chapter 6).
STRUCTURES = ("ours_linear", "ours_relu", "wide")


def experiment2_network(
    structure: str,
    widths: Sequence[int],
    *,
    keep_fraction: float,
    redundancy: int = 5,
    wide_hidden: Sequence[int] | None = None,
    weight_init: str = "signed_constant",
    generator: torch.Generator | None = None,
    official_init: bool = False,
) -> nn.Sequential:
    """One of the paper's Experiment-2 random networks, pruned by edge-popup (chapter 6).

    For a target MLP with widths ``(d_0, …, d_l)``:

    * ``"ours_linear"`` — every target layer i becomes the paper's block construction: a
      :class:`SupermaskBlockExpand` ``d_{i−1} → r·d_{i−1}`` (each input to its own r units)
      followed by a dense :class:`SupermaskLinear` ``r·d_{i−1} → d_i``, **no** ReLU in between;
      ReLU between target layers.
    * ``"ours_relu"`` — the same with a ReLU between the two matrices, as in Theorem 1.
    * ``"wide"`` — a plain MLP ``d_0 → h_1 → … → d_l`` with the hidden widths ``wide_hidden``
      (chosen to match the parameter count; FC2: h = 2,508).

    Parameter counts for FC2 (784–500–10, r = 5): ours 1,991,420; wide 1,991,352
    (:func:`count_weights`).

    Args:
        structure: one of :data:`STRUCTURES`.
        widths: the target's widths ``(d_0, …, d_l)``.
        keep_fraction: share of each weight tensor kept, in ``(0, 1]`` (the same in every tensor).
        redundancy: r, units per input coordinate in the block construction.
        wide_hidden: hidden widths of the wide network (required for ``"wide"``).
        weight_init: law of the frozen random weights, one of :data:`WEIGHT_INITS`.
        generator: a CPU ``torch.Generator`` for all weights and scores.
        official_init: draw weights and scores as the official code of Pensia et al. does
            (``pruning/utils/red_fc.py`` and ``pruning/utils/subnet.py`` of
            ``acnagle/optimal-lottery-tickets``): weights ``N(0, 2/fan_in)``; in the block
            construction the first matrix has fan-in 1 and scores ``U[−√2, √2]``, the second
            the fan-in ``d_in`` of the target layer (not ``r·d_in``) and scores
            ``U[−√(2/d_in), √(2/d_in)]``; the wide network's scores ``U[−1/√fan_in,
            1/√fan_in]``. Overrides ``weight_init``.
    """
    structure = check_choice("structure", structure, STRUCTURES)
    official_init = check_bool("official_init", official_init)
    if official_init:
        weight_init = "kaiming_normal"
    widths = check_widths(widths)
    generator = check_generator(generator, cpu_only=True)
    layers: list[nn.Module] = []
    if structure == "wide":
        if wide_hidden is None:
            raise ValueError("wide_hidden must give the hidden widths of the wide network (e.g. (2508,) for FC2)")
        hidden = [check_int(f"wide_hidden[{i}]", h, low=1) for i, h in enumerate(wide_hidden)]
        return SupermaskMLP(
            [widths[0], *hidden, widths[-1]], keep_fraction=keep_fraction, weight_init=weight_init, generator=generator
        )
    redundancy = check_int("redundancy", redundancy, low=1)
    for i, (d_in, d_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(
            SupermaskBlockExpand(
                d_in,
                redundancy,
                keep_fraction=keep_fraction,
                weight_init=weight_init,
                generator=generator,
                score_bound=math.sqrt(2.0) if official_init else 1.0,
            )
        )
        if structure == "ours_relu":
            layers.append(nn.ReLU())
        layers.append(
            SupermaskLinear(
                d_in * redundancy,
                d_out,
                keep_fraction=keep_fraction,
                weight_init=weight_init,
                generator=generator,
                fan_in=d_in if official_init else None,
                score_bound=math.sqrt(2.0 / d_in) if official_init else None,
            )
        )
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def lenet5_features(*, generator: torch.Generator | None = None) -> nn.Sequential:
    """The convolutional part of LeNet-5 with random, frozen weights: MNIST image → 400 features.

    ``(N, 784)`` → ``(N, 1, 28, 28)`` → conv 5×5, 6 channels, padding 2 → ReLU → max-pool 2 →
    conv 5×5, 16 channels → ReLU → max-pool 2 → ``(N, 400)``, bias-free, as ``LeNet5`` in the
    official code of Pensia et al. (``pruning/models/baseline.py``), whose convolutions keep
    PyTorch's default initialisation ``U[−1/√fan_in, 1/√fan_in]`` (``fan_in`` = input channels
    × 25) and are never trained (``requires_grad=False``). The official code trains the dense
    LeNet-5 with these convolutions frozen and loads them into every pruned variant, so one
    call here, shared by every variant of a run, plays that role (chapter 6). Put it in front
    of a network on the 400 features, e.g. ``nn.Sequential(features, experiment2_network(...,
    (400, 120, 84, 10), ...))``.

    Args:
        generator: a CPU ``torch.Generator`` for the convolution weights (``None``: global).
    """
    generator = check_generator(generator, cpu_only=True)
    conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2, bias=False)
    conv2 = nn.Conv2d(6, 16, kernel_size=5, bias=False)
    for conv in (conv1, conv2):
        fan_in = conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1]
        conv.weight = nn.Parameter(
            uniform(tuple(conv.weight.shape), generator, bound=1.0 / math.sqrt(fan_in), dtype=None),
            requires_grad=False,
        )
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        conv1,
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        conv2,
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
    )


def count_weights(model: nn.Module) -> int:
    """Number of frozen random weights of a supermask network (the prunable parameters)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    return sum(m.weight.numel() for m in model.modules() if isinstance(m, (SupermaskLinear, SupermaskBlockExpand)))


def first_layer_census(model: nn.Module) -> tuple[int, float]:
    """What edge-popup kept in the first masked layer: inputs reached and the share of negative weights.

    Chapter 6 reads it on Experiment 2's structures: an input (pixel) is *reached* when at
    least one kept weight of the first masked layer reads it; behind a ReLU, a kept first-layer
    weight w < 0 on an input x ≥ 0 gives σ(w x) = 0 for every image.

    Args:
        model: a network with at least one :class:`SupermaskLinear` or :class:`SupermaskBlockExpand`.

    Returns:
        ``(inputs reached, share of the kept first-layer weights that are negative)``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    first = next((m for m in model.modules() if isinstance(m, (SupermaskLinear, SupermaskBlockExpand))), None)
    if first is None:
        raise ValueError("model has no masked layer (SupermaskLinear or SupermaskBlockExpand)")
    with torch.no_grad():
        mask = first.mask()
        per_input = mask if isinstance(first, SupermaskBlockExpand) else mask.T
        negative = (first.weight[mask] < 0).double().mean()
    return int(per_input.any(dim=1).sum()), float(negative)


def dense_mlp(widths: Sequence[int], *, generator: torch.Generator | None = None) -> nn.Sequential:
    """An ordinary trainable bias-free ReLU MLP with the same shape as :class:`SupermaskMLP`.

    ``x ↦ W_l σ(⋯ σ(W_1 x))``, every ``W_i`` trainable and initialised as PyTorch's
    ``nn.Linear`` does, ``U[−1/√d_{i−1}, 1/√d_{i−1}]``. The "trained dense" reference of
    chapters 1 and 6.

    Args:
        widths: layer widths ``(d_0, …, d_l)``, at least two positive integers.
        generator: a CPU ``torch.Generator`` for the initial weights (``None``: global).
    """
    widths = check_widths(widths)
    generator = check_generator(generator, cpu_only=True)
    modules: list[nn.Module] = []
    for i in range(len(widths) - 1):
        linear = nn.Linear(widths[i], widths[i + 1], bias=False)
        with torch.no_grad():
            linear.weight.copy_(
                uniform(tuple(linear.weight.shape), generator, bound=1.0 / math.sqrt(widths[i]), dtype=None)
            )
        modules.append(linear)
        if i < len(widths) - 2:
            modules.append(nn.ReLU())
    return nn.Sequential(*modules)


@dataclass(frozen=True)
class TrainingHistory:
    """What :func:`train` measured, one entry per epoch.

    Attributes:
        train_loss: mean cross-entropy over the epoch's mini-batches.
        test_accuracy: share of test images classified correctly after the epoch, in [0, 1].
        epoch_seconds: wall-clock time of the epoch (training and evaluation).
    """

    train_loss: tuple[float, ...]
    test_accuracy: tuple[float, ...]
    epoch_seconds: tuple[float, ...]

    @property
    def final_test_accuracy(self) -> float:
        """Test accuracy after the last epoch."""
        return self.test_accuracy[-1]

    @property
    def total_seconds(self) -> float:
        """Wall-clock time of the whole run."""
        return sum(self.epoch_seconds)


def _model_device(model: nn.Module) -> torch.device:
    for tensor in model.parameters():
        return tensor.device
    return torch.device("cpu")


@torch.no_grad()
def accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor, *, batch_size: int = 4096) -> float:
    """Share of the rows of ``X`` whose largest logit is the label ``y``: ``mean(argmax f(x) = y)``.

    Computed on the model's device in evaluation mode, in chunks of ``batch_size`` rows; the
    model's training mode is restored afterwards.

    Args:
        model: a classifier returning logits of shape ``(N, num_classes)``.
        X: inputs, shape ``(N, …)``.
        y: int64 labels, shape ``(N,)``.
        batch_size: rows per chunk, at least 1.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if not isinstance(X, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError("X and y must be torch tensors")
    if y.ndim != 1 or X.shape[0] != y.shape[0] or y.numel() == 0:
        raise ValueError(
            "X and y must hold the same positive number of rows, y one label per row; "
            f"got X {tuple(X.shape)}, y {tuple(y.shape)}"
        )
    batch_size = check_int("batch_size", batch_size, low=1)
    device = _model_device(model)
    was_training = model.training
    model.eval()
    try:
        correct = 0
        for start in range(0, X.shape[0], batch_size):
            logits = model(X[start : start + batch_size].to(device))
            correct += int((logits.argmax(dim=1) == y[start : start + batch_size].to(device)).sum())
    finally:
        model.train(was_training)
    return correct / y.shape[0]


def train(
    model: nn.Module,
    data: Dataset,
    *,
    epochs: int,
    lr: float,
    batch_size: int = 64,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    weight_decay: float = 5e-4,
    cosine: bool = True,
    device: str | torch.device | None = None,
    seed: int = 0,
    progress: bool = True,
    cosine_unit: str = "step",
) -> TrainingHistory:
    """Train ``model`` on ``data`` by minimising the cross-entropy with mini-batch SGD or Adam.

    Only parameters with ``requires_grad=True`` are optimised, so the same function serves both
    networks of chapter 1: for a :class:`SupermaskMLP` it trains the scores (edge-popup) and
    leaves the random weights ``W_i`` bit-for-bit unchanged; for :func:`dense_mlp` it trains
    the weights. With ``cosine=True`` the learning rate follows
    ``lr · (1 + cos(π t / T)) / 2`` over the ``T`` mini-batch steps of the run (Ramanujan et
    al. use cosine decay, SGD with momentum 0.9 and weight decay 5e-4).

    The model is moved to ``device`` in place. On the CPU the run is deterministic given
    ``seed`` (which orders the mini-batches) and the model's initial state.

    Args:
        model: the network to train, returning logits.
        data: a :class:`~lthbook.data.Dataset` (e.g. from :func:`~lthbook.data.load_digits`).
        epochs: passes over the training set, at least 1.
        lr: initial learning rate, positive.
        batch_size: training images per step, at least 1.
        optimizer: ``"sgd"`` (with ``momentum``) or ``"adam"``.
        momentum: SGD momentum in ``[0, 1)``; ignored by Adam.
        weight_decay: L2 penalty coefficient, at least 0.
        cosine: decay the learning rate along a cosine to 0; ``False`` keeps it constant.
        device: where to train; ``None`` means CUDA when available, else CPU.
        seed: seed of the mini-batch order, an integer in ``[0, 2**63 - 1]``.
        progress: show a ``tqdm`` bar over the epochs.
        cosine_unit: ``"step"`` moves the cosine after every mini-batch (``t`` counts steps, as
            above); ``"epoch"`` moves it after every epoch, ``lr · (1 + cos(π e / E))/2`` during
            epoch ``e = 0, …, E − 1``, as the official code of Pensia et al. does
            (``CosineAnnealingLR(T_max=epochs)`` stepped once per epoch).

    Returns:
        A :class:`TrainingHistory` with per-epoch training loss, test accuracy and time.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an lthbook.data.Dataset (e.g. from load_digits()); got {type(data).__name__}")
    epochs = check_int("epochs", epochs, low=1)
    lr = check_float("lr", lr, low=0.0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, low=1)
    optimizer = check_choice("optimizer", optimizer, ("sgd", "adam"))
    momentum = check_float("momentum", momentum, low=0.0, high=1.0, high_inclusive=False)
    weight_decay = check_float("weight_decay", weight_decay, low=0.0)
    cosine = check_bool("cosine", cosine)
    device = resolve_device(device)
    seed = check_int("seed", seed, low=0, high=2**63 - 1)
    cosine_unit = check_choice("cosine_unit", cosine_unit, ("step", "epoch"))
    trainable = [p for p in model.parameters() if p.requires_grad]
    if not trainable:
        raise ValueError("model has no parameter with requires_grad=True: there is nothing to train")

    model.to(device)
    X_train, y_train = data.X_train.to(device), data.y_train.to(device)
    n_train = X_train.shape[0]
    steps_per_epoch = math.ceil(n_train / batch_size)
    opt: torch.optim.Optimizer
    if optimizer == "sgd":
        opt = torch.optim.SGD(trainable, lr=lr, momentum=momentum, weight_decay=weight_decay)
    else:
        opt = torch.optim.Adam(trainable, lr=lr, weight_decay=weight_decay)
    per_step = cosine_unit == "step"
    schedule = (
        torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * steps_per_epoch if per_step else epochs)
        if cosine
        else None
    )
    order_rng = torch.Generator().manual_seed(seed)

    losses, accuracies, seconds = [], [], []
    bar = tqdm(range(epochs), desc=f"training on {data.name}", disable=not progress, leave=True)
    for _ in bar:
        start_time = time.perf_counter()
        model.train()
        order = torch.randperm(n_train, generator=order_rng).to(device)
        loss_sum = torch.zeros((), device=device)
        for step in range(steps_per_epoch):
            batch = order[step * batch_size : (step + 1) * batch_size]
            loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if schedule is not None and per_step:
                schedule.step()
            loss_sum += loss.detach()
        if schedule is not None and not per_step:
            schedule.step()
        losses.append(float(loss_sum) / steps_per_epoch)
        accuracies.append(accuracy(model, data.X_test, data.y_test))
        seconds.append(time.perf_counter() - start_time)
        bar.set_postfix(loss=f"{losses[-1]:.3f}", test_acc=f"{accuracies[-1]:.3f}")
    return TrainingHistory(tuple(losses), tuple(accuracies), tuple(seconds))
