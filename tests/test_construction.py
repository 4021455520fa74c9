"""Tests of lthbook.construction: the random network of Theorem 1, its pruning and its error (chapter 4)."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch
from torch import nn

from lthbook.construction import (
    MEASURED_CONSTANT,
    PrunedNetwork,
    RandomNetwork,
    certified_error_bound,
    malach_width_factor,
    network_memory_bytes,
    normalize_to_class,
    per_instance_budget,
    prune_to,
    random_target,
    required_n,
    sampled_error,
    target_forward,
    width_factor,
)
from lthbook.subset_sum import brute_force

CPU = "cpu"


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture(scope="module")
def small() -> tuple[RandomNetwork, list[torch.Tensor], PrunedNetwork]:
    """widths (4, 3, 2), n = 6: small enough to check every instance by brute force."""
    network = RandomNetwork.sample((4, 3, 2), 6, generator=generator(0), device=CPU)
    target = random_target((4, 3, 2), generator=generator(1), device=CPU)
    return network, target, prune_to(network, target)


def test_sample_shapes_dtype_range():
    network = RandomNetwork.sample((4, 3, 2), 5, generator=generator(2), device=CPU)
    assert [tuple(w.shape) for w in network.weights] == [(40, 4), (3, 40), (30, 3), (2, 30)]
    assert network.hidden_widths == (40, 30) and network.block_sizes == (10, 10)
    assert network.depth == 2 and network.n == 5 and network.widths == (4, 3, 2)
    assert all(w.dtype == torch.float64 and float(w.abs().max()) <= 1 for w in network.weights)
    assert network.num_parameters == 40 * 4 + 3 * 40 + 30 * 3 + 2 * 30
    assert network_memory_bytes((4, 3, 2), 5) == 8 * network.num_parameters


def test_positive_inputs_only_has_smaller_widths():
    full = RandomNetwork.sample((8, 6, 4, 2), 5, generator=generator(3), device=CPU)
    half = RandomNetwork.sample((8, 6, 4, 2), 5, positive_inputs_only=True, generator=generator(3), device=CPU)
    assert full.hidden_widths == (80, 60, 40)
    assert half.hidden_widths == (80, 30, 20)  # m_i = n·d_{i−1} for i ≥ 2
    assert [tuple(w.shape) for w in half.weights] == [(80, 8), (6, 80), (30, 6), (4, 30), (20, 4), (2, 20)]
    assert half.num_parameters < full.num_parameters


def test_same_seed_same_network_whatever_the_target():
    widths = (4, 3, 2)
    network = RandomNetwork.sample(widths, 6, generator=generator(4), device=CPU)
    before = [w.clone() for w in network.weights]
    for seed in (10, 11):
        prune_to(network, random_target(widths, generator=generator(seed), device=CPU))
    fresh = RandomNetwork.sample(widths, 6, generator=generator(4), device=CPU)
    for original, after, again in zip(before, network.weights, fresh.weights):
        assert torch.equal(original, after) and torch.equal(original, again)


def test_masks_boolean_shapes_and_pruned_weights_bit_for_bit(small):
    network, _, pruned = small
    assert len(pruned.masks) == len(network.weights) == 4
    for mask, weight, kept in zip(pruned.masks, network.weights, pruned.pruned_weights()):
        assert mask.dtype == torch.bool and mask.shape == weight.shape
        assert torch.equal(kept, mask * weight)
    assert pruned.kept_counts() == tuple(int(m.sum()) for m in pruned.masks)
    assert pruned.sparsity() == pytest.approx([1 - int(m.sum()) / m.numel() for m in pruned.masks])


def test_odd_masks_are_block_diagonal_and_halves_use_the_right_sign(small):
    network, _, pruned = small
    for i, block in enumerate(network.block_sizes, start=1):
        first_mask, second_mask = pruned.masks[2 * i - 2], pruned.masks[2 * i - 1]
        first = network.weights[2 * i - 2]
        rows, cols = torch.nonzero(first_mask, as_tuple=True)
        assert int(first_mask.sum(dim=1).max()) <= 1
        assert torch.equal(cols, rows // block)  # unit k of block j sees only input j
        # A unit is kept in the second layer exactly when its first-layer edge is kept.
        assert torch.equal(second_mask.any(dim=0), first_mask.any(dim=1))
        assert bool((first[rows, cols] != 0).all())


def test_pair_computes_a_plus_h_plus_plus_a_minus_h_minus(small):
    network, target, pruned = small
    weights = pruned.pruned_weights()
    h = torch.randn(50, 4, dtype=torch.float64, generator=generator(5))
    pair = torch.relu(h @ weights[0].T) @ weights[1].T
    a_plus = target[0] + pruned.positive_residuals[0]  # residual = value − target
    a_minus = pruned.negative_residuals[0] - target[0]  # residual = value − (−W)
    expected = h.clamp(min=0) @ a_plus.T + (-h).clamp(min=0) @ a_minus.T
    torch.testing.assert_close(pair, expected, atol=1e-12, rtol=0)


def test_every_instance_is_the_exact_subset_sum_optimum(small):
    network, target, pruned = small
    for i, block in enumerate(network.block_sizes, start=1):
        first, second = network.weights[2 * i - 2], network.weights[2 * i - 1]
        d_out, d_in = target[i - 1].shape
        for r in range(d_out):
            for j in range(d_in):
                units = torch.arange(j * block, (j + 1) * block)
                u, v = first[units, j], second[r, units]
                halves = [(1.0, pruned.positive_residuals)] + ([(-1.0, pruned.negative_residuals)] if i == 1 else [])
                for sign, residuals in halves:
                    eligible = u > 0 if sign > 0 else u < 0
                    goal = sign * target[i - 1][r, j]
                    best = (
                        float(goal.abs())
                        if not bool(eligible.any())
                        else float(brute_force((v * u.abs())[eligible], goal, device=CPU).error[0])
                    )
                    assert abs(float(residuals[i - 1][r, j].abs()) - best) <= 1e-12


@pytest.mark.parametrize("widths", [(4, 3, 2), (8, 6, 4, 2)])
@pytest.mark.parametrize("eps", [0.05, 0.01])
def test_certified_bound_below_eps_and_above_sampled_error(widths, eps):
    # n from the theorem's formula with C = 2 (a fixed value, so the test does not move when
    # MEASURED_CONSTANT is updated); fixed seeds make the test deterministic.
    n = required_n(eps, eps, constant=2.0, widths=widths)
    network = RandomNetwork.sample(widths, n, generator=generator(1), device=CPU)
    target = random_target(widths, generator=generator(101), device=CPU)
    pruned = prune_to(network, target)
    certificate = certified_error_bound(pruned, target)
    sampled = sampled_error(pruned, target, 500, adversarial_steps=20, refine_points=32, generator=generator(7))
    assert 0 < sampled <= certificate.bound < eps
    assert len(certificate.layer_errors) == len(widths) - 1
    assert certificate.propagated[-1] == certificate.bound
    # For targets of the class, e_l ≤ exp(Σ η_i) − 1.
    assert certificate.bound <= math.expm1(sum(certificate.layer_errors)) + 1e-15


def test_one_random_network_serves_several_targets():
    widths = (4, 3, 2)
    network = RandomNetwork.sample(widths, 27, generator=generator(2), device=CPU)
    for seed in range(3):
        target = random_target(widths, generator=generator(200 + seed), device=CPU)
        assert certified_error_bound(prune_to(network, target), target).bound < 0.01


def test_positive_inputs_only_still_meets_eps():
    widths, eps, n = (8, 6, 4, 2), 0.01, 32
    network = RandomNetwork.sample(widths, n, positive_inputs_only=True, generator=generator(0), device=CPU)
    target = random_target(widths, generator=generator(100), device=CPU)
    pruned = prune_to(network, target)
    assert pruned.negative_residuals[0] is not None
    assert pruned.negative_residuals[1] is None and pruned.negative_residuals[2] is None
    for i in (2, 3):  # layers with inputs ≥ 0 keep only units with M_kj > 0
        first = network.weights[2 * i - 2]
        assert bool((first[pruned.masks[2 * i - 2]] > 0).all())
    certificate = certified_error_bound(pruned, target)
    assert certificate.bound < eps
    sampled = sampled_error(pruned, target, 500, adversarial_steps=10, refine_points=16, generator=generator(8))
    assert sampled <= certificate.bound


@pytest.fixture(scope="module")
def deep() -> tuple[RandomNetwork, list[torch.Tensor], PrunedNetwork]:
    """widths (8, 8, 8, 4), n = 20: the network on which 29% of the kept weights used to be dead."""
    widths = (8, 8, 8, 4)
    network = RandomNetwork.sample(widths, 20, generator=generator(0), device=CPU)
    target = random_target(widths, generator=generator(1), device=CPU)
    return network, target, prune_to(network, target)


def dead_units(network: RandomNetwork, i: int) -> torch.Tensor:
    """Bool (m_i,): the hidden units of pair i whose block weight M_kj is < 0 (k in block j)."""
    block = network.block_sizes[i - 1]
    first = network.weights[2 * i - 2]
    units = torch.arange(first.shape[0])
    return first[units, units // block] < 0


def test_no_kept_weight_belongs_to_a_unit_that_never_fires(deep):
    # Pairs i ≥ 2 read a ReLU output h ≥ 0, on which a unit with M_kj < 0 outputs σ(M_kj h_j) = 0.
    network, _, pruned = deep
    for i in range(2, network.depth + 1):
        dead = dead_units(network, i)
        assert int(dead.sum()) > 0  # there are such units to prune
        assert int(pruned.masks[2 * i - 2][dead].sum()) == 0
        assert int(pruned.masks[2 * i - 1][:, dead].sum()) == 0
        assert pruned.negative_residuals[i - 1] is None
    # The first pair reads inputs of both signs: its negative halves are built and used.
    assert pruned.negative_residuals[0] is not None
    assert int(pruned.masks[1][:, dead_units(network, 1)].sum()) > 0


def test_dead_units_change_neither_the_function_nor_the_certificate(deep):
    # Put back, in every pair i ≥ 2, every unit with M_kj < 0, read by every row (more than
    # the old negative halves ever kept): g_S and the certificate must not move.
    network, target, pruned = deep
    masks = list(pruned.masks)
    for i in range(2, network.depth + 1):
        dead = dead_units(network, i)
        block = network.block_sizes[i - 1]
        first_mask = masks[2 * i - 2].clone()
        rows = torch.nonzero(dead).flatten()
        first_mask[rows, rows // block] = True
        second_mask = masks[2 * i - 1].clone()
        second_mask[:, dead] = True
        masks[2 * i - 2], masks[2 * i - 1] = first_mask, second_mask
    padded = dataclasses.replace(pruned, masks=tuple(masks))
    assert sum(padded.kept_counts()) > 1.3 * sum(pruned.kept_counts())
    x = torch.randn(2000, 8, dtype=torch.float64, generator=generator(21))
    x = x * torch.rand(2000, 1, dtype=torch.float64, generator=generator(22)) / x.norm(dim=1, keepdim=True)
    before, after = padded.forward(x), pruned.forward(x)
    assert float((before - after).abs().max()) <= 1e-15 * float(before.abs().max())
    old, new = certified_error_bound(padded, target), certified_error_bound(pruned, target)
    assert new.bound == old.bound and new.layer_errors == old.layer_errors
    assert new.bound < 1e-3


def test_to_sequential_and_apply_to_reproduce_forward(small):
    network, _, pruned = small
    x = torch.randn(64, 4, dtype=torch.float64, generator=generator(9))
    expected = pruned.forward(x)
    sequential = pruned.to_sequential()
    assert all(isinstance(layer, (nn.Linear, nn.ReLU)) for layer in sequential)
    assert all(layer.bias is None for layer in sequential if isinstance(layer, nn.Linear))
    with torch.no_grad():
        torch.testing.assert_close(sequential(x), expected, atol=1e-14, rtol=0)
    module = network.to_sequential()
    with torch.no_grad():
        torch.testing.assert_close(module(x), network.forward(x), atol=1e-14, rtol=0)
    returned = pruned.apply_to(module)
    assert returned is module
    linears = [layer for layer in module if isinstance(layer, nn.Linear)]
    for linear, mask, weight in zip(linears, pruned.masks, network.weights):
        assert torch.equal(linear.weight_mask.bool(), mask)
        assert torch.equal(linear.weight_orig.detach(), weight)
    with torch.no_grad():
        torch.testing.assert_close(module(x), expected, atol=1e-14, rtol=0)


def test_apply_to_refuses_another_network(small):
    _, _, pruned = small
    other = RandomNetwork.sample((4, 3, 2), 6, generator=generator(99), device=CPU).to_sequential()
    with pytest.raises(ValueError, match="random weights"):
        pruned.apply_to(other)
    with pytest.raises(ValueError, match="Linear layers"):
        pruned.apply_to(nn.Sequential(nn.Linear(4, 3)))


def test_certificate_refuses_units_that_see_two_inputs(small):
    _, target, pruned = small
    masks = list(pruned.masks)
    masks[0] = masks[0].clone()
    masks[0][0, :2] = True
    with pytest.raises(ValueError, match="block-diagonal"):
        certified_error_bound(dataclasses.replace(pruned, masks=tuple(masks)), target)


def test_target_helpers():
    widths = (5, 4, 3)
    target = random_target(widths, generator=generator(11), device=CPU)
    assert [tuple(w.shape) for w in target] == [(4, 5), (3, 4)]
    for w in target:
        assert abs(float(torch.linalg.matrix_norm(w, ord=2)) - 1) < 1e-12
    smaller = random_target(widths, spectral_norm=0.5, generator=generator(11), device=CPU)
    torch.testing.assert_close(smaller[0], 0.5 * target[0])
    x = torch.randn(10, 5, dtype=torch.float64, generator=generator(12))
    torch.testing.assert_close(target_forward(target, x), torch.relu(x @ target[0].T) @ target[1].T)

    trained = [3.0 * target[0], 0.2 * target[1]]
    normalized = normalize_to_class(trained)
    for w in normalized:
        assert abs(float(torch.linalg.matrix_norm(w, ord=2)) - 1) < 1e-12
    scale = 3.0 * 0.2  # Π ‖W_i‖: the normalised network is f / scale
    torch.testing.assert_close(target_forward(normalized, x) * scale, target_forward(trained, x))
    assert torch.equal(target_forward(normalized, x).argmax(1), target_forward(trained, x).argmax(1))


def test_width_formulas():
    eps_prime, delta_prime = per_instance_budget(0.01, 0.01, 784, 500, 2)
    assert eps_prime == pytest.approx(0.01 / (4 * math.sqrt(2 * 784 * 500)))
    assert delta_prime == pytest.approx(0.01 / (4 * 784 * 500))
    n = required_n(0.01, 0.01, 784, 500, 2)
    assert n == math.ceil(MEASURED_CONSTANT * math.log2(2 / min(eps_prime, delta_prime)))
    assert width_factor(0.01, 0.01, 784, 500, 2) == 2 * n
    assert required_n(0.001, 0.01, 8, 8, 2) > required_n(0.01, 0.01, 8, 8, 2)
    assert required_n(0.01, 0.01, 64, 64, 2) > required_n(0.01, 0.01, 8, 8, 2)
    assert required_n(0.01, 0.01, 8, 8, 2, constant=3.0) > required_n(0.01, 0.01, 8, 8, 2, constant=1.0)
    assert malach_width_factor(0.1, 0.1, 10, 2) == pytest.approx(10**4 * 4 / 0.01 * math.log(10 * 2 / 0.1))


@pytest.mark.parametrize(
    ("widths", "largest"),
    [((784, 500, 10), (784, 500)), ((8, 8, 8, 4), (8, 8)), ((3, 50, 40, 2), (50, 40)), ((10, 2, 30), (2, 30))],
)
def test_width_formulas_read_the_largest_layer_from_widths(widths, largest):
    # The widths= form is the positional one at the layer with the most weights d_{i−1}·d_i,
    # wherever it stands (first, middle or last), with depth l = len(widths) − 1.
    d_in, d_out = largest
    depth = len(widths) - 1
    assert per_instance_budget(0.05, 0.1, widths=widths) == per_instance_budget(0.05, 0.1, d_in, d_out, depth)
    assert required_n(0.05, 0.1, widths=widths, constant=3.0) == required_n(0.05, 0.1, d_in, d_out, depth, 3.0)
    assert width_factor(0.05, 0.1, widths=widths) == width_factor(0.05, 0.1, d_in, d_out, depth)
    # A smaller layer would give a smaller n: the form does not take the first or last layer.
    smaller = min(zip(widths[:-1], widths[1:]), key=lambda pair: pair[0] * pair[1])
    if smaller[0] * smaller[1] < d_in * d_out:
        assert per_instance_budget(0.05, 0.1, *smaller, depth)[1] > per_instance_budget(0.05, 0.1, widths=widths)[1]


@pytest.mark.parametrize(
    ("call", "error", "word"),
    [
        (lambda: RandomNetwork.sample((4,), 3), ValueError, "widths"),
        (lambda: RandomNetwork.sample(4, 3), TypeError, "widths"),
        (lambda: RandomNetwork.sample((4, 0), 3), ValueError, r"widths\[1\]"),
        (lambda: RandomNetwork.sample((4, 2), 0), ValueError, "n"),
        (lambda: RandomNetwork.sample((4, 2), 3, generator="seed"), TypeError, "generator"),
        (lambda: RandomNetwork.sample((4, 2), 3, positive_inputs_only="yes"), TypeError, "positive_inputs_only"),
        (lambda: RandomNetwork.sample((784, 500, 10), 400), ValueError, "memory_budget_bytes"),
        (lambda: required_n(0.0, 0.1, 4, 4, 2), ValueError, "eps"),
        (lambda: required_n(-0.1, 0.1, 4, 4, 2), ValueError, "eps"),
        (lambda: required_n(0.1, 1.0, 4, 4, 2), ValueError, "delta"),
        (lambda: required_n(0.1, 0.1, 0, 4, 2), ValueError, "d_in"),
        (lambda: required_n(0.1, 0.1, 4, 4, 2, constant=0), ValueError, "constant"),
        (lambda: required_n(0.1, 0.1, 4, 4, 2, widths=(4, 4, 4)), TypeError, "not both"),
        (lambda: required_n(0.1, 0.1, 4), TypeError, "widths"),
        (lambda: width_factor(0.1, 0.1, widths=(4,)), ValueError, "widths"),
        (lambda: per_instance_budget(0.1, 0.1, widths=(4, 0)), ValueError, r"widths\[1\]"),
        (lambda: random_target((3, 2), spectral_norm=1.5), ValueError, "spectral_norm"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, error, word):
    with pytest.raises(error, match=word):
        call()


def test_bad_targets_raise_naming_the_argument(small):
    network, target, pruned = small
    with pytest.raises(ValueError, match=r"target_weights\[0\].*spectral norm"):
        prune_to(network, [1.01 * target[0] / float(torch.linalg.matrix_norm(target[0], ord=2)), target[1]])
    with pytest.raises(ValueError, match=r"target_weights\[1\]"):
        prune_to(network, [target[0], torch.zeros(3, 3, dtype=torch.float64)])
    with pytest.raises(ValueError, match="l = 2"):
        prune_to(network, [target[0]])
    with pytest.raises(TypeError, match="target_weights"):
        prune_to(network, target[0])
    with pytest.raises(TypeError, match="random_network"):
        prune_to("network", target)
    with pytest.raises(ValueError, match="x"):
        pruned.forward(torch.zeros(5, 3))
    with pytest.raises(ValueError, match="num_points"):
        sampled_error(pruned, target, 0)
    with pytest.raises(TypeError, match="pruned"):
        certified_error_bound(network, target)
    # A norm just above 1 within the tolerance (rounding of a normalisation) is accepted.
    prune_to(network, [target[0] * (1 + 1e-12), target[1]])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu():
    widths = (8, 6, 4, 2)
    target = random_target(widths, generator=generator(5), device=CPU)
    cpu = prune_to(RandomNetwork.sample(widths, 12, generator=generator(6), device="cpu"), target)
    cuda = prune_to(RandomNetwork.sample(widths, 12, generator=generator(6), device="cuda"), target)
    for a, b in zip(cpu.network.weights, cuda.network.weights):
        assert torch.equal(a, b.cpu())
    for a, b in zip(cpu.masks, cuda.masks):
        assert torch.equal(a, b.cpu())
    expected = certified_error_bound(cpu, target).bound
    assert certified_error_bound(cuda, target).bound == pytest.approx(expected, rel=1e-9)


def test_failure_experiment_counts_what_the_chapter_loop_counted():
    import math

    from lthbook.construction import failure_experiment, per_instance_budget

    widths, ns, trials, eps = (2, 2, 1), (2, 6), 4, 0.05
    result = failure_experiment(
        widths, ns, trials, eps=eps, delta=0.1, generator=torch.Generator().manual_seed(3), progress=False
    )
    # the same draws, counted by hand
    generator = torch.Generator().manual_seed(3)
    eps_prime, _ = per_instance_budget(eps, 0.1, widths=widths)
    assert result.eps_prime == eps_prime and result.instances == 2 * 2 * 2 + 2 * 1
    for k, n in enumerate(ns):
        cert = proof = bad = 0
        for _ in range(trials):
            network = RandomNetwork.sample(widths, n, generator=generator)
            target = random_target(widths, generator=generator)
            ticket = prune_to(network, target)
            residuals = torch.cat(
                [r.flatten() for r in [ticket.negative_residuals[0], *ticket.positive_residuals]]
            ).abs()
            cert += certified_error_bound(ticket, target).bound >= eps
            proof += bool((residuals > eps_prime).any())
            bad += int((residuals > eps_prime).sum())
        assert (result.certificate_fails[k], result.proof_fails[k]) == (cert, proof)
        assert math.isclose(result.instance_rate[k], bad / (trials * result.instances))
    assert result.certificate_fails[0] >= result.certificate_fails[1]  # more units, fewer failures
    assert result.union_bound() == [min(1.0, result.instances * r) for r in result.instance_rate]
    lines = result.table().splitlines()
    assert len(lines) == 2 + len(ns) and lines[2].startswith(" 2  ")
    with pytest.raises(ValueError, match="trials"):
        failure_experiment(widths, ns, 0, eps=eps, delta=0.1, generator=torch.Generator())


def test_ticket_size_table_counts_the_kept_weights():
    from lthbook.construction import ticket_size_table

    widths = (3, 2)
    network = RandomNetwork.sample(widths, 4, generator=torch.Generator().manual_seed(1))
    target = random_target(widths, generator=torch.Generator().manual_seed(2))
    ticket = prune_to(network, target)
    lines = ticket_size_table(network, ticket, target).splitlines()
    kept = ticket.kept_counts()
    assert len(lines) == 1 + 2 + 2
    assert lines[1].split()[-2] == f"{kept[0]:,}" and lines[2].split()[-2] == f"{kept[1]:,}"
    assert lines[3].startswith(f"total: {sum(kept):,} of {network.num_parameters:,}")
    assert lines[4].endswith(f"{sum(kept) / 6:.1f} kept per target weight")
    with pytest.raises(TypeError, match="network"):
        ticket_size_table(ticket, network, target)
