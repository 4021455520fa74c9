"""Tests of chapter 3's self-checks in lthbook.checks: right answers pass, typical wrong ones
fail with the hint meant for them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from lthbook import checks

# ----------------------------------------------------------------------------- check_relu_identity


def test_relu_identity_passes_the_difference_of_two_relus():
    result = checks.check_relu_identity(lambda w, x: torch.relu(w * x) - torch.relu(-w * x))
    assert result.passed, result.message
    assert repr(result).startswith("✅")


def test_relu_identity_accepts_numpy_results():
    def with_numpy(w, x):
        product = w.numpy() * x.numpy()
        return np.maximum(product, 0) - np.maximum(-product, 0)

    result = checks.check_relu_identity(with_numpy)
    assert result.passed, result.message


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda w, x: torch.relu(w * x), "single ReLU"),
        (lambda w, x: torch.relu(w * x) + torch.relu(-w * x), "|w·x|"),
        (lambda w, x: torch.relu(-w * x) - torch.relu(w * x), "swapped"),
        (lambda w, x: (torch.relu(w * x) - torch.relu(-w * x)).float(), "float32"),
        (lambda w, x: w + x, "differ"),
        (lambda w, x: (w * x)[:10], "shape"),
    ],
)
def test_relu_identity_hints(wrong, hint):
    result = checks.check_relu_identity(wrong)
    assert not result.passed
    assert hint in result.message
    assert repr(result).startswith("❌ Not yet.")


@pytest.mark.parametrize("stub", [None, ..., lambda w, x: ..., lambda w, x: (_ for _ in ()).throw(NotImplementedError)])
def test_relu_identity_stub(stub):
    result = checks.check_relu_identity(stub)
    assert not result.passed and "No answer yet" in result.message


# ----------------------------------------------------------------------------- check_gadget_pruning


def brute_force_pruning(u, v, w):
    """Every mask of the 2n units; keep the one with the smallest sup error over x ∈ [−1, 1]."""
    best_error, best_mask = float("inf"), None
    for bits in itertools.product([False, True], repeat=len(u)):
        mask = torch.tensor(bits)
        error = max(abs(float((v * torch.relu(u) * mask).sum()) - w), abs(float((v * torch.relu(-u) * mask).sum()) + w))
        if error < best_error:
            best_error, best_mask = error, mask
    return best_mask


def per_half_pruning(u, v, w, negative_target_sign=-1.0):
    """Each half separately: units with u > 0 for w, units with u < 0 for negative_target_sign·w."""
    mask = torch.zeros(len(u), dtype=torch.bool)
    for sign, target in ((1.0, w), (-1.0, negative_target_sign * w)):
        units = torch.nonzero(torch.sign(u) == sign).flatten().tolist()
        best = (abs(target), ())
        for size in range(1, len(units) + 1):
            for subset in itertools.combinations(units, size):
                error = abs(target - sum(float(v[k] * u[k].abs()) for k in subset))
                best = min(best, (error, subset))
        mask[list(best[1])] = True
    return mask


def test_gadget_pruning_passes_brute_force_over_all_masks():
    result = checks.check_gadget_pruning(brute_force_pruning, max_n=3, gadgets_per_n=3)
    assert result.passed, result.message


def test_gadget_pruning_passes_two_halves():
    result = checks.check_gadget_pruning(per_half_pruning)
    assert result.passed, result.message


def test_gadget_pruning_passes_the_library():
    from lthbook.gadgets import prune_weight_gadget

    result = checks.check_gadget_pruning(lambda u, v, w: prune_weight_gadget((u, v), w).second_mask[0])
    assert result.passed, result.message


def test_gadget_pruning_catches_a_wrong_target_for_the_negative_half():
    result = checks.check_gadget_pruning(lambda u, v, w: per_half_pruning(u, v, w, negative_target_sign=1.0))
    assert not result.passed
    assert "−w" in result.message and "u_k < 0" in result.message


def test_gadget_pruning_catches_a_positive_half_only():
    def positive_only(u, v, w):
        mask = per_half_pruning(u, v, w)
        return mask & (u > 0)

    result = checks.check_gadget_pruning(positive_only)
    assert not result.passed and "u_k < 0" in result.message


def test_gadget_pruning_catches_a_poor_positive_half():
    def no_positive_units(u, v, w):
        return per_half_pruning(u, v, w) & (u < 0)

    result = checks.check_gadget_pruning(no_positive_units)
    assert not result.passed and "g_S(1)" in result.message


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda u, v, w: per_half_pruning(u, v, w).int(), "bool"),
        (lambda u, v, w: per_half_pruning(u, v, w)[:1], "shape"),
    ],
)
def test_gadget_pruning_mask_format(wrong, hint):
    result = checks.check_gadget_pruning(wrong)
    assert not result.passed and hint in result.message


@pytest.mark.parametrize("stub", [None, ..., lambda u, v, w: None])
def test_gadget_pruning_stub(stub):
    assert "No answer yet" in checks.check_gadget_pruning(stub).message


# ----------------------------------------------------------------------------- check_neuron_gadget_parameters


def test_neuron_parameters_right_answer_matches_the_sampler():
    from lthbook.gadgets import sample_neuron_gadget

    gadget = sample_neuron_gadget(7, 5, generator=torch.Generator().manual_seed(0), device="cpu")
    count = gadget.u.numel() + gadget.v.numel()
    result = checks.check_neuron_gadget_parameters(count, d=7, n=5)
    assert result.passed, result.message
    assert checks.check_neuron_gadget_parameters(float(count), d=7, n=5).passed


@pytest.mark.parametrize(
    "answer, hint",
    [
        (2 * 20 * 784, "hidden units"),
        (2 * 20 * 784 * 784 + 2 * 20 * 784, "dense first layer"),
        (4 * 20, "per target weight"),
        (3, "Count the blocks"),
        (1.5, "whole number"),
        ("many", "whole number"),
    ],
)
def test_neuron_parameters_hints(answer, hint):
    result = checks.check_neuron_gadget_parameters(answer, d=784, n=20)
    assert not result.passed and hint in result.message


def test_neuron_parameters_stub():
    assert "No answer yet" in checks.check_neuron_gadget_parameters(..., d=3, n=2).message


# ----------------------------------------------------------------------------- check_gadget_error_prediction

N_VALUES = np.arange(4, 13)
ERRORS = 0.8 * 2.0 ** (-0.9 * N_VALUES) * np.exp(np.random.default_rng(0).normal(0, 0.1, N_VALUES.size))


def test_prediction_right_answer_in_any_log_base():
    for log in (np.log2, np.log, np.log10):
        slope, intercept = np.polyfit(N_VALUES, log(ERRORS), 1)
        value = {np.log2: 2.0, np.log: np.e, np.log10: 10.0}[log] ** (intercept + slope * 20)
        result = checks.check_gadget_error_prediction(value, n_values=N_VALUES, errors=ERRORS, n_new=20)
        assert result.passed, result.message


def test_prediction_hints():
    slope, intercept = np.polyfit(N_VALUES, np.log2(ERRORS), 1)
    truth = 2.0 ** (intercept + slope * 20)

    def hint(answer):
        result = checks.check_gadget_error_prediction(answer, n_values=N_VALUES, errors=ERRORS, n_new=20)
        assert not result.passed
        return result.message

    assert "logarithm of the predicted error" in hint(np.log2(truth))
    assert "logarithm of the predicted error" in hint(np.log(truth))
    linear = np.polyval(np.polyfit(N_VALUES, ERRORS, 1), 20)
    assert "straight line through the errors" in hint(linear)
    ends = 2.0 ** (np.log2(ERRORS[0]) + (np.log2(ERRORS[-1]) - np.log2(ERRORS[0])) * (20 - 4) / (12 - 4))
    assert "first and last points" in hint(ends)
    assert "least squares" in hint(truth * 1.5)
    assert "positive number" in hint("small")
    assert "No answer yet" in hint(None)
