"""Figures of chapters 1-3 (lthbook.plotting, lthbook.diagrams, lthbook.widgets): readable at the
width they are shown at, drawing the data they are given, refusing bad input."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lthbook import construction, diagrams, gadgets, plotting, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _rng():
    return np.random.default_rng(0)


def _first_successes():
    rng = _rng()
    return {
        law: {eps: rng.integers(5 + k, 15 + 2 * k, size=200) for k, eps in enumerate((0.1, 0.05, 0.01, 1e-3, 1e-4))}
        for law in ("uniform", "product")
    }


def _tiny_construction():
    target = [torch.tensor([[0.5, -0.3, 0.6]], dtype=torch.float64)]
    network = construction.RandomNetwork.sample((3, 1), 3, generator=torch.Generator().manual_seed(0), device="cpu")
    return construction.prune_to(network, target), target


FIGURES = {
    "roadmap": lambda: plotting.roadmap_figure(),
    "digits": lambda: plotting.plot_digit_examples(_rng().uniform(0, 1, (20, 64)), np.arange(20) % 10),
    "pruning accuracy": lambda: plotting.plot_pruning_accuracy(
        [0.02, 0.1, 0.5, 0.9], [0.3, 0.8, 0.95, 0.8], dense_accuracy=0.97, chance_accuracy=0.07
    ),
    "single vs subset": lambda: plotting.plot_single_vs_subset(
        np.arange(2, 17), 1 / np.arange(2, 17), 2.0 ** -np.arange(2, 17)
    ),
    "gaps": lambda: plotting.plot_subset_sum_gaps(_rng().uniform(-1, 1, 10)),
    "error bands": lambda: plotting.plot_error_bands(
        [("uniform: slope -0.86", np.arange(4, 17), _rng().uniform(0.01, 1, (13, 50)), "target")],
        lines=[("counting bound $2^{-n}$", np.arange(4, 17), 2.0 ** -np.arange(4, 17), plotting.theory_line_style())],
        xlabel="number of coefficients n",
        ylabel="worst-case error",
        title="Worst-case error of random coefficients",
    ),
    "product law": lambda: plotting.plot_product_law(_rng().uniform(-1, 1, 5000) * _rng().uniform(-1, 1, 5000)),
    "threshold": lambda: plotting.plot_success_threshold(
        _first_successes(),
        eps_grid=(0.1, 0.05),
        n_star={"uniform": [11, 13], "product": [18, 21]},
        constants={"uniform": 2.63, "product": 4.16},
        threshold_eps=(0.1, 0.01),
    ),
    "constant": lambda: plotting.plot_constant_by_eps(
        [("half-block law", [0.1, 0.01], [4.4, 3.8], "pruned"), ("product law", [0.1, 0.01], [4.1, 3.5], "target")],
        constant=4.67,
    ),
    "relu identity": lambda: plotting.plot_relu_identity(0.7),
    "gadget coefficients": lambda: plotting.plot_gadget_coefficients(
        _rng().uniform(-1, 1, 1000), _rng().binomial(16, 0.5, 100), 16
    ),
    "half errors": lambda: plotting.plot_half_errors(
        np.linspace(-1, 1, 11),
        {"positive": np.full(11, 1e-3), "negative": np.full(11, 2e-3)},
        {"positive": 4e-3, "negative": 3e-3},
        {"positive": 9, "negative": 7},
    ),
    "neuron errors": lambda: plotting.plot_neuron_errors(
        _rng().uniform(0, 0.17, 1000), exact=0.2, bound=0.27, title="One neuron gadget, d = 16, n = 10"
    ),
    "subset sum instance": lambda: widgets.plot_subset_sum_instance(n=12, law="product", target=0.3, seed=0),
    "weight gadget": lambda: widgets.plot_weight_gadget(w=0.4, n=8, seed=0),
    "small gadget diagram": lambda: diagrams.draw_weight_gadget(
        gadgets.prune_weight_gadget(gadgets.sample_weight_gadget(4, generator=torch.Generator().manual_seed(11)), 0.3),
        edge_labels=True,
    ),
    "construction diagram": lambda: diagrams.draw_construction(*_tiny_construction()),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_is_readable_in_the_column_and_on_a_phone(name):
    fig = FIGURES[name]()
    # Drawn no wider than the column, so the book shows it at its natural size...
    assert plotting.natural_width_px(fig) <= plotting.COLUMN_PX
    assert plotting.smallest_text_px(fig, plotting.COLUMN_PX) >= 14.5  # 10.5 pt at 100 dpi
    # ...and on a phone, scaled to the screen, its smallest text is still at least 9 px.
    assert plotting.smallest_text_px(fig, plotting.PHONE_COLUMN_PX) >= plotting.MIN_TEXT_PX


def test_smallest_text_px_follows_the_arithmetic():
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100, constrained_layout=False)
    ax.set_axis_off()
    ax.text(0.5, 0.5, "label", fontsize=9)
    ax.text(0.5, 0.2, "large", fontsize=20)
    natural = plotting.natural_width_px(fig)
    assert natural <= 400
    assert plotting.smallest_text_px(fig, 690) == pytest.approx(9 * 100 / 72)  # not scaled up
    assert plotting.smallest_text_px(fig, natural / 2) == pytest.approx(9 * 100 / 72 / 2)


def test_smallest_text_px_counts_an_old_wide_figure_as_unreadable():
    # The figures issue 14 found: 12 inches wide, 8 pt labels, squeezed into the column.
    fig, ax = plt.subplots(figsize=(12, 5), dpi=100)
    ax.plot([0, 1])
    ax.tick_params(labelsize=8)
    ax.set_title("t", fontsize=8)
    assert plotting.smallest_text_px(fig, plotting.COLUMN_PX) < plotting.MIN_TEXT_PX


@pytest.mark.parametrize(
    "args, error",
    [(("figure",), TypeError), ((None, "690"), TypeError), ((None, 0), ValueError), ((None, math.inf), ValueError)],
)
def test_smallest_text_px_rejects_bad_arguments(args, error):
    fig, ax = plt.subplots()
    ax.set_title("t")
    args = tuple(fig if a is None else a for a in args)
    with pytest.raises(error):
        plotting.smallest_text_px(*args)


def test_smallest_text_px_needs_text():
    fig = plt.figure()
    with pytest.raises(ValueError, match="no visible text"):
        plotting.smallest_text_px(fig)


def test_pruning_accuracy_draws_its_data():
    keeps, accuracies = [0.02, 0.1, 0.5], [0.3, 0.8, 0.95]
    fig = plotting.plot_pruning_accuracy(keeps, accuracies, dense_accuracy=0.97, chance_accuracy=0.07)
    ax = fig.axes[0]
    x, y = ax.lines[0].get_data()
    assert list(x) == keeps and list(y) == accuracies
    assert ax.lines[1].get_ydata()[0] == 0.97 and ax.lines[2].get_ydata()[0] == 0.07
    assert ax.get_xscale() == "log"
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == 3


def test_single_vs_subset_draws_the_two_laws():
    n = np.arange(2, 6)
    fig = plotting.plot_single_vs_subset(n, [0.3, 0.2, 0.1, 0.05], [0.2, 0.1, 0.05, 0.02])
    lines = fig.axes[0].lines
    assert np.allclose(lines[2].get_ydata(), 1 / n) and np.allclose(lines[3].get_ydata(), 2.0**-n)


def test_gaps_shade_the_widest_gap_inside():
    x = np.array([0.5, 0.25, -0.7])
    fig = plotting.plot_subset_sum_gaps(x, sizes=(2, 3))
    # Sums of (0.5, 0.25): 0, 0.25, 0.5, 0.75: every gap 0.25, the first is shaded.
    (patch,) = fig.axes[0].patches
    assert (patch.get_x(), patch.get_x() + patch.get_width()) == pytest.approx((0.0, 0.25))
    # With -0.7 too: sums -0.7, -0.45, -0.2, 0, 0.05, 0.25, 0.5, 0.75; widest gap 0.25 at -0.7..-0.45.
    (patch,) = fig.axes[1].patches
    assert (patch.get_x(), patch.get_x() + patch.get_width()) == pytest.approx((-0.7, -0.45))


def test_error_bands_draw_median_of_each_row():
    errors = np.array([[1.0, 2.0, 4.0], [0.5, 0.25, 1.0]])
    fig = plotting.plot_error_bands([("a", [1, 2], errors, "target")], xlabel="n", ylabel="e", title="t")
    assert list(fig.axes[0].lines[0].get_ydata()) == [2.0, 0.5]
    assert fig.axes[0].get_yscale() == "log"


def test_threshold_panels_are_stacked_and_curves_are_cumulative():
    first = _first_successes()
    fig = plotting.plot_success_threshold(
        first,
        eps_grid=(0.1, 0.05),
        n_star={"uniform": [11, 13], "product": [18, 21]},
        constants={"uniform": 2.6, "product": 4.2},
        threshold_eps=(0.1, 0.01),
    )
    top, bottom = fig.axes
    assert top.get_position().y0 > bottom.get_position().y1  # stacked, not side by side
    x, y = top.lines[0].get_data()
    assert np.allclose(y, (first["uniform"][0.1][:, None] <= x).mean(axis=0))


@pytest.mark.parametrize(
    "call, error",
    [
        (
            lambda: plotting.plot_pruning_accuracy([0.1, 0.5], [0.3], dense_accuracy=0.9, chance_accuracy=0.1),
            ValueError,
        ),
        (
            lambda: plotting.plot_pruning_accuracy([0.5, 0.1], [0.3, 0.4], dense_accuracy=0.9, chance_accuracy=0.1),
            ValueError,
        ),
        (lambda: plotting.plot_pruning_accuracy([0.1], [1.3], dense_accuracy=0.9, chance_accuracy=0.1), ValueError),
        (lambda: plotting.plot_single_vs_subset([1, 2], [0.1, 0.0], [0.1, 0.1]), ValueError),
        (lambda: plotting.plot_digit_examples(np.zeros((10, 63)), np.arange(10)), ValueError),
        (lambda: plotting.plot_digit_examples(np.zeros((9, 64)), np.arange(9)), ValueError),
        (lambda: plotting.plot_subset_sum_gaps([0.1, 0.2], sizes=(3,)), ValueError),
        (lambda: plotting.plot_subset_sum_gaps([0.1, np.nan]), ValueError),
        (lambda: plotting.plot_error_bands([], xlabel="", ylabel="", title=""), ValueError),
        (lambda: plotting.plot_error_bands([("a", [1], [[1.0]], "blue")], xlabel="", ylabel="", title=""), ValueError),
        (
            lambda: plotting.plot_error_bands([("a", [1, 2], [[1.0]], "target")], xlabel="", ylabel="", title=""),
            ValueError,
        ),
        (lambda: plotting.plot_product_law([0.5, 1.5]), ValueError),
        (lambda: plotting.plot_product_law("abc"), TypeError),
        (lambda: plotting.plot_constant_by_eps([("a", [0.1], [4.0], "pruned")], constant=0), ValueError),
        (lambda: plotting.plot_constant_by_eps([("a", [1.5], [4.0], "pruned")], constant=4.67), ValueError),
        (lambda: plotting.plot_relu_identity(math.nan), ValueError),
        (lambda: plotting.plot_gadget_coefficients([0.1], [17], 16), ValueError),
        (lambda: plotting.plot_half_errors([0.0], {"positive": [0.1]}, {}, {}), ValueError),
        (lambda: plotting.plot_neuron_errors([0.1], exact=0.3, bound=0.2, title=""), ValueError),
        (lambda: plotting.roadmap_figure(ax="axes"), TypeError),
    ],
)
def test_bad_arguments_raise(call, error):
    with pytest.raises(error):
        call()


def test_threshold_needs_the_eps_it_draws():
    with pytest.raises(ValueError, match="threshold_eps"):
        plotting.plot_success_threshold(
            _first_successes(),
            eps_grid=(0.1,),
            n_star={"uniform": [11], "product": [18]},
            constants={"uniform": 2.6, "product": 4.2},
            threshold_eps=(0.2,),
        )
