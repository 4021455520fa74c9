"""One figure style for the whole book, and the figures and schematic pictures the chapters draw.

:func:`use_style` is called once by :func:`lthbook.setup`; every chapter then plots with plain
matplotlib. The colours of :data:`COLORS` keep one meaning across the book (the target network,
the random network, the pruned ticket, a theoretical prediction), so a reader can carry a legend
from one chapter to the next.

**Figures are drawn for the width they are shown at.** The book's column is :data:`COLUMN_PX`
pixels wide and a phone's :data:`PHONE_COLUMN_PX`; an image wider than the column is scaled
down, and its text with it. A figure W inches wide at ``dpi`` d is 100·W pixels at the book's
d = 100, so a font of f points is f·d/72 pixels in the image and f·(d/72)·min(1, C/(d·W)) on a
column of C pixels. :func:`smallest_text_px` computes that number for a drawn figure; the
figures below are :data:`FIGURE_WIDTH_IN` = 5 inches wide (about 510 px once Jupyter trims the
margins) with no text under 10.5 points, so their smallest text is 10.5·100/72 = 14.6 px in the
book's column, where they are shown at their natural size, and 14.6·342/510 ≈ 9.8 px on a 390 px
phone, where they are scaled to the 342 px of the page's column.
"""

from __future__ import annotations

import functools
import io
import math
import struct
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.rcsetup import cycler
from matplotlib.text import Text
from matplotlib.typing import RcKeyType

__all__ = [
    "COLORS",
    "COLUMN_PX",
    "PHONE_COLUMN_PX",
    "MIN_TEXT_PX",
    "FIGURE_WIDTH_IN",
    "use_style",
    "theory_line_style",
    "natural_width_px",
    "smallest_text_px",
    "readable",
    "few_ticks",
    "roadmap_figure",
    "plot_digit_examples",
    "plot_pruning_accuracy",
    "plot_single_vs_subset",
    "plot_subset_sum_gaps",
    "plot_error_bands",
    "plot_product_law",
    "plot_success_threshold",
    "plot_constant_by_eps",
    "plot_relu_identity",
    "plot_gadget_coefficients",
    "plot_half_errors",
    "plot_neuron_errors",
    # chapters 4-6
    "STRUCTURE_COLORS",
    "plot_experiment2_panel",
    "experiment2_figure",
    "experiment1_sweep_figure",
    "small_experiment2_figure",
    "plot_gadget_errors",
    "plot_linear_cover",
    "parameter_count_figure",
    "parameter_ratio_figure",
    "plot_certified_vs_sampled",
    "plot_ticket_sizes",
    "width_factor_figure",
    "width_per_bit_figure",
    "plot_half_block_check",
    "weight_count_label",
    "plot_failure_rates",
    "plot_positive_inputs_only",
]

#: Colours with a fixed meaning in every chapter.
COLORS = {
    "target": "#1f4e79",  # the network we want to approximate
    "random": "#9aa5b1",  # random weights, before pruning
    "pruned": "#d1495b",  # the ticket: what pruning keeps
    "theory": "#2a9d8f",  # a bound or a prediction drawn beside a measurement
    "trained": "#e9a23b",  # a trained dense network, as a reference
    "accent": "#6a4c93",
}

#: Width in CSS pixels of the book's text column on a desktop (sphinx-book-theme, 1280 px window).
COLUMN_PX = 690
#: Width in CSS pixels of an image in the page's column on a 390 px phone: 342 px measured in
#: Chromium with the theme's figure padding, 358 px without it (the book's CSS); the smaller is kept.
PHONE_COLUMN_PX = 342
#: The smallest readable text, in CSS pixels at the size an image is shown.
MIN_TEXT_PX = 9.0
#: Width of the figures drawn below, in inches (500 px at the book's 100 dpi).
FIGURE_WIDTH_IN = 5.0

_CYCLE = [COLORS["target"], COLORS["pruned"], COLORS["theory"], COLORS["trained"], COLORS["accent"], "#3d405b"]

# Font sizes (points) of the figures drawn below: none under 10.5 pt (see the module docstring).
_READABLE_RC: dict[RcKeyType, Any] = {
    "font.size": 10.5,
    "axes.titlesize": 11.5,
    "axes.labelsize": 10.5,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10.5,
    "legend.title_fontsize": 10.5,
    "figure.titlesize": 12.0,
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
}


def use_style() -> None:
    """Set the book's matplotlib style (sizes, fonts, grid, colour cycle, PNG output)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "figure.constrained_layout.use": True,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.labelsize": 11,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": cycler(color=_CYCLE),
            "legend.frameon": False,
            "lines.linewidth": 2.0,
            "font.size": 10.5,
        }
    )


def theory_line_style() -> dict:
    """Keyword arguments for a theoretical curve drawn beside measurements (dashed, teal)."""
    return {"color": COLORS["theory"], "linestyle": "--", "linewidth": 1.8}


_P = ParamSpec("_P")
_R = TypeVar("_R")


def readable(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorator: draw the figure with the book's readable font sizes (none under 10.5 pt).

    The sizes hold only while ``function`` runs (``matplotlib.rc_context``), so chapters that
    draw with plain matplotlib keep :func:`use_style`'s.
    """

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with mpl.rc_context(_READABLE_RC):
            return function(*args, **kwargs)

    return wrapper


def natural_width_px(fig: Figure) -> int:
    """Width in pixels of the PNG that Jupyter stores for ``fig``.

    Jupyter's inline backend saves at the figure's own dpi with ``bbox_inches="tight"``; this
    does the same and reads the width from the PNG header.

    Examples:
        >>> fig = plt.figure(figsize=(3, 2), dpi=100, constrained_layout=False)
        >>> _ = fig.add_subplot().plot([0, 1])
        >>> 250 < natural_width_px(fig) <= 320  # about 3 in at 100 dpi, trimmed or padded by the tight box
        True
        >>> plt.close(fig)
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
    return struct.unpack(">I", buffer.getvalue()[16:20])[0]


def smallest_text_px(fig: Figure, shown_width_px: float = COLUMN_PX) -> float:
    """Size in CSS pixels of the figure's smallest visible text when its image is shown
    at most ``shown_width_px`` wide.

    A font of f points is f·dpi/72 pixels in the PNG; an image wider than the column is scaled
    by shown_width_px / natural width (:func:`natural_width_px`), and its text with it. The
    book asks for at least :data:`MIN_TEXT_PX` at :data:`COLUMN_PX` and at
    :data:`PHONE_COLUMN_PX` (tests/test_plotting.py checks every figure of chapters 1–3).

    Args:
        fig: a drawn figure with at least one visible, non-empty text.
        shown_width_px: the width available to the image, > 0.

    Examples:
        >>> fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
        >>> _ = ax.set_title("title", fontsize=9)
        >>> round(smallest_text_px(fig, 690), 2)  # 9 pt at 100 dpi, not scaled down
        12.5
        >>> plt.close(fig)
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    if isinstance(shown_width_px, bool) or not isinstance(shown_width_px, (int, float)):
        raise TypeError(f"shown_width_px must be a number; got {type(shown_width_px).__name__}")
    if not (math.isfinite(shown_width_px) and shown_width_px > 0):
        raise ValueError(f"shown_width_px must be a finite number > 0; got {shown_width_px}")
    natural = natural_width_px(fig)  # also draws the figure, which fills in the tick labels
    sizes = [float(text.get_fontsize()) for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]
    if not sizes:
        raise ValueError("the figure has no visible text")
    return min(sizes) * fig.dpi / 72 * min(1.0, shown_width_px / natural)


