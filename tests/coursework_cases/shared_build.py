"""The problem sets assigned once per test session, shared by the coursework test files.

``otter assign`` on the four masters takes several seconds; ``test_coursework.py``,
``test_problem_set_mistakes.py`` and ``test_colab_grading.py`` all need its output (student halves
and private halves), so the first to ask builds it under pytest's session folder and the others
reuse it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_coursework as mc  # noqa: E402


def built_problem_sets(tmp_path_factory) -> Path:
    """A folder with ``assignments/psN_*`` and ``private/psN_*``, assigned from the masters (no test run)."""
    out = tmp_path_factory.getbasetemp() / "problem_sets_built_once"
    if not (out / "complete").exists():
        mc.build_problem_sets(out / "assignments", out / "private", run_tests=False)
        (out / "complete").write_text("")
    return out
