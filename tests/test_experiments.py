"""Experiment 1 (chapter 6): every weight replaced by an exact subset sum, and the replaced
network is the one evaluated."""
import pytest
import torch

from lthbook import edge_popup, subset_sum
from lthbook import experiments as ex
from lthbook.data import load_digits

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def trained():
    data = load_digits(seed=0, device=CPU)
    model = edge_popup.dense_mlp((64, 32, 10), generator=torch.Generator().manual_seed(0))
    edge_popup.train(model, data, epochs=8, lr=0.01, optimizer="adam", device=CPU, progress=False)
    return model, data


def replace(model, n, mode="per_row", seed=0):
    return ex.subset_sum_replacement(
        ex.linear_weights(model), n=n, coefficients=mode, generator=torch.Generator().manual_seed(seed), device=CPU
    )


def test_the_approximated_network_is_the_one_evaluated(trained):
    model, data = trained
    target_accuracy = edge_popup.accuracy(model, data.X_test, data.y_test)
    coarse = ex.replaced_network(model, replace(model, n=2))
    coarse_accuracy = edge_popup.accuracy(coarse, data.X_test, data.y_test)
    assert target_accuracy > 0.9
    assert coarse_accuracy != target_accuracy  # n = 2 cannot reproduce the target
    assert coarse_accuracy < target_accuracy - 0.05
    for layer, original in zip(ex.linear_weights(coarse), ex.linear_weights(model)):
        assert not torch.equal(layer, original)


def test_model_left_untouched(trained):
    model, _ = trained
    before = [w.clone() for w in ex.linear_weights(model)]
    ex.replaced_network(model, replace(model, n=4))
    assert all(torch.equal(a, b) for a, b in zip(before, ex.linear_weights(model)))


@pytest.mark.parametrize("mode", ["per_row", "per_weight"])
def test_every_replaced_weight_is_an_exact_optimum(trained, mode):
    model, _ = trained
    n = 10
    result = replace(model, n=n, mode=mode, seed=3)
    weights = ex.linear_weights(model)
    # Redraw the same coefficients to spot-check against brute force.
    unit = torch.rand(
        sum(w.shape[0] for w in weights) if mode == "per_row" else sum(w.numel() for w in weights),
        n, generator=torch.Generator().manual_seed(3), dtype=torch.float64,
    )
    coeff = result.low + (result.high - result.low) * unit
    layer = 0 if mode == "per_row" else 0
    w = weights[layer].double()
    picks = torch.randint(0, w.numel(), (200,), generator=torch.Generator().manual_seed(1))
    rows, cols = picks // w.shape[1], picks % w.shape[1]
    instance_coeff = coeff[rows] if mode == "per_row" else coeff[picks]
    oracle = subset_sum.brute_force(instance_coeff, w[rows, cols])
    got = result.errors[layer][rows, cols]
    assert torch.allclose(got, oracle.error, rtol=0, atol=1e-12)
    assert torch.allclose(result.weights[layer][rows, cols], oracle.value, rtol=0, atol=1e-12)
    assert torch.equal(result.errors[layer], (result.weights[layer] - w).abs())


def test_per_row_reuses_one_draw_per_row_and_per_weight_does_not():
    # Equal weights in one row are the same SubsetSum instance when the row shares its draw.
    w = torch.tensor([[0.3, 0.3, 0.3, -0.2], [0.3, 0.3, -0.1, 0.25]] * 4)
    gen = lambda: torch.Generator().manual_seed(5)  # noqa: E731
    per_row = ex.subset_sum_replacement([w], n=6, coefficients="per_row", generator=gen(), device=CPU)
    per_weight = ex.subset_sum_replacement([w], n=6, coefficients="per_weight", generator=gen(), device=CPU)
    ŵ = per_row.weights[0]
    assert torch.equal(ŵ[0, 0], ŵ[0, 1]) and torch.equal(ŵ[0, 1], ŵ[0, 2])
    assert torch.equal(ŵ[1, 0], ŵ[1, 1])
    assert len(set(per_row.weights[0][:, 0].tolist())) > 1  # other rows, other draws
    assert len(set(per_weight.weights[0][0, :3].tolist())) > 1  # fresh draws per weight
    for r in (per_row, per_weight):
        assert r.total_coefficients == 6 * w.numel()
        assert 0 < r.total_kept < r.total_coefficients
        assert r.low == pytest.approx(-0.2) and r.high == pytest.approx(0.3)


def test_more_coefficients_give_smaller_errors(trained):
    model, _ = trained
    medians = [replace(model, n=n).median_error for n in (4, 8, 14)]
    assert medians[0] > medians[1] > medians[2]


def test_bad_arguments_name_the_argument(trained):
    model, _ = trained
    weights = ex.linear_weights(model)
    with pytest.raises(ValueError, match="n must be"):
        ex.subset_sum_replacement(weights, n=0, device=CPU)
    with pytest.raises(ValueError, match="coefficients must be one of"):
        ex.subset_sum_replacement(weights, coefficients="shared", device=CPU)
    with pytest.raises(TypeError, match="weights must be"):
        ex.subset_sum_replacement([], device=CPU)
    with pytest.raises(ValueError, match=r"weights\[0\]"):
        ex.subset_sum_replacement([torch.ones(3)], device=CPU)
    with pytest.raises(TypeError, match="model must be"):
        ex.linear_weights("mlp")
    with pytest.raises(ValueError, match="Linear layers"):
        ex.replaced_network(torch.nn.Sequential(torch.nn.Linear(2, 2)), replace(model, n=3))
