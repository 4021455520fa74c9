from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=1, hidden=False, 
    failure_message="log2_subnetwork_count fails a small case that can be counted by hand (see the assertion message).")
def test_q3_small(log2_subnetwork_count):
    import math
    value = log2_subnetwork_count(4, 2)
    assert isinstance(value, float), 'return a Python float'
    assert math.isclose(value, math.log2(1 + 4 + 6), rel_tol=1e-09), 'wrong count for m = 4, k = 2'
    assert math.isclose(log2_subnetwork_count(30), 30.0, rel_tol=1e-12), 'k = None means all 2^m masks'
    assert abs(log2_subnetwork_count(7, 0)) <= 1e-09, 'keeping at most 0 weights leaves only the empty mask'
    assert math.isclose(log2_subnetwork_count(7, 7), 7.0, rel_tol=1e-12), 'k = m allows every mask'

