"""Tests for lthbook.subset_sum: exact optima against brute force, worst case, laws, MILP, input checks."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import numpy as np
import pytest
import torch

from lthbook import subset_sum as ss

CPU = torch.device("cpu")
EPS64 = torch.finfo(torch.float64).eps
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def draw(batch: int, n: int, law: str = "uniform", seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Coefficients of a law and targets uniform on [-1, 1], on the CPU."""
    generator = torch.Generator().manual_seed(seed)
    x = ss.sample_coefficients(batch, n, law, generator=generator, device=CPU)
    z = torch.rand(batch, generator=generator, dtype=torch.float64) * 2 - 1
    return x, z


def guarantee(x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """The documented bound on solve.error − brute_force.error: 2n·eps64·(Σ|x_i| + |z|)."""
    n = x.shape[-1]
    return 2 * n * EPS64 * (x.abs().sum(-1) + z.abs())


def all_sums(x: np.ndarray) -> np.ndarray:
    """All 2^n subset sums of one coefficient vector, by the doubling of subset_value's order."""
    sums = np.zeros(1)
    for coefficient in x:
        sums = np.concatenate([sums, sums + coefficient])
    return sums


def two_best_errors(x: torch.Tensor, z: torch.Tensor) -> np.ndarray:
    """(best, second best) float64 errors over all masks, per instance (an independent oracle)."""
    rows = []
    for coefficients, target in zip(x.numpy(), z.numpy()):
        errors = np.abs(target - all_sums(coefficients))
        rows.append(np.partition(errors, 1)[:2])
    return np.array(rows)


def instances_per_n(n: int) -> int:
    return 400 if n <= 10 else 150 if n <= 14 else 40 if n <= 17 else 12


# ----------------------------------------------------------------------------------------
# solve against brute force
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("law", ss.COEFFICIENT_LAWS)
@pytest.mark.parametrize("n", range(1, 21))
def test_solve_matches_brute_force_per_instance(n, law):
    x, z = draw(instances_per_n(n), n, law, seed=n)
    exact = ss.brute_force(x, z, device=CPU)
    found = ss.solve(x, z, device=CPU)
    excess = found.error - exact.error
    assert (excess >= 0).all(), "brute force is the minimum over all masks"
    assert (excess <= guarantee(x, z)).all()
    # Where the optimum beats the runner-up by more than the bound, the masks are the same.
    best, second = two_best_errors(x, z).T
    np.testing.assert_array_equal(best, exact.error.numpy())
    separated = torch.from_numpy(second - best) > guarantee(x, z)
    assert separated.float().mean() > 0.9
    assert torch.equal(found.mask[separated], exact.mask[separated])
    assert torch.equal(found.error[separated], exact.error[separated])


@pytest.mark.parametrize("law", ss.COEFFICIENT_LAWS)
@pytest.mark.parametrize("n", [1, 2, 5, 9, 13, 17, 20])
def test_solve_shared_coefficients_matches_brute_force(n, law):
    x, _ = draw(1, n, law, seed=100 + n)
    _, z = draw(3000 if n < 17 else 60, 1, seed=n)
    coefficients = x[0]
    assert ss._table_pays_off(n, z.shape[0], ss.DEFAULT_MEMORY_BUDGET_BYTES)
    exact = ss.brute_force(coefficients, z, device=CPU)
    found = ss.solve(coefficients, z, device=CPU)
    assert found.mask.shape == (z.shape[0], n)
    # With many targets the 2^n sums are tabulated: exactly brute force's float64 optimum.
    assert torch.equal(found.error, exact.error)


def test_shared_coefficients_with_few_targets_use_meet_in_the_middle():
    x, z = draw(5, 20, "product", seed=7)
    coefficients = x[0]
    exact = ss.brute_force(coefficients, z, device=CPU)
    found = ss.solve(coefficients, z, device=CPU)
    excess = found.error - exact.error
    assert (excess >= 0).all() and (excess <= guarantee(coefficients.expand(5, 20), z)).all()


@pytest.mark.parametrize("n", [1, 2, 7, 15, 21])
def test_numpy_and_torch_routes_agree(n):
    x, z = draw(300 if n < 21 else 30, n, "product", seed=3)
    by_numpy = ss.solve(x, z, device=CPU, backend="numpy")
    by_torch = ss.solve(x, z, device=CPU, backend="torch")
    # Both search the same integer grid exactly; continuous coefficients leave no ties.
    assert torch.equal(by_numpy.mask, by_torch.mask)
    assert torch.equal(by_numpy.error, by_torch.error)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_chunking_does_not_change_results(backend):
    x, z = draw(37, 12, "gaussian", seed=5)
    default = ss.solve(x, z, device=CPU, backend=backend)
    one_at_a_time = ss.solve(x, z, device=CPU, backend=backend, memory_budget_bytes=ss._mitm_bytes_per_instance(12))
    assert torch.equal(default.mask, one_at_a_time.mask)
    assert torch.equal(default.error, one_at_a_time.error)


def test_paper_size_instances_are_exact():
    x, z = draw(8, 21, "product", seed=21)
    exact = ss.brute_force(x, z, device=CPU)  # n = 21 is within brute force's range
    found = ss.solve(x, z, device=CPU)
    assert ((found.error - exact.error).abs() <= guarantee(x, z)).all()
    assert (found.error < 1e-4).all()


def test_large_n_beyond_brute_force():
    # n = 30 is out of brute force's reach; check against a slower exact route instead.
    x, z = draw(3, 30, "uniform", seed=30)
    found = ss.solve(x, z, device=CPU, backend="numpy")
    again = ss.solve(x, z, device=CPU, backend="torch")
    assert torch.equal(found.error, again.error)
    assert (found.error < 1e-6).all()
    assert torch.equal(found.value, ss.subset_value(x, found.mask))


# ----------------------------------------------------------------------------------------
# solve: results and edge cases
# ----------------------------------------------------------------------------------------


def test_solution_is_a_frozen_dataclass_of_float64_tensors():
    x, z = draw(4, 6)
    solution = ss.solve(x, z, device=CPU)
    assert isinstance(solution, ss.SubsetSumSolution)
    assert solution.mask.dtype == torch.bool and solution.mask.shape == (4, 6)
    assert solution.value.dtype == torch.float64 and solution.value.shape == (4,)
    assert solution.error.dtype == torch.float64 and solution.error.shape == (4,)
    assert torch.equal(solution.value, ss.subset_value(x, solution.mask))
    assert torch.equal(solution.error, (z - solution.value).abs())
    with pytest.raises(dataclasses.FrozenInstanceError):
        solution.error = None


def test_n_equals_one():
    x = torch.tensor([[0.3], [0.3], [-0.5]], dtype=torch.float64)
    z = torch.tensor([0.2, 0.1, -0.4])
    solution = ss.solve(x, z, device=CPU)
    assert solution.mask.tolist() == [[True], [False], [True]]
    assert torch.allclose(solution.error, torch.tensor([0.1, 0.1, 0.1], dtype=torch.float64))


def test_targets_outside_the_reachable_range():
    x = torch.tensor([0.5, -0.25, 0.125, 0.75], dtype=torch.float64)
    positives, negatives = x.clamp(min=0).sum(), x.clamp(max=0).sum()
    z = torch.tensor([100.0, -100.0, 1e15, -1e15], dtype=torch.float64)
    for found in (ss.solve(x.expand(4, 4), z, device=CPU), ss.solve(x, z, device=CPU)):
        assert found.mask.tolist()[0] == [True, False, True, True]
        assert found.mask.tolist()[1] == [False, True, False, False]
        expected = torch.stack([z[0] - positives, negatives - z[1], z[2] - positives, negatives - z[3]])
        assert torch.equal(found.error, expected.abs())


def test_zero_and_repeated_coefficients():
    x = torch.tensor([[0.0, 0.3, 0.3, 0.0, -0.2, 0.3, 0.0, 0.1]], dtype=torch.float64).repeat(50, 1)
    z = torch.linspace(-1, 1, 50, dtype=torch.float64)
    exact = ss.brute_force(x, z, device=CPU)
    for backend in ("numpy", "torch"):
        found = ss.solve(x, z, device=CPU, backend=backend)
        assert ((found.error - exact.error).abs() <= guarantee(x, z)).all()
    all_zero = ss.solve(torch.zeros(3, 5, dtype=torch.float64), torch.tensor([0.5, 0.0, -2.0]), device=CPU)
    assert torch.equal(all_zero.error, torch.tensor([0.5, 0.0, 2.0], dtype=torch.float64))


def test_target_equal_to_a_subset_sum_gives_error_exactly_zero():
    generator = torch.Generator().manual_seed(11)
    # Integer coefficients: the grid is exact, so zero error is guaranteed.
    x = torch.randint(-1000, 1000, (200, 16), generator=generator)
    chosen = torch.rand(200, 16, generator=generator) < 0.5
    z = (x * chosen).sum(1)
    assert torch.equal(ss.solve(x, z, device=CPU).error, torch.zeros(200, dtype=torch.float64))
    # Real coefficients, target = the float64 value of a mask.
    x, _ = draw(300, 18, "product", seed=12)
    z = ss.subset_value(x, torch.rand(300, 18, generator=generator) < 0.5)
    for backend in ("numpy", "torch"):
        assert torch.equal(ss.solve(x, z, device=CPU, backend=backend).error, torch.zeros(300, dtype=torch.float64))
    assert torch.equal(ss.solve(x[0], z, device=CPU).error[0], torch.tensor(0.0, dtype=torch.float64))


@pytest.mark.parametrize("power", [-900, -40, 40, 900])
def test_scaling_by_a_power_of_two_scales_the_solution(power):
    # Multiplying x and z by 2^power is exact, so the optimal masks must not change.
    x, z = draw(100, 14, "gaussian", seed=14)
    plain = ss.solve(x, z, device=CPU)
    scale = 2.0**power
    for backend in ("numpy", "torch"):
        scaled = ss.solve(x * scale, z * scale, device=CPU, backend=backend)
        assert torch.equal(scaled.mask, plain.mask)
        assert torch.equal(scaled.error, plain.error * scale)


def test_inputs_as_lists_arrays_and_scalars():
    found = ss.solve([0.5, 0.25, 0.125], 0.375, device=CPU)
    assert found.mask.tolist() == [[False, True, True]]
    assert found.error.tolist() == [0.0]
    from_numpy = ss.solve(np.array([[0.5, 0.25, 0.125]]), np.array([0.6]), device=CPU)
    assert from_numpy.mask.tolist() == [[True, False, True]]
    empty = ss.solve(torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0), device=CPU)
    assert empty.mask.shape == (0, 4) and empty.error.shape == (0,)


