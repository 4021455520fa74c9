"""Tests of lthbook.gadgets: the ReLU identity, the weight gadget and the neuron gadget (chapter 3)."""

from __future__ import annotations

import pytest
import torch

from lthbook.gadgets import (
    BlockPruning,
    NeuronGadget,
    RandomGadget,
    WeightGadget,
    _balanced_candidates,
    gadget_forward,
    gadget_sup_error,
    neuron_error_bound,
    neuron_forward,
    neuron_sup_error,
    neuron_worst_input,
    prune_blocks,
    prune_neuron_gadget,
    prune_weight_gadget,
    relu_identity,
    sample_neuron_gadget,
    sample_weight_gadget,
)
from lthbook.subset_sum import brute_force

CPU = "cpu"


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture(scope="module")
def shared_gadget() -> tuple[RandomGadget, torch.Tensor, WeightGadget]:
    """One random gadget (n = 8, 16 units) pruned to 41 targets in [−1, 1]."""
    gadget = sample_weight_gadget(8, generator=generator(0), device=CPU)
    w = torch.linspace(-1, 1, 41, dtype=torch.float64)
    return gadget, w, prune_weight_gadget(gadget, w)


def test_relu_identity_is_exact():
    w = torch.randn(50, 1, dtype=torch.float64, generator=generator(1))
    x = torch.randn(1, 60, dtype=torch.float64, generator=generator(2))
    assert torch.equal(relu_identity(w, x), w * x)


def test_sample_weight_gadget_shapes_range_and_seed():
    gadget = sample_weight_gadget(5, batch=3, generator=generator(3), device=CPU)
    assert gadget.u.shape == gadget.v.shape == (3, 10)
    assert gadget.u.dtype == torch.float64
    assert gadget.u.abs().max() <= 1 and gadget.v.abs().max() <= 1
    again = sample_weight_gadget(5, batch=3, generator=generator(3), device=CPU)
    assert torch.equal(gadget.u, again.u) and torch.equal(gadget.v, again.v)
    half = sample_weight_gadget(5, positive_inputs_only=True, generator=generator(3), device=CPU)
    assert half.u.shape == (1, 5) and half.positive_inputs_only
    # The law and the order of the draws: u then v, each 2·U[0, 1) − 1 from the same generator,
    # so a seed gives the same gadget wherever the numbers are drawn from.
    g = generator(3)
    u = torch.rand(3, 10, generator=g, dtype=torch.float64) * 2 - 1
    v = torch.rand(3, 10, generator=g, dtype=torch.float64) * 2 - 1
    assert torch.equal(gadget.u, u) and torch.equal(gadget.v, v)


def test_masks_are_boolean_whole_units_and_u_v_unchanged(shared_gadget):
    gadget, w, pruned = shared_gadget
    assert pruned.first_mask.dtype == torch.bool and pruned.first_mask.shape == (41, 16)
    assert torch.equal(pruned.first_mask, pruned.second_mask)
    assert torch.equal(pruned.u, gadget.u.expand(41, -1)) and torch.equal(pruned.v, gadget.v.expand(41, -1))
    assert torch.equal(pruned.w, w)


def test_residuals_are_the_sums_of_the_kept_units_of_the_right_sign(shared_gadget):
    _, w, pruned = shared_gadget
    u, v, keep = pruned.u, pruned.v, pruned.second_mask
    a_pos = (v * u * (keep & (u > 0))).sum(dim=1)
    a_neg = (v * u.abs() * (keep & (u < 0))).sum(dim=1)
    torch.testing.assert_close(pruned.positive_residual, a_pos - w, atol=1e-12, rtol=0)
    torch.testing.assert_close(pruned.negative_residual, a_neg + w, atol=1e-12, rtol=0)
    assert not bool((keep & (u == 0)).any())


def test_each_half_is_the_exact_subset_sum_optimum(shared_gadget):
    _, w, pruned = shared_gadget
    u, v = pruned.u[0], pruned.v[0]
    positive = (v * u)[u > 0]
    negative = (v * u.abs())[u < 0]
    best_pos = brute_force(positive, w, device=CPU).error
    best_neg = brute_force(negative, -w, device=CPU).error
    torch.testing.assert_close(pruned.positive_error, best_pos, atol=1e-12, rtol=0)
    torch.testing.assert_close(pruned.negative_error, best_neg, atol=1e-12, rtol=0)


