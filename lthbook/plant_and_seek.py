"""Plant and seek: does edge-popup find the certified ticket that Theorem 1 plants?

Chapter 7 (``chapters/07_beyond.ipynb``) runs this pipeline; chapter 4 builds the planted ticket
(:mod:`lthbook.construction`) and chapters 1 and 6 train edge-popup (:mod:`lthbook.edge_popup`).

Fischer & Burkholz ("Plant 'n' Seek: Can you find the winning ticket?", ICLR 2022) planted
sparse tickets in random networks and found that pruning algorithms do not recover them. Here
the planted ticket is the book's own: for a target f (scaled into the class), Theorem 1's random
network g is drawn and pruned to the certified ticket S* = (S*_1, …, S*_{2l}) with
sup_{‖x‖≤1} ‖f(x) − g_{S*}(x)‖₂ ≤ the certified bound. Then edge-popup is run on **the same
frozen random weights** M_1, …, M_{2l}, keeping in each layer exactly as many weights as S*
does, and trained either on the labels (cross-entropy) or to match the target's outputs (mean
squared error). The found masks M_i are compared with S*_i.

Overlap of a found mask M with the planted S* (as sets of kept weights, per layer)::

    precision = |M ∩ S*| / |M|,   recall = |M ∩ S*| / |S*|,   Jaccard = |M ∩ S*| / |M ∪ S*|.

With ``|M| = |S*|`` (the pipeline's default, ``keep_scale=1``) the three are tied: precision = recall and
Jaccard = p / (2 − p). A mask drawn at random with the same size has expected precision
``|S*|`` / (size of the layer), :attr:`MaskOverlap.chance_precision`.

Inputs. Both networks are bias-free, hence positively homogeneous, and the certificate is a
statement about the unit ball; the pipeline therefore feeds every image as x / ‖x‖₂ (the
predicted class does not change). "Output error" is ‖f(x) − g(x)‖₂ on those test inputs;
"sampled error" is :func:`lthbook.construction.sampled_error`'s estimate of the supremum over
the ball.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from . import construction, edge_popup
from ._validation import check_choice, check_float, check_int, resolve_device
from .data import Dataset

__all__ = [
    "MaskOverlap",
    "mask_overlap",
    "layer_overlaps",
    "train_target",
    "supermask_copy",
    "seek",
    "TicketReport",
    "PlantAndSeekResult",
    "plant_and_seek",
    "SEEK_MODES",
    "SeekRow",
    "PlantAndSeekBenchmark",
    "read_benchmark",
]

#: What edge-popup is trained on: the labels (cross-entropy) or the target's outputs (MSE).
SEEK_MODES = ("labels", "target")


# ----------------------------------------------------------------------------------------
# Overlap
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaskOverlap:
    """How a found mask M overlaps a planted mask S* of the same layer.

    Attributes:
        found: ``|M|``; planted: ``|S*|``; common: ``|M ∩ S*|``; union: ``|M ∪ S*|``; size: entries of the
            layer.
    """

    found: int
    planted: int
    common: int
    union: int
    size: int

    @property
    def precision(self) -> float:
        """``|M ∩ S*| / |M|`` (NaN when M is empty)."""
        return self.common / self.found if self.found else math.nan

    @property
    def recall(self) -> float:
        """``|M ∩ S*| / |S*|`` (NaN when S* is empty)."""
        return self.common / self.planted if self.planted else math.nan

    @property
    def jaccard(self) -> float:
        """``|M ∩ S*| / |M ∪ S*|`` (1 when both are empty: the sets are equal)."""
        return self.common / self.union if self.union else 1.0

    @property
    def chance_precision(self) -> float:
        """``|S*|`` / size: the expected precision of a mask drawn uniformly at random."""
        return self.planted / self.size


def mask_overlap(found, planted) -> MaskOverlap:
    """Precision, recall and Jaccard index of a found mask against a planted one (same shape).

    Args:
        found: bool tensor M.
        planted: bool tensor S*, same shape.

    Examples:
        >>> o = mask_overlap(torch.tensor([True, True, False, False]), torch.tensor([True, False, True, False]))
        >>> o.precision, o.recall, o.jaccard
        (0.5, 0.5, 0.3333333333333333)
    """
    if not isinstance(found, torch.Tensor) or found.dtype != torch.bool:
        raise TypeError("found must be a bool tensor")
    if not isinstance(planted, torch.Tensor) or planted.dtype != torch.bool:
        raise TypeError("planted must be a bool tensor")
    if found.shape != planted.shape:
        raise ValueError(
            f"found and planted must have the same shape; got {tuple(found.shape)} and {tuple(planted.shape)}"
        )
    planted = planted.to(found.device)
    return MaskOverlap(
        found=int(found.sum()),
        planted=int(planted.sum()),
        common=int((found & planted).sum()),
        union=int((found | planted).sum()),
        size=found.numel(),
    )


def layer_overlaps(found_masks: Sequence, planted_masks: Sequence) -> tuple[MaskOverlap, ...]:
    """:func:`mask_overlap` of each layer; both sequences in layer order, of equal length."""
    if isinstance(found_masks, torch.Tensor) or isinstance(planted_masks, torch.Tensor):
        raise TypeError("found_masks and planted_masks must be sequences of bool tensors, one per layer")
    if len(found_masks) != len(planted_masks):
        raise ValueError(
            f"found_masks and planted_masks must have one mask per layer each; got {len(found_masks)} and "
            f"{len(planted_masks)}"
        )
    return tuple(mask_overlap(m, s) for m, s in zip(found_masks, planted_masks))


# ----------------------------------------------------------------------------------------
# The target, and edge-popup on the planted network
# ----------------------------------------------------------------------------------------


def train_target(
    data: Dataset,
    hidden: Sequence[int] = (32,),
    *,
    epochs: int = 30,
    lr: float = 0.05,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> list[torch.Tensor]:
    """Train a bias-free ReLU MLP (``edge_popup.dense_mlp``) on ``data``; return W_1, …, W_l.

    Widths ``(data.input_dim, *hidden, data.num_classes)``; ``edge_popup.train`` with SGD, cosine
    learning rate, mini-batches of 64, seeded by ``seed``, in the data's dtype. The weights are returned as float64
    tensors; scale them into the class with ``construction.normalize_to_class``.
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an lthbook.data.Dataset; got {type(data).__name__}")
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise TypeError("hidden must be a sequence of hidden widths such as (32,)")
    hidden = [check_int(f"hidden[{i}]", h, low=1) for i, h in enumerate(hidden)]
    seed = check_int("seed", seed, low=0)
    widths = [data.input_dim, *hidden, data.num_classes]
    model = edge_popup.dense_mlp(widths, generator=torch.Generator().manual_seed(seed)).to(data.X_train.dtype)
    edge_popup.train(model, data, epochs=epochs, lr=lr, seed=seed, device=device, progress=progress)
    return [m.weight.detach().to(torch.float64) for m in model if isinstance(m, torch.nn.Linear)]


