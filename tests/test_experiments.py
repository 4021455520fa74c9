"""Experiment 1 (chapter 6): every weight replaced by an exact subset sum, and the replaced
network is the one evaluated."""

import json

import pytest
import torch

from lthbook import edge_popup, subset_sum
from lthbook import experiments as ex
from lthbook.data import load_digits

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def trained():
    data = load_digits(seed=0, device=CPU)
    model = edge_popup.dense_mlp((64, 32, 10), generator=torch.Generator().manual_seed(0))
    edge_popup.train(model, data, epochs=8, lr=0.01, optimizer="adam", device=CPU, progress=False)
    return model, data


def replace(model, n, mode="per_row", seed=0):
    return ex.subset_sum_replacement(
        ex.linear_weights(model), n=n, coefficients=mode, generator=torch.Generator().manual_seed(seed), device=CPU
    )


def test_the_approximated_network_is_the_one_evaluated(trained):
    model, data = trained
    target_accuracy = edge_popup.accuracy(model, data.X_test, data.y_test)
    coarse = ex.replaced_network(model, replace(model, n=2))
    coarse_accuracy = edge_popup.accuracy(coarse, data.X_test, data.y_test)
    assert target_accuracy > 0.9
    assert coarse_accuracy != target_accuracy  # n = 2 cannot reproduce the target
    assert coarse_accuracy < target_accuracy - 0.05
    for layer, original in zip(ex.linear_weights(coarse), ex.linear_weights(model)):
        assert not torch.equal(layer, original)


def test_model_left_untouched(trained):
    model, _ = trained
    before = [w.clone() for w in ex.linear_weights(model)]
    ex.replaced_network(model, replace(model, n=4))
    assert all(torch.equal(a, b) for a, b in zip(before, ex.linear_weights(model)))


@pytest.mark.parametrize("mode", ["per_row", "per_weight"])
def test_every_replaced_weight_is_an_exact_optimum(trained, mode):
    model, _ = trained
    n = 10
    result = replace(model, n=n, mode=mode, seed=3)
    weights = ex.linear_weights(model)
    # Redraw the same coefficients to spot-check against brute force.
    unit = torch.rand(
        sum(w.shape[0] for w in weights) if mode == "per_row" else sum(w.numel() for w in weights),
        n,
        generator=torch.Generator().manual_seed(3),
        dtype=torch.float64,
    )
    coeff = result.low + (result.high - result.low) * unit
    layer = 0 if mode == "per_row" else 0
    w = weights[layer].double()
    picks = torch.randint(0, w.numel(), (200,), generator=torch.Generator().manual_seed(1))
    rows, cols = picks // w.shape[1], picks % w.shape[1]
    instance_coeff = coeff[rows] if mode == "per_row" else coeff[picks]
    oracle = subset_sum.brute_force(instance_coeff, w[rows, cols])
    got = result.errors[layer][rows, cols]
    assert torch.allclose(got, oracle.error, rtol=0, atol=1e-12)
    assert torch.allclose(result.weights[layer][rows, cols], oracle.value, rtol=0, atol=1e-12)
    assert torch.equal(result.errors[layer], (result.weights[layer] - w).abs())


def test_per_row_reuses_one_draw_per_row_and_per_weight_does_not():
    # Equal weights in one row are the same SubsetSum instance when the row shares its draw.
    w = torch.tensor([[0.3, 0.3, 0.3, -0.2], [0.3, 0.3, -0.1, 0.25]] * 4)
    gen = lambda: torch.Generator().manual_seed(5)  # noqa: E731
    per_row = ex.subset_sum_replacement([w], n=6, coefficients="per_row", generator=gen(), device=CPU)
    per_weight = ex.subset_sum_replacement([w], n=6, coefficients="per_weight", generator=gen(), device=CPU)
    ŵ = per_row.weights[0]
    assert torch.equal(ŵ[0, 0], ŵ[0, 1]) and torch.equal(ŵ[0, 1], ŵ[0, 2])
    assert torch.equal(ŵ[1, 0], ŵ[1, 1])
    assert len(set(per_row.weights[0][:, 0].tolist())) > 1  # other rows, other draws
    assert len(set(per_weight.weights[0][0, :3].tolist())) > 1  # fresh draws per weight
    for r in (per_row, per_weight):
        assert r.total_coefficients == 6 * w.numel()
        assert 0 < r.total_kept < r.total_coefficients
        assert r.low == pytest.approx(-0.2) and r.high == pytest.approx(0.3)


