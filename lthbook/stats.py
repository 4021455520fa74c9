"""Small statistics helpers shared by the chapters: a binomial interval, a bootstrap, a fitted slope.

Every chapter that turns draws into a claim needs the same three tools, and each is easy to get
subtly wrong, so they live here once:

* :func:`wilson_interval` — the Wilson score interval for a probability estimated from
  ``successes`` out of ``trials`` (chapter 2's success rates, chapter 4's failure rates). It
  behaves well at 0 and ``trials`` successes, where the textbook interval p ± z·√(p(1−p)/N)
  collapses to a point.
* :func:`bootstrap_interval` — the percentile bootstrap: resample the draws with replacement,
  recompute the statistic, take quantiles (chapter 2's slopes and constant C).
* :func:`fitted_line` and :func:`fitted_slope` — the least-squares line through points, on a
  log₂ scale when asked (chapters 2 and 3: halvings of an error per extra coefficient).
* :class:`Table` — a table of measured values that a notebook shows as an HTML table (the
  book's pages, Jupyter, Colab) and prints as aligned text (chapters 2 and 3).

Inputs may be NumPy arrays, lists or (CPU or GPU) tensors; everything is computed in float64
with NumPy, since these are a few thousand numbers at most.
"""

from __future__ import annotations

import html
import math
import statistics
from collections.abc import Callable, Sequence

import numpy as np
import torch

from ._validation import check_float, check_int

__all__ = ["wilson_interval", "bootstrap_interval", "fitted_line", "fitted_slope", "Table"]