def supermask_copy(
    random_network: construction.RandomNetwork,
    keep_fractions: Sequence[float],
    *,
    start_masks: Sequence[torch.Tensor] | None = None,
    generator: torch.Generator | None = None,
) -> edge_popup.SupermaskMLP:
    """An ``edge_popup.SupermaskMLP`` whose frozen weights are the random network's M_1, …, M_{2l}.

    float64, on the network's device, one ``keep_fraction`` per layer. Scores start as
    edge-popup's (U[−1/√fan_in, 1/√fan_in], from ``generator``), or, with ``start_masks``, as
    1 on the given masks and 0 elsewhere: with ``keep_fractions`` equal to the masks' kept
    shares, the initial supermasks are exactly ``start_masks``.
    """
    if not isinstance(random_network, construction.RandomNetwork):
        raise TypeError(f"random_network must be a construction.RandomNetwork; got {type(random_network).__name__}")
    weights = random_network.weights
    if isinstance(keep_fractions, (str, bytes)) or not isinstance(keep_fractions, Sequence):
        raise TypeError("keep_fractions must be a sequence of numbers, one per layer")
    if len(keep_fractions) != len(weights):
        raise ValueError(f"keep_fractions must hold {len(weights)} numbers (one per layer); got {len(keep_fractions)}")
    widths = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    model = edge_popup.SupermaskMLP(
        widths, keep_fraction=list(keep_fractions), weight_init="uniform", generator=generator
    )
    model = model.to(device=random_network.device, dtype=torch.float64)
    layers = model.supermask_layers()
    if start_masks is not None:
        if len(start_masks) != len(weights):
            raise ValueError(f"start_masks must hold {len(weights)} masks; got {len(start_masks)}")
    with torch.no_grad():
        for index, (layer, weight) in enumerate(zip(layers, weights)):
            layer.weight.copy_(weight)
            if start_masks is not None:
                mask = start_masks[index]
                if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool or mask.shape != weight.shape:
                    raise ValueError(f"start_masks[{index}] must be a bool tensor of shape {tuple(weight.shape)}")
                layer.scores.copy_(mask.to(torch.float64))
    return model