def test_more_coefficients_give_smaller_errors(trained):
    model, _ = trained
    medians = [replace(model, n=n).median_error for n in (4, 8, 14)]
    assert medians[0] > medians[1] > medians[2]


def test_bad_arguments_name_the_argument(trained):
    model, _ = trained
    weights = ex.linear_weights(model)
    with pytest.raises(ValueError, match="n must be"):
        ex.subset_sum_replacement(weights, n=0, device=CPU)
    with pytest.raises(ValueError, match="coefficients must be one of"):
        ex.subset_sum_replacement(weights, coefficients="shared", device=CPU)
    with pytest.raises(TypeError, match="weights must be"):
        ex.subset_sum_replacement([], device=CPU)
    with pytest.raises(ValueError, match=r"weights\[0\]"):
        ex.subset_sum_replacement([torch.ones(3)], device=CPU)
    with pytest.raises(TypeError, match="model must be"):
        ex.linear_weights("mlp")
    with pytest.raises(ValueError, match="Linear layers"):
        ex.replaced_network(torch.nn.Sequential(torch.nn.Linear(2, 2)), replace(model, n=3))


# ----------------------------------------------------------------------------------------
# The Theorem-1 version: compact evaluation of a pruned random network
# ----------------------------------------------------------------------------------------

from lthbook import construction  # noqa: E402


@pytest.fixture(scope="module")
def pruned_small():
    widths = (6, 5, 3)
    target = construction.random_target(widths, generator=torch.Generator().manual_seed(1), device=CPU)
    network = construction.RandomNetwork.sample(widths, 4, generator=torch.Generator().manual_seed(2), device=CPU)
    return construction.prune_to(network, target), target


