from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0, hidden=False, 
    failure_message="q2_answer should be a whole number (an int) at least q2_C log2(2 / q2_eps), and q2_eps_threshold a float in (0, q2_delta).")
def test_q2_types(q2_answer, q2_eps_threshold):
    import math
    from lthbook import construction
    assert isinstance(q2_answer, int) and (not isinstance(q2_answer, bool)), 'q2_answer should be a Python int'
    assert q2_answer >= construction.MEASURED_CONSTANT * math.log2(2 / 0.02), "min(eps', delta') < eps, so n is at least q2_C log2(2 / q2_eps)"
    assert isinstance(q2_eps_threshold, float), 'q2_eps_threshold should be a float'
    assert 0 < q2_eps_threshold < 0.05, 'q2_eps_threshold should lie in (0, q2_delta)'

