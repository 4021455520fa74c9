"""One figure style for the whole book, and the schematic pictures the chapters draw.

:func:`use_style` is called once by :func:`lthbook.setup`; every chapter then plots with plain
matplotlib. The colours of :data:`COLORS` keep one meaning across the book (the target network,
the random network, the pruned ticket, a theoretical prediction), so a reader can carry a legend
from one chapter to the next.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

__all__ = ["COLORS", "use_style", "roadmap_figure", "theory_line_style"]

#: Colours with a fixed meaning in every chapter.
COLORS = {
    "target": "#1f4e79",  # the network we want to approximate
    "random": "#9aa5b1",  # random weights, before pruning
    "pruned": "#d1495b",  # the ticket: what pruning keeps
    "theory": "#2a9d8f",  # a bound or a prediction drawn beside a measurement
    "trained": "#e9a23b",  # a trained dense network, as a reference
    "accent": "#6a4c93",
}

_CYCLE = [COLORS["target"], COLORS["pruned"], COLORS["theory"], COLORS["trained"], COLORS["accent"], "#3d405b"]


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
            "axes.prop_cycle": mpl.cycler(color=_CYCLE),
            "legend.frameon": False,
            "lines.linewidth": 2.0,
            "font.size": 10.5,
        }
    )


def theory_line_style() -> dict:
    """Keyword arguments for a theoretical curve drawn beside measurements (dashed, teal)."""
    return {"color": COLORS["theory"], "linestyle": "--", "linewidth": 1.8}


_ROADMAP_STEPS = (
    ("Random SubsetSum", "n = O(log 1/ε) random\nnumbers ε-approximate\nevery z ∈ [−1, 1]", "Chapter 2"),
    ("ReLU decomposition", "w·x = σ(wx) − σ(−wx):\none weight = two\nSubsetSum instances", "Chapter 3"),
    (
        "Width construction",
        "a random net 2l deep,\nO(log(dl/min(ε,δ))) times\nwider, pruned to any\ntarget (prob. ≥ 1 − δ)",
        "Chapter 4",
    ),
    (
        "Lower bound",
        "counting: Ω(d² log 1/ε)\nparameters for any net;\nlog(1/ε) width factor\nat depth 2",
        "Chapter 5",
    ),
)


def roadmap_figure(*, ax: plt.Axes | None = None) -> plt.Figure:
    """Draw the road map of the proof: SubsetSum → ReLU trick → width construction → lower bound.

    Returns the figure (a new one unless ``ax`` is given).
    """
    if ax is None:
        fig = plt.figure(figsize=(8.6, 2.5), constrained_layout=False)
        ax = fig.add_axes((0.0, 0.0, 1.0, 0.88))
    else:
        fig = ax.figure
    ax.set_axis_off()
    ax.set_xlim(0, 4)
    ax.set_ylim(0, 1)
    colours = [COLORS["theory"], COLORS["pruned"], COLORS["target"], COLORS["accent"]]
    width = 0.76
    for k, ((title, body, chapter), colour) in enumerate(zip(_ROADMAP_STEPS, colours)):
        x0 = k + 0.12
        box = FancyBboxPatch(
            (x0, 0.04),
            width,
            0.9,
            boxstyle="round,pad=0.0,rounding_size=0.04",
            facecolor=colour,
            alpha=0.10,
            edgecolor=colour,
            linewidth=1.8,
        )
        ax.add_patch(box)
        centre = x0 + width / 2
        ax.text(centre, 0.83, title, ha="center", va="center", fontsize=9.6, fontweight="bold", color=colour)
        ax.text(centre, 0.47, body, ha="center", va="center", fontsize=8.4, linespacing=1.35)
        ax.text(centre, 0.12, chapter, ha="center", va="center", fontsize=9, style="italic", color="#444444")
        if k < len(_ROADMAP_STEPS) - 1:
            arrow = FancyArrowPatch(
                (x0 + width + 0.02, 0.49),
                (x0 + 1 - 0.02, 0.49),
                arrowstyle="-|>",
                mutation_scale=14,
                color="#444444",
                linewidth=1.5,
            )
            ax.add_patch(arrow)
    fig.suptitle(
        "Road map: three steps to the upper bound, then the lower bound", fontsize=12, fontweight="bold", y=0.98
    )
    return fig
