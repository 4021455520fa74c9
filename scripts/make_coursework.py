"""Generate the coursework from its sources: student notebooks and otter-grader problem sets.

Two products, both generated, never edited by hand:

1. **Student notebooks.** Every ``chapters/NN_*.ipynb`` becomes ``coursework/student/NN_*.ipynb``:
   each exercise's solution is replaced by a stub, outputs are cleared, the self-check call stays.
   A stub keeps, of a solution cell's top-level statements:

   - imports, and ``checks.check_*(...)`` calls, verbatim;
   - functions, as their signature and docstring followed by ``...`` and
     ``raise NotImplementedError`` (a solution function without a docstring is an error);
   - assignments to the answer variables (``answer``, or the cell's ``lthbook.answer`` list) as
     ``name = ...``;
   - assignments of literal constants (the givens, such as ``eps = 1e-3``), and statements that
     define a name listed in the cell's metadata ``lthbook.given``, verbatim.

   Everything else (the work, the printing) is dropped, and so is every function or name listed
   in ``lthbook.drop``, and so is the solution's prose; where the exercise asks for an answer in
   words (explain, why, ...), a Markdown cell is left for it. MyST roles, which Jupyter and Colab
   show raw, are written out ("Lemma (Error propagation)", "(Pensia et al., 2020)").

2. **Problem sets.** Every master ``coursework/source/psN_*.py`` (jupytext percent format, the
   otter-grader assignment format) is converted to a notebook, its set-up cell gets the Colab
   install lines, and ``otter assign`` splits it: the student notebook with the public tests goes
   to ``coursework/assignments/psN_*/`` (committed, handed out), the reference solutions, all tests
   and the autograder zip go to ``coursework/private/psN_*/`` (git-ignored: keep it private).
   The rubrics of the hand-graded questions, read from the masters, are collected in
   ``coursework/private/RUBRICS.md`` (private too; the book's pages never print them).

Usage::

    python scripts/make_coursework.py            # regenerate everything
    python scripts/make_coursework.py --check    # report stale generated files, change nothing
    python scripts/make_coursework.py --students # only the student notebooks (fast)
    python scripts/make_coursework.py --problem-sets  # only the problem sets (with --check too)
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
COURSEWORK = ROOT / "coursework"
STUDENT_DIR = COURSEWORK / "student"
SOURCE_DIR = COURSEWORK / "source"
ASSIGNMENTS_DIR = COURSEWORK / "assignments"
PRIVATE_DIR = COURSEWORK / "private"

sys.path.insert(0, str(ROOT / "scripts"))
import sync_setup_cells  # noqa: E402

STUDENT_LINK_MARKER = "<!-- student-version -->"
PROBLEM_SET_SETUP_MARKER = "# Set-up (problem set)."
GRADER_WITH_PATH = re.compile(r"^\s*\w+\s*=\s*otter\.Notebook\(\s*[^)\s]", re.MULTILINE)
SOLUTION_MARKERS = {"# BEGIN SOLUTION": True, "# END SOLUTION": False}  # otter's raw block cells
EXERCISE_START = re.compile(r"^```\{exercise-start\}\s*\n:label:\s*(\S+)", re.MULTILINE)
SOLUTION_START = re.compile(r"^```\{solution-start\}\s+(\S+)")
SOLUTION_END = re.compile(r"```\{solution-end\}\s*\n```\s*$")
# An exercise statement with one of these words asks for an answer in words as well.
ASKS_IN_WORDS = re.compile(r"\b(explain|why|discuss|interpret|what would|closer to|how does)\b", re.IGNORECASE)
EXERCISE_END = re.compile(r"^```\{exercise-end\}\s*\n```\s*$")


class CourseworkError(ValueError):
    """A chapter or master notebook that the generator cannot turn into coursework."""


# --------------------------------------------------------------------------- links and set-up


def release_tag() -> str:
    """The release tag the coursework is pinned to: ``v`` + ``lthbook.__version__``."""
    return "v" + sync_setup_cells.package_version()


def colab_url(relative_path: str) -> str:
    """The Colab address of a coursework notebook, at the release tag.

    Pinned to the tag, not to a branch, so that a notebook handed out stays the one whose package
    (installed at the same tag) and public tests (fetched from the same tag) it was made with.
    """
    repo = sync_setup_cells.repository_url().split("github.com/", 1)[1]
    return f"https://colab.research.google.com/github/{repo}/blob/{release_tag()}/{relative_path}"


def archive_url() -> str:
    """The repository's source archive at the release tag (installable by pip without git)."""
    return f"{sync_setup_cells.repository_url()}/archive/refs/tags/{release_tag()}.zip"