def test_subset_value_adds_in_index_order():
    x, _ = draw(50, 12, "gaussian", seed=9)
    mask = torch.rand(50, 12, generator=torch.Generator().manual_seed(1)) < 0.5
    expected = []
    for row, keep in zip(x.tolist(), mask.tolist()):
        total = 0.0
        for value, kept in zip(row, keep):
            if kept:
                total += value
        expected.append(total)
    assert ss.subset_value(x, mask).tolist() == expected
    assert ss.subset_value(x[0], mask[0]).shape == ()


# ----------------------------------------------------------------------------------------
# brute force
# ----------------------------------------------------------------------------------------


def test_brute_force_known_instance():
    x = torch.tensor([0.7, -0.4, 0.25], dtype=torch.float64)
    solution = ss.brute_force(x, torch.tensor([0.55, -0.1], dtype=torch.float64), device=CPU)
    # 0.55 ≈ 0.7 − 0.4 + 0.25 (0.55); −0.1 ≈ −0.4 + 0.25 = −0.15 or 0 (distance 0.05 / 0.1)
    assert solution.mask.tolist() == [[True, True, True], [False, True, True]]
    assert math.isclose(solution.error[1].item(), 0.05, abs_tol=1e-15)


def test_brute_force_refuses_large_n():
    with pytest.raises(ValueError, match="n = 23"):
        ss.brute_force(torch.zeros(23, dtype=torch.float64), 0.0, device=CPU)


