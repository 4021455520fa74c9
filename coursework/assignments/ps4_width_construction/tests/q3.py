from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=0, hidden=False, 
    failure_message="random_network_shapes should return a list of 2l (rows, cols) tuples of ints that chain (each matrix's cols = the previous one's rows), starting with d_0 columns and ending with d_l rows.")
def test_q3_structure(random_network_shapes):
    for widths, n, flag in [((3, 2), 4, False), ((5, 4, 3), 2, False), ((5, 4, 3), 2, True)]:
        shapes = random_network_shapes(widths, n, positive_inputs_only=flag)
        assert isinstance(shapes, list), 'return a list'
        assert len(shapes) == 2 * (len(widths) - 1), 'there should be 2l shapes'
        for shape in shapes:
            assert isinstance(shape, tuple) and len(shape) == 2, 'each shape should be a (rows, cols) tuple'
            assert all((isinstance(v, int) and v >= 1 for v in shape)), 'shape entries should be positive ints'
        assert shapes[0][1] == widths[0], 'M_1 reads the d_0 inputs'
        assert shapes[-1][0] == widths[-1], 'M_{2l} has d_l outputs'
        for k in range(1, len(shapes)):
            assert shapes[k][1] == shapes[k - 1][0], 'consecutive matrices must chain'
        for i in range(1, len(widths)):
            assert shapes[2 * i - 1][0] == widths[i], 'M_{2i} should have d_i rows'