def student_link_source(chapter: Path) -> str:
    """The markdown cell each chapter shows before its exercises, pointing to its student version."""
    target = f"coursework/student/{chapter.name}"
    return (
        f"{STUDENT_LINK_MARKER}\n"
        "```{tip}\n"
        "To work these exercises without the solutions in view, open the **student version** of "
        f"this chapter in Colab: [{target}]({colab_url(target)}). Its stubs and self-checks are "
        "generated from this page.\n"
        "```"
    )


def otter_requirement() -> str:
    """The pinned otter-grader of ``requirements.txt``, e.g. ``otter-grader==7.0.0``."""
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip().startswith("otter-grader=="):
            return line.strip()
    raise CourseworkError("requirements.txt pins no otter-grader==VERSION")


def problem_set_setup_source(name: str, cell_source: str) -> str:
    """The master's set-up cell with the Colab install lines inserted after its first line.

    In Colab it installs ``lthbook`` without dependencies (Colab's own torch stays), otter-grader,
    and this problem set's public tests (from the repository's archive at the release tag) into
    ``tests/``; elsewhere it only imports. The master's own lines must build the grader as
    ``otter.Notebook()``, without the notebook's path, which otter would read and Colab lacks.
    """
    lines = cell_source.splitlines()
    if not lines or lines[0].strip() != PROBLEM_SET_SETUP_MARKER:
        raise CourseworkError(f"{name}: the first code cell must start with {PROBLEM_SET_SETUP_MARKER!r}")
    if GRADER_WITH_PATH.search(cell_source):
        # otter 7 reads the notebook at that path when the grader is built; in Colab the notebook
        # (opened from GitHub or from a Drive copy) is not a file of the working directory.
        raise CourseworkError(
            f"{name}: build the grader as otter.Notebook(), without the notebook's path "
            "(in Colab that file does not exist and the set-up cell would fail)"
        )
    url, tag = sync_setup_cells.repository_url(), release_tag()
    colab = [
        PROBLEM_SET_SETUP_MARKER + " In Colab it installs the book's package `lthbook` (without",
        "# dependencies: Colab's own torch stays) and the grader otter-grader, and fetches this problem",
        "# set's public tests (only those) into tests/. Elsewhere, install both first (see the",
        "# instructors' page); then this cell only imports.",
        "import io",
        "import pathlib",
        "import subprocess",
        "import sys",
        "import urllib.request",
        "import zipfile",
        "",
        *sync_setup_cells.COLAB_DETECTION,
        "",
        "if IN_COLAB:",
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",',
        f'                    "lthbook @ git+{url}@{tag}"], check=True)',
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "{otter_requirement()}"], check=True)',
        '    if not pathlib.Path("tests").is_dir():',
        f'        archive = zipfile.ZipFile(io.BytesIO(urllib.request.urlopen("{archive_url()}").read()))',
        '        pathlib.Path("tests").mkdir()',
        f'        prefix = "/coursework/assignments/{name}/tests/"',
        "        for member in archive.namelist():",
        '            if prefix in member and member.endswith(".py"):',
        '                target = pathlib.Path("tests") / pathlib.PurePosixPath(member).name',
        "                target.write_bytes(archive.read(member))",
        "",
    ]
    return "\n".join(colab + lines[1:])


# --------------------------------------------------------------------------- stubs


def _names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _names(element)]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return []


def _assigned_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Assign):
        return [name for target in node.targets for name in _names(target)]
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return _names(node.target)
    return []


def _is_literal(node: ast.AST | None) -> bool:
    if node is None:
        return False
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _is_check_call(node: ast.stmt) -> bool:
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    func = node.value.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "checks"
        and func.attr.startswith("check_")
    )


