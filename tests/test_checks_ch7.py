"""Tests of chapter 7's self-checks (lthbook.checks.ch7): right answers pass, each named mistake
gets its hint, stubs and non-numbers are recognised."""

from __future__ import annotations

import math

import pytest
import torch

from lthbook import checks as c7
from lthbook import construction, subset_sum
from lthbook.shallow_construction import ShallowNetwork

CPU = torch.device("cpu")

# ------------------------------------------------------------------- check_jaccard

FOUND = torch.tensor([[1, 1, 0, 0], [1, 0, 1, 0]])  # |M| = 4
PLANTED = torch.tensor([[1, 0, 0, 0], [1, 1, 1, 1]])  # |S*| = 5, |M ∩ S*| = 3, union 6


def jaccard(answer):
    return c7.check_jaccard(answer, found=FOUND, planted=PLANTED)


def test_jaccard_right_answer_passes():
    result = jaccard(3 / 6)
    assert result.passed and repr(result).startswith("✅")
    assert jaccard(0.5).passed and jaccard(torch.tensor(0.5)).passed
    assert c7.check_jaccard(1.0, found=[[1, 0]], planted=[[1, 0]]).passed  # identical masks


@pytest.mark.parametrize(
    "wrong, hint",
    [(3 / 4, "precision"), (3 / 5, "recall"), (3 / 9, "twice"), (3, "intersection"), (0.9, "at least one")],
)
def test_jaccard_mistakes_get_their_hints(wrong, hint):
    result = jaccard(wrong)
    assert not result.passed and hint in result.message and repr(result).startswith("❌")


# ------------------------------------------------------------------- check_shallow_weight_count


@pytest.mark.parametrize("widths, n, rho", [((4, 3, 2), 3, 5), ((2, 2, 2, 1), 2, 4), ((3, 2), 4, 6)])
def test_shallow_count_is_the_network_s(widths, n, rho):
    truth = ShallowNetwork.sample(widths, n, rho, generator=torch.Generator().manual_seed(0), device=CPU)
    result = c7.check_shallow_weight_count(truth.num_parameters, widths=widths, n=n, rho=rho)
    assert result.passed and f"{truth.num_parameters:,}" in result.message


def test_shallow_count_mistakes_get_their_hints():
    widths, n, rho = (4, 3, 2), 3, 5
    truth = ShallowNetwork.sample(widths, n, rho, device=CPU).num_parameters  # 96 + 360 + 30 = 486
    assert truth == 2 * n * 4 * 4 + rho * 3 * 2 * n * 4 + 2 * rho * 3
    check = c7.check_shallow_weight_count
    assert "one copy" in check(truth - 2 * rho * 3 + rho * 2 * rho * 3, widths=widths, n=n, rho=rho).message
    assert "first layer" in check(truth - 2 * n * 4 * 4, widths=widths, n=n, rho=rho).message
    theorem_1 = construction.RandomNetwork.sample(widths, n, device=CPU).num_parameters
    assert "Theorem 1" in check(theorem_1, widths=widths, n=n, rho=rho).message
    assert "shape of each" in check(truth + 1, widths=widths, n=n, rho=rho).message
    assert not check("many", widths=widths, n=n, rho=rho).passed


# ------------------------------------------------------------------- check_size_limited_subsets


def test_size_limited_count_right_answer_passes():
    truth = sum(math.comb(20, j) for j in range(5))
    assert truth == 6196
    assert c7.check_size_limited_subsets(truth, n=20, k=4).passed
    assert c7.check_size_limited_subsets(2**6, n=6, k=6).passed  # no limit: every subset


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (math.comb(20, 4), "exactly k"),
        (2**20, "every subset"),
        (6195, "empty subset"),
        (6196 - math.comb(20, 4), "size k is allowed"),
        (7000, "each allowed size"),
    ],
)
def test_size_limited_count_mistakes_get_their_hints(wrong, hint):
    result = c7.check_size_limited_subsets(wrong, n=20, k=4)
    assert not result.passed and hint in result.message


# ------------------------------------------------------------------- check_hyperbolic_share


def test_hyperbolic_share_right_answer_passes_and_matches_the_sampler():
    a, t = subset_sum.HYPERBOLIC_LOWER, 0.05
    truth = math.log(t / a) / math.log(1 / a)
    assert c7.check_hyperbolic_share(truth, t=t, lower=a).passed
    measured = subset_sum.law_shape("hyperbolic", t, 100_000, seed=0, device=CPU).near_zero
    assert measured == pytest.approx(truth, abs=0.005)


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (1 - math.log(0.05 / 1e-3) / math.log(1e3), "complement"),
        (0.05, "uniform law"),
        (0.05 * (1 - math.log(0.05)), "product law"),
        (0.3, "log-uniform"),
    ],
)
def test_hyperbolic_share_mistakes_get_their_hints(wrong, hint):
    result = c7.check_hyperbolic_share(wrong, t=0.05, lower=1e-3)
    assert not result.passed and hint in result.message


@pytest.mark.parametrize(
    "check, kwargs",
    [
        (c7.check_jaccard, {"found": FOUND, "planted": PLANTED}),
        (c7.check_shallow_weight_count, {"widths": (4, 3, 2), "n": 3, "rho": 5}),
        (c7.check_size_limited_subsets, {"n": 20, "k": 4}),
        (c7.check_hyperbolic_share, {"t": 0.05, "lower": 1e-3}),
    ],
)
def test_stubs_and_non_numbers_say_not_yet(check, kwargs):
    assert not check(..., **kwargs).passed and "No answer yet" in check(..., **kwargs).message
    assert not check(None, **kwargs).passed
    assert not check("abc", **kwargs).passed
    assert not check(float("nan"), **kwargs).passed


def test_whole_numbers_percentages_and_bad_arguments():
    assert "whole number" in c7.check_size_limited_subsets(6196.5, n=20, k=4).message
    assert "whole number" in c7.check_shallow_weight_count(10.5, widths=(4, 3, 2), n=3, rho=5).message
    share = math.log(0.05 / 1e-3) / math.log(1e3)
    assert "percentage" in c7.check_hyperbolic_share(100 * share, t=0.05, lower=1e-3).message
    with pytest.raises(ValueError, match="k must"):
        c7.check_size_limited_subsets(1, n=3, k=4)
    with pytest.raises(ValueError, match="t must"):
        c7.check_hyperbolic_share(0.5, t=1e-4, lower=1e-3)
    with pytest.raises(ValueError, match="rho"):
        c7.check_shallow_weight_count(1, widths=(4, 3, 2), n=3, rho=0)
    with pytest.raises(ValueError, match="same shape"):
        c7.check_jaccard(0.5, found=[[1, 0]], planted=[[1, 0, 1]])