def test_one_input_linear_matches_the_dense_matrix_with_one_entry_per_row():
    source = torch.tensor([2, 0, 2, 1])
    weight = torch.tensor([0.5, -1.0, 2.0, 3.0], dtype=torch.float64)
    dense = torch.zeros(4, 3, dtype=torch.float64)
    dense[torch.arange(4), source] = weight
    layer = ex.OneInputLinear(source, weight, 3)
    x = torch.randn(7, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert torch.equal(layer(x), x @ dense.T)
    with pytest.raises(ValueError, match="source entries"):
        ex.OneInputLinear(torch.tensor([3]), torch.tensor([1.0]), 3)
    with pytest.raises(TypeError, match="source"):
        ex.OneInputLinear(torch.tensor([0.0]), torch.tensor([1.0]), 3)


def test_compact_network_computes_the_pruned_network(pruned_small):
    pruned, _ = pruned_small
    compact = ex.compact_pruned_network(pruned, dtype=torch.float64)
    x = torch.randn(50, 6, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    assert torch.allclose(compact(x), pruned.forward(x), rtol=0, atol=1e-12)
    # Only units that can fire are kept: nonzero first weight, read by some row, and for the
    # second pair (inputs >= 0) a positive first weight.
    first, second = pruned.pruned_weights()[:2]
    readable = ((first != 0).any(dim=1) & (second != 0).any(dim=0)).sum()
    assert compact[0].out_features == int(readable)
    third = pruned.pruned_weights()[2]
    assert compact[4].out_features == int(((third.sum(dim=1) > 0) & (pruned.pruned_weights()[3] != 0).any(dim=0)).sum())
    assert compact[4].out_features < third.shape[0]


def test_compact_network_for_nonnegative_inputs_drops_negative_units(pruned_small):
    pruned, _ = pruned_small
    full = ex.compact_pruned_network(pruned, dtype=torch.float64)
    positive = ex.compact_pruned_network(pruned, dtype=torch.float64, nonnegative_inputs=True)
    assert positive[0].out_features < full[0].out_features
    assert bool((positive[0].weight > 0).all())
    x = torch.rand(40, 6, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    assert torch.allclose(positive(x), pruned.forward(x), rtol=0, atol=1e-12)
    # On inputs of both signs the dropped units matter.
    assert not torch.allclose(positive(x - 0.5), pruned.forward(x - 0.5), atol=1e-6)


def test_compact_network_argument_checks(pruned_small):
    pruned, _ = pruned_small
    with pytest.raises(TypeError, match="pruned must be"):
        ex.compact_pruned_network("net")
    with pytest.raises(TypeError, match="dtype"):
        ex.compact_pruned_network(pruned, dtype=torch.int64)
    with pytest.raises(TypeError, match="nonnegative_inputs"):
        ex.compact_pruned_network(pruned, nonnegative_inputs=1)
    masks = list(pruned.masks)
    masks[0] = masks[0].clone()
    masks[0][0, :] = True  # one hidden unit reading every input
    broken = construction.PrunedNetwork(
        pruned.network, tuple(masks), pruned.positive_residuals, pruned.negative_residuals
    )
    with pytest.raises(ValueError, match="more than one input"):
        ex.compact_pruned_network(broken)


# ----------------------------------------------------------------------------------------
# The typical error, predicted
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [8, 12])
def test_predicted_median_error_matches_a_simulation(n):
    low, high = -0.44, 0.44
    gen = torch.Generator().manual_seed(n)
    x = low + (high - low) * torch.rand(4000, n, generator=gen, dtype=torch.float64)
    z = 0.03 * torch.randn(4000, generator=gen, dtype=torch.float64)
    measured = float(subset_sum.solve(x, z, device=CPU).error.median())
    assert ex.predicted_median_error(n, low, high) == pytest.approx(measured, rel=0.15)


def test_predicted_median_error_halves_per_coefficient_and_checks_arguments():
    a, b = ex.predicted_median_error(20, -0.5, 0.5), ex.predicted_median_error(21, -0.5, 0.5)
    assert 1.9 < a / b < 2.0  # 2^{-n}, slightly less as the density of sums spreads
    with pytest.raises(ValueError, match="low must be smaller"):
        ex.predicted_median_error(5, 0.5, 0.5)
    with pytest.raises(ValueError, match="n must be"):
        ex.predicted_median_error(0, -1.0, 1.0)


# ----------------------------------------------------------------------------------------
# Experiment 2: matched sizes, the paper's numbers, the results file
# ----------------------------------------------------------------------------------------


def test_matched_wide_hidden_matches_the_paper_and_a_search():
    assert ex.matched_wide_hidden((784, 500, 10)) == (2508,)
    assert ex.matched_wide_hidden((64, 32, 10)) == (166,)
    for widths in [(784, 500, 500, 500, 10), (20, 7, 7, 3)]:
        r = 5
        target = sum(r * a + r * a * b for a, b in zip(widths[:-1], widths[1:]))
        count = lambda h: widths[0] * h + (len(widths) - 3) * h * h + h * widths[-1]  # noqa: E731,B023
        best = min(range(1, 5000), key=lambda h: (abs(count(h) - target), h))  # noqa: B023
        assert ex.matched_wide_hidden(widths, r) == (best,) * (len(widths) - 2)
    with pytest.raises(ValueError, match="hidden layer"):
        ex.matched_wide_hidden((784, 10))
    with pytest.raises(ValueError, match="redundancy"):
        ex.matched_wide_hidden((784, 500, 10), 0)


def test_matched_wide_network_has_as_many_weights_as_the_construction():
    widths = (64, 32, 10)
    ours = edge_popup.experiment2_network("ours_relu", widths, keep_fraction=0.5)
    wide = edge_popup.experiment2_network("wide", widths, keep_fraction=0.5, wide_hidden=ex.matched_wide_hidden(widths))
    assert abs(edge_popup.count_weights(ours) - edge_popup.count_weights(wide)) <= widths[0] + widths[-1]


def test_paper_experiment2_numbers_are_consistent():
    fc2_weights = 1_991_420
    for point in ex.PAPER_EXPERIMENT2["points"]:
        assert set(ex.EXPERIMENT2_STRUCTURES) <= set(point)
        assert all(0 < point[s] < 1 for s in ex.EXPERIMENT2_STRUCTURES)
        if point["net"] == "fc2":
            assert point["remaining"] == pytest.approx(point["keep_fraction"] * fc2_weights, rel=0.01)
    assert set(ex.PAPER_EXPERIMENT2["baselines"]) == {"fc2", "fc4", "lenet5"}


def _run(structure, keep, accuracy, *, epochs=2, images=10_000, seed=0, kept=None):
    return {
        "net": "fc2",
        "structure": structure,
        "keep_fraction": keep,
        "epochs": epochs,
        "train_images": images,
        "seed": seed,
        "test_accuracy": accuracy,
        "num_weights": 1000,
        "kept_weights": kept or int(1000 * keep),
    }


def test_results_file_is_read_and_curves_use_the_largest_budget_and_best_seed(tmp_path):
    runs = [
        _run("wide", 0.5, 0.80),
        _run("wide", 0.1, 0.70),
        _run("wide", 0.1, 0.75, seed=1),  # best of two seeds
        _run("wide", 0.1, 0.99, epochs=1, images=5_000),  # a smoke run, smaller budget: ignored
        _run("ours_relu", 0.5, 0.60),
        _run("dense_trained", 1.0, 0.95, kept=1000),
    ]
    path = tmp_path / "experiment2.json"
    path.write_text(json.dumps({"runs": runs, "machine": "test", "settings": {}}))
    curves = ex.experiment2_curves(ex.read_experiment2_results(path), "fc2")
    assert set(curves) == {"wide", "ours_relu", "dense_trained"}
    wide = curves["wide"]
    assert wide.keep_fractions == (0.1, 0.5) and wide.kept_weights == (100, 500)
    assert wide.accuracy == (0.75, 0.80) and wide.seeds == (2, 1)
    assert (wide.epochs, wide.train_images) == (2, 10_000)
    assert ex.experiment2_curves(ex.read_experiment2_results(path), "fc4") == {}


def test_results_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        ex.read_experiment2_results(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"runs": [{"net": "fc2"}]}))
    with pytest.raises(ValueError, match="lacks"):
        ex.read_experiment2_results(bad)
    bad.write_text(json.dumps({"runs": [_run("wide", 0.5, 1.5)]}))
    with pytest.raises(ValueError, match="outside"):
        ex.read_experiment2_results(bad)
    with pytest.raises(TypeError, match="results must be"):
        ex.experiment2_curves([], "fc2")


