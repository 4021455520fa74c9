from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=0, hidden=False, 
    failure_message="q1_answer and q1_eta_max should be positive floats, and q1_eta_max below 1.")
def test_q1_types(q1_answer, q1_eta_max):
    assert isinstance(q1_answer, float) and (not isinstance(q1_answer, bool)), 'q1_answer should be a float'
    assert isinstance(q1_eta_max, float) and (not isinstance(q1_eta_max, bool)), 'q1_eta_max should be a float'
    assert q1_answer > 0, 'q1_answer should be positive'
    assert 0 < q1_eta_max < 1, 'q1_eta_max should lie in (0, 1)'