def test_sup_error_equals_dense_grid_and_max_of_the_two_subset_sum_errors(shared_gadget):
    _, w, pruned = shared_gadget
    x = torch.linspace(-1, 1, 20_001, dtype=torch.float64)  # contains −1, 0 and 1
    grid = (w[:, None] * x - gadget_forward(pruned, x)).abs().max(dim=1).values
    exact = gadget_sup_error(pruned)
    torch.testing.assert_close(grid, exact, atol=1e-12, rtol=0)
    torch.testing.assert_close(exact, torch.maximum(pruned.positive_error, pruned.negative_error), atol=1e-12, rtol=0)


def test_pruned_gadget_is_piecewise_linear_with_the_derived_slopes(shared_gadget):
    _, w, pruned = shared_gadget
    x = torch.tensor([0.3, -0.7], dtype=torch.float64)
    values = gadget_forward(pruned, x)
    a_pos = pruned.positive_residual + w  # g_S(x) = x·a⁺ for x ≥ 0
    a_neg = pruned.negative_residual - w  # g_S(x) = (−x)·a⁻ for x < 0
    torch.testing.assert_close(values[:, 0], 0.3 * a_pos, atol=1e-12, rtol=0)
    torch.testing.assert_close(values[:, 1], 0.7 * a_neg, atol=1e-12, rtol=0)


def test_unpruned_gadget_forward():
    gadget = sample_weight_gadget(3, batch=2, generator=generator(4), device=CPU)
    x = torch.tensor([-0.5, 0.25], dtype=torch.float64)
    expected = torch.stack([(gadget.v[b, :, None] * torch.relu(gadget.u[b, :, None] * x)).sum(0) for b in range(2)])
    torch.testing.assert_close(gadget_forward(gadget, x), expected, atol=1e-15, rtol=0)


def test_one_gadget_per_weight_and_error_decreases_with_n():
    w = torch.rand(200, dtype=torch.float64, generator=generator(5)) * 2 - 1
    errors = []
    for n in (4, 10):
        gadget = sample_weight_gadget(n, batch=200, generator=generator(6), device=CPU)
        errors.append(float(gadget_sup_error(prune_weight_gadget(gadget, w)).median()))
    assert errors[1] < errors[0] / 20


def test_positive_inputs_only_gadget():
    gadget = sample_weight_gadget(10, positive_inputs_only=True, generator=generator(7), device=CPU)
    w = torch.linspace(-1, 1, 9, dtype=torch.float64)
    pruned = prune_weight_gadget(gadget, w)
    assert pruned.u.shape == (9, 10) and pruned.negative_residual is None and pruned.negative_error is None
    assert not bool((pruned.second_mask & (pruned.u < 0)).any())  # units with u_k < 0 never fire on x ≥ 0
    x = torch.linspace(0, 1, 5001, dtype=torch.float64)
    grid = (w[:, None] * x - gadget_forward(pruned, x)).abs().max(dim=1).values
    torch.testing.assert_close(grid, gadget_sup_error(pruned), atol=1e-12, rtol=0)
    torch.testing.assert_close(gadget_sup_error(pruned), pruned.positive_error, atol=1e-12, rtol=0)


def test_pair_u_v_and_max_coefficients():
    gadget = sample_weight_gadget(12, generator=generator(8), device=CPU)
    w = torch.linspace(-0.5, 0.5, 7, dtype=torch.float64)
    from_pair = prune_weight_gadget((gadget.u[0], gadget.v[0]), w)
    assert torch.equal(from_pair.second_mask, prune_weight_gadget(gadget, w).second_mask)
    capped = prune_weight_gadget(gadget, w, max_coefficients=4)
    u = capped.u
    assert int((capped.second_mask & (u > 0)).sum(dim=1).max()) <= 4
    assert int((capped.second_mask & (u < 0)).sum(dim=1).max()) <= 4
    assert bool((capped.positive_error >= from_pair.positive_error - 1e-15).all())


