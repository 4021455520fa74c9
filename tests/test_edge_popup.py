"""Tests of lthbook.edge_popup: supermasks, the straight-through gradient and training."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import prune

from lthbook import data, edge_popup
from lthbook.edge_popup import SupermaskLinear, SupermaskMLP, TopKMask, kept_count


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture(scope="module")
def digits():
    return data.load_digits(device="cpu")


# ------------------------------------------------------------------------------------------
# how many entries a mask keeps
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "numel, fraction, expected",
    [
        (100, 0.3, 30),
        (10, 0.25, 3),  # 2.5 rounds half up (Python's round would give 2)
        (10, 0.35, 4),  # 3.5 -> 4
        (7, 1e-9, 1),  # never empties a tensor
        (7, 1.0, 7),
        (1000, 0.999, 999),
        (1000, 0.9995, 1000),  # 999.5 -> 1000
        (1000, 0.0004, 1),
        (1, 0.5, 1),
    ],
)
def test_kept_count(numel, fraction, expected):
    assert kept_count(numel, fraction) == expected


@pytest.mark.parametrize("fraction", [1e-6, 0.01, 0.1, 0.3, 0.5, 0.77, 0.99, 0.999, 1.0])
def test_topk_mask_keeps_exactly_k_largest(fraction):
    ranking = torch.rand(37, 29, generator=_gen(1))
    mask = TopKMask.apply(ranking, fraction)
    k = max(1, math.floor(fraction * ranking.numel() + 0.5))
    assert mask.shape == ranking.shape and mask.dtype == ranking.dtype
    assert set(mask.unique().tolist()) <= {0.0, 1.0}
    assert int(mask.sum()) == k
    kept, pruned = ranking[mask.bool()], ranking[~mask.bool()]
    if pruned.numel():
        assert kept.min() > pruned.max()


@pytest.mark.parametrize("fraction", [0.001, 0.2, 0.5, 0.9, 1.0])
def test_layer_mask_keeps_round_fraction_by_score_magnitude(fraction):
    layer = SupermaskLinear(50, 40, keep_fraction=fraction, generator=_gen(2))
    mask = layer.mask()
    assert mask.dtype == torch.bool and mask.shape == (40, 50)
    assert int(mask.sum()) == kept_count(2000, fraction)
    magnitudes = layer.scores.detach().abs()
    if (~mask).any():
        assert magnitudes[mask].min() > magnitudes[~mask].max()
    assert torch.equal(layer.effective_weight().detach(), layer.weight * mask)


def test_mlp_per_layer_fractions():
    model = SupermaskMLP([20, 30, 40, 5], keep_fraction=[0.1, 0.5, 0.9], generator=_gen(3))
    assert [int(m.sum()) for m in model.masks()] == [60, 600, 180]
    assert [type(m) for m in model] == [SupermaskLinear, nn.ReLU, SupermaskLinear, nn.ReLU, SupermaskLinear]
    assert model.widths == (20, 30, 40, 5)
    head = model[:2]  # slicing gives a plain Sequential sharing the layers
    assert type(head) is nn.Sequential and head[0] is model[0]


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, 1.01, 2, float("nan"), float("inf")])
def test_keep_fraction_out_of_range_is_refused(bad):
    with pytest.raises(ValueError, match="keep_fraction"):
        SupermaskLinear(4, 3, keep_fraction=bad)
    with pytest.raises(ValueError, match="keep_fraction"):
        SupermaskMLP([4, 3], keep_fraction=bad)
    with pytest.raises(ValueError, match="keep_fraction"):
        kept_count(10, bad)


@pytest.mark.parametrize("bad", ["0.5", None, True])
def test_keep_fraction_of_wrong_type_is_refused(bad):
    with pytest.raises(TypeError, match="keep_fraction"):
        SupermaskLinear(4, 3, keep_fraction=bad)


def test_keep_fraction_list_is_checked():
    with pytest.raises(ValueError, match="keep_fraction"):
        SupermaskMLP([4, 3, 2], keep_fraction=[0.5])
    with pytest.raises(ValueError, match=r"keep_fraction\[1\]"):
        SupermaskMLP([4, 3, 2], keep_fraction=[0.5, 0.0])
    layer = SupermaskLinear(4, 3, keep_fraction=0.5)
    with pytest.raises(ValueError, match="keep_fraction"):
        layer.keep_fraction = 0


# ------------------------------------------------------------------------------------------
# weights and scores
# ------------------------------------------------------------------------------------------
def test_signed_constant_weights_are_plus_minus_kaiming_std():
    layer = SupermaskLinear(50, 200, keep_fraction=0.5, weight_init="signed_constant", generator=_gen(4))
    std = math.sqrt(2 / 50)
    assert torch.equal(layer.weight.abs(), torch.full((200, 50), std, dtype=torch.float32))
    share_positive = (layer.weight > 0).float().mean().item()
    assert 0.45 < share_positive < 0.55
    assert not layer.weight.requires_grad and layer.scores.requires_grad
    assert layer.scores.abs().max() <= 1 / math.sqrt(50)


@pytest.mark.parametrize("init, bound", [("uniform", 1.0), ("kaiming_uniform", math.sqrt(6 / 50))])
def test_uniform_weight_laws(init, bound):
    w = SupermaskLinear(50, 200, keep_fraction=0.5, weight_init=init, generator=_gen(5)).weight
    assert w.abs().max() <= bound and w.abs().max() > 0.98 * bound
    assert abs(w.mean().item()) < 0.05 * bound


def test_same_generator_seed_same_network():
    a = SupermaskMLP([8, 6, 3], keep_fraction=0.5, generator=_gen(6))
    b = SupermaskMLP([8, 6, 3], keep_fraction=0.5, generator=_gen(6))
    c = SupermaskMLP([8, 6, 3], keep_fraction=0.5, generator=_gen(7))
    for name, tensor in a.state_dict().items():
        assert torch.equal(tensor, b.state_dict()[name])
    assert not torch.equal(a[0].scores, c[0].scores)


def test_bias_is_random_frozen_and_pruned():
    layer = SupermaskLinear(10, 8, keep_fraction=0.5, bias=True, generator=_gen(8))
    assert not layer.bias.requires_grad and layer.bias_scores.requires_grad
    assert int(layer.bias_mask().sum()) == 4
    x = torch.randn(5, 10, generator=_gen(9))
    expected = x @ (layer.weight * layer.mask()).T + layer.bias * layer.bias_mask()
    assert torch.allclose(layer(x), expected, atol=1e-6)
    assert SupermaskLinear(10, 8, keep_fraction=0.5).bias_mask() is None


# ------------------------------------------------------------------------------------------
# the straight-through gradient
# ------------------------------------------------------------------------------------------
def test_straight_through_gradient_matches_oracle_and_reaches_pruned_scores():
    layer = SupermaskLinear(12, 9, keep_fraction=0.3, generator=_gen(10))
    x = torch.randn(16, 12, generator=_gen(11))
    r = torch.randn(16, 9, generator=_gen(12))
    (layer(x) * r).sum().backward()

    # Oracle: dL/d(W ⊙ M) = r^T x, so dL/dM = W ⊙ r^T x and dL/ds = sign(s) · dL/dM.
    expected = layer.scores.detach().sign() * layer.weight * (r.T @ x)
    assert torch.allclose(layer.scores.grad, expected, atol=1e-6)
    pruned = ~layer.mask()
    assert pruned.sum() == 108 - kept_count(108, 0.3)
    assert (layer.scores.grad[pruned] != 0).all()
    assert layer.weight.grad is None


# ------------------------------------------------------------------------------------------
# export and PyTorch's pruning API
# ------------------------------------------------------------------------------------------
def test_to_sequential_and_custom_from_mask_compute_the_same_function():
    model = SupermaskMLP([8, 16, 16, 4], keep_fraction=0.4, generator=_gen(13))
    x = torch.randn(10, 8, generator=_gen(14))
    plain = model.to_sequential()
    assert all(type(m) in (nn.Linear, nn.ReLU) for m in plain)
    assert torch.allclose(plain(x), model(x), atol=1e-6)

    layer = model[0]
    linear = nn.Linear(8, 16, bias=False)
    with torch.no_grad():
        linear.weight.copy_(layer.weight)
    prune.custom_from_mask(linear, "weight", layer.mask())
    assert torch.equal(linear.weight, layer.effective_weight().detach())


# ------------------------------------------------------------------------------------------
# training
# ------------------------------------------------------------------------------------------
def test_random_unpruned_network_is_near_chance(digits):
    accuracies = [
        edge_popup.accuracy(
            SupermaskMLP([64, 128, 10], keep_fraction=1.0, generator=_gen(s)), digits.X_test, digits.y_test
        )
        for s in range(5)
    ]
    assert sum(accuracies) / 5 < 0.3


def test_edge_popup_trains_scores_only_and_beats_chance(digits):
    model = SupermaskMLP([64, 128, 10], keep_fraction=0.5, generator=_gen(15))
    weights = [layer.weight.clone() for layer in model.supermask_layers()]
    scores = [layer.scores.detach().clone() for layer in model.supermask_layers()]
    masks = model.masks()
    before = edge_popup.accuracy(model, digits.X_test, digits.y_test)
    history = edge_popup.train(model, digits, epochs=4, lr=0.01, optimizer="adam", device="cpu", progress=False)

    assert len(history.train_loss) == len(history.test_accuracy) == len(history.epoch_seconds) == 4
    assert history.final_test_accuracy == history.test_accuracy[-1] > 0.8
    assert history.final_test_accuracy > before + 0.4
    assert history.final_test_accuracy == edge_popup.accuracy(model, digits.X_test, digits.y_test)
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.total_seconds == pytest.approx(sum(history.epoch_seconds))
    for layer, w, s, m in zip(model.supermask_layers(), weights, scores, masks, strict=True):
        assert torch.equal(layer.weight, w)  # bit for bit
        assert not torch.equal(layer.scores.detach(), s)
        assert not torch.equal(layer.mask(), m)
        assert int(layer.mask().sum()) == int(m.sum())


def test_dense_reference_trains_all_weights(digits):
    model = edge_popup.dense_mlp([64, 64, 10], generator=_gen(16))
    assert [type(m) for m in model] == [nn.Linear, nn.ReLU, nn.Linear]
    assert all(m.bias is None for m in model if isinstance(m, nn.Linear))
    before = [p.clone() for p in model.parameters()]
    history = edge_popup.train(model, digits, epochs=6, lr=0.01, optimizer="adam", device="cpu", progress=False)
    assert history.final_test_accuracy > 0.9
    assert all(not torch.equal(p, q) for p, q in zip(model.parameters(), before, strict=True))


def test_training_is_deterministic_given_the_seed(digits):
    def run(seed):
        model = SupermaskMLP([64, 32, 10], keep_fraction=0.5, generator=_gen(17))
        history = edge_popup.train(
            model, digits, epochs=2, lr=0.1, optimizer="sgd", device="cpu", seed=seed, progress=False
        )
        return history, model[0].scores.detach().clone()

    (h1, s1), (h2, s2), (_, s3) = run(0), run(0), run(1)
    assert h1.train_loss == h2.train_loss and h1.test_accuracy == h2.test_accuracy
    assert torch.equal(s1, s2)
    assert not torch.equal(s1, s3)


def test_accuracy_against_known_predictions():
    model = nn.Linear(3, 3, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.eye(3))
    X = torch.eye(3).repeat(4, 1)  # predictions 0, 1, 2, 0, 1, 2, ...
    y = torch.tensor([0, 1, 2] * 3 + [1, 1, 1])
    assert edge_popup.accuracy(model, X, y, batch_size=5) == pytest.approx(10 / 12)
    model.train()
    edge_popup.accuracy(model, X, y)
    assert model.training  # mode restored


# ------------------------------------------------------------------------------------------
# bad arguments
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 1.5}, TypeError, "epochs"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"optimizer": "rmsprop"}, ValueError, "optimizer"),
        ({"momentum": 1.0}, ValueError, "momentum"),
        ({"weight_decay": -1e-4}, ValueError, "weight_decay"),
        ({"cosine": "yes"}, TypeError, "cosine"),
        ({"seed": -1}, ValueError, "seed"),
        ({"device": 5}, TypeError, "device"),
    ],
)
def test_train_bad_arguments_raise_naming_the_argument(digits, kwargs, error, words):
    arguments = {"epochs": 1, "lr": 0.1, "progress": False, "device": "cpu"} | kwargs
    with pytest.raises(error, match=words):
        edge_popup.train(SupermaskMLP([64, 10], keep_fraction=0.5), digits, **arguments)


def test_train_refuses_wrong_data_and_untrainable_model(digits):
    with pytest.raises(TypeError, match="data"):
        edge_popup.train(SupermaskMLP([64, 10], keep_fraction=0.5), (digits.X_train, digits.y_train), epochs=1, lr=0.1)
    frozen = edge_popup.dense_mlp([64, 10]).requires_grad_(False)
    with pytest.raises(ValueError, match="nothing to train"):
        edge_popup.train(frozen, digits, epochs=1, lr=0.1, device="cpu", progress=False)


@pytest.mark.parametrize(
    "build, error, words",
    [
        (lambda: SupermaskLinear(0, 3, keep_fraction=0.5), ValueError, "in_features"),
        (lambda: SupermaskLinear(3, 2.0, keep_fraction=0.5), TypeError, "out_features"),
        (lambda: SupermaskLinear(3, 2, keep_fraction=0.5, weight_init="normal"), ValueError, "weight_init"),
        (lambda: SupermaskLinear(3, 2, keep_fraction=0.5, bias=1), TypeError, "bias"),
        (lambda: SupermaskLinear(3, 2, keep_fraction=0.5, generator=0), TypeError, "generator"),
        (lambda: SupermaskMLP([64], keep_fraction=0.5), ValueError, "widths"),
        (lambda: SupermaskMLP([64, 0, 10], keep_fraction=0.5), ValueError, r"widths\[1\]"),
        (lambda: SupermaskMLP("64-10", keep_fraction=0.5), TypeError, "widths"),
        (lambda: edge_popup.dense_mlp([64, -3]), ValueError, r"widths\[1\]"),
        (
            lambda: edge_popup.accuracy(nn.Linear(2, 2), torch.zeros(3, 2), torch.zeros(2, dtype=torch.long)),
            ValueError,
            "rows",
        ),
        (
            lambda: edge_popup.accuracy(
                nn.Linear(2, 2), torch.zeros(3, 2), torch.zeros(3, dtype=torch.long), batch_size=0
            ),
            ValueError,
            "batch_size",
        ),
    ],
)
def test_constructors_refuse_bad_arguments(build, error, words):
    with pytest.raises(error, match=words):
        build()


def test_straight_through_on_the_function_itself():
    ranking = torch.rand(5, 4, generator=_gen(18), requires_grad=True)
    upstream = torch.randn(5, 4, generator=_gen(19))
    (TopKMask.apply(ranking, 0.25) * upstream).sum().backward()
    assert torch.equal(ranking.grad, upstream)


def test_generator_must_be_a_cpu_generator():
    with pytest.raises(TypeError, match="generator"):
        SupermaskMLP((4, 3), keep_fraction=0.5, generator=3)
    if torch.cuda.is_available():  # the weights are drawn on the CPU: a CUDA generator is refused
        with pytest.raises(ValueError, match="CPU torch.Generator"):
            SupermaskMLP((4, 3), keep_fraction=0.5, generator=torch.Generator(device="cuda"))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_training_on_cuda(digits):
    model = SupermaskMLP([64, 64, 10], keep_fraction=0.5, generator=_gen(20))
    history = edge_popup.train(model, digits, epochs=2, lr=0.01, optimizer="adam", device="cuda", progress=False)
    assert model[0].weight.is_cuda and model[0].mask().is_cuda
    assert history.final_test_accuracy > 0.5
    assert int(model[0].mask().sum()) == kept_count(64 * 64, 0.5)
    assert torch.allclose(model.to_sequential()(digits.X_test.cuda()), model(digits.X_test.cuda()), atol=1e-5)


def test_effective_weight_is_differentiable_in_the_scores():
    layer = SupermaskLinear(3, 2, keep_fraction=0.5, generator=_gen(21))
    effective = layer.effective_weight()
    assert effective.requires_grad
    F.mse_loss(effective, torch.zeros_like(effective)).backward()
    assert layer.scores.grad is not None


# ------------------------------------------------------------------------------------------
# the fast exact top-k (TopKSelector) against torch.topk
# ------------------------------------------------------------------------------------------
from lthbook.edge_popup import TopKSelector, topk_mask  # noqa: E402


def _topk_set(ranking: torch.Tensor, k: int) -> torch.Tensor | None:
    """torch.topk's kept set as a bool mask, or None when the k-th largest value is tied."""
    flat = ranking.flatten()
    values, indices = torch.topk(flat, k)
    if int((flat == values[-1]).sum()) != 1:
        return None
    mask = torch.zeros_like(flat, dtype=torch.bool)
    mask[indices] = True
    return mask.view_as(ranking)


