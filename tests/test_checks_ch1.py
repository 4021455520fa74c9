"""Tests of chapter 1's self-checks in lthbook.checks: right answers pass, typical wrong ones
fail with the hint meant for them, stubs and bad input are recognised.

The reference values are re-derived here independently (exact integers with ``math.comb``, a
Counter over the labels, a loop over n), not with the check's own formulas.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
import torch
from torch import nn

from lthbook import checks

NO_ANSWER = "No answer yet: replace the `...` with your answer and run the cell again."

# ----------------------------------------------------------------------------- check_log2_mask_count


def log2_comb(m: int, k: int) -> float:
    """log₂ C(m, k) from the exact integer: bits of the integer part plus the log of the rest."""
    count = math.comb(m, k)
    shift = max(0, count.bit_length() - 60)
    return shift + math.log2(count >> shift)


@pytest.mark.parametrize("m, k", [(10, 3), (100, 50), (1000, 200), (5, 0), (5, 5), (4160, 1040)])
def test_mask_count_right_answer(m, k):
    result = checks.check_log2_mask_count(log2_comb(m, k), num_weights=m, num_kept=k)
    assert result.passed, result.message
    assert repr(result).startswith("✅ Right: about 2^")
    assert not checks.check_log2_mask_count(log2_comb(m, k) + 0.01, num_weights=m, num_kept=k).passed


def test_mask_count_message_names_the_power():
    assert (
        f"2^{log2_comb(100, 50):,.0f} subnetworks"
        in checks.check_log2_mask_count(log2_comb(100, 50), num_weights=100, num_kept=50).message
    )


@pytest.mark.parametrize(
    "answer, hint",
    [
        (100.0, "counts every mask"),  # log₂ 2^m: any number of kept weights
        (math.log(math.comb(100, 50)), "base of your logarithm"),
        (math.log10(math.comb(100, 50)) / math.log10(2) / math.log(2), "base of your logarithm"),
        (42.0, "Count the ways to choose"),
    ],
)
def test_mask_count_hints(answer, hint):
    result = checks.check_log2_mask_count(answer, num_weights=100, num_kept=50)
    assert not result.passed
    assert hint in result.message
    assert repr(result).startswith("❌ Not yet.")


@pytest.mark.parametrize("answer", [None, ...])
def test_mask_count_stub(answer):
    assert checks.check_log2_mask_count(answer, num_weights=10, num_kept=3).message == NO_ANSWER


@pytest.mark.parametrize("answer", ["many", [1.0, 2.0], float("nan"), float("inf")])
def test_mask_count_not_a_number(answer):
    result = checks.check_log2_mask_count(answer, num_weights=10, num_kept=3)
    assert not result.passed and "one real number" in result.message


def test_mask_count_accepts_numpy_and_torch_scalars():
    truth = log2_comb(10, 3)
    assert checks.check_log2_mask_count(np.float32(truth), num_weights=10, num_kept=3).passed
    assert checks.check_log2_mask_count(torch.tensor(truth, dtype=torch.float64), num_weights=10, num_kept=3).passed


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        (dict(num_weights=0, num_kept=0), ValueError, "num_weights"),
        (dict(num_weights=10, num_kept=11), ValueError, "num_kept"),
        (dict(num_weights=10, num_kept=-1), ValueError, "num_kept"),
        (dict(num_weights=10.0, num_kept=3), TypeError, "num_weights"),
    ],
)
def test_mask_count_refuses_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        checks.check_log2_mask_count(1.0, **kwargs)


# ----------------------------------------------------------------------------- check_chance_accuracy

LABELS = np.array([0, 1, 1, 2, 2, 2, 3, 9, 9, 9, 9, 5])


def test_chance_accuracy_right_answer():
    truth = Counter(LABELS.tolist()).most_common(1)[0][1] / len(LABELS)  # 4 / 12
    assert truth == pytest.approx(1 / 3)
    result = checks.check_chance_accuracy(truth, labels=LABELS)
    assert result.passed, result.message
    assert "0.3333" in result.message
    assert checks.check_chance_accuracy(truth, labels=torch.from_numpy(LABELS)).passed
    assert checks.check_chance_accuracy(truth, labels=LABELS.reshape(3, 4)).passed


@pytest.mark.parametrize(
    "answer, hint",
    [
        (100 / 3, "not a percentage"),
        (0.1, "1/10 assumes perfectly balanced classes"),
        (1 / 12, "Which single class"),
        (0.5, "Which single class"),
    ],
)
def test_chance_accuracy_hints(answer, hint):
    result = checks.check_chance_accuracy(answer, labels=LABELS)
    assert not result.passed
    assert hint in result.message


def test_chance_accuracy_balanced_labels_accept_one_tenth():
    assert checks.check_chance_accuracy(0.1, labels=np.arange(100) % 10).passed


@pytest.mark.parametrize("answer", [None, ...])
def test_chance_accuracy_stub(answer):
    assert checks.check_chance_accuracy(answer, labels=LABELS).message == NO_ANSWER


@pytest.mark.parametrize("answer", ["a third", (0.3,), float("inf")])
def test_chance_accuracy_not_a_number(answer):
    result = checks.check_chance_accuracy(answer, labels=LABELS)
    assert not result.passed and "between 0 and 1" in result.message


# ----------------------------------------------------------------- check_predictions_scale_invariant


@pytest.fixture(scope="module")
def bias_free():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8, bias=False), nn.ReLU(), nn.Linear(8, 4, bias=False))
    return model, torch.randn(40, 6)


def argmax_predict(model, X):
    with torch.no_grad():
        return model(X).argmax(dim=1)


def test_scale_invariance_right_answer(bias_free):
    model, X = bias_free
    result = checks.check_predictions_scale_invariant(argmax_predict, model=model, inputs=X)
    assert result.passed, result.message
    assert "scale-free" in result.message
    # NumPy arrays and lists of indices are accepted too
    assert checks.check_predictions_scale_invariant(
        lambda m, x: argmax_predict(m, x).numpy(), model=model, inputs=X
    ).passed
    assert checks.check_predictions_scale_invariant(
        lambda m, x: argmax_predict(m, x).tolist(), model=model, inputs=X
    ).passed


def test_scale_invariance_argmax_over_the_wrong_dimension(bias_free):
    model, X = bias_free
    result = checks.check_predictions_scale_invariant(lambda m, x: m(x).argmax(dim=0), model=model, inputs=X)
    assert not result.passed
    assert "shape (40,); got shape (4,)" in result.message
    assert "right dimension" in result.message


def test_scale_invariance_logits_instead_of_classes(bias_free):
    model, X = bias_free
    result = checks.check_predictions_scale_invariant(lambda m, x: m(x), model=model, inputs=X)
    assert not result.passed and "one class index per input" in result.message


def test_scale_invariance_wrong_classes(bias_free):
    model, X = bias_free
    result = checks.check_predictions_scale_invariant(lambda m, x: m(x).argmin(dim=1), model=model, inputs=X)
    assert not result.passed and "differ from the model's argmax" in result.message


def test_scale_invariance_names_the_biases():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 4))
    with torch.no_grad():
        model[2].bias.copy_(torch.tensor([0.5, -0.5, 0.0, 0.0]))  # at scale 0.01 the bias decides: class 0
    X = torch.randn(40, 6)
    assert len(set(argmax_predict(model, X).tolist())) > 1
    result = checks.check_predictions_scale_invariant(argmax_predict, model=model, inputs=X, scales=(1.0, 0.01))
    assert not result.passed
    assert result.message == "Scaling every layer by 0.01 changed a prediction: does your model have biases?"


def test_scale_invariance_stubs(bias_free):
    model, X = bias_free

    def stub(model, X):
        raise NotImplementedError

    for predict in (None, ..., stub):
        assert checks.check_predictions_scale_invariant(predict, model=model, inputs=X).message == NO_ANSWER


# ----------------------------------------------------------------------- check_single_weight_samples


def least_samples(eps: float, delta: float) -> int:
    """The least n with (1 − ε)^n ≤ δ, by counting up in exact rational arithmetic."""
    miss, target, n, power = Fraction(1) - Fraction(eps), Fraction(delta), 0, Fraction(1)
    while power > target:
        n, power = n + 1, power * miss
    return n


@pytest.mark.parametrize("eps, delta", [(0.01, 0.01), (0.1, 0.05), (0.05, 0.1), (0.2, 0.5), (0.25, 0.25)])
def test_single_weight_right_answer(eps, delta):
    truth = least_samples(eps, delta)
    result = checks.check_single_weight_samples(truth, eps=eps, delta=delta)
    assert result.passed, result.message
    assert f"Right: {truth} samples" in result.message
    assert checks.check_single_weight_samples(float(truth), eps=eps, delta=delta).passed
    assert not checks.check_single_weight_samples(truth + 1, eps=eps, delta=delta).passed


def test_single_weight_hints():
    kw = dict(eps=0.01, delta=0.01)
    truth = least_samples(**kw)
    assert truth == 459  # log(0.01) / log(0.99) = 458.2
    assert "Off by one" in checks.check_single_weight_samples(truth - 1, **kw).message
    window = math.log(0.01) / math.log(0.98)  # as if a sample hit the window with probability 2ε
    assert "has length 2ε" in checks.check_single_weight_samples(math.ceil(window), **kw).message
    assert "has length 2ε" in checks.check_single_weight_samples(math.floor(window), **kw).message
    assert "probability that a single sample misses" in checks.check_single_weight_samples(100, **kw).message
    assert "probability that a single sample misses" in checks.check_single_weight_samples(truth + 1, **kw).message


@pytest.mark.parametrize("answer", [458.5, "many", float("inf"), [459]])
def test_single_weight_not_a_whole_number(answer):
    result = checks.check_single_weight_samples(answer, eps=0.01, delta=0.01)
    assert not result.passed and "whole number of samples" in result.message


@pytest.mark.parametrize("answer", [None, ...])
def test_single_weight_stub(answer):
    assert checks.check_single_weight_samples(answer, eps=0.01, delta=0.01).message == NO_ANSWER


@pytest.mark.parametrize("kwargs, name", [(dict(eps=0.0, delta=0.1), "eps"), (dict(eps=0.1, delta=1.0), "delta")])
def test_single_weight_refuses_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        checks.check_single_weight_samples(10, **kwargs)
