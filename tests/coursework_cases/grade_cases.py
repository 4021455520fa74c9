"""Grade the wrong and the alternative answers of one problem set with its own otter test files.

Run by ``tests/test_problem_set_mistakes.py`` in a subprocess with a timeout, one per problem set,
so that a case that hangs cannot hang the test suite::

    python tests/coursework_cases/grade_cases.py TESTS_DIR CASES_MODULE

``TESTS_DIR`` holds the problem set's complete otter test files (public and hidden, ``qK.py``, as
``otter assign`` writes them to ``coursework/private/psN_*/tests/``); ``CASES_MODULE`` is one of
``tests/coursework_cases/psN.py``, whose ``CASES`` lists :class:`Case` objects. Every case is
graded the way otter grades a submission (``ExceptionTestFile.run`` on a global environment, each
test case's exception caught and reported), and the script prints one JSON object: for each case,
the names of the test cases that failed and their messages.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Case:
    """One answer to one question, and the test cases it must fail (none for a correct answer).

    Attributes:
        question: the question's name, ``"q1"`` ... (its test file is ``TESTS_DIR/q1.py``).
        label: what the answer does, e.g. "forgets the empty subset".
        env: the names the answer defines (variables, functions), as a notebook would.
        fails: the names of the test cases (``test_q1_value``, ...) that must fail; empty for a
            correct alternative, which must pass every test case.
    """

    question: str
    label: str
    env: dict
    fails: set[str] = field(default_factory=set)

    @property
    def kind(self) -> str:
        return "mistake" if self.fails else "alternative"


def grade(tests_dir: Path, case: Case) -> dict[str, str]:
    """The failed test cases of ``case`` (name -> message), graded as otter grades a notebook."""
    from otter.test_files import ExceptionTestFile

    test_file = ExceptionTestFile.from_file(str(tests_dir / f"{case.question}.py"))
    test_file.run(dict(case.env))
    return {
        test_case_name(result.test_case): result.message for result in test_file.test_case_results if not result.passed
    }


def test_case_name(test_case) -> str:
    """The name of a test case's function in the master (otter itself numbers them "q1 - 2")."""
    return test_case.body.test_func.__name__


def load_cases(module_path: Path) -> list[Case]:
    spec = importlib.util.spec_from_file_location(module_path.stem, module_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_path.stem] = module
    spec.loader.exec_module(module)
    return module.CASES


def main(argv: list[str]) -> int:
    tests_dir, module_path = Path(argv[0]), Path(argv[1])
    out = []
    for case in load_cases(module_path):
        failed = grade(tests_dir, case)
        out.append(
            {
                "question": case.question,
                "label": case.label,
                "kind": case.kind,
                "expected": sorted(case.fails),
                "failed": sorted(failed),
                "messages": failed,
            }
        )
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