def _array(name: str, value, *, ndim: int | None = None) -> np.ndarray:
    """A float64 NumPy array from a list, array or tensor, checked finite and of ``ndim``."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of real numbers") from err
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite")
    return array


def few_ticks(ax: plt.Axes, *, x: int = 5, y: int | None = None) -> None:
    """At most about ``x`` (and ``y``) major ticks on a linear axis, so that 10.5 pt tick labels
    of a :data:`FIGURE_WIDTH_IN` inch figure do not run into each other (e.g. −1, −0.5, …, 1)."""
    from matplotlib.ticker import MaxNLocator

    if ax.get_xscale() == "linear":
        ax.xaxis.set_major_locator(MaxNLocator(nbins=x, steps=[1, 2, 2.5, 5, 10]))
    if y is not None and ax.get_yscale() == "linear":
        ax.yaxis.set_major_locator(MaxNLocator(nbins=y, steps=[1, 2, 2.5, 5, 10]))


def _legend_below(fig: Figure, ax: plt.Axes, **kwargs) -> None:
    """One legend, below the plot, one entry a line: readable at a phone's width."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", **{"ncol": 1, **kwargs})


_ROADMAP_STEPS = (
    ("Random SubsetSum", "n = O(log 1/ε) random numbers\nε-approximate every z ∈ [−1, 1]", "Chapter 2"),
    ("ReLU decomposition", "w·x = σ(wx) − σ(−wx): one weight\n= two SubsetSum instances", "Chapter 3"),
    (
        "Width construction",
        "a random net 2l deep, O(log(dl/min(ε,δ)))\ntimes wider, pruned to any target",
        "Chapter 4",
    ),
    (
        "Lower bound",
        "counting: Ω(d² log 1/ε) parameters for\nany net; log(1/ε) width factor at depth 2",
        "Chapter 5",
    ),
)


@readable
def roadmap_figure(*, ax: plt.Axes | None = None) -> Figure | SubFigure:
    """Draw the road map of the proof, top to bottom: SubsetSum → ReLU trick → width
    construction → lower bound (chapter 1), one box per chapter.

    Drawn :data:`FIGURE_WIDTH_IN` inches wide with text of at least 10.5 points, so that it
    reads in the book's column and on a phone.

    Returns the figure (a new one unless ``ax`` is given).
    """
    fig: Figure | SubFigure
    if ax is None:
        fig = plt.figure(figsize=(FIGURE_WIDTH_IN, 5.6), constrained_layout=False)
        ax = fig.add_axes((0.0, 0.0, 1.0, 0.93))
    elif isinstance(ax, plt.Axes):
        fig = ax.figure
    else:
        raise TypeError(f"ax must be matplotlib Axes or None; got {type(ax).__name__}")
    ax.set_axis_off()
    steps = len(_ROADMAP_STEPS)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, steps)
    colours = [COLORS["theory"], COLORS["pruned"], COLORS["target"], COLORS["accent"]]
    height = 0.74
    for k, ((title, body, chapter), colour) in enumerate(zip(_ROADMAP_STEPS, colours)):
        y0 = steps - 1 - k + 0.13  # first step on top
        box = FancyBboxPatch(
            (0.02, y0),
            0.96,
            height,
            boxstyle="round,pad=0.0,rounding_size=0.03",
            facecolor=colour,
            alpha=0.10,
            edgecolor=colour,
            linewidth=1.8,
        )
        ax.add_patch(box)
        ax.text(0.05, y0 + height - 0.15, title, ha="left", va="center", fontsize=11.5, fontweight="bold", color=colour)
        ax.text(0.95, y0 + height - 0.15, chapter, ha="right", va="center", fontsize=10.5, style="italic", color="#444")
        ax.text(0.05, y0 + 0.28, body, ha="left", va="center", fontsize=10.5, linespacing=1.3)
        if k < steps - 1:
            arrow = FancyArrowPatch(
                (0.5, y0 + 0.01), (0.5, y0 - 0.25), arrowstyle="-|>", mutation_scale=14, color="#444444", linewidth=1.5
            )
            ax.add_patch(arrow)
    fig.suptitle("Road map: three steps to the upper bound,\nthen the lower bound", fontsize=12, fontweight="bold")
    return fig


# ---- Figures of chapters 1-3 ----


@readable
def plot_digit_examples(images, labels) -> Figure:
    """One image of each digit class, 0 to 9, in two rows of five (chapter 1).

    Args:
        images: the flattened 8 × 8 images, an array-like (N, 64) with values in [0, 1].
        labels: their classes, integers in [0, 9], shape (N,), every class present.

    Returns:
        A new figure, :data:`FIGURE_WIDTH_IN` inches wide.
    """
    pixels = _array("images", images, ndim=2)
    classes = _array("labels", labels, ndim=1)
    if pixels.shape != (classes.shape[0], 64):
        raise ValueError(f"images must have shape (N, 64) with N = len(labels); got {pixels.shape}")
    missing = sorted(set(range(10)) - set(classes.astype(int).tolist()))
    if missing:
        raise ValueError(f"labels must contain every class 0 to 9; missing {missing}")
    fig, axes = plt.subplots(2, 5, figsize=(FIGURE_WIDTH_IN, 2.9))
    for digit, ax in enumerate(axes.flat):
        index = int(np.flatnonzero(classes == digit)[0])
        ax.imshow(pixels[index].reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(str(digit))
        ax.set_axis_off()
    fig.suptitle("One training image of each class\n(8 × 8 pixels, grey levels 0 to 1)", fontweight="bold")
    return fig


@readable
def plot_pruning_accuracy(keep_fractions, accuracies, *, dense_accuracy: float, chance_accuracy: float) -> Figure:
    """Test accuracy of edge-popup's tickets against the kept fraction, beside the trained
    dense network and the unpruned random network (chapter 1).

    Args:
        keep_fractions: the kept fractions, in (0, 1], increasing, shape (K,).
        accuracies: the tickets' test accuracies, in [0, 1], shape (K,).
        dense_accuracy, chance_accuracy: the trained network's and the random network's, in [0, 1].

    Returns:
        A new figure.
    """
    keeps = _array("keep_fractions", keep_fractions, ndim=1)
    values = _array("accuracies", accuracies, ndim=1)
    if values.shape != keeps.shape:
        raise ValueError(f"accuracies must have the shape of keep_fractions {keeps.shape}; got {values.shape}")
    if not ((keeps > 0).all() and (keeps <= 1).all() and (np.diff(keeps) > 0).all()):
        raise ValueError("keep_fractions must be increasing, in (0, 1]")
    for name, value in (
        ("accuracies", values),
        ("dense_accuracy", dense_accuracy),
        ("chance_accuracy", chance_accuracy),
    ):
        if not np.all((np.asarray(value) >= 0) & (np.asarray(value) <= 1)):
            raise ValueError(f"{name} must lie in [0, 1]")
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.6))
    ax.plot(keeps, values, "o-", color=COLORS["pruned"], label="pruned random network (edge-popup)")
    ax.axhline(dense_accuracy, color=COLORS["trained"], linestyle="--", label="trained dense network")
    ax.axhline(chance_accuracy, color=COLORS["random"], linestyle=":", label="random network, nothing pruned")
    ax.set_xscale("log")
    # Every kept fraction gets a tick; a label only at least 0.2 decades from the last labelled
    # one, so that neighbours such as 0.7 and 0.9 do not overlap.
    labels, last = [], None
    for k in keeps:
        show = last is None or math.log10(k / last) >= 0.2
        labels.append(f"{k:g}" if show else "")
        last = k if show else last
    ax.set_xticks(keeps, labels)
    ax.minorticks_off()
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("kept fraction of the random weights (log scale)")
    ax.set_ylabel("test accuracy")
    ax.set_title("A random network, pruned, never trained")
    _legend_below(fig, ax)
    return fig


