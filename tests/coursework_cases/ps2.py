"""Problem set 2: wrong answers that make the mistakes its failure messages name, and correct
alternatives (another algorithm, another tie-breaking, other rounding), for grade_cases.py."""

from __future__ import annotations

import itertools
import math

import numpy as np
import scipy.optimize
from grade_cases import Case

from lthbook import subset_sum

# --------------------------------------------------------------------------- q1: the least n


def least_n(k, eps, *, empty=True, cover=2.0):
    n = 1
    while (sum(math.comb(n, j) for j in range(0 if empty else 1, k + 1)) * cover * eps) < 2:
        n += 1
    return n


def least_n_by_bisection(k=3, eps=0.0077):
    """Alternative: bisection on the count, in exact integers (1/eps = 10000/77)."""
    low, high = 0, 1
    while sum(math.comb(high, j) for j in range(k + 1)) * 77 < 10000:
        high *= 2
    while high - low > 1:
        middle = (low + high) // 2
        if sum(math.comb(middle, j) for j in range(k + 1)) * 77 >= 10000:
            high = middle
        else:
            low = middle
    return high


# --------------------------------------------------------------------------- q3: the worst target


def sorted_sums(x):
    sums = np.zeros(1)
    for coefficient in np.asarray(x, dtype=np.float64):
        sums = np.concatenate([sums, sums + coefficient])
    return np.sort(sums)


def nearest_error(sums, z):
    above = min(int(np.searchsorted(sums, z)), len(sums) - 1)
    below = max(above - 1, 0)
    return min(abs(z - sums[below]), abs(z - sums[above]))


def worst_target_loop(x, lo=-1.0, hi=1.0):
    """Alternative: a Python loop over the gaps, sums by itertools, ties broken towards the last."""
    sums = sorted(math.fsum(c) for r in range(len(x) + 1) for c in itertools.combinations(map(float, x), r))
    sums = np.array(sums)
    best_error, best_z = -1.0, lo
    candidates = [lo, hi] + [(a + b) / 2 for a, b in zip(sums[:-1], sums[1:]) if lo <= (a + b) / 2 <= hi]
    for z in candidates:
        error = float(nearest_error(sums, z))
        if error >= best_error:  # ties: the last candidate wins
            best_error, best_z = error, float(z)
    return best_error, best_z


def worst_target_vectorised(x, lo=-1.0, hi=1.0):
    """The model answer: all candidates at once, ties towards the first (np.argmax)."""
    sums = sorted_sums(x)
    half_gaps = (sums[1:] - sums[:-1]) / 2
    midpoints = sums[:-1] + half_gaps
    candidates = np.concatenate([[lo, hi], midpoints[(midpoints >= lo) & (midpoints <= hi)]])
    above = np.searchsorted(sums, candidates).clip(max=len(sums) - 1)
    below = (above - 1).clip(min=0)
    errors = np.minimum(np.abs(candidates - sums[below]), np.abs(candidates - sums[above]))
    best = int(np.argmax(errors))
    return float(errors[best]), float(candidates[best])


def worst_target_ends_only(x, lo=-1.0, hi=1.0):
    """Mistake: only the two ends of the interval."""
    sums = sorted_sums(x)
    return max((float(nearest_error(sums, z)), float(z)) for z in (lo, hi))


def worst_target_midpoints_only(x, lo=-1.0, hi=1.0):
    """Mistake: only the midpoints of the gaps inside the interval (the ends forgotten)."""
    sums = sorted_sums(x)
    midpoints = [(a + b) / 2 for a, b in zip(sums[:-1], sums[1:]) if lo <= (a + b) / 2 <= hi]
    if not midpoints:
        return 0.0, float(lo)
    return max((float(nearest_error(sums, z)), float(z)) for z in midpoints)


def worst_target_sums_inside_only(x, lo=-1.0, hi=1.0):
    """Mistake: only the sums inside [lo, hi] count as approximations."""
    all_sums = sorted_sums(x)
    sums = all_sums[(all_sums >= lo) & (all_sums <= hi)]
    if len(sums) == 0:
        sums = all_sums
    candidates = [lo, hi] + [(a + b) / 2 for a, b in zip(sums[:-1], sums[1:])]
    return max((float(nearest_error(sums, z)), float(z)) for z in candidates)