# ----------------------------------------------------------------------------------------
# worst_case_error
# ----------------------------------------------------------------------------------------


def sup_by_gaps(x: np.ndarray, lo: float, hi: float) -> float:
    """An independent reference: walk the sorted sums gap by gap, clipping each gap to [lo, hi].

    On a gap [s, t] the error is the tent min(z − s, t − z); its maximum over
    [max(s, lo), min(t, hi)] is min(min(t, hi) − s, t − max(s, lo), (t − s)/2).
    Outside the sums, the error grows linearly towards lo and hi.
    """
    sums = np.sort(all_sums(x))
    worst = 0.0
    if lo < sums[0]:
        worst = max(worst, sums[0] - lo)
    if hi > sums[-1]:
        worst = max(worst, hi - sums[-1])
    for s, t in zip(sums[:-1], sums[1:]):
        a, b = max(s, lo), min(t, hi)
        if a <= b:
            worst = max(worst, min(b - s, t - a, (t - s) / 2))
    return worst


def test_worst_case_error_known_values():
    x = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64)  # sums 0, 1, ..., 7
    assert ss.worst_case_error(x, device=CPU).item() == 1.0  # z = −1 is 1 away from 0
    assert ss.worst_case_error(x, 0.0, 7.0, device=CPU).item() == 0.5
    assert ss.worst_case_error(x, 2.0, 2.0, device=CPU).item() == 0.0
    assert ss.worst_case_error(x, 8.0, 10.0, device=CPU).item() == 3.0
    assert ss.worst_case_error(x, 2.25, 2.375, device=CPU).item() == 0.375  # midpoint 2.5 outside
    dyadic = torch.tensor([2.0**-k for k in range(1, 11)], dtype=torch.float64)  # grid of step 2^-10
    assert ss.worst_case_error(dyadic, 0.0, 1.0 - 2.0**-10, device=CPU).item() == 2.0**-11


@pytest.mark.parametrize("n", [1, 3, 6, 10])
@pytest.mark.parametrize("bounds", [(-1.0, 1.0), (-0.3, 0.45), (0.2, 0.2), (-5.0, 5.0), (3.0, 4.0)])
def test_worst_case_error_against_sorted_gaps_and_a_dense_grid(n, bounds):
    lo, hi = bounds
    x, _ = draw(6, n, "uniform", seed=n)
    exact = ss.worst_case_error(x, lo, hi, device=CPU)
    assert exact.shape == (6,) and exact.dtype == torch.float64
    grid = np.linspace(lo, hi, 20001)
    spacing = (hi - lo) / 20000
    for row, value in zip(x.numpy(), exact.tolist()):
        assert value == pytest.approx(sup_by_gaps(row, lo, hi), abs=1e-15)
        sums = np.sort(all_sums(row))
        nearest = np.searchsorted(sums, grid).clip(1, len(sums) - 1)
        on_grid = np.minimum(np.abs(grid - sums[nearest - 1]), np.abs(grid - sums[nearest])).max()
        assert on_grid <= value + 1e-15
        assert value <= on_grid + spacing / 2 + 1e-15


