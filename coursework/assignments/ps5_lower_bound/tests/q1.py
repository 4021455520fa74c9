from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0, hidden=False, 
    failure_message="q1_m and q1_width should be positive whole numbers (int), and the width must provide at least q1_m weights (m = 2dw).")
def test_q1_types(q1_m, q1_width):
    import numbers
    for name, value in (('q1_m', q1_m), ('q1_width', q1_width)):
        assert isinstance(value, numbers.Integral) and (not isinstance(value, bool)), f'{name} should be an int'
        assert value > 0, f'{name} should be positive'
    assert 2 * 10 * q1_width >= q1_m, 'a depth-2 network of width q1_width has 2*d*q1_width weights, fewer than q1_m'

