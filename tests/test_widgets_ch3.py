"""Tests of chapter 3's explorer in lthbook.widgets: the pruned gadget, its figure, the widget."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lthbook import gadgets, widgets  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("w, n, seed", [(0.4, 8, 0), (-0.9, 1, 3), (0.0, 10, 7)])
def test_instance_is_the_seeded_gadget_pruned_to_w(w, n, seed):
    pruned = widgets.weight_gadget_instance(w=w, n=n, seed=seed)
    random = gadgets.sample_weight_gadget(n, generator=torch.Generator().manual_seed(seed), device="cpu")
    assert torch.equal(pruned.u, random.u) and torch.equal(pruned.v, random.v)
    assert pruned.u.shape == (1, 2 * n) and pruned.u.device.type == "cpu"
    assert pruned.w.tolist() == [w]
    expected = gadgets.prune_weight_gadget(random, w)
    assert torch.equal(pruned.second_mask, expected.second_mask)
    assert torch.equal(pruned.positive_residual, expected.positive_residual)


def test_plot_shows_the_diagram_the_ticket_and_its_error():
    fig = widgets.plot_weight_gadget(w=-0.3, n=4, seed=1)
    diagram, function, error = fig.axes
    pruned = widgets.weight_gadget_instance(w=-0.3, n=4, seed=1)
    assert f"{int(pruned.kept_units[0])} of 8 units kept" in diagram.get_title()
    for ax in (function, error):
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        assert ax.get_legend() is not None
    # The error panel plots g_S(x) − w·x, whose ends are the residuals r⁺ (x = 1) and r⁻ (x = −1).
    x, difference = error.lines[0].get_data()
    assert x[0] == -1.0 and x[-1] == 1.0
    assert difference[-1] == pytest.approx(float(pruned.positive_residual[0]), abs=1e-15)
    assert difference[0] == pytest.approx(float(pruned.negative_residual[0]), abs=1e-15)
    largest = max(abs(float(pruned.positive_residual[0])), abs(float(pruned.negative_residual[0])))
    assert np.max(np.abs(difference)) == pytest.approx(largest, abs=1e-15)
    assert f"{largest:.2e}" in error.get_title()
    # The function panel: the target w·x and the pruned gadget.
    (_, target), (_, values) = function.lines[0].get_data(), function.lines[1].get_data()
    assert np.allclose(target, -0.3 * x)
    assert np.allclose(values - target, difference)


def test_edge_labels_only_for_small_gadgets():
    small = widgets.plot_weight_gadget(n=4).axes[0]
    large = widgets.plot_weight_gadget(n=5).axes[0]
    assert len(small.texts) > len(large.texts)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(w=1.5), ValueError),
        (dict(w=float("nan")), ValueError),
        (dict(w="0.3"), TypeError),
        (dict(n=0), ValueError),
        (dict(n=widgets.MAX_GADGET_EXPLORER_N + 1), ValueError),
        (dict(n=2.0), TypeError),
        (dict(seed=-1), ValueError),
    ],
)
def test_bad_arguments_raise(kwargs, error):
    for function in (widgets.weight_gadget_instance, widgets.plot_weight_gadget, widgets.weight_gadget_explorer):
        with pytest.raises(error, match=next(iter(kwargs))):
            function(**kwargs)


def _controls(explorer):
    row, picture = explorer.children
    return {control.description: control for control in row.children}, picture


def test_explorer_builds_with_the_given_values():
    explorer = widgets.weight_gadget_explorer(w=-0.25, n=3, seed=4)
    controls, picture = _controls(explorer)
    assert {name: control.value for name, control in controls.items()} == {"w": -0.25, "n": 3, "seed": 4}
    assert picture.format == "png" and bytes(picture.value).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("name, value", [("w", 0.75), ("n", 5), ("seed", 9)])
def test_changing_a_control_redraws(name, value):
    explorer = widgets.weight_gadget_explorer()
    controls, picture = _controls(explorer)
    before = bytes(picture.value)
    figures_before = plt.get_fignums()
    controls[name].value = value
    after = bytes(picture.value)
    assert after.startswith(PNG_SIGNATURE) and after != before
    assert plt.get_fignums() == figures_before
