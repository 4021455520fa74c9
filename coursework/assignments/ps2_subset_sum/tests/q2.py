from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0, hidden=False, 
    failure_message="q2_c and q2_weight should be Python floats in (0, 1).")
def test_q2_type(q2_c, q2_weight):
    for name, value in (('q2_c', q2_c), ('q2_weight', q2_weight)):
        assert isinstance(value, float), f'{name} should be a float; got {type(value).__name__}'
        assert 0 < value < 1, f'{name} should lie strictly between 0 and 1'

