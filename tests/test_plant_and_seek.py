"""Tests of lthbook.plant_and_seek: overlap metrics on hand-made masks, the pipeline on a tiny case."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from lthbook import construction
from lthbook import plant_and_seek as ps
from lthbook.data import Dataset
from lthbook.plant_and_seek import (
    PlantAndSeekResult,
    layer_overlaps,
    mask_overlap,
    plant_and_seek,
    seek,
    supermask_copy,
    train_target,
)

CPU = "cpu"


def test_overlap_of_hand_made_masks():
    planted = torch.tensor([[True, True, False], [False, True, False]])  # 3 kept of 6
    found = torch.tensor([[True, False, False], [False, True, True]])  # 3 kept, 2 in common
    o = mask_overlap(found, planted)
    assert (o.found, o.planted, o.common, o.union, o.size) == (3, 3, 2, 4, 6)
    assert o.precision == pytest.approx(2 / 3) and o.recall == pytest.approx(2 / 3)
    assert o.jaccard == pytest.approx(2 / 4) and o.chance_precision == pytest.approx(3 / 6)
    # Equal sizes: Jaccard = p / (2 − p).
    assert o.jaccard == pytest.approx(o.precision / (2 - o.precision))
    # A subset of S*: precision 1, recall below 1.
    sub = mask_overlap(torch.tensor([True, False, False, False]), torch.tensor([True, True, False, False]))
    assert (sub.precision, sub.recall, sub.jaccard) == (1.0, 0.5, 0.5)
    # Disjoint, identical, empty.
    assert mask_overlap(torch.tensor([True, False]), torch.tensor([False, True])).jaccard == 0.0
    assert mask_overlap(planted, planted).jaccard == 1.0
    empty = mask_overlap(torch.zeros(3, dtype=torch.bool), torch.zeros(3, dtype=torch.bool))
    assert math.isnan(empty.precision) and math.isnan(empty.recall) and empty.jaccard == 1.0
    both = layer_overlaps([found, planted], [planted, planted])
    assert [x.jaccard for x in both] == [0.5, 1.0]


@pytest.mark.parametrize(
    "call, error, word",
    [
        (lambda: mask_overlap(torch.ones(2), torch.ones(2, dtype=torch.bool)), TypeError, "found"),
        (lambda: mask_overlap(torch.ones(2, dtype=torch.bool), [True, True]), TypeError, "planted"),
        (lambda: mask_overlap(torch.ones(2, dtype=torch.bool), torch.ones(3, dtype=torch.bool)), ValueError, "shape"),
        (lambda: layer_overlaps([torch.ones(2, dtype=torch.bool)], []), ValueError, "one mask per layer"),
    ],
)
def test_overlap_bad_inputs(call, error, word):
    with pytest.raises(error, match=word):
        call()


@pytest.fixture(scope="module")
def tiny():
    """A target (4, 3, 3) and data labelled by the target itself: the target is 100% accurate."""
    g = torch.Generator().manual_seed(0)
    target = [3.0 * w for w in construction.random_target((4, 3, 3), generator=g, device=CPU)]  # any scale
    x = torch.rand(300, 4, generator=g, dtype=torch.float64)
    y = construction.target_forward(target, x).argmax(dim=1)
    data = Dataset(
        X_train=x[:200], y_train=y[:200], X_test=x[200:], y_test=y[200:], name="tiny", num_classes=3, input_dim=4
    )
    return target, data


def test_planted_start_without_training_finds_s_star_exactly(tiny):
    target, data = tiny
    result = plant_and_seek(
        target, data, n=12, epochs=0, start="planted", num_points=200, adversarial_steps=5, device=CPU
    )
    assert isinstance(result, PlantAndSeekResult)
    assert result.target_accuracy == 1.0  # labels are the target's own predictions
    assert result.layer_widths == (4, 96, 3, 72, 3)
    planted = result.planted
    assert all(o.precision == o.recall == o.jaccard == 1.0 for o in planted.overlaps)
    assert 0 < planted.sampled_error <= result.certified_bound
    assert planted.output_error_max <= result.certified_bound  # test inputs lie on the sphere
    for sought in result.sought:
        assert sought.kept == planted.kept
        assert all(o.jaccard == 1.0 for o in sought.overlaps)
        assert sought.test_accuracy == planted.test_accuracy
        assert sought.output_error_max == planted.output_error_max
    # Where the target's margin exceeds twice the certified bound, S* must predict the same class.
    normalized = construction.normalize_to_class(target)
    x = data.X_test / data.X_test.norm(dim=1, keepdim=True)
    top2 = construction.target_forward(normalized, x).topk(2, dim=1).values
    safe = float(((top2[:, 0] - top2[:, 1]) > 2 * result.certified_bound).double().mean())
    assert planted.test_accuracy >= safe > 0


def test_edge_popup_keeps_s_star_sizes_and_its_training_loss_falls(tiny):
    target, data = tiny
    untrained = plant_and_seek(target, data, n=12, epochs=0, num_points=50, adversarial_steps=0, device=CPU)
    trained = plant_and_seek(target, data, n=12, epochs=8, lr=0.01, num_points=50, adversarial_steps=0, device=CPU)
    assert trained.keep_fractions == untrained.keep_fractions
    assert trained.certified_bound == untrained.certified_bound  # the same network and S*
    for before, after in zip(untrained.sought, trained.sought):
        assert after.kept == trained.planted.kept  # same kept count per layer as S*
        assert len(after.train_losses) == 8 and before.train_losses == ()
        assert any(o.jaccard < 1 for o in after.overlaps)  # a random start does not land on S*
    # With the labels, edge-popup lowers its training loss (cross-entropy).
    labels = trained.sought[0]
    assert labels.name == "edge-popup (labels)"
    assert labels.train_losses[-1] < labels.train_losses[0]


def test_keep_scale_doubles_edge_popups_share(tiny):
    target, data = tiny
    result = plant_and_seek(
        target, data, n=12, modes=("target",), epochs=0, keep_scale=2.0, num_points=20, adversarial_steps=0, device=CPU
    )
    for kept, planted, layer in zip(result.sought[0].kept, result.planted.kept, result.sought[0].overlaps):
        assert kept == min(layer.size, math.floor(2 * planted + 0.5))
        assert layer.found == kept and layer.planted == planted


def test_train_target_returns_float64_weights_of_the_right_shapes(tiny):
    _, data = tiny
    weights = train_target(data, (5,), epochs=3, lr=0.05, device=CPU)
    assert [tuple(w.shape) for w in weights] == [(5, 4), (3, 5)]
    assert all(w.dtype == torch.float64 for w in weights)
    again = train_target(data, (5,), epochs=3, lr=0.05, device=CPU)
    assert all(torch.equal(a, b) for a, b in zip(weights, again))  # seeded


def test_supermask_copy_holds_the_random_weights_and_starts_at_given_masks():
    network = construction.RandomNetwork.sample((3, 2, 2), 3, generator=torch.Generator().manual_seed(1), device=CPU)
    target = construction.random_target((3, 2, 2), generator=torch.Generator().manual_seed(2), device=CPU)
    pruned = construction.prune_to(network, target)
    fractions = [int(m.sum()) / m.numel() for m in pruned.masks]
    model = supermask_copy(network, fractions, start_masks=pruned.masks)
    for layer, weight, mask in zip(model.supermask_layers(), network.weights, pruned.masks):
        assert torch.equal(layer.weight, weight) and not layer.weight.requires_grad
        assert torch.equal(layer.mask(), mask)
    x = torch.randn(5, 3, dtype=torch.float64)
    assert torch.allclose(model(x), pruned.forward(x), rtol=0, atol=1e-12)
    before = [layer.weight.clone() for layer in model.supermask_layers()]
    seek(model, x, labels=torch.tensor([0, 1, 0, 1, 1]), epochs=2, lr=0.1)
    assert all(torch.equal(a, layer.weight) for a, layer in zip(before, model.supermask_layers()))


def test_pipeline_bad_inputs(tiny):
    target, data = tiny
    with pytest.raises(ValueError, match="modes"):
        plant_and_seek(target, data, n=4, modes=("weights",), device=CPU)
    with pytest.raises(ValueError, match="start"):
        plant_and_seek(target, data, n=4, start="middle", device=CPU)
    with pytest.raises(ValueError, match="epochs"):
        plant_and_seek(target, data, n=4, epochs=-1, device=CPU)
    with pytest.raises(ValueError, match="keep_scale"):
        plant_and_seek(target, data, n=4, keep_scale=0, device=CPU)
    with pytest.raises(TypeError, match="data"):
        plant_and_seek(target, (data.X_train, data.y_train), n=4, device=CPU)
    with pytest.raises(ValueError, match="d_0 = 3"):
        plant_and_seek([w[:, :3] if i == 0 else w for i, w in enumerate(target)], data, n=4, device=CPU)
    network = construction.RandomNetwork.sample((4, 3, 3), 2, device=CPU)
    with pytest.raises(ValueError, match="keep_fractions"):
        supermask_copy(network, [0.5])
    with pytest.raises(ValueError, match="exactly one"):
        seek(supermask_copy(network, [0.5] * 4), data.X_train, epochs=1)


# ----------------------------------------------------------------------------------------
# The benchmark's committed output, read back
# ----------------------------------------------------------------------------------------

_SAMPLE = """Chapter 7 benchmark: plant and seek
date: 2026-01-02T03:04:05; load average at start: 1.00
machine: Some CPU, 2 logical cores, torch threads 2

