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
    _readable(plotting.experiment2_figure(ex.read_experiment2_results(path)))


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