def wilson_interval(successes: int, trials: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a probability p, from ``successes`` out of ``trials``.

    With p̂ = successes / trials, N = trials and z the two-sided normal quantile of
    ``confidence`` (z ≈ 1.96 for 95%), the interval is::

        (p̂ + z²/(2N) ± z √(p̂(1 − p̂)/N + z²/(4N²))) / (1 + z²/N),

    the set of p that a two-sided score test at that level does not reject (Wilson, 1927).
    Unlike p̂ ± z√(p̂(1−p̂)/N) it is never empty and never leaves [0, 1]: at 0 failures in N
    trials its upper end is about z²/N, not 0. Chapter 4 uses it for per-half failure rates,
    :func:`lthbook.subset_sum.failure_rate` for its ``interval``.

    Args:
        successes: the count, an integer in [0, trials] (count failures to bound a failure rate).
        trials: N ≥ 1.
        confidence: the coverage, in (0, 1).

    Returns:
        (low, high), with 0 ≤ low ≤ p̂ ≤ high ≤ 1.

    Examples:
        >>> low, high = wilson_interval(0, 100)
        >>> low, round(high, 4)
        (0.0, 0.037)
        >>> [round(v, 4) for v in wilson_interval(50, 100)]
        [0.4038, 0.5962]
    """
    trials = check_int("trials", trials, low=1)
    successes = check_int("successes", successes, low=0, high=trials)
    confidence = check_float("confidence", confidence, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    # The exact interval contains p̂; clip the rounding at the ends (0 and trials successes).
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def bootstrap_interval(
    statistic: Callable[[np.ndarray], float],
    samples,
    *,
    axis: int = 0,
    repeats: int = 1000,
    confidence: float = 0.9,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(samples)`` over the draws along ``axis``.

    Each of ``repeats`` times, the D draws along ``axis`` are resampled with replacement (the
    same picks for every other index, so statistics that combine several rows of one draw see
    whole draws), and ``statistic`` is evaluated on the resampled array. The interval is the
    (1 − confidence)/2 and (1 + confidence)/2 quantiles of these values. It measures how much
    the statistic moves with the draws, not any bias of the statistic itself; chapter 2 uses it
    for the fitted slopes and :func:`lthbook.subset_sum.measure_constant` for the constant C.

    Args:
        statistic: a function of an array shaped like ``samples``, returning a real number.
        samples: the draws, an array-like (NumPy, list or tensor) with D ≥ 1 draws along ``axis``.
        axis: the axis that indexes the draws.
        repeats: number of resamples, ≥ 1.
        confidence: the coverage, in (0, 1).
        seed: seed of the NumPy generator that picks the resamples.

    Returns:
        (low, high).

    Examples:
        >>> draws = np.arange(100.0)
        >>> low, high = bootstrap_interval(np.mean, draws, repeats=2000, seed=1)
        >>> bool(low < 49.5 < high), bool(high - low < 20)
        (True, True)
    """
    if not callable(statistic):
        raise TypeError(f"statistic must be a function of an array; got {type(statistic).__name__}")
    data = _as_array("samples", samples)
    if data.ndim == 0:
        raise ValueError("samples must have at least one dimension (the draws)")
    axis = check_int("axis", axis, low=-data.ndim, high=data.ndim - 1)
    repeats = check_int("repeats", repeats, low=1)
    confidence = check_float("confidence", confidence, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    seed = check_int("seed", seed, low=0)
    count = data.shape[axis]
    if count == 0:
        raise ValueError(f"samples must hold at least one draw along axis {axis}; got shape {data.shape}")
    rng = np.random.default_rng(seed)
    values = np.array(
        [float(statistic(np.take(data, rng.integers(0, count, size=count), axis=axis))) for _ in range(repeats)]
    )
    low, high = np.quantile(values, [(1 - confidence) / 2, (1 + confidence) / 2])
    return float(low), float(high)


def fitted_line(x, y, *, log2_y: bool = False) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line y ≈ slope·x + intercept.

    With ``log2_y=True`` the line is fitted to log₂ y: its slope is then the number of
    doublings of y per unit of x (negative: halvings), the form chapters 2 and 3 report for
    errors that fall exponentially in n.

    Args:
        x, y: 1-D array-likes of equal length ≥ 2, finite; y > 0 when ``log2_y``; x not all equal.
        log2_y: fit log₂ y instead of y.

    Examples:
        >>> slope, intercept = fitted_line([1, 2, 3], [3, 5, 7])
        >>> round(slope, 9), round(intercept, 9)
        (2.0, 1.0)
        >>> round(fitted_slope([4, 5, 6], [1 / 16, 1 / 32, 1 / 64], log2_y=True), 9)
        -1.0
    """
    x_values = _as_array("x", x)
    y_values = _as_array("y", y)
    if x_values.ndim != 1 or y_values.shape != x_values.shape or len(x_values) < 2:
        raise ValueError(
            f"x and y must be 1-D with the same length >= 2; got shapes {x_values.shape} and {y_values.shape}"
        )
    if not (np.isfinite(x_values).all() and np.isfinite(y_values).all()):
        raise ValueError("x and y must be finite")
    if np.ptp(x_values) == 0:
        raise ValueError("x must not be all equal: a vertical line has no slope")
    if log2_y:
        if (y_values <= 0).any():
            raise ValueError("y must be > 0 when log2_y=True")
        y_values = np.log2(y_values)
    slope, intercept = np.polyfit(x_values, y_values, 1)
    return float(slope), float(intercept)


def fitted_slope(x, y, *, log2_y: bool = False) -> float:
    """The slope of :func:`fitted_line` (see there); e.g. halvings of an error per coefficient.

    Examples:
        >>> round(fitted_slope([0, 1, 2], [1, 3, 5]), 9)
        2.0
    """
    return fitted_line(x, y, log2_y=log2_y)[0]


def _as_array(name: str, value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of real numbers") from err
    return array


def _unbreakable(text: str) -> bool:
    """Whether a table cell must stay on one line: one word ("2.09e-01", "LeNet-5"), which would
    otherwise break at its hyphen or minus sign, or a number without letters ("95.8% ± 0.2").

    Examples:
        >>> [_unbreakable(t) for t in ("2.09e-01", "LeNet-5", "95.8% ± 0.2", "product law's C", "")]
        [True, True, True, False, False]
    """
    words = text.split()
    return len(words) == 1 or (len(words) > 1 and not any(c.isalpha() for c in text))


class Table:
    """A small table of results: HTML in a notebook and on the book's pages, aligned text in ``print``.

    Jupyter shows an object through its ``_repr_html_`` when it is the last expression of a
    cell, so a table is a real ``<table>``, inside a box that scrolls sideways where the table is
    wider than the column (a phone), rather than printed columns that a narrow screen cuts.
    ``str(table)`` and ``repr(table)`` give the same rows as right-aligned text, the notebook's
    plain-text output.

    Args:
        columns: the column headings, strings.
        rows: the rows, each a sequence of ``len(columns)`` values.
        formats: one format specification per column (as in ``format(value, spec)``, e.g.
            ``",d"`` or ``".2f"``), or None for ``str``; None: ``str`` for every column.
        caption: a sentence shown above the rows (may be empty).

    Examples:
        >>> table = Table(["eps", "n"], [(0.1, 11), (0.01, 19)], formats=["g", "d"], caption="n*")
        >>> print(table)
        n*
         eps   n
         0.1  11
        0.01  19
        >>> '<td class="lthbook-word">0.01</td>' in table._repr_html_()  # one word: never broken
        True
    """

    def __init__(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence],
        *,
        formats: Sequence[str | None] | None = None,
        caption: str = "",
    ) -> None:
        if isinstance(columns, str) or not all(isinstance(column, str) for column in columns) or not columns:
            raise TypeError("columns must be a non-empty sequence of strings")
        if not isinstance(caption, str):
            raise TypeError(f"caption must be a string; got {type(caption).__name__}")
        formats = [None] * len(columns) if formats is None else list(formats)
        if len(formats) != len(columns):
            raise ValueError(f"formats must have one entry per column ({len(columns)}); got {len(formats)}")
        cells = []
        for number, row in enumerate(rows):
            row = list(row)
            if len(row) != len(columns):
                raise ValueError(f"row {number} must have {len(columns)} values; got {len(row)}")
            cells.append([str(value) if spec is None else format(value, spec) for value, spec in zip(row, formats)])
        self.columns = list(columns)
        self.cells = cells
        self.caption = caption

    def __str__(self) -> str:
        widths = [max(len(text) for text in column) for column in zip(self.columns, *self.cells)]
        lines = [self.caption] if self.caption else []
        for row in [self.columns, *self.cells]:
            lines.append("  ".join(text.rjust(width) for text, width in zip(row, widths)))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(text)}</th>" for text in self.columns)
        body = "".join(
            "<tr>"
            + "".join(
                f'<td class="lthbook-word">{html.escape(text)}</td>'
                if _unbreakable(text)
                else f"<td>{html.escape(text)}</td>"
                for text in row
            )
            + "</tr>"
            for row in self.cells
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        table = f'<table class="lthbook-table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        # A table wider than a phone's column scrolls inside its own box instead of being cut.
        return f'<div class="lthbook-table-scroll" style="overflow-x: auto; max-width: 100%;">{table}</div>'