@readable
def plot_single_vs_subset(n_values, single_errors, subset_errors) -> Figure:
    """Median error of approximating a weight by the closest single sample and by the closest
    subset sum of n samples, with 1/n and 2^−n beside them (chapter 1).

    Args:
        n_values: the sample sizes n ≥ 1, shape (K,).
        single_errors, subset_errors: the median errors, > 0, shape (K,).

    Returns:
        A new figure (log-scale errors).
    """
    n = _array("n_values", n_values, ndim=1)
    single = _array("single_errors", single_errors, ndim=1)
    subset = _array("subset_errors", subset_errors, ndim=1)
    if single.shape != n.shape or subset.shape != n.shape:
        raise ValueError("single_errors and subset_errors must have the shape of n_values")
    if (n < 1).any() or (single <= 0).any() or (subset <= 0).any():
        raise ValueError("n_values must be >= 1 and the errors > 0")
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.8))
    ax.semilogy(n, single, "o-", color=COLORS["random"], label="closest single sample (Malach et al.)")
    ax.semilogy(n, subset, "o-", color=COLORS["pruned"], label="closest subset sum (Pensia et al.)")
    ax.semilogy(n, 1 / n, **theory_line_style(), label="$1/n$")
    ax.semilogy(n, 2.0**-n, color=COLORS["theory"], linestyle=":", label="$2^{-n}$")
    ax.set_xlabel("number of random samples n")
    ax.set_ylabel("median |w − approximation|")
    ax.set_title("Approximating one weight w ~ U[−1, 1]")
    _legend_below(fig, ax, ncol=2)
    return fig


@readable
def plot_subset_sum_gaps(x, sizes: Sequence[int] = (4, 6, 8, 10)) -> Figure:
    """The subset sums of the first k coefficients of one draw, for each k in ``sizes``, one
    row each, with the largest gap between neighbouring sums in [−1, 1] shaded (chapter 2);
    half that gap is the worst case over the targets inside.

    Args:
        x: the coefficients, a 1-D array-like of length ≥ max(sizes).
        sizes: prefix lengths, each in [1, 20], increasing.

    Returns:
        A new figure, one row per size.
    """
    coefficients = _array("x", x, ndim=1)
    sizes = [int(k) for k in sizes]
    if not sizes or any(k < 1 or k > 20 for k in sizes) or sorted(set(sizes)) != sizes:
        raise ValueError(f"sizes must be increasing integers in [1, 20]; got {sizes}")
    if sizes[-1] > len(coefficients):
        raise ValueError(f"x must hold at least max(sizes) = {sizes[-1]} coefficients; got {len(coefficients)}")
    fig, axes = plt.subplots(len(sizes), 1, figsize=(FIGURE_WIDTH_IN, 1.0 + 0.95 * len(sizes)), sharex=True)
    for ax, k in zip(np.atleast_1d(axes), sizes):
        sums = np.zeros(1)
        for value in coefficients[:k]:
            sums = np.concatenate([sums, sums + value])
        s = np.sort(sums)
        ax.vlines(s, 0, 1, color=COLORS["random"], linewidth=0.8)
        midpoints, gaps = (s[1:] + s[:-1]) / 2, s[1:] - s[:-1]
        inside = np.flatnonzero((midpoints >= -1) & (midpoints <= 1))
        if inside.size:
            widest = inside[np.argmax(gaps[inside])]
            ax.axvspan(s[widest], s[widest + 1], color=COLORS["accent"], alpha=0.35)
        ax.set_yticks([])
        ax.grid(False)
        ax.set_ylabel(f"n = {k}", rotation=0, ha="right", va="center")
    first, last = np.atleast_1d(axes)[0], np.atleast_1d(axes)[-1]
    first.set_xlim(-1.05, 1.05)
    few_ticks(last)
    last.set_xlabel("value of the subset sum (only [−1, 1] shown)")
    first.set_title("Subset sums of one draw; shaded: the largest gap")
    return fig


@readable
def plot_error_bands(
    bands: Sequence[tuple[str, object, object, str]],
    *,
    lines: Sequence[tuple[str, object, object, Mapping]] = (),
    xlabel: str,
    ylabel: str,
    title: str,
    xticks=None,
) -> Figure:
    """Medians with 10–90% bands of errors measured over many draws, on a log₂ scale, with
    reference curves (chapters 2 and 3: worst-case errors against n, the gadget's errors).

    Args:
        bands: (label, x, errors, colour) for each measured curve: x of shape (K,), errors of
            shape (K, draws) with positive entries, colour a key of :data:`COLORS`.
        lines: (label, x, y, style) for each reference curve (y > 0); style: keyword arguments
            of ``Axes.plot`` such as :func:`theory_line_style`.
        xlabel, ylabel, title: the axis labels and the title.
        xticks: tick positions of the x axis; None lets matplotlib choose.

    Returns:
        A new figure, the legend below the plot.
    """
    if not bands:
        raise ValueError("bands must hold at least one curve")
    markers = ("o-", "s-", "^-", "D-")
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.6))
    for k, band in enumerate(bands):
        if len(band) != 4:
            raise ValueError("each band must be (label, x, errors, colour)")
        label, x, errors, colour = band
        if colour not in COLORS:
            raise ValueError(f"colour must be one of {sorted(COLORS)}; got {colour!r}")
        x = _array("x", x, ndim=1)
        errors = _array("errors", errors, ndim=2)
        if errors.shape[0] != len(x) or (errors <= 0).any():
            raise ValueError(f"errors must have shape (len(x), draws) = ({len(x)}, ·) and be > 0; got {errors.shape}")
        low, median, high = np.quantile(errors, [0.1, 0.5, 0.9], axis=1)
        ax.fill_between(x, low, high, color=COLORS[colour], alpha=0.15, linewidth=0)
        ax.plot(x, median, markers[k % len(markers)], color=COLORS[colour], markersize=4, label=label)
    for line in lines:
        if len(line) != 4:
            raise ValueError("each line must be (label, x, y, style)")
        label, x, y, style = line
        ax.plot(_array("x", x, ndim=1), _array("y", y, ndim=1), label=label, **dict(style))
    ax.set_yscale("log", base=2)
    if xticks is not None:
        ax.set_xticks(xticks)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    _legend_below(fig, ax)
    return fig


@readable
def plot_product_law(products) -> Figure:
    """Histogram of products a·b of independent U[−1, 1] numbers against their density
    −ln|z|/2, with the uniform component of weight (ln 2)/2 on [−1/2, 1/2] shaded (chapter 2).

    Args:
        products: the sampled products, a 1-D array-like with values in [−1, 1].

    Returns:
        A new figure.
    """
    values = _array("products", products, ndim=1)
    if np.abs(values).max() > 1:
        raise ValueError("products must lie in [-1, 1]")
    grid = np.linspace(-1, 1, 801)[1:-1]
    grid = grid[grid != 0]
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.6))
    ax.hist(values, bins=100, range=(-1, 1), density=True, color=COLORS["random"], label=f"{len(values):,} products")
    ax.plot(grid, -np.log(np.abs(grid)) / 2, **theory_line_style(), label="density −ln|z| / 2")
    ax.fill_between([-0.5, 0.5], 0, math.log(2) / 2, color=COLORS["accent"], alpha=0.3, label="uniform part")
    ax.set_ylim(0, 3)
    ax.set_xlabel("z")
    ax.set_ylabel("density")
    ax.set_title("Product of two U[−1, 1] numbers")
    few_ticks(ax)
    ax.legend(loc="upper right")
    return fig


