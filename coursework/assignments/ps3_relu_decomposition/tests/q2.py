from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0, hidden=False, 
    failure_message="q2_bound, q2_exact and q2_exact_negated must be finite, positive Python floats.")
def test_q2_format(q2_bound, q2_exact, q2_exact_negated):
    import math
    for name, value in (('q2_bound', q2_bound), ('q2_exact', q2_exact), ('q2_exact_negated', q2_exact_negated)):
        assert isinstance(value, float), f'{name} should be a float; got {type(value).__name__}'
        assert math.isfinite(value) and value > 0, f'{name} should be finite and > 0'

