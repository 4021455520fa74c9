"""Tests of lthbook.widgets: the SubsetSum explorer and its static figure."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lthbook import subset_sum, widgets  # noqa: E402
from lthbook.plotting import COLORS  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _controls(explorer):
    """The explorer's controls by description, and its picture."""
    rows, picture = explorer.children[:2], explorer.children[2]
    controls = {control.description: control for row in rows for control in row.children}
    return controls, picture


# ----------------------------------------------------------------------------- the instance


@pytest.mark.parametrize("law", subset_sum.COEFFICIENT_LAWS)
@pytest.mark.parametrize("n", [1, 3, 9])
def test_instance_matches_exhaustive_enumeration(n, law):
    instance = widgets.subset_sum_instance(n=n, law=law, target=-0.2, seed=3)
    x = instance.coefficients
    assert x.shape == (n,) and x.dtype == np.float64
    expected = torch.Generator().manual_seed(3)
    assert np.array_equal(x, subset_sum.sample_coefficients(1, n, law, generator=expected, device="cpu")[0].numpy())
    every_sum = sorted(sum(x[i] for i in range(n) if bits[i]) for bits in itertools.product([0, 1], repeat=n))
    assert np.allclose(instance.sums, every_sum, rtol=0, atol=1e-12)
    assert np.all(np.diff(instance.sums) >= 0)
    assert instance.mask.shape == (n,) and instance.mask.dtype == bool
    assert instance.value == pytest.approx(x[instance.mask].sum(), abs=1e-12)
    assert instance.error == pytest.approx(min(abs(-0.2 - s) for s in every_sum), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_worst_target_attains_the_worst_case_error(seed):
    instance = widgets.subset_sum_instance(n=7, law="product", target=0.0, seed=seed)
    z = instance.worst_target
    assert -1.0 <= z <= 1.0
    assert np.min(np.abs(instance.sums - z)) == pytest.approx(instance.worst_case_error, abs=1e-12)
    assert instance.worst_case_error == pytest.approx(
        float(subset_sum.worst_case_error(instance.coefficients, device="cpu")), abs=0
    )
    a, b = instance.worst_gap
    assert a <= z <= b
    # No sum lies strictly inside the highlighted gap.
    assert not np.any((instance.sums > a) & (instance.sums < b))


def test_worst_target_at_an_end_when_sums_stop_short():
    sums = np.array([-0.25, 0.0, 0.5])
    z, gap = widgets._worst_target(sums, -1.0, 1.0)
    assert z == -1.0 and gap == (-1.0, -0.25)


# ----------------------------------------------------------------------------- the figure


@pytest.mark.parametrize("n, law", [(4, "product"), (12, "uniform"), (16, "gaussian")])
def test_plot_has_titles_and_labelled_axes(n, law):
    fig = widgets.plot_subset_sum_instance(n=n, law=law, target=0.3, seed=0)
    assert len(fig.axes) == 3
    for ax in fig.axes:
        assert ax.get_title()
        assert ax.get_xlabel()
        assert ax.get_legend() is not None
    assert f"n = {n}" in fig.axes[0].get_title()
    assert fig.axes[2].get_ylabel()
    # The bars show the coefficients, kept ones in the "pruned" (ticket) colour.
    bars = fig.axes[2].patches
    instance = widgets.subset_sum_instance(n=n, law=law, target=0.3, seed=0)
    assert [bar.get_height() for bar in bars] == pytest.approx(list(instance.coefficients))
    kept_colour = matplotlib.colors.to_rgba(COLORS["pruned"])
    assert [bar.get_facecolor() == kept_colour for bar in bars] == list(instance.mask)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(n=0), ValueError),
        (dict(n=widgets.MAX_EXPLORER_N + 1), ValueError),
        (dict(n=3.0), TypeError),
        (dict(law="cauchy"), ValueError),
        (dict(target=1.5), ValueError),
        (dict(target=float("nan")), ValueError),
        (dict(target="0.3"), TypeError),
        (dict(seed=-1), ValueError),
    ],
)
def test_bad_arguments_raise(kwargs, error):
    for function in (widgets.subset_sum_instance, widgets.plot_subset_sum_instance, widgets.subset_sum_explorer):
        with pytest.raises(error, match=next(iter(kwargs))):
            function(**kwargs)


# ----------------------------------------------------------------------------- the explorer


def test_explorer_builds_with_the_given_values():
    explorer = widgets.subset_sum_explorer(n=6, law="gaussian", target=-0.4, seed=5)
    controls, picture = _controls(explorer)
    assert {name: control.value for name, control in controls.items()} == {
        "n": 6,
        "law": "gaussian",
        "target z": -0.4,
        "seed": 5,
    }
    assert picture.format == "png" and bytes(picture.value).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("name, value", [("n", 9), ("law", "product"), ("target z", 0.75), ("seed", 7)])
def test_changing_a_control_redraws(name, value):
    explorer = widgets.subset_sum_explorer()
    controls, picture = _controls(explorer)
    before = bytes(picture.value)
    figures_before = plt.get_fignums()
    controls[name].value = value
    after = bytes(picture.value)
    assert after.startswith(PNG_SIGNATURE)
    assert after != before
    assert plt.get_fignums() == figures_before  # the redraw closes its figure