def test_worst_case_error_shapes_and_chunks():
    x, _ = draw(9, 8, "product", seed=4)
    batched = ss.worst_case_error(x, device=CPU)
    one_by_one = torch.stack([ss.worst_case_error(row, device=CPU) for row in x])
    assert one_by_one.shape == (9,) and ss.worst_case_error(x[0], device=CPU).shape == ()
    assert torch.equal(batched, one_by_one)
    tiny_budget = ss.worst_case_error(x, device=CPU, memory_budget_bytes=ss._ENUMERATION_BYTES_PER_SUM << 8)
    assert torch.equal(batched, tiny_budget)


def test_worst_case_error_decreases_like_two_to_the_minus_n():
    # Lueker: the worst case over [-1, 1] falls exponentially in n; at n = 16 it is tiny.
    x, _ = draw(20, 16, "uniform", seed=16)
    worst = ss.worst_case_error(x, device=CPU)
    assert worst.median() < 1e-3
    x4, _ = draw(20, 4, "uniform", seed=4)
    assert ss.worst_case_error(x4, device=CPU).median() > 20 * worst.median()


# ----------------------------------------------------------------------------------------
# sample_coefficients
# ----------------------------------------------------------------------------------------


def test_sample_coefficients_laws():
    generator = torch.Generator().manual_seed(0)
    uniform = ss.sample_coefficients(400, 500, "uniform", generator=generator, device=CPU)
    product = ss.sample_coefficients(400, 500, "product", generator=generator, device=CPU)
    gaussian = ss.sample_coefficients(400, 500, "gaussian", generator=generator, device=CPU)
    for sample in (uniform, product, gaussian):
        assert sample.shape == (400, 500) and sample.dtype == torch.float64
    assert uniform.abs().max() <= 1 and product.abs().max() <= 1
    # Moments: U[-1,1] has variance 1/3; the product a·b has variance 1/9 and E|ab| = 1/4.
    assert uniform.var().item() == pytest.approx(1 / 3, rel=0.01)
    assert product.var().item() == pytest.approx(1 / 9, rel=0.01)
    assert product.abs().mean().item() == pytest.approx(1 / 4, rel=0.01)
    assert gaussian.var().item() == pytest.approx(1.0, rel=0.01)
    # The product law's density −ln|z|/2: P(|Z| ≤ 1/2) = (1 + ln 2)/2.
    assert (product.abs() <= 0.5).double().mean().item() == pytest.approx((1 + math.log(2)) / 2, abs=0.005)


def test_sample_coefficients_is_reproducible():
    first = ss.sample_coefficients(3, 7, "product", generator=torch.Generator().manual_seed(42), device=CPU)
    second = ss.sample_coefficients(3, 7, "product", generator=torch.Generator().manual_seed(42), device=CPU)
    assert torch.equal(first, second)


# ----------------------------------------------------------------------------------------
# MILP reference
# ----------------------------------------------------------------------------------------


def test_milp_agrees_with_brute_force_on_small_instances():
    x, z = draw(5, 10, "product", seed=8)
    reference = ss.milp(x, z, time_limit=20.0)
    exact = ss.brute_force(x, z, device=CPU)
    assert isinstance(reference, ss.MilpSolution)
    assert reference.proven_optimal.all() and reference.status == ("optimal",) * 5
    np.testing.assert_allclose(reference.error.numpy(), exact.error.numpy(), rtol=0, atol=1e-12)
    assert (reference.seconds > 0).all()


def test_milp_with_eps():
    x = torch.tensor([0.5, 0.25, 0.125], dtype=torch.float64)
    feasible = ss.milp(x, torch.tensor([0.3]), eps=0.1)
    assert feasible.status == ("optimal",) and feasible.error.item() == pytest.approx(0.05)
    infeasible = ss.milp(x, torch.tensor([0.3]), eps=0.01)
    assert infeasible.status == ("infeasible",) and not infeasible.proven_optimal.item()
    assert math.isnan(infeasible.error.item()) and not infeasible.mask.any()


def test_milp_with_eps_finds_every_feasible_instance():
    # With ε as an upper bound on the error variable t, HiGHS's presolve called some feasible
    # instances infeasible (SciPy 1.14.1 on the case above; SciPy 1.17.1 on several of these).
    generator = torch.Generator().manual_seed(2026)
    for n in (3, 5, 7, 9):
        x = ss.sample_coefficients(40, n, "uniform", generator=generator, device=CPU)
        z = torch.rand(40, generator=generator, dtype=torch.float64) * 2 - 1
        best = ss.brute_force(x, z, device=CPU).error
        eps = best * (1.05 + 2 * torch.rand(40, generator=generator, dtype=torch.float64)) + 1e-3
        for b in range(40):
            found = ss.milp(x[b], z[b : b + 1], eps=float(eps[b]))
            assert found.status == ("optimal",), (n, b, found.status)
            assert found.error.item() <= eps[b].item()


# ----------------------------------------------------------------------------------------
# CUDA
# ----------------------------------------------------------------------------------------