@readable
def plot_success_threshold(
    first_successes: Mapping[str, Mapping[float, object]],
    *,
    eps_grid: Sequence[float],
    n_star: Mapping[str, Sequence[int]],
    constants: Mapping[str, float],
    threshold_eps: Sequence[float] = (0.1, 0.01, 1e-3, 1e-4),
    max_n: int = 40,
) -> Figure:
    """Two stacked panels (chapter 2). Top: the success probability P(N_ε ≤ n) against n for
    each law and ε. Bottom: n_1/2(ε), the n where half the draws succeed, and n*(ε), where at
    least a fraction 1 − ε do, against log₂(2/ε), with the lines C·log₂(2/ε) and the
    counting bound log₂(1/ε).

    Args:
        first_successes: for each law, for each ε, the first successes N_ε of the draws
            (:func:`lthbook.subset_sum.first_success`), integers ≥ 1.
        eps_grid: the ε of ``n_star``, each in (0, 1).
        n_star: for each law, n*(ε) on ``eps_grid``.
        constants: for each law, the measured constant C.
        threshold_eps: the ε whose success curves the top panel draws (powers of ten, each a
            key of every law's first successes).
        max_n: the largest n on the top panel's axis, ≥ 2.

    Returns:
        A new figure.
    """
    from .subset_sum import least_n  # the subset_sum module imports nothing from here

    if not first_successes:
        raise ValueError("first_successes must hold at least one law")
    grid = _array("eps_grid", list(eps_grid), ndim=1)
    if ((grid <= 0) | (grid >= 1)).any():
        raise ValueError("eps_grid must lie in (0, 1)")
    if isinstance(max_n, bool) or not isinstance(max_n, int) or max_n < 2:
        raise ValueError(f"max_n must be an integer >= 2; got {max_n!r}")
    colours = {"uniform": COLORS["target"], "product": COLORS["pruned"], "gaussian": COLORS["trained"]}
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(FIGURE_WIDTH_IN, 9.4), height_ratios=(1.0, 1.25))
    n_axis = np.arange(1, max_n + 1)
    for law, by_eps in first_successes.items():
        if law not in colours or law not in n_star or law not in constants:
            raise ValueError(f"law {law!r} needs a colour, n_star and a constant")
        for k, eps in enumerate(threshold_eps):
            if eps not in by_eps:
                raise ValueError(f"threshold_eps: no first successes of the {law} law for eps = {eps}")
            first = _array("first_successes", by_eps[eps], ndim=1)
            top.plot(n_axis, (first[:, None] <= n_axis).mean(axis=0), color=colours[law], label=law if k == 0 else None)
            if law == "uniform":
                top.text(least_n(first.astype(np.int64), 0.5), 1.04, f"$10^{{{round(math.log10(eps))}}}$", ha="center")
    top.text(0.5, 1.04, "ε =", ha="left")
    top.set_ylim(-0.02, 1.16)
    top.set_xlabel("number of coefficients n")
    top.set_ylabel("P(worst-case error ≤ ε)")
    top.set_title("Success probability: a sharp threshold")
    top.legend(loc="lower right")
    for law, marker in zip(first_successes, ("o", "s", "^")):
        colour, by_eps = colours[law], first_successes[law]
        eps_all = np.array(sorted(by_eps, reverse=True))
        medians = [least_n(_array("first_successes", by_eps[e], ndim=1).astype(np.int64), 0.5) for e in eps_all]
        bottom.plot(np.log2(2 / eps_all), medians, marker, color=colour, fillstyle="none", label=f"{law}: $n_{{1/2}}$")
        bottom.plot(
            np.log2(2 / grid), list(n_star[law]), marker, color=colour, label=f"{law}: n*, C = {constants[law]:.2f}"
        )
        line = np.linspace(0, np.log2(2 / grid.min()), 2)
        bottom.plot(line, constants[law] * line, ":", color=colour, linewidth=1.2)
    eps_all = np.array(sorted({e for by_eps in first_successes.values() for e in by_eps}, reverse=True))
    bottom.plot(np.log2(2 / eps_all), np.log2(1 / eps_all), **theory_line_style(), label="counting bound log₂(1/ε)")
    bottom.set_xlabel("log₂(2/ε)")
    bottom.set_ylabel("number of coefficients n")
    bottom.set_title("Coefficients needed, and the constant C")
    _legend_below(fig, bottom, ncol=2)
    return fig


@readable
def plot_constant_by_eps(curves: Sequence[tuple[str, object, object, str]], *, constant: float) -> Figure:
    """C(ε) = n*(ε)/log₂(2/ε) against ε for one or more coefficient laws, with the constant
    the construction uses as a horizontal line (chapter 2).

    Args:
        curves: (label, eps, ratios, colour) for each law: eps in (0, 1) and ratios > 0 of the
            same shape, colour a key of :data:`COLORS`.
        constant: the constant C drawn as a line, > 0.

    Returns:
        A new figure, ε decreasing to the right.
    """
    if not curves:
        raise ValueError("curves must hold at least one law")
    if not (isinstance(constant, (int, float)) and math.isfinite(constant) and constant > 0):
        raise ValueError(f"constant must be a finite number > 0; got {constant!r}")
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.9))
    for (label, eps, ratios, colour), style in zip(curves, ("o-", "s--", "^:")):
        eps, ratios = _array("eps", eps, ndim=1), _array("ratios", ratios, ndim=1)
        if eps.shape != ratios.shape or ((eps <= 0) | (eps >= 1)).any() or (ratios <= 0).any():
            raise ValueError("eps (in (0, 1)) and ratios (> 0) must have the same shape")
        ax.plot(eps, ratios, style, color=COLORS[colour], fillstyle="full" if style == "o-" else "none", label=label)
    ax.axhline(constant, **theory_line_style(), label=f"the construction's constant C = {constant}")
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("ε (log scale; smaller to the right)")
    ax.set_ylabel("C(ε) = n*(ε) / log₂(2/ε)")
    ax.set_title("The constant needed at each ε")
    _legend_below(fig, ax)
    return fig


@readable
def plot_relu_identity(w: float) -> Figure:
    """σ(wx), −σ(−wx) and their sum wx on x ∈ [−1, 1] (chapter 3, the ReLU decomposition).

    Args:
        w: the weight, a finite number.

    Returns:
        A new figure.
    """
    if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w):
        raise ValueError(f"w must be a finite number; got {w!r}")
    x = np.linspace(-1, 1, 201)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.6))
    ax.plot(x, np.maximum(w * x, 0), color=COLORS["pruned"], label="σ(wx): active for x > 0")
    ax.plot(x, -np.maximum(-w * x, 0), color=COLORS["accent"], label="−σ(−wx): active for x < 0")
    ax.plot(x, w * x, **theory_line_style(), label="their sum: wx")
    ax.set_xlabel("input x")
    ax.set_ylabel("output")
    ax.set_title(f"w x = σ(wx) − σ(−wx), for w = {w:g}")
    few_ticks(ax)
    ax.legend(loc="upper left")
    return fig


