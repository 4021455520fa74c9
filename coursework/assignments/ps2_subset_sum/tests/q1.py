from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0, hidden=False, 
    failure_message="q1_answer should be a positive whole number, a Python int (the least n).")
def test_q1_type(q1_answer):
    assert isinstance(q1_answer, int) and (not isinstance(q1_answer, bool)), f'q1_answer should be an int; got {type(q1_answer).__name__}'
    assert q1_answer > 0, 'q1_answer should be positive'

