"""Problem set 7: wrong answers that make the mistakes its failure messages name, and correct
alternatives (another algorithm, another tie-breaking, other rounding), for grade_cases.py."""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch
from grade_cases import Case

from lthbook import fixed_size_subset_sum, plant_and_seek, shallow_construction

# --------------------------------------------------------------------------- q1: random weights

Q1_WIDTHS, Q1_N, Q1_RHO = (10, 20, 20, 5), 12, 8


def shallow_weights(widths=Q1_WIDTHS, n=Q1_N, rho=Q1_RHO, *, last_copies=False, later_inputs=None, first=None):
    """The depth l + 1 count; the keywords make the named mistakes."""
    depth = len(widths) - 1
    rows = [rho * widths[i] if (i < depth or last_copies) else widths[i] for i in range(1, depth + 1)]
    first_layer = 2 * n * widths[0] * widths[0] if first is None else first
    inputs = (lambda d: rho * d) if later_inputs is None else later_inputs
    return (
        first_layer
        + rows[0] * 2 * n * widths[0]
        + sum(rows[i - 1] * inputs(widths[i - 1]) for i in range(2, depth + 1))
    )


def theorem_1_weights(widths=Q1_WIDTHS, n=Q1_N, *, block=None):
    block = 2 * n if block is None else block
    return sum(block * widths[i - 1] * (widths[i - 1] + widths[i]) for i in range(1, len(widths)))


def shapes_shallow(widths, n, rho):
    """Alternative: list the (rows, cols) of every matrix, then multiply and add."""
    d = list(widths)
    shapes = [(2 * n * d[0], d[0]), (rho * d[1] if len(d) > 2 else d[1], 2 * n * d[0])]
    for i in range(2, len(d)):
        copies = rho if i < len(d) - 1 else 1
        shapes.append((copies * d[i], rho * d[i - 1]))
    return sum(a * b for a, b in shapes)


def shapes_theorem_1(widths, n):
    return sum(2 * n * a * a + b * 2 * n * a for a, b in zip(widths[:-1], widths[1:]))


def q1_env(shallow=None, theorem=None):
    return {
        "q1_shallow_weights": shallow_weights() if shallow is None else shallow,
        "q1_theorem_1_weights": theorem_1_weights() if theorem is None else theorem,
    }


# --------------------------------------------------------------------------- q2: the amplification

Q2_WIDTHS, Q2_RHO = (4, 8, 8, 2), 6
Q2_EPS, Q2_DELTA, Q2_C = 0.01, 0.05, 2.0


def amplification(widths, rho, *, pi_one=False, last_copies=False, no_two=False):
    """K(rho) and N(rho) as the model answer derives them; the keywords make the named mistakes."""
    depth = len(widths) - 1
    rows = [rho * widths[i] if (i < depth or last_copies) else widths[i] for i in range(1, depth + 1)]
    entries = [(1 if no_two else 2) * rows[0] * widths[0]] + [rows[i - 1] * widths[i - 1] for i in range(2, depth + 1)]
    gains = [1.0 if pi_one else math.sqrt(rows[i - 1] * rho * widths[i - 1]) for i in range(2, depth + 1)]
    return sum(math.sqrt(entries[i]) * math.prod(gains[i:]) for i in range(depth)), sum(entries)


def amplification_by_recursion(widths, rho):
    """Alternative: run the recursion e_i = pi_i e_{i-1} + eta_i with eps' = 1, norms of all-ones
    matrices computed by NumPy (Frobenius)."""
    depth = len(widths) - 1
    rows = [rho * widths[i] if i < depth else widths[i] for i in range(1, depth + 1)]
    e = float(np.linalg.norm(np.ones((rows[0], 2 * widths[0]))))
    for i in range(2, depth + 1):
        e = float(np.linalg.norm(np.ones((rows[i - 1], rho * widths[i - 1])))) * e
        e += float(np.linalg.norm(np.ones((rows[i - 1], widths[i - 1]))))
    return e


def sizing_rho(*, log=math.log2, fixed_k_rho=None, which="min", scale_eps=True, **mistakes):
    rho = 1
    while True:
        K, N = amplification(Q2_WIDTHS, rho, **mistakes)
        if fixed_k_rho is not None:
            K = amplification(Q2_WIDTHS, fixed_k_rho, **mistakes)[0]
        eps_prime = Q2_EPS / (2 * K) if scale_eps else Q2_EPS
        candidates = {"min": min(eps_prime, Q2_DELTA / N), "delta": Q2_DELTA / N}
        needed = max(1, math.ceil(Q2_C * log(2 / candidates[which])))
        if needed <= rho:
            return rho
        rho = needed


