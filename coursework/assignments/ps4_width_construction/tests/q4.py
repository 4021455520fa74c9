from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    failure_message="pruned_forward fails on the ReLU identity w x = σ(w x) − σ(−w x) (M_1 = [[1], [−1]], M_2 = [[w, −w]]). Check the transposes, the ReLU between layers, and the float64 dtype.")
def test_q4_identity(pruned_forward):
    import torch
    w = 0.3
    weights = [torch.tensor([[1.0], [-1.0]], dtype=torch.float64), torch.tensor([[w, -w]], dtype=torch.float64)]
    x = torch.linspace(-1, 1, 5, dtype=torch.float64).reshape(5, 1)
    full = [torch.ones(2, 1, dtype=torch.bool), torch.ones(1, 2, dtype=torch.bool)]
    out = pruned_forward(weights, full, x)
    assert isinstance(out, torch.Tensor), 'return a torch tensor'
    assert out.dtype == torch.float64, 'the result should be float64'
    assert tuple(out.shape) == (5, 1), 'the result should have shape (N, d_l)'
    assert torch.allclose(out, w * x, rtol=0, atol=1e-15), 'both units kept: the output should be w x'
    half = [torch.tensor([[True], [False]]), torch.ones(1, 2, dtype=torch.bool)]
    out = pruned_forward(weights, half, x)
    assert torch.allclose(out, w * x.clamp(min=0), rtol=0, atol=1e-15), 'with the second unit pruned, the output should be w σ(x)'

