from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    failure_message="prune_gadget_by_subset_sum must return a bool tensor of shape (2n,) whose sup error is optimal; on a small gadget the test tries all 2^(2n) sets of units.")
def test_q4_small(prune_gadget_by_subset_sum):
    import torch
    from lthbook import gadgets
    generator = torch.Generator().manual_seed(41)
    drawn = gadgets.sample_weight_gadget(3, generator=generator, device='cpu')
    u, v = (drawn.u[0], drawn.v[0])
    units = u.shape[0]
    all_masks = torch.arange(2 ** units)[:, None] >> torch.arange(units) & 1 == 1
    for w in (0.3, -0.2):
        mask = prune_gadget_by_subset_sum(u.clone(), v.clone(), w)
        assert isinstance(mask, torch.Tensor), f'return a torch tensor; got {type(mask).__name__}'
        assert mask.dtype == torch.bool, f'expected a bool tensor; got {mask.dtype}'
        assert mask.shape == (units,), f'expected shape ({units},); got {tuple(mask.shape)}'
        mask = mask.cpu()

        def sup_error(m):
            at_one = (m * v * torch.relu(u)).sum(-1)
            at_minus_one = (m * v * torch.relu(-u)).sum(-1)
            return torch.maximum((at_one - w).abs(), (at_minus_one + w).abs())
        best = sup_error(all_masks).min().item()
        assert abs(sup_error(mask).item() - best) <= 1e-12, f'not an optimal pruning for w = {w}'