def sizing_rho_by_scan():
    """Alternative: try rho = 1, 2, ... until the inequality holds (log2 via math.log(x, 2))."""
    for rho in itertools.count(1):
        K, N = amplification(Q2_WIDTHS, rho)
        if rho >= Q2_C * math.log(2 / min(Q2_EPS / (2 * K), Q2_DELTA / N), 2):
            return rho


def q2_env(K=None, rho=None):
    return {
        "q2_K": float(amplification(Q2_WIDTHS, Q2_RHO)[0]) if K is None else K,
        "q2_rho": sizing_rho() if rho is None else rho,
    }


# --------------------------------------------------------------------------- q3: at most k


def sums_and_sizes(coefficients):
    sums, sizes = np.zeros(1), np.zeros(1, dtype=np.int64)
    for coefficient in coefficients:
        sums, sizes = np.concatenate([sums, sums + coefficient]), np.concatenate([sizes, sizes + 1])
    return sums, sizes


def at_most(
    x,
    z,
    k,
    *,
    sizes="at_most",
    sorted_index=False,
    empty_half_bug=False,
    by_value=False,
    as_int=False,
):
    """The model answer; the keywords make the named mistakes.

    sizes: "at_most" (0..k), "exactly" (k), "no_empty" (1..k), "below" (0..k-1), "any" (no limit).
    """
    x = np.asarray(x, dtype=np.float64)
    n, half = len(x), len(x) // 2
    if empty_half_bug and half == 0:
        raise IndexError("the first half is empty")
    sums_a, sizes_a = sums_and_sizes(x[:half])
    sums_b, sizes_b = sums_and_sizes(x[half:])
    allowed = {
        "at_most": range(0, k + 1),
        "exactly": [k],
        "no_empty": range(1, k + 1),
        "below": range(0, k),
        "any": range(0, n + 1),
    }[sizes]
    groups = {}
    for s in range(n - half + 1):
        members = np.flatnonzero(sizes_b == s)
        order = np.argsort(sums_b[members], kind="stable")
        groups[s] = (order if sorted_index else members[order], sums_b[members][order])
    best_error, best_a, best_b = math.inf, 0, 0
    for i in range(half + 1):
        members_a = np.flatnonzero(sizes_a == i)
        wanted = z - sums_a[members_a]
        for s in range(n - half + 1):
            if i + s not in allowed:
                continue
            members_b, sorted_b = groups[s]
            above = np.searchsorted(sorted_b, wanted).clip(max=len(sorted_b) - 1)
            below = (above - 1).clip(min=0)
            gap_below, gap_above = np.abs(wanted - sorted_b[below]), np.abs(wanted - sorted_b[above])
            partner = np.where(gap_below <= gap_above, below, above)
            gaps = np.minimum(gap_below, gap_above)
            t = int(np.argmin(gaps))
            if gaps[t] < best_error:
                best_error, best_a, best_b = gaps[t], int(members_a[t]), int(members_b[partner[t]])
    if best_error == math.inf:
        raise ValueError("no subset of an allowed size")
    mask = np.concatenate([(best_a >> np.arange(half)) & 1, (best_b >> np.arange(n - half)) & 1]).astype(bool)
    if by_value:  # keeps every coefficient equal to a chosen one
        mask = np.isin(x, x[mask])
    if as_int:
        return float(abs(z - x[mask.astype(bool)].sum())), mask.astype(np.int64)
    return float(abs(z - x[mask].sum())), mask


def at_most_cumulative(x, z, k):
    """Alternative: for each size i of A's part, one sorted array of all of B's sums of size <= k - i
    (sizes merged, not searched group by group), ties broken towards the larger sum; math.fsum."""
    x = np.asarray(x, dtype=np.float64)
    n, half = len(x), len(x) // 2
    sums_a, sizes_a = sums_and_sizes(x[:half])
    sums_b, sizes_b = sums_and_sizes(x[half:])
    best = (math.inf, 0, 0)
    for i in range(min(half, k) + 1):
        pool = np.flatnonzero(sizes_b <= k - i)
        order = pool[np.argsort(sums_b[pool])]
        sorted_b = sums_b[order]
        for index_a in np.flatnonzero(sizes_a == i):
            wanted = z - sums_a[index_a]
            position = int(np.searchsorted(sorted_b, wanted))
            for candidate in (position, position - 1):
                if 0 <= candidate < len(sorted_b):
                    gap = abs(wanted - sorted_b[candidate])
                    if gap <= best[0]:  # ties: the later candidate wins
                        best = (gap, int(index_a), int(order[candidate]))
    mask = np.zeros(n, dtype=bool)
    mask[:half] = (best[1] >> np.arange(half)) & 1
    mask[half:] = (best[2] >> np.arange(n - half)) & 1
    return math.fabs(z - math.fsum(x[mask])), mask


