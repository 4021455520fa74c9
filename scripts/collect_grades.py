"""Collect the autograder's results of one problem set into a grade sheet (CSV).

Grading without Docker, ``otter run`` writes one ``results.json`` per submission (see the
instructors' page). This script reads ``RESULTS_DIR/*/results.json`` (one folder per student) and
writes one row per submission: the score of every autograded question, an empty column for every
question graded by hand (named from the master, for you to fill in with its rubric), and the
autograded total out of its maximum.

Usage::

    python scripts/collect_grades.py coursework/source/ps2_subset_sum.py grades/ps2 > grades/ps2.csv
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_coursework  # noqa: E402


def question_scores(results_file: Path) -> dict[str, tuple[float, float]]:
    """(score, max_score) of each autograded question in one otter ``results.json``."""
    tests = json.loads(results_file.read_text())["tests"]
    return {test["name"]: (float(test["score"]), float(test["max_score"]))
            for test in tests if "max_score" in test and test["name"] != "Public Tests"}


def grade_sheet(master: Path, results_dir: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The CSV header and one row per ``results_dir/<submission>/results.json``."""
    questions = make_coursework.problem_set_questions(master)
    auto = [q["name"] for q in questions if not q["manual"]]
    manual = [f"{q['name']} (by hand, of {q['points']:g})" for q in questions if q["manual"]]
    header = ["submission", *auto, *manual, "autograded", "autograded max"]
    maximum = sum(float(q["points"]) for q in questions if not q["manual"])
    rows = []
    for results_file in sorted(results_dir.glob("*/results.json")):
        scores = question_scores(results_file)
        missing = sorted(set(auto) - set(scores))
        if missing:
            raise ValueError(f"{results_file}: no score for {missing}; was it graded with {master.stem}'s autograder?")
        row = {"submission": results_file.parent.name}
        row.update({name: f"{scores[name][0]:g}" for name in auto})
        row.update({column: "" for column in manual})
        row["autograded"] = f"{sum(scores[name][0] for name in auto):g}"
        row["autograded max"] = f"{maximum:g}"
        rows.append(row)
    if not rows:
        raise ValueError(f"no */results.json under {results_dir}")
    return header, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("master", type=Path, help="the problem set's master, coursework/source/psN_*.py")
    parser.add_argument("results_dir", type=Path, help="one folder per submission, each with otter's results.json")
    args = parser.parse_args(argv)
    header, rows = grade_sheet(args.master, args.results_dir)
    writer = csv.DictWriter(sys.stdout, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