@needs_cuda
def test_cuda_agrees_with_cpu():
    x, z = draw(200, 17, "product", seed=17)
    on_cpu = ss.solve(x, z, device="cpu")
    on_gpu = ss.solve(x, z, device="cuda")
    assert on_gpu.error.device.type == "cuda"
    assert torch.equal(on_gpu.error.cpu(), on_cpu.error)
    assert torch.equal(on_gpu.mask.cpu(), on_cpu.mask)
    shared = ss.solve(x[0], z, device="cuda")
    assert torch.equal(shared.error.cpu(), ss.brute_force(x[0], z, device="cpu").error)
    assert torch.equal(ss.brute_force(x, z, device="cuda").error.cpu(), ss.brute_force(x, z, device="cpu").error)
    assert torch.allclose(
        ss.worst_case_error(x[:5], device="cuda").cpu(), ss.worst_case_error(x[:5], device="cpu"), rtol=0, atol=1e-15
    )
    same_seed = ss.sample_coefficients(4, 5, generator=torch.Generator().manual_seed(0), device="cuda")
    assert torch.equal(
        same_seed.cpu(), ss.sample_coefficients(4, 5, generator=torch.Generator().manual_seed(0), device="cpu")
    )


# ----------------------------------------------------------------------------------------
# Input checks
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "coefficients, targets, error, name",
    [
        (torch.zeros(2, 3, 4), torch.zeros(2), ValueError, "coefficients"),
        (torch.zeros(2, 3), torch.zeros(2, 1), ValueError, "targets"),
        (torch.zeros(2, 3), torch.zeros(3), ValueError, "targets"),
        (torch.tensor([[0.1, float("nan")]]), torch.zeros(1), ValueError, "coefficients"),
        (torch.zeros(1, 2), torch.tensor([float("inf")]), ValueError, "targets"),
        (torch.zeros(2, 0), torch.zeros(2), ValueError, "n >= 1"),
        (torch.tensor([[2**60, 1]]), torch.zeros(1), ValueError, "coefficients"),
        (np.array([[2**60, 1]]), torch.zeros(1), ValueError, "coefficients"),
        ("abc", torch.zeros(1), TypeError, "coefficients"),
        (torch.zeros(1, 2), "abc", TypeError, "targets"),
        (torch.ones(2, dtype=torch.bool), torch.zeros(1), TypeError, "coefficients"),
        (torch.tensor([1e308, 1e308]), torch.zeros(1), ValueError, "coefficients"),
    ],
)
def test_bad_input_is_refused_with_its_name(coefficients, targets, error, name):
    for function in (ss.solve, ss.brute_force):
        with pytest.raises(error, match=name):
            function(coefficients, targets, device=CPU)


def test_bad_options_are_refused_with_their_names():
    x, z = draw(2, 4)
    with pytest.raises(ValueError, match="backend"):
        ss.solve(x, z, device=CPU, backend="gurobi")
    with pytest.raises(ValueError, match="memory_budget_bytes"):
        ss.solve(x, z, device=CPU, memory_budget_bytes=0)
    with pytest.raises(TypeError, match="memory_budget_bytes"):
        ss.solve(x, z, device=CPU, memory_budget_bytes=1.5)
    with pytest.raises((TypeError, ValueError), match="device"):
        ss.solve(x, z, device="tpu")
    with pytest.raises(ValueError, match=r"n = 60.*bytes"):
        ss.solve(torch.zeros(1, 60, dtype=torch.float64), torch.zeros(1), device=CPU)
    with pytest.raises(ValueError, match=r"n = 12.*bytes"):
        ss.solve(torch.zeros(1, 12, dtype=torch.float64), torch.zeros(1), device=CPU, memory_budget_bytes=1000)
    with pytest.raises(ValueError, match="lo"):
        ss.worst_case_error(x, 1.0, -1.0, device=CPU)
    with pytest.raises(ValueError, match="hi"):
        ss.worst_case_error(x, -1.0, float("inf"), device=CPU)
    with pytest.raises(ValueError, match=r"n = 30 nonzero.*bytes"):
        ss.worst_case_error(torch.ones(30, dtype=torch.float64), device=CPU)
    with pytest.raises(ValueError, match="coefficients"):
        ss.worst_case_error(torch.zeros(2, 2, 2), device=CPU)
    with pytest.raises(ValueError, match="batch"):
        ss.sample_coefficients(0, 3, device=CPU)
    with pytest.raises(TypeError, match="n"):
        ss.sample_coefficients(3, 2.0, device=CPU)
    with pytest.raises(ValueError, match="law"):
        ss.sample_coefficients(3, 3, "cauchy", device=CPU)
    with pytest.raises(TypeError, match="generator"):
        ss.sample_coefficients(3, 3, generator=0, device=CPU)
    with pytest.raises(ValueError, match="eps"):
        ss.milp(x, z, eps=-0.1)
    with pytest.raises(ValueError, match="time_limit"):
        ss.milp(x, z, time_limit=0)
    with pytest.raises(TypeError, match="mask"):
        ss.subset_value(x, torch.ones(2, 4))
    with pytest.raises(ValueError, match="mask"):
        ss.subset_value(x, torch.ones(2, 5, dtype=torch.bool))


# ----------------------------------------------------------------------------------------
# The half-block law, first successes, failure rates, the constant C
# ----------------------------------------------------------------------------------------


