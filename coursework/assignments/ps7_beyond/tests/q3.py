from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=0.5, hidden=False, 
    failure_message="On the small fixed instance (k = 2), best_subset_at_most should return (error, mask) with a bool NumPy mask of shape (n,) keeping at most k coefficients, an error equal to |z − Σ_{i∈S} x_i| for that mask, and the optimal error among subsets of size at most k.")
def test_q3_fixed(best_subset_at_most):
    import numpy as np
    from lthbook import fixed_size_subset_sum, subset_sum
    x, z, k = (np.array([0.6, -0.35, 0.2, 0.05, -0.9]), 0.5, 2)
    result = best_subset_at_most(x, z, k)
    assert isinstance(result, tuple) and len(result) == 2, 'return a pair (error, mask)'
    error, mask = result
    assert isinstance(error, float), f'error should be a float; got {type(error).__name__}'
    assert isinstance(mask, np.ndarray), f'mask should be a NumPy array; got {type(mask).__name__}'
    assert mask.dtype == np.bool_ and mask.shape == x.shape, f'mask should be bool with shape {x.shape}; got {mask.dtype}, {mask.shape}'
    assert mask.sum() <= k, f'the mask keeps {int(mask.sum())} coefficients, more than k = {k}'
    value = subset_sum.subset_value(x, mask).item()
    assert abs(error - abs(z - value)) <= 1e-12, 'error is not |z - sum of the masked coefficients|'
    optimum = fixed_size_subset_sum.solve_fixed_size(x, z, k, at_most=True, device='cpu').error.item()
    assert error <= optimum + 1e-12, 'the mask is not optimal among subsets of size at most k'

