"""The coursework: student notebooks generated from the chapters, otter-grader problem sets, and a
student notebook run in a fresh environment with nothing but the built wheel."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lthbook import checks

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import collect_grades  # noqa: E402
import make_coursework as mc  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "coursework_cases"))
import shared_build  # noqa: E402
import sync_setup_cells  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
MASTERS = mc.problem_set_masters()
STUB_MARK = "raise NotImplementedError"


def read(path: Path) -> dict:
    return json.loads(path.read_text())


def source(cell: dict) -> str:
    return mc._source(cell)


def stub_cells(student_nb: dict) -> list[dict]:
    return [c for c in student_nb["cells"] if "stub_of" in c.get("metadata", {}).get("lthbook", {})]


def exercise_labels(chapter_nb: dict) -> list[str]:
    return [
        m.group(1)
        for c in chapter_nb["cells"]
        if c["cell_type"] == "markdown" and (m := mc.EXERCISE_START.match(source(c)))
    ]


def functions(code: str) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)}


# --------------------------------------------------------------------------- student notebooks


def test_generated_student_notebooks_are_up_to_date():
    stale = mc.stale_files(problem_sets=False)
    assert stale == [], f"regenerate with `python scripts/make_coursework.py`: {stale}"


def test_there_is_one_student_notebook_per_chapter():
    assert sorted(p.name for p in mc.STUDENT_DIR.glob("*.ipynb")) == [p.name for p in CHAPTERS]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_has_a_stub_with_its_self_check(chapter):
    chapter_nb, student_nb = read(chapter), read(mc.STUDENT_DIR / chapter.name)
    labels = exercise_labels(chapter_nb)
    assert len(labels) >= 3
    stubbed = [c["metadata"]["lthbook"]["stub_of"] for c in stub_cells(student_nb)]
    assert sorted(set(stubbed)) == sorted(labels)
    solutions = mc.solution_cells(chapter_nb)
    for label in labels:
        stub_text = "\n".join(source(c) for c in stub_cells(student_nb) if c["metadata"]["lthbook"]["stub_of"] == label)
        solution_text = "\n".join(solutions[label])
        calls = re.findall(r"^checks\.(check_\w+)\(", solution_text, flags=re.MULTILINE)
        assert calls, f"{label}: the solution calls no self-check"
        assert re.findall(r"^checks\.(check_\w+)\(", stub_text, flags=re.MULTILINE) == calls, label
        assert "..." in stub_text, f"{label}: the stub leaves the student nothing to fill in"


def test_every_self_check_serves_an_exercise():
    used = set()
    for chapter in CHAPTERS:
        for codes in mc.solution_cells(read(chapter)).values():
            used |= set(re.findall(r"checks\.(check_\w+)\(", "\n".join(codes)))
    public = {name for name in checks.__all__ if name.startswith("check_")}
    assert public == used


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_stub_keeps_the_signature_and_docstring_of_its_solution(chapter):
    solutions = mc.solution_cells(read(chapter))
    checked = 0
    for cell in stub_cells(read(mc.STUDENT_DIR / chapter.name)):
        meta = cell["metadata"]["lthbook"]
        solution = functions(solutions[meta["stub_of"]][meta["part"]])
        for name, stub in functions(source(cell)).items():
            assert name in solution, f"{meta['stub_of']}: stub {name} has no solution"
            assert ast.dump(stub.args) == ast.dump(solution[name].args), f"{name}: signature differs"
            assert ast.get_docstring(stub) == ast.get_docstring(solution[name]) is not None
            assert "Args:" in ast.get_docstring(stub) and "Returns:" in ast.get_docstring(stub), name
            body = stub.body[1:]
            assert isinstance(body[0], ast.Expr) and body[0].value.value is Ellipsis, name
            assert isinstance(body[-1], ast.Raise) and ast.unparse(body[-1].exc) == "NotImplementedError", name
            checked += 1
    implementation_exercises = {"01": 2, "02": 1, "03": 2, "04": 1, "05": 0, "06": 1, "07": 0}
    assert checked == implementation_exercises[chapter.name[:2]]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_code_prose_or_output_in_a_student_notebook(chapter):
    chapter_nb, student_nb = read(chapter), read(mc.STUDENT_DIR / chapter.name)
    student_text = "\n".join(source(c) for c in student_nb["cells"])
    student_lines = {line.strip() for c in student_nb["cells"] for line in source(c).splitlines()}
    stub_lines = {line.strip() for c in stub_cells(student_nb) for line in source(c).splitlines()}
    solution_sources = {code for codes in mc.solution_cells(chapter_nb).values() for code in codes}
    elsewhere = {
        line.strip()
        for c in chapter_nb["cells"]
        if c["cell_type"] == "code" and source(c) not in solution_sources
        for line in source(c).splitlines()
    }
    leaked = []
    for codes in mc.solution_cells(chapter_nb).values():
        for line in "\n".join(codes).splitlines():
            line = line.strip()
            if len(line) >= 12 and line not in stub_lines | elsewhere and line in student_lines:
                leaked.append(line)
    assert leaked == []
    inside = False
    for cell in chapter_nb["cells"]:
        text = source(cell)
        if cell["cell_type"] == "markdown" and mc.SOLUTION_START.match(text):
            inside = True
        elif inside and cell["cell_type"] == "markdown":
            for paragraph in mc._prose(text).split("\n\n"):
                assert paragraph[:60] not in student_text or not paragraph.strip()
        if inside and cell["cell_type"] == "markdown" and mc.SOLUTION_END.search(text):
            inside = False
    assert "{solution-start}" not in student_text and "{solution-end}" not in student_text
    for cell in student_nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_student_notebook_has_the_colab_setup_cell_and_a_link_from_its_chapter(chapter):
    student_nb = read(mc.STUDENT_DIR / chapter.name)
    first_code = sync_setup_cells.first_code_cell(student_nb)
    assert source(first_code) == sync_setup_cells.expected_source(read(chapter))
    assert f"@v{sync_setup_cells.package_version()}" in source(first_code)
    url = mc.colab_url(f"coursework/student/{chapter.name}")
    assert f"/blob/v{sync_setup_cells.package_version()}/" in url
    assert any(url in source(c) for c in read(chapter)["cells"] if c["cell_type"] == "markdown")


def test_stub_rules_on_a_made_up_solution():
    solution = "\n".join(
        [
            "import math",
            "eps, delta = 0.01, 0.02",
            "work = math.log(delta)",
            "def helper(x, *, scale=2.0):",
            '    """Twice x.',
            "",
            "    Args:",
            "        x: a number.",
            "    Returns:",
            "        scale * x.",
            '    """',
            "    return scale * x",
            "answer = helper(work)",
            "print(answer)",
            "checks.check_counting_bound(answer, eps=eps)",
        ]
    )
    stub = mc.stub_source(solution, {}, "made up")
    assert "import math" in stub and "eps, delta = 0.01, 0.02" in stub
    assert "work =" not in stub and "print(" not in stub and "return scale * x" not in stub
    assert "def helper(x, *, scale=2.0):" in stub and "raise NotImplementedError" in stub
    assert "answer = ...  # your answer" in stub
    assert stub.rstrip().endswith("checks.check_counting_bound(answer, eps=eps)")
    assert "work = math.log(delta)" in mc.stub_source(solution, {"given": ["work"]}, "made up")
    with pytest.raises(mc.CourseworkError, match="docstring"):
        mc.stub_source("def f(x):\n    return x\nchecks.check_x(f)", {}, "made up")
    with pytest.raises(mc.CourseworkError, match="never assigns"):
        mc.stub_source("checks.check_x(1)", {"answer": ["answer"]}, "made up")