def test_the_real_results_file_if_present_is_valid():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "results" / "experiment2.json"
    if not path.exists():
        pytest.skip("no results file")
    results = ex.read_experiment2_results(path)
    for curve in ex.experiment2_curves(results, "fc2").values():
        assert list(curve.kept_weights) == sorted(curve.kept_weights)


def test_curves_report_mean_and_sd_over_seeds_and_can_fix_the_epochs(tmp_path):
    runs = [
        _run("ours_relu", 0.1, 0.70, epochs=10, images=60_000, seed=0),
        _run("ours_relu", 0.1, 0.74, epochs=10, images=60_000, seed=1),
        _run("ours_relu", 0.1, 0.78, epochs=10, images=60_000, seed=2),
        _run("ours_relu", 0.1, 0.90, epochs=40, images=60_000, seed=0),  # the convergence check
        _run("ours_relu", 0.5, 0.85, epochs=10, images=60_000, seed=0),
    ]
    path = tmp_path / "experiment2_full.json"
    path.write_text(json.dumps({"runs": runs}))
    results = ex.read_experiment2_results(path)
    curve = ex.experiment2_curves(results, "fc2", epochs=10)["ours_relu"]
    assert curve.keep_fractions == (0.1, 0.5) and curve.seeds == (3, 1)
    assert curve.accuracy == (0.78, 0.85)
    assert curve.mean_accuracy == pytest.approx((0.74, 0.85))
    assert curve.sd_accuracy == pytest.approx((0.04, 0.0))
    unfixed = ex.experiment2_curves(results, "fc2")["ours_relu"]
    assert unfixed.accuracy == (0.90, 0.85) and unfixed.seeds == (1, 1)  # the largest budget wins without epochs
    with pytest.raises(ValueError, match="epochs"):
        ex.experiment2_curves(results, "fc2", epochs=0)


