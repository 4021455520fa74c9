"""The problem sets' Colab path, end to end and without the network.

Each problem set runs in a kernel whose working folder holds only ``tests/`` (the public tests, as
the set-up cell's download leaves them) and not the notebook itself (in Colab the notebook is opened
from GitHub or from a Drive copy, never a file of the working directory), with a fake
``google.colab`` module importable. The set-up cell runs exactly as generated: its Colab branch is
taken, its two ``pip install`` calls are recorded instead of run (the kernel already has both
packages), and it must not download the tests again (they are there). otter's own Colab detection
is switched on too, so that ``otter.Notebook()`` runs its Colab branch. Then:

- the notebook with the reference answers passes every ``grader.check``;
- the notebook as handed out (every answer ``...``) fails every question's check, and nothing
  crashes: no cell raises;
- the set-up cell as it was before issue 12, ``otter.Notebook("psN.ipynb")``, fails there with
  ``FileNotFoundError``, which is why the grader is built without the path;
- in a local Jupyter (the handed-out folder, no ``google.colab``) the same cell installs and
  fetches nothing, and ``otter.Notebook()`` finds the notebook beside ``tests/`` by itself.

What this cannot reach: the download of the tests from the release tag's archive (its unpacking is
run against a local archive in ``test_coursework.py``), pip itself, and Google Drive copies.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_coursework as mc  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "coursework_cases"))
import shared_build  # noqa: E402

MASTERS = mc.problem_set_masters()

# The stand-ins for Colab and for the network, run before the set-up cell. Nothing else changes.
HARNESS = """\
import subprocess, urllib.request
import otter.check.utils
COLAB_CALLS = {"pip": [], "urlopen": []}
_run = subprocess.run
def _fake_run(command, *args, **kwargs):
    if list(command[1:4]) == ["-m", "pip", "install"]:
        COLAB_CALLS["pip"].append(list(command[4:]))
        return subprocess.CompletedProcess(command, 0)
    return _run(command, *args, **kwargs)
def _no_network(*args, **kwargs):
    COLAB_CALLS["urlopen"].append(args)
    raise OSError("no network in this test")
subprocess.run = _fake_run
urllib.request.urlopen = _no_network
# otter recognises Colab by the name of the IPython shell; make it recognise this kernel's.
otter.check.utils.IPythonInterpreter.COLAB.value.check_strs.append(type(get_ipython()).__module__)
"""
REPORT = """\
import json
print("COLAB-REPORT " + json.dumps({"calls": COLAB_CALLS, "in_colab": IN_COLAB,
      "otter_interpreter": str(grader.interpreter), "notebook_path": grader._notebook}))
"""


@pytest.fixture(scope="module")
def fake_colab(tmp_path_factory) -> Path:
    """A folder holding a package ``google.colab`` (empty, as importable as Colab's own)."""
    folder = tmp_path_factory.mktemp("fake_colab")
    (folder / "google" / "colab").mkdir(parents=True)
    (folder / "google" / "colab" / "__init__.py").write_text('"""Stands in for Colab\'s module in tests."""\n')
    return folder


@pytest.fixture(scope="module")
def reference_notebooks(tmp_path_factory) -> Path:
    """The reference-solution notebooks (the autograder's), assigned afresh from the masters."""
    return shared_build.built_problem_sets(tmp_path_factory) / "private"


def run_in_colab(
    notebook: dict, master: Path, work: Path, fake_colab: Path, monkeypatch
) -> tuple[nbformat.NotebookNode, dict]:
    """Execute ``notebook`` as Colab would, in ``work`` holding only the public ``tests/``."""
    work.mkdir()
    shutil.copytree(mc.ASSIGNMENTS_DIR / master.stem / "tests", work / "tests")
    monkeypatch.setenv("PYTHONPATH", str(fake_colab))
    monkeypatch.setenv("LTHBOOK_GRADING_TIME_LIMIT", "60")
    nb = nbformat.reads(json.dumps(notebook), as_version=4)  # sources joined, as nbclient wants them
    setup = next(k for k, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(setup, nbformat.v4.new_code_cell(HARNESS))
    nb.cells.insert(setup + 2, nbformat.v4.new_code_cell(REPORT))
    NotebookClient(
        nb, timeout=600, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(work)}}
    ).execute()
    assert sorted(p.name for p in work.iterdir() if not p.name.startswith(".")) == ["tests"], (
        "the notebook is not a file of the working folder, and nothing else was fetched"
    )
    report = next(
        json.loads(line.split(" ", 1)[1])
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.get("name") == "stdout"
        for line in o.text.splitlines()
        if line.startswith("COLAB-REPORT ")
    )
    return nb, report


