"""The problem sets' tests separate right from wrong: every named mistake is rejected, every correct
alternative is accepted.

For each problem set, ``tests/coursework_cases/psN.py`` lists answers to its autograded questions:
wrong ones, each making one mistake that a failure message of the problem set names (forgetting
the empty subset, checking only the ends of an interval, a grid instead of the exact candidates,
calling the package's solver, a brute force that would hang the grader, ...), and correct ones
that differ from the reference solution (another algorithm, another tie-breaking, other float
rounding). Each is graded by the problem set's own otter test files, public and hidden, the way
otter grades a submission, in a subprocess with a timeout; the test cases that fail must be exactly
those the case names (none for a correct alternative). A second test checks that every test case
of every problem set, hence every failure message it can print, is failed by some named mistake,
and that every autograded question has a correct alternative that passes.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).resolve().parent / "coursework_cases"
sys.path.insert(0, str(ROOT / "scripts"))
import make_coursework as mc  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "coursework_cases"))
import shared_build  # noqa: E402

MASTERS = mc.problem_set_masters()
GRADING_TIMEOUT_S = 300  # for all the cases of one problem set; about 15 s on two quiet cores


@pytest.fixture(scope="module")
def private_tests(tmp_path_factory) -> Path:
    """Every problem set's complete otter tests (public and hidden), assigned afresh from the masters."""
    return shared_build.built_problem_sets(tmp_path_factory) / "private"


@functools.cache
def graded(tests_dir: Path, cases_module: Path) -> tuple[dict, ...]:
    """The cases of one module graded in a subprocess: a case that hangs fails the test, not the suite."""
    env = {**os.environ, "LTHBOOK_GRADING_TIME_LIMIT": "2"}  # the hidden tests' per-call limit (60 s by default)
    result = subprocess.run(
        [sys.executable, str(CASES_DIR / "grade_cases.py"), str(tests_dir), str(cases_module)],
        capture_output=True,
        text=True,
        timeout=GRADING_TIMEOUT_S,
        env=env,
        cwd=CASES_DIR,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return tuple(json.loads(result.stdout.strip().splitlines()[-1]))


def cases_module(master: Path) -> Path:
    return CASES_DIR / f"{master.stem.split('_')[0]}.py"


def all_test_cases(tests_dir: Path) -> dict[str, dict[str, str]]:
    """{question: {test-case name: failure message}} from otter's test files."""
    from otter.test_files import ExceptionTestFile

    out = {}
    for path in sorted(tests_dir.glob("q*.py")):
        test_file = ExceptionTestFile.from_file(str(path))
        out[path.stem] = {tc.body.test_func.__name__: tc.failure_message for tc in test_file.test_cases}
    return out


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_named_mistakes_are_rejected_and_correct_alternatives_accepted(master, private_tests):
    results = graded(private_tests / master.stem / "tests", cases_module(master))
    assert len(results) >= 10
    wrong = [
        f"{r['question']} ({r['kind']}: {r['label']}): expected to fail {r['expected']}, failed {r['failed']}"
        + "".join(f"\n    {name}: {message[-300:]}" for name, message in r["messages"].items())
        for r in results
        if r["failed"] != r["expected"]
    ]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_every_failure_message_has_a_mistake_and_every_question_an_alternative(master, private_tests):
    tests_dir = private_tests / master.stem / "tests"
    results = graded(tests_dir, cases_module(master))
    cases = all_test_cases(tests_dir)
    autograded = sorted(q["name"] for q in mc.problem_set_questions(master) if not q["manual"])
    assert sorted(cases) == autograded
    for question, test_cases in cases.items():
        assert all(message for message in test_cases.values()), f"{question}: a test case without a failure message"
        rejected = {
            name
            for r in results
            if r["question"] == question and r["kind"] == "mistake"
            for name in r["expected"]
            if name in r["failed"]
        }
        assert rejected == set(test_cases), (
            f"{master.stem} {question}: no named mistake fails {sorted(set(test_cases) - rejected)}"
        )
        accepted = [
            r["label"] for r in results if r["question"] == question and r["kind"] == "alternative" and not r["failed"]
        ]
        assert len(accepted) >= 2, f"{master.stem} {question}: fewer than two correct answers pass ({accepted})"
