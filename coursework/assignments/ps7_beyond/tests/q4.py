from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    failure_message="On the fixed 2 × 3 masks (M keeps 3 weights, S* keeps 2, 1 in common), overlap should return three Python floats, precision 1/3, recall 1/2 and Jaccard 1/4.")
def test_q4_fixed(overlap):
    import math
    import numpy as np
    found = np.array([[True, True, False], [False, True, False]])
    planted = np.array([[True, False, False], [False, False, True]])
    result = overlap(found, planted)
    assert isinstance(result, tuple) and len(result) == 3, 'return a tuple (precision, recall, jaccard)'
    assert all((isinstance(value, float) for value in result)), 'the three values should be Python floats'
    for name, value, expected in zip(('precision', 'recall', 'jaccard'), result, (1 / 3, 1 / 2, 1 / 4)):
        assert math.isclose(value, expected, rel_tol=1e-12), f'{name} should be {expected:.4f}; got {value}'

