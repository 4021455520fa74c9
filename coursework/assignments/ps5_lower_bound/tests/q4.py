from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    failure_message="scalar_cover_error fails a fixed gadget whose subnetworks can be listed by hand (see the assertion message).")
def test_q4_fixed(scalar_cover_error):
    import numpy as np
    u = np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
    v = np.array([1.0, -1.0, 0.5, 1.0, -1.0, 0.5])
    value = scalar_cover_error(u, v)
    assert isinstance(value, float), 'return a Python float'
    assert abs(value - 0.25) <= 1e-12, 'wrong error for the fixed gadget'
    assert abs(scalar_cover_error(np.array([0.5]), np.array([0.5])) - 1.0) <= 1e-12, 'wrong error for one unit'