def _segment(source: str, node: ast.AST) -> str:
    lines = source.splitlines()
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1 : node.end_lineno])


def function_stub(source: str, node: ast.FunctionDef) -> str:
    """Signature and docstring of ``node``, then ``...`` and ``raise NotImplementedError``."""
    docstring = ast.get_docstring(node, clean=False)
    if docstring is None:
        raise CourseworkError(f"solution function {node.name!r} has no docstring: a stub needs one (Args/Returns)")
    lines = source.splitlines()
    doc_node = node.body[0]
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    header_and_doc = lines[first - 1 : doc_node.end_lineno]
    indent = " " * doc_node.col_offset
    return "\n".join(header_and_doc + [f"{indent}...  # your code here", f"{indent}raise NotImplementedError"])


def stub_source(source: str, metadata: dict, where: str) -> str:
    """The stub of one solution code cell (rules in the module docstring)."""
    tree = ast.parse(source)
    given = set(metadata.get("given", ()))
    answers = list(metadata.get("answer", ("answer",)))
    drop = set(metadata.get("drop", ()))
    pieces: list[tuple[str, str]] = []  # (kind, text)
    emitted: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            pieces.append(("line", _segment(source, node)))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in drop:
                continue
            if node.name in given:
                pieces.append(("def", _segment(source, node)))
            elif isinstance(node, ast.ClassDef):
                raise CourseworkError(f"{where}: class {node.name} must be listed as given or drop")
            else:
                pieces.append(("def", function_stub(source, node)))
        elif names := _assigned_names(node):
            wanted = [name for name in names if name in answers and name not in emitted]
            if any(name in answers for name in names):
                for name in wanted:
                    pieces.append(("line", f"{name} = ...  # {'your answer' if name == 'answer' else 'yours'}"))
                    emitted.add(name)
            elif set(names) & drop:
                continue
            elif set(names) <= given or (isinstance(node, (ast.Assign, ast.AnnAssign)) and _is_literal(node.value)):
                pieces.append(("line", _segment(source, node)))
        elif _is_check_call(node):
            pieces.append(("line", _segment(source, node)))
    missing = [name for name in metadata.get("answer", ()) if name not in emitted]
    if missing:
        raise CourseworkError(f"{where}: the solution never assigns the answer variable(s) {missing}")
    out: list[str] = []
    previous = "line"
    for kind, text in pieces:
        if kind == "def" or previous == "def":
            out.append("\n")
        out.append(text)
        previous = kind
    body = "\n".join(out).strip("\n").replace("\n\n\n\n", "\n\n\n")
    if "..." in body:
        body = "# Your solution: fill in every `...` (and delete `raise NotImplementedError`), then run.\n" + body
    return body


# --------------------------------------------------------------------------- student notebooks


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _markdown(source: str, metadata: dict | None = None) -> dict:
    return {"cell_type": "markdown", "metadata": metadata or {}, "source": source}


def _code(source: str, metadata: dict | None = None) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": metadata or {}, "outputs": [], "source": source}


def _prose(markdown: str) -> str:
    """A solution's markdown without the directive fences (and their options)."""
    return re.sub(r"```\{solution-(start|end)\}[^\n]*\n(:[^\n]*\n)*```", "", markdown).strip()


ROLE = re.compile(r"\{(prf:ref|ref|numref|doc|cite|cite:t|cite:p)\}`([^`]*)`")
PRF_DIRECTIVE = re.compile(r"```\{prf:(\w+)\}[ \t]*([^\n]*)\n(?::[^\n]*\n)*?:label:\s*(\S+)")


def cross_reference_names() -> dict[str, str]:
    """What a reader of a student notebook sees for each label: "Lemma (Error propagation)", "Exercise 3.1"."""
    names: dict[str, str] = {}
    for chapter in sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb")):
        text = "\n".join(_source(c) for c in json.loads(chapter.read_text())["cells"] if c["cell_type"] == "markdown")
        for kind, title, label in PRF_DIRECTIVE.findall(text):
            names[label] = f"{kind.capitalize()} ({title.strip()})" if title.strip() else kind.capitalize()
        for k, label in enumerate(EXERCISE_START.findall(text), start=1):
            names[label] = f"Exercise {chapter_number(chapter)}.{k}"
    return names


