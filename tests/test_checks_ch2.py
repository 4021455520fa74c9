"""Tests of chapter 2's self-checks in lthbook.checks: right answers pass, typical wrong ones
fail with the hint meant for them."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from lthbook import checks, subset_sum

# ----------------------------------------------------------------------------- check_subset_sum_solver


def exhaustive(x, z):
    best = (math.inf, None)
    for bits in itertools.product([False, True], repeat=len(x)):
        mask = np.array(bits)
        error = abs(z - x[mask].sum())
        if error < best[0]:
            best = (error, mask)
    return best


def test_solver_check_passes_a_correct_brute_force():
    result = checks.check_subset_sum_solver(exhaustive, n=8, instances=5)
    assert result.passed, result.message
    assert repr(result).startswith("✅")


def test_solver_check_accepts_torch_masks_and_tensor_errors():
    def with_tensors(x, z):
        error, mask = exhaustive(x, z)
        return torch.tensor(error), torch.from_numpy(mask)

    assert checks.check_subset_sum_solver(with_tensors, n=6, instances=3).passed


@pytest.mark.parametrize("stub", [None, ..., lambda x, z: ...])
def test_solver_check_recognises_stubs(stub):
    result = checks.check_subset_sum_solver(stub, n=4, instances=2)
    assert not result.passed and "No answer yet" in result.message


def test_solver_check_stub_raising_not_implemented():
    def stub(x, z):
        raise NotImplementedError

    assert "No answer yet" in checks.check_subset_sum_solver(stub, n=4).message


def test_solver_check_catches_a_missing_subset():
    def without_empty_set(x, z):  # forgets the empty subset, and any subset of size > 3
        candidates = [np.array(bits) for bits in itertools.product([False, True], repeat=len(x)) if 0 < sum(bits) <= 3]
        errors = [abs(z - x[m].sum()) for m in candidates]
        k = int(np.argmin(errors))
        return errors[k], candidates[k]

    result = checks.check_subset_sum_solver(without_empty_set, n=8, instances=20)
    assert not result.passed and "all 2^n" in result.message


def test_solver_check_catches_a_returned_sum():
    def returns_sum(x, z):
        _, mask = exhaustive(x, z)
        return x[mask].sum(), mask

    result = checks.check_subset_sum_solver(returns_sum, n=6, instances=5)
    assert not result.passed and "sum" in result.message and "error" in result.message


def test_solver_check_catches_an_inconsistent_mask():
    def wrong_mask(x, z):
        error, mask = exhaustive(x, z)
        return error, ~mask

    result = checks.check_subset_sum_solver(wrong_mask, n=6, instances=5)
    assert not result.passed and "mask selects" in result.message


def test_solver_check_catches_slightly_suboptimal_errors():
    def nearly(x, z):  # off by 1e-7: the best mask, but an error computed inaccurately
        error, mask = exhaustive(x, z)
        return error + 1e-7, mask

    result = checks.check_subset_sum_solver(nearly, n=6, instances=3)
    assert not result.passed and "float32" in result.message


def test_solver_check_catches_float32():
    def in_float32(x, z):
        x32 = x.astype(np.float32)
        best = (math.inf, None)
        for bits in itertools.product([False, True], repeat=len(x)):
            mask = np.array(bits)
            error = abs(np.float32(z) - x32[mask].sum(dtype=np.float32))
            if error < best[0]:
                best = (float(error), mask)
        return best

    result = checks.check_subset_sum_solver(in_float32, n=10, instances=20)
    assert not result.passed and "float32" in result.message


def test_solver_check_catches_bad_shapes():
    result = checks.check_subset_sum_solver(lambda x, z: (0.0, np.ones(3, dtype=bool)), n=6)
    assert not result.passed and "shape (6,)" in result.message
    result = checks.check_subset_sum_solver(lambda x, z: 0.5, n=6)
    assert not result.passed and "pair" in result.message


# ----------------------------------------------------------------------------- check_counting_bound


@pytest.mark.parametrize("eps, truth", [(1e-3, 10), (0.1, 4), (0.25, 2), (2.0**-7, 7)])
def test_counting_bound_right_answer(eps, truth):
    assert checks.check_counting_bound(truth, eps=eps).passed
    assert checks.check_counting_bound(float(truth), eps=eps).passed


def test_counting_bound_refuses_bad_eps():
    for eps in (0.0, -1e-3, 2.0):
        with pytest.raises(ValueError, match="eps"):
            checks.check_counting_bound(10, eps=eps)


def test_counting_bound_hints():
    eps = 1e-3
    assert "Off by one" in checks.check_counting_bound(9, eps=eps).message
    assert "factors of 2" in checks.check_counting_bound(11, eps=eps).message
    assert "whole number" in checks.check_counting_bound(math.log2(1 / eps), eps=eps).message
    assert "No answer yet" in checks.check_counting_bound(..., eps=eps).message
    result = checks.check_counting_bound(25, eps=eps)
    assert not result.passed and "10" not in result.message  # no leak of the answer


# ----------------------------------------------------------------------------- check_success_threshold


@pytest.fixture(scope="module")
def gaussian_draws():
    generator = torch.Generator().manual_seed(0)
    return subset_sum.sample_coefficients(400, 14, "gaussian", generator=generator, device="cpu")


def success_fractions(draws, eps):
    return [
        float((subset_sum.worst_case_error(draws[:, :n], device="cpu") <= eps).double().mean())
        for n in range(1, draws.shape[1] + 1)
    ]


def test_success_threshold_right_answer_and_hints(gaussian_draws):
    eps = 0.1
    fractions = success_fractions(gaussian_draws, eps)
    truth = next(n for n, f in enumerate(fractions, 1) if f >= 1 - eps)
    median = next(n for n, f in enumerate(fractions, 1) if f >= 0.5)
    assert median < truth - 1  # so that the hints below are distinct
    result = checks.check_success_threshold(truth, coefficients=gaussian_draws, eps=eps)
    assert result.passed, result.message
    assert checks.check_success_threshold(truth, coefficients=gaussian_draws.numpy(), eps=eps).passed
    assert "Off by one" in checks.check_success_threshold(truth - 1, coefficients=gaussian_draws, eps=eps).message
    assert "Off by one" in checks.check_success_threshold(truth + 1, coefficients=gaussian_draws, eps=eps).message
    assert "half the draws" in checks.check_success_threshold(median, coefficients=gaussian_draws, eps=eps).message
    assert "smaller n" in checks.check_success_threshold(truth + 3, coefficients=gaussian_draws, eps=eps).message
    assert "No answer yet" in checks.check_success_threshold(None, coefficients=gaussian_draws, eps=eps).message


def test_success_threshold_too_few_coefficients(gaussian_draws):
    result = checks.check_success_threshold(5, coefficients=gaussian_draws[:, :4], eps=0.1)
    assert not result.passed and "draw more coefficients" in result.message


def test_success_threshold_refuses_small_eps(gaussian_draws):
    with pytest.raises(ValueError, match="eps"):
        checks.check_success_threshold(10, coefficients=gaussian_draws, eps=0.01)


# ----------------------------------------------------------------------------- check_float32_fraction


@pytest.fixture(scope="module")
def float32_instances():
    generator = torch.Generator().manual_seed(1)
    coefficients = subset_sum.sample_coefficients(300, 24, "uniform", generator=generator, device="cpu")
    targets = 2 * torch.rand(300, generator=generator, dtype=torch.float64) - 1
    errors = subset_sum.solve(coefficients, targets, device="cpu").error.numpy()
    return coefficients, targets, errors


def test_float32_fraction_right_answer_and_hints(float32_instances):
    coefficients, targets, errors = float32_instances
    z = targets.numpy()
    truth = float(np.mean(errors < np.spacing(np.abs(z).astype(np.float32)).astype(float)))
    assert 0.05 < truth < 0.6  # the case is interesting at n = 24
    kwargs = dict(coefficients=coefficients, targets=targets)
    assert checks.check_float32_fraction(truth, **kwargs).passed
    assert "percentage" in checks.check_float32_fraction(100 * truth, **kwargs).message
    float64 = float(np.mean(errors < np.spacing(np.abs(z))))
    assert "float64" in checks.check_float32_fraction(float64, **kwargs).message
    signed = float(np.mean(errors < np.spacing(z.astype(np.float32)).astype(float)))
    assert "negative" in checks.check_float32_fraction(signed, **kwargs).message
    at_one = float(np.mean(errors < float(np.spacing(np.float32(1.0)))))
    assert "at each target" in checks.check_float32_fraction(at_one, **kwargs).message
    assert not checks.check_float32_fraction(0.987654, **kwargs).passed
    assert "No answer yet" in checks.check_float32_fraction(None, **kwargs).message
