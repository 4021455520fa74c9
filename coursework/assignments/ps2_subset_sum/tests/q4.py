from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 4

@test_case(points=1, hidden=False, 
    failure_message="On the small fixed instance, meet_in_the_middle should return (error, mask) with a bool NumPy mask of shape (n,), an error equal to |z − Σ_{i∈S} x_i| for that mask, and the optimal error.")
def test_q4_fixed(meet_in_the_middle):
    import numpy as np
    from lthbook import subset_sum
    x, z = (np.array([0.6, -0.35, 0.2, 0.05, -0.9]), 0.5)
    result = meet_in_the_middle(x, z)
    assert isinstance(result, tuple) and len(result) == 2, 'return a pair (error, mask)'
    error, mask = result
    assert isinstance(error, float), f'error should be a float; got {type(error).__name__}'
    assert isinstance(mask, np.ndarray), f'mask should be a NumPy array; got {type(mask).__name__}'
    assert mask.dtype == np.bool_ and mask.shape == x.shape, f'mask should be bool with shape {x.shape}; got {mask.dtype}, {mask.shape}'
    value = subset_sum.subset_value(x, mask).item()
    assert abs(error - abs(z - value)) <= 1e-12, 'error is not |z - sum of the masked coefficients|'
    optimum = subset_sum.brute_force(x, z, device='cpu').error.item()
    assert error <= optimum + 1e-12, 'the mask is not optimal'

