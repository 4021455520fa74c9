"""Tests of chapter 6's self-checks in lthbook.checks: right answers pass, typical wrong ones
fail with the hint meant for them, stubs are recognised."""

from __future__ import annotations

import math

import pytest
import torch

from lthbook import checks, edge_popup
from lthbook import experiments as ex
from lthbook.data import load_digits

CPU = torch.device("cpu")

# ------------------------------------------------------------------- check_experiment1_n_prediction

EPS, LOW, HIGH, C = 0.01, -0.439, 0.437, 4.16  # any constant works; the check takes it as an argument
S = (HIGH - LOW) / 2


def predict(answer):
    return checks.check_experiment1_n_prediction(answer, eps=EPS, low=LOW, high=HIGH, constant=C)


def test_n_prediction_right_answer_passes():
    truth = math.ceil(C * math.log2(2 * S / EPS))
    result = predict(truth)
    assert result.passed and repr(result).startswith("✅")
    assert predict(float(truth)).passed


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (math.ceil(C * math.log2(2 / EPS)), "ε/s"),
        (math.ceil(C * math.log2(2 / (EPS * S))), "not ε·s"),
        (math.ceil(C * math.log(2 * S / EPS)), "base of the logarithm"),
        (math.ceil(math.log2(2 * S / EPS)), "constant C"),
        (math.floor(C * math.log2(2 * S / EPS)), "round up"),
        (100, "least integer"),
    ],
)
def test_n_prediction_wrong_answers_get_their_hint(wrong, hint):
    result = predict(wrong)
    assert not result.passed
    assert hint in result.message


@pytest.mark.parametrize("stub", [None, ...])
def test_n_prediction_stub(stub):
    assert "No answer yet" in predict(stub).message


def test_n_prediction_rejects_fractions():
    assert "whole number" in predict(9.5).message


# ------------------------------------------------------------------- check_kept_fraction


@pytest.fixture(scope="module")
def small_replacement():
    weights = [torch.randn(12, 8, generator=torch.Generator().manual_seed(0)) * 0.1]
    return ex.subset_sum_replacement(weights, n=10, generator=torch.Generator().manual_seed(1), device=CPU)


def test_kept_fraction_right_answer_passes(small_replacement):
    r = small_replacement
    truth = r.total_kept / r.total_coefficients
    assert checks.check_kept_fraction(truth, replacement=r).passed


@pytest.mark.parametrize(
    "transform, hint",
    [
        (lambda f, r: 100 * f, "percentage"),
        (lambda f, r: f * r.num_coefficients, "per weight"),
        (lambda f, r: r.total_kept, "count of kept"),
        (lambda f, r: 1 - f, "fraction pruned"),
        (lambda f, r: 3.73e6 / 8.34e6, "paper's ratio"),
        (lambda f, r: 0.123, "Add up"),
    ],
)
def test_kept_fraction_wrong_answers(small_replacement, transform, hint):
    r = small_replacement
    truth = r.total_kept / r.total_coefficients
    result = checks.check_kept_fraction(transform(truth, r), replacement=r)
    assert not result.passed and hint in result.message


def test_kept_fraction_stub(small_replacement):
    assert "No answer yet" in checks.check_kept_fraction(..., replacement=small_replacement).message
    assert not checks.check_kept_fraction("half", replacement=small_replacement).passed


# ------------------------------------------------------------------- check_approximated_accuracy


@pytest.fixture(scope="module")
def trained_digits():
    data = load_digits(seed=0, device=CPU)
    model = edge_popup.dense_mlp((64, 32, 10), generator=torch.Generator().manual_seed(0))
    edge_popup.train(model, data, epochs=6, lr=0.01, optimizer="adam", device=CPU, progress=False)
    reps = tuple(
        ex.subset_sum_replacement(ex.linear_weights(model), n=n, generator=torch.Generator().manual_seed(n), device=CPU)
        for n in (2, 4)
    )
    return model, data, reps


def correct(model, replacement, X, y):
    return edge_popup.accuracy(ex.replaced_network(model, replacement), X, y)


def test_approximated_accuracy_correct_function_passes(trained_digits):
    model, data, reps = trained_digits
    result = checks.check_approximated_accuracy(correct, model=model, replacements=reps, X=data.X_test, y=data.y_test)
    assert result.passed, result.message


def test_approximated_accuracy_the_papers_bug_is_named(trained_digits):
    model, data, reps = trained_digits

    def buggy(model, replacement, X, y):
        return edge_popup.accuracy(model, X, y)  # evaluates the target

    result = checks.check_approximated_accuracy(buggy, model=model, replacements=reps, X=data.X_test, y=data.y_test)
    assert not result.passed and "paper's bug" in result.message


def test_approximated_accuracy_other_mistakes(trained_digits):
    model, data, reps = trained_digits

    def percent(model, replacement, X, y):
        return 100 * correct(model, replacement, X, y)

    def first_layer_only(model, replacement, X, y):
        import copy

        approx = copy.deepcopy(model)
        with torch.no_grad():
            approx[0].weight.copy_(replacement.weights[0].float())
        return edge_popup.accuracy(approx, X, y)

    kwargs = dict(model=model, replacements=reps, X=data.X_test, y=data.y_test)
    assert "percentage" in checks.check_approximated_accuracy(percent, **kwargs).message
    result = checks.check_approximated_accuracy(first_layer_only, **kwargs)
    assert not result.passed and "every nn.Linear weight" in result.message


@pytest.mark.parametrize("stub", [None, ..., lambda m, r, X, y: ...])
def test_approximated_accuracy_stubs(trained_digits, stub):
    model, data, reps = trained_digits
    result = checks.check_approximated_accuracy(stub, model=model, replacements=reps, X=data.X_test, y=data.y_test)
    assert "No answer yet" in result.message


def test_approximated_accuracy_not_implemented(trained_digits):
    model, data, reps = trained_digits

    def stub(model, replacement, X, y):
        raise NotImplementedError

    result = checks.check_approximated_accuracy(stub, model=model, replacements=reps, X=data.X_test, y=data.y_test)
    assert "No answer yet" in result.message


# ------------------------------------------------------------------- check_matched_wide_width

FC2 = (784, 500, 10)


def test_matched_width_right_answer_passes():
    assert checks.check_matched_wide_width(2508, widths=FC2, redundancy=5).passed
    assert checks.check_matched_wide_width(166, widths=(64, 32, 10), redundancy=5).passed
    assert checks.check_matched_wide_width(1314, widths=(784, 500, 500, 500, 10), redundancy=5).passed


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (2500, "block layers"),
        (round((5 * 784 * 784 + 5 * 784 * 500 + 5 * 500 * 500 + 5 * 500 * 10) / 794), "not dense"),
        (round((784 + 784 * 500 + 500 + 500 * 10) / 794), "redundancy r"),
        (2507, "Off by one"),
        (2509, "Off by one"),
        (3000, "Count the construction"),
    ],
)
def test_matched_width_wrong_answers(wrong, hint):
    result = checks.check_matched_wide_width(wrong, widths=FC2, redundancy=5)
    assert not result.passed and hint in result.message


def test_matched_width_stub_and_type():
    assert "No answer yet" in checks.check_matched_wide_width(None, widths=FC2, redundancy=5).message
    assert "whole number" in checks.check_matched_wide_width(2508.5, widths=FC2, redundancy=5).message