# ---- Experiment 1 at the paper's n: summaries, the benchmark's file, chapter 6's reports ----


def test_summary_matches_the_replacement_and_round_trips_through_the_results_file(trained, tmp_path):
    model, data = trained
    result = replace(model, 6)
    accuracy = ex.replacement_accuracy(model, result, data.X_test, data.y_test)
    summary = ex.summarize_replacement(result, accuracy=accuracy, eps=0.05)
    assert summary.n == 6 and summary.coefficients == "per_row"
    assert summary.max_error == result.max_error and summary.median_error == result.median_error
    assert summary.within_eps == result.fraction_within(0.05)
    assert summary.total_kept == result.total_kept == sum(int(k.sum()) for k in result.kept)
    assert summary.total_coefficients == 6 * (64 * 32 + 32 * 10)
    assert accuracy == edge_popup.accuracy(ex.replaced_network(model, result, dtype=torch.float64),
                                           data.X_test.double(), data.y_test)  # fmt: skip
    path = tmp_path / "experiment1.json"
    ex.write_experiment1_results(
        path, dataset="digits", target_accuracy=0.9, runs={"per_row": summary}, machine="m", date="d", threads=2
    )
    back = ex.read_experiment1_results(path)
    assert back.runs["per_row"] == summary and back.target_accuracy == 0.9 and back.threads == 2
    with pytest.raises(TypeError, match="replacement"):
        ex.summarize_replacement("no", accuracy=0.5, eps=0.1)
    with pytest.raises(ValueError, match="accuracy"):
        ex.summarize_replacement(result, accuracy=1.5, eps=0.1)
    with pytest.raises(ValueError, match="eps"):
        ex.summarize_replacement(result, accuracy=0.5, eps=0.0)


def test_experiment1_results_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        ex.read_experiment1_results(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"dataset": "x", "target_accuracy": 0.5, "machine": "m", "date": "d", "threads": 1}))
    with pytest.raises(ValueError, match="runs"):
        ex.read_experiment1_results(bad)
    bad.write_text(json.dumps({"dataset": "x", "target_accuracy": 0.5, "machine": "m", "date": "d", "threads": 1,
                               "runs": {"per_row": {"n": 3}}}))  # fmt: skip
    with pytest.raises(ValueError, match="lacks"):
        ex.read_experiment1_results(bad)


def test_the_committed_experiment1_file_is_chapter_6s_target():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "results" / "experiment1.json"
    results = ex.read_experiment1_results(path)
    assert results.dataset == "MNIST" and set(results.runs) == {"per_row", "per_weight"}
    for mode, summary in results.runs.items():
        assert summary.n == ex.PAPER_EXPERIMENT1["n"] and summary.coefficients == mode
        assert summary.total_coefficients == 21 * 397_000
        assert 0.4 < summary.total_kept / summary.total_coefficients < 0.6
    # one draw per row serves every weight of the row: its worst error is smaller (chapter 6)
    assert results.runs["per_row"].max_error < results.runs["per_weight"].max_error


