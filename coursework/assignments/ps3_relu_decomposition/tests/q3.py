from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=1, hidden=False, 
    failure_message="gadget_output must return a float64 tensor of shape (B, N) equal to sum_k mask_k v_k relu(u_k x) on a small hand-made case.")
def test_q3_small(gadget_output):
    import torch
    u = torch.tensor([[1.0, -1.0, 0.5], [-0.5, 0.25, 1.0]], dtype=torch.float64)
    v = torch.tensor([[2.0, 3.0, 7.0], [1.0, -4.0, 5.0]], dtype=torch.float64)
    mask = torch.tensor([[True, True, False], [True, True, False]])
    x = torch.tensor([1.0, -1.0, 0.5, 0.0, -0.25], dtype=torch.float64)
    out = gadget_output(u, v, mask, x)
    assert isinstance(out, torch.Tensor), f'return a torch tensor; got {type(out).__name__}'
    assert out.shape == (2, 5), f'expected shape (B, N) = (2, 5); got {tuple(out.shape)}'
    assert out.dtype == torch.float64, f'expected float64; got {out.dtype}'
    relu = torch.relu
    expected = torch.stack([2.0 * relu(x) + 3.0 * relu(-x), 1.0 * relu(-0.5 * x) - 4.0 * relu(0.25 * x)])
    assert torch.allclose(out, expected, rtol=0, atol=1e-12), 'wrong values on a small case'