def test_balanced_candidates():
    candidate = torch.tensor([[True] * 8, [True] * 8, [True, True, False, True, True, True, True, True]])
    coefficients = torch.tensor(
        [
            [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0],  # 4 and 4: take 2 and 2
            [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -1.0],  # 7 and 1: take 3 and 1
            [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0],  # 7 negatives, no positive: take 4
        ]
    )
    chosen = _balanced_candidates(candidate, coefficients, 4)
    expected = torch.tensor(
        [
            [True, True, True, True, False, False, False, False],
            [True, True, True, False, False, False, False, True],
            [True, True, False, True, True, False, False, False],
        ]
    )
    assert torch.equal(chosen, expected)


def test_neuron_gadget_layers_forward_and_exact_sup_error():
    d, n = 5, 6
    gadget = sample_neuron_gadget(d, n, generator=generator(9), device=CPU)
    w = torch.tensor([0.4, -0.3, 0.05, -0.6, 0.2], dtype=torch.float64)
    neuron = prune_neuron_gadget(gadget, w)
    assert isinstance(neuron, NeuronGadget) and neuron.d == d
    first = neuron.first_layer()
    assert first.shape == (d * 2 * n, d)
    assert int((first != 0).sum(dim=1).max()) <= 1  # block diagonal: each unit sees one input
    assert torch.equal(torch.nonzero(first)[:, 1], torch.nonzero(first)[:, 0] // (2 * n))
    x = torch.randn(4000, d, dtype=torch.float64, generator=generator(10))
    x = x / x.norm(dim=1, keepdim=True)
    by_blocks = gadget_forward(neuron.blocks, x.reshape(-1)).reshape(d, 4000, d).diagonal(dim1=0, dim2=2).sum(1)
    torch.testing.assert_close(neuron_forward(neuron, x), by_blocks, atol=1e-12, rtol=0)
    sup = neuron_sup_error(neuron)
    sampled = float((x @ w - neuron_forward(neuron, x)).abs().max())
    worst = neuron_worst_input(neuron)
    attained = abs(float(w @ worst - neuron_forward(neuron, worst)))
    assert sampled <= sup + 1e-12
    assert abs(float(worst.norm()) - 1) < 1e-12
    assert attained == pytest.approx(sup, abs=1e-12)
    assert sup <= neuron_error_bound(neuron) + 1e-15


def test_neuron_positive_inputs_only():
    gadget = sample_neuron_gadget(4, 10, positive_inputs_only=True, generator=generator(11), device=CPU)
    w = torch.tensor([0.3, -0.2, 0.1, 0.5], dtype=torch.float64)
    neuron = prune_neuron_gadget(gadget, w)
    x = torch.rand(5000, 4, dtype=torch.float64, generator=generator(12))
    x = x / x.norm(dim=1, keepdim=True)
    sampled = float((x @ w - neuron_forward(neuron, x)).abs().max())
    worst = neuron_worst_input(neuron)
    assert bool((worst >= 0).all())
    assert sampled <= neuron_sup_error(neuron) + 1e-12
    assert abs(float(w @ worst - neuron_forward(neuron, worst))) == pytest.approx(neuron_sup_error(neuron), abs=1e-12)


def test_prune_blocks_solves_every_row_and_block_exactly():
    # R = 3 rows, K = 2 blocks of U = 8 units: each (row, block) half is the exact optimum over
    # the units of its sign, with coefficient second[r, k, t]·|first[k, t]|.
    g = generator(5)
    first = torch.rand(2, 8, generator=g, dtype=torch.float64) * 2 - 1
    second = torch.rand(3, 2, 8, generator=g, dtype=torch.float64) * 2 - 1
    targets = torch.rand(3, 2, generator=g, dtype=torch.float64) * 2 - 1
    pruning = prune_blocks(first, second, targets, both_halves=True)
    assert isinstance(pruning, BlockPruning) and pruning.keep.shape == (3, 2, 8)
    for r in range(3):
        for k in range(2):
            coefficients = second[r, k] * first[k].abs()
            halves = ((1.0, first[k] > 0, pruning.positive_residual), (-1.0, first[k] < 0, pruning.negative_residual))
            for sign, units, residual in halves:
                kept = pruning.keep[r, k] & units
                value = float(coefficients[kept].sum())
                assert float(residual[r, k]) == pytest.approx(value - sign * float(targets[r, k]), abs=1e-12)
                best = float(brute_force(coefficients[units], sign * targets[r, k : k + 1], device=CPU).error[0])
                assert abs(float(residual[r, k])) == pytest.approx(best, abs=1e-12)
    only_positive = prune_blocks(first, second, targets, both_halves=False)
    assert only_positive.negative_residual is None
    assert not bool((only_positive.keep & (first < 0).unsqueeze(0)).any())
    torch.testing.assert_close(only_positive.positive_residual, pruning.positive_residual, atol=0, rtol=0)


def test_prune_weight_gadget_is_prune_blocks_with_one_row(shared_gadget):
    gadget, w, pruned = shared_gadget
    u, v = pruned.u, pruned.v
    pruning = prune_blocks(u, v.unsqueeze(0), w.unsqueeze(0), both_halves=True)
    assert torch.equal(pruning.keep[0], pruned.second_mask)
    assert torch.equal(pruning.positive_residual[0], pruned.positive_residual)
    assert torch.equal(pruning.negative_residual[0], pruned.negative_residual)


@pytest.mark.parametrize(
    ("call", "error", "word"),
    [
        (
            lambda: prune_blocks(torch.zeros(2, 4), torch.zeros(3, 2, 5), torch.zeros(3, 2), both_halves=True),
            ValueError,
            "prune_blocks needs",
        ),
        (
            lambda: prune_blocks(torch.zeros(2, 4), torch.zeros(3, 2, 4), torch.zeros(3, 2), both_halves=1),
            TypeError,
            "both_halves",
        ),
        (
            lambda: prune_blocks(
                torch.zeros(2, 4), torch.zeros(3, 2, 4), torch.zeros(3, 2), both_halves=True, max_coefficients=0
            ),
            ValueError,
            "max_coefficients",
        ),
        (lambda: sample_weight_gadget(0), ValueError, "n"),
        (lambda: sample_weight_gadget(2.5), TypeError, "n"),
        (lambda: sample_weight_gadget(3, batch=0), ValueError, "batch"),
        (lambda: sample_weight_gadget(3, positive_inputs_only=1), TypeError, "positive_inputs_only"),
        (lambda: sample_weight_gadget(3, generator=7), TypeError, "generator"),
        (lambda: prune_weight_gadget("gadget", 0.1), TypeError, "gadget_or_uv"),
        (lambda: prune_weight_gadget(sample_weight_gadget(3, batch=2, device=CPU), [0.1, 0.2, 0.3]), ValueError, "w"),
        (lambda: prune_weight_gadget(sample_weight_gadget(3, device=CPU), [[0.1]]), ValueError, "w"),
        (
            lambda: prune_weight_gadget(sample_weight_gadget(3, device=CPU), 0.1, max_coefficients=0),
            ValueError,
            "max_coefficients",
        ),
        (lambda: prune_weight_gadget((torch.zeros(4), torch.zeros(3)), 0.1), ValueError, "u and v"),
        (lambda: prune_neuron_gadget(sample_neuron_gadget(3, 2, device=CPU), [0.1, 0.2]), ValueError, "w"),
        (lambda: gadget_sup_error(sample_weight_gadget(3, device=CPU)), TypeError, "gadget"),
        (lambda: neuron_sup_error("neuron"), TypeError, "neuron"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, error, word):
    with pytest.raises(error, match=word):
        call()


def test_cuda_matches_cpu(cuda_device, cpu, make_rng):
    """The same seed gives the same gadget and the same pruning on both devices (marked cuda by its fixture)."""
    w = torch.linspace(-1, 1, 33, dtype=torch.float64)
    on_cpu = prune_weight_gadget(sample_weight_gadget(8, batch=33, generator=make_rng(13), device=cpu), w)
    on_cuda = prune_weight_gadget(sample_weight_gadget(8, batch=33, generator=make_rng(13), device=cuda_device), w)
    assert torch.equal(on_cpu.u, on_cuda.u.cpu())
    torch.testing.assert_close(gadget_sup_error(on_cuda).cpu(), gadget_sup_error(on_cpu), atol=1e-12, rtol=0)
