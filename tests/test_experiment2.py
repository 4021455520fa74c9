"""Experiment 2's structures (chapter 6): parameter counts, exact keep fractions, frozen weights."""
import json
import sys
from pathlib import Path

import pytest
import torch

from lthbook import edge_popup as ep

ROOT = Path(__file__).resolve().parent.parent
FC2 = (784, 500, 10)


@pytest.mark.parametrize(
    "structure, expected", [("ours_linear", 1_991_420), ("ours_relu", 1_991_420), ("wide", 1_991_352)]
)
def test_fc2_parameter_counts_match_the_paper(structure, expected):
    net = ep.experiment2_network(structure, FC2, keep_fraction=0.5, wide_hidden=(2508,))
    assert ep.count_weights(net) == expected


@pytest.mark.parametrize("structure", ep.STRUCTURES)
@pytest.mark.parametrize("keep", [0.01, 0.1, 0.5])
def test_every_tensor_keeps_exactly_the_asked_share(structure, keep):
    net = ep.experiment2_network(structure, (20, 12, 4), keep_fraction=keep, wide_hidden=(30,),
                                 generator=torch.Generator().manual_seed(0))
    layers = [m for m in net.modules() if isinstance(m, (ep.SupermaskLinear, ep.SupermaskBlockExpand))]
    assert layers
    for layer in layers:
        assert int(layer.mask().sum()) == ep.kept_count(layer.weight.numel(), keep)


def test_block_expand_is_block_diagonal_and_relu_placement():
    expand = ep.SupermaskBlockExpand(3, 2, keep_fraction=1.0, generator=torch.Generator().manual_seed(0))
    x = torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, -1.0]])
    y = expand(x)
    w = expand.weight
    assert torch.allclose(y[0], torch.cat([w[0], torch.zeros(4)]))
    assert torch.allclose(y[1], torch.cat([torch.zeros(2), 2 * w[1], -w[2]]))
    linear = ep.experiment2_network("ours_linear", (3, 2), keep_fraction=1.0)
    relu = ep.experiment2_network("ours_relu", (3, 2), keep_fraction=1.0)
    assert not any(isinstance(m, torch.nn.ReLU) for m in linear)
    assert isinstance(relu[1], torch.nn.ReLU)


def test_training_changes_scores_only():
    torch.manual_seed(0)
    net = ep.experiment2_network("ours_relu", (8, 6, 3), keep_fraction=0.5, generator=torch.Generator().manual_seed(1))
    weights = [m.weight.clone() for m in net.modules() if hasattr(m, "scores")]
    scores = [m.scores.clone() for m in net.modules() if hasattr(m, "scores")]
    x, y = torch.randn(64, 8), torch.randint(0, 3, (64,))
    opt = torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.5)
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    after = [m for m in net.modules() if hasattr(m, "scores")]
    assert all(torch.equal(w, m.weight) for w, m in zip(weights, after))
    assert any(not torch.equal(s, m.scores) for s, m in zip(scores, after))


def test_bad_arguments():
    with pytest.raises(ValueError, match="structure must be one of"):
        ep.experiment2_network("deep", FC2, keep_fraction=0.5)
    with pytest.raises(ValueError, match="wide_hidden"):
        ep.experiment2_network("wide", FC2, keep_fraction=0.5)
    with pytest.raises(ValueError, match="keep_fraction"):
        ep.experiment2_network("ours_relu", FC2, keep_fraction=0.0)
    with pytest.raises(ValueError, match="redundancy"):
        ep.SupermaskBlockExpand(4, 0, keep_fraction=0.5)


def test_committed_results_file_schema():
    path = ROOT / "benchmarks" / "results" / "experiment2.json"
    if not path.exists():
        pytest.skip("no Experiment-2 results committed yet")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import experiment2

    data = json.loads(path.read_text())
    experiment2.validate_results(data)  # raises on a malformed file
    assert data["runs"], "the results file holds no run"
