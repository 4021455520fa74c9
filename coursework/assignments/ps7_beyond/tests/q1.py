from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0, hidden=False, 
    failure_message="q1_shallow_weights and q1_theorem_1_weights should be positive whole numbers (Python ints).")
def test_q1_types(q1_shallow_weights, q1_theorem_1_weights):
    for name, value in (('q1_shallow_weights', q1_shallow_weights), ('q1_theorem_1_weights', q1_theorem_1_weights)):
        assert isinstance(value, int) and (not isinstance(value, bool)), f'{name} should be an int; got {type(value).__name__}'
        assert value > 0, f'{name} should be positive'