def _execute(nb: dict, cwd: Path, timeout: int = 300) -> nbformat.NotebookNode:
    node = nbformat.from_dict(nb)
    NotebookClient(
        node, timeout=timeout, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return node


def _check_outputs(nb: nbformat.NotebookNode) -> dict[str, list[str]]:
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == [], [(e.ename, e.evalue) for e in errors]
    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        label = cell.metadata.get("lthbook", {}).get("stub_of")
        if label:
            for output in cell.outputs:
                text = output.get("data", {}).get("text/plain", "") if "data" in output else output.get("text", "")
                if "✅" in text or "❌" in text:
                    found.setdefault(label, []).append(text)
    return found


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_unfilled_student_notebook_runs_and_every_self_check_says_not_yet(chapter):
    """Top to bottom with every stub as generated: no error, and each self-check says "not yet"."""
    results = _check_outputs(_execute(read(mc.STUDENT_DIR / chapter.name), mc.STUDENT_DIR))
    assert sorted(results) == sorted(exercise_labels(read(chapter)))
    for label, texts in results.items():
        assert all(text.startswith("❌ Not yet.") for text in texts), (label, texts)


# --------------------------------------------------------------------------- fresh environment


def _pinned(requirement_names: list[str]) -> list[str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = f"{name.strip()}=={version.strip()}"
    return [pins[name] for name in requirement_names]


def test_filled_student_notebook_passes_in_a_fresh_environment_from_the_wheel_alone(tmp_path):
    """A new virtual environment, lthbook from the built wheel only, the notebook outside the repository."""
    wheels, venv, work = tmp_path / "wheels", tmp_path / "venv", tmp_path / "work"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("lthbook-*.whl")
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    stack = _pinned(["torch", "numpy", "scipy", "matplotlib", "ipywidgets", "scikit-learn", "tqdm", "ipykernel"])
    kernel_tools = [
        f"nbclient=={importlib.metadata.version('nbclient')}",
        f"nbformat=={importlib.metadata.version('nbformat')}",
    ]
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *stack, *kernel_tools, str(wheel)],
        check=True,
        env=env,
        cwd=tmp_path,
    )

    chapter = ROOT / "chapters" / "05_lower_bound.ipynb"
    filled = mc.fill_solutions(read(mc.STUDENT_DIR / chapter.name), read(chapter))
    work.mkdir()
    (work / chapter.name).write_text(mc.dumps(filled))
    runner = work / "run.py"
    runner.write_text(
        "\n".join(
            [
                "import json, sys",
                "import lthbook, nbformat",
                "from nbclient import NotebookClient",
                "assert sys.prefix != sys.base_prefix",
                "nb = nbformat.read(sys.argv[1], as_version=4)",
                "NotebookClient(nb, timeout=300, kernel_name='python3', resources={'metadata': {'path': '.'}}).execute()",  # noqa: E501
                "nbformat.write(nb, 'executed.ipynb')",
                "print(json.dumps({'lthbook': lthbook.__file__}))",
            ]
        )
    )
    result = subprocess.run(
        [str(python), str(runner), chapter.name], cwd=work, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    location = json.loads(result.stdout.strip().splitlines()[-1])["lthbook"]
    assert Path(location).is_relative_to(venv) and not Path(location).is_relative_to(ROOT)
    results = _check_outputs(nbformat.read(work / "executed.ipynb", as_version=4))
    assert sorted(results) == sorted(exercise_labels(read(chapter)))
    for label, texts in results.items():
        assert all(text.startswith("✅") for text in texts), (label, texts)


# --------------------------------------------------------------------------- problem sets


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every problem set assigned afresh: student halves and private halves in a temporary folder."""
    return shared_build.built_problem_sets(tmp_path_factory)


def solution_lines(master: Path) -> list[str]:
    """Every non-trivial line of the master's solutions and hidden tests that is not also shown.

    Inside a solution block, a code line is secret when it ends with ``# SOLUTION`` or lies between
    ``# BEGIN SOLUTION`` and ``# END SOLUTION`` (otter's rules); every other line stays visible.
    Markdown in a solution block (the model answer) and the body of a hidden test are secret.
    """
    nb = mc.master_notebook(master)
    secret, shown, inside_solution = [], set(), False
    for cell in nb.cells:
        if cell.cell_type == "raw":
            inside_solution = mc.SOLUTION_MARKERS.get(cell.source.strip(), inside_solution)
            continue
        lines = cell.source.splitlines()
        if inside_solution and cell.cell_type == "markdown":
            secret += lines
        elif inside_solution:
            in_block = False
            for line in lines:
                if re.match(r"\s*# BEGIN SOLUTION", line):
                    in_block = True
                elif line.rstrip().endswith("# END SOLUTION"):
                    in_block = False
                elif in_block or line.rstrip().endswith("# SOLUTION"):
                    secret.append(line.rsplit("# SOLUTION", 1)[0] if not in_block else line)
                else:
                    shown.add(line.strip())
        elif cell.cell_type == "code" and "hidden: true" in cell.source:
            secret += cell.source.split('""" # END TEST CONFIG', 1)[1].splitlines()
        else:
            shown |= {line.strip() for line in lines}
    return [line.strip() for line in secret if len(line.strip()) >= 16 and line.strip() not in shown]


def test_there_is_a_problem_set_for_each_theory_chapter():
    """Chapters 2-5 (the paper's theory) and chapter 7 (beyond the paper); chapter 6 redoes experiments."""
    assert [m.stem[:3] for m in MASTERS] == ["ps2", "ps3", "ps4", "ps5", "ps7"]


def test_problem_sets_are_up_to_date(built):
    fresh, committed = mc._files(built / "assignments"), mc._files(mc.ASSIGNMENTS_DIR)
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"regenerate with `python scripts/make_coursework.py`: {stale}"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_problem_set_mixes_derivation_implementation_and_interpretation(master):
    questions = mc.problem_set_questions(master)
    assert 3 <= len(questions) <= 6
    kinds = {q["kind"] for q in questions}
    assert kinds == {"derivation", "implementation", "interpretation"}
    for q in questions:
        assert q["manual"] == (q["kind"] == "interpretation"), q["name"]
        assert not q["manual"] or q["rubric"].startswith("**Rubric"), q["name"]
    text = master.read_text()
    assert re.search(r"^def \w+\(", text, flags=re.MULTILINE), "an implementation question defines a function"
    assert "mc.problem_set_questions" in (ROOT / "back" / "instructors.md").read_text(), (
        "problem-set table read from the masters"
    )


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_student_assignment_has_public_tests_only_and_no_solution(master):
    student_dir = mc.ASSIGNMENTS_DIR / master.stem
    notebook = "\n".join(source(c) for c in read(student_dir / f"{master.stem}.ipynb")["cells"])
    public_tests = "\n".join(p.read_text() for p in sorted((student_dir / "tests").glob("*.py")))
    assert public_tests and "hidden=True" not in public_tests
    visible = {line.strip() for line in (notebook + "\n" + public_tests).splitlines()}
    leaked = [line for line in solution_lines(master) if line in visible]
    assert leaked == []
    autograded = [q["name"] for q in mc.problem_set_questions(master) if not q.get("manual")]
    assert sorted(p.stem for p in (student_dir / "tests").glob("*.py")) == sorted(autograded)


def test_private_folder_is_git_ignored_and_never_published():
    probe = "coursework/private/ps2_subset_sum/ps2_subset_sum.ipynb"
    ignored = subprocess.run(["git", "check-ignore", "-q", probe], cwd=ROOT)
    assert ignored.returncode == 0, f"{probe} is not git-ignored"
    config = (ROOT / "_config.yml").read_text()
    assert re.search(r"^exclude_patterns:(\n  - .*)*\n  - coursework\n", config, flags=re.MULTILINE)
    html = ROOT / "_build" / "html"
    if html.is_dir():
        assert not (html / "coursework").exists()
        assert not any("BEGIN SOLUTION" in page.read_text(errors="ignore") for page in html.rglob("*.html"))


def test_autograder_installs_the_package_at_the_release_tag(built):
    """Grading images (otter grade, Gradescope) have no git: the package comes from the tag's archive."""
    requirements = (built / "private" / MASTERS[0].stem / "requirements.txt").read_text()
    url, tag = sync_setup_cells.repository_url(), f"v{sync_setup_cells.package_version()}"
    assert requirements.strip() == f"lthbook @ {url}/archive/refs/tags/{tag}.zip"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_colab_setup_fetches_only_the_public_tests(master, tmp_path):
    """Run the Colab branch's test download against a local archive laid out as GitHub's."""
    import io
    import pathlib
    import textwrap
    import zipfile

    source = mc.problem_set_setup_source(master.stem, "# Set-up (problem set).\nimport math\n")
    block = source.split('    if not pathlib.Path("tests").is_dir():\n', 1)[1].split("\n\n")[0]
    url = re.search(r'urlopen\("([^"]+)"\)', block).group(1)
    assert url == mc.archive_url()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (ROOT / "coursework").rglob("*"):
            if path.is_file() and "private" not in path.parts:
                archive.write(path, f"book-{sync_setup_cells.package_version()}/{path.relative_to(ROOT)}")
    code = textwrap.dedent(block).replace(f'urllib.request.urlopen("{url}").read()', "DATA")
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        exec(code, {"DATA": buffer.getvalue(), "io": io, "pathlib": pathlib, "zipfile": zipfile})
    finally:
        os.chdir(cwd)
    assert [p.name for p in tmp_path.iterdir()] == ["tests"]
    fetched = {p.name: p.read_text() for p in (tmp_path / "tests").iterdir()}
    committed = {p.name: p.read_text() for p in (mc.ASSIGNMENTS_DIR / master.stem / "tests").glob("*.py")}
    assert fetched == committed


def otter_run(autograder_dir: Path, notebook: Path, out: Path) -> dict:
    (zip_file,) = autograder_dir.glob("*-autograder_*.zip")
    out.mkdir(parents=True, exist_ok=True)
    work = out / notebook.name
    shutil.copy(notebook, work)
    result = subprocess.run(
        [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(zip_file), "-o", str(out), str(work)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=out,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return collect_grades.question_scores(out / "results.json")


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_reference_solutions_get_full_marks_and_stubs_get_none(master, built, tmp_path):
    private = built / "private" / master.stem
    autograded = sorted(q["name"] for q in mc.problem_set_questions(master) if not q.get("manual"))
    solved = otter_run(private, private / f"{master.stem}.ipynb", tmp_path / "solved")
    assert sorted(solved) == autograded
    assert all(score == maximum > 0 for score, maximum in solved.values()), solved
    stubbed = otter_run(private, mc.ASSIGNMENTS_DIR / master.stem / f"{master.stem}.ipynb", tmp_path / "stubbed")
    assert sorted(stubbed) == autograded
    assert all(score == 0 for score, _ in stubbed.values()), stubbed

    # The grade sheet of the instructors' page, from these two results.json and a submission whose
    # otter run was stopped by the time limit (a folder without results.json): it keeps its row.
    (tmp_path / "timed_out").mkdir()
    header, rows = collect_grades.grade_sheet(master, tmp_path)
    total = sum(float(q["points"]) for q in mc.problem_set_questions(master) if not q["manual"])
    assert [row["submission"] for row in rows] == ["solved", "stubbed", "timed_out"]
    assert float(rows[0]["autograded"]) == total == float(rows[0]["autograded max"])
    assert float(rows[1]["autograded"]) == 0
    assert rows[0]["note"] == rows[1]["note"] == ""
    assert rows[2]["autograded"] == "" and rows[2]["note"].startswith("no results.json: stopped by the time limit")
    by_hand = [column for column in header if "by hand" in column]
    assert len(by_hand) == sum(q["manual"] for q in mc.problem_set_questions(master)) >= 1
    assert all(row[column] == "" for row in rows for column in by_hand)
