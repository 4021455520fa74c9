"""Tests for lthbook.atlas: the entries as data, the table, the width factors and their figure."""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib
import pytest

from lthbook import atlas, construction, plotting, shallow_construction

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
ISSUE_PAPERS = {  # the ten results the atlas must hold, by bibliography key
    "malach2020proving",
    "pensia2020optimal",
    "orseau2020logarithmic",
    "burkholz2022most",
    "dacunha2022proving",
    "burkholz2022universal",
    "ferbach2023general",
    "gadhikar2023random",
    "sreenivasan2022finding",
    "natale2024sparsity",
}


def test_the_atlas_holds_the_ten_results_once_each_with_a_bibliography_entry():
    keys = [e.key for e in atlas.ATLAS]
    assert len(keys) == len(set(keys)) == 10
    assert set(keys) == ISSUE_PAPERS
    bib = (ROOT / "references.bib").read_text()
    cited = set(re.findall(r"^@\w+\{(\w+),", bib, flags=re.MULTILINE))
    assert ISSUE_PAPERS <= cited
    years = [int(re.search(r"(\d{4})", e.venue).group(1)) for e in atlas.ATLAS]
    assert years == sorted(years)


def test_every_entry_names_its_level_and_a_source():
    for e in atlas.ATLAS:
        assert e.verification in atlas.VERIFICATION_LEVELS
        assert e.source and all(s.strip() for s in e.source)
        for text in (e.network_class, e.width, e.depth, e.law, e.notes, e.title):
            assert text.strip()
    # Only what the book implements is marked reproduced; nothing is claimed read that was not.
    reproduced = {e.key for e in atlas.ATLAS if e.verification == "reproduced here"}
    assert reproduced == {"pensia2020optimal", "burkholz2022most"}
    assert not [e for e in atlas.ATLAS if e.verification == "theorem read"]
    # An abstract-only entry cites a page outside the book.
    for e in atlas.ATLAS:
        if e.verification == "abstract only":
            assert any(s.startswith("https://") for s in e.source), e.key


def test_verification_column_and_entry_lookup():
    column = atlas.verification_column()
    assert column[0] == ("Malach et al. 2020", "abstract only")
    assert [short for short, _ in column] == [e.short for e in atlas.ATLAS]
    assert atlas.entry("burkholz2022most").depth == "l + 1"
    with pytest.raises(ValueError, match="key must be one of"):
        atlas.entry("frankle2019lottery")


def test_table_renders_every_entry_as_html_and_text():
    table = atlas.atlas_table()
    page = table._repr_html_()
    assert page.count("<tr>") == 11  # header + ten rows
    assert "table-layout:fixed" in page and "overflow-wrap:anywhere" in page  # fits a phone
    for e in atlas.ATLAS:
        assert e.short in page and e.verification in page and e.short in str(table)
    assert "AtlasTable(10 entries" in repr(table)


def test_width_factors_are_the_package_s_sizing_rules():
    eps = [0.1, 0.01, 0.001]
    factors = atlas.width_factors(eps, d=6, depth=2, delta=0.1, constant=3.0)
    assert set(factors) == set(atlas.RATED)
    widths = (6, 6, 6)
    for k, e in enumerate(eps):
        assert factors["pensia2020optimal"][k] == construction.width_factor(e, 0.1, constant=3.0, widths=widths)
        assert factors["burkholz2022most"][k] == 2 * shallow_construction.shallow_size(e, 0.1, widths, 3.0).n
        assert factors["malach2020proving"][k] == pytest.approx(6**4 * 4 / e**2 * math.log(12 / 0.1))
    # Logarithmic against polynomial: from eps = 0.1 to 0.001 Malach's order grows 10^4-fold,
    # the two logarithmic rules by less than a factor 2.
    for key in ("pensia2020optimal", "burkholz2022most"):
        assert factors[key][-1] / factors[key][0] < 2
    assert factors["malach2020proving"][-1] / factors["malach2020proving"][0] == pytest.approx(1e4)
    # The depth l + 1 construction is wider than Theorem 1's at the same (eps, delta).
    assert (factors["burkholz2022most"] > factors["pensia2020optimal"]).all()


def test_width_factors_default_constant_is_the_measured_one():
    default = atlas.width_factors([0.05], d=4, depth=2, delta=0.1)
    explicit = atlas.width_factors([0.05], d=4, depth=2, delta=0.1, constant=construction.MEASURED_CONSTANT)
    for key in atlas.RATED:
        assert default[key][0] == explicit[key][0]


def test_plot_width_factors_draws_one_line_per_rated_entry_readably():
    fig = atlas.plot_width_factors([0.1, 0.01], d=4, depth=2, delta=0.1, constant=2.0)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == len(atlas.RATED)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "log scale" in ax.get_xlabel() and ax.get_title()
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == len(atlas.RATED)
    assert fig.get_size_inches()[0] == pytest.approx(plotting.FIGURE_WIDTH_IN)
    assert plotting.smallest_text_px(fig, plotting.COLUMN_PX) >= plotting.MIN_TEXT_PX
    assert plotting.smallest_text_px(fig, plotting.PHONE_COLUMN_PX) >= plotting.MIN_TEXT_PX
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"eps_values": []}, TypeError, "eps_values"),
        ({"eps_values": "0.1"}, TypeError, "eps_values"),
        ({"eps_values": [0.0]}, ValueError, "eps_values"),
        ({"eps_values": [1.5]}, ValueError, "eps_values"),
        ({"d": 0}, ValueError, "d must"),
        ({"depth": 0}, ValueError, "depth"),
        ({"delta": 1.0}, ValueError, "delta"),
        ({"constant": -1.0}, ValueError, "constant"),
    ],
)
def test_width_factors_refuse_bad_input(kwargs, error, name):
    arguments = {"eps_values": [0.1], "d": 4, "depth": 2, "delta": 0.1} | kwargs
    eps_values = arguments.pop("eps_values")
    with pytest.raises(error, match=name):
        atlas.width_factors(eps_values, **arguments)
