"""Interactive explorers for the chapters, each with a static figure for the printed page.

An explorer is an ``ipywidgets`` box of controls above a picture. The picture is drawn by a
plain plotting function, which the chapters also call directly: the HTML version of the book
cannot run Python, so the controls there are inert, and the figure drawn right after the
explorer shows what it shows for the default values.

* :func:`subset_sum_explorer` (chapter 2): draw n random coefficients, pick a target z, and
  see the 2^n subset sums on the line, the best one for z, the coefficients it keeps, and the
  largest gap (half of which is the worst case over all targets).
* :func:`plot_subset_sum_instance`: the same picture without widgets.
* :func:`weight_gadget_explorer` (chapter 3): pick a target weight w, the size n and the seed
  of a random gadget g(x) = vᵀσ(u x), and see which edges pruning keeps, g_S(x) against w·x
  on [−1, 1], and the error, largest at x = ±1.
* :func:`plot_weight_gadget`: the same picture without widgets.

The picture is rendered to PNG and shown in an ``ipywidgets.Image``, so the explorer needs no
running kernel to display its last picture, and the tests can check that a control redraws it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ._validation import check_choice, check_float, check_int
from .diagrams import draw_weight_gadget
from .gadgets import WeightGadget, gadget_forward, prune_weight_gadget, sample_weight_gadget
from .plotting import COLORS, FIGURE_WIDTH_IN, few_ticks, readable
from .subset_sum import COEFFICIENT_LAWS, sample_coefficients, solve, worst_case_error

__all__ = [
    "MAX_EXPLORER_N",
    "SubsetSumInstance",
    "subset_sum_instance",
    "plot_subset_sum_instance",
    "subset_sum_explorer",
    "MAX_GADGET_EXPLORER_N",
    "weight_gadget_instance",
    "plot_weight_gadget",
    "weight_gadget_explorer",
]

#: Largest n the explorer draws (2^16 = 65,536 sums are still quick to plot).
MAX_EXPLORER_N = 16
#: Seeds offered by the explorer's seed slider, 0 to this value.
_MAX_EXPLORER_SEED = 99
# Targets z range over [_LO, _HI], the interval of Lueker's theorem.
_LO, _HI = -1.0, 1.0
# Up to this n, the sums are drawn as ticks; beyond, as a histogram.
_MAX_TICKS_N = 8
# The zoom panel shows about this many sums around the target.
_ZOOM_SUMS = 12


@dataclass(frozen=True)
class SubsetSumInstance:
    """One random SubsetSum instance, solved, as :func:`plot_subset_sum_instance` draws it.

    Attributes:
        coefficients: float64 ``(n,)``, the random numbers x_1, …, x_n.
        target: the target z.
        sums: float64 ``(2^n,)``, all subset sums Σ_{i∈S} x_i in ascending order.
        mask: bool ``(n,)``, the optimal subset S for z.
        value: Σ_{i∈S} x_i for that subset.
        error: |z − value|, the optimal error for z.
        worst_case_error: sup over z′ ∈ [−1, 1] of the optimal error for z′.
        worst_target: a z′ ∈ [−1, 1] attaining that supremum.
        worst_gap: ``(a, b)``, the neighbouring sums a ≤ worst_target ≤ b around it (an end of
            [−1, 1] stands in for a missing neighbour when all sums lie on one side).
    """

    coefficients: np.ndarray
    target: float
    sums: np.ndarray
    mask: np.ndarray
    value: float
    error: float
    worst_case_error: float
    worst_target: float
    worst_gap: tuple[float, float]

    @property
    def n(self) -> int:
        """The number of coefficients."""
        return int(self.coefficients.shape[0])


def subset_sum_instance(*, n: int = 12, law: str = "uniform", target: float = 0.3, seed: int = 0) -> SubsetSumInstance:
    """Draw n coefficients of ``law`` with ``seed``, and solve SubsetSum for the target z.

    The coefficients come from :func:`lthbook.subset_sum.sample_coefficients` with a CPU
    generator seeded with ``seed``; the optimum from :func:`lthbook.subset_sum.solve` and the
    worst case over all targets from :func:`lthbook.subset_sum.worst_case_error`. The worst
    target is located on the sorted sums s_1 ≤ … ≤ s_N: the optimal error
    f(z) = min_k |z − s_k| is largest at an end of [−1, 1] or at the midpoint of a gap
    (chapter 2).

    Args:
        n: number of coefficients, 1 ≤ n ≤ :data:`MAX_EXPLORER_N`.
        law: one of :data:`lthbook.subset_sum.COEFFICIENT_LAWS`.
        target: z ∈ [−1, 1].
        seed: a non-negative integer.

    Returns:
        :class:`SubsetSumInstance`.
    """
    n = check_int("n", n, low=1, high=MAX_EXPLORER_N)
    law = check_choice("law", law, COEFFICIENT_LAWS)
    target = check_float("target", target, low=_LO, high=_HI)
    seed = check_int("seed", seed, low=0, high=2**63 - 1)
    cpu = torch.device("cpu")
    x = sample_coefficients(1, n, law, generator=torch.Generator().manual_seed(seed), device=cpu)[0]
    solution = solve(x, target, device=cpu)
    sums = np.sort(_all_subset_sums(x.numpy()))
    worst_target, gap = _worst_target(sums, _LO, _HI)
    return SubsetSumInstance(
        coefficients=x.numpy(),
        target=target,
        sums=sums,
        mask=solution.mask[0].numpy(),
        value=float(solution.value[0]),
        error=float(solution.error[0]),
        worst_case_error=float(worst_case_error(x, _LO, _HI, device=cpu)),
        worst_target=worst_target,
        worst_gap=gap,
    )


@readable
def plot_subset_sum_instance(*, n: int = 12, law: str = "uniform", target: float = 0.3, seed: int = 0) -> Figure:
    """Draw one random SubsetSum instance: its 2^n subset sums on the line, and what is kept.

    Three panels. *All sums*: every subset sum Σ_{i∈S} x_i on the line (as ticks for n ≤ 8,
    as a histogram beyond), the target z, and the largest gap between neighbouring sums in
    [−1, 1], half of which is the worst case over all targets (chapter 2). *Near the target*:
    a zoom on z, its closest sum and their distance, the optimal error. *Coefficients*:
    x_1, …, x_n, those of the optimal subset S highlighted.

    Args:
        n, law, target, seed: as for :func:`subset_sum_instance`.

    Returns:
        A new matplotlib figure, :data:`lthbook.plotting.FIGURE_WIDTH_IN` inches wide with the
        panels stacked and no text under 10.5 points, readable in the book's column and on a
        phone (close it with ``plt.close(fig)`` when done).
    """
    instance = subset_sum_instance(n=n, law=law, target=target, seed=seed)
    fig, (overview, zoom, bars) = plt.subplots(3, 1, figsize=(FIGURE_WIDTH_IN, 9.6), height_ratios=(1.15, 0.85, 1.0))
    _draw_all_sums(overview, instance, law)
    _draw_zoom(zoom, instance)
    _draw_coefficients(bars, instance)
    return fig


def subset_sum_explorer(*, n: int = 12, law: str = "uniform", target: float = 0.3, seed: int = 0):
    """An ``ipywidgets`` explorer of :func:`plot_subset_sum_instance`: sliders for n, the target
    z and the seed, a menu for the coefficient law, and the picture, redrawn on every change.

    Args:
        n, law, target, seed: the starting values, as for :func:`subset_sum_instance`.

    Returns:
        An ``ipywidgets.VBox``: a row of controls (``n``, ``law``), a row (``target z``,
        ``seed``), then an ``ipywidgets.Image`` holding the current picture as PNG.
    """
    import ipywidgets as widgets  # type: ignore[import-untyped]  # ipywidgets ships no type information

    subset_sum_instance(n=n, law=law, target=target, seed=seed)  # check the arguments first
    style = {"description_width": "70px"}
    controls = {
        "n": widgets.IntSlider(
            value=n, min=1, max=MAX_EXPLORER_N, description="n", continuous_update=False, style=style
        ),
        "law": widgets.Dropdown(options=list(COEFFICIENT_LAWS), value=law, description="law", style=style),
        "target": widgets.FloatSlider(
            value=target,
            min=_LO,
            max=_HI,
            step=0.01,
            description="target z",
            continuous_update=False,
            readout_format=".2f",
            style=style,
        ),
        "seed": widgets.IntSlider(
            value=seed,
            min=0,
            max=max(_MAX_EXPLORER_SEED, seed),
            description="seed",
            continuous_update=False,
            style=style,
        ),
    }
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="760px", width="100%"))

    def redraw(_change=None) -> None:
        fig = plot_subset_sum_instance(**{name: control.value for name, control in controls.items()})
        picture.value = _png_bytes(fig)
        plt.close(fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox(
        [
            widgets.HBox([controls["n"], controls["law"]]),
            widgets.HBox([controls["target"], controls["seed"]]),
            picture,
        ]
    )


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def _all_subset_sums(x: np.ndarray) -> np.ndarray:
    """The 2^n subset sums of x, by doubling: the sums without x_i, then the same plus x_i."""
    sums = np.zeros(1)
    for coefficient in x:
        sums = np.concatenate([sums, sums + coefficient])
    return sums


def _worst_target(sums: np.ndarray, lo: float, hi: float) -> tuple[float, tuple[float, float]]:
    """A target z* ∈ [lo, hi] maximising min_k |z − s_k| over sorted sums, and its two neighbours.

    Candidates: lo, hi and the midpoints of the gaps that lie in [lo, hi] (see
    :func:`lthbook.subset_sum.worst_case_error`).
    """
    midpoints = (sums[:-1] + sums[1:]) / 2
    inside = (midpoints >= lo) & (midpoints <= hi)
    candidates = np.concatenate([[lo, hi], midpoints[inside]])
    above = np.searchsorted(sums, candidates).clip(max=len(sums) - 1)
    below = (above - 1).clip(min=0)
    distance = np.minimum(np.abs(candidates - sums[below]), np.abs(candidates - sums[above]))
    best = int(np.argmax(distance))
    z = float(candidates[best])
    left = sums[sums <= z]
    right = sums[sums >= z]
    gap = (float(left[-1]) if left.size else lo, float(right[0]) if right.size else hi)
    return z, gap


def _draw_all_sums(ax: plt.Axes, instance: SubsetSumInstance, law: str) -> None:
    view = (-1.35, 1.35)
    for side in ((view[0], _LO), (_HI, view[1])):
        ax.axvspan(*side, color="#000000", alpha=0.05, linewidth=0)
    shown = instance.sums[(instance.sums >= view[0]) & (instance.sums <= view[1])]
    if instance.n <= _MAX_TICKS_N:
        ax.vlines(shown, 0.0, 1.0, color=COLORS["random"], linewidth=1.0, label="subset sums")
        ax.set_ylim(0.0, 2.2)
        ax.set_yticks([])
        ax.set_ylabel("sums")
    else:
        counts, _, _ = ax.hist(
            shown, bins=np.linspace(*view, 109).tolist(), color=COLORS["random"], label="subset sums (histogram)"
        )
        assert isinstance(counts, np.ndarray)  # one data set: one array of counts
        ax.set_ylim(0.0, 2.2 * max(counts.max(), 1.0))
        ax.set_ylabel("sums per bin")
    ax.axvspan(*instance.worst_gap, color=COLORS["accent"], alpha=0.35, linewidth=0)
    top = ax.get_ylim()[1]
    ax.plot(
        [instance.worst_target],
        [0.42 * top],
        marker="v",
        markersize=9,
        color=COLORS["accent"],
        linestyle="none",
        label=f"largest gap: worst case over z = {instance.worst_case_error:.2g}",
    )
    ax.vlines(
        [instance.target],
        0.0,
        top / 2.2,
        color=COLORS["target"],
        linewidth=2.0,
        label=f"target z = {instance.target:g}",
    )
    ax.set_xlim(*view)
    ax.grid(False)
    ax.set_xlabel("subset sum (targets z lie in [−1, 1], unshaded)")
    ax.set_title(f"The $2^{{{instance.n}}}$ = {2**instance.n:,} subset sums of\nn = {instance.n} {law} coefficients")
    ax.legend(loc="upper left", framealpha=0.9, frameon=True)


def _draw_zoom(ax: plt.Axes, instance: SubsetSumInstance) -> None:
    distance = np.abs(instance.sums - instance.target)
    nearest = np.sort(distance)[:_ZOOM_SUMS]
    half_width = max(1.3 * float(nearest[-1]), 4 * instance.error, 1e-12)
    view = (instance.target - half_width, instance.target + half_width)
    shown = instance.sums[(instance.sums >= view[0]) & (instance.sums <= view[1])]
    ax.vlines(shown, 0.0, 1.0, color=COLORS["random"], linewidth=1.2, label="subset sums")
    ax.vlines([instance.target], 0.0, 1.0, color=COLORS["target"], linewidth=2.0, label="target z")
    ax.plot(
        [instance.value],
        [0.4],
        marker="o",
        markersize=8,
        color=COLORS["pruned"],
        linestyle="none",
        label=f"best sum: error |z − sum| = {instance.error:.2g}",
    )
    ax.set_xlim(*view)
    ax.set_ylim(0.0, 1.35)
    ax.set_yticks([])
    ax.grid(False)
    ax.set_ylim(0.0, 2.0)
    ax.set_xlabel(f"subset sum, near z (window of width {2 * half_width:.2g})")
    ax.set_title("Near the target: the closest sum is the optimum")
    ax.legend(loc="upper left", framealpha=0.9, frameon=True)


def _draw_coefficients(ax: plt.Axes, instance: SubsetSumInstance) -> None:
    index = np.arange(1, instance.n + 1)
    colours = [COLORS["pruned"] if kept else COLORS["random"] for kept in instance.mask]
    ax.bar(index, instance.coefficients, color=colours, width=0.7)
    ax.axhline(0.0, color="#444444", linewidth=0.8)
    ax.set_xticks(index if instance.n <= 16 else index[::2])
    ax.set_xlim(0.3, instance.n + 0.7)
    ax.set_xlabel("index i")
    ax.set_ylabel("coefficient $x_i$")
    kept = int(instance.mask.sum())
    ax.set_title(f"The best subset keeps {kept} of {instance.n} coefficients;\nthey sum to {instance.value:.4f}")
    ax.legend(
        handles=[Patch(color=COLORS["pruned"], label="kept (in S)"), Patch(color=COLORS["random"], label="pruned")],
        loc="best",
    )


def _png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------
# Chapter 3: the weight gadget
# ----------------------------------------------------------------------------------------

#: Largest n the weight-gadget explorer draws (2n = 20 hidden units still fit the picture).
MAX_GADGET_EXPLORER_N = 10
# Up to this many hidden units, the gadget diagram writes u_k and v_k on the edges.
_MAX_LABELLED_UNITS = 8
# Inputs x at which the right-hand panels evaluate the gadget.
_GADGET_GRID_POINTS = 401


def weight_gadget_instance(*, w: float = 0.4, n: int = 8, seed: int = 0) -> WeightGadget:
    """Draw one random gadget g(x) = vᵀσ(u x) of 2n hidden units and prune it to the weight w.

    u, v ∈ R^{2n} come from :func:`lthbook.gadgets.sample_weight_gadget` with a CPU generator
    seeded with ``seed``; the pruning is :func:`lthbook.gadgets.prune_weight_gadget`: two exact
    SubsetSum solves, the units with u_k > 0 for the target w and those with u_k < 0 for −w
    (chapter 3).

    Args:
        w: the target weight, w ∈ [−1, 1].
        n: the gadget's size parameter, 1 ≤ n ≤ :data:`MAX_GADGET_EXPLORER_N`.
        seed: a non-negative integer.

    Returns:
        :class:`lthbook.gadgets.WeightGadget` of one gadget (B = 1), on the CPU.
    """
    w = check_float("w", w, low=-1.0, high=1.0)
    n = check_int("n", n, low=1, high=MAX_GADGET_EXPLORER_N)
    seed = check_int("seed", seed, low=0, high=2**63 - 1)
    generator = torch.Generator().manual_seed(seed)
    gadget = sample_weight_gadget(n, generator=generator, device="cpu")
    return prune_weight_gadget(gadget, w)


@readable
def plot_weight_gadget(*, w: float = 0.4, n: int = 8, seed: int = 0) -> Figure:
    """Draw one random gadget pruned to w: which edges survive, and what the ticket computes.

    Three panels, stacked so that each is as wide as a phone's screen. Top: the gadget
        (:func:`lthbook.diagrams.draw_weight_gadget`), units with u_k > 0 above and u_k < 0 below,
        kept edges thick. Middle: the target x ↦ w·x and the pruned gadget g_S(x) on [−1, 1].
        Bottom: the error g_S(x) − w·x, which is x·r⁺ for x ≥ 0 and
        (−x)·r⁻ for x < 0 (r⁺, r⁻ the residuals of the two SubsetSum halves), so its largest
        absolute value is at x = 1 or x = −1 (chapter 3).

        Args:
            w, n, seed: as for :func:`weight_gadget_instance`.

        Returns:
            A new matplotlib figure, :data:`lthbook.plotting.FIGURE_WIDTH_IN` inches wide with no
            text under 10.5 points (close it with ``plt.close(fig)`` when done).
    """
    pruned = weight_gadget_instance(w=w, n=n, seed=seed)
    units = pruned.u.shape[1]
    diagram_height = max(3.4, 0.3 * units + 1.6)
    fig, (diagram, function, error) = plt.subplots(
        3, 1, figsize=(FIGURE_WIDTH_IN, diagram_height + 6.4), height_ratios=(diagram_height, 3.0, 3.4)
    )
    draw_weight_gadget(
        pruned,
        ax=diagram,
        edge_labels=units <= _MAX_LABELLED_UNITS,
        title=f"{int(pruned.kept_units[0])} of {units} units kept (n = {n}, seed {seed})",
    )
    x = torch.linspace(-1.0, 1.0, _GADGET_GRID_POINTS, dtype=torch.float64)
    values = gadget_forward(pruned, x)[0].numpy()
    target = (pruned.w[0] * x).numpy()
    _draw_gadget_function(function, x.numpy(), target, values, w)
    _draw_gadget_error(error, x.numpy(), values - target, pruned)
    return fig


def weight_gadget_explorer(*, w: float = 0.4, n: int = 8, seed: int = 0):
    """An ``ipywidgets`` explorer of :func:`plot_weight_gadget`: sliders for the target weight w,
    the size n and the seed, and the picture, redrawn on every change.

    Args:
        w, n, seed: the starting values, as for :func:`weight_gadget_instance`.

    Returns:
        An ``ipywidgets.VBox``: a row of controls (``w``, ``n``, ``seed``), then an
        ``ipywidgets.Image`` holding the current picture as PNG.
    """
    import ipywidgets as widgets

    weight_gadget_instance(w=w, n=n, seed=seed)  # check the arguments first
    style = {"description_width": "40px"}
    controls = {
        "w": widgets.FloatSlider(
            value=w,
            min=-1.0,
            max=1.0,
            step=0.01,
            description="w",
            continuous_update=False,
            readout_format=".2f",
            style=style,
        ),
        "n": widgets.IntSlider(
            value=n, min=1, max=MAX_GADGET_EXPLORER_N, description="n", continuous_update=False, style=style
        ),
        "seed": widgets.IntSlider(
            value=seed,
            min=0,
            max=max(_MAX_EXPLORER_SEED, seed),
            description="seed",
            continuous_update=False,
            style=style,
        ),
    }
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="960px", width="100%"))

    def redraw(_change=None) -> None:
        fig = plot_weight_gadget(**{name: control.value for name, control in controls.items()})
        picture.value = _png_bytes(fig)
        plt.close(fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(controls.values())), picture])


def _draw_gadget_function(ax: plt.Axes, x: np.ndarray, target: np.ndarray, values: np.ndarray, w: float) -> None:
    ax.plot(x, target, color=COLORS["target"], linewidth=3.0, alpha=0.5, label=f"target $w x$, w = {w:+.2f}")
    ax.plot(x, values, color=COLORS["pruned"], linewidth=1.6, label="pruned gadget $g_S(x)$")
    ax.axvline(0.0, color="#666666", linewidth=0.8)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("input x")
    ax.set_ylabel("output")
    ax.set_title("The ticket against the target on [−1, 1]")
    few_ticks(ax)
    ax.legend(loc="upper left" if w >= 0 else "upper right")


def _draw_gadget_error(ax: plt.Axes, x: np.ndarray, difference: np.ndarray, pruned: WeightGadget) -> None:
    negative = pruned.negative_residual
    assert negative is not None  # weight_gadget_instance's gadget serves x in [-1, 1]: both halves
    r_pos, r_neg = float(pruned.positive_residual[0]), float(negative[0])
    ax.plot(x, difference, color=COLORS["accent"], label="error $g_S(x) - w x$")
    ax.axhline(0.0, color="#666666", linewidth=0.8)
    ax.plot([1.0], [r_pos], "o", color=COLORS["accent"], label=f"x = 1: $r^+$ = {r_pos:+.2e}")
    ax.plot([-1.0], [r_neg], "s", color=COLORS["accent"], label=f"x = −1: $r^-$ = {r_neg:+.2e}")
    bound = max(abs(r_pos), abs(r_neg))
    scale = bound if bound > 0 else 1e-3  # w = 0 is matched exactly by the empty subset
    ax.set_ylim(-1.35 * scale, 3.2 * scale)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("input x")
    ax.set_ylabel("error")
    few_ticks(ax)
    ax.set_title(f"Error: largest at an end,\nmax($|r^+|, |r^-|$) = {bound:.2e}")
    ax.legend(loc="upper center", ncol=1)