def _rule_mask(ranking: torch.Tensor, k: int) -> torch.Tensor:
    """The documented tie rule written out slowly: by value, then by smaller flat index."""
    flat = ranking.flatten().tolist()
    order = sorted(range(len(flat)), key=lambda i: (-flat[i], i))
    mask = torch.zeros(len(flat), dtype=torch.bool)
    mask[order[:k]] = True
    return mask.view_as(ranking)


@pytest.mark.parametrize("shape", [(1,), (5,), (63,), (64,), (65,), (37, 29), (500, 392)])
@pytest.mark.parametrize("fraction", [1e-9, 0.01, 0.3, 0.5, 0.99, 1.0])
def test_selector_equals_topk_on_random_scores_across_small_moves(shape, fraction):
    gen = _gen(30)
    scores = torch.rand(shape, generator=gen) * 2 - 1
    k = kept_count(scores.numel(), fraction)
    selector = TopKSelector()
    compared = 0
    for _ in range(6):
        ranking = scores.abs()
        mask = selector(ranking, k)
        assert mask.dtype == torch.bool and mask.shape == ranking.shape and int(mask.sum()) == k
        assert torch.equal(mask, topk_mask(ranking, k))
        reference = _topk_set(ranking, k)
        if reference is not None:
            assert torch.equal(mask, reference)
            compared += 1
        scores += 1e-3 * torch.randn(shape, generator=gen)
    assert compared >= 4
    if 1 < k < scores.numel() and scores.numel() >= 1000:
        assert selector.full_topk == 1 and selector.band_hits >= 4  # the band did the work


