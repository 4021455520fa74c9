"""Chapter 4's failure experiment: the half-block lemma measured at its own n, with a verdict that can fail.

The lemma behind Theorem 1: at n = ⌈C log₂(2/ε″)⌉ one half of a block (the half-block law of
lthbook.subset_sum) fails to ε″-approximate all of [−1, 1] with probability at most ε″.
:func:`lthbook.construction.half_block_check` measures that probability with Wilson intervals
and names the ε″ where it is significantly above ε″. These tests check that the verdict flips
when C is too small, so that printing it in the chapter means something.
"""

from __future__ import annotations

import math

import pytest

from lthbook import construction
from lthbook.construction import HalfBlockCheck, half_block_check, half_block_n, required_n

GRID = (0.35, 0.2, 0.1, 0.05)
DRAWS = 2000


def test_half_block_n_is_the_lemma_formula_and_required_n_uses_it():
    assert half_block_n(0.1, constant=2.0) == math.ceil(2.0 * math.log2(20))
    assert half_block_n(0.35, constant=5.0) == math.ceil(5.0 * math.log2(2 / 0.35))
    eps_prime, delta_prime = construction.per_instance_budget(0.05, 0.1, 8, 8, 3)
    assert required_n(0.05, 0.1, 8, 8, 3, constant=3.0) == half_block_n(min(eps_prime, delta_prime), 3.0)
    # None reads MEASURED_CONSTANT at call time.
    assert half_block_n(0.01) == math.ceil(construction.MEASURED_CONSTANT * math.log2(200))


def test_verdict_flips_when_the_constant_is_too_small():
    too_small = half_block_check(GRID, DRAWS, constant=2.0, seed=7, device="cpu")
    assert isinstance(too_small, HalfBlockCheck)
    assert too_small.n == tuple(math.ceil(2.0 * math.log2(2 / eps)) for eps in GRID)
    # At C = 2 the lemma's n is far too small: every ε″ of the grid fails, by a wide margin.
    assert not too_small.holds
    assert too_small.contradicted == GRID
    assert all(rate.rate > 2 * eps for rate, eps in zip(too_small.rates, GRID))
    assert "0.35, 0.2, 0.1, 0.05" in too_small.verdict()

    generous = half_block_check(GRID, DRAWS, constant=5.0, seed=7, device="cpu")
    assert generous.holds and generous.contradicted == ()
    assert generous.verdict().endswith(": none")
    assert all(rate.interval[1] < eps for rate, eps in zip(generous.rates, GRID))


def test_the_measured_constant_passes_its_own_check():
    # The constant the construction uses must not be contradicted on the range it was measured
    # for (the half-block law up to ε″ ≈ 0.35, the largest ε″ that required_n can produce).
    check = half_block_check((0.35, 0.25, 0.2, 0.15, 0.1, 0.05), 4000, seed=11, device="cpu")
    assert check.constant == construction.MEASURED_CONSTANT
    assert check.holds, check.table()


def test_contradicted_means_the_whole_interval_lies_above_eps():
    check = half_block_check((0.3, 0.1), 1000, constant=3.0, seed=3, device="cpu")
    for eps, rate in zip(check.eps_grid, check.rates):
        assert rate.draws == 1000 and rate.law == "half_block"
        assert rate.interval[0] <= rate.rate <= rate.interval[1]
        assert (eps in check.contradicted) == (rate.interval[0] > eps)
    lines = check.table().splitlines()
    assert len(lines) == 1 + len(check.eps_grid)


@pytest.mark.parametrize(
    ("call", "error", "word"),
    [
        (lambda: half_block_n(0.0), ValueError, "eps"),
        (lambda: half_block_n(1.0), ValueError, "eps"),
        (lambda: half_block_n(0.1, constant=0.0), ValueError, "constant"),
        (lambda: half_block_check([], 10), TypeError, "eps_grid"),
        (lambda: half_block_check(0.1, 10), TypeError, "eps_grid"),
        (lambda: half_block_check([0.1, 1.5], 10), ValueError, r"eps_grid\[1\]"),
        (lambda: half_block_check([0.1], 0), ValueError, "draws"),
        (lambda: half_block_check([0.1], 10, seed=-1), ValueError, "seed"),
        (lambda: half_block_check([0.1], 10, confidence=1.0), ValueError, "confidence"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, error, word):
    with pytest.raises(error, match=word):
        call()