def errors(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [
        (o.ename, o.evalue) for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]


def check_results(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The printed result of every ``grader.check("qK")`` cell, by question."""
    out = {}
    for cell in nb.cells:
        source = cell.source.strip()
        if cell.cell_type == "code" and source.startswith('grader.check("'):
            question = source.split('"')[1]
            out[question] = "\n".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)
    return out


def assert_colab_setup(report: dict, setup_output: str) -> None:
    assert report["in_colab"] is True
    assert report["otter_interpreter"] == "IPythonInterpreter.COLAB"
    assert report["notebook_path"] is None
    assert report["calls"]["urlopen"] == [], "tests/ was there: the cell must not fetch it again"
    pip = report["calls"]["pip"]
    assert len(pip) == 2 and "--no-deps" in pip[0] and any(a.startswith("lthbook @ git+") for a in pip[0])
    assert pip[1][-1] == mc.otter_requirement()
    # lthbook.setup on a CPU runtime in Colab: no GPU needed (the problem sets say so too).
    assert "A GPU is optional" in setup_output and "switch" not in setup_output


def setup_output(nb: nbformat.NotebookNode) -> str:
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(mc.PROBLEM_SET_SETUP_MARKER))
    return "".join(o.get("text", "") for o in cell.outputs)


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_colab_reference_answers_pass_every_check(master, reference_notebooks, fake_colab, tmp_path, monkeypatch):
    notebook = json.loads((reference_notebooks / master.stem / f"{master.stem}.ipynb").read_text())
    nb, report = run_in_colab(notebook, master, tmp_path / "content", fake_colab, monkeypatch)
    assert errors(nb) == []
    assert_colab_setup(report, setup_output(nb))
    results = check_results(nb)
    autograded = sorted(q["name"] for q in mc.problem_set_questions(master) if not q["manual"])
    assert sorted(results) == autograded
    for question, text in results.items():
        assert f"{question} results: All test cases passed!" in text, (question, text)


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_colab_unfilled_notebook_fails_every_check_without_crashing(master, fake_colab, tmp_path, monkeypatch):
    notebook = json.loads((mc.ASSIGNMENTS_DIR / master.stem / f"{master.stem}.ipynb").read_text())
    nb, report = run_in_colab(notebook, master, tmp_path / "content", fake_colab, monkeypatch)
    assert errors(nb) == []
    assert_colab_setup(report, setup_output(nb))
    results = check_results(nb)
    assert sorted(results) == sorted(q["name"] for q in mc.problem_set_questions(master) if not q["manual"])
    for question, text in results.items():
        assert "All test cases passed" not in text and "❌" in text, (question, text)


def test_grader_built_with_the_notebook_path_fails_in_colab(fake_colab, tmp_path, monkeypatch):
    """The set-up before issue 12: otter.Notebook("ps2_subset_sum.ipynb") reads a file Colab lacks."""
    master = MASTERS[0]
    notebook = json.loads((mc.ASSIGNMENTS_DIR / master.stem / f"{master.stem}.ipynb").read_text())
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    source = mc._source(cell)
    assert "grader = otter.Notebook()" in source
    cell["source"] = source.replace("grader = otter.Notebook()", f'grader = otter.Notebook("{master.stem}.ipynb")')
    notebook["cells"] = notebook["cells"][: notebook["cells"].index(cell) + 1]
    node = nbformat.reads(json.dumps(notebook), as_version=4)
    node.cells.insert(0, nbformat.v4.new_code_cell(HARNESS))
    work = tmp_path / "content"
    work.mkdir()
    shutil.copytree(mc.ASSIGNMENTS_DIR / master.stem / "tests", work / "tests")
    monkeypatch.setenv("PYTHONPATH", str(fake_colab))
    NotebookClient(
        node, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(work)}}
    ).execute()
    assert [name for name, _ in errors(node)] == ["FileNotFoundError"]
    with pytest.raises(mc.CourseworkError, match="without the notebook's path"):
        mc.problem_set_setup_source(
            master.stem, f'# Set-up (problem set).\nimport otter\ngrader = otter.Notebook("{master.stem}.ipynb")\n'
        )


def test_local_jupyter_setup_only_imports_and_the_grader_finds_the_notebook(reference_notebooks, tmp_path):
    """Outside Colab (a handed-out folder: the notebook beside its tests/), the same set-up cell
    installs and downloads nothing, otter.Notebook() finds the notebook by itself, and the
    reference answers pass every check."""
    master = MASTERS[0]
    work = tmp_path / master.stem
    shutil.copytree(mc.ASSIGNMENTS_DIR / master.stem, work)
    notebook_text = (reference_notebooks / master.stem / f"{master.stem}.ipynb").read_text()
    nb = nbformat.reads(notebook_text, as_version=4)
    setup = next(k for k, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(setup, nbformat.v4.new_code_cell(HARNESS.split("# otter recognises")[0]))
    nb.cells.insert(setup + 2, nbformat.v4.new_code_cell(REPORT))
    NotebookClient(
        nb, timeout=600, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(work)}}
    ).execute()
    assert errors(nb) == []
    report = next(
        json.loads(line.split(" ", 1)[1])
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.get("name") == "stdout"
        for line in o.text.splitlines()
        if line.startswith("COLAB-REPORT ")
    )
    assert report["in_colab"] is False and report["calls"] == {"pip": [], "urlopen": []}
    assert report["otter_interpreter"] == "None" and report["notebook_path"] == f"{master.stem}.ipynb"
    results = check_results(nb)
    assert results and all(f"{q} results: All test cases passed!" in text for q, text in results.items())
