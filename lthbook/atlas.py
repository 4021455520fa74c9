"""An atlas of the strong-lottery-ticket bounds since 2020, as data, with how far the book checked each.

Chapter 7 (``chapters/07_beyond.ipynb``) renders the table and the figure.

The rule of this module: **it states of another paper only what a source that was actually
read says**, and names that source. Each entry's :attr:`AtlasEntry.verification` is one of
:data:`VERIFICATION_LEVELS`:

* ``"reproduced here"``: the book implements the construction, prunes random networks with it
  and certifies the result (chapters 2–5 for Pensia et al., :mod:`lthbook.shallow_construction`
  for the depth l + 1 construction as the book reconstructs it);
* ``"theorem read"``: the theorem's statement was read in the paper (no entry has this level
  at present: the theorems of the papers below were not available to read when the atlas was
  written, so nothing here is marked read that was not);
* ``"abstract only"``: only the abstract (or the proceedings page) was read; the claim columns
  then quote or closely paraphrase it, and what the abstract does not say is written
  ``"not stated in the abstract"``.

Where a column comes from somewhere else (another paper's summary, the book's own reading, a
third-party summary), :attr:`AtlasEntry.notes` says so. The sources are the pages listed in
:attr:`AtlasEntry.source`, read in December 2026.

The atlas's contents
--------------------
* :data:`ATLAS` — the ten entries, by year of publication.
* :func:`atlas_table` — the table as an object that Jupyter shows as HTML (three columns that
  wrap, readable on a phone) and ``print`` shows as text.
* :func:`verification_column` — (paper, verification) pairs, for a closing note.
* :func:`width_factors` — the width factors against ε at fixed d, l, δ for the entries with an
  explicit rate, and :func:`plot_width_factors`, their figure.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import construction, shallow_construction
from ._validation import check_float, check_int
from .plotting import COLORS, FIGURE_WIDTH_IN, readable

__all__ = [
    "AtlasEntry",
    "ATLAS",
    "VERIFICATION_LEVELS",
    "RATED",
    "AtlasTable",
    "atlas_table",
    "verification_column",
    "entry",
    "width_factors",
    "plot_width_factors",
]

#: How far the book checked a claim, strongest first (module docstring).
VERIFICATION_LEVELS = ("reproduced here", "theorem read", "abstract only")


@dataclass(frozen=True)
class AtlasEntry:
    """One over-parameterisation result.

    Attributes:
        key: its key in the book's ``references.bib``.
        short: a short name (first author, year).
        title: the paper's title.
        venue: where it appeared.
        network_class: the networks it is about.
        width: what it claims about the random network's width (or size).
        depth: what it claims about the random network's depth.
        law: the law of the random weights.
        verification: one of :data:`VERIFICATION_LEVELS`.
        source: the pages read, as URLs or book locations.
        notes: where a column comes from if not from the source, and what the book checked.
    """

    key: str
    short: str
    title: str
    venue: str
    network_class: str
    width: str
    depth: str
    law: str
    verification: str
    source: tuple[str, ...]
    notes: str


_NOT_STATED = "not stated in the abstract"

#: The atlas, by year of publication.
ATLAS: tuple[AtlasEntry, ...] = (
    AtlasEntry(
        key="malach2020proving",
        short="Malach et al. 2020",
        title="Proving the Lottery Ticket Hypothesis: Pruning is All You Need",
        venue="ICML 2020",
        network_class="ReLU networks with bounded weights, for every bounded input distribution",
        width="polynomial: a factor O(d⁴l²) wider than the target (as Pensia et al.'s abstract states it)",
        depth="2l (twice the target's, as Pensia et al.'s abstract states it)",
        law=_NOT_STATED + ' ("random weights")',
        verification="abstract only",
        source=(
            "https://arxiv.org/abs/2002.00585 (abstract)",
            "https://arxiv.org/abs/2006.07990 (Pensia et al.'s abstract, which summarises it)",
        ),
        notes=(
            "Width and depth as cited by Pensia et al. The figure's curve d⁴l²/ε²·ln(dl/δ) is the "
            "book's reading of the dependence on ε and δ (construction.malach_width_factor), with "
            "constants set to 1: an order of growth, not a quoted formula."
        ),
    ),
    AtlasEntry(
        key="pensia2020optimal",
        short="Pensia et al. 2020",
        title="Optimal Lottery Tickets via SubsetSum: Logarithmic Over-Parameterization is Sufficient",
        venue="NeurIPS 2020",
        network_class="bias-free ReLU networks, ‖W_i‖₂ ≤ 1, on the unit ball",
        width="a factor 2n = O(log(d l / min(ε, δ))) wider",
        depth="2l",
        law="i.i.d. U[−1, 1]",
        verification="reproduced here",
        source=("chapters 2–5 of this book (lthbook.construction, lthbook.lower_bound)",),
        notes=(
            "Theorem 1 as the book states and proves it, with the SubsetSum constant C measured "
            "in chapter 2; the Ω(log(1/ε)) lower bound for depth 2 is chapter 5's."
        ),
    ),
    AtlasEntry(
        key="orseau2020logarithmic",
        short="Orseau et al. 2020",
        title="Logarithmic Pruning is All You Need",
        venue="NeurIPS 2020",
        network_class=_NOT_STATED + ' (it removes "the most limiting assumptions" of Malach et al.)',
        width=(
            '"a logarithmic factor (in all variables but depth) number of neurons per weight of the target subnetwork"'
        ),
        depth=_NOT_STATED,
        law="hyperbolic, density ∝ 1/|x| (not in the abstract: see notes)",
        verification="abstract only",
        source=("https://papers.nips.cc/paper/2020/hash/1e9491470749d5b0e361ce4f0b24d037-Abstract.html",),
        notes=(
            "The law is named as a third-party summary of the paper (liner.com) describes it; "
            "its range and constants were not read. Chapter 7 measures the book's own version, "
            "density ∝ 1/|x| on [10⁻³, 1] (lthbook.subset_sum.HYPERBOLIC)."
        ),
    ),
    AtlasEntry(
        key="dacunha2022proving",
        short="da Cunha et al. 2022",
        title="Proving the Lottery Ticket Hypothesis for Convolutional Neural Networks",
        venue="ICLR 2022",
        network_class="convolutional networks (CNNs)",
        width='"a random CNN whose size is larger by a logarithmic factor"',
        depth=_NOT_STATED,
        law=_NOT_STATED,
        verification="abstract only",
        source=("https://openreview.net/forum?id=Vjki79-619-",),
        notes='Holds "with high probability" (abstract).',
    ),
    AtlasEntry(
        key="burkholz2022universal",
        short="Burkholz et al. 2022",
        title="On the Existence of Universal Lottery Tickets",
        venue="ICLR 2022",
        network_class="universal tickets: one subnetwork for a family of tasks",
        width=_NOT_STATED,
        depth=_NOT_STATED + ' ("a strategy to leverage higher amounts of depth")',
        law=_NOT_STATED,
        verification="abstract only",
        source=("https://iclr.cc/virtual/2022/poster/6834 (abstract)",),
        notes=(
            "Universal tickets exist and need no further training; the proofs extend subset-sum "
            "results (abstract). No explicit rate read, so no curve in the figure."
        ),
    ),
    AtlasEntry(
        key="sreenivasan2022finding",
        short="Sreenivasan et al. 2022",
        title="Finding Nearly Everything within Random Binary Networks",
        venue="AISTATS 2022",
        network_class="targets of width d and depth l, approximated to any accuracy ε",
        width="a polylogarithmic factor of d, l and ε wider",
        depth="a polylogarithmic factor of d, l and ε deeper",
        law="binary weights ±1",
        verification="abstract only",
        source=("https://proceedings.mlr.press/v151/sreenivasan22a.html",),
        notes='"The amplitude of those random weights does not even matter" (abstract). Exponents not read.',
    ),
    AtlasEntry(
        key="burkholz2022most",
        short="Burkholz 2022",
        title="Most Activation Functions Can Win the Lottery Without Excessive Depth",
        venue="NeurIPS 2022",
        network_class="a large class of activation functions, not only ReLU (abstract); here bias-free ReLU",
        width=(
            "logarithmic over-parameterisation (abstract); here 2n univariate units per input, ρ = n copies per neuron"
        ),
        depth="l + 1",
        law=_NOT_STATED + "; here i.i.d. U[−1, 1]",
        verification="reproduced here",
        source=(
            "https://proceedings.neurips.cc/paper_files/paper/2022/hash/76bf7786d311217077bc8bb021946cd9-Abstract-Conference.html",
            "RelationalML/LT-existence, as lthbook.shallow_construction records it",
        ),
        notes=(
            "Reproduced is the book's reconstruction (lthbook.shallow_construction), certified; "
            "her theorem and its constants were not read, and the module lists where the book's "
            "version differs from her code."
        ),
    ),
    AtlasEntry(
        key="ferbach2023general",
        short="Ferbach et al. 2023",
        title="A General Framework for Proving the Equivariant Strong Lottery Ticket Hypothesis",
        venue="ICLR 2023",
        network_class="G-equivariant networks: MLPs, CNNs, E(2)-steerable CNNs, permutation-equivariant networks",
        width="an over-parameterisation scheme proved optimal as a function of the error tolerance",
        depth=_NOT_STATED + ' (targets "of fixed width and depth")',
        law=_NOT_STATED,
        verification="abstract only",
        source=("https://arxiv.org/abs/2206.04270 (abstract)",),
        notes="Also a lower bound on the number of effective parameters (abstract). No explicit rate read.",
    ),
    AtlasEntry(
        key="gadhikar2023random",
        short="Gadhikar et al. 2023",
        title="Why Random Pruning Is All We Need to Start Sparse",
        venue="ICML 2023",
        network_class="randomly masked (sparse) source networks",
        width='"wider by a logarithmic factor in the inverse sparsity" (abstract)',
        depth=_NOT_STATED + ' (the factor is necessary "at least for 3-layer random networks")',
        law=_NOT_STATED,
        verification="abstract only",
        source=("https://ICML.cc/virtual/2023/poster/24666 (abstract)",),
        notes="Random sparse sources also contain strong lottery tickets (abstract).",
    ),
    AtlasEntry(
        key="natale2024sparsity",
        short="Natale et al. 2024",
        title="On the Sparsity of the Strong Lottery Ticket Hypothesis",
        venue="NeurIPS 2024",
        network_class="dense and equivariant networks, with guarantees on the ticket's sparsity",
        width=_NOT_STATED + '; rests on an "essentially tight" bound for fixed-size random SubsetSum',
        depth=_NOT_STATED,
        law=_NOT_STATED,
        verification="abstract only",
        source=("https://arxiv.org/abs/2410.14754 (abstract)",),
        notes=(
            "The book measures the trade-off the paper is about with its own exact size-limited "
            "solver (lthbook.fixed_size_subset_sum, chapter 7); the paper's bound was not read."
        ),
    ),
)

# Entries with an explicit rate the book can draw, and how (see width_factors).
#: Keys of the entries :func:`width_factors` draws.
RATED = ("malach2020proving", "pensia2020optimal", "burkholz2022most")


def entry(key: str) -> AtlasEntry:
    """The entry with this bibliography key (ValueError naming the keys if there is none).

    Examples:
        >>> entry("burkholz2022most").depth
        'l + 1'
    """
    for item in ATLAS:
        if item.key == key:
            return item
    raise ValueError(f"key must be one of {', '.join(repr(e.key) for e in ATLAS)}; got {key!r}")


def verification_column() -> list[tuple[str, str]]:
    """(short name, verification) for every entry, in the atlas's order.

    Examples:
        >>> verification_column()[1]
        ('Pensia et al. 2020', 'reproduced here')
    """
    return [(e.short, e.verification) for e in ATLAS]


@dataclass(frozen=True)
class AtlasTable:
    """The atlas as a table: HTML in Jupyter (``_repr_html_``), text with ``print``."""

    entries: tuple[AtlasEntry, ...]

    def __str__(self) -> str:
        lines = []
        for e in self.entries:
            lines.append(f"{e.short} ({e.venue}) — {e.verification}")
            lines.append(f"  class: {e.network_class}")
            lines.append(f"  width: {e.width}; depth: {e.depth}; law: {e.law}")
            lines.append(f"  source: {'; '.join(e.source)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"AtlasTable({len(self.entries)} entries: " + ", ".join(e.short for e in self.entries) + ")"

    def _repr_html_(self) -> str:
        """Three wrapping columns (paper, claim, verified) that fit a 390 px phone screen."""
        esc = html.escape
        cell = "padding:4px 6px;vertical-align:top;text-align:left;border-top:1px solid #ccc;"
        rows = []
        for e in self.entries:
            claim = (
                f"<b>class</b>: {esc(e.network_class)}<br><b>width</b>: {esc(e.width)}<br>"
                f"<b>depth</b>: {esc(e.depth)}<br><b>law</b>: {esc(e.law)}"
            )
            sources = "<br>".join(esc(s) for s in e.source)
            rows.append(
                f'<tr><td style="{cell}"><b>{esc(e.short)}</b><br>{esc(e.venue)}<br><i>{esc(e.title)}</i></td>'
                f'<td style="{cell}">{claim}</td>'
                f'<td style="{cell}"><b>{esc(e.verification)}</b><br>{esc(e.notes)}'
                f'<br><span style="color:#555">source: {sources}</span></td></tr>'
            )
        head = "padding:4px 6px;text-align:left;"
        return (
            '<table class="lthbook-atlas" style="table-layout:fixed;width:100%;border-collapse:collapse;'
            'font-size:0.8em;line-height:1.35;overflow-wrap:anywhere;word-break:break-word;">'
            '<colgroup><col style="width:27%"><col style="width:40%"><col style="width:33%"></colgroup>'
            f'<thead><tr><th style="{head}">paper</th><th style="{head}">claim</th>'
            f'<th style="{head}">verified here</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
        )


def atlas_table() -> AtlasTable:
    """The atlas as a table that a notebook shows as HTML (chapter 7).

    Examples:
        >>> table = atlas_table()
        >>> len(table.entries), "<table" in table._repr_html_()
        (10, True)
    """
    return AtlasTable(ATLAS)


def width_factors(
    eps_values: Sequence[float],
    *,
    d: int,
    depth: int,
    delta: float,
    constant: float | None = None,
) -> dict[str, np.ndarray]:
    """Width factors (random width / target width) against ε at fixed d, l, δ, for :data:`RATED`.

    * ``"pensia2020optimal"``: 2n of Theorem 1 (:func:`lthbook.construction.width_factor`, all
      widths d, depth l, with the measured constant C unless ``constant`` is given).
    * ``"burkholz2022most"``: the book's depth l + 1 construction, whose widest layer has 2n
      univariate units per input (:func:`lthbook.shallow_construction.shallow_size`): 2n.
    * ``"malach2020proving"``: d⁴l²/ε² · ln(dl/δ), an order of growth with constants 1
      (:func:`lthbook.construction.malach_width_factor`; the book's reading, see the entry's notes).

    Args:
        eps_values: ε values in (0, 1], at least one.
        d: the target's width, every layer (≥ 1).
        depth: l ≥ 1.
        delta: δ ∈ (0, 1).
        constant: the SubsetSum constant C > 0 of both sizing rules; None =
            :data:`lthbook.construction.MEASURED_CONSTANT`.

    Returns:
        A dict from each key of :data:`RATED` to a float64 array, one factor per ε.

    Examples:
        >>> f = width_factors([0.1, 0.01], d=4, depth=2, delta=0.1, constant=2.0)
        >>> bool(f["pensia2020optimal"][1] > f["pensia2020optimal"][0])
        True
    """
    if isinstance(eps_values, (str, bytes)) or not isinstance(eps_values, Sequence) or len(eps_values) == 0:
        raise TypeError("eps_values must be a non-empty sequence of numbers in (0, 1]")
    grid = [
        check_float(f"eps_values[{i}]", e, low=0.0, high=1.0, low_inclusive=False) for i, e in enumerate(eps_values)
    ]
    d = check_int("d", d, low=1)
    depth = check_int("depth", depth, low=1)
    delta = check_float("delta", delta, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    if constant is not None:
        constant = check_float("constant", constant, low=0.0, low_inclusive=False)
    widths = (d,) * (depth + 1)
    pensia = [construction.width_factor(eps, delta, constant=constant, widths=widths) for eps in grid]
    shallow = [2 * shallow_construction.shallow_size(eps, delta, widths, constant).n for eps in grid]
    malach = [construction.malach_width_factor(eps, delta, d, depth) for eps in grid]
    return {
        "malach2020proving": np.array(malach, dtype=np.float64),
        "pensia2020optimal": np.array(pensia, dtype=np.float64),
        "burkholz2022most": np.array(shallow, dtype=np.float64),
    }


@readable
def plot_width_factors(
    eps_values: Sequence[float],
    *,
    d: int,
    depth: int,
    delta: float,
    constant: float | None = None,
) -> plt.Figure:
    """Figure of :func:`width_factors` against 1/ε (log–log), readable on a desktop and a phone.

    One line per rated entry, labelled with its verification level, the legend below the plot;
    :data:`lthbook.plotting.FIGURE_WIDTH_IN` inches wide with the book's readable font sizes
    (:func:`lthbook.plotting.readable`: no text under 10.5 pt, so at least 9 px when the image is
    shown at a phone's :data:`lthbook.plotting.PHONE_COLUMN_PX`).

    Args:
        eps_values, d, depth, delta, constant: as for :func:`width_factors`.

    Returns:
        The figure.
    """
    factors = width_factors(eps_values, d=d, depth=depth, delta=delta, constant=constant)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.2))
    inverse = 1.0 / np.asarray(eps_values, dtype=np.float64)
    styles: dict[str, dict[str, Any]] = {
        "malach2020proving": {"color": COLORS["theory"], "linestyle": "--", "marker": ""},
        "pensia2020optimal": {"color": COLORS["target"], "linestyle": "-", "marker": "o"},
        "burkholz2022most": {"color": COLORS["pruned"], "linestyle": "-", "marker": "s"},
    }
    for key in RATED:
        e = entry(key)
        label = f"{e.short}, depth {e.depth} ({e.verification})"
        if key == "malach2020proving":
            label = f"{e.short}, order d⁴l²/ε² (book's reading)"
        ax.plot(inverse, factors[key], label=label, markersize=4, linewidth=1.8, **styles[key])
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="1/ε (log scale)",
        ylabel="width factor (log scale)",
        title=f"Width factors, d = {d}, l = {depth}, δ = {delta:g}",
    )
    ax.grid(True, which="major", alpha=0.3)
    fig.legend(loc="outside lower center", ncol=1)
    return fig