def citation_names() -> dict[str, tuple[str, str]]:
    """Each key of ``references.bib`` as (authors as cited, year): ("Pensia et al.", "2020")."""
    out = {}
    for entry in re.split(r"\n(?=@)", (ROOT / "references.bib").read_text()):
        key = re.match(r"\s*@\w+\{([^,]+),", entry)
        author = re.search(r"author\s*=\s*\{(.+?)\},?\s*\n", entry)
        year = re.search(r"year\s*=\s*\{?(\d{4})", entry)
        if key and author and year:
            surnames = [
                name.split(",")[0].strip().replace("{", "").replace("}", "") for name in author.group(1).split(" and ")
            ]
            who = (
                surnames[0]
                if len(surnames) == 1
                else (" and ".join(surnames) if len(surnames) == 2 else f"{surnames[0]} et al.")
            )
            out[key.group(1).strip()] = (who, year.group(1))
    return out


def plain_roles(text: str, names: dict[str, str], citations: dict[str, tuple[str, str]]) -> str:
    """MyST roles that Jupyter and Colab show raw, written out as plain text."""

    def replace(match: re.Match) -> str:
        role, target = match.groups()
        if role.startswith("cite"):
            keys = [key.strip() for key in target.split(",")]
            cited = [citations.get(key, (key, "")) for key in keys]
            if role == "cite:t":
                return "; ".join(f"{who} ({year})" for who, year in cited)
            return "(" + "; ".join(f"{who}, {year}" for who, year in cited) + ")"
        titled = re.match(r"(.+?)\s*<([^>]+)>$", target)
        if titled:
            return titled.group(1)
        return names.get(target, target)

    return ROLE.sub(replace, text)


def chapter_number(path: Path) -> int:
    return int(path.name[:2])


def student_notebook(chapter: Path) -> dict:
    """The student version of one chapter (as a notebook dict); see the module docstring."""
    nb = json.loads(chapter.read_text())
    number = chapter_number(chapter)
    cells_in = nb["cells"]
    cells: list[dict] = []
    exercise = 0
    statement: list[str] | None = None
    asks_in_words = False
    i = 0
    banner_done = False
    while i < len(cells_in):
        cell = cells_in[i]
        text = _source(cell)
        if cell["cell_type"] == "markdown" and text.startswith(STUDENT_LINK_MARKER):
            i += 1
            continue
        if cell["cell_type"] == "markdown" and (match := EXERCISE_START.match(text)):
            exercise += 1
            cells.append(_markdown(f"### Exercise {number}.{exercise}", {"lthbook": {"exercise": match.group(1)}}))
            statement = []
            i += 1
            continue
        if exercise and statement is not None and cell["cell_type"] == "markdown" and not EXERCISE_END.match(text):
            statement.append(text)
        if cell["cell_type"] == "markdown" and EXERCISE_END.match(text):
            asks_in_words = bool(ASKS_IN_WORDS.search(" ".join(statement or [])))
            statement = None
            i += 1
            continue
        if cell["cell_type"] == "markdown" and (match := SOLUTION_START.match(text)):
            label = match.group(1)
            stubs = []
            part = 0
            while True:
                i += 1
                if i >= len(cells_in):
                    raise CourseworkError(f"{chapter.name}: solution {label} has no solution-end")
                inner = cells_in[i]
                inner_text = _source(inner)
                if inner["cell_type"] == "code":
                    meta = inner.get("metadata", {}).get("lthbook", {})
                    stub = stub_source(inner_text, meta, f"{chapter.name}, {label}")
                    stubs.append(_code(stub, {"lthbook": {"stub_of": label, "part": part}}))
                    part += 1
                if inner["cell_type"] == "markdown" and SOLUTION_END.search(inner_text):
                    break
            if not any("\nchecks.check_" in "\n" + _source(stub) for stub in stubs):
                raise CourseworkError(f"{chapter.name}: solution {label} has no checks.check_*(...) call")
            cells.extend(stubs)
            if asks_in_words:
                cells.append(
                    _markdown(
                        "**In words.** _Replace this line with your answer to the exercise's question in words._",
                        {"lthbook": {"notes_for": label}},
                    )
                )
            i += 1
            continue
        new = copy.deepcopy(cell)
        if new["cell_type"] == "code":
            new["outputs"], new["execution_count"] = [], None
            new["metadata"] = {k: v for k, v in new.get("metadata", {}).items() if k in ("tags",)}
        else:
            new["metadata"] = {}
        new["source"] = text
        cells.append(new)
        if not banner_done and cell["cell_type"] == "markdown":
            cells.append(
                _markdown(
                    f"> **Student version of chapter {number}.** The exercises at the end have stubs where the "
                    "book has solutions: fill in every `...` (and delete `raise NotImplementedError`), then run "
                    "the self-check under it, which answers ❌ *Not yet* with a hint until your answer is right, "
                    f"and ✅ when it is. Generated from `chapters/{chapter.name}` by `scripts/make_coursework.py`; "
                    "do not edit it by hand.",
                    {"lthbook": {"banner": True}},
                )
            )
            banner_done = True
        i += 1
    if exercise == 0:
        raise CourseworkError(f"{chapter.name} has no exercise")
    names, citations = cross_reference_names(), citation_names()
    for cell in cells:
        if cell["cell_type"] == "markdown":
            cell["source"] = plain_roles(_source(cell), names, citations)
    for k, cell in enumerate(cells):
        cell["id"] = f"{chapter.stem[:40]}-{k:03d}"
    metadata = {key: nb["metadata"][key] for key in ("kernelspec", "language_info", "lthbook") if key in nb["metadata"]}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def solution_cells(chapter_nb: dict) -> dict[str, list[str]]:
    """The chapter's solution code cells, by exercise label, in order."""
    out: dict[str, list[str]] = {}
    label = None
    for cell in chapter_nb["cells"]:
        text = _source(cell)
        if cell["cell_type"] == "markdown" and (match := SOLUTION_START.match(text)):
            label = match.group(1)
            out[label] = []
            continue
        if label is not None and cell["cell_type"] == "code":
            out[label].append(text)
        if label is not None and cell["cell_type"] == "markdown" and SOLUTION_END.search(text):
            label = None
    return out