def seek(
    model: edge_popup.SupermaskMLP,
    inputs: torch.Tensor,
    *,
    labels: torch.Tensor | None = None,
    target_outputs: torch.Tensor | None = None,
    epochs: int,
    lr: float = 0.01,
    batch_size: int = 64,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    weight_decay: float = 5e-4,
    seed: int = 0,
    progress: bool = False,
) -> list[float]:
    """Edge-popup: train the scores of ``model`` (weights stay frozen), in place.

    Exactly one of ``labels`` (cross-entropy on the logits) and ``target_outputs`` is given; with
    the latter the loss is the mean squared error to the target's outputs divided by the mean
    square of those outputs (a relative error: the scaled target's outputs are small, and an
    absolute error would make the learning rate depend on their scale). SGD with momentum (or
    Adam) and weight decay, learning rate decaying along a cosine to 0 over the run (Ramanujan
    et al.'s recipe, as ``edge_popup.train``); mini-batch order from ``seed``. ``epochs = 0``
    trains nothing. Theorem 1's weights are U[−1, 1] with large fan-in, not Kaiming-scaled as
    edge-popup's usually are; on them edge-popup's usual learning rate 0.1 made the loss jump by
    two orders of magnitude in the tiny case of ``tests/test_plant_and_seek.py`` (target (4, 3, 3),
    n = 12, matching outputs), hence the default 0.01 here.

    Returns:
        the mean training loss of each epoch.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if (labels is None) == (target_outputs is None):
        raise ValueError("give exactly one of labels (cross-entropy) and target_outputs (mean squared error)")
    epochs = check_int("epochs", epochs, low=0)
    lr = check_float("lr", lr, low=0.0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, low=1)
    optimizer = check_choice("optimizer", optimizer, ("sgd", "adam"))
    momentum = check_float("momentum", momentum, low=0.0, high=1.0, high_inclusive=False)
    weight_decay = check_float("weight_decay", weight_decay, low=0.0)
    seed = check_int("seed", seed, low=0)
    goal = labels if labels is not None else target_outputs
    assert goal is not None  # exactly one of the two is given (checked above)
    if goal.shape[0] != inputs.shape[0]:
        raise ValueError(
            f"inputs and labels/target_outputs must have the same rows; got {inputs.shape[0]} and {goal.shape[0]}"
        )
    if target_outputs is not None:
        scale = float(target_outputs.pow(2).mean()) or 1.0  # the loss is relative: scale-free
    trainable = [p for p in model.parameters() if p.requires_grad]
    steps_per_epoch = math.ceil(inputs.shape[0] / batch_size)
    opt: torch.optim.Optimizer
    if optimizer == "sgd":
        opt = torch.optim.SGD(trainable, lr=lr, momentum=momentum, weight_decay=weight_decay)
    else:
        opt = torch.optim.Adam(trainable, lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, epochs * steps_per_epoch))
    order_rng = torch.Generator().manual_seed(seed)
    losses = []
    model.train()
    for _ in tqdm(range(epochs), desc="edge-popup", disable=not progress, leave=False):
        order = torch.randperm(inputs.shape[0], generator=order_rng).to(inputs.device)
        total = 0.0
        for step in range(steps_per_epoch):
            batch = order[step * batch_size : (step + 1) * batch_size]
            out = model(inputs[batch])
            if labels is not None:
                loss = F.cross_entropy(out, labels[batch])
            else:
                assert target_outputs is not None  # labels is None, so target_outputs is given
                loss = F.mse_loss(out, target_outputs[batch]) / scale
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            schedule.step()
            total += float(loss.detach())
        losses.append(total / steps_per_epoch)
    model.eval()
    return losses


# ----------------------------------------------------------------------------------------
# The pipeline
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketReport:
    """One ticket of the random network, measured.

    Attributes:
        name: ``"planted S*"`` or ``"edge-popup (labels)"`` / ``"edge-popup (target)"``.
        masks: its masks, one per layer of the random network.
        kept: kept weights per layer.
        test_accuracy: share of test images whose argmax of g(x/‖x‖) is the label.
        output_error_max, output_error_mean: of ‖f(x) − g(x)‖₂ over the test inputs x/‖x‖.
        sampled_error: ``construction.sampled_error`` (sup over the unit ball, from below).
        overlaps: per layer, :class:`MaskOverlap` against S*.
        train_losses: edge-popup's loss per epoch (empty for S*).
    """

    name: str
    masks: tuple[torch.Tensor, ...]
    kept: tuple[int, ...]
    test_accuracy: float
    output_error_max: float
    output_error_mean: float
    sampled_error: float
    overlaps: tuple[MaskOverlap, ...]
    train_losses: tuple[float, ...] = ()


@dataclass(frozen=True)
class PlantAndSeekResult:
    """What :func:`plant_and_seek` measured.

    Attributes:
        target_widths: (d_0, …, d_l).
        layer_widths: widths of every layer of the random network (depth 2l).
        n: Theorem 1's size parameter used.
        keep_fractions: kept share of S* in each of the 2l layers.
        keep_scale: edge-popup kept min(1, keep_scale · share) of each layer.
        certified_bound: S*'s certified bound on sup_{‖x‖≤1} ‖f − g_{S*}‖₂.
        target_accuracy: the (scaled) target's test accuracy.
        planted: the report for S*.
        sought: one report per mode of edge-popup.
        epochs: edge-popup's training budget.
    """

    target_widths: tuple[int, ...]
    layer_widths: tuple[int, ...]
    n: int
    keep_fractions: tuple[float, ...]
    keep_scale: float
    certified_bound: float
    target_accuracy: float
    planted: TicketReport
    sought: tuple[TicketReport, ...]
    epochs: int

    def rows(self) -> list[TicketReport]:
        return [self.planted, *self.sought]


def plant_and_seek(
    target_weights: Sequence,
    data: Dataset,
    *,
    n: int | None = None,
    eps: float = 0.05,
    delta: float = 0.1,
    constant: float | None = None,
    max_coefficients: int | None = None,
    modes: Sequence[str] = SEEK_MODES,
    epochs: int = 20,
    lr: float = 0.01,
    batch_size: int = 64,
    optimizer: str = "sgd",
    keep_scale: float = 1.0,
    start: str = "random",
    seed: int = 0,
    num_points: int = 2_000,
    adversarial_steps: int = 30,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> PlantAndSeekResult:
    """Plant Theorem 1's certified ticket S*, then seek it with edge-popup on the same random weights.

    Steps: (1) scale the target into the class, W_i / ‖W_i‖₂ (``construction.normalize_to_class``;
    the predicted classes do not change); (2) draw Theorem 1's random network with n
    (``construction.required_n(eps, delta, d_in, d_out, l, constant)`` for the widest layer
    unless given) from ``torch.Generator().manual_seed(seed)``; (3) S* = ``construction.prune_to``
    (with ``max_coefficients``), certified by ``construction.certified_error_bound``; (4) for
    each mode, ``supermask_copy`` of the same network with S*'s kept share per layer, trained by
    :func:`seek` on the training images (as x/‖x‖) against their labels or the scaled target's
    outputs; (5) every ticket measured on the test set and on the ball, and its masks compared
    with S* layer by layer.

    Args:
        target_weights: W_1, …, W_l (any scale; e.g. :func:`train_target`).
        data: a :class:`~lthbook.data.Dataset` with ``input_dim = d_0``, flat inputs.
        n, eps, delta, constant, max_coefficients: Theorem 1's size and pruning options.
        modes: a non-empty subset of :data:`SEEK_MODES`.
        epochs: edge-popup epochs ≥ 0; lr, batch_size, optimizer: its settings (:func:`seek`).
        keep_scale: edge-popup keeps min(1, keep_scale · S*'s share) of each layer; 1 (the
            default) keeps exactly as many weights as S* in every layer.
        start: ``"random"`` (edge-popup's score initialisation) or ``"planted"`` (scores 1 on S*,
            0 elsewhere: edge-popup starts at S*).
        seed: ≥ 0; seeds the network (seed), the scores (seed + 1), the batches and the sampling.
        num_points, adversarial_steps: for ``construction.sampled_error``.
        device: None = CUDA if available, else CPU.
        progress: progress bars.

    Returns:
        :class:`PlantAndSeekResult`.
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be an lthbook.data.Dataset; got {type(data).__name__}")
    device = resolve_device(device)
    if isinstance(modes, (str, bytes)) or not isinstance(modes, Sequence) or len(modes) == 0:
        raise TypeError(f"modes must be a non-empty sequence drawn from {SEEK_MODES}")
    modes = tuple(check_choice("modes", mode, SEEK_MODES) for mode in modes)
    start = check_choice("start", start, ("random", "planted"))
    epochs = check_int("epochs", epochs, low=0)
    keep_scale = check_float("keep_scale", keep_scale, low=0.0, low_inclusive=False)
    seed = check_int("seed", seed, low=0)
    target = [w.to(device) for w in construction.normalize_to_class(target_weights)]
    widths = (target[0].shape[1],) + tuple(w.shape[0] for w in target)
    if data.X_train.ndim != 2 or data.X_train.shape[1] != widths[0]:
        raise ValueError(
            f"data must have flat inputs with d_0 = {widths[0]} features; "
            f"got X_train of shape {tuple(data.X_train.shape)}"
        )
    if n is None:
        n = construction.required_n(eps, delta, constant=constant, widths=widths)
    n = check_int("n", n, low=1)

    network = construction.RandomNetwork.sample(widths, n, generator=torch.Generator().manual_seed(seed), device=device)
    planted = construction.prune_to(network, target, max_coefficients=max_coefficients, progress=progress)
    certified = construction.certified_error_bound(planted, target).bound
    keep_fractions = tuple(int(m.sum()) / m.numel() for m in planted.masks)
    seek_fractions = tuple(min(1.0, keep_scale * share) for share in keep_fractions)

    x_train, y_train = _on_sphere(data.X_train.to(device)), data.y_train.to(device)
    x_test, y_test = _on_sphere(data.X_test.to(device)), data.y_test.to(device)
    with torch.no_grad():
        f_train = construction.target_forward(target, x_train)
        f_test = construction.target_forward(target, x_test)
    target_accuracy = float((f_test.argmax(dim=1) == y_test).double().mean())

    def report(name: str, masks: tuple[torch.Tensor, ...], losses: tuple[float, ...]) -> TicketReport:
        ticket = construction.PrunedNetwork(network=network, masks=masks, positive_residuals=(), negative_residuals=())
        with torch.no_grad():
            g_test = ticket.forward(x_test)
        errors = (g_test - f_test).norm(dim=1)
        return TicketReport(
            name=name,
            masks=masks,
            kept=tuple(int(m.sum()) for m in masks),
            test_accuracy=float((g_test.argmax(dim=1) == y_test).double().mean()),
            output_error_max=float(errors.max()),
            output_error_mean=float(errors.mean()),
            sampled_error=construction.sampled_error(
                ticket,
                target,
                num_points,
                adversarial_steps=adversarial_steps,
                generator=torch.Generator().manual_seed(seed + 2),
            ),
            overlaps=layer_overlaps(masks, planted.masks),
            train_losses=losses,
        )

    sought = []
    for index, mode in enumerate(modes):
        model = supermask_copy(
            network,
            seek_fractions,
            start_masks=planted.masks if start == "planted" else None,
            generator=torch.Generator().manual_seed(seed + 1),
        )
        losses = seek(
            model,
            x_train,
            labels=y_train if mode == "labels" else None,
            target_outputs=f_train if mode == "target" else None,
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            optimizer=optimizer,
            seed=seed + 3 + index,
            progress=progress,
        )
        masks = tuple(m.to(device) for m in model.masks())
        sought.append(report(f"edge-popup ({mode})", masks, tuple(losses)))
    return PlantAndSeekResult(
        target_widths=widths,
        layer_widths=(widths[0],) + tuple(w.shape[0] for w in network.weights),
        n=n,
        keep_fractions=keep_fractions,
        keep_scale=keep_scale,
        certified_bound=certified,
        target_accuracy=target_accuracy,
        planted=report("planted S*", planted.masks, ()),
        sought=tuple(sought),
        epochs=epochs,
    )


