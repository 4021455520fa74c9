from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0, hidden=False, 
    failure_message="q2_halving should be a positive int, and q2_tenfold a tuple of two ints, each within 1 of d^2 log2(10).")
def test_q2_types(q2_halving, q2_tenfold):
    import math
    import numbers

    def is_int(value):
        return isinstance(value, numbers.Integral) and (not isinstance(value, bool))
    assert is_int(q2_halving) and q2_halving > 0, 'q2_halving should be a positive int'
    assert isinstance(q2_tenfold, tuple) and len(q2_tenfold) == 2, 'q2_tenfold should be a tuple of two ints'
    for value in q2_tenfold:
        assert is_int(value), 'q2_tenfold should hold two ints'
        assert abs(value - 12 * 12 * math.log2(10)) < 1, 'each entry of q2_tenfold should lie next to d^2 log2(10)'