@readable
def plot_gadget_coefficients(coefficients, positive_sizes, units: int) -> Figure:
    """Two stacked panels (chapter 3). Top: histogram of the gadgets' SubsetSum coefficients
    v_k|u_k| against the product law's density −ln|z|/2. Bottom: the sizes of the positive
    halves against Binomial(units, 1/2).

    Args:
        coefficients: the coefficients of both halves, values in [−1, 1], 1-D.
        positive_sizes: for each gadget, its number of units with u_k > 0, integers in [0, units].
        units: 2n, the hidden units of one gadget, an integer ≥ 1.

    Returns:
        A new figure.
    """
    values = _array("coefficients", coefficients, ndim=1)
    sizes = _array("positive_sizes", positive_sizes, ndim=1)
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ValueError(f"units must be an integer >= 1; got {units!r}")
    if np.abs(values).max() > 1 or (sizes < 0).any() or (sizes > units).any() or (sizes % 1).any():
        raise ValueError("coefficients must lie in [-1, 1] and positive_sizes be integers in [0, units]")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(FIGURE_WIDTH_IN, 8.2))
    top.hist(
        values, bins=100, range=(-1, 1), density=True, color=COLORS["random"], label=f"{len(values):,} coefficients"
    )
    z = np.linspace(-1, 1, 2001)
    z = z[z != 0]
    top.plot(z, -np.log(np.abs(z)) / 2, **theory_line_style(), label="product law: −ln|z| / 2")
    top.set_ylim(0, 3)
    top.set_xlabel("coefficient $v_k |u_k|$")
    top.set_ylabel("density")
    top.set_title("Coefficients of both halves")
    few_ticks(top)
    top.legend(loc="upper left")
    axis = np.arange(units + 1)
    counts = np.bincount(sizes.astype(np.int64), minlength=units + 1) / len(sizes)
    binomial = [math.comb(units, k) / 2**units for k in axis]
    bottom.bar(axis, counts, color=COLORS["random"], label=f"measured, {len(sizes):,} gadgets")
    bottom.plot(axis, binomial, "o", color=COLORS["theory"], label=f"Binomial({units}, 1/2)")
    bottom.set_xticks(axis[::2])
    bottom.set_xlabel("units with $u_k > 0$ (size of the positive half)")
    bottom.set_ylabel("fraction of gadgets")
    bottom.set_title(f"Size of the positive half, 2n = {units}")
    bottom.legend(loc="upper left")
    return fig


@readable
def plot_half_errors(w, errors: Mapping[str, object], worst: Mapping[str, float], sizes: Mapping[str, int]) -> Figure:
    """One gadget pruned to every w of a grid: the SubsetSum error |r⁺| of its positive half
    and |r⁻| of its negative half against w, each with the half's worst case over all
    targets as a line (chapter 3).

    Args:
        w: the target weights, 1-D.
        errors: ``{"positive": |r⁺|, "negative": |r⁻|}``, each of the shape of w, ≥ 0.
        worst: the halves' worst-case errors (:func:`lthbook.subset_sum.worst_case_error`), > 0.
        sizes: the halves' numbers of units.

    Returns:
        A new figure (log-scale errors).
    """
    weights = _array("w", w, ndim=1)
    if set(errors) != {"positive", "negative"} or set(worst) != set(errors) or set(sizes) != set(errors):
        raise ValueError('errors, worst and sizes must have the keys "positive" and "negative"')
    colours = {"positive": COLORS["pruned"], "negative": COLORS["accent"]}
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.6))
    for half, sign in (("positive", "⁺"), ("negative", "⁻")):
        values = _array("errors", errors[half], ndim=1)
        if values.shape != weights.shape or (values < 0).any():
            raise ValueError(f"errors[{half!r}] must be >= 0 with the shape of w")
        ax.plot(
            weights, values, color=colours[half], linewidth=0.8, label=f"|r{sign}|: {half} half, {sizes[half]} units"
        )
        ax.axhline(
            worst[half], **{**theory_line_style(), "color": colours[half]}, label=f"worst case of the {half} half"
        )
    ax.set_yscale("log")
    ax.set_ylim(1e-9, 1e-1)
    ax.set_xlabel("target weight w")
    ax.set_ylabel("SubsetSum error of each half")
    ax.set_title(f"One gadget pruned to {len(weights):,} weights")
    few_ticks(ax)
    _legend_below(fig, ax)
    return fig


@readable
def plot_neuron_errors(sampled, *, exact: float, bound: float, title: str) -> Figure:
    """Histogram of a pruned neuron gadget's error at sampled unit vectors, with its exact
    supremum and the bound ‖e‖₂ as vertical lines (chapter 3).

    Args:
        sampled: the errors |wᵀx − g_S(x)| at the sampled inputs, ≥ 0, 1-D.
        exact: the exact sup error (:func:`lthbook.gadgets.neuron_sup_error`), ≥ 0.
        bound: the bound (:func:`lthbook.gadgets.neuron_error_bound`), ≥ exact.
        title: the axes title.

    Returns:
        A new figure.
    """
    values = _array("sampled", sampled, ndim=1)
    if (values < 0).any():
        raise ValueError("sampled errors must be >= 0")
    if not (0 <= exact <= bound):
        raise ValueError(f"need 0 <= exact <= bound; got exact = {exact}, bound = {bound}")
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.8))
    ax.hist(values, bins=80, color=COLORS["random"], label=f"error at {len(values):,} random unit vectors x")
    ax.axvline(exact, color=COLORS["pruned"], linewidth=2, label="exact sup (neuron_sup_error)")
    ax.axvline(bound, **theory_line_style(), label="bound ‖e‖₂")
    ax.set_xlabel("|wᵀx − g_S(x)|")
    ax.set_ylabel("number of inputs")
    ax.set_title(title)
    _legend_below(fig, ax)
    return fig


# ---- Figures of chapters 4-7 ----


#: Colours of the three structures of Experiment 2 (chapter 6).
STRUCTURE_COLORS = {"ours_linear": COLORS["accent"], "ours_relu": COLORS["pruned"], "wide": COLORS["target"]}


def weight_count_label(count: int) -> str:
    """A weight count as a tick label of three significant digits: ``19.9k``, ``2.25M``, ``640``.

    Examples:
        >>> [weight_count_label(n) for n in (640, 19_900, 996_000, 2_250_000)]
        ['640', '19.9k', '996k', '2.25M']
    """
    if count >= 999_500:  # 999,500 would round to "1e+03k"
        return f"{count / 1e6:.3g}M"
    if count >= 1000:
        return f"{count / 1000:.3g}k"
    return str(count)


def plot_experiment2_panel(
    ax: plt.Axes,
    lines: Mapping,
    baseline: float | None = None,
    label: str = "ours",
    paper_points: Sequence[Mapping] = (),
    paper_baseline: float | None = None,
) -> None:
    """One panel of Experiment 2 in the paper's layout: accuracy against the weights left (chapter 6).

    Args:
        ax: the axes to draw in.
        lines: ``{structure: (weights left, accuracies)}`` for structures of
            :data:`lthbook.experiments.EXPERIMENT2_STRUCTURES` (solid lines, filled markers).
        baseline: accuracy of the trained dense network (dashed), or ``None``.
        label: how the legend names ``lines`` and ``baseline``.
        paper_points: records of :data:`lthbook.experiments.PAPER_EXPERIMENT2` ``["points"]``
            (dotted lines, hollow markers).
        paper_baseline: the official dense baseline (dotted), or ``None``.
    """
    from .experiments import EXPERIMENT2_STRUCTURES

    for structure, name in EXPERIMENT2_STRUCTURES.items():
        color = STRUCTURE_COLORS[structure]
        if paper_points:
            xs = [p["remaining"] for p in paper_points]
            ax.plot(xs, [p[structure] for p in paper_points], "o:", color=color, markerfacecolor="none",
                    label=f"{name} (official raw)")  # fmt: skip
        if structure in lines:
            ax.plot(*lines[structure], "o-", color=color, label=f"{name} ({label})")
    if paper_baseline is not None:
        ax.axhline(paper_baseline, color=COLORS["trained"], linestyle=":", label="trained dense (official raw)")
    if baseline is not None:
        ax.axhline(baseline, color=COLORS["trained"], linestyle="--", label=f"trained dense ({label})")
    ax.set_xscale("log")
    ticks: list[int] = []
    for t in sorted({int(t) for xs, _ in lines.values() for t in xs} | {p["remaining"] for p in paper_points}):
        if not ticks or t > 1.3 * ticks[-1]:  # one tick per kept fraction: nearby counts share it
            ticks.append(t)
    if ticks:
        ax.set_xticks(ticks, [weight_count_label(t) for t in ticks])
    ax.minorticks_off()
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("weights left (log scale)")
    ax.set_ylabel("test accuracy")


