"""Problem set 5: wrong answers that make the mistakes its failure messages name, and correct
alternatives (another algorithm, another tie-breaking, other rounding), for grade_cases.py."""

from __future__ import annotations

import math

import numpy as np
from grade_cases import Case

from lthbook import lower_bound

# --------------------------------------------------------------------------- q1, q2: counting


def width_for(m, d=10):
    return -(-m // (2 * d))


FLOAT_SLIP_M = math.ceil(100 * math.log(32) / math.log(2))  # 500.00000000000006 rounds up to 501


def least_m(d, eps):
    return max(0, math.ceil(d * d * math.log2(1 / (2 * eps))))


# --------------------------------------------------------------------------- q3: log2 of a count


def log2_count_lgamma(m, k=None):
    if k is None or k >= m:
        return float(m)
    logs = np.array(
        [math.lgamma(m + 1) - math.lgamma(j + 1) - math.lgamma(m - j + 1) for j in range(k + 1)]
    ) / math.log(2)
    top = logs.max()
    return float(top + np.log2(np.exp2(logs - top).sum()))


def log2_count_exact(m, k=None):
    """Alternative: exact integers (math.comb), log2 of a Python int (no float of the count)."""
    if k is None:
        return float(m)
    return math.log2(sum(math.comb(m, j) for j in range(k + 1)))


def log2_count_floats(m, k=None):
    """Mistake: floats of the counts themselves (overflow beyond about 2^1024)."""
    if k is None:
        return float(m)
    return math.log2(sum(float(math.comb(m, j)) for j in range(k + 1)))


def log2_count_off_by_one(m, k=None):
    """Mistake: the sum stops at k - 1."""
    if k is None:
        return float(m)
    return math.log2(max(1, sum(math.comb(m, j) for j in range(k))))


def log2_count_no_none(m, k=None):
    """Mistake: k = None not handled (range(None + 1) fails)."""
    return math.log2(sum(math.comb(m, j) for j in range(k + 1)))


# --------------------------------------------------------------------------- q4: the scalar cover error


def pairs(u, v, *, relu=True):
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    h = len(u)
    index = np.arange(1 << (2 * h))
    kept = np.unique((index & ((1 << h) - 1)) & (index >> h))  # K: the units with both edges kept
    bits = ((kept[:, None] >> np.arange(h)) & 1).astype(np.float64)
    if not relu:
        return bits @ (v * u), bits @ (v * u)
    return bits @ (v * np.maximum(u, 0.0)), -(bits @ (v * np.maximum(-u, 0.0)))  # a_S, b_S


def envelope_at(a, b, w):
    return np.maximum(np.abs(w[:, None] - a[None, :]), np.abs(w[:, None] - b[None, :])).min(axis=1)


def cover_error(u, v, *, candidates="all", relu=True):
    a, b = pairs(u, v, relu=relu)
    center, radius = (a + b) / 2, np.abs(a - b) / 2
    rise, fall = radius - center, center + radius
    if candidates == "ends":
        w = np.array([-1.0, 1.0])
    elif candidates == "grid":
        w = np.linspace(-1.0, 1.0, 200_001)
    else:
        w = np.concatenate([[-1.0, 1.0], ((fall[:, None] - rise[None, :]) / 2).ravel()])
        w = w[(w >= -1.0) & (w <= 1.0)]
    return float(envelope_at(a, b, w).max())


def cover_error_linear(u, v):
    """Mistake: the ReLU forgotten, so that g_S(x) = x sum_K v_k u_k on both sides."""
    return cover_error(u, v, relu=False)


def cover_error_by_halves(u, v):
    """Alternative: the units with u_k > 0 and those with u_k < 0 choose independently, so E is the
    larger of two one-dimensional worst-case errors, each from its sorted sums (gap midpoints and
    the ends); b_S taken as +g_S(-1), which changes nothing on the symmetric interval [-1, 1]."""
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    worst = 0.0
    for side in (u > 0, u < 0):
        sums = np.zeros(1)
        for c in (v * np.abs(u))[side]:
            sums = np.concatenate([sums, sums + c])
        sums = np.sort(sums)
        for w in [-1.0, 1.0] + [(p + q) / 2 for p, q in zip(sums[:-1], sums[1:]) if -1 <= (p + q) / 2 <= 1]:
            worst = max(worst, float(np.min(np.abs(w - sums))))
    return worst


def cover_error_calls_library(u, v):
    subnetworks = lower_bound.scalar_gadget_subnetworks(u, v, device="cpu")
    return float(lower_bound.best_sup_error_over_targets(subnetworks).error)


CASES = [
    # q1
    Case("q1", "exact integers", {"q1_m": 500, "q1_width": 25}),
    Case("q1", "bit_length of the exact power", {"q1_m": 100 * ((32).bit_length() - 1), "q1_width": width_for(500)}),
    Case(
        "q1",
        "a floating-point logarithm a hair above 500 (m = 501), the width right for it",
        {"q1_m": FLOAT_SLIP_M, "q1_width": width_for(FLOAT_SLIP_M)},
        {"test_q1_m"},
    ),
    Case("q1", "the width from 2dw > m (strict)", {"q1_m": 500, "q1_width": 500 // 20 + 1}, {"test_q1_width"}),
    Case(
        "q1",
        "the width rounded down (below m)",
        {"q1_m": 510, "q1_width": 510 // 20},
        {"test_q1_types", "test_q1_m", "test_q1_width"},
    ),
    Case("q1", "the width rounded up twice (from m + 1)", {"q1_m": 500, "q1_width": width_for(501)}, {"test_q1_width"}),
    Case("q1", "m as a float", {"q1_m": 500.0, "q1_width": 25}, {"test_q1_types"}),
    # q2
    Case(
        "q2",
        "the model answer",
        {"q2_halving": 144, "q2_tenfold": tuple(least_m(12, e / 10) - least_m(12, e) for e in (0.003, 0.004))},
    ),
    Case(
        "q2",
        "exact differences by lower_bound.min_parameters' formula in a loop",
        {
            "q2_halving": least_m(12, 0.0015) - least_m(12, 0.003),
            "q2_tenfold": (least_m(12, 0.0003) - least_m(12, 0.003), least_m(12, 0.0004) - least_m(12, 0.004)),
        },
    ),
    Case(
        "q2",
        "m itself instead of the increment",
        {
            "q2_halving": least_m(12, 0.003),
            "q2_tenfold": (least_m(12, 0.0003) - least_m(12, 0.003), least_m(12, 0.0004) - least_m(12, 0.004)),
        },
        {"test_q2_halving"},
    ),
    Case(
        "q2",
        "one ceiling of d^2 log2(10) for both",
        {"q2_halving": 144, "q2_tenfold": (math.ceil(144 * math.log2(10)),) * 2},
        {"test_q2_tenfold"},
    ),
    Case(
        "q2",
        "a list instead of a tuple",
        {
            "q2_halving": 144,
            "q2_tenfold": [least_m(12, 0.0003) - least_m(12, 0.003), least_m(12, 0.0004) - least_m(12, 0.004)],
        },
        {"test_q2_types"},
    ),
    # q3
    Case("q3", "lgamma and a log-sum-exp", {"log2_subnetwork_count": log2_count_lgamma}),
    Case("q3", "exact integers", {"log2_subnetwork_count": log2_count_exact}),
    Case("q3", "floats of the counts", {"log2_subnetwork_count": log2_count_floats}, {"test_q3_random"}),
    Case(
        "q3",
        "the sum stops at k - 1",
        {"log2_subnetwork_count": log2_count_off_by_one},
        {"test_q3_small", "test_q3_random"},
    ),
    Case(
        "q3", "k = None not handled", {"log2_subnetwork_count": log2_count_no_none}, {"test_q3_small", "test_q3_random"}
    ),
    # q4
    Case("q4", "the model answer (candidates of fact 2)", {"scalar_cover_error": cover_error}),
    Case("q4", "the two halves separately, b_S with the other sign", {"scalar_cover_error": cover_error_by_halves}),
    Case(
        "q4",
        "only w = -1 and w = 1",
        {"scalar_cover_error": lambda u, v: cover_error(u, v, candidates="ends")},
        {"test_q4_fixed", "test_q4_interior"},
    ),
    Case(
        "q4",
        "a grid of 200,001 targets",
        {"scalar_cover_error": lambda u, v: cover_error(u, v, candidates="grid")},
        {"test_q4_interior"},
    ),
    Case(
        "q4",
        "the ReLU forgotten (g_S(x) = x sum_K v_k u_k)",
        {"scalar_cover_error": cover_error_linear},
        {"test_q4_interior", "test_q4_random"},
    ),
    Case(
        "q4",
        "calls lthbook.lower_bound",
        {"scalar_cover_error": cover_error_calls_library},
        {"test_q4_interior", "test_q4_random"},
    ),
]