def worst_target_calls_library(x, lo=-1.0, hi=1.0):
    """Mistake: calls lthbook's solver for the error, which the question forbids."""
    error = subset_sum.worst_case_error(x, lo, hi, device="cpu").item()
    return error, worst_target_loop(x, lo, hi)[1]


# --------------------------------------------------------------------------- q4: meet in the middle


def half_sums(coefficients):
    sums = np.zeros(1)
    for coefficient in coefficients:
        sums = np.concatenate([sums, sums + coefficient])
    return sums


def mitm(x, z, *, sorted_index=False, prefer_above=False, empty_half_bug=False, as_int=False):
    x = np.asarray(x, dtype=np.float64)
    n, half = len(x), len(x) // 2
    if empty_half_bug and half == 0:
        raise IndexError("the first half is empty")
    sums_a, sums_b = half_sums(x[:half]), half_sums(x[half:])
    order = np.argsort(sums_b, kind="stable")
    sorted_b = sums_b[order]
    wanted = z - sums_a
    above = np.searchsorted(sorted_b, wanted).clip(max=len(sorted_b) - 1)
    below = (above - 1).clip(min=0)
    gap_below, gap_above = np.abs(wanted - sorted_b[below]), np.abs(wanted - sorted_b[above])
    if prefer_above:
        partner = np.where(gap_above <= gap_below, above, below)
    else:
        partner = np.where(gap_below <= gap_above, below, above)
    index_a = int(np.argmin(np.minimum(gap_below, gap_above)))
    index_b = int(partner[index_a]) if sorted_index else int(order[partner[index_a]])
    mask = np.concatenate([(index_a >> np.arange(half)) & 1, (index_b >> np.arange(n - half)) & 1])
    mask = mask if as_int else mask.astype(bool)
    return float(abs(z - x[mask.astype(bool)].sum())), mask


def mitm_sorted_a(x, z):
    """Alternative: sort the A sums instead and search them, ties towards the larger sum."""
    x = np.asarray(x, dtype=np.float64)
    n, half = len(x), len(x) // 2
    sums_a, sums_b = half_sums(x[:half]), half_sums(x[half:])
    order = np.argsort(sums_a)
    sorted_a = sums_a[order]
    best = (math.inf, 0, 0)
    wanted = z - sums_b
    above = np.searchsorted(sorted_a, wanted).clip(max=len(sorted_a) - 1)
    below = (above - 1).clip(min=0)
    for candidate in (above, below):
        gaps = np.abs(wanted - sorted_a[candidate])
        j = int(np.argmin(gaps))
        if gaps[j] < best[0]:
            best = (gaps[j], int(order[candidate[j]]), j)
    _, index_a, index_b = best
    mask = np.concatenate([(index_a >> np.arange(half)) & 1, (index_b >> np.arange(n - half)) & 1]).astype(bool)
    return float(abs(z - x[mask].sum())), mask


def mitm_or_python_brute_force(x, z):
    """Mistake: vectorised brute force up to n = 20, a Python loop over all 2^n subsets beyond."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n <= 20:
        masks = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
        errors = np.abs(z - masks.astype(np.float64) @ x)
        best = int(np.argmin(errors))
        return float(errors[best]), masks[best]
    best_error, best_mask = math.inf, None
    for bits in itertools.product((False, True), repeat=n):  # 2^36 iterations: never ends
        error = abs(z - sum(c for c, keep in zip(x, bits) if keep))
        if error < best_error:
            best_error, best_mask = error, np.array(bits)
    return float(best_error), best_mask


def mitm_calls_solver(x, z):
    """Mistake: calls lthbook's solver, which the question forbids."""
    solution = subset_sum.solve(np.asarray(x), z, device="cpu")
    mask = solution.mask[0].cpu().numpy().astype(bool)
    return float(abs(z - np.asarray(x)[mask].sum())), mask


NUMERICAL = scipy.optimize.minimize_scalar(lambda c: c * math.log(c), bounds=(1e-9, 1), method="bounded")

