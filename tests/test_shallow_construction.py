"""Tests of lthbook.shallow_construction: depth l + 1 (Burkholz, 2022, as the book reconstructs it)."""

from __future__ import annotations

import math

import pytest
import torch

from lthbook import construction
from lthbook.shallow_construction import (
    DEFAULT_MAX_COEFFICIENTS,
    DepthComparison,
    PrunedShallowNetwork,
    ShallowNetwork,
    ShallowTicket,
    certified_shallow_bound,
    compare_with_theorem_1,
    prune_shallow,
    sampled_shallow_error,
    shallow_size,
    shallow_ticket,
)
from lthbook.subset_sum import brute_force

CPU = "cpu"


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture(scope="module")
def small():
    """widths (3, 2, 2), n = 4, ρ = 5: every instance can be checked by brute force."""
    network = ShallowNetwork.sample((3, 2, 2), 4, 5, generator=generator(0), device=CPU)
    target = construction.random_target((3, 2, 2), generator=generator(1), device=CPU)
    return network, target, prune_shallow(network, target)


def test_shapes_depth_and_law():
    network = ShallowNetwork.sample((3, 4, 2, 1), 2, 5, generator=generator(2), device=CPU)
    assert [tuple(w.shape) for w in network.weights] == [(12, 3), (20, 12), (10, 20), (1, 10)]
    assert network.depth == 4 == len((3, 4, 2, 1))  # l + 1 weight matrices
    assert network.layer_widths == (3, 12, 20, 10, 1)
    assert network.num_parameters == 36 + 240 + 200 + 10
    for weight in network.weights:
        assert weight.dtype == torch.float64 and float(weight.abs().max()) <= 1.0


def test_depth_one_is_theorem_1_exactly():
    widths, n = (4, 3), 7
    shallow = ShallowNetwork.sample(widths, n, 3, generator=generator(5), device=CPU)
    theorem = construction.RandomNetwork.sample(widths, n, generator=generator(5), device=CPU)
    for a, b in zip(shallow.weights, theorem.weights):
        assert torch.equal(a, b)
    target = construction.random_target(widths, generator=generator(6), device=CPU)
    ours, theirs = prune_shallow(shallow, target), construction.prune_to(theorem, target)
    positive, negative = ours.residuals[0]
    assert torch.allclose(positive.abs(), theirs.positive_residuals[0].abs(), rtol=0, atol=1e-12)
    assert torch.allclose(negative.abs(), theirs.negative_residuals[0].abs(), rtol=0, atol=1e-12)
    assert certified_shallow_bound(ours, target).bound == pytest.approx(
        construction.certified_error_bound(theirs, target).bound, rel=1e-9
    )