def _summary(n, mode, accuracy, max_error):
    return ex.ReplacementSummary(n, mode, accuracy, max_error, max_error / 10, 0.01, 1.0, 5 * n, 10 * n, -0.5, 0.5, 1.0)


def test_sweep_thresholds_and_table():
    summaries = {
        "per_row": {n: _summary(n, "per_row", a, e) for n, a, e in ((2, 0.5, 0.3), (4, 0.89, 0.02), (8, 0.905, 0.005))},
        "per_weight": {n: _summary(n, "per_weight", a, e) for n, a, e in ((2, 0.895, 0.3), (4, 0.9, 0.2))},
    }
    thresholds = ex.sweep_thresholds(summaries, target_accuracy=0.9, eps=0.01)
    assert thresholds["within one point"] == {"per_row": 4, "per_weight": 2}
    assert thresholds["within a tenth of a point"] == {"per_row": 8, "per_weight": 4}
    assert thresholds["every weight within eps"] == {"per_row": 8, "per_weight": None}
    text = ex.sweep_table(summaries, thresholds)
    lines = text.splitlines()
    assert lines[4].startswith(" 8    90.50%           —")  # no per-weight run at n = 8
    assert lines[-1].split()[-3:] == ["8", ">", "8"]


def test_replacement_report_and_comparison_table():
    runs = {"per_row": _summary(21, "per_row", 0.97, 1e-3), "per_weight": _summary(21, "per_weight", 0.96, 2e-2)}
    text = ex.replacement_report(runs, target_accuracy=0.975)
    assert "n = 21: 210 random coefficients for 10 weights" in text
    assert "per_weight: approximated minus target = -1.50 percentage points" in text
    table = ex.experiment1_comparison(
        runs, target_accuracy=0.975, weight_range=(-0.4, 0.4), dataset="MNIST", architecture="784–500–10"
    )
    row = {r[0]: r for r in table.cells}
    assert row["ACCURACY OF THE APPROXIMATION"][2:] == ["97.00%", "96.00%"]
    assert row["target: weight range"][1:3] == ["[-0.464, 0.541]", "[-0.400, 0.400]"]
    html = table._repr_html_()
    assert html.count("<tr>") == 1 + len(table.cells) and "<th>" in html and "ours, per weight" in html


# ---- Experiment 2 at the official settings: what the file holds and what is missing ----


def _full(net, structure, keep, accuracy, *, seed=0, epochs=10):
    return {**_run(structure, keep, accuracy, epochs=epochs, images=60_000, seed=seed), "net": net}


