"""Pictures of pruned networks: which edges a mask keeps (chapters 3 and 4).

* :func:`draw_weight_gadget` — one weight gadget g(x) = vᵀσ(u x): input, 2n hidden units
  (those with u_k > 0 above, u_k < 0 below), output, kept edges thick and red, pruned edges
  thin and grey.
* :func:`draw_construction` — a tiny target network beside the random network of Theorem 1
  with the edges of the ticket highlighted.

Colours come from :data:`lthbook.plotting.COLORS`: ``"pruned"`` (the ticket, what pruning
keeps), ``"random"`` (random weights that are pruned away) and ``"target"``.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D

from ._networks import check_target_weights
from ._validation import check_int
from .construction import PrunedNetwork
from .gadgets import RandomGadget, WeightGadget
from .plotting import COLORS, FIGURE_WIDTH_IN, readable

__all__ = ["draw_weight_gadget", "draw_construction"]

_KEPT: dict[str, Any] = {"color": COLORS["pruned"], "linewidth": 2.4, "alpha": 0.95, "zorder": 3}
_PRUNED: dict[str, Any] = {"color": COLORS["random"], "linewidth": 0.8, "alpha": 0.55, "zorder": 1}
_NODE: dict[str, Any] = {"s": 70, "facecolor": "white", "edgecolor": "#333333", "linewidths": 1.2, "zorder": 4}


def _legend_handles() -> list[Line2D]:
    return [
        Line2D([], [], label="kept (the ticket)", **{k: v for k, v in _KEPT.items() if k != "zorder"}),
        Line2D([], [], label="pruned", **{k: v for k, v in _PRUNED.items() if k != "zorder"}),
    ]


@readable
def draw_weight_gadget(
    gadget: WeightGadget | RandomGadget,
    index: int = 0,
    *,
    ax: plt.Axes | None = None,
    edge_labels: bool = False,
    title: str | None = None,
) -> Figure | SubFigure:
    """Draw gadget ``index`` of a batch: x → 2n hidden units → output, kept edges highlighted.

    Hidden units are ordered by the sign of u_k: units with u_k > 0 (they fire for x > 0, the
    positive half) above, units with u_k < 0 (negative half) below, each group in index order.
    For a :class:`lthbook.gadgets.WeightGadget` the edges its masks keep are thick and red and
    the pruned ones thin and grey; a :class:`lthbook.gadgets.RandomGadget` (before pruning) is
    drawn all grey.

    Args:
        gadget: a pruned or random gadget (:mod:`lthbook.gadgets`).
        index: which gadget of the batch, 0 ≤ index < B.
        ax: axes to draw on; None makes a new figure.
        edge_labels: write u_k on the first-layer edges and v_k on the second-layer edges.
        title: the axes title; None writes the target, the kept count and the error.

    Returns:
        The figure.
    """
    if not isinstance(gadget, (WeightGadget, RandomGadget)):
        raise TypeError(f"gadget must be a WeightGadget or a RandomGadget; got {type(gadget).__name__}")
    index = check_int("index", index, low=0, high=gadget.u.shape[0] - 1)
    u = gadget.u[index].cpu()
    v = gadget.v[index].cpu()
    weight_gadget = gadget if isinstance(gadget, WeightGadget) else None  # None: a random gadget
    pruned = weight_gadget is not None
    first = (
        weight_gadget.first_mask[index].cpu() if weight_gadget is not None else torch.zeros_like(u, dtype=torch.bool)
    )
    second = (
        weight_gadget.second_mask[index].cpu() if weight_gadget is not None else torch.zeros_like(u, dtype=torch.bool)
    )
    units = u.shape[0]
    order = sorted(range(units), key=lambda k: (0 if u[k] > 0 else 1, k))  # u_k > 0 first
    top = 1.0 if units == 1 else 0.5 * (units - 1)
    heights = {k: top - slot for slot, k in enumerate(order)}

    fig: Figure | SubFigure
    if ax is None:
        per_unit = 0.5 if edge_labels else 0.3  # labelled edges need room for a 10.5 pt line each
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, max(3.4, per_unit * units + 1.8)))
    else:
        fig = ax.figure
    ax.set_axis_off()
    for k in range(units):
        y = heights[k]
        style_in, style_out = (_KEPT if first[k] else _PRUNED), (_KEPT if second[k] else _PRUNED)
        ax.plot([0, 1], [0, y], **style_in)
        ax.plot([1, 2], [y, 0], **style_out)
        if edge_labels:
            ax.text(0.62, 0.62 * y, f"{float(u[k]):+.2f}", ha="right", va="bottom", color="#333333")
            ax.text(1.38, 0.62 * y, f"{float(v[k]):+.2f}", ha="left", va="bottom", color="#333333")
    hidden_y = [heights[k] for k in range(units)]
    ax.scatter([0, 2], [0, 0], **_NODE)
    colours = [COLORS["pruned"] if bool(second[k]) else "white" for k in range(units)]
    ax.scatter([1] * units, hidden_y, **{**_NODE, "facecolor": colours})
    ax.text(-0.08, 0, "$x$", ha="right", va="center", fontsize=13)
    ax.text(2.08, 0, "$g(x)$" if not pruned else "$g_S(x)$", ha="left", va="center", fontsize=13)
    positives = sum(1 for k in range(units) if u[k] > 0)
    if 0 < positives < units:
        boundary = top - positives + 0.5
        ax.axhline(boundary, xmin=0.4, xmax=0.6, color="#666666", linewidth=0.8, linestyle=":")
    ax.text(1.0, top + 0.8, "$u_k > 0$: fire for $x > 0$", ha="center", va="bottom")
    ax.text(1.0, top - units + 0.2, "$u_k < 0$: fire for $x < 0$", ha="center", va="top")
    ax.set_xlim(-0.4, 2.6)
    ax.set_ylim(top - units - 0.6, top + 1.6)
    if title is None:
        if weight_gadget is not None:
            negative_error = weight_gadget.negative_error
            error = (
                float(torch.maximum(weight_gadget.positive_error[index], negative_error[index]))
                if negative_error is not None
                else float(weight_gadget.positive_error[index])
            )
            title = (
                f"Gadget pruned to w = {float(weight_gadget.w[index]):+.3f}:\n"
                f"{int(second.sum())} of {units} units kept, error {error:.1e}"
            )
        else:
            title = f"Random gadget: {units} hidden units, nothing pruned yet"
    ax.set_title(title)
    if pruned:
        ax.legend(handles=_legend_handles(), loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2)
    return fig


@readable
def draw_construction(
    pruned: PrunedNetwork,
    target_weights,
    *,
    axes: tuple[plt.Axes, plt.Axes] | None = None,
    max_edges: int = 5000,
) -> Figure | SubFigure:
    """Draw a tiny target network (top) and the pruned random network of Theorem 1 (below it).

    Top: the target f with widths (d_0, …, d_l); edge width grows with ``|W_ij|``, solid for
    positive and dashed for negative weights. Below: the random network, columns d_0, m_1, d_1,
    m_2, …, d_l; every random edge is drawn thin and grey, the edges the masks keep thick and
    red. Hidden units are grouped by block (block j sees input j); a dotted tick separates
    the blocks.

    Args:
        pruned: a :class:`lthbook.construction.PrunedNetwork` of a small network.
        target_weights: W_1, …, W_l it was pruned to.
        axes: two axes to draw on (target, random network); None makes a new figure,
            :data:`lthbook.plotting.FIGURE_WIDTH_IN` inches wide with the two panels stacked and
            no text under 10.5 points, readable in the book's column and on a phone.
        max_edges: refuse (ValueError) to draw more random edges than this.

    Returns:
        The figure.
    """
    if not isinstance(pruned, PrunedNetwork):
        raise TypeError(f"pruned must be a PrunedNetwork; got {type(pruned).__name__}")
    network = pruned.network
    targets, _ = check_target_weights(
        target_weights,
        network.widths,
        network.device,
        shape_context=" to match the random network",
        norm_hint="divide by the norm with normalize_to_class",
    )
    targets = [w.cpu() for w in targets]
    max_edges = check_int("max_edges", max_edges, low=1)
    if network.num_parameters > max_edges:
        raise ValueError(
            f"the random network has {network.num_parameters} edges, more than max_edges = {max_edges}; "
            "draw a smaller network (e.g. widths (2, 2, 1) and n = 3)"
        )
    fig: Figure | SubFigure
    if axes is None:
        fig, axes = plt.subplots(2, 1, figsize=(FIGURE_WIDTH_IN, 7.6), gridspec_kw={"height_ratios": [1, 1.7]})
    else:
        fig = axes[0].figure
    left, right = axes

    # The target.
    left.set_axis_off()
    columns = [_column(d) for d in network.widths]
    for i, weight in enumerate(targets):
        for r in range(weight.shape[0]):
            for c in range(weight.shape[1]):
                value = float(weight[r, c])
                left.plot(
                    [i, i + 1],
                    [columns[i][c], columns[i + 1][r]],
                    color=COLORS["target"],
                    linewidth=0.6 + 3.0 * abs(value),
                    linestyle="-" if value >= 0 else "--",
                    zorder=1,
                )
    for i, ys in enumerate(columns):
        left.scatter([i] * len(ys), ys, **_NODE)
    left.set_title(f"Target f: widths {network.widths}")
    left.text(
        0.5 * (len(columns) - 1),
        -0.06,
        "solid: $W_{ij} > 0$, dashed: $W_{ij} < 0$",
        ha="center",
        va="top",
        color="#444444",
    )
    left.set_xlim(-0.3, len(columns) - 0.7)
    left.set_ylim(-0.08, 1.08)

    # The random network and its ticket.
    right.set_axis_off()
    sizes = [network.widths[0]]
    for m, d in zip(network.hidden_widths, network.widths[1:]):
        sizes += [m, d]
    columns = [_column(size) for size in sizes]
    masks = [mask.cpu() for mask in pruned.masks]
    for layer, mask in enumerate(masks):
        x0, x1 = layer, layer + 1
        for r in range(mask.shape[0]):
            for c in range(mask.shape[1]):
                style = _KEPT if mask[r, c] else _PRUNED
                right.plot([x0, x1], [columns[layer][c], columns[layer + 1][r]], **style)
    for layer, block in enumerate(network.block_sizes):
        hidden = columns[2 * layer + 1]
        for j in range(1, network.widths[layer]):
            y = 0.5 * (hidden[j * block - 1] + hidden[j * block])
            right.plot(
                [2 * layer + 0.85, 2 * layer + 1.15], [y, y], color="#666666", linewidth=0.8, linestyle=":", zorder=5
            )
    for i, ys in enumerate(columns):
        kept = None
        if 0 < i < len(columns) - 1 and i % 2 == 1:  # a hidden column: fill the units the ticket uses
            kept = masks[i].any(dim=0).tolist()
        colours = [COLORS["pruned"] if kept and kept[k] else "white" for k in range(len(ys))]
        right.scatter([i] * len(ys), ys, **{**_NODE, "s": 40, "facecolor": colours})
    labels = ["x"] + [f"$M_{{{k}}}$" for k in range(1, len(masks) + 1)]
    for layer in range(len(masks)):
        right.text(layer + 0.5, 1.06, labels[layer + 1], ha="center", va="bottom", color="#444444")
    kept_total, total = sum(pruned.kept_counts()), network.num_parameters
    right.set_title(f"Random network, n = {network.n}:\n{kept_total} of {total} edges kept")
    right.set_xlim(-0.3, len(columns) - 0.7)
    right.set_ylim(-0.08, 1.14)
    right.legend(handles=_legend_handles(), loc="lower center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    return fig


def _column(size: int) -> list[float]:
    """Heights in [0, 1] of ``size`` nodes, top to bottom (a single node at 0.5)."""
    if size == 1:
        return [0.5]
    return [1.0 - k / (size - 1) for k in range(size)]
