"""Tests for lthbook.lower_bound: packing bounds, the counting bound, parameter counts, brute force."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import torch

from lthbook import lower_bound as lb
from lthbook.construction import RandomNetwork, required_n

CPU = torch.device("cpu")
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def uniform(shape, seed: int) -> torch.Tensor:
    return torch.rand(shape, generator=gen(seed), dtype=torch.float64) * 2 - 1


def residual(u: torch.Tensor, v: torch.Tensor, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """‖Wx − V σ(U x)‖ for one network and target at the points x ``(N, 2)``."""
    return (x @ w.T - torch.relu(x @ u.T) @ v.T).norm(dim=1)


def circle(points: int) -> torch.Tensor:
    angles = torch.arange(points, dtype=torch.float64) * (2 * math.pi / points)
    return torch.stack([angles.cos(), angles.sin()], dim=1)


# ----------------------------------------------------------------------------------------
# Packing and covering bounds
# ----------------------------------------------------------------------------------------


def test_volumetric_bounds_closed_form():
    # D = 4 for 2×2 matrices: (1/ε)^4 and (1 + 2/ε)^4.
    assert lb.log2_packing_lower(2, 0.5) == pytest.approx(4.0)
    assert lb.log2_covering_lower(2, 0.5) == pytest.approx(4.0)
    assert lb.log2_packing_upper(2, 0.5) == pytest.approx(4 * math.log2(5))
    assert lb.log2_covering_upper(2, 0.5) == pytest.approx(4 * math.log2(5))
    # Rectangular maps: D = d·d_out = 6.
    assert lb.log2_packing_lower(2, 0.25, d_out=3) == pytest.approx(12.0)
    assert lb.log2_packing_upper(3, 0.25, d_out=2) == pytest.approx(6 * math.log2(9))
    # Large D does not overflow.
    assert lb.log2_packing_upper(1000, 0.01) == pytest.approx(1e6 * math.log2(201))
    for d in (1, 2, 5):
        for eps in (0.01, 0.3, 1.0, 1.9):
            assert lb.log2_covering_lower(d, eps) < lb.log2_packing_upper(d, eps)


def test_bounds_bracket_exact_one_dimensional_numbers():
    # B = [−1, 1]: N(ε) = ⌈1/ε⌉ (intervals of length 2ε), P(ε) = ⌈2/ε⌉ ((k−1)ε < 2).
    for eps in (0.07, 0.1, 0.3, 0.5, 1.5):
        covering, packing = math.ceil(1 / eps), math.ceil(2 / eps)
        assert 2 ** lb.log2_covering_lower(1, eps) <= covering + 1e-9
        assert packing <= 2 ** lb.log2_packing_upper(1, eps) + 1e-9


def test_spectral_norm_matches_svd():
    for shape in [(7, 2, 2), (7, 3, 2), (7, 2, 5), (7, 1, 4), (7, 4, 1), (7, 3, 3), (7, 3, 5), (7, 6, 4), (2, 2)]:
        a = uniform(shape, seed=sum(shape)) * 3
        expected = torch.linalg.matrix_norm(a, ord=2)
        assert torch.allclose(lb.spectral_norm(a), expected, rtol=1e-13, atol=0)


def test_sample_operator_norm_ball_is_uniform():
    w = lb.sample_operator_norm_ball(20000, 2, generator=gen(0), device=CPU)
    assert w.shape == (20000, 2, 2) and w.dtype == torch.float64
    norms = torch.linalg.matrix_norm(w, ord=2)
    assert norms.max() <= 1
    # Uniform on a 4-dimensional ball: P(‖W‖ ≤ r) = r^4. At r = 1/2 that is 1/16; the
    # standard error with 20000 samples is 0.0017.
    assert abs(float((norms <= 0.5).double().mean()) - 1 / 16) < 0.008
    # Symmetric law: every entry has mean 0.
    assert w.mean(dim=0).abs().max() < 0.02
    again = lb.sample_operator_norm_ball(20000, 2, generator=gen(0), device=CPU)
    assert torch.equal(w, again)
    rectangular = lb.sample_operator_norm_ball(50, 3, 2, generator=gen(1), device=CPU)
    assert rectangular.shape == (50, 2, 3)


def check_packing(packing: lb.GreedyPacking) -> None:
    """Every pair of points is more than ε apart in operator norm (an SVD, independently)."""
    points = packing.points
    distances = torch.linalg.matrix_norm(points[:, None] - points[None], ord=2)
    distances.fill_diagonal_(math.inf)
    assert distances.min() > packing.eps
    assert torch.linalg.matrix_norm(points, ord=2).max() <= 1


def test_greedy_packing_one_dimension_within_exact_numbers():
    eps = 0.1
    packing = lb.greedy_packing(1, eps, num_candidates=4000, generator=gen(3), device=CPU)
    check_packing(packing)
    # Guaranteed: a packing is at most P(ε) = ⌈2/ε⌉ = 20 ≤ (1 + 2/ε) = 21.
    assert packing.size <= 20 <= 2 ** lb.log2_packing_upper(1, eps)
    # Maximal (no fresh sample uncovered) hence a covering: at least N(ε) = ⌈1/ε⌉ = 10.
    # Monte Carlo with 4000 candidates on [−1, 1]; maximality is checked, not assumed.
    assert packing.uncovered_fraction == 0.0
    assert packing.size >= 10 >= 2 ** lb.log2_covering_lower(1, eps) - 1e-9


def test_greedy_packing_two_by_two_between_volumetric_bounds():
    eps = 0.5
    packing = lb.greedy_packing(2, eps, num_candidates=6000, num_check=2000, generator=gen(4), device=CPU)
    check_packing(packing)
    # Guaranteed side: any ε-packing has at most (1 + 2/ε)^4 = 625 points.
    assert packing.size <= 2 ** lb.log2_packing_upper(2, eps)
    # The other side holds for a maximal packing (then a covering, ≥ (1/ε)^4 = 16 points).
    # The greedy packing is only maximal among its candidates: check the estimate of the
    # uncovered share is small, and the bound with it.
    assert packing.uncovered_fraction < 0.02
    assert packing.size >= 2 ** lb.log2_covering_lower(2, eps)
    # A packing at a larger separation is smaller.
    coarser = lb.greedy_packing(2, 1.0, num_candidates=6000, num_check=0, generator=gen(4), device=CPU)
    assert coarser.size < packing.size and math.isnan(coarser.uncovered_fraction)


# ----------------------------------------------------------------------------------------
# The counting bound
# ----------------------------------------------------------------------------------------


def test_min_parameters_hand_computed():
    # d = 2, ε = 0.1: D = 4, (1/(2ε))^4 = 5^4 = 625, and 2^9 = 512 < 625 ≤ 1024 = 2^10.
    assert lb.min_parameters(2, 0.1) == 10
    # d = 3, ε = 0.01: D = 9, 50^9 = 1.953e15, and 2^50 = 1.126e15 < 50^9 ≤ 2^51 = 2.252e15.
    assert lb.min_parameters(3, 0.01) == 51
    # Powers of two exactly: d = 2, ε = 1/8: (4)^4 = 2^8; d = 1, ε = 1/4: 2^1.
    assert lb.min_parameters(2, 0.125) == 8
    assert lb.min_parameters(1, 0.25) == 1
    # ε ≥ 1/2 needs nothing by this bound.
    assert lb.min_parameters(4, 0.5) == 0 and lb.min_parameters(4, 0.9) == 0
    # Rectangular: D = 6, ⌈6 log₂ 5⌉ = ⌈13.93⌉ = 14.
    assert lb.min_parameters(2, 0.1, d_out=3) == 14
    # Depth 2, d → w → d: w = ⌈10 / (2·2)⌉ = 3.
    assert lb.min_width_depth2(2, 0.1) == 3
    assert lb.min_width_depth2(3, 0.01) == math.ceil(51 / 6)


def test_min_parameters_is_the_smallest_exponent_exactly():
    for d in (1, 2, 3, 7):
        for eps in (0.3, 0.1, 1 / 3, 0.0625, 0.01, 0.001, 0.49):
            m = lb.min_parameters(d, eps)
            bound = (1 / (2 * Fraction(eps))) ** (d * d)
            assert 2**m >= bound
            assert m == 0 or 2 ** (m - 1) < bound


def test_min_parameters_monotone():
    eps_values = [0.4, 0.2, 0.1, 0.05, 0.01, 0.001]
    for d in (1, 2, 4, 8):
        counts = [lb.min_parameters(d, eps) for eps in eps_values]
        assert counts == sorted(counts) and counts[-1] > counts[0]
    for eps in eps_values:
        counts = [lb.min_parameters(d, eps) for d in range(1, 12)]
        assert counts == sorted(counts) and counts[-1] > counts[0]
        widths = [lb.min_width_depth2(d, eps) for d in range(1, 12)]
        assert widths == sorted(widths)


def test_covered_fraction_bound():
    # 2^m ε^D: 2^8 · 0.1^4 = 0.0256; 2^2 · 0.5^4 = 1/4; capped at 1; D = 6 for 2 → 3.
    assert lb.covered_fraction_bound(2, 0.1, 8) == pytest.approx(0.0256, rel=1e-12)
    assert lb.covered_fraction_bound(2, 0.5, 2) == pytest.approx(0.25, rel=1e-12)
    assert lb.covered_fraction_bound(2, 0.5, 10) == 1.0
    assert lb.covered_fraction_bound(2, 0.5, 3, d_out=3) == pytest.approx(2**3 * 0.5**6, rel=1e-12)
    # It reaches 1 exactly at m = D log₂(1/ε).
    assert lb.covered_fraction_bound(3, 0.25, 18) == pytest.approx(1.0)
    assert lb.covered_fraction_bound(3, 0.25, 17.9) < 1.0


def test_pensia_parameters_counts_the_random_network():
    for depth, positive in [(1, False), (2, False), (3, True)]:
        d, eps, delta = 2, 0.5, 0.1
        n = required_n(eps, delta, d, d, depth)
        widths = [d] * (depth + 1)
        network = RandomNetwork.sample(widths, n, positive_inputs_only=positive, generator=gen(0), device=CPU)
        count = lb.pensia_parameters(d, eps, depth=depth, delta=delta, positive_inputs_only=positive)
        assert count == network.num_parameters
    # l · 4 n d² with b = 2n everywhere.
    n = required_n(0.01, 0.05, 10, 10, 3, constant=1.0)
    assert lb.pensia_parameters(10, 0.01, depth=3, delta=0.05, constant=1.0) == 3 * 4 * n * 100
    # Above the counting floor, far below Malach et al.'s order for small ε.
    for d in (2, 10, 100):
        for eps in (0.1, 0.01):
            assert lb.min_parameters(d, eps) < lb.pensia_parameters(d, eps) < lb.malach_parameters(d, eps)


def test_malach_parameters_formula():
    d, eps, depth, delta = 3, 0.1, 2, 0.05
    expected = 2 * d**6 * depth**3 / eps**2 * math.log(d * depth / delta)
    assert lb.malach_parameters(d, eps, depth=depth, delta=delta) == pytest.approx(expected, rel=1e-12)


def test_network_parameters_counts_hidden_to_hidden_layers():
    # w² per hidden-to-hidden layer: a depth-L, width-w network has far more than L·d·w weights.
    assert lb.network_parameters((3, 10, 10, 3)) == 3 * 10 + 10 * 10 + 10 * 3
    d, w, depth = 10, 100, 5
    widths = (d,) + (w,) * (depth - 1) + (d,)
    assert lb.network_parameters(widths) == 2 * d * w + (depth - 2) * w * w
    assert lb.network_parameters(widths) > 6 * depth * d * w
    # Theorem 1's alternating network d → w → d, l pairs: 2 l d w.
    assert lb.network_parameters((d, w, d, w, d, w, d)) == 2 * 3 * d * w
    assert lb.network_parameters([2, 3]) == 6


def test_radius_transfers_the_bound_to_scaled_linear_maps():
    # Targets of norm ≤ r: P(rB, 2ε) = P(B, 2ε/r), so only ε/r matters.
    for d in (1, 2, 5):
        for eps in (0.01, 0.05, 0.1, 0.2):
            assert lb.min_parameters(d, eps, radius=0.5) == lb.min_parameters(d, 2 * eps)
    # d = 2, r = 1/2, ε = 1/16: (r/(2ε))^4 = 4^4 = 2^8.
    assert lb.min_parameters(2, 0.0625, radius=0.5) == 8
    # The ReLU form of a linear map: layers [W; −W]/√2 and [I, −I]/√2 have norms ‖W‖ and 1 and
    # compute Wx/2, so the norm-1 class of hidden width 2d holds exactly the maps of norm ≤ 1/2.
    g = gen(3)
    d = 4
    w = torch.randn(d, d, generator=g, dtype=torch.float64)
    w = w / torch.linalg.matrix_norm(w, ord=2)
    first = torch.cat([w, -w]) / math.sqrt(2)
    eye = torch.eye(d, dtype=torch.float64)
    second = torch.cat([eye, -eye], dim=1) / math.sqrt(2)
    assert torch.linalg.matrix_norm(first, ord=2).item() == pytest.approx(1.0, abs=1e-12)
    assert torch.linalg.matrix_norm(second, ord=2).item() == pytest.approx(1.0, abs=1e-12)
    x = torch.randn(50, d, generator=g, dtype=torch.float64)
    assert torch.allclose(torch.relu(x @ first.T) @ second.T, x @ w.T / 2, atol=1e-12)


def test_min_width_is_the_smallest_width_for_each_architecture():
    for d, eps in [(2, 0.1), (10, 0.01), (100, 1e-6), (7, 0.003)]:
        needed = lb.min_parameters(d, eps)
        assert lb.min_width(d, eps, 2) == lb.min_width_depth2(d, eps)
        for depth in (2, 3, 5, 10, 40):
            w = lb.min_width(d, eps, depth)
            count = lb.network_parameters((d,) + (w,) * (depth - 1) + (d,))
            assert count >= needed
            if w > 1:
                assert lb.network_parameters((d,) + (w - 1,) * (depth - 1) + (d,)) < needed
        for pairs in (1, 2, 7):
            w = lb.min_width_alternating(d, eps, pairs)
            assert lb.network_parameters((d,) + (w, d) * pairs) >= needed
            if w > 1:
                assert lb.network_parameters((d,) + (w - 1, d) * pairs) < needed
        assert lb.min_width_alternating(d, eps, 1) == lb.min_width_depth2(d, eps)


def test_width_corollary_scales_differently_with_depth():
    # Depth 2 and the alternating architecture: width ≈ (d/(2l)) log2(1/(2ε)), linear in log(1/ε).
    # Uniform depth L: width ≈ d √(log2(1/(2ε))/(L − 2)), only the square root.
    d = 50
    for eps in (1e-3, 1e-9, 1e-30):
        bits = math.log2(1 / (2 * eps))
        assert lb.min_width_depth2(d, eps) == pytest.approx(d / 2 * bits, rel=0.02)
        assert lb.min_width_alternating(d, eps, 4) == pytest.approx(d / 8 * bits, rel=0.02)
        for depth in (6, 12):
            root = d * math.sqrt(bits / (depth - 2))
            w = lb.min_width(d, eps, depth)
            assert root * 0.6 < w <= root + 1
        assert lb.min_width(d, eps, 12) < lb.min_width_depth2(d, eps)
    # The ratio width / d grows like log(1/ε) at depth 2, like its square root at depth 12.
    ratio_2 = lb.min_width_depth2(d, 1e-30) / lb.min_width_depth2(d, 1e-3)
    ratio_12 = lb.min_width(d, 1e-30, 12) / lb.min_width(d, 1e-3, 12)
    assert ratio_2 == pytest.approx(math.log2(5e29) / math.log2(500), rel=0.02)
    assert ratio_12 == pytest.approx(math.sqrt(math.log2(5e29) / math.log2(500)), rel=0.1)


def test_gap_to_the_upper_bound_is_an_additive_term():
    # Pensia / lower bound = 4 n / log2(1/(2ε)) with n = ⌈C log2(2/min(ε′, δ′))⌉: at fixed ε it
    # grows with d (the log d inside n), at fixed d it tends to the constant 4C as ε → 0.
    c = 2.0

    def ratio(d, eps):
        return lb.pensia_parameters(d, eps, constant=c) / lb.min_parameters(d, eps)

    at_fixed_eps = [ratio(d, 0.01) for d in (1, 8, 64, 512)]
    assert at_fixed_eps == sorted(at_fixed_eps) and at_fixed_eps[-1] > 1.5 * at_fixed_eps[0]
    towards_zero = [ratio(16, eps) for eps in (1e-2, 1e-5, 1e-20, 1e-100)]
    assert towards_zero == sorted(towards_zero, reverse=True)
    assert towards_zero[-1] == pytest.approx(4 * c, rel=0.05)
    # Difference of the width factors, 2n − lower bound's 2·min_width/d, stays bounded in ε.
    d = 16
    gaps = [
        2 * required_n(eps, 0.1, d, d, 1, constant=1.0) - 2 * math.log2(1 / (2 * eps)) for eps in (1e-3, 1e-30, 1e-200)
    ]
    assert max(gaps) - min(gaps) < 4


# ----------------------------------------------------------------------------------------
# Brute force: every subnetwork
# ----------------------------------------------------------------------------------------


def test_enumerate_subnetworks_lists_every_mask_once():
    weights = [uniform((3, 2), 0), uniform((2, 3), 1)]  # m = 12
    chunks = list(lb.enumerate_subnetworks(weights, chunk_size=1000, device=CPU))
    index = torch.cat([c.index for c in chunks])
    assert index.shape[0] == 2**12 and torch.equal(index, torch.arange(2**12))
    first_masks = torch.cat([c.masks[0] for c in chunks])
    second_masks = torch.cat([c.masks[1] for c in chunks])
    flat = torch.cat([first_masks.flatten(1), second_masks.flatten(1)], dim=1)
    assert torch.unique(flat, dim=0).shape[0] == 2**12
    # Bit j of the index keeps parameter j (first layer row-major, then the second layer).
    k = 0b101100000110
    assert flat[k].tolist() == [bool(k >> j & 1) for j in range(12)]
    chunk = chunks[k // 1000]
    row = k % 1000
    assert torch.equal(chunk.weights[0][row], weights[0] * chunk.masks[0][row])
    # outputs() is the pruned network's forward pass.
    x = uniform((5, 2), 2)
    expected = torch.relu(x @ (weights[0] * chunk.masks[0][row]).T) @ (weights[1] * chunk.masks[1][row]).T
    assert torch.allclose(chunk.outputs(x)[row], expected, atol=1e-15)
    # The empty mask computes 0, the full mask the network itself.
    assert chunks[0].outputs(x)[0].abs().max() == 0
    full = torch.relu(x @ weights[0].T) @ weights[1].T
    assert torch.allclose(chunks[-1].outputs(x)[-1], full, atol=1e-15)


def test_scalar_gadget_subnetworks_match_enumeration():
    u, v = uniform(4, 5), uniform(4, 6)  # m = 8
    family = lb.scalar_gadget_subnetworks(u, v, device=CPU)
    assert family.count == 2**8
    (chunk,) = lb.enumerate_subnetworks([u.reshape(4, 1), v.reshape(1, 4)], device=CPU)
    values = chunk.outputs(torch.tensor([[1.0], [-1.0]], dtype=torch.float64))[..., 0]
    assert torch.allclose(family.at_plus_one, values[:, 0], atol=1e-15)
    assert torch.allclose(family.at_minus_one, values[:, 1], atol=1e-15)


def test_best_sup_error_hand_computed():
    # Units 0, 1 serve x > 0 with coefficients v·u = ±1/2, units 2, 3 serve x < 0 likewise.
    # Each side reaches {−1/2, 0, 1/2}: the worst target is w = ±1, at distance 1/2.
    u = torch.tensor([1.0, 1.0, -1.0, -1.0], dtype=torch.float64)
    v = torch.tensor([0.5, -0.5, 0.5, -0.5], dtype=torch.float64)
    result = lb.best_sup_error_over_targets(lb.scalar_gadget_subnetworks(u, v, device=CPU))
    assert result.error == pytest.approx(0.5, abs=1e-15)
    assert abs(result.worst_target) == pytest.approx(1.0)
    # On [−1/4, 1/4] the worst targets are ±1/4, at distance 1/4 from {0, ±1/2}.
    inner = lb.best_sup_error_over_targets(lb.scalar_gadget_subnetworks(u, v, device=CPU), -0.25, 0.25)
    assert inner.error == pytest.approx(0.25, abs=1e-15)


@pytest.mark.parametrize("units", [1, 3, 6, 9])
def test_best_sup_error_exact_and_above_counting_floor(units):
    m = 2 * units
    for seed in range(3 if units < 9 else 1):
        u, v = uniform(units, 10 * seed), uniform(units, 10 * seed + 1) * 2
        family = lb.scalar_gadget_subnetworks(u, v, device=CPU)
        for lo, hi in [(-1.0, 1.0), (-0.5, 0.5)]:
            result = lb.best_sup_error_over_targets(family, lo, hi)
            # Equal to chapter 3's construction with all units (two SubsetSum worst cases).
            assert result.error == pytest.approx(lb.scalar_gadget_subset_sum_error(u, v, lo, hi), abs=1e-12)
            # Against a dense grid of targets: F is 1-Lipschitz, so the grid misses at most
            # half a step. (T × 2^m errors: a grid of 501 targets for m ≤ 12.)
            if m <= 12:
                w = torch.linspace(lo, hi, 501, dtype=torch.float64)
                on_grid = family.sup_errors(w).amin(dim=1)
                step = (hi - lo) / 500
                assert on_grid.max() <= result.error + 1e-12 <= on_grid.max() + step / 2 + 1e-12
            # The reported worst target attains it.
            at_worst = family.sup_errors(result.worst_target).amin()
            assert float(at_worst) == pytest.approx(result.error, abs=1e-12)
            # The counting floor: 2^m functions serve intervals of length 2E that cover
            # [lo, hi], so E ≥ (hi − lo)/2 · 2^{−m}; only 2^{m/2} functions are distinct.
            assert result.error >= (hi - lo) / 2 * 2.0 ** (-m)
            assert result.error >= (hi - lo) / 2 * 2.0 ** (-units)


# ----------------------------------------------------------------------------------------
# Depth-2 networks on the plane
# ----------------------------------------------------------------------------------------


def test_depth2_sup_error_homogeneity_and_grid():
    for seed in range(4):
        u, v = uniform((4, 2), seed), uniform((2, 4), seed + 100)
        w = lb.sample_operator_norm_ball(1, 2, generator=gen(seed), device=CPU)[0]
        exact = float(lb.depth2_sup_error(u, v, w))
        # Homogeneity: r(t y) = t r(y) for t ≥ 0, so the disk adds nothing to the circle.
        y = circle(360)
        for t in (0.0, 0.3, 1.0):
            assert torch.allclose(residual(u, v, w, t * y), t * residual(u, v, w, y), atol=1e-14)
        radius = torch.rand(5000, generator=gen(seed), dtype=torch.float64).sqrt()
        inside = circle(5000) * radius[torch.randperm(5000, generator=gen(seed))].unsqueeze(1)
        assert residual(u, v, w, inside).max() <= exact + 1e-12
        # Grid of K points on the circle: every point is within an arc π/K of the grid, and
        # the residual is Lipschitz with L = ‖W‖ + ‖V‖‖U‖.
        points = 5000
        on_grid = float(residual(u, v, w, circle(points)).max())
        lipschitz = float(lb.spectral_norm(w) + lb.spectral_norm(v) * lb.spectral_norm(u))
        assert on_grid <= exact + 1e-12 <= on_grid + lipschitz * math.pi / points + 1e-12


def test_depth2_sup_error_known_values():
    w = torch.tensor([[0.6, 0.2], [-0.1, 0.3]], dtype=torch.float64)
    # No hidden weights: g = 0, the error is ‖W‖₂.
    zero = lb.depth2_sup_error(torch.zeros(3, 2), torch.zeros(2, 3), w)
    assert float(zero) == pytest.approx(float(torch.linalg.matrix_norm(w, ord=2)), abs=1e-14)
    # x = σ(x) − σ(−x) coordinate-wise: g(x) = x exactly, so the error is ‖W − I‖₂.
    u = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]], dtype=torch.float64)
    v = torch.tensor([[1.0, 0.0, -1.0, 0.0], [0.0, 1.0, 0.0, -1.0]], dtype=torch.float64)
    identity = lb.depth2_sup_error(u, v, w)
    assert float(identity) == pytest.approx(float(torch.linalg.matrix_norm(w - torch.eye(2), ord=2)), abs=1e-14)
    # Batched arguments broadcast.
    batch = lb.depth2_sup_error(u, v, torch.stack([w, torch.eye(2, dtype=torch.float64)]))
    assert batch.shape == (2,) and float(batch[1]) == pytest.approx(0.0, abs=1e-15)


def brute_force_best(u, v, targets) -> torch.Tensor:
    """min over all 2^m masks of the exact error, for each target (no screening)."""
    best = torch.full((targets.shape[0],), math.inf, dtype=torch.float64)
    for chunk in lb.enumerate_subnetworks([u, v], device=CPU):
        count, t = len(chunk), targets.shape[0]
        errors = lb.depth2_sup_error(
            chunk.weights[0].repeat(t, 1, 1),
            chunk.weights[1].repeat(t, 1, 1),
            targets.repeat_interleave(count, dim=0),
        ).reshape(t, count)
        best = torch.minimum(best, errors.amin(dim=1))
    return best


@pytest.mark.parametrize("units, seed", [(1, 0), (2, 1), (2, 2)])
def test_depth2_linear_cover_equals_brute_force(units, seed):
    u, v = uniform((units, 2), seed), uniform((2, units), seed + 50) * 1.5
    targets = lb.sample_operator_norm_ball(30, 2, generator=gen(seed), device=CPU)
    truth = brute_force_best(u, v, targets)
    fractions = []
    for eps in (0.3, 0.6, 1.0):
        result = lb.depth2_linear_cover(u, v, targets, eps, device=CPU)
        assert result.num_parameters == 4 * units and result.num_subnetworks == 2 ** (4 * units)
        assert result.num_distinct == 10**units
        assert torch.equal(result.covered, truth <= eps)
        covered = result.covered
        assert torch.allclose(result.best_error[covered], truth[covered], rtol=0, atol=1e-12)
        assert torch.isinf(result.best_error[~covered]).all()
        fractions.append(result.fraction)
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0  # ε = 1: the empty subnetwork is within ‖W‖₂ ≤ 1


def test_covered_fraction_stays_below_the_volume_bound():
    # 100 distinct functions (h = 2) cover at most 100 · 0.25^4 = 0.39 of B by volume; the
    # share of 1000 uniform targets can exceed it only by sampling error (sd ≤ 0.016).
    u, v = uniform((2, 2), 3), uniform((2, 2), 4)
    targets = lb.sample_operator_norm_ball(1000, 2, generator=gen(5), device=CPU)
    for eps in (0.25, 0.35):
        result = lb.depth2_linear_cover(u, v, targets, eps, device=CPU)
        bound = lb.covered_fraction_bound(2, eps, math.log2(result.num_distinct))
        assert result.fraction <= bound + 0.05


def test_odd_even_sandwich():
    # max(‖W − L‖, E) ≤ error ≤ ‖W − L‖ + E with L = ½VU and E = sup ‖½ V |U x|‖.
    y = circle(40000)
    for seed in range(5):
        u, v = uniform((3, 2), seed), uniform((2, 3), seed + 7)
        w = lb.sample_operator_norm_ball(1, 2, generator=gen(seed), device=CPU)[0]
        error = float(lb.depth2_sup_error(u, v, w))
        odd = float(lb.spectral_norm(w - 0.5 * v @ u))
        even = float((0.5 * (y @ u.T).abs() @ v.T).norm(dim=1).max())  # grid: slightly low
        assert max(odd, even) <= error + 1e-12
        assert error <= odd + even + 1e-3


# ----------------------------------------------------------------------------------------
# Bad inputs
# ----------------------------------------------------------------------------------------


def cover(u, v, targets, eps):
    return lb.depth2_linear_cover(u, v, targets, eps, device=CPU)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: lb.min_parameters(2, 0.0), ValueError, "eps"),
        (lambda: lb.min_parameters(2, 1.0), ValueError, "eps"),
        (lambda: lb.min_parameters(2, -0.1), ValueError, "eps"),
        (lambda: lb.min_parameters(0, 0.1), ValueError, "d must"),
        (lambda: lb.min_parameters(2.0, 0.1), TypeError, "d must"),
        (lambda: lb.min_parameters(2, 0.1, d_out=0), ValueError, "d_out"),
        (lambda: lb.min_width_depth2(2, 1.5), ValueError, "eps"),
        (lambda: lb.min_parameters(2, 0.6, radius=0.5), ValueError, "eps"),
        (lambda: lb.min_parameters(2, 0.1, radius=0.0), ValueError, "radius"),
        (lambda: lb.min_parameters(2, 0.1, radius=1.5), ValueError, "radius"),
        (lambda: lb.min_width(2, 0.1, 1), ValueError, "depth"),
        (lambda: lb.min_width_alternating(2, 0.1, 0), ValueError, "pairs"),
        (lambda: lb.network_parameters([3]), TypeError, "widths"),
        (lambda: lb.network_parameters((3, 0)), ValueError, "widths[1]"),
        (lambda: lb.log2_packing_lower(2, 2.0), ValueError, "eps"),
        (lambda: lb.log2_packing_upper(2, 0), ValueError, "eps"),
        (lambda: lb.log2_covering_lower(-1, 0.1), ValueError, "d must"),
        (lambda: lb.log2_covering_upper(2, "0.1"), TypeError, "eps"),
        (lambda: lb.covered_fraction_bound(2, 0.1, -1), ValueError, "m must"),
        (lambda: lb.sample_operator_norm_ball(10, 4), ValueError, "d·d_out"),
        (lambda: lb.sample_operator_norm_ball(0, 2), ValueError, "num_samples"),
        (lambda: lb.greedy_packing(2, 0.5, num_candidates=0), ValueError, "num_candidates"),
        (lambda: lb.greedy_packing(2, 0.5, num_candidates=10, generator=1), TypeError, "generator"),
        (lambda: lb.pensia_parameters(2, 0.0), ValueError, "eps"),
        (lambda: lb.pensia_parameters(2, 0.1, depth=0), ValueError, "depth"),
        (lambda: lb.malach_parameters(0, 0.1), ValueError, "d must"),
        (lambda: lb.enumerate_subnetworks([torch.ones(5, 5)]), ValueError, "m = 25"),
        (lambda: lb.enumerate_subnetworks([torch.ones(2, 3), torch.ones(2, 3)]), ValueError, "columns"),
        (lambda: lb.enumerate_subnetworks(torch.ones(2, 2)), TypeError, "network_weights"),
        (lambda: lb.enumerate_subnetworks([]), TypeError, "network_weights"),
        (lambda: lb.scalar_gadget_subnetworks(torch.ones(13), torch.ones(13)), ValueError, "m = 26"),
        (lambda: lb.scalar_gadget_subnetworks(torch.ones(3), torch.ones(4)), ValueError, "same"),
        (lambda: lb.best_sup_error_over_targets((1, 2)), TypeError, "ScalarSubnetworks"),
        (lambda: lb.depth2_sup_error(torch.ones(2, 3), torch.ones(2, 2), torch.ones(2, 3)), ValueError, "(h, 2)"),
        (lambda: cover(torch.ones(5, 2), torch.ones(3, 5), torch.ones(1, 3, 2), 0.1), ValueError, "m = 25"),
        (lambda: cover(torch.ones(2, 2), torch.ones(2, 2), torch.ones(1, 2, 2), 0.0), ValueError, "eps"),
        (lambda: cover(torch.ones(2, 2), torch.ones(2, 2), torch.ones(1, 3, 2), 0.1), ValueError, "targets"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


# ----------------------------------------------------------------------------------------
# CUDA
# ----------------------------------------------------------------------------------------


@needs_cuda
def test_cuda_matches_cpu():
    u, v = uniform((2, 2), 0), uniform((2, 2), 1)
    targets = lb.sample_operator_norm_ball(20, 2, generator=gen(0), device=CPU)
    on_cpu = lb.depth2_linear_cover(u, v, targets, 0.6, device=CPU)
    on_gpu = lb.depth2_linear_cover(u, v, targets, 0.6, device="cuda")
    assert torch.equal(on_cpu.covered, on_gpu.covered.cpu())
    finite = on_cpu.covered
    assert torch.allclose(on_cpu.best_error[finite], on_gpu.best_error.cpu()[finite], atol=1e-12)
    family = lb.scalar_gadget_subnetworks(uniform(5, 2), uniform(5, 3), device="cuda")
    assert family.at_plus_one.device.type == "cuda"
    packing = lb.greedy_packing(2, 0.8, num_candidates=500, generator=gen(0), device="cuda")
    assert packing.points.device.type == "cuda"
