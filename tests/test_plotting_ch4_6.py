"""Figures of chapters 4-6 (lthbook.plotting, below "Figures of chapters 4-7"): drawn for the column,
text readable at the book's and a phone's width, and robust to a results file that is still filling up."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from lthbook import experiments as ex  # noqa: E402
from lthbook import plotting  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _readable(fig):
    assert plotting.smallest_text_px(fig, plotting.COLUMN_PX) >= plotting.MIN_TEXT_PX
    assert plotting.smallest_text_px(fig, plotting.PHONE_COLUMN_PX) >= plotting.MIN_TEXT_PX
    assert plotting.natural_width_px(fig) <= plotting.COLUMN_PX
    plt.close(fig)


def _run(net, structure, keep, accuracy, *, seed=0, epochs=10, kept=None):
    return {"net": net, "structure": structure, "keep_fraction": keep, "epochs": epochs, "train_images": 60_000,
            "seed": seed, "test_accuracy": accuracy, "num_weights": 300_000,
            "kept_weights": kept or int(300_000 * keep)}  # fmt: skip


@pytest.mark.parametrize(
    "runs",
    [
        [],  # nothing yet: every panel says so
        [_run("lenet5", "wide", 0.1, 0.8), _run("lenet5", "dense_trained", 1.0, 0.97, kept=58_920)],
        [_run("fc2", s, k, 0.5) for s in ex.EXPERIMENT2_STRUCTURES for k in (0.5, 0.25, 0.1, 0.05, 0.01)],
    ],
)
def test_experiment2_figure_draws_whatever_the_file_holds(runs):
    fig = plotting.experiment2_figure({"runs": runs})
    axes = fig.axes
    assert [ax.get_title().split(":")[0] for ax in axes] == list(ex.EXPERIMENT2_NETS.values())
    for ax, net in zip(axes, ex.EXPERIMENT2_NETS):
        ours = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
        assert len(ours) == len({r["structure"] for r in runs if r["net"] == net} - {"dense_trained"})
        assert ax.get_title().endswith("no runs of ours yet") == (not any(r["net"] == net for r in runs))
    _readable(fig)


def test_experiment2_figure_on_the_committed_file():
    path = ROOT / "benchmarks" / "results" / "experiment2_full.json"
    fig = plotting.experiment2_figure(ex.read_experiment2_results(path))
    labels = [tick.get_text() for ax in fig.axes for tick in ax.get_xticklabels()]
    # FC4's block network keeps 2.25M weights at 0.5: once labelled "2.25e+03k"
    assert labels and all(label.rstrip("kM").replace(".", "").isdigit() for label in labels), labels
    _readable(fig)


def test_weight_count_label_switches_to_millions_before_it_would_read_1000k():
    counts = (640, 1000, 19_900, 999_499, 999_500, 2_250_000, 30_280_000)
    assert [plotting.weight_count_label(n) for n in counts] == ["640", "1k", "19.9k", "999k", "1M", "2.25M", "30.3M"]


def test_experiment1_sweep_figure_and_small_experiment2_figure():
    def summary(n, mode):
        return ex.ReplacementSummary(n, mode, 0.9, 2.0**-n, 2.0**-n / 10, 0.01, 0.99, 5 * n, 10 * n, -0.4, 0.4, 1.0)

    summaries = {mode: {n: summary(n, mode) for n in (2, 4, 8)} for mode in ("per_row", "per_weight")}
    fig = plotting.experiment1_sweep_figure(
        summaries, target_accuracy=0.97, paper_accuracy=0.9719, eps=0.01, dataset="MNIST"
    )
    top, bottom = fig.axes
    assert [line.get_ydata()[0] for line in top.get_lines()[:2]] == [0.9, 0.9]
    assert bottom.get_yscale() == "log"
    _readable(fig)
    live = {
        "wide_hidden": (166,),
        "dense_accuracy": 0.95,
        "runs": {s: [{"left": 100 * k, "accuracy": 0.5 + 0.1 * k} for k in (1, 2)] for s in ex.EXPERIMENT2_STRUCTURES},
    }
    fig = plotting.small_experiment2_figure(live, (64, 32, 10))
    assert len([line for line in fig.axes[0].get_lines() if line.get_linestyle() == "-"]) == 3
    _readable(fig)


def test_chapter_4_figures_are_readable():
    import numpy as np
    import torch

    from lthbook import construction

    _readable(plotting.plot_certified_vs_sampled([1e-4, 2e-4], [1e-5, 3e-5], eps=0.05, widths=(8, 8, 4)))
    fig = plotting.plot_ticket_sizes([(20, 4), (3, 20)], [80, 60], [5, 12], n=5)
    assert [p.get_height() for p in fig.axes[0].patches] == [80, 60, 5, 12]
    _readable(fig)
    values = np.array([[10.0, 100.0, 2.0], [20.0, 1e3, 3.0]])
    fig = plotting.width_factor_figure([([0.1, 0.01], values, "ε", "a"), ([10, 100], values, "d", "b")], constant=4.67)
    assert fig.axes[0].xaxis_inverted() and not fig.axes[1].xaxis_inverted()
    _readable(fig)
    bits = np.array([3.3, 10.0, 100.0])
    _readable(plotting.width_per_bit_figure(bits, {10: 12 * bits}, 0.5 * bits, constant=4.67, delta=0.1))
    check = construction.half_block_check((0.35, 0.2), 50, constant=2.0, seed=1)
    _readable(plotting.plot_half_block_check([check], (0.35, 0.2)))
    failures = construction.failure_experiment(
        (2, 2, 1), (2, 4), 3, eps=0.05, delta=0.1, generator=torch.Generator().manual_seed(0), progress=False
    )
    _readable(plotting.plot_failure_rates(failures, widths=(2, 2, 1), eps=0.05))
    results = {
        (flag, n): ((n,), 100 * n * (1 + flag), np.array([1e-2 / n, 2e-2 / n])) for flag in (0, 1) for n in (4, 8)
    }
    _readable(plotting.plot_positive_inputs_only(results, (4, 8), eps=0.05, widths=(8, 8, 4)))


def test_chapter_5_figures_are_readable_and_the_slopes_are_least_squares():
    import numpy as np

    from lthbook import lower_bound

    _readable(plotting.plot_gadget_errors([4, 6], {4: [1.0, 0.9], 6: [0.8, 0.7]}, {4: [1.0], 6: [0.7]}))
    covers = {m: lower_bound.depth2_linear_cover(*_gadget_pair(m), _targets(), 0.4) for m in (4, 8)}
    _readable(plotting.plot_linear_cover(covers, eps=0.4, num_targets=20, packing_m=2))
    _readable(
        plotting.parameter_count_figure(
            d_fixed=10, eps_fixed=0.01, eps_values=np.logspace(-1, -4, 4), d_values=[1, 2, 4], constant=4.67
        )
    )
    fig, slopes = plotting.parameter_ratio_figure(
        lambda d, e: 3 * np.log2(d) + 1 / e, d_values=[1, 2, 4, 8], eps_tail=[1e-1, 1e-2], ratio_d=[1, 2], limit=18.7
    )
    assert slopes == pytest.approx({1e-2: 3.0, 1e-6: 3.0})
    _readable(fig)


def _gadget_pair(m):
    import torch

    g = torch.Generator().manual_seed(m)
    units = m // 4
    return torch.rand(units, 2, generator=g, dtype=torch.float64) * 2 - 1, torch.rand(
        2, units, generator=g, dtype=torch.float64
    ) * 2 - 1


def _targets():
    import torch

    from lthbook import lower_bound

    return lower_bound.sample_operator_norm_ball(20, 2, generator=torch.Generator().manual_seed(1))