def test_selector_is_exact_when_the_band_misses():
    gen = _gen(31)
    ranking = torch.rand(10_000, generator=gen)
    selector = TopKSelector()
    k = 1000
    selector(ranking, k)
    for shift in (0.3, -0.5, 2.0, 0.0):  # jumps far outside any band: retries, then a full topk
        ranking = torch.rand(10_000, generator=gen) + shift
        assert torch.equal(selector(ranking, k), _topk_set(ranking, k))
    assert selector.full_topk >= 2
    for k in (1, 17, 9_999, 10_000):  # k changes between calls
        assert torch.equal(selector(ranking, k), topk_mask(ranking, k))


@pytest.mark.parametrize("k", [1, 2, 3, 50, 99, 100, 199, 200])
def test_ties_keep_exactly_k_by_the_index_rule(k):
    ranking = torch.tensor([float(i % 4) for i in range(200)])  # values 0..3, 50 of each
    selector = TopKSelector()
    for _ in range(3):  # first call (full topk), then the band path on the same values
        mask = selector(ranking, k)
        assert int(mask.sum()) == k
        assert torch.equal(mask, _rule_mask(ranking, k))
    assert torch.equal(topk_mask(ranking, k), _rule_mask(ranking, k))


@pytest.mark.parametrize("value", [0.0, 0.5, -2.0])
@pytest.mark.parametrize("k", [1, 64, 129, 1000])
def test_constant_scores_keep_the_first_k(value, k):
    ranking = torch.full((10, 100), value)
    selector = TopKSelector()
    for _ in range(3):
        mask = selector(ranking, k)
        assert int(mask.sum()) == k and bool(mask.flatten()[:k].all())


