from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0, hidden=False, 
    failure_message="q1_answer must be a finite, non-negative Python float and q1_worst_x a float in [-1, 1].")
def test_q1_format(q1_answer, q1_worst_x):
    import math
    assert isinstance(q1_answer, float), f'q1_answer should be a float; got {type(q1_answer).__name__}'
    assert math.isfinite(q1_answer) and q1_answer >= 0, 'q1_answer is a supremum of absolute values: finite and >= 0'
    assert isinstance(q1_worst_x, float), f'q1_worst_x should be a float; got {type(q1_worst_x).__name__}'
    assert -1.0 <= q1_worst_x <= 1.0, 'q1_worst_x must lie in [-1, 1]'