def fill_solutions(student_nb: dict, chapter_nb: dict) -> dict:
    """The student notebook with every stub replaced by the book's reference solution."""
    solutions = solution_cells(chapter_nb)
    filled = copy.deepcopy(student_nb)
    for cell in filled["cells"]:
        stub = cell.get("metadata", {}).get("lthbook", {})
        if "stub_of" in stub:
            cell["source"] = solutions[stub["stub_of"]][stub["part"]]
    return filled


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def refresh_student_links(check: bool) -> list[Path]:
    """Give every chapter, before its first exercise, the cell linking to its student version."""
    stale = []
    for chapter in sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(chapter.read_text())
        want = student_link_source(chapter)
        cells = nb["cells"]
        existing = [
            k
            for k, c in enumerate(cells)
            if c["cell_type"] == "markdown" and _source(c).startswith(STUDENT_LINK_MARKER)
        ]
        first_exercise = next(
            k for k, c in enumerate(cells) if c["cell_type"] == "markdown" and EXERCISE_START.match(_source(c))
        )
        if existing == [first_exercise - 1] and _source(cells[existing[0]]) == want:
            continue
        stale.append(chapter)
        if check:
            continue
        for k in reversed(existing):
            del cells[k]
        first_exercise = next(
            k for k, c in enumerate(cells) if c["cell_type"] == "markdown" and EXERCISE_START.match(_source(c))
        )
        cells.insert(
            first_exercise,
            {
                "cell_type": "markdown",
                "id": f"student-version-{chapter.name[:2]}",
                "metadata": {},
                "source": want.splitlines(keepends=True),
            },
        )
        chapter.write_text(dumps(nb))
    return stale


