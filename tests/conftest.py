"""Shared fixtures and the test markers.

Fixtures
--------
``cpu``          ``torch.device("cpu")``.
``rng``          a CPU ``torch.Generator`` seeded with ``SEED``, new for each test.
``make_rng``     ``make_rng(seed)``: a new CPU generator seeded with ``seed``.
``cuda_device``  ``torch.device("cuda")``; a test that takes it is marked ``cuda`` (so skipped
                 without a GPU, and selected by ``-m cuda``).

Markers (declared in pyproject.toml)
------------------------------------
``cuda``       needs a CUDA GPU: skipped when ``torch.cuda.is_available()`` is false.
``slow``       builds a wheel or a virtual environment, or assigns and grades the problem sets with
               otter: minutes, not seconds.
``notebooks``  executes notebooks in a Jupyter kernel: the student and problem-set notebooks, and
               nbval's chapters when tests/ is collected in the same run (scripts/run_tests.sh);
               every such test is also ``slow``.
``browser``    drives Chromium against the built HTML (everything under ``tests/browser/``).

The markers are applied here, by path and by name, so that the test files need not carry them:
``pytest -m "not slow and not browser"`` is the inner loop (README, CONTRIBUTING). A name below that
no longer names a collected test fails the run (see ``pytest_collection_modifyitems``), so a renamed
slow test cannot drift into the inner loop unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch

SEED = 0
TESTS = Path(__file__).resolve().parent

# Whole files, by name relative to tests/: every test in them gets these markers.
FILE_MARKERS: dict[str, tuple[str, ...]] = {
    # otter assigns the four problem sets, then grades every named mistake in a subprocess
    "test_problem_set_mistakes.py": ("slow",),
    # executes each problem-set notebook in a kernel, as Colab would
    "test_colab_grading.py": ("slow", "notebooks"),
}
# Single tests, as "file::function" (every parametrisation of the function).
TEST_MARKERS: dict[str, tuple[str, ...]] = {
    # builds the wheel, a fresh virtual environment, installs the stack, executes a notebook
    "test_coursework.py::test_filled_student_notebook_passes_in_a_fresh_environment_from_the_wheel_alone": (
        "slow",
        "notebooks",
    ),
    # executes every student notebook top to bottom
    "test_coursework.py::test_unfilled_student_notebook_runs_and_every_self_check_says_not_yet": ("notebooks",),
}
# Fixtures whose set-up is an otter build of the problem sets: a test that uses one is slow.
SLOW_FIXTURES = frozenset({"built", "private_tests", "reference_notebooks"})


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def cpu() -> torch.device:
    """The CPU device, for tests that pin the device explicitly."""
    return torch.device("cpu")


@pytest.fixture
def make_rng() -> Callable[[int], torch.Generator]:
    """A factory of seeded CPU generators: ``make_rng(seed)``, a new generator on each call."""

    def make(seed: int = SEED) -> torch.Generator:
        return torch.Generator(device="cpu").manual_seed(seed)

    return make


@pytest.fixture
def rng(make_rng: Callable[[int], torch.Generator]) -> torch.Generator:
    """A CPU generator seeded with ``SEED``, fresh for each test (tests do not share a stream)."""
    return make_rng(SEED)


@pytest.fixture
def cuda_device() -> torch.device:
    """The CUDA device; tests taking this fixture are marked ``cuda`` and skipped without a GPU."""
    return torch.device("cuda")


# --------------------------------------------------------------------------- markers


def _relative(item: pytest.Item) -> str | None:
    """The item's file relative to tests/ (``None`` outside tests/, e.g. a chapter under nbval)."""
    path = Path(str(item.path)).resolve()
    return path.relative_to(TESTS).as_posix() if path.is_relative_to(TESTS) else None


def _function_name(item: pytest.Item) -> str:
    return getattr(item, "originalname", None) or item.name.split("[", 1)[0]


def markers_for(item: pytest.Item) -> set[str]:
    """The markers this file adds to ``item``."""
    names: set[str] = set()
    relative = _relative(item)
    if relative is None:
        if item.path.suffix == ".ipynb":  # nbval executes the chapter
            names |= {"notebooks"}
    else:
        if relative.startswith("browser/"):
            names.add("browser")
        names |= set(FILE_MARKERS.get(relative, ()))
        names |= set(TEST_MARKERS.get(f"{relative}::{_function_name(item)}", ()))
    if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
        names.add("slow")
    if "cuda_device" in getattr(item, "fixturenames", ()):
        names.add("cuda")
    if "notebooks" in names:
        names.add("slow")
    return names


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Apply the markers, and fail on a stale name in ``TEST_MARKERS``."""
    seen: set[str] = set()
    collected_files: set[str] = set()
    for item in items:
        relative = _relative(item)
        if relative is not None:
            collected_files.add(relative)
            seen.add(f"{relative}::{_function_name(item)}")
        for name in sorted(markers_for(item) - {m.name for m in item.iter_markers()}):
            item.add_marker(name)
    # a stale entry is only detectable when its file was collected whole
    stale = [key for key in TEST_MARKERS if key.split("::")[0] in collected_files and key not in seen]
    if stale and not any("::" in str(arg) for arg in config.args):
        raise pytest.UsageError(f"tests/conftest.py marks tests that do not exist (renamed?): {stale}")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under tests/, collect test modules only. ``--doctest-modules`` (pyproject) is for lthbook's
    ``Examples:``; the helpers here (conftests, coursework cases, the browser harness) import their
    siblings through a sys.path entry and are not modules of their own."""
    path = Path(collection_path)
    if path.suffix == ".py" and path.resolve().is_relative_to(TESTS) and not path.name.startswith("test_"):
        return True
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("cuda") is not None and not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU (marker cuda)")
