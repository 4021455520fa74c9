"""Tests for lthbook.stats: the Wilson interval, the bootstrap interval and fitted slopes, against known values."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
import torch

from lthbook import stats


def test_wilson_interval_known_values():
    # Wilson (1927); e.g. 0 of 10: (0, 0.2775), 5 of 10: (0.2366, 0.7634), 95% (z = 1.95996).
    low, high = stats.wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.27753, abs=1e-5)
    assert stats.wilson_interval(5, 10) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    assert stats.wilson_interval(10, 10) == pytest.approx((0.72247, 1.0), abs=1e-5)
    assert stats.wilson_interval(81, 263) == pytest.approx((0.25529, 0.36621), abs=1e-5)  # by hand
    # It matches the score-test formula for other confidence levels too.
    z = statistics.NormalDist().inv_cdf(0.995)
    p, n = 0.3, 200
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert stats.wilson_interval(60, 200, confidence=0.99) == pytest.approx((centre - half, centre + half))


def test_wilson_interval_covers_at_its_level():
    # Coverage of the true p over many binomial samples is close to 95% (Wilson is near nominal).
    rng = np.random.default_rng(0)
    p, n = 0.1, 80
    counts = rng.binomial(n, p, size=4000)
    covered = np.mean([lo <= p <= hi for lo, hi in (stats.wilson_interval(int(c), n) for c in counts)])
    assert 0.93 <= covered <= 0.97


def test_bootstrap_interval_of_a_mean():
    rng = np.random.default_rng(1)
    draws = rng.normal(size=2000)
    low, high = stats.bootstrap_interval(np.mean, draws, repeats=2000, seed=2)
    # The bootstrap interval of a mean is about mean ± 1.645 σ/√N at 90%.
    half = 1.645 * draws.std() / math.sqrt(len(draws))
    assert low == pytest.approx(draws.mean() - half, abs=0.15 * half)
    assert high == pytest.approx(draws.mean() + half, abs=0.15 * half)
    # Reproducible, and resampling along axis 1 keeps whole columns (draws) together.
    assert stats.bootstrap_interval(np.mean, draws, repeats=200, seed=3) == stats.bootstrap_interval(
        np.mean, torch.from_numpy(draws), repeats=200, seed=3
    )
    paired = np.stack([draws, draws])
    low, high = stats.bootstrap_interval(lambda a: float(np.abs(a[0] - a[1]).max()), paired, axis=1, repeats=50)
    assert (low, high) == (0.0, 0.0)


def test_fitted_slope_known_values():
    assert stats.fitted_line([0, 1, 2, 3], [1, 3, 5, 7]) == pytest.approx((2.0, 1.0))
    n = np.arange(8, 17)
    assert stats.fitted_slope(n, 3 * 2.0 ** (-0.75 * n), log2_y=True) == pytest.approx(-0.75)
    # Least squares, not the end points: a symmetric bump leaves the slope unchanged.
    assert stats.fitted_slope([0, 1, 2], [0, 1, 0]) == pytest.approx(0.0)


def test_bad_input_is_refused_with_its_name():
    with pytest.raises(ValueError, match="successes"):
        stats.wilson_interval(11, 10)
    with pytest.raises(ValueError, match="trials"):
        stats.wilson_interval(0, 0)
    with pytest.raises(ValueError, match="confidence"):
        stats.wilson_interval(1, 10, confidence=1.0)
    with pytest.raises(TypeError, match="statistic"):
        stats.bootstrap_interval(3, [1.0, 2.0])
    with pytest.raises(ValueError, match="repeats"):
        stats.bootstrap_interval(np.mean, [1.0, 2.0], repeats=0)
    with pytest.raises(ValueError, match="y must be > 0"):
        stats.fitted_slope([1, 2], [1, 0], log2_y=True)
    with pytest.raises(ValueError, match="same length"):
        stats.fitted_slope([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="all equal"):
        stats.fitted_slope([1, 1], [1, 2])


def test_table_prints_aligned_columns_and_formats_each():
    table = stats.Table(
        ["eps", "n*", "C"], [(0.1, 11, 2.547), (0.005, 21, 2.43)], formats=["g", "d", ".2f"], caption="c"
    )
    assert str(table).splitlines() == ["c", "  eps  n*     C", "  0.1  11  2.55", "0.005  21  2.43"]
    assert repr(table) == str(table)


def test_table_html_is_a_real_escaped_table():
    table = stats.Table(["a<b", "n"], [("x & y", 1_000)], formats=[None, ",d"], caption="C < 5")
    html = table._repr_html_()
    assert html.startswith('<div class="lthbook-table-scroll" style="overflow-x: auto; max-width: 100%;">')
    assert '<table class="lthbook-table"><caption>C &lt; 5</caption>' in html and html.endswith("</table></div>")
    assert "<th>a&lt;b</th>" in html and '<td>x &amp; y</td><td class="lthbook-word">1,000</td>' in html
    assert html.count("<tr>") == 2
    # cells that must not break on a phone: one word, or a number with its error
    cells = stats.Table(["v"], [("-1.3e-02",), ("95.8% ± 0.2",), ("wide > linear",)])._repr_html_()
    assert '<td class="lthbook-word">-1.3e-02</td>' in cells and '<td class="lthbook-word">95.8% ± 0.2</td>' in cells
    assert "<td>wide &gt; linear</td>" in cells


@pytest.mark.parametrize(
    "args, kwargs, error",
    [
        (("ab", []), {}, TypeError),
        (([], []), {}, TypeError),
        ((["a", 1], []), {}, TypeError),
        ((["a", "b"], [(1,)]), {}, ValueError),
        ((["a"], [(1,)]), {"formats": ["d", "d"]}, ValueError),
        ((["a"], [(1,)]), {"caption": 3}, TypeError),
        ((["a"], [("x",)]), {"formats": ["d"]}, ValueError),
    ],
)
def test_table_rejects_bad_input(args, kwargs, error):
    with pytest.raises(error):
        stats.Table(*args, **kwargs)