def build_student_notebooks(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter in sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb")):
        path = out_dir / chapter.name
        path.write_text(dumps(student_notebook(chapter)))
        written.append(path)
    return written


# --------------------------------------------------------------------------- problem sets


def problem_set_masters() -> list[Path]:
    return sorted(SOURCE_DIR.glob("ps[0-9]*_*.py"))


def master_notebook(master: Path) -> dict:
    """The master's notebook (jupytext percent format → ipynb) with the Colab set-up lines."""
    import jupytext
    import nbformat

    nb = jupytext.read(master)
    config = [c for c in nb.cells if c.cell_type == "raw" and c.source.startswith("# ASSIGNMENT CONFIG")]
    if len(config) != 1:
        raise CourseworkError(f"{master.name} needs exactly one raw '# ASSIGNMENT CONFIG' cell")
    if "\nrequirements:" not in config[0].source:
        # What otter's grading image installs, the package at the release tag
        # (otter grade, Gradescope): from the source archive, since those images have no git.
        config[0].source = config[0].source.rstrip("\n") + f'\nrequirements:\n  - "lthbook @ {archive_url()}"\n'
    if "\npython_version:" not in config[0].source:
        config[0].source = config[0].source.rstrip("\n") + '\npython_version: "3.11"\n'  # the book's Python
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code:
        raise CourseworkError(f"{master.name} has no code cell")
    code[0].source = problem_set_setup_source(master.stem, code[0].source)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nbformat.from_dict(nb)


QUESTION_HEADING = re.compile(
    r"\*\*Question (\d+) \((derivation|implementation|interpretation), ([\d.]+) points?\)\.\*\*"
)


def problem_set_questions(master: Path) -> list[dict]:
    """The questions of a master: name, kind, points, whether graded by hand, and its rubric."""
    import yaml

    nb = master_notebook(master)
    questions: list[dict] = []
    inside_solution = False
    for cell in nb.cells:
        if cell.cell_type == "raw":
            text = cell.source.strip()
            if text.startswith("# BEGIN QUESTION"):
                config = yaml.safe_load(text.split("\n", 1)[1])
                questions.append(
                    {
                        "name": config["name"],
                        "points": config.get("points"),
                        "manual": bool(config.get("manual", False)),
                        "kind": None,
                        "rubric": None,
                    }
                )
            inside_solution = SOLUTION_MARKERS.get(text, inside_solution)
            continue
        if not questions or cell.cell_type != "markdown":
            continue
        if questions[-1]["kind"] is None and (match := QUESTION_HEADING.search(cell.source)):
            questions[-1]["kind"], stated = match.group(2), float(match.group(3))
            if questions[-1]["points"] is not None and float(questions[-1]["points"]) != stated:
                raise CourseworkError(
                    f"{master.name}, {questions[-1]['name']}: the statement says {stated} "
                    f"points, the config {questions[-1]['points']}"
                )
        if inside_solution and "**Rubric" in cell.source:
            questions[-1]["rubric"] = cell.source[cell.source.index("**Rubric") :].strip()
    for question in questions:
        if question["kind"] is None:
            raise CourseworkError(f"{master.name}, {question['name']}: no '**Question N (kind, P points).**' heading")
        if question["manual"] and not question["rubric"]:
            raise CourseworkError(f"{master.name}, {question['name']}: a hand-graded question needs a **Rubric")
    return questions


def problem_set_title(master: Path) -> str:
    match = re.search(r"^# # (Problem set \d+: .+)$", master.read_text(), flags=re.MULTILINE)
    if not match:
        raise CourseworkError(f"{master.name} has no '# Problem set N: title' heading")
    return match.group(1)


def _normalise_student_assignment(path: Path) -> None:
    nb = json.loads(path.read_text())
    for k, cell in enumerate(nb["cells"]):
        cell["id"] = f"{path.stem[:40]}-{k:03d}"
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            cell["metadata"].pop("execution", None)
    path.write_text(dumps(nb))


def assign_problem_set(master: Path, student_out: Path, private_out: Path | None, *, run_tests: bool) -> None:
    """Run ``otter assign`` on one master; copy the student half and (optionally) the private half."""
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        notebook = tmp / f"{master.stem}.ipynb"
        nbformat.write(master_notebook(master), notebook)
        command = [sys.executable, "-m", "otter", "assign", notebook.name, "dist"]
        if not run_tests:
            command.append("--no-run-tests")
        result = subprocess.run(command, cwd=tmp, capture_output=True, text=True)
        if result.returncode != 0:
            raise CourseworkError(f"otter assign failed on {master.name}:\n{result.stdout}\n{result.stderr}")
        if student_out.exists():
            shutil.rmtree(student_out)
        shutil.copytree(tmp / "dist" / "student", student_out)
        _normalise_student_assignment(student_out / notebook.name)
        if private_out is not None:
            if private_out.exists():
                shutil.rmtree(private_out)
            shutil.copytree(tmp / "dist" / "autograder", private_out)


def build_problem_sets(assignments_dir: Path, private_dir: Path | None, *, run_tests: bool = True) -> list[Path]:
    written = []
    for master in problem_set_masters():
        student_out = assignments_dir / master.stem
        assign_problem_set(
            master, student_out, None if private_dir is None else private_dir / master.stem, run_tests=run_tests
        )
        written.append(student_out)
    return written


def rubrics_markdown() -> str:
    """Every hand-graded question's rubric, read from the masters, as one Markdown document."""
    parts = [
        "# Rubrics for the free-text answers (instructors only)",
        "",
        "Generated by `python scripts/make_coursework.py` from the masters in `coursework/source/`; "
        "the model answers are in the reference solution notebooks next to this file.",
        "",
    ]
    for master in problem_set_masters():
        for question in problem_set_questions(master):
            if question["manual"]:
                parts += [
                    f"## {master.stem}, {question['name']} ({problem_set_title(master)})",
                    "",
                    question["rubric"],
                    "",
                ]
    return "\n".join(parts)


def write_rubrics(private_dir: Path) -> Path:
    """Write ``RUBRICS.md`` into the private folder and return its path."""
    private_dir.mkdir(parents=True, exist_ok=True)
    path = private_dir / "RUBRICS.md"
    path.write_text(rubrics_markdown(), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- check


def _files(directory: Path) -> dict[str, str]:
    if not directory.exists():
        return {}
    return {
        str(p.relative_to(directory)): p.read_text()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def stale_files(*, students: bool = True, problem_sets: bool = True) -> list[str]:
    """Generated files that differ from what the sources produce now (empty when up to date)."""
    stale = [f"{p.relative_to(ROOT)} (student-version link)" for p in refresh_student_links(check=True)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pairs = []
        if students:
            build_student_notebooks(tmp / "student")
            pairs.append((tmp / "student", STUDENT_DIR))
        if problem_sets:
            build_problem_sets(tmp / "assignments", None, run_tests=False)
            pairs.append((tmp / "assignments", ASSIGNMENTS_DIR))
        for fresh_dir, committed_dir in pairs:
            fresh, committed = _files(fresh_dir), _files(committed_dir)
            for name in sorted(set(fresh) | set(committed)):
                if fresh.get(name) != committed.get(name):
                    stale.append(str((committed_dir / name).relative_to(ROOT)))
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale generated files, change nothing")
    parser.add_argument("--students", action="store_true", help="only the student notebooks")
    parser.add_argument("--problem-sets", action="store_true", help="only the problem sets")
    parser.add_argument("--no-run-tests", action="store_true", help="otter assign without running the tests")
    args = parser.parse_args(argv)
    if args.students and args.problem_sets:
        parser.error("--students and --problem-sets exclude each other (give neither for both)")
    if args.check:
        stale = stale_files(students=False) if args.problem_sets else stale_files(problem_sets=not args.students)
        for name in stale:
            print(f"stale: {name}")
        if stale:
            print("Regenerate with: python scripts/make_coursework.py")
        return 1 if stale else 0
    if not args.problem_sets:
        for chapter in refresh_student_links(check=False):
            print(f"updated the student-version link: {chapter.relative_to(ROOT)}")
        for path in build_student_notebooks(STUDENT_DIR):
            print(f"student notebook: {path.relative_to(ROOT)}")
    if not args.students:
        for path in build_problem_sets(ASSIGNMENTS_DIR, PRIVATE_DIR, run_tests=not args.no_run_tests):
            print(
                f"problem set: {path.relative_to(ROOT)} (students), "
                f"{(PRIVATE_DIR / path.name).relative_to(ROOT)} (private)"
            )
        print(f"rubrics: {write_rubrics(PRIVATE_DIR).relative_to(ROOT)} (private)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