def prefix_worst_cases(x: torch.Tensor, every: int = 1) -> np.ndarray:
    """worst_case_error of the prefixes x[:, :k], k = every, 2·every, …, by enumerating all sums (the oracle)."""
    rows = []
    for row in x.numpy():
        worst = []
        for k in range(every, len(row) + 1, every):
            prefix = row[:k]
            s = np.sort(all_sums(prefix[prefix != 0]))  # zeros add no sum
            ends = max(np.abs(s + 1).min(), np.abs(s - 1).min())
            midpoints, half_gaps = (s[1:] + s[:-1]) / 2, (s[1:] - s[:-1]) / 2
            inside = (midpoints >= -1) & (midpoints <= 1)
            worst.append(max(ends, half_gaps[inside].max(initial=0.0)))
        rows.append(worst)
    return np.array(rows)


def test_half_block_law_is_the_construction_s_half():
    generator = torch.Generator().manual_seed(0)
    x = ss.sample_coefficients(2000, 10, "half_block", generator=generator, device=CPU)
    assert x.shape == (2000, 20) and x.dtype == torch.float64
    # The definition, redrawn: M first, then N, x = N·M where M > 0, else an exact zero.
    again = torch.Generator().manual_seed(0)
    m = torch.rand(2000, 20, generator=again, dtype=torch.float64) * 2 - 1
    n_ = torch.rand(2000, 20, generator=again, dtype=torch.float64) * 2 - 1
    assert torch.equal(x, torch.where(m > 0, n_ * m, torch.zeros(())))
    counts = (x != 0).sum(dim=1).double()
    assert counts.mean().item() == pytest.approx(10, abs=0.15)  # Binomial(20, 1/2): mean n
    assert counts.var().item() == pytest.approx(5, rel=0.1)  # variance 2n/4
    nonzero = x[x != 0]
    assert nonzero.var().item() == pytest.approx(1 / 9, rel=0.03)  # the product law
    assert nonzero.abs().mean().item() == pytest.approx(1 / 4, rel=0.03)
    assert ss.slots_per_n("half_block") == 2 and ss.slots_per_n("product") == 1
    assert "half_block" in ss.LAWS and "half_block" not in ss.COEFFICIENT_LAWS


def test_worst_case_error_skips_zeros_exactly():
    x, _ = draw(300, 7, "half_block", seed=11)  # 14 slots, ~7 nonzero
    assert (x == 0).any(dim=1).all()
    np.testing.assert_array_equal(ss.worst_case_error(x, device=CPU).numpy(), prefix_worst_cases(x)[:, -1])
    # Removing the zeros by hand changes nothing, bit for bit.
    for row, value in zip(x[:20], ss.worst_case_error(x[:20], device=CPU)):
        assert ss.worst_case_error(row[row != 0], device=CPU).item() == value.item()
    # 60 slots with 20 nonzero: enumerating 2^60 sums would be impossible.
    wide = torch.zeros(2, 60, dtype=torch.float64)
    wide[:, ::3] = torch.linspace(-0.9, 0.9, 20, dtype=torch.float64)
    assert torch.isfinite(ss.worst_case_error(wide, device=CPU)).all()
    all_zero = ss.worst_case_error(torch.zeros(3, 5, dtype=torch.float64), -0.5, 1.0, device=CPU)
    assert torch.equal(all_zero, torch.ones(3, dtype=torch.float64))  # only the sum 0


