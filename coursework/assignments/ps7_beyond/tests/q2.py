from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0, hidden=False, 
    failure_message="q2_K should be a float of at least 1, and q2_rho a positive whole number (a Python int).")
def test_q2_types(q2_K, q2_rho):
    assert isinstance(q2_K, float), f'q2_K should be a float; got {type(q2_K).__name__}'
    assert q2_K >= 1, "q2_K should be at least 1 (the last layer's residuals alone give more)"
    assert isinstance(q2_rho, int) and (not isinstance(q2_rho, bool)), f'q2_rho should be an int; got {type(q2_rho).__name__}'
    assert q2_rho >= 1, 'q2_rho should be positive'