def test_selector_float64_negative_values_and_argument_checks():
    ranking = torch.randn(300, dtype=torch.float64, generator=_gen(32))
    selector = TopKSelector()
    for k in (1, 150, 300):
        assert torch.equal(selector(ranking, k), _rule_mask(ranking, k))
        assert selector.float_mask(ranking, k).dtype == torch.float64
    with pytest.raises(ValueError, match="k must be"):
        selector(ranking, 0)
    with pytest.raises(ValueError, match="k must be"):
        topk_mask(ranking, 301)
    with pytest.raises(TypeError, match="ranking"):
        selector(torch.arange(5), 2)
    with pytest.raises(ValueError, match="ranking"):
        topk_mask(torch.zeros(0), 1)


class _PlainTopK(torch.autograd.Function):
    """The implementation before the selector: a float mask from torch.topk's indices."""

    @staticmethod
    def forward(ctx, ranking, k):
        mask = torch.zeros(ranking.numel(), dtype=ranking.dtype)
        mask[torch.topk(ranking.detach().flatten(), k, sorted=False).indices] = 1
        return mask.view_as(ranking)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def _plain_forward(model: SupermaskMLP, x: torch.Tensor) -> torch.Tensor:
    layers = model.supermask_layers()
    for i, layer in enumerate(layers):
        k = kept_count(layer.weight.numel(), layer.keep_fraction)
        x = F.linear(x, layer.weight * _PlainTopK.apply(layer.scores.abs(), k))
        if i < len(layers) - 1:
            x = F.relu(x)
    return x


