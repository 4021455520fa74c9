"""Tests of lthbook.fixed_size_subset_sum: the size-limited solver against brute force, the exact worst case."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from lthbook import subset_sum
from lthbook.fixed_size_subset_sum import (
    DensityTradeoff,
    density_tradeoff,
    fixed_size_worst_case_error,
    solve_fixed_size,
)

CPU = "cpu"
EPS64 = torch.finfo(torch.float64).eps


def draw(batch: int, n: int, seed: int, law: str = "uniform") -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    x = subset_sum.sample_coefficients(batch, n, law, generator=generator, device=CPU)
    z = torch.rand(batch, generator=generator, dtype=torch.float64) * 2 - 1
    return x, z


def brute_force_by_size(x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """(B, n + 1): for every size j, the exact float64 optimum over all masks of size j."""
    batch, n = x.shape
    best = torch.full((batch, n + 1), math.inf, dtype=torch.float64)
    for bits in itertools.product([False, True], repeat=n):
        mask = torch.tensor(bits)
        error = (z - subset_sum.subset_value(x, mask.expand(batch, n))).abs()
        size = int(mask.sum())
        best[:, size] = torch.minimum(best[:, size], error)
    return best


@pytest.mark.parametrize("n, law", [(1, "uniform"), (5, "uniform"), (8, "product"), (9, "gaussian")])
def test_every_k_matches_brute_force(n, law):
    x, z = draw(40, n, seed=n, law=law)
    exact = brute_force_by_size(x, z)
    slack = 4 * n * EPS64 * (x.abs().sum(-1) + z.abs())
    for k in range(n + 1):
        sol = solve_fixed_size(x, z, k, device=CPU)
        assert torch.equal(sol.size, torch.full((40,), k))
        assert torch.equal(sol.value, subset_sum.subset_value(x, sol.mask))
        assert torch.equal(sol.error, (z - sol.value).abs())
        assert bool((sol.error - exact[:, k] >= 0).all()) and bool((sol.error - exact[:, k] <= slack).all())
        at_most = solve_fixed_size(x, z, k, at_most=True, device=CPU)
        best_at_most = exact[:, : k + 1].min(dim=1).values
        assert bool((at_most.size <= k).all())
        assert bool((at_most.error - best_at_most >= 0).all()) and bool((at_most.error - best_at_most <= slack).all())


def test_at_most_n_is_the_unconstrained_optimum_and_shared_coefficients():
    x, z = draw(30, 12, seed=3)
    free = subset_sum.solve(x, z, device=CPU)
    ours = solve_fixed_size(x, z, 12, at_most=True, device=CPU)
    assert torch.allclose(ours.error, free.error, rtol=0, atol=1e-14)
    shared = solve_fixed_size(x[0], z, 4, device=CPU)
    single = torch.stack([solve_fixed_size(x[0], z[b], 4, device=CPU).error[0] for b in range(30)])
    assert torch.equal(shared.error, single)


def test_hand_made_instances():
    sol = solve_fixed_size([0.5, 0.3, -0.2, 0.9], 0.7, 2, device=CPU)
    assert sol.mask.tolist() == [[False, False, True, True]]  # −0.2 + 0.9
    # Exactly three: the best is 0.5 + 0.3 − 0.2 = 0.6 for z = 0.8 (error 0.2) ...
    assert float(solve_fixed_size([0.5, 0.3, -0.2, 0.9], 0.8, 3, device=CPU).error[0]) == pytest.approx(0.2)
    # ... while at most three finds 0.5 + 0.3 exactly.
    assert float(solve_fixed_size([0.5, 0.3, -0.2, 0.9], 0.8, 3, at_most=True, device=CPU).error[0]) == pytest.approx(0)
    assert float(solve_fixed_size([0.5, 0.3], 0.4, 0, device=CPU).error[0]) == pytest.approx(0.4)  # the empty set


def test_chunks_do_not_change_the_result():
    x, z = draw(25, 10, seed=4)
    whole = solve_fixed_size(x, z, 3, device=CPU)
    chunked = solve_fixed_size(x, z, 3, device=CPU, memory_budget_bytes=96 * (32 + 32) * 3)
    assert torch.equal(whole.mask, chunked.mask)


def test_worst_case_matches_a_dense_grid_and_the_unconstrained_function():
    x, _ = draw(3, 8, seed=5)
    z = torch.linspace(-1, 1, 4001, dtype=torch.float64)  # step 5e-4
    for k, at_most in [(0, True), (2, True), (3, False), (8, True)]:
        worst = fixed_size_worst_case_error(x, k, at_most=at_most, device=CPU)
        for b in range(3):
            grid = solve_fixed_size(x[b], z, k, at_most=at_most, device=CPU).error.max()
            # The grid is a lower estimate, within half its step of the supremum.
            assert float(grid) <= float(worst[b]) + 1e-12
            assert float(worst[b]) <= float(grid) + 5e-4 / 2 + 1e-12
    chunked = fixed_size_worst_case_error(x, 3, device=CPU, memory_budget_bytes=96 * 256)  # one row per chunk
    assert torch.equal(chunked, fixed_size_worst_case_error(x, 3, device=CPU))
    full = fixed_size_worst_case_error(x, 8, device=CPU)
    assert torch.allclose(full, subset_sum.worst_case_error(x, device=CPU), rtol=0, atol=1e-14)
    assert float(fixed_size_worst_case_error([0.5, 0.5, 0.5, 0.5], 2, device=CPU)) == 1.0  # sums 0, 0.5, 1: z = −1
    assert float(fixed_size_worst_case_error([0.5, 0.5, 0.5, 0.5], 2, at_most=False, device=CPU)) == 2.0  # only 1


def test_density_tradeoff_shape_monotonicity_and_exact_criterion():
    result = density_tradeoff(
        0.1, [1.0, 0.5, 0.25], [4, 8, 12, 16], draws=60, generator=torch.Generator().manual_seed(0), device=CPU
    )
    assert isinstance(result, DensityTradeoff)
    assert result.success.shape == (3, 4)
    assert result.failure_probability == 0.1
    # Fewer allowed coefficients can only hurt: success falls with the density at every n.
    assert bool((result.success[0] >= result.success[1]).all()) and bool((result.success[1] >= result.success[2]).all())
    needed = [n if n is not None else 10**9 for n in result.n_needed]
    assert needed[0] <= needed[1] <= needed[2]
    # n_needed is the least n of the grid that meets the criterion.
    for row, n in enumerate(result.n_needed):
        columns = [c for c, v in enumerate(result.n_values) if result.success[row, c] >= 0.9]
        assert n == (result.n_values[columns[0]] if columns else None)
    # Density 1 is the unconstrained problem: recompute the success share with worst_case_error.
    x = subset_sum.sample_coefficients(60, 4, generator=torch.Generator().manual_seed(0), device=CPU)
    expected = float((subset_sum.worst_case_error(x, device=CPU) <= 0.1).double().mean())
    assert float(result.success[0, 0]) == pytest.approx(expected)


@pytest.mark.parametrize(
    "call, error, word",
    [
        (lambda: solve_fixed_size([0.1, 0.2], 0.1, 3, device=CPU), ValueError, "k"),
        (lambda: solve_fixed_size([0.1, 0.2], 0.1, -1, device=CPU), ValueError, "k"),
        (lambda: solve_fixed_size([0.1, 0.2], 0.1, 1.0, device=CPU), TypeError, "k"),
        (lambda: solve_fixed_size([[0.1, 0.2]] * 2, [0.1] * 3, 1, device=CPU), ValueError, "targets"),
        (lambda: solve_fixed_size([0.1, float("nan")], 0.1, 1, device=CPU), ValueError, "coefficients"),
        (lambda: solve_fixed_size([0.1, 0.2], 0.1, 1, at_most=1, device=CPU), TypeError, "at_most"),
        (lambda: solve_fixed_size([0.1] * 30, 0.1, 1, device=CPU, memory_budget_bytes=10), ValueError, "memory"),
        (lambda: fixed_size_worst_case_error([0.1] * 23, 1, device=CPU), ValueError, "n"),
        (lambda: fixed_size_worst_case_error([0.1, 0.2], 1, lo=1, hi=0, device=CPU), ValueError, "lo"),
        (lambda: density_tradeoff(0.0, [0.5], [4], device=CPU), ValueError, "eps"),
        (lambda: density_tradeoff(0.1, [0.0], [4], device=CPU), ValueError, "densities"),
        (lambda: density_tradeoff(0.1, [0.5], [8, 4], device=CPU), ValueError, "n_values"),
        (lambda: density_tradeoff(0.1, [0.5], [30], device=CPU), ValueError, "n_values"),
        (lambda: density_tradeoff(0.1, [0.5], [4], law="cauchy", device=CPU), ValueError, "law"),
        (lambda: density_tradeoff(0.1, 0.5, [4], device=CPU), TypeError, "densities"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, error, word):
    with pytest.raises(error, match=word):
        call()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu():
    x, z = draw(50, 14, seed=9)
    cpu = solve_fixed_size(x, z, 5, device="cpu")
    cuda = solve_fixed_size(x, z, 5, device="cuda")
    assert torch.allclose(cpu.error, cuda.error.cpu(), rtol=0, atol=1e-14)
    assert torch.allclose(
        fixed_size_worst_case_error(x, 5, device="cpu"),
        fixed_size_worst_case_error(x, 5, device="cuda").cpu(),
        rtol=0,
        atol=1e-14,
    )
