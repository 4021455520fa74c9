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
               otter (minutes), or computes for seconds (``HEAVY``: measurements, training runs).
``notebooks``  executes notebooks in a Jupyter kernel: the student and problem-set notebooks, and
               nbval's chapters when tests/ is collected in the same run (scripts/run_tests.sh);
               every such test is also ``slow``.
``browser``    drives Chromium against the built HTML (everything under ``tests/browser/``).

The markers are applied here, by path and by name, so that the test files need not carry them:
``pytest -m "not slow and not browser"`` is the inner loop (README, CONTRIBUTING). A name below that
no longer names a collected test gives a warning (see ``pytest_collection_modifyitems``), and
tests/test_markers.py fails when a wheel, venv, otter, notebook or browser test escapes the markers.
"""

from __future__ import annotations

import warnings
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
# Single tests, as "file::function" (every parametrisation) or "file::function[id]" (one).
TEST_MARKERS: dict[str, tuple[str, ...]] = {
    # builds the wheel, a fresh virtual environment, installs the stack, executes a notebook
    "test_coursework.py::test_filled_student_notebook_passes_in_a_fresh_environment_from_the_wheel_alone": (
        "slow",
        "notebooks",
    ),
    # executes every student notebook top to bottom
    "test_coursework.py::test_unfilled_student_notebook_runs_and_every_self_check_says_not_yet": ("notebooks",),
}
# Unit tests that compute for seconds each (measurements of the constant, training runs, large exact
# solves): `slow` too, so that the inner loop stays under a minute. The full command runs them.
# Chosen from the CPU time of each test on 2026-12-07: about 0.7 s or more each (or together, for
# a parametrised function).
HEAVY: dict[str, tuple[str, ...]] = {
    "test_constant.py": (
        "test_constant_is_the_documented_measurement",
        "test_required_n_fails_at_most_eps2_of_half_blocks",
        "test_a_too_small_constant_is_caught",
    ),
    "test_edge_popup.py": (
        "test_training_run_keeps_topk_masks_at_every_step_and_the_same_scores_as_before",
        "test_dense_reference_trains_all_weights",
        "test_edge_popup_trains_scores_only_and_beats_chance",
        "test_training_is_deterministic_given_the_seed",
        "test_selector_equals_topk_on_random_scores_across_small_moves",
    ),
    "test_subset_sum.py": (
        "test_measured_constant_is_the_supremum_between_grid_points",
        "test_solve_shared_coefficients_matches_brute_force[20-uniform]",
        "test_solve_shared_coefficients_matches_brute_force[20-gaussian]",
        "test_solve_shared_coefficients_matches_brute_force[20-product]",
        "test_measure_constant_against_the_exact_worst_case",
        "test_failure_rate_is_reproducible_across_chunks",
        "test_milp_with_eps_finds_every_feasible_instance",
        "test_solve_matches_brute_force_per_instance[20-uniform]",
        "test_solve_matches_brute_force_per_instance[20-gaussian]",
        "test_solve_matches_brute_force_per_instance[20-product]",
    ),
    "test_experiment2.py": (
        "test_tiny_sweep_runs_records_settings_and_resumes",
        "test_lenet5_convolutions_are_shared_by_every_variant_and_untouched_by_training",
        "test_official_settings_are_recorded",
    ),
    "test_failure_experiment.py": (
        "test_the_measured_constant_passes_its_own_check",
        "test_verdict_flips_when_the_constant_is_too_small",
        "test_contradicted_means_the_whole_interval_lies_above_eps",
    ),
    "test_shallow_construction.py": (
        "test_sampled_below_certified_below_eps_at_the_sizing_rule",
        "test_shallow_ticket_reports_success_and_failure",
        "test_the_cap_solves_each_instance_exactly_over_its_balanced_candidates",
        "test_compare_with_theorem_1",
        "test_certificate_bounds_the_error_of_arbitrary_masks",
    ),
    "test_plant_and_seek.py": (
        "test_edge_popup_keeps_s_star_sizes_and_its_training_loss_falls",
        "test_planted_start_without_training_finds_s_star_exactly",
    ),
    "test_checks_ch2.py": ("test_success_threshold_right_answer_and_hints",),
    "test_construction.py": (
        "test_certified_bound_below_eps_and_above_sampled_error",
        "test_positive_inputs_only_still_meets_eps",
    ),
    "test_fixed_size_subset_sum.py": (
        "test_worst_case_matches_a_dense_grid_and_the_unconstrained_function",
        "test_density_tradeoff_shape_monotonicity_and_exact_criterion",
        "test_every_k_matches_brute_force[9-gaussian]",
    ),
    "test_lower_bound.py": ("test_greedy_packing_two_by_two_between_volumetric_bounds",),
    # every figure drawn and measured at the column's and a phone's width
    "test_plotting.py": ("test_figure_is_readable_in_the_column_and_on_a_phone",),
    "test_plotting_ch4_6.py": (
        "test_chapter_4_figures_are_readable",
        "test_chapter_5_figures_are_readable_and_the_slopes_are_least_squares",
        "test_experiment1_sweep_figure_and_small_experiment2_figure",
        "test_experiment2_figure_draws_whatever_the_file_holds",
        "test_experiment2_figure_on_the_committed_file",
    ),
    # each control change redraws the figure
    "test_widgets.py": ("test_changing_a_control_redraws",),
    "test_widgets_ch3.py": ("test_changing_a_control_redraws",),
}
for _file, _names in HEAVY.items():
    for _name in _names:
        TEST_MARKERS.setdefault(f"{_file}::{_name}", ("slow",))
# Fixtures whose set-up is slow: an otter build of the problem sets (built, private_tests,
# reference_notebooks), a network trained on digits (trained in test_experiments.py,
# trained_digits in test_checks_ch6.py), MNIST read and checked (mnist in test_data.py).
SLOW_FIXTURES = frozenset({"built", "private_tests", "reference_notebooks", "trained", "trained_digits", "mnist"})


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
        names |= set(TEST_MARKERS.get(f"{relative}::{item.name}", ()))
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
            seen |= {f"{relative}::{_function_name(item)}", f"{relative}::{item.name}"}
        for name in sorted(markers_for(item) - {m.name for m in item.iter_markers()}):
            item.add_marker(name)
    # a stale entry is only detectable when its file was collected whole
    stale = [key for key in TEST_MARKERS if key.split("::")[0] in collected_files and key not in seen]
    if stale and not any("::" in str(arg) for arg in config.args):
        # a warning, not an error: a renamed test must not stop the suite (tests/test_markers.py
        # fails instead when one of the builds it names escapes the slow marker)
        message = f"tests/conftest.py marks tests that do not exist (renamed?): {stale}"
        warnings.warn(pytest.PytestWarning(message), stacklevel=1)


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