def test_plan_missing_status_table_gaps_and_convergence():
    plan = ex.experiment2_plan()
    assert len(plan) == 72 and len({tuple(sorted(r.items())) for r in plan}) == 72
    assert ex.experiment2_missing({"runs": []}) == plan
    runs = [_full("lenet5", s, k, a) for s, k, a in (("ours_linear", 0.1, 0.7), ("ours_relu", 0.1, 0.2),
                                                     ("wide", 0.1, 0.84))]  # fmt: skip
    runs += [_full("lenet5", "ours_relu", 0.1, 0.3, seed=1), _full("fc2", "ours_relu", 0.1, 0.8, epochs=20)]
    results = {"runs": runs, "machine": "test"}
    missing = ex.experiment2_missing(results)
    assert len(missing) == 72 - 5
    status = ex.experiment2_status(results)
    assert status.startswith("results file: 5 of the 72 planned runs\nmachine: test")
    assert "FC4: none of its 18 runs yet" in status and "LeNet-5: 24 of 28 runs missing," in status
    assert "  ReLU at 0.5, 0.25, 0.05, 0.01, 0.1 seed 2, 0.1 (50 epochs)" in status.splitlines()
    table = ex.experiment2_table(results)
    relu = next(r for r in table.cells if r[:3] == ["LeNet-5", "ReLU", "0.1"])
    assert relu[3:] == ["2", "25.0% ± 7.1", "25.2%"]  # mean, sd of (0.2, 0.3); official raw point
    assert not any(r[0] == "FC2" for r in table.cells)  # the 20-epoch run is not a 10-epoch point
    gaps = ex.experiment2_gaps(results)
    assert gaps.cells == [["LeNet-5", "0.1", "+14.0", "+45.0", "wide > linear > ReLU"]]
    assert ex.experiment2_convergence(results) == [(20, 0.8)]
    assert ex.experiment2_convergence_table(results).cells == [["20", "80.0%", "—", "—"]]
    curve = {**runs[-1], "epochs": 40, "test_accuracy": 0.6, "epoch_test_accuracy": [0.5, 0.9, 0.7, 0.6]}
    assert ex.experiment2_convergence_table({"runs": [*runs, curve]}).cells == [
        ["20", "80.0%", "—", "—"],
        ["40", "60.0%", "90.0%", "2"],
    ]
    with pytest.raises(TypeError, match="results"):
        ex.experiment2_convergence_table([])
    with pytest.raises(TypeError, match="results"):
        ex.experiment2_missing([])


def test_gaps_table_marks_ties():
    runs = [_full("fc4", s, 0.01, a) for s, a in (("ours_linear", 0.098), ("ours_relu", 0.098), ("wide", 0.8746))]
    runs += [_full("fc4", s, 0.1, a) for s, a in (("ours_linear", 0.9700), ("ours_relu", 0.9694), ("wide", 0.98))]
    assert ex.experiment2_gaps({"runs": runs}).cells == [
        ["FC4", "0.1", "+1.0", "+0.1", "wide > linear > ReLU"],  # 0.06 point: not a tie
        ["FC4", "0.01", "+77.7", "+0.0", "wide > linear = ReLU"],
    ]


def test_paper_epochs_table_pairs_the_sweeps_run_with_the_long_one():
    runs = [_full("lenet5", "wide", 0.1, 0.84), _full("lenet5", "wide", 0.1, 0.83, seed=1)]
    runs.append({**_full("lenet5", "wide", 0.1, 0.88, epochs=50), "epoch_test_accuracy": [0.5, 0.9, 0.88]})
    runs.append(_full("lenet5", "dense_trained", 1.0, 0.985, epochs=50))
    runs.append(_full("lenet5", "ours_relu", 0.1, 0.3, epochs=40))  # not the paper's budget: ignored
    table = ex.experiment2_paper_epochs_table({"runs": runs})
    assert table.cells == [
        ["linear", "—", "—", "—", "—", "88.6%"],
        ["ReLU", "—", "—", "—", "—", "25.2%"],
        ["wide", "84.0%", "88.0%", "90.0%", "2", "92.7%"],
        ["dense", "—", "98.5%", "—", "—", "98.4%"],
    ]
    caption = str(table).splitlines()[0]
    assert caption.startswith("LeNet-5, kept 0.1 (dense: all), seed 0:") and "the paper's 50 epochs" in caption
    with pytest.raises(TypeError, match="results"):
        ex.experiment2_paper_epochs_table([])


def test_status_of_a_complete_sweep_lists_nothing_missing():
    runs = [_full(r["net"], r["structure"], r["keep_fraction"], 0.5, seed=r["seed"], epochs=r["epochs"])
            for r in ex.experiment2_plan()]  # fmt: skip
    results = {"runs": runs, "machine": "test"}
    assert ex.experiment2_missing(results) == []
    assert ex.experiment2_status(results).splitlines() == [
        "results file: 72 of the 72 planned runs",
        "machine: test",
        "FC2: complete (26 runs)",
        "LeNet-5: complete (28 runs)",
        "FC4: complete (18 runs)",
    ]
    # one run fewer, and the status names it
    assert ex.experiment2_status({"runs": runs[:-1], "machine": "test"}).count("missing") == 1