A. Plant and seek on digits 64–32–10
target test accuracy 0.950; random network widths (4, 96, 3, 72, 3), n = 12, cap 20; S* certified bound 2.500e-02
S* kept share per layer: 0.2500, 0.5000
ticket                 keep× epochs    acc   err max  err mean   sampled  precision per layer (chance)
planted S*                 -      -  0.950 1.000e-02 5.000e-03 2.000e-02  1.000 (0.250), 1.000 (0.500)
edge-popup (labels) 2 8 0.900 3.000e+00 1.000e+00 4.000e+00 0.300 (0.250), 0.400 (0.500); loss 1.5 → 0.25; 12 s

B. Depth l + 1 against Theorem 1 (2l)
"""


def test_read_benchmark_on_a_hand_made_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text(_SAMPLE, encoding="utf-8")
    bench = ps.read_benchmark(path)
    assert bench.date == "2026-01-02T03:04:05" and bench.machine.startswith("Some CPU")
    assert (bench.target_accuracy, bench.layer_widths, bench.n, bench.cap) == (0.95, (4, 96, 3, 72, 3), 12, 20)
    assert bench.certified_bound == 0.025 and bench.kept_shares == (0.25, 0.5)
    planted, sought = bench.rows
    assert planted.ticket == "planted S*" and planted.keep_scale is None and planted.epochs is None
    assert planted.precision == (1.0, 1.0) and planted.loss_first is None and planted.seconds is None
    assert (sought.keep_scale, sought.epochs, sought.accuracy) == (2.0, 8, 0.9)
    assert (sought.error_max, sought.error_mean, sought.sampled_error) == (3.0, 1.0, 4.0)
    assert sought.precision == (0.3, 0.4) and sought.chance == (0.25, 0.5)
    assert (sought.loss_first, sought.loss_last, sought.seconds) == (1.5, 0.25, 12.0)
    table = bench.table().splitlines()
    assert len(table) == 3 and table[2].split()[-1] == "1.00"  # mean of 0.3/0.25 and 0.4/0.5


def test_read_benchmark_on_the_committed_output():
    bench = ps.read_benchmark(Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "plant_and_seek.txt")
    assert bench.rows[0].ticket == "planted S*" and all(p == 1.0 for p in bench.rows[0].precision)
    assert len(bench.layer_widths) == 5 and len(bench.kept_shares) == 4
    for row in bench.rows[1:]:
        assert row.ticket.startswith("edge-popup") and len(row.precision) == len(row.chance) == 4
        assert row.epochs is not None and row.keep_scale is not None


def test_read_benchmark_refuses_incomplete_files(tmp_path):
    with pytest.raises(TypeError, match="path"):
        ps.read_benchmark(3)
    with pytest.raises(FileNotFoundError):
        ps.read_benchmark(tmp_path / "missing.txt")
    broken = tmp_path / "broken.txt"
    broken.write_text(_SAMPLE.replace("S* kept share per layer", "kept"), encoding="utf-8")
    with pytest.raises(ValueError, match="part A"):
        ps.read_benchmark(broken)
    rowless = tmp_path / "rowless.txt"
    rowless.write_text("\n".join(line for line in _SAMPLE.splitlines() if "0.950 1.000e-02" not in line))
    with pytest.raises(ValueError, match="no ticket rows"):
        ps.read_benchmark(rowless)


def test_excess_over_chance_is_a_hypergeometric_z_score(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text(_SAMPLE, encoding="utf-8")
    bench = ps.read_benchmark(path)
    planted, sought = bench.excess_over_chance()
    # Layer 1: N = 4·96 = 384, |S*| = 96, edge-popup keeps 2·96 = 192 with precision 0.3.
    q, kept, size = 0.25, 192, 384
    sd = math.sqrt(kept * q * (1 - q) * (size - kept) / (size - 1))
    assert sought[0] == pytest.approx((0.3 * kept - kept * q) / sd)
    # Layer 2: N = 96·3 = 288 and |M| = min(288, 2·144): the whole layer, no spread: z = 0.
    assert sought[1] == 0.0
    assert all(z > 3 for z in planted)  # S* against itself: far above chance
