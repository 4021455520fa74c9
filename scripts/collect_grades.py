"""Collect the autograder's results of one problem set into a grade sheet (CSV).

Grading without Docker, ``otter run`` writes one ``results.json`` per submission (see the
instructors' page). This script reads ``RESULTS_DIR/<submission>/results.json`` (one folder per
student) and writes one row per submission: the score of every autograded question, an empty column
for every question graded by hand (named from the master, for you to fill in with its rubric), the
autograded total out of its maximum, and a note. A submission folder without ``results.json``
(its ``otter run`` was stopped by the time limit, or crashed) still gets a row, with empty scores
and a note saying so, so that no student silently drops out of the sheet.

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
    return {
        test["name"]: (float(test["score"]), float(test["max_score"]))
        for test in tests
        if "max_score" in test and test["name"] != "Public Tests"
    }


def grade_sheet(master: Path, results_dir: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The CSV header and one row per submission folder ``results_dir/<submission>/``.

    Raises:
        ValueError: when no folder holds a ``results.json``, or one lacks a question of ``master``.
    """
    questions = make_coursework.problem_set_questions(master)
    auto = [q["name"] for q in questions if not q["manual"]]
    manual = [f"{q['name']} (by hand, of {q['points']:g})" for q in questions if q["manual"]]
    header = ["submission", *auto, *manual, "autograded", "autograded max", "note"]
    maximum = sum(float(q["points"]) for q in questions if not q["manual"])
    rows = []
    for folder in sorted(p for p in results_dir.iterdir() if p.is_dir()):
        results_file = folder / "results.json"
        if not results_file.is_file():
            rows.append(
                {
                    "submission": folder.name,
                    **{name: "" for name in auto},
                    **{column: "" for column in manual},
                    "autograded": "",
                    "autograded max": f"{maximum:g}",
                    "note": "no results.json: stopped by the time limit or crashed; see the instructors' page",
                }
            )
            continue
        scores = question_scores(results_file)
        missing = sorted(set(auto) - set(scores))
        if missing:
            raise ValueError(f"{results_file}: no score for {missing}; was it graded with {master.stem}'s autograder?")
        row = {"submission": results_file.parent.name}
        row.update({name: f"{scores[name][0]:g}" for name in auto})
        row.update({column: "" for column in manual})
        row["autograded"] = f"{sum(scores[name][0] for name in auto):g}"
        row["autograded max"] = f"{maximum:g}"
        row["note"] = ""
        rows.append(row)
    if not any(row["autograded"] for row in rows):
        raise ValueError(f"no <submission>/results.json under {results_dir}")
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