@pytest.mark.parametrize("law", ss.LAWS)
def test_first_success_matches_the_exact_worst_case(law):
    x, _ = draw(150, 12 // ss.slots_per_n(law), law, seed=21)
    worst = prefix_worst_cases(x)  # (150, 12)
    for eps in (0.3, 0.1, 0.03, 0.01):
        covered = worst <= eps
        expected = np.where(covered.any(axis=1), covered.argmax(axis=1) + 1, 13)
        assert torch.equal(ss.first_success(x, eps, device=CPU), torch.from_numpy(expected))
        in_n = ss.first_success(x, eps, law=law, device=CPU)
        per_n = ss.slots_per_n(law)
        assert torch.equal(in_n, torch.from_numpy(-(-expected // per_n)))
    assert ss.first_success(x[0], 1.5, device=CPU).item() == 0  # [−1, 1] within 1.5 of 0


def test_least_n_is_the_failure_quantile():
    values = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3])
    assert ss.least_n(values, 0.0) == 9
    assert ss.least_n(values, 0.1) == 6  # one of ten fails at n = 6
    assert ss.least_n(values, 0.5) == 3
    assert ss.least_n(torch.tensor([2, 2]), 0.5) == 2
    with pytest.raises(ValueError, match="max_failure_rate"):
        ss.least_n(values, 1.0)
    with pytest.raises(ValueError, match="first_successes"):
        ss.least_n(np.array([0.5, 1.0]), 0.1)


@pytest.mark.parametrize("law, n, eps", [("half_block", 5, 0.2), ("half_block", 7, 0.05), ("product", 9, 0.1)])
def test_failure_rate_counts_exact_failures(law, n, eps):
    result = ss.failure_rate(law, n, eps, 500, seed=5, device=CPU)
    x = ss.sample_coefficients(500, n, law, generator=torch.Generator().manual_seed(5), device=CPU)
    failures = int((ss.worst_case_error(x, device=CPU) > eps).sum())
    assert isinstance(result, ss.FailureRate) and dataclasses.is_dataclass(result)
    assert (result.failures, result.draws, result.n, result.eps) == (failures, 500, n, eps)
    assert result.rate == failures / 500
    assert result.interval[0] <= result.rate <= result.interval[1] and result.confidence == 0.95
    generator = torch.Generator().manual_seed(5)
    assert ss.failure_rate(law, n, eps, 500, generator=generator, device=CPU).failures == failures


def test_failure_rate_is_reproducible_across_chunks():
    # 8,192 draws per chunk: 9,000 draws are two chunks of one generator stream.
    x = ss.sample_coefficients(8192, 3, "half_block", generator=torch.Generator().manual_seed(2), device=CPU)
    result = ss.failure_rate("half_block", 3, 0.4, 9000, seed=2, device=CPU)
    first_chunk = int((ss.worst_case_error(x, device=CPU) > 0.4).sum())
    assert first_chunk <= result.failures <= first_chunk + 9000 - 8192


def test_measure_constant_against_the_exact_worst_case():
    grid = (0.354, 0.3)
    result = ss.measure_constant("half_block", grid, 300, seed=3, max_n=14, repeats=200, progress=False, device=CPU)
    x = ss.sample_coefficients(300, 14, "half_block", generator=torch.Generator().manual_seed(3), device=CPU)
    worst = prefix_worst_cases(x, every=2)  # after n = 1..14 slot pairs
    for e, eps in enumerate(grid):
        failing = (worst > eps).mean(axis=0)  # failure rate at n = 1..14
        n_star = 1 + int(np.flatnonzero(failing <= eps)[0])
        assert result.n_star[e] == n_star
        assert result.ratios[e] == pytest.approx(n_star / math.log2(2 / eps))
    assert result.value >= max(result.ratios)  # the supremum over the range, between points too
    assert result.interval[0] <= result.interval[1] and result.confidence == 0.9
    assert result.upper >= result.value and result.upper == math.ceil(result.upper * 100) / 100
    assert len(result.first_successes) == 2 and result.first_successes[0].shape == (300,)
    with pytest.raises(ValueError, match="max_n"):
        ss.measure_constant("half_block", (0.01,), 400, seed=3, max_n=3, progress=False, device=CPU)


def test_new_functions_refuse_bad_input():
    with pytest.raises(ValueError, match="eps"):
        ss.first_success(torch.ones(2, 3), 0.0, device=CPU)
    with pytest.raises(ValueError, match="law"):
        ss.first_success(torch.ones(2, 3), 0.1, law="cauchy", device=CPU)
    with pytest.raises(ValueError, match="law"):
        ss.failure_rate("cauchy", 3, 0.1, 10, seed=0, device=CPU)
    with pytest.raises(ValueError, match="draws"):
        ss.failure_rate("half_block", 3, 0.1, 0, seed=0, device=CPU)
    with pytest.raises(ValueError, match="seed or generator"):
        ss.failure_rate("half_block", 3, 0.1, 10, seed=0, generator=torch.Generator(), device=CPU)
    with pytest.raises(ValueError, match=r"eps_grid\[1\]"):
        ss.measure_constant("uniform", (0.1, 1.5), 10, seed=0, device=CPU)
    with pytest.raises(TypeError, match="eps_grid"):
        ss.measure_constant("uniform", 0.1, 10, seed=0, device=CPU)


@pytest.mark.parametrize("law", ["uniform", "half_block"])
def test_prefix_worst_cases_are_exact_between_floor_and_ceiling(law):
    x, _ = draw(100, 12 // ss.slots_per_n(law), law, seed=31)
    exact = prefix_worst_cases(x)
    floor, ceiling = 0.02, 0.3
    for row, truth in zip(x.numpy(), exact):
        found = ss._prefix_worst_cases(row, floor, ceiling)
        middle = (truth > floor) & (truth <= ceiling)
        np.testing.assert_allclose(found[middle], truth[middle], rtol=0, atol=1e-12)
        assert (found[truth <= floor] == floor).all()
        assert (found[truth > ceiling] > ceiling).all()


def test_measured_constant_is_the_supremum_between_grid_points():
    lowest, highest = 0.25, 0.354
    result = ss.measure_constant(
        "half_block", (highest, lowest), 300, seed=4, max_n=16, repeats=50, progress=False, device=CPU
    )
    x = ss.sample_coefficients(300, 16, "half_block", generator=torch.Generator().manual_seed(4), device=CPU)
    worst = prefix_worst_cases(x, every=2)  # (300, 16): exact worst case after n = 1..16
    # n*(ε) only changes at a worst-case value or at ε = j/300: try every such point, and just below it.
    points = np.concatenate([worst.ravel(), np.arange(1, 300) / 300, [lowest, highest]])
    points = points[(points >= lowest) & (points <= highest)]
    sweep = np.concatenate([points, points * (1 - 1e-9)])
    sweep = sweep[(sweep >= lowest) & (sweep <= highest)]
    best = 0.0
    for eps in sweep:
        failing = (worst > eps).sum(axis=0)  # failures at n = 1..16
        n_star = 1 + int(np.flatnonzero(failing <= math.floor(Fraction(float(eps)) * 300))[0])
        best = max(best, n_star / math.log2(2 / eps))
    assert result.value == pytest.approx(best, rel=1e-8)  # a supremum, approached from below
    assert result.value > max(result.ratios)  # here it lies between the two grid points


@needs_cuda
def test_half_block_functions_agree_on_cuda():
    x, _ = draw(200, 8, "half_block", seed=41)
    assert torch.equal(ss.worst_case_error(x, device="cuda").cpu(), ss.worst_case_error(x, device="cpu"))
    assert torch.equal(ss.first_success(x, 0.1, device="cuda").cpu(), ss.first_success(x, 0.1, device="cpu"))
    on_gpu = ss.failure_rate("half_block", 8, 0.2, 300, seed=1, device="cuda")
    assert on_gpu == ss.failure_rate("half_block", 8, 0.2, 300, seed=1, device="cpu")
    grid = (0.354, 0.2)
    assert (
        ss.measure_constant("half_block", grid, 300, seed=2, repeats=20, progress=False, device="cuda").value
        == ss.measure_constant("half_block", grid, 300, seed=2, repeats=20, progress=False, device="cpu").value
    )


# ----------------------------------------------------------------------------------------
# The hyperbolic law and law_shape (chapter 7)
# ----------------------------------------------------------------------------------------


def test_hyperbolic_law_is_log_uniform_in_magnitude_with_a_fair_sign():
    a = ss.HYPERBOLIC_LOWER
    x, _ = draw(1, 200_000, "hyperbolic", seed=5)
    again = torch.Generator().manual_seed(5)
    u = torch.rand(1, 200_000, generator=again, dtype=torch.float64) * 2 - 1
    assert torch.equal(x, torch.sign(u) * a ** u.abs())  # one U[-1, 1] draw per coefficient
    magnitude = x.abs()
    assert magnitude.min().item() >= a and magnitude.max().item() <= 1
    # P(|X| <= t) = ln(t/a) / ln(1/a): as many coefficients in every octave above a.
    for t in (0.002, 0.01, 0.1, 0.5):
        expected = math.log(t / a) / math.log(1 / a)
        assert (magnitude <= t).double().mean().item() == pytest.approx(expected, abs=0.005)
    assert (x > 0).double().mean().item() == pytest.approx(0.5, abs=0.005)
    assert ss.slots_per_n("hyperbolic") == 1 and "hyperbolic" in ss.LAWS
    assert "hyperbolic" not in ss.COEFFICIENT_LAWS  # chapter 2's laws are unchanged


@pytest.mark.parametrize(
    "law, near, beyond",
    [
        ("uniform", 0.05, 0.0),
        ("product", 0.05 * (1 - math.log(0.05)), 0.0),
        ("gaussian", math.erf(0.05 / math.sqrt(2)), math.erfc(1 / math.sqrt(2))),
        ("hyperbolic", math.log(0.05 / ss.HYPERBOLIC_LOWER) / math.log(1 / ss.HYPERBOLIC_LOWER), 0.0),
    ],
)
def test_law_shape_matches_the_exact_masses(law, near, beyond):
    shape = ss.law_shape(law, 0.05, 200_000, seed=1, device=CPU)
    assert shape.near_zero == pytest.approx(near, abs=0.004)
    assert shape.density_near_zero == pytest.approx(near / 0.1, abs=0.04)
    assert shape.beyond_one == pytest.approx(beyond, abs=0.004)
    assert shape.zeros == 0.0 and shape.nonzero_per_n == 1.0


def test_law_shape_of_the_half_block_law_counts_empty_slots():
    shape = ss.law_shape("half_block", 0.05, 100_000, seed=2, device=CPU)
    assert shape.zeros == pytest.approx(0.5, abs=0.005)  # half the slots are empty
    assert shape.nonzero_per_n == pytest.approx(1.0, abs=0.01)  # n product coefficients per 2n slots
    # Half the slots hold product-law coefficients: P(0 < |X| <= t) = t(1 - ln t) / 2.
    assert shape.near_zero == pytest.approx(0.05 * (1 - math.log(0.05)) / 2, abs=0.004)


def test_measured_hyperbolic_constant_against_the_exact_worst_case():
    result = ss.measure_constant("hyperbolic", (0.2, 0.1), 200, seed=3, repeats=20, progress=False, device=CPU)
    x = ss.sample_coefficients(200, result.max_n, "hyperbolic", generator=torch.Generator().manual_seed(3), device=CPU)
    for eps, n_star in zip(result.eps_grid, result.n_star):
        first = ss.first_success(x, eps, device=CPU)  # the same draws, decided one by one
        assert (first > n_star).sum().item() <= eps * 200 < (first > n_star - 1).sum().item()
    # The hyperbolic law wastes coefficients below eps: it needs more than the uniform law.
    uniform = ss.measure_constant("uniform", (0.2, 0.1), 200, seed=3, repeats=20, progress=False, device=CPU)
    assert all(h > u for h, u in zip(result.n_star, uniform.n_star))


def test_law_shape_refuses_bad_input():
    with pytest.raises(ValueError, match="law"):
        ss.law_shape("cauchy")
    with pytest.raises(ValueError, match="t must lie"):
        ss.law_shape("uniform", 1.0)
    with pytest.raises(ValueError, match="draws"):
        ss.law_shape("uniform", 0.1, 0)
    with pytest.raises(TypeError, match="seed"):
        ss.law_shape("uniform", 0.1, 10, seed=1.5)