@readable
def experiment2_figure(results: dict, *, epochs: int | None = None) -> Figure:
    """Experiment 2 on MNIST, one stacked panel per network, from a results file (chapter 6).

    Each panel shows what ``results`` holds for that network (the best final-epoch accuracy over
    the seeds at a point, as the paper plots the best of its runs; the chapter's table gives mean
    ± sd), the official raw results of :data:`lthbook.experiments.PAPER_EXPERIMENT2` and the
    dense baselines; a network without runs says so in its panel. One legend below all panels.

    Args:
        results: as returned by :func:`lthbook.experiments.read_experiment2_results`.
        epochs: only runs of this many epochs (default: the sweep's, 10).
    """
    from .experiments import EXPERIMENT2_NETS, EXPERIMENT2_SWEEP, PAPER_EXPERIMENT2, experiment2_curves

    epochs = EXPERIMENT2_SWEEP["epochs"] if epochs is None else epochs
    fig, axes = plt.subplots(len(EXPERIMENT2_NETS), 1, figsize=(FIGURE_WIDTH_IN, 2.9 * len(EXPERIMENT2_NETS) + 2.6))
    for ax, (net, name) in zip(axes, EXPERIMENT2_NETS.items()):
        curves = experiment2_curves(results, net, epochs=epochs)
        lines = {s: (c.kept_weights, c.accuracy) for s, c in curves.items() if s != "dense_trained"}
        baseline = curves["dense_trained"].accuracy[0] if "dense_trained" in curves else None
        paper = [p for p in PAPER_EXPERIMENT2["points"] if p["net"] == net]
        plot_experiment2_panel(ax, lines, baseline, "ours", paper, PAPER_EXPERIMENT2["baselines"][net])
        ax.set_title(f"{name}" + ("" if curves else ": no runs of ours yet"))
    handles, labels = [], []
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels()):
            if text not in labels:
                handles.append(handle)
                labels.append(text)
    fig.legend(handles, labels, loc="outside lower center", ncol=1)
    return fig


@readable
def experiment1_sweep_figure(
    summaries: Mapping, *, target_accuracy: float, paper_accuracy: float, eps: float, dataset: str
) -> Figure:
    """Experiment 1 against n: accuracy of the approximated network above, weight errors below (chapter 6).

    Args:
        summaries: ``{"per_row": {n: summary}, "per_weight": {n: summary}}`` of
            :class:`lthbook.experiments.ReplacementSummary`.
        target_accuracy: the target's test accuracy (dashed line).
        paper_accuracy: the paper's reported 97.19% (dotted line; the target's, by its bug).
        eps: the tolerance ε (dotted line in the lower panel).
        dataset: the data set's name, for the title.
    """
    from .experiments import predicted_median_error

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(FIGURE_WIDTH_IN, 9.0))
    for mode, marker, color in (("per_row", "o-", COLORS["pruned"]), ("per_weight", "s-", COLORS["accent"])):
        ns, name = sorted(summaries[mode]), mode.replace("_", " ")
        top.plot(ns, [summaries[mode][n].accuracy for n in ns], marker, color=color, label=f"$\\hat f$, {name}")
        bottom.semilogy(ns, [summaries[mode][n].max_error for n in ns], marker, color=color, label=f"largest, {name}")
    ns, row = sorted(summaries["per_row"]), summaries["per_row"]
    top.axhline(target_accuracy, color=COLORS["target"], linestyle="--", label="target $f$")
    top.axhline(paper_accuracy, color=COLORS["trained"], linestyle=":", label=f"paper's {paper_accuracy:.2%}")
    top.set(xticks=ns, xlabel="coefficients per weight n", ylabel="test accuracy", ylim=(0, 1.02))
    top.set_title(f"Experiment 1, {dataset}: accuracy of $\\hat f$")
    top.legend(loc="lower right")
    bottom.semilogy(ns, [row[n].median_error for n in ns], "^-", color=COLORS["target"], label="median, per row")
    predicted = [predicted_median_error(n, row[n].low, row[n].high) for n in ns]
    bottom.semilogy(ns, predicted, **theory_line_style(), label="predicted median")
    bottom.axhline(eps, color=COLORS["random"], linestyle=":", label=f"ε = {eps}")
    bottom.set(xticks=ns, xlabel="coefficients per weight n", ylabel="|w − ŵ| (log scale)", title="Weight errors")
    bottom.legend(loc="lower left")
    return fig


@readable
def small_experiment2_figure(live: Mapping, widths: Sequence[int]) -> Figure:
    """Chapter 6's live Experiment 2 on the digits: accuracy against weights left, one line per structure.

    Args:
        live: as returned by :func:`lthbook.experiments.run_small_experiment2`.
        widths: the target shape the structures were built for (for the title).
    """
    lines = {s: ([r["left"] for r in runs], [r["accuracy"] for r in runs]) for s, runs in live["runs"].items()}
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.6))
    plot_experiment2_panel(ax, lines, live["dense_accuracy"], "digits, live")
    ax.set_title(f"Experiment 2 in small: digits, {'–'.join(map(str, widths))}, r = 5")
    _legend_below(fig, ax)
    return fig


@readable
def plot_gadget_errors(m_values: Sequence[int], construction: Mapping, brute_force: Mapping) -> Figure:
    """Chapter 5: error of one weight's random gadget against its parameter count m, against the floors.

    Args:
        m_values: the parameter counts m.
        construction: ``{m: [error of chapter 3's construction, one per draw]}``.
        brute_force: ``{m: [best error over all 2^m subnetworks, one per draw]}``.
    """
    m_axis = np.asarray(list(m_values))
    draws = len(construction[m_axis[0]])
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.4))
    for m in m_axis:
        label = "construction, one draw" if m == m_axis[0] else None
        ax.scatter([m] * len(construction[m]), construction[m], s=8, color=COLORS["random"], alpha=0.35, label=label)
    ax.semilogy(m_axis, [np.median(construction[m]) for m in m_axis], "-", color=COLORS["random"],
                label=f"construction, median of {draws} draws")  # fmt: skip
    ax.semilogy(m_axis, [np.median(brute_force[m]) for m in m_axis], "o", color=COLORS["pruned"],
                label=f"best of all $2^m$ subnetworks, median of {len(brute_force[m_axis[0]])}")  # fmt: skip
    ax.semilogy(m_axis, 2.0 ** (-m_axis / 2), color=COLORS["theory"], linestyle=":", label="gadget floor $2^{-m/2}$")
    ax.semilogy(m_axis, 2.0**-m_axis, **theory_line_style(), label="counting floor $2^{-m}$")
    ax.set_xlabel("parameters m of the gadget")
    ax.set_ylabel("error for every w (log scale)")
    ax.set_title("One weight: all subnetworks against the floor")
    _legend_below(fig, ax)
    return fig