def test_the_committed_subset_sum_benchmark_is_the_run_its_text_prints():
    from pathlib import Path

    results_dir = Path(__file__).resolve().parent.parent / "benchmarks" / "results"
    results = ex.read_subset_sum_results(results_dir / "subset_sum.json")
    text = (results_dir / "subset_sum.txt").read_text(encoding="utf-8")
    assert f"date: {results.date}; load average at start: {results.load_average_start}" in text
    assert results.paper == {"instances": 397_000, "n": 21, "seconds": 77_266.0, "cores": 36}
    headline = results.headline()
    assert (headline["seconds"], headline["within_eps"], headline["eps"]) == (9.12, 396_812, 0.01)
    assert f"{headline['within_eps']:,} of 397,000 within ε = 0.01" in text
    assert [size["n"] for size in results.sizes] == [12, 16, 20, 21, 24]
    table = results.table()
    assert len(table.cells) == sum(len(size["rows"]) for size in results.sizes) == 19
    # every row of the table is a line of the text file: same method, count and µs per instance
    for n, method, count, microseconds, times, agrees in table.cells:
        line = next(line for line in text.splitlines() if line.startswith(f"{n:>3} {method:<16} {count:>9} "))
        assert f" {microseconds:>11} {times:>9}  " in line
        assert line.split("  ")[-1].startswith("(reference)" if agrees == "(reference)" else agrees)
    with pytest.raises(KeyError, match="no paper-scale run"):
        results.headline(device="cuda")


def test_subset_sum_results_file_errors(tmp_path):
    with pytest.raises(TypeError, match="path"):
        ex.read_subset_sum_results(3)
    with pytest.raises(FileNotFoundError):
        ex.read_subset_sum_results(tmp_path / "missing.json")
    run = {"law": "product", "device": "cpu", "instances": 10, "seconds": 1.0, "cpu_seconds": 1.0,
           "error_median": 1e-6, "error_max": 0.1, "eps": 0.01, "within_eps": 9, "load_average": "1.00"}  # fmt: skip
    row = {"method": "solve (cpu)", "instances": 10, "seconds": 1.0, "microseconds_per_instance": 1e5,
           "times_solve": 1.0, "agrees": None}  # fmt: skip
    good = {"date": "d", "machine": "m", "versions": "v", "load_average_start": "1.00",
            "paper": {"instances": 10, "n": 3, "seconds": 5.0, "cores": 1},
            "paper_scale": [run], "sizes": [{"n": 3, "rows": [row]}]}  # fmt: skip
    path = tmp_path / "results.json"
    path.write_text(json.dumps(good))
    back = ex.read_subset_sum_results(path)
    assert back.headline("product")["within_eps"] == 9 and back.table().cells == [
        ["3", "solve (cpu)", "10", "100,000.0", "1", "(reference)"]
    ]
    assert back.source == "benchmarks/subset_sum.py, this run"
    for change, message in (
        ({"sizes": None}, None),
        ({"paper": {"n": 3}}, "paper"),
        ({"paper_scale": [{**run, "within_eps": 11}]}, "within_eps"),
        ({"paper_scale": [{**run, "seconds": 0.0}]}, "seconds"),
        ({"sizes": [{"n": 3, "rows": [{**row, "agrees": True}]}]}, "reference"),
        ({"sizes": [{"n": 3, "rows": [{"method": "x"}]}]}, "lacks"),
        ({"sizes": [{"n": 3, "rows": [{**row, "instances": 0}]}]}, "instances"),
    ):
        bad = {**good, **change}
        if message is None:
            del bad["sizes"]
        path.write_text(json.dumps(bad))
        with pytest.raises(ValueError, match=message or "sizes"):
            ex.read_subset_sum_results(path)