def test_ticket_is_a_subnetwork_with_block_diagonal_first_mask(small):
    network, _, pruned = small
    for mask, weight, kept in zip(pruned.masks, network.weights, pruned.pruned_weights()):
        assert mask.dtype == torch.bool and mask.shape == weight.shape
        assert torch.equal(kept, torch.where(mask, weight, torch.zeros_like(weight)))
    first = pruned.masks[0]
    assert int(first.sum(dim=1).max()) <= 1
    units = torch.nonzero(first)
    assert torch.equal(units[:, 0] // (2 * network.n), units[:, 1])  # unit k of block j reads x_j only
    # S_1 keeps exactly the units some row of S_2 reads.
    assert torch.equal(first.any(dim=1), pruned.masks[1].any(dim=0))


def test_every_instance_is_the_exact_optimum(small):
    network, target, pruned = small
    rho, block = network.rho, 2 * network.n
    first, second, third = network.weights
    replicated = target[0].repeat_interleave(rho, dim=0)
    for row in range(second.shape[0]):
        for j in range(3):
            units = torch.arange(j * block, (j + 1) * block)
            a = first[units, j]
            for half, sign in enumerate((1.0, -1.0)):
                eligible = a * sign > 0
                goal = sign * replicated[row, j]
                best = (
                    float(goal.abs())
                    if not bool(eligible.any())
                    else float(brute_force((second[row, units] * a.abs())[eligible], goal, device=CPU).error[0])
                )
                assert abs(float(pruned.residuals[0][half][row, j].abs()) - best) <= 1e-12
    for row in range(third.shape[0]):
        for j in range(2):
            coefficients = third[row, j * rho : (j + 1) * rho]
            best = float(brute_force(coefficients, target[1][row, j], device=CPU).error[0])
            assert abs(float(pruned.residuals[1][row, j].abs()) - best) <= 1e-12


def test_certificate_recursion_by_hand(small):
    network, target, pruned = small
    certificate = certified_shallow_bound(pruned, target)
    weights = pruned.pruned_weights()
    p2 = weights[2]
    a2 = p2.reshape(2, 2, network.rho).sum(dim=2)
    eta2 = float(torch.linalg.matrix_norm(a2 - target[1], ord=2))
    pi2 = float(torch.linalg.matrix_norm(p2, ord=2))
    assert certificate.amplifications == pytest.approx((pi2,), rel=1e-12)
    assert certificate.layer_errors[1] == pytest.approx(eta2, rel=1e-12)
    e1 = certificate.layer_errors[0]
    norm1 = float(torch.linalg.matrix_norm(target[0], ord=2))
    assert certificate.propagated == pytest.approx((e1, pi2 * e1 + eta2 * norm1), rel=1e-12)
    assert float(certificate) == certificate.bound == certificate.propagated[-1]


def test_certificate_bounds_the_error_of_arbitrary_masks():
    # Any masks with a univariate first layer: the bound must still hold (here it is large).
    widths = (3, 3, 2)
    network = ShallowNetwork.sample(widths, 3, 4, generator=generator(8), device=CPU)
    target = construction.random_target(widths, generator=generator(9), device=CPU)
    rng = generator(10)
    first = torch.zeros_like(network.weights[0], dtype=torch.bool)
    first.reshape(3, 6, 3).diagonal(dim1=0, dim2=2).copy_(torch.rand(6, 3, generator=rng) < 0.7)
    masks = (first,) + tuple(torch.rand(w.shape, generator=rng) < 0.5 for w in network.weights[1:])
    pruned = PrunedShallowNetwork(network=network, masks=masks, residuals=())
    certificate = certified_shallow_bound(pruned, target)
    sampled = sampled_shallow_error(pruned, target, 2000, adversarial_steps=30, generator=generator(11))
    assert 0 < sampled <= certificate.bound


@pytest.mark.parametrize(
    "widths, eps, delta, seed",
    [
        ((4, 3, 2), 0.1, 0.05, 11),
        ((3, 4, 2), 0.01, 0.1, 12),
        ((6, 4, 3), 0.1, 0.1, 13),
        ((6, 4, 3), 0.01, 0.01, 14),
        ((5, 5, 5, 2), 0.05, 0.02, 15),
        ((2, 1, 2, 1), 0.02, 0.1, 16),
    ],
)
def test_sampled_below_certified_below_eps_at_the_sizing_rule(widths, eps, delta, seed):
    # The package's defaults end to end: ρ at construction.MEASURED_CONSTANT (71–139 here),
    # pruning capped at DEFAULT_MAX_COEFFICIENTS candidates per instance, certified bound from
    # the masks chosen, on random targets of several shapes (fixed seeds: deterministic).
    size = shallow_size(eps, delta, widths)
    assert size == shallow_size(eps, delta, widths, construction.MEASURED_CONSTANT)
    network = ShallowNetwork.sample(widths, size.n, size.rho, generator=generator(seed), device=CPU)
    assert network.depth == len(widths)  # l + 1
    target = construction.random_target(widths, generator=generator(seed + 100), device=CPU)
    pruned = prune_shallow(network, target)
    assert pruned.max_coefficients == DEFAULT_MAX_COEFFICIENTS < size.rho
    for mask, weight, kept in zip(pruned.masks, network.weights, pruned.pruned_weights()):
        assert torch.equal(kept[~mask], torch.zeros_like(kept[~mask]))
        assert torch.equal(kept[mask], weight[mask])
    # Later layers: each (row, input neuron) instance keeps at most c of its ρ copies.
    for mask in pruned.masks[2:]:
        assert int(mask.reshape(mask.shape[0], -1, size.rho).sum(dim=2).max()) <= DEFAULT_MAX_COEFFICIENTS
    certificate = certified_shallow_bound(pruned, target)
    sampled = sampled_shallow_error(pruned, target, 500, adversarial_steps=20, refine_points=32, generator=generator(7))
    assert 0 < sampled <= certificate.bound < eps
    # Below the a priori bound the sizing rule was built on (all residuals ≤ ε′ is not
    # guaranteed, so compare with the largest residual instead).
    largest = max(
        max(float(r[0].abs().max()), float(r[1].abs().max())) if isinstance(r, tuple) else float(r.abs().max())
        for r in pruned.residuals
    )
    assert certificate.bound <= largest * size.amplification * (1 + 1e-9)


def _balanced_reference(coefficients: list[float], limit: int, largest_first: bool) -> list[int]:
    """The first candidates (by decreasing size, or in index order), signs balanced as prune_to's cap."""
    by_size = sorted(range(len(coefficients)), key=lambda k: -abs(coefficients[k]) if largest_first else k)
    positive = [k for k in by_size if coefficients[k] >= 0]
    negative = [k for k in by_size if coefficients[k] < 0]
    take_negative = min(len(negative), max(limit // 2, limit - len(positive)))
    take_positive = min(len(positive), limit - take_negative)
    return sorted(positive[:take_positive] + negative[:take_negative])


def test_the_cap_solves_each_instance_exactly_over_its_balanced_candidates():
    widths, n, rho, cap = (2, 2, 2), 6, 11, 5
    network = ShallowNetwork.sample(widths, n, rho, generator=generator(20), device=CPU)
    target = construction.random_target(widths, generator=generator(21), device=CPU)
    pruned = prune_shallow(network, target, max_coefficients=cap)
    assert pruned.max_coefficients == cap
    first, second, third = network.weights
    replicated = target[0].repeat_interleave(rho, dim=0)
    block = 2 * n
    for row in range(second.shape[0]):
        for j in range(2):
            units = torch.arange(j * block, (j + 1) * block)
            a = first[units, j]
            for half, sign in enumerate((1.0, -1.0)):
                eligible = torch.nonzero(a * sign > 0).flatten()
                coefficients = second[row, units[eligible]] * a[eligible].abs()
                chosen = _balanced_reference(coefficients.tolist(), cap, largest_first=True)
                assert len(chosen) == min(cap, len(eligible))
                goal = sign * replicated[row, j]
                best = float(brute_force(coefficients[chosen], goal, device=CPU).error[0])
                assert abs(float(pruned.residuals[0][half][row, j].abs()) - best) <= 1e-12
                # Eligible units outside the cap are pruned from this row.
                outside = [int(units[eligible[k]]) for k in range(len(eligible)) if k not in chosen]
                assert not bool(pruned.masks[1][row, outside].any())
    for row in range(third.shape[0]):
        for j in range(2):
            coefficients = third[row, j * rho : (j + 1) * rho]
            chosen = _balanced_reference(coefficients.tolist(), cap, largest_first=False)
            assert len(chosen) == cap
            best = float(brute_force(coefficients[chosen], target[1][row, j], device=CPU).error[0])
            assert abs(float(pruned.residuals[1][row, j].abs()) - best) <= 1e-12
            kept = torch.nonzero(pruned.masks[2][row, j * rho : (j + 1) * rho]).flatten().tolist()
            assert set(kept) <= set(chosen)
    # The certificate still bounds the sampled error, and no cap (None) is the old construction.
    certificate = certified_shallow_bound(pruned, target)
    assert (
        sampled_shallow_error(pruned, target, 500, adversarial_steps=10, generator=generator(22)) <= certificate.bound
    )
    uncapped = prune_shallow(network, target, max_coefficients=None)
    assert uncapped.max_coefficients is None
    assert float(uncapped.residuals[1].abs().max()) <= float(pruned.residuals[1].abs().max())


def test_shallow_ticket_reports_success_and_failure():
    widths = (3, 4, 2)
    target = construction.random_target(widths, generator=generator(30), device=CPU)
    ticket = shallow_ticket(target, eps=0.1, delta=0.1, num_points=200, adversarial_steps=5, device=CPU)
    assert isinstance(ticket, ShallowTicket) and ticket.size == shallow_size(0.1, 0.1, widths)
    assert ticket.meets_eps and 0 < ticket.sampled_error <= ticket.certificate.bound < 0.1
    # One candidate per instance cannot reach the target weights: reported, not silent.
    with pytest.warns(RuntimeWarning, match="not below eps"):
        failed = shallow_ticket(
            target, eps=0.1, delta=0.1, max_coefficients=1, num_points=200, adversarial_steps=5, device=CPU
        )
    assert not failed.meets_eps and failed.certificate.bound >= 0.1
    assert failed.sampled_error <= failed.certificate.bound


def test_shallow_size_is_the_least_fixed_point():
    for widths, eps, constant in [((4, 3, 2), 0.05, 2.0), ((8, 6, 4, 2), 0.01, 4.16), ((3, 2), 0.1, 1.0)]:
        size = shallow_size(eps, eps, widths, constant=constant)
        assert size.n == size.rho
        assert size.eps_prime * size.amplification == pytest.approx(eps / 2)
        assert size.rho >= constant * math.log2(2 / min(size.eps_prime, size.delta_prime))
        smaller = shallow_size(eps, eps, widths, constant=constant)  # deterministic
        assert smaller == size

    # Widths (4, 3, 2) by hand: r_1 = 3ρ, r_2 = 2; K = √(2·3ρ·4)·√(2·ρ·3) + √(2·3) = 12ρ + √6 and
    # N = 2·3ρ·4 + 2·3 = 24ρ + 6; ρ is the least value with ρ ≥ C log₂(2/min(ε/(2K), δ/N)).
    def needed(rho: int) -> float:
        return 2.0 * math.log2(2 / min(0.05 / (2 * (12 * rho + math.sqrt(6))), 0.05 / (24 * rho + 6)))

    size = shallow_size(0.05, 0.05, (4, 3, 2), constant=2.0)
    assert size.amplification == pytest.approx(12 * size.rho + math.sqrt(6)) and size.instances == 24 * size.rho + 6
    assert size.rho >= needed(size.rho) and all(r < needed(r) for r in range(1, size.rho))
    # One layer: K = √(2 d_0 d_1), N = 2 d_0 d_1, as Theorem 1 with l = 1 (up to its ε/2).
    size = shallow_size(0.1, 0.1, (3, 2), constant=1.0)
    assert size.amplification == pytest.approx(math.sqrt(12)) and size.instances == 12
    assert shallow_size(0.01, 0.1, (4, 3, 2), constant=2.0).rho > shallow_size(0.1, 0.1, (4, 3, 2), constant=2.0).rho
    assert shallow_size(0.1, 0.1, (4, 3, 3, 2), constant=2.0).rho > shallow_size(0.1, 0.1, (4, 3, 2), constant=2.0).rho


def test_compare_with_theorem_1():
    widths = (4, 3, 2)
    target = construction.random_target(widths, generator=generator(3), device=CPU)
    result = compare_with_theorem_1(
        target, eps=0.05, delta=0.05, constant=2.0, num_points=300, adversarial_steps=10, device=CPU
    )
    assert isinstance(result, DepthComparison)
    assert result.theorem_1.depth == 4 and result.shallow.depth == 3
    size = shallow_size(0.05, 0.05, widths, constant=2.0)
    assert (result.shallow.n, result.shallow.rho) == (size.n, size.rho)
    n = construction.required_n(0.05, 0.05, 4, 3, 2, constant=2.0)
    assert result.theorem_1.n == n
    assert result.theorem_1.layer_widths == (4, 8 * n, 3, 6 * n, 2)
    assert result.shallow.layer_widths == (4, 8 * size.n, 3 * size.rho, 2)
    assert result.shallow.random_weights == 4 * 8 * size.n + 8 * size.n * 3 * size.rho + 3 * size.rho * 2
    for row in result.rows():
        assert row.max_coefficients == DEFAULT_MAX_COEFFICIENTS
        assert 0 < row.kept_weights < row.random_weights
        assert 0 < row.sampled_error <= row.certified_bound < 0.05
    assert result.meets_eps


def _tiny() -> ShallowNetwork:
    return ShallowNetwork.sample((2, 2, 1), 2, 2, generator=generator(40), device=CPU)


def _tiny_target() -> list[torch.Tensor]:
    return construction.random_target((2, 2, 1), generator=generator(41), device=CPU)


@pytest.mark.parametrize(
    "call, error, word",
    [
        (lambda: ShallowNetwork.sample((3,), 2, 2, device=CPU), ValueError, "widths"),
        (lambda: ShallowNetwork.sample((3, 0, 2), 2, 2, device=CPU), ValueError, "widths[1]"),
        (lambda: ShallowNetwork.sample((3, 2), 0, 2, device=CPU), ValueError, "n"),
        (lambda: ShallowNetwork.sample((3, 2), 2, 0, device=CPU), ValueError, "rho"),
        (lambda: ShallowNetwork.sample((3, 2), 2, 1.5, device=CPU), TypeError, "rho"),
        (lambda: ShallowNetwork.sample((300, 300), 10**6, 2, device=CPU), ValueError, "memory_budget_bytes"),
        (lambda: shallow_size(0.0, 0.1, (3, 2)), ValueError, "eps"),
        (lambda: shallow_size(0.1, 1.0, (3, 2)), ValueError, "delta"),
        (lambda: shallow_size(0.1, 0.1, (3, 2), constant=0), ValueError, "constant"),
        (lambda: shallow_size(0.1, 0.1, (3, 2), max_rho=2), ValueError, "max_rho"),
        (lambda: prune_shallow("net", []), TypeError, "network"),
        (lambda: prune_shallow(_tiny(), _tiny_target(), max_coefficients=0), ValueError, "max_coefficients"),
        (lambda: prune_shallow(_tiny(), _tiny_target(), max_coefficients=2.5), TypeError, "max_coefficients"),
        (
            lambda: shallow_ticket(_tiny_target(), eps=0.1, delta=0.1, max_coefficients=0),
            ValueError,
            "max_coefficients",
        ),
        (lambda: shallow_ticket(_tiny_target(), eps=1.5, delta=0.1), ValueError, "eps"),
        (
            lambda: compare_with_theorem_1(_tiny_target(), eps=0.1, delta=0.1, max_coefficients=-1),
            ValueError,
            "max_coefficients",
        ),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, error, word):
    with pytest.raises(error, match=word.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_bad_targets_and_masks_raise(small):
    network, target, pruned = small
    with pytest.raises(ValueError, match="spectral norm"):
        prune_shallow(network, [2 * target[0], target[1]])
    with pytest.raises(ValueError, match="shape"):
        prune_shallow(network, [target[0].T, target[1]])
    with pytest.raises(ValueError, match="l = 2"):
        prune_shallow(network, [target[0]])
    with pytest.raises(TypeError, match="target_weights"):
        prune_shallow(network, target[0])
    two_inputs = pruned.masks[0].clone()
    two_inputs[0, :] = True
    bad = PrunedShallowNetwork(network=network, masks=(two_inputs,) + pruned.masks[1:], residuals=())
    with pytest.raises(ValueError, match="at most one input"):
        certified_shallow_bound(bad, target)
    with pytest.raises(ValueError, match="mask S_2"):
        certified_shallow_bound(
            PrunedShallowNetwork(
                network=network, masks=(pruned.masks[0], pruned.masks[1].T, pruned.masks[2]), residuals=()
            ),
            target,
        )


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu():
    widths = (3, 2, 2)
    target = construction.random_target(widths, generator=generator(5), device=CPU)
    cpu = prune_shallow(ShallowNetwork.sample(widths, 8, 8, generator=generator(6), device="cpu"), target)
    cuda = prune_shallow(ShallowNetwork.sample(widths, 8, 8, generator=generator(6), device="cuda"), target)
    for a, b in zip(cpu.network.weights, cuda.network.weights):
        assert torch.equal(a, b.cpu())
    for a, b in zip(cpu.masks, cuda.masks):
        assert torch.equal(a, b.cpu())
    assert certified_shallow_bound(cuda, target).bound == pytest.approx(
        certified_shallow_bound(cpu, target).bound, rel=1e-9
    )
