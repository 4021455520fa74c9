"""Tests of chapter 4's self-checks: right answers pass, typical mistakes get the right hint."""

from __future__ import annotations

import math

import pytest
import torch

from lthbook import checks
from lthbook.construction import (
    MEASURED_CONSTANT,
    RandomNetwork,
    certified_error_bound,
    prune_to,
    random_target,
    required_n,
)

# --------------------------------------------------------------------------- required_n

SETTING = dict(eps=0.05, delta=0.1, d_in=64, d_out=32, depth=2)


def _n(budget: float, log=math.log2, constant: float = MEASURED_CONSTANT) -> int:
    return max(1, math.ceil(constant * log(2.0 / budget)))


def _budgets(eps, delta, d_in, d_out, depth):
    return eps / (2 * depth * math.sqrt(2 * d_in * d_out)), delta / (2 * depth * d_in * d_out)


def test_required_n_right_answer_agrees_with_library():
    truth = required_n(**SETTING)
    result = checks.check_required_n(truth, **SETTING)
    assert result.passed and f"n = {truth}" in result.message
    assert not checks.check_required_n(truth + 1, **SETTING).passed


def test_required_n_custom_constant():
    truth = required_n(**SETTING, constant=2.5)
    assert checks.check_required_n(truth, **SETTING, constant=2.5).passed
    assert truth != required_n(**SETTING)
    assert not checks.check_required_n(required_n(**SETTING), **SETTING, constant=2.5).passed


@pytest.mark.parametrize("stub", [None, ...])
def test_required_n_stub(stub):
    result = checks.check_required_n(stub, **SETTING)
    assert not result.passed and "No answer yet" in result.message


def test_required_n_hints():
    eps_p, delta_p = _budgets(**SETTING)
    truth = _n(min(eps_p, delta_p))
    assert "width factor" in checks.check_required_n(2 * truth, **SETTING).message
    assert "Off by one" in checks.check_required_n(truth - 1, **SETTING).message
    assert "base of your logarithm" in checks.check_required_n(_n(min(eps_p, delta_p), math.log), **SETTING).message
    assert "whole number" in checks.check_required_n(truth + 0.5, **SETTING).message
    assert "smaller of the two" in checks.check_required_n(_n(eps_p), **SETTING).message
    assert "per-instance budgets" in checks.check_required_n(_n(SETTING["eps"] / 2), **SETTING).message
    assert "No answer" not in checks.check_required_n("many", **SETTING).message


# --------------------------------------------------------------------------- propagation


def propagate_right(layer_errors, target_norms):
    reach, error, out = 1.0, 0.0, []
    for eta, norm in zip(layer_errors, target_norms):
        error = eta * (reach + error) + norm * error
        reach *= norm
        out.append(error)
    return out


def test_propagation_right_answer_and_library_agree():
    assert checks.check_error_propagation(propagate_right).passed
    # The reference recursion is the one certified_error_bound runs.
    widths = (3, 4, 4, 2)
    net = RandomNetwork.sample(widths, 6, generator=torch.Generator().manual_seed(0), device="cpu")
    target = random_target(widths, spectral_norm=0.8, generator=torch.Generator().manual_seed(1), device="cpu")
    cert = certified_error_bound(prune_to(net, target), target)
    assert propagate_right(cert.layer_errors, cert.target_norms) == pytest.approx(cert.propagated, rel=1e-12)


def test_propagation_numpy_output_passes():
    import numpy as np

    assert checks.check_error_propagation(lambda e, w: np.array(propagate_right(e, w))).passed


def test_propagation_stub():
    def stub(layer_errors, target_norms):
        raise NotImplementedError

    assert "No answer yet" in checks.check_error_propagation(stub).message
    assert "No answer yet" in checks.check_error_propagation(lambda e, w: ...).message