def test_training_run_keeps_topk_masks_at_every_step_and_the_same_scores_as_before(digits):
    """A short SGD run: the fast layers against the plain-topk implementation, step by step."""
    fast = SupermaskMLP([64, 128, 10], keep_fraction=0.2, generator=_gen(33))
    plain = SupermaskMLP([64, 128, 10], keep_fraction=0.2, generator=_gen(33))
    opt_fast = torch.optim.SGD(fast.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    opt_plain = torch.optim.SGD(plain.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    order = torch.randperm(digits.X_train.shape[0], generator=_gen(34))
    steps = 60
    for step in range(steps):
        batch = order[(step * 32) % 1200 :][:32]
        for layer, reference_layer in zip(fast.supermask_layers(), plain.supermask_layers(), strict=True):
            k = kept_count(layer.weight.numel(), layer.keep_fraction)
            expected = _topk_set(reference_layer.scores.detach().abs(), k)
            assert expected is not None, f"tie at step {step}: pick another seed"
            assert torch.equal(layer.mask(), expected), f"step {step}"
        for opt, forward in ((opt_fast, fast), (opt_plain, lambda x: _plain_forward(plain, x))):
            loss = F.cross_entropy(forward(digits.X_train[batch]), digits.y_train[batch])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    for layer, reference_layer in zip(fast.supermask_layers(), plain.supermask_layers(), strict=True):
        assert torch.equal(layer.scores, reference_layer.scores)  # bit for bit
        selector = layer.__dict__["_selectors"]["scores"]
        assert selector.band_hits > steps  # the fast path did the selecting
    assert not torch.equal(fast[0].scores, SupermaskMLP([64, 128, 10], keep_fraction=0.2, generator=_gen(33))[0].scores)


def test_fused_gradient_is_bitwise_the_autograd_chain():
    layer = SupermaskLinear(40, 30, keep_fraction=0.3, generator=_gen(35))
    x = torch.randn(8, 40, generator=_gen(36))
    r = torch.randn(8, 30, generator=_gen(37))
    (layer(x) * r).sum().backward()
    scores = layer.scores.detach().clone().requires_grad_(True)
    k = kept_count(1200, 0.3)
    (F.linear(x, layer.weight * _PlainTopK.apply(scores.abs(), k)) * r).sum().backward()
    assert torch.equal(layer.scores.grad, scores.grad)


def test_official_init_and_kaiming_normal():
    net = edge_popup.experiment2_network(
        "ours_relu", (784, 500, 10), keep_fraction=0.5, generator=_gen(38), official_init=True
    )
    block, linear = net[0], net[2]
    assert block.scores.abs().max() <= math.sqrt(2) and block.scores.abs().max() > 0.99 * math.sqrt(2)
    assert linear.scores.abs().max() <= math.sqrt(2 / 784) and linear.scores.abs().max() > 0.99 * math.sqrt(2 / 784)
    assert linear.weight.std().item() == pytest.approx(math.sqrt(2 / 784), rel=0.01)  # fan-in d_in, not r·d_in
    assert block.weight.std().item() == pytest.approx(math.sqrt(2), rel=0.05)
    wide = edge_popup.experiment2_network(
        "wide", (784, 500, 10), keep_fraction=0.5, wide_hidden=(2508,), generator=_gen(39), official_init=True
    )
    assert wide[2].weight.std().item() == pytest.approx(math.sqrt(2 / 2508), rel=0.01)
    assert wide[2].scores.abs().max() <= 1 / math.sqrt(2508)
    with pytest.raises(TypeError, match="official_init"):
        edge_popup.experiment2_network("wide", (4, 3, 2), keep_fraction=0.5, wide_hidden=(3,), official_init=1)


def test_lenet5_features_are_frozen_default_conv_init_and_give_400_features():
    features = edge_popup.lenet5_features(generator=_gen(40))
    convs = [m for m in features if isinstance(m, nn.Conv2d)]
    assert [tuple(c.weight.shape) for c in convs] == [(6, 1, 5, 5), (16, 6, 5, 5)]
    assert all(c.bias is None and not c.weight.requires_grad for c in convs)
    for conv, fan_in in zip(convs, (25, 150), strict=True):
        assert conv.weight.abs().max() <= 1 / math.sqrt(fan_in)
        assert conv.weight.abs().max() > 0.95 / math.sqrt(fan_in)
    assert features(torch.rand(3, 784)).shape == (3, 400)
    again = edge_popup.lenet5_features(generator=_gen(40))
    assert all(torch.equal(a, b) for a, b in zip(features.parameters(), again.parameters(), strict=True))


def test_cosine_per_epoch_follows_the_official_schedule(digits, monkeypatch):
    seen = []
    original = torch.optim.SGD.step

    def record(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "step", record)
    small = data.Dataset(
        X_train=digits.X_train[:64],
        y_train=digits.y_train[:64],
        X_test=digits.X_test,
        y_test=digits.y_test,
        name="digits",
        num_classes=10,
        input_dim=64,
    )
    edge_popup.train(
        SupermaskMLP([64, 10], keep_fraction=0.5, generator=_gen(41)),
        small,
        epochs=4,
        lr=0.1,
        batch_size=32,
        device="cpu",
        progress=False,
        cosine_unit="epoch",
    )
    expected = [0.1 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(4) for _ in range(2)]
    assert seen == pytest.approx(expected)
    with pytest.raises(ValueError, match="cosine_unit"):
        edge_popup.train(
            SupermaskMLP([64, 10], keep_fraction=0.5),
            small,
            epochs=1,
            lr=0.1,
            device="cpu",
            progress=False,
            cosine_unit="batch",
        )


def test_first_layer_census_counts_reached_inputs_and_negative_kept_weights():
    block = edge_popup.experiment2_network(
        "ours_relu", (6, 4, 2), keep_fraction=0.5, redundancy=2, generator=torch.Generator().manual_seed(0)
    )
    first = next(m for m in block.modules() if isinstance(m, edge_popup.SupermaskBlockExpand))
    mask = first.mask()
    reached, negative = edge_popup.first_layer_census(block)
    assert reached == int(mask.any(dim=1).sum()) and 0 < reached <= 6
    assert negative == pytest.approx(float((first.weight[mask] < 0).double().mean()))
    wide = edge_popup.experiment2_network(
        "wide", (6, 4, 2), keep_fraction=1.0, wide_hidden=(5,), generator=torch.Generator().manual_seed(0)
    )
    assert edge_popup.first_layer_census(wide)[0] == 6  # every input is read when everything is kept
    with pytest.raises(ValueError, match="masked layer"):
        edge_popup.first_layer_census(torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match="model"):
        edge_popup.first_layer_census("net")
