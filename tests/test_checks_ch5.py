"""Tests of chapter 5's self-checks: right answers pass, typical mistakes get the right hint."""

from __future__ import annotations

import math

import pytest

from lthbook import checks, lower_bound


@pytest.mark.parametrize("d, d_out, eps", [(3, 5, 0.05), (2, 2, 0.1), (4, 1, 0.01), (2, 3, 0.125)])
def test_min_parameters_matches_library(d, d_out, eps):
    truth = lower_bound.min_parameters(d, eps, d_out)
    assert checks.check_min_parameters(truth, d=d, eps=eps, d_out=d_out).passed
    assert not checks.check_min_parameters(truth + 1, d=d, eps=eps, d_out=d_out).passed


def test_min_parameters_hints():
    kw = dict(d=3, eps=0.05, d_out=5)
    truth = lower_bound.min_parameters(**kw)  # ⌈15 log2 10⌉ = 50
    assert truth == 50
    assert "Off by one" in checks.check_min_parameters(truth - 1, **kw).message
    assert "d_out × d matrix" in checks.check_min_parameters(math.ceil(9 * math.log2(10)), **kw).message
    assert "scale 2ε" in checks.check_min_parameters(math.ceil(15 * math.log2(20)), **kw).message
    assert "base of the logarithm" in checks.check_min_parameters(math.ceil(15 * math.log(10)), **kw).message
    assert "whole number" in checks.check_min_parameters(49.8, **kw).message
    assert "No answer yet" in checks.check_min_parameters(..., **kw).message


def test_log2_packing_bound():
    kw = dict(d=3, eps=0.1)
    truth = lower_bound.log2_packing_lower(3, 0.1)
    assert math.isclose(truth, 9 * math.log2(10))
    assert checks.check_log2_packing_bound(truth, **kw).passed
    assert "base-2 logarithm" in checks.check_log2_packing_bound(10.0**9, **kw).message
    assert "base of your logarithm" in checks.check_log2_packing_bound(9 * math.log(10), **kw).message
    assert "d², not d" in checks.check_log2_packing_bound(3 * math.log2(10), **kw).message
    assert "upper bound" in checks.check_log2_packing_bound(lower_bound.log2_packing_upper(3, 0.1), **kw).message
    assert "scale ε itself" in checks.check_log2_packing_bound(9 * math.log2(5), **kw).message
    assert not checks.check_log2_packing_bound(12.0, **kw).passed
    assert "No answer yet" in checks.check_log2_packing_bound(None, **kw).message


@pytest.mark.parametrize("eps", [0.4, 0.3, 0.25, 0.1])
def test_coverage_threshold_matches_library(eps):
    truth = checks._ceil_log2_power(4, 1 / eps)
    assert lower_bound.covered_fraction_bound(2, eps, truth) == 1.0
    if truth > 0:
        assert lower_bound.covered_fraction_bound(2, eps, truth - 1) < 1.0
    assert checks.check_coverage_threshold(truth, d=2, eps=eps).passed


def test_coverage_threshold_hints():
    kw = dict(d=2, eps=0.3)
    truth = 7  # 4 log2(1/0.3) = 6.95
    assert checks.check_coverage_threshold(truth, **kw).passed
    assert "Off by one" in checks.check_coverage_threshold(6, **kw).message
    assert (
        "packing bound at scale 2ε" in checks.check_coverage_threshold(lower_bound.min_parameters(2, 0.3), **kw).message
    )
    assert "D counts all" in checks.check_coverage_threshold(4, **kw).message
    assert "base of the logarithm" in checks.check_coverage_threshold(5, **kw).message
    assert not checks.check_coverage_threshold(9, **kw).passed