@readable
def plot_linear_cover(covers: Mapping, *, eps: float, num_targets: int, packing_m: int) -> Figure:
    """Chapter 5: share of random 2 × 2 targets within ε of a subnetwork, against the counting bound.

    Args:
        covers: ``{m: result}`` of :func:`lthbook.lower_bound.depth2_linear_cover`.
        eps: the tolerance ε.
        num_targets: how many targets each share is measured on (for the 95% intervals).
        packing_m: the m at which 2^m reaches the packing bound (vertical line).
    """
    from .lower_bound import covered_fraction_bound

    ms = list(covers)
    shares = np.array([covers[m].fraction for m in ms])
    half_width = 1.96 * np.sqrt(shares * (1 - shares) / num_targets)
    m_grid = np.linspace(0, max(ms) + 1, 200)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.4))
    ax.errorbar(ms, shares, yerr=half_width, fmt="o-", color=COLORS["random"], capsize=3,
                label="random network: share covered (95%)")  # fmt: skip
    ax.plot(m_grid, [covered_fraction_bound(2, eps, m) for m in m_grid], **theory_line_style(),
            label=r"counting bound $\min(1, 2^m \varepsilon^4)$")  # fmt: skip
    ax.axhline(eps**4, color=COLORS["accent"], linestyle=":", label=r"empty subnetwork alone, $\varepsilon^4$")
    ax.axvline(packing_m, color=COLORS["theory"], linestyle="-.", linewidth=1, label=r"$2^m = (1/(2\varepsilon))^4$")
    ax.set_yscale("log")
    ax.set_xlabel("number of parameters m")
    ax.set_ylabel("share within ε (log scale)")
    ax.set_title(f"2 × 2 linear maps, ε = {eps}, {num_targets} targets")
    _legend_below(fig, ax)
    return fig


@readable
def parameter_count_figure(*, d_fixed: int, eps_fixed: float, eps_values, d_values, constant: float) -> Figure:
    """Chapter 5: parameters of the lower bound, of Pensia et al. and of Malach et al., against 1/ε and d.

    Two stacked panels (l = 1, δ = 0.1): against 1/ε at width ``d_fixed``, and against the
    width d at ``eps_fixed``; one legend below both.
    """
    from .lower_bound import malach_parameters, min_parameters, pensia_parameters

    curves: dict[str, tuple[Callable[[int, float], float], dict[str, Any]]] = {
        "lower bound (any network)": (min_parameters, theory_line_style()),
        "Pensia et al. (measured C)": (
            lambda d, e: pensia_parameters(d, e, constant=constant),
            {"color": COLORS["pruned"]},
        ),
        "Malach et al. (order)": (malach_parameters, {"color": COLORS["random"]}),
    }
    fig, (by_eps, by_d) = plt.subplots(2, 1, figsize=(FIGURE_WIDTH_IN, 8.4))
    for label, (count, style) in curves.items():
        by_eps.loglog(1 / np.asarray(eps_values), [count(d_fixed, e) for e in eps_values], **style, label=label)
        by_d.loglog(d_values, [count(int(d), eps_fixed) for d in d_values], **style)
    by_eps.set(xlabel="1/ε (log scale)", ylabel="parameters (log scale)", title=f"Against 1/ε (d = {d_fixed})")
    by_d.set(xlabel="target width d (log scale)", ylabel="parameters (log scale)", title=f"Against d (ε = {eps_fixed})")
    _legend_below(fig, by_eps)
    return fig


@readable
def parameter_ratio_figure(
    ratio: Callable[[int, float], float], *, d_values, eps_tail, ratio_d: Sequence[int], limit: float
) -> tuple[Figure, dict]:
    """Chapter 5: Pensia's parameter count over the lower bound, against log₂ d and against 1/ε.

    Args:
        ratio: ``ratio(d, eps)``, Pensia et al.'s count divided by the lower bound.
        d_values: widths d for the upper panel (fixed ε = 10⁻² and 10⁻⁶).
        eps_tail: tolerances for the lower panel.
        ratio_d: the widths of the lower panel's curves.
        limit: the limit of the ratio as ε → 0 (4C), drawn dashed.

    Returns:
        The figure and ``{eps: slope of the ratio per doubling of d}`` (least squares) for the
        upper panel's two tolerances.
    """
    log2_d = np.log2(np.asarray(d_values, dtype=float))
    fig, (at_fixed_eps, towards_zero) = plt.subplots(2, 1, figsize=(FIGURE_WIDTH_IN, 8.8))
    slopes = {}
    for eps, marker, color in ((1e-2, "o-", COLORS["pruned"]), (1e-6, "s-", COLORS["accent"])):
        values = [ratio(int(d), eps) for d in d_values]
        slopes[eps] = float(np.polyfit(log2_d, values, 1)[0])
        at_fixed_eps.plot(log2_d, values, marker, color=color, label=f"ε = {eps:g}: slope {slopes[eps]:.2f}")
    at_fixed_eps.set(xlabel="log₂ d", ylabel="Pensia / lower bound", title="At fixed ε: grows like log d")
    at_fixed_eps.legend()
    for d, color in zip(ratio_d, (COLORS["pruned"], COLORS["accent"], COLORS["target"])):
        towards_zero.loglog(1 / np.asarray(eps_tail), [ratio(d, e) for e in eps_tail], color=color, label=f"d = {d}")
    towards_zero.axhline(limit, **theory_line_style(), label=f"limit 4C = {limit:.2f}")
    towards_zero.set(xlabel="1/ε (log scale)", ylabel="ratio (log scale)", title="As ε → 0: falls to 4C for every d")
    towards_zero.legend()
    return fig, slopes


@readable
def plot_certified_vs_sampled(certified, sampled, *, eps: float, widths: Sequence[int]) -> Figure:
    """Chapter 4: one random network pruned to many targets, the certified bound and the sampled error of each.

    Args:
        certified: certified bounds, one per target.
        sampled: largest errors found by sampling, one per target.
        eps: the tolerance ε (dashed line).
        widths: the target class, for the title.
    """
    certified, sampled = _array("certified", certified, ndim=1), _array("sampled", sampled, ndim=1)
    jitter = np.random.default_rng(13).uniform(-0.15, 0.15, size=certified.size)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.2))
    ax.scatter(certified, 1 + jitter, s=14, color=COLORS["pruned"], alpha=0.7, label="certified bound")
    ax.scatter(sampled, jitter, s=14, color=COLORS["target"], alpha=0.7, label="largest error found by sampling")
    ax.axvline(eps, **theory_line_style(), label=f"ε = {eps}")
    ax.set_xscale("log")
    ax.set_yticks([0, 1], ["sampled", "certified"])
    ax.set_ylim(-0.6, 1.6)
    ax.set_xlabel("sup over the unit ball of ‖f − g_S‖ (log)")
    ax.set_title(f"One random network, {certified.size} targets {tuple(widths)}")
    _legend_below(fig, ax)
    return fig


@readable
def plot_ticket_sizes(shapes: Sequence[tuple], sizes: Sequence[int], kept: Sequence[int], *, n: int) -> Figure:
    """Chapter 4: weights drawn and weights kept by the ticket, per matrix M_k of the random network."""
    positions = np.arange(len(sizes))
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.6))
    ax.bar(positions - 0.2, sizes, width=0.4, color=COLORS["random"], label="random weights drawn")
    ax.bar(positions + 0.2, kept, width=0.4, color=COLORS["pruned"], label="kept by the ticket")
    ax.set_yscale("log")
    ax.set_xticks(positions, [f"$M_{k}$\n{tuple(s)}" for k, s in enumerate(shapes, 1)])
    ax.set_ylabel("weights (log scale)")
    ax.set_title(f"The ticket of the digits target, n = {n}")
    _legend_below(fig, ax, ncol=2)
    return fig