# ----------------------------------------------------------------------------------------
# The benchmark's committed output, read back (chapter 7 does not retrain at scale)
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeekRow:
    """One ticket row of part A of ``benchmarks/results/plant_and_seek.txt``.

    Attributes:
        ticket: ``"planted S*"``, ``"edge-popup (labels)"`` or ``"edge-popup (target)"``.
        keep_scale: edge-popup's keep_scale (None for S*).
        epochs: edge-popup's epochs (None for S*).
        accuracy: test accuracy.
        error_max, error_mean: output error ‖f(x) − g(x)‖₂ over the test inputs.
        sampled_error: the sampled sup error over the unit ball.
        precision: per layer, precision of the found mask against S*.
        chance: per layer, the precision of a random mask of the same size.
        loss_first, loss_last: edge-popup's training loss at its first and last epoch (None for S*).
        seconds: wall seconds of the run (None for S*).
    """

    ticket: str
    keep_scale: float | None
    epochs: int | None
    accuracy: float
    error_max: float
    error_mean: float
    sampled_error: float
    precision: tuple[float, ...]
    chance: tuple[float, ...]
    loss_first: float | None
    loss_last: float | None
    seconds: float | None


@dataclass(frozen=True)
class PlantAndSeekBenchmark:
    """Part A of the benchmark's output: the run's set-up and one :class:`SeekRow` per ticket.

    Attributes:
        date, machine: as the file records them.
        target_accuracy: the scaled target's test accuracy.
        layer_widths: the random network's widths; n and cap: Theorem 1's n and max_coefficients.
        certified_bound: S*'s certified bound.
        kept_shares: S*'s kept share per layer.
        rows: the tickets, S* first.
    """

    date: str
    machine: str
    target_accuracy: float
    layer_widths: tuple[int, ...]
    n: int
    cap: int
    certified_bound: float
    kept_shares: tuple[float, ...]
    rows: tuple[SeekRow, ...]

    def excess_over_chance(self) -> tuple[tuple[float, ...], ...]:
        """Per row and layer, how many standard deviations the found mask's overlap with S* lies above chance.

        A mask M of the layer's size N drawn uniformly at random with |M| kept weights meets S*
        in a hypergeometric number I of weights: mean |M| q, variance
        |M| q (1 − q)(N − |M|)/(N − 1), with q = |S*|/N the chance precision. With
        |S*| = share · N, |M| = min(N, keep_scale · |S*|) (|S*| for S* itself) and
        I = precision · |M| read from the file, this returns z = (I − mean) / sd. The file rounds
        precision to three decimals, so z is known to about ±0.0005 |M| / sd. z ≤ 3 everywhere
        means no layer's overlap is distinguishable from a random mask's.
        """
        sizes = [a * b for a, b in zip(self.layer_widths, self.layer_widths[1:])]
        rows = []
        for row in self.rows:
            scale = 1.0 if row.keep_scale is None else row.keep_scale
            scores = []
            for size, share, precision in zip(sizes, self.kept_shares, row.precision):
                planted = share * size
                kept = min(size, scale * planted)
                q = planted / size
                sd = math.sqrt(kept * q * (1 - q) * (size - kept) / (size - 1)) if 0 < kept < size else 0.0
                excess = precision * kept - kept * q
                scores.append(excess / sd if sd > 0 else (math.inf if excess > 0 else 0.0))
            rows.append(tuple(scores))
        return tuple(rows)

    def table(self) -> str:
        """The rows as a short text table: accuracy, errors, mean precision over the layers against chance."""
        lines = [f"{'ticket':20s} {'keep×':>5s} {'epochs':>6s} {'acc':>6s} {'err max':>9s} {'prec/chance':>11s}"]
        for row in self.rows:
            scale = "-" if row.keep_scale is None else f"{row.keep_scale:g}"
            epochs = "-" if row.epochs is None else str(row.epochs)
            ratio = sum(p / c for p, c in zip(row.precision, row.chance)) / len(row.chance)
            lines.append(
                f"{row.ticket:20s} {scale:>5s} {epochs:>6s} {row.accuracy:6.3f} {row.error_max:9.2e} {ratio:11.2f}"
            )
        return "\n".join(lines)