def test_propagation_hints():
    def only_last(e, w):
        return propagate_right(e, w)[-1]

    def exp_bound(e, w):
        return [math.expm1(sum(e[: k + 1])) for k in range(len(e))]

    def no_reach(e, w):
        error, out = 0.0, []
        for eta, norm in zip(e, w):
            error = eta * (1.0 + error) + norm * error
            out.append(error)
        return out

    def no_carry(e, w):
        reach, error, out = 1.0, 0.0, []
        for eta, norm in zip(e, w):
            error = eta * reach + norm * error
            reach *= norm
            out.append(error)
        return out

    def reach_after(e, w):
        reach, error, out = 1.0, 0.0, []
        for eta, norm in zip(e, w):
            reach *= norm
            error = eta * (reach + error) + norm * error
            out.append(error)
        return out

    assert "whole list" in checks.check_error_propagation(only_last).message
    assert "upper bound" in checks.check_error_propagation(exp_bound).message
    assert "not 1 + e" in checks.check_error_propagation(no_reach).message
    assert "approximate" in checks.check_error_propagation(no_carry).message
    assert "Off by one layer" in checks.check_error_propagation(reach_after).message
    assert "one bound per layer" in checks.check_error_propagation(lambda e, w: propagate_right(e, w)[:-1]).message
    assert not checks.check_error_propagation(lambda e, w: [0.0] * len(e)).passed


# --------------------------------------------------------------------------- network size


@pytest.mark.parametrize("positive_inputs_only", [False, True])
def test_network_size_matches_random_network(positive_inputs_only):
    widths, n = (64, 32, 10), 7
    net = RandomNetwork.sample(
        widths, n, positive_inputs_only=positive_inputs_only, generator=torch.Generator().manual_seed(0), device="cpu"
    )
    result = checks.check_random_network_size(
        net.num_parameters, widths=widths, n=n, positive_inputs_only=positive_inputs_only
    )
    assert result.passed, result.message
    assert not checks.check_random_network_size(
        net.num_parameters + 1, widths=widths, n=n, positive_inputs_only=positive_inputs_only
    ).passed


def test_network_size_hints():
    widths, n = (64, 32, 10), 7
    half = n * 64 * (64 + 32) + n * 32 * (32 + 10)
    assert "2n hidden units" in checks.check_random_network_size(half, widths=widths, n=n).message
    diagonal = 2 * n * 64 * (1 + 32) + 2 * n * 32 * (1 + 10)
    assert "block-diagonal" in checks.check_random_network_size(diagonal, widths=widths, n=n).message
    assert "target's number" in checks.check_random_network_size(64 * 32 + 32 * 10, widths=widths, n=n).message
    full = 2 * n * 64 * (64 + 32) + 2 * n * 32 * (32 + 10)
    message = checks.check_random_network_size(full, widths=widths, n=n, positive_inputs_only=True).message
    assert "positive_inputs_only" in message
    assert "whole number" in checks.check_random_network_size(1.5, widths=widths, n=n).message
    assert "No answer yet" in checks.check_random_network_size(None, widths=widths, n=n).message


# --------------------------------------------------------------------------- scaled bound


def test_input_scaled_bound():
    x = torch.tensor([[3.0, 4.0], [1.0, 0.0], [0.0, 2.0]])  # norms 5, 1, 2
    bound = 1e-3
    assert checks.check_input_scaled_bound(5e-3, bound=bound, inputs=x).passed
    assert checks.check_input_scaled_bound(5e-3, bound=bound, inputs=x.numpy()).passed
    assert "longer" in checks.check_input_scaled_bound(bound, bound=bound, inputs=x).message
    assert "largest norm" in checks.check_input_scaled_bound(bound * 8 / 3, bound=bound, inputs=x).message
    assert "not its square" in checks.check_input_scaled_bound(bound * 25, bound=bound, inputs=x).message
    assert "Euclidean" in checks.check_input_scaled_bound(bound * 7, bound=bound, inputs=x).message
    assert "Euclidean" in checks.check_input_scaled_bound(bound * 4, bound=bound, inputs=x).message
    assert "No answer yet" in checks.check_input_scaled_bound(..., bound=bound, inputs=x).message
    assert not checks.check_input_scaled_bound(1.0, bound=bound, inputs=x).passed
