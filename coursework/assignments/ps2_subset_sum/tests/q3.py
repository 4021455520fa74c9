from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False, 
    failure_message="On the draws x = (0.5, −0.25) and x = (0.9, −0.8) over [−1, 1], worst_target should return two floats, the worst-case error and a target in [−1, 1] attaining it.")
def test_q3_fixed(worst_target):
    import numpy as np
    from lthbook import subset_sum
    for x in (np.array([0.5, -0.25]), np.array([0.9, -0.8])):
        result = worst_target(x, -1.0, 1.0)
        assert isinstance(result, tuple) and len(result) == 2, 'return a pair (error, z_star)'
        error, z_star = result
        assert isinstance(error, float) and isinstance(z_star, float), 'error and z_star should be floats'
        assert -1.0 <= z_star <= 1.0, 'z_star should lie in [lo, hi]'
        expected = subset_sum.worst_case_error(x, -1.0, 1.0, device='cpu').item()
        assert abs(error - expected) <= 1e-12, f'error is not the worst-case error of the draw x = {x}'
        at_star = subset_sum.brute_force(x, z_star, device='cpu').error.item()
        assert abs(at_star - error) <= 1e-12, f'the optimal error at z_star is not the returned error (x = {x})'