_NUMBER = r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_ROW = re.compile(
    rf"^(?P<ticket>planted S\*|edge-popup \((?:labels|target)\))\s+(?P<scale>-|{_NUMBER})\s+(?P<epochs>-|\d+)\s+"
    rf"(?P<acc>{_NUMBER})\s+(?P<max>{_NUMBER})\s+(?P<mean>{_NUMBER})\s+(?P<sampled>{_NUMBER})\s+(?P<rest>.*)$"
)


def read_benchmark(path: str | Path) -> PlantAndSeekBenchmark:
    """Read part A (plant and seek) of the output of ``benchmarks/plant_and_seek.py``.

    Chapter 7 reads the committed ``benchmarks/results/plant_and_seek.txt`` this way instead of
    retraining edge-popup at scale (minutes per run).

    Args:
        path: the results file.

    Returns:
        :class:`PlantAndSeekBenchmark`.

    Raises:
        FileNotFoundError: no such file (Colab installs the package without the repository's
            ``benchmarks`` folder).
        ValueError: the file lacks part A or one of its lines.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path; got {type(path).__name__}")
    text = Path(path).read_text(encoding="utf-8")
    date = re.search(r"^date: ([^;]+);", text, flags=re.MULTILINE)
    machine = re.search(r"^machine: (.+)$", text, flags=re.MULTILINE)
    setup = re.search(
        rf"target test accuracy ({_NUMBER}); random network widths \(([\d, ]+)\), n = (\d+), cap (\d+); "
        rf"S\* certified bound ({_NUMBER})",
        text,
    )
    shares = re.search(r"^S\* kept share per layer: (.+)$", text, flags=re.MULTILINE)
    if not (date and machine and setup and shares):
        raise ValueError(f"{path} has no complete part A (date, machine, set-up and kept-share lines)")
    rows = []
    for line in text.splitlines():
        match = _ROW.match(line.strip())
        if not match:
            continue
        pairs = re.findall(rf"({_NUMBER}) \(({_NUMBER})\)", match["rest"])
        loss = re.search(rf"loss ({_NUMBER}) → ({_NUMBER})", match["rest"])
        seconds = re.search(rf"; ({_NUMBER}) s$", match["rest"])
        rows.append(
            SeekRow(
                ticket=match["ticket"],
                keep_scale=None if match["scale"] == "-" else float(match["scale"]),
                epochs=None if match["epochs"] == "-" else int(match["epochs"]),
                accuracy=float(match["acc"]),
                error_max=float(match["max"]),
                error_mean=float(match["mean"]),
                sampled_error=float(match["sampled"]),
                precision=tuple(float(p) for p, _ in pairs),
                chance=tuple(float(c) for _, c in pairs),
                loss_first=float(loss[1]) if loss else None,
                loss_last=float(loss[2]) if loss else None,
                seconds=float(seconds[1]) if seconds else None,
            )
        )
    if not rows or rows[0].ticket != "planted S*":
        raise ValueError(f"{path} has no ticket rows in part A")
    return PlantAndSeekBenchmark(
        date=date[1].strip(),
        machine=machine[1].strip(),
        target_accuracy=float(setup[1]),
        layer_widths=tuple(int(w) for w in setup[2].split(",")),
        n=int(setup[3]),
        cap=int(setup[4]),
        certified_bound=float(setup[5]),
        kept_shares=tuple(float(v) for v in shares[1].split(",")),
        rows=tuple(rows),
    )


def _on_sphere(x: torch.Tensor) -> torch.Tensor:
    """x / ‖x‖₂ row by row, float64 (zero rows stay zero)."""
    x = x.to(torch.float64)
    return x / x.norm(dim=1, keepdim=True).clamp(min=1e-300)