CASES = [
    # q1
    Case("q1", "the least n, by the loop of the model answer", {"q1_answer": least_n(3, 0.0077)}),
    Case("q1", "bisection in exact integers", {"q1_answer": least_n_by_bisection()}),
    Case("q1", "forgets the empty subset", {"q1_answer": least_n(3, 0.0077, empty=False)}, {"test_q1_value"}),
    Case("q1", "off by one (n - 1)", {"q1_answer": least_n(3, 0.0077) - 1}, {"test_q1_value"}),
    Case(
        "q1",
        "off by one (n + 1, from count * 2 eps > 2 read as 'first n past it')",
        {"q1_answer": least_n(3, 0.0077) + 1},
        {"test_q1_value"},
    ),
    Case("q1", "each sum covers eps instead of 2 eps", {"q1_answer": least_n(3, 0.0077, cover=1.0)}, {"test_q1_value"}),
    Case("q1", "a float instead of an int", {"q1_answer": float(least_n(3, 0.0077))}, {"test_q1_type"}),
    # q2
    Case("q2", "closed form", {"q2_c": 1 / math.e, "q2_weight": 1 / math.e}),
    Case(
        "q2",
        "numerical maximisation (float rounding)",
        {"q2_c": float(NUMERICAL.x), "q2_weight": float(-NUMERICAL.fun)},
    ),
    Case(
        "q2",
        "the chapter's c = 1/2 instead of the maximiser",
        {"q2_c": 0.5, "q2_weight": math.log(2) / 2},
        {"test_q2_c", "test_q2_weight"},
    ),
    Case(
        "q2",
        "density w/c instead of w/(2c): weight halved",
        {"q2_c": 1 / math.e, "q2_weight": 1 / (2 * math.e)},
        {"test_q2_weight"},
    ),
    Case(
        "q2",
        "NumPy 0-d arrays instead of floats",
        {"q2_c": np.array(1 / math.e), "q2_weight": np.array(1 / math.e)},
        {"test_q2_type"},
    ),
    # q3
    Case("q3", "the model answer (vectorised, ties towards the first)", {"worst_target": worst_target_vectorised}),
    Case("q3", "Python loop, sums by fsum, ties towards the last candidate", {"worst_target": worst_target_loop}),
    Case(
        "q3",
        "only the ends of the interval",
        {"worst_target": worst_target_ends_only},
        {"test_q3_fixed", "test_q3_random", "test_q3_intervals"},
    ),
    Case(
        "q3",
        "only the midpoints of gaps (the ends forgotten)",
        {"worst_target": worst_target_midpoints_only},
        {"test_q3_fixed", "test_q3_random", "test_q3_intervals"},
    ),
    Case(
        "q3",
        "only the sums inside [lo, hi] count",
        {"worst_target": worst_target_sums_inside_only},
        {"test_q3_random", "test_q3_intervals"},
    ),
    Case("q3", "calls lthbook's solvers", {"worst_target": worst_target_calls_library}, {"test_q3_random"}),
    # q4
    Case("q4", "the model answer's meet in the middle", {"meet_in_the_middle": mitm}),
    Case("q4", "ties broken towards the sum above", {"meet_in_the_middle": lambda x, z: mitm(x, z, prefer_above=True)}),
    Case("q4", "searches the sorted A sums instead", {"meet_in_the_middle": mitm_sorted_a}),
    Case(
        "q4",
        "the mask of the B half from the sorted index",
        {"meet_in_the_middle": lambda x, z: mitm(x, z, sorted_index=True)},
        {"test_q4_fixed", "test_q4_random", "test_q4_large"},
    ),
    Case(
        "q4",
        "fails on an empty first half (n = 1)",
        {"meet_in_the_middle": lambda x, z: mitm(x, z, empty_half_bug=True)},
        {"test_q4_random"},
    ),
    Case(
        "q4",
        "an int mask instead of a bool one",
        {"meet_in_the_middle": lambda x, z: mitm(x, z, as_int=True)},
        {"test_q4_fixed", "test_q4_random", "test_q4_large"},
    ),
    Case(
        "q4",
        "brute force over all 2^n subsets (hangs at n = 36)",
        {"meet_in_the_middle": mitm_or_python_brute_force},
        {"test_q4_large"},
    ),
    Case("q4", "calls lthbook's solver", {"meet_in_the_middle": mitm_calls_solver}, {"test_q4_random"}),
]