@readable
def width_factor_figure(panels: Sequence[tuple], *, constant: float) -> Figure:
    """Chapter 4: width factors of Theorem 1, of Malach et al. and of the depth-2 lower bound, stacked panels.

    Args:
        panels: ``(x values, factors, x label, title)`` per panel, ``factors`` an array with one
            row per x: (Theorem 1, Malach et al., lower bound). The first panel's x axis is ε
            and is drawn decreasing.
        constant: the SubsetSum constant C, for the legend.
    """
    fig, axes = plt.subplots(len(panels), 1, figsize=(FIGURE_WIDTH_IN, 4.1 * len(panels) + 1.2))
    for ax, (x, values, label, title) in zip(np.atleast_1d(axes), panels):
        ax.plot(x, values[:, 1], color=COLORS["random"], label="Malach et al. (book's reading, constants 1)")
        ax.plot(x, values[:, 0], color=COLORS["pruned"], drawstyle="steps-mid", label=f"Theorem 1: 2n (C = {constant})")
        ax.plot(x, values[:, 2], **theory_line_style(), label="lower bound, depth 2 (chapter 5)")
        ax.set(xscale="log", yscale="log", xlabel=label, title=title, ylabel="width factor (log)")
        ax.set_ylim(bottom=0.5)
    first = np.atleast_1d(axes)[0]
    first.invert_xaxis()
    _legend_below(fig, first)
    return fig


@readable
def width_per_bit_figure(bits, ours: Mapping, lower, *, constant: float, delta: float) -> Figure:
    """Chapter 4: Theorem 1's width factor per bit of accuracy, and what it pays beyond 2C log₂(1/ε).

    Args:
        bits: log₂(1/ε) values.
        ours: ``{d: width factors 2n at those ε}`` (l = 1).
        lower: the depth-2 lower bound's width factor at those ε (d = 100).
        constant: C; delta: δ (for the titles).
    """
    bits = _array("bits", bits, ndim=1)
    fig, axes = plt.subplots(2, 1, figsize=(FIGURE_WIDTH_IN, 8.6), sharex=True)
    for (d, values), colour in zip(ours.items(), (COLORS["target"], COLORS["pruned"], COLORS["accent"])):
        axes[0].plot(bits, np.asarray(values) / bits, color=colour, label=f"Theorem 1, d = {d}")
        axes[1].plot(bits, np.asarray(values) - 2 * constant * bits, color=colour, label=f"d = {d}")
    axes[0].plot(bits, np.asarray(lower) / bits, **theory_line_style(), label="lower bound, d = 100")
    axes[0].axhline(2 * constant, color="#666666", linewidth=0.8, label=f"2C = {2 * constant:.2f}, every d's limit")
    axes[0].set(yscale="log", ylabel="factor / log₂(1/ε) (log)", title=f"Width factor per bit (l = 1, δ = {delta})")
    axes[1].set(xscale="log", xlabel="log₂(1/ε) (log scale)", ylabel="2n − 2C log₂(1/ε)")
    axes[1].set_title("What Theorem 1 pays beyond 2C log₂(1/ε)")
    axes[0].legend()
    axes[1].legend()
    return fig


@readable
def plot_half_block_check(checks: Sequence, grid: Sequence[float]) -> Figure:
    """Chapter 4: measured failure rate of one half-block at the lemma's n, with 95% Wilson intervals.

    Args:
        checks: :class:`lthbook.construction.HalfBlockCheck` results (one line each).
        grid: the ε″ grid (the lemma's bound, rate = ε″, is drawn dashed).
    """
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.4))
    for check, colour, marker in zip(checks, (COLORS["pruned"], COLORS["random"], COLORS["accent"]), "osd"):
        rates = np.array([r.rate for r in check.rates])
        low, high = np.array([r.interval for r in check.rates]).T
        ax.errorbar(check.eps_grid, rates, yerr=[rates - low, high - rates], fmt=marker + "-", color=colour,
                    capsize=3, label=f"measured at the lemma's n, C = {check.constant:g}")  # fmt: skip
    ax.plot(grid, grid, **theory_line_style(), label="the lemma's bound: rate = ε″")
    ax.set(xscale="log", yscale="log", xlabel="ε″ (log scale)", ylabel="failure rate of a half (log)")
    ax.set_title("The half-block lemma at its own n (95% intervals)")
    ax.invert_xaxis()
    _legend_below(fig, ax)
    return fig


@readable
def plot_failure_rates(failures, *, widths: Sequence[int], eps: float) -> Figure:
    """Chapter 4: fresh random networks that fail, against n: certificate ≥ ε, the proof's event, union bound.

    Args:
        failures: a :class:`lthbook.construction.FailureExperiment`.
        widths, eps: the target class and ε (for the title).
    """
    from .stats import wilson_interval

    ns, trials = np.asarray(failures.ns), failures.trials
    intervals = np.array([wilson_interval(int(c), trials) for c in failures.certificate_fails])
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.4))
    ax.fill_between(ns, intervals[:, 0], intervals[:, 1], color=COLORS["pruned"], alpha=0.2)
    ax.plot(ns, np.asarray(failures.certificate_fails) / trials, "o-", color=COLORS["pruned"],
            label="certificate ≥ ε (95% interval)")  # fmt: skip
    ax.plot(ns, np.asarray(failures.proof_fails) / trials, "s-", color=COLORS["target"],
            label="some residual > ε′ (proof's event)")  # fmt: skip
    ax.plot(ns, failures.union_bound(), color=COLORS["accent"], linestyle=":",
            label="union bound, measured instance rates")  # fmt: skip
    ax.set_xlabel("n (blocks of 2n units)")
    ax.set_ylabel("share of networks that fail")
    ax.set_title(f"Fresh random networks that fail, {tuple(widths)}, ε = {eps}")
    _legend_below(fig, ax)
    return fig


@readable
def plot_positive_inputs_only(results: Mapping, ns: Sequence[int], *, eps: float, widths: Sequence[int]) -> Figure:
    """Chapter 4: certified bound against the number of random weights, with and without ``positive_inputs_only``.

    Args:
        results: ``{(flag, n): (hidden widths, random weights, certified bounds)}``.
        ns: the n of each point.
        eps, widths: ε (dashed line) and the target class (title).
    """
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.4))
    variants = [(False, COLORS["target"], "blocks of 2n everywhere"), (True, COLORS["pruned"], "positive_inputs_only")]
    for flag, colour, name in variants:
        params = np.array([results[flag, n][1] for n in ns])
        bounds = [results[flag, n][2] for n in ns]
        ax.plot(params, [np.median(b) for b in bounds], "o-", color=colour, label=f"{name}: median")
        ax.fill_between(params, [b.min() for b in bounds], [b.max() for b in bounds], color=colour, alpha=0.15)
        for n, x, b in zip(ns, params, bounds):
            ax.annotate(f"n={n}", (x, np.median(b)), textcoords="offset points", xytext=(4, 4))
    ax.axhline(eps, **theory_line_style(), label=f"ε = {eps}")
    ax.set(xscale="log", yscale="log", xlabel="random weights (log scale)", ylabel="certified bound (log)")
    ax.set_title(f"Error against size, {tuple(widths)} (band: min to max)")
    _legend_below(fig, ax)
    return fig
