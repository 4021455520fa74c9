"""The test architecture of tests/conftest.py: its fixtures, and the markers that keep the inner loop
(``pytest -m "not slow and not browser"``) free of wheel, venv, otter, notebook and browser tests.
The marker tests collect in a subprocess (seconds), so they are slow themselves: the full command
runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent


def test_cpu_is_the_cpu(cpu):
    assert cpu == torch.device("cpu")


def test_rng_is_seeded_and_fresh_for_each_test(rng, make_rng):
    first = torch.rand(4, generator=rng, dtype=torch.float64)
    assert torch.equal(first, torch.rand(4, generator=make_rng(0), dtype=torch.float64))
    assert not torch.equal(first, torch.rand(4, generator=make_rng(1), dtype=torch.float64))
    assert rng.device == torch.device("cpu") and make_rng(5) is not make_rng(5)


def test_the_same_seed_gives_the_same_draws(make_rng, cpu):
    """What the fixtures are for: a package function is reproducible from the fixture's seed."""
    from lthbook.gadgets import sample_weight_gadget

    a = sample_weight_gadget(4, batch=2, generator=make_rng(3), device=cpu)
    b = sample_weight_gadget(4, batch=2, generator=make_rng(3), device=cpu)
    assert torch.equal(a.u, b.u) and torch.equal(a.v, b.v)


@pytest.mark.slow  # collects in a subprocess
def test_a_test_taking_cuda_device_is_marked_cuda(pytester_collect, request):
    """The hook marks by fixture (so ``-m cuda`` selects it; without a GPU it is skipped, not failed)."""
    assert pytester_collect("-m", "cuda", "tests/test_gadgets.py") == ["tests/test_gadgets.py::test_cuda_matches_cpu"]
    assert request.node.get_closest_marker("cuda") is None  # this test does not take cuda_device


@pytest.fixture(scope="module")
def pytester_collect():
    """``pytest --collect-only -q`` in a subprocess, from the repository root: the collected node ids."""

    def collect(*args: str) -> list[str]:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return [line for line in result.stdout.splitlines() if "::" in line]

    return collect


@pytest.fixture(scope="module")
def slow_or_browser(pytester_collect) -> set[str]:
    """The node ids (parametrisation stripped) that the inner loop leaves out."""
    return {item.split("[", 1)[0] for item in pytester_collect("-m", "slow or browser", "tests")}


@pytest.mark.slow  # collects the whole suite in a subprocess
@pytest.mark.parametrize(
    "node",
    [
        # a wheel and a fresh virtual environment
        "tests/test_coursework.py::test_filled_student_notebook_passes_in_a_fresh_environment_from_the_wheel_alone",
        # every student notebook executed
        "tests/test_coursework.py::test_unfilled_student_notebook_runs_and_every_self_check_says_not_yet",
        # otter assign of the problem sets (the `built` fixture)
        "tests/test_coursework.py::test_problem_sets_are_up_to_date",
        # otter grading in a subprocess
        "tests/test_problem_set_mistakes.py::test_named_mistakes_are_rejected_and_correct_alternatives_accepted",
        # problem-set notebooks executed as in Colab
        "tests/test_colab_grading.py::test_colab_reference_answers_pass_every_check",
        # Chromium
        "tests/browser/test_book_html.py::test_no_console_errors",
    ],
)
def test_the_inner_loop_leaves_out(node, slow_or_browser):
    assert node in slow_or_browser


@pytest.mark.slow
def test_the_inner_loop_keeps_the_unit_tests_and_doctests(slow_or_browser):
    assert "tests/test_gadgets.py::test_bad_inputs_raise_naming_the_argument" not in slow_or_browser
    assert not any(node.startswith("lthbook/") for node in slow_or_browser)