def at_most_larger_half_first(x, z, k):
    """Alternative: A is the larger half (the first ceil(n/2)); for each size s of B's part, each of
    B's sums searches A's sums of every size i <= k - s; ties broken towards the larger sum."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    split = n - n // 2
    sums_a, sizes_a = sums_and_sizes(x[:split])
    sums_b, sizes_b = sums_and_sizes(x[split:])
    groups = {}
    for i in range(split + 1):
        members = np.flatnonzero(sizes_a == i)
        order = np.argsort(sums_a[members])
        groups[i] = (members[order], sums_a[members][order])
    best = (math.inf, 0, 0)
    for s in range(min(n - split, k) + 1):
        index_b = np.flatnonzero(sizes_b == s)
        wanted = z - sums_b[index_b]
        for i in range(min(split, k - s) + 1):
            members, values = groups[i]
            above = np.searchsorted(values, wanted).clip(max=len(values) - 1)
            below = (above - 1).clip(min=0)
            for side in (above, below):
                gaps = np.abs(wanted - values[side])
                t = int(np.argmin(gaps))
                if gaps[t] < best[0]:
                    best = (float(gaps[t]), int(members[side[t]]), int(index_b[t]))
    mask = np.zeros(n, dtype=bool)
    mask[:split] = (best[1] >> np.arange(split)) & 1
    mask[split:] = (best[2] >> np.arange(n - split)) & 1
    return float(abs(z - x[mask].sum())), mask


def at_most_combinations(x, z, k):
    """Mistake: tries every subset of size <= k with itertools (exact, but hopeless at n = 30)."""
    x = np.asarray(x, dtype=np.float64)
    best, best_subset = abs(z), ()
    for size in range(1, k + 1):
        for subset in itertools.combinations(range(len(x)), size):
            error = abs(z - x[list(subset)].sum())
            if error < best:
                best, best_subset = error, subset
    mask = np.zeros(len(x), dtype=bool)
    mask[list(best_subset)] = True
    return float(abs(z - x[mask].sum())), mask


def at_most_calls_library(x, z, k):
    """Mistake: calls the package's solver, which the question forbids (for n <= 16; its own search
    above, so that the time limit of the large test plays no part)."""
    if len(x) > 16:
        return at_most(x, z, k)
    solution = fixed_size_subset_sum.solve_fixed_size(x, z, k, at_most=True, device="cpu")
    return float(solution.error[0]), solution.mask[0].numpy()


# --------------------------------------------------------------------------- q4: overlap


def overlap(found, planted, *, swap=False, dice=False, empty=math.nan, both_empty=1.0, agreements=False):
    """The model answer; the keywords make the named mistakes."""
    found, planted = np.asarray(found, dtype=bool), np.asarray(planted, dtype=bool)
    common = int(np.count_nonzero(found == planted)) if agreements else int(np.count_nonzero(found & planted))
    size_found, size_planted = int(found.sum()), int(planted.sum())
    union = int(np.count_nonzero(found | planted))
    if swap:
        size_found, size_planted = size_planted, size_found
    precision = common / size_found if size_found else empty
    recall = common / size_planted if size_planted else empty
    if dice:
        jaccard = 2 * common / (size_found + size_planted) if union else both_empty
    else:
        jaccard = common / union if union else both_empty
    return float(precision), float(recall), float(jaccard)


def overlap_divides(found, planted):
    """Mistake: divides without a guard, so an empty mask raises ZeroDivisionError."""
    found, planted = np.asarray(found, dtype=bool), np.asarray(planted, dtype=bool)
    common = int((found & planted).sum())
    return common / int(found.sum()), common / int(planted.sum()), common / int((found | planted).sum())


def overlap_torch(found, planted):
    """Alternative: torch counts, float64 division, explicit NaN."""
    m, s = torch.from_numpy(np.asarray(found)), torch.from_numpy(np.asarray(planted))
    common = (m & s).sum().double()
    size_m, size_s, union = m.sum().double(), s.sum().double(), (m | s).sum().double()
    precision = float(common / size_m) if size_m > 0 else float("nan")
    recall = float(common / size_s) if size_s > 0 else float("nan")
    jaccard = float(common / union) if union > 0 else 1.0
    return precision, recall, jaccard


def overlap_sets(found, planted):
    """Alternative: Python sets of the flat indices of the kept entries."""
    m = set(np.flatnonzero(np.ravel(found)).tolist())
    s = set(np.flatnonzero(np.ravel(planted)).tolist())
    precision = len(m & s) / len(m) if m else math.nan
    recall = len(m & s) / len(s) if s else math.nan
    jaccard = len(m & s) / len(m | s) if m | s else 1.0
    return precision, recall, jaccard


def overlap_calls_library(found, planted):
    """Mistake: calls plant_and_seek.mask_overlap, which the question forbids."""
    result = plant_and_seek.mask_overlap(torch.from_numpy(np.asarray(found)), torch.from_numpy(np.asarray(planted)))
    return result.precision, result.recall, result.jaccard


def overlap_as_list(found, planted):
    """Mistake: a list instead of a tuple."""
    return list(overlap(found, planted))


def _consistency() -> None:
    """The model answers of q1 and q2 agree with the package (a slip here would fail every case)."""
    network = shallow_construction.ShallowNetwork.sample(Q1_WIDTHS, Q1_N, Q1_RHO, device="cpu")
    assert shallow_weights() == network.num_parameters == shapes_shallow(Q1_WIDTHS, Q1_N, Q1_RHO)
    assert math.isclose(amplification(Q2_WIDTHS, Q2_RHO)[0], shallow_construction._amplification(Q2_WIDTHS, Q2_RHO)[0])


_consistency()

CASES = [
    # q1
    Case("q1", "the model answer (closed form)", q1_env()),
    Case(
        "q1",
        "from the list of shapes",
        q1_env(shapes_shallow(Q1_WIDTHS, Q1_N, Q1_RHO), shapes_theorem_1(Q1_WIDTHS, Q1_N)),
    ),
    Case(
        "q1",
        "rho copies of the outputs too (r_l = rho d_l)",
        q1_env(shallow_weights(last_copies=True)),
        {"test_q1_shallow"},
    ),
    Case(
        "q1",
        "layers i >= 2 read 2n d_{i-1} units instead of rho d_{i-1} copies",
        q1_env(shallow_weights(later_inputs=lambda d: 2 * Q1_N * d)),
        {"test_q1_shallow"},
    ),
    Case(
        "q1",
        "the univariate layer counted by its kept entries (2n d_0)",
        q1_env(shallow_weights(first=2 * Q1_N * Q1_WIDTHS[0])),
        {"test_q1_shallow"},
    ),
    Case("q1", "the univariate layer forgotten", q1_env(shallow_weights(first=0)), {"test_q1_shallow"}),
    Case(
        "q1", "Theorem 1 with blocks of n units", q1_env(theorem=theorem_1_weights(block=Q1_N)), {"test_q1_theorem_1"}
    ),
    Case(
        "q1", "floats instead of ints", q1_env(float(shallow_weights()), float(theorem_1_weights())), {"test_q1_types"}
    ),
    # q2
    Case("q2", "the model answer", q2_env()),
    Case(
        "q2",
        "K by running the recursion, rho by a scan",
        q2_env(amplification_by_recursion(Q2_WIDTHS, Q2_RHO), sizing_rho_by_scan()),
    ),
    Case(
        "q2",
        "pi_i bounded by 1, as ||W_i|| in Theorem 1",
        q2_env(amplification(Q2_WIDTHS, Q2_RHO, pi_one=True)[0], sizing_rho(pi_one=True)),
        {"test_q2_K", "test_q2_rho"},
    ),
    Case(
        "q2",
        "eta_1 without the factor 2 (one column per input)",
        q2_env(amplification(Q2_WIDTHS, Q2_RHO, no_two=True)[0], sizing_rho(no_two=True)),
        {"test_q2_K", "test_q2_rho"},
    ),
    Case(
        "q2",
        "rho copies of the outputs (r_l = rho d_l)",
        q2_env(amplification(Q2_WIDTHS, Q2_RHO, last_copies=True)[0], sizing_rho(last_copies=True)),
        {"test_q2_K", "test_q2_rho"},
    ),
    Case(
        "q2",
        "K kept at its value for rho = 6 in the sizing rule",
        q2_env(rho=sizing_rho(fixed_k_rho=Q2_RHO)),
        {"test_q2_rho"},
    ),
    Case("q2", "the natural logarithm", q2_env(rho=sizing_rho(log=math.log)), {"test_q2_rho"}),
    Case("q2", "eps instead of eps' = eps / (2K)", q2_env(rho=sizing_rho(scale_eps=False)), {"test_q2_rho"}),
    Case("q2", "delta' alone (eps' ignored)", q2_env(rho=sizing_rho(which="delta")), {"test_q2_rho"}),
    Case("q2", "an int K", q2_env(K=round(amplification(Q2_WIDTHS, Q2_RHO)[0])), {"test_q2_types"}),
    # q3
    Case("q3", "the model answer", {"best_subset_at_most": at_most}),
    Case("q3", "B's sizes <= k - i merged in one sorted array, fsum", {"best_subset_at_most": at_most_cumulative}),
    Case("q3", "the larger half first, searching its size groups", {"best_subset_at_most": at_most_larger_half_first}),
    Case(
        "q3",
        "exactly k coefficients instead of at most k",
        {"best_subset_at_most": lambda x, z, k: at_most(x, z, k, sizes="exactly")},
        {"test_q3_fixed", "test_q3_random", "test_q3_edge_cases", "test_q3_large"},
    ),
    Case(
        "q3",
        "k ignored (plain meet in the middle)",
        {"best_subset_at_most": lambda x, z, k: at_most(x, z, k, sizes="any")},
        {"test_q3_fixed", "test_q3_random", "test_q3_edge_cases", "test_q3_large"},
    ),
    Case(
        "q3",
        "the empty subset forgotten (sizes 1..k)",
        {"best_subset_at_most": lambda x, z, k: at_most(x, z, k, sizes="no_empty")},
        {"test_q3_random", "test_q3_edge_cases"},
    ),
    Case(
        "q3",
        "sizes up to k - 1 only",
        {"best_subset_at_most": lambda x, z, k: at_most(x, z, k, sizes="below")},
        {"test_q3_random", "test_q3_edge_cases"},
    ),
    Case(
        "q3",
        "the mask of B's part from the sorted index",
        {"best_subset_at_most": lambda x, z, k: at_most(x, z, k, sorted_index=True)},
        {"test_q3_random", "test_q3_edge_cases", "test_q3_large"},
    ),
    Case(
        "q3",
        "the mask built from the chosen values (keeps every equal coefficient)",
        {"best_subset_at_most": lambda x, z, k: at_most(x, z, k, by_value=True)},
        {"test_q3_edge_cases"},
    ),
    Case(
        "q3",
        "an empty first half not handled (n = 1)",
        {"best_subset_at_most": lambda x, z, k: at_most(x, z, k, empty_half_bug=True)},
        {"test_q3_random", "test_q3_edge_cases"},
    ),
    Case(
        "q3",
        "an int mask",
        {"best_subset_at_most": lambda x, z, k: at_most(x, z, k, as_int=True)},
        {"test_q3_fixed", "test_q3_random", "test_q3_edge_cases", "test_q3_large"},
    ),
    Case(
        "q3",
        "every subset of size <= k tried (too slow at n = 30)",
        {"best_subset_at_most": at_most_combinations},
        {"test_q3_large"},
    ),
    Case("q3", "calls solve_fixed_size", {"best_subset_at_most": at_most_calls_library}, {"test_q3_random"}),
    # q4
    Case("q4", "the model answer", {"overlap": overlap}),
    Case("q4", "torch counts", {"overlap": overlap_torch}),
    Case("q4", "sets of flat indices", {"overlap": overlap_sets}),
    Case(
        "q4",
        "precision and recall swapped",
        {"overlap": lambda m, s: overlap(m, s, swap=True)},
        {"test_q4_fixed", "test_q4_random", "test_q4_edge_cases"},
    ),
    Case(
        "q4",
        "the Dice coefficient for Jaccard",
        {"overlap": lambda m, s: overlap(m, s, dice=True)},
        {"test_q4_fixed", "test_q4_random"},
    ),
    Case(
        "q4",
        "agreements (both kept or both pruned) counted as common",
        {"overlap": lambda m, s: overlap(m, s, agreements=True)},
        {"test_q4_fixed", "test_q4_random", "test_q4_edge_cases"},
    ),
    Case(
        "q4",
        "0 instead of nan for an empty mask",
        {"overlap": lambda m, s: overlap(m, s, empty=0.0)},
        {"test_q4_edge_cases"},
    ),
    Case(
        "q4",
        "Jaccard 0 when both are empty",
        {"overlap": lambda m, s: overlap(m, s, both_empty=0.0)},
        {"test_q4_edge_cases"},
    ),
    Case("q4", "no guard against an empty mask", {"overlap": overlap_divides}, {"test_q4_edge_cases"}),
    Case("q4", "a list instead of a tuple", {"overlap": overlap_as_list}, {"test_q4_fixed", "test_q4_edge_cases"}),
    Case("q4", "calls plant_and_seek.mask_overlap", {"overlap": overlap_calls_library}, {"test_q4_random"}),
]
