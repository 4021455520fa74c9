# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [raw]
# # ASSIGNMENT CONFIG
# name: ps5_lower_bound
# init_cell: false
# export_cell: false
# check_all_cell: true
# run_tests: true
# tests:
#   files: true
#   ok_format: false
# generate: true

# %% [markdown]
# # Problem set 5: The lower bound
#
# This problem set builds on Chapter 5, "The lower bound". It uses the notation of the paper:
# targets $x \mapsto Wx$ with $W \in \mathbb{R}^{d \times d}$ and $\lVert W \rVert \le 1$ (spectral
# norm), the operator-norm ball $B = \{W : \lVert W \rVert \le 1\}$ of dimension $D = d^2$, a
# network $g$ with $m$ prunable parameters, masks $S$, pruned networks $g_S$, and the error
# $\sup_{\lVert x \rVert \le 1} \lVert Wx - g_S(x) \rVert$. The counting argument of the chapter
# says: if every $W \in B$ is within $\varepsilon$ of some $g_S$, then
# $2^m \ge P(B, 2\varepsilon) \ge (1/(2\varepsilon))^{D}$.
#
# **How to work.** Replace each `...` with your answer or your code, then run the
# `grader.check("qK")` cell below the question: it runs the public tests (types, shapes, a
# small fixed case). Hidden tests check the values and random cases when the problem set is
# graded, so passing the public tests is necessary, not sufficient. Free-text answers are graded
# by hand with a rubric. Use only the packages imported in the set-up cell.
#
# In Colab, first do *File → Save a copy in Drive* and work in that copy: the notebook opened
# from the link is not saved, so your work would be lost. What you submit is the notebook file
# itself, the `.ipynb` (in Colab: *File → Download → Download .ipynb*).
#
# | Question | Kind | Points |
# |---|---|---|
# | 1. The counting bound at an exact power of two | derivation | 2 |
# | 2. What one more bit, or digit, of accuracy costs | derivation | 2 |
# | 3. Counting sparse subnetworks | implementation | 3 |
# | 4. The best subnetwork of a scalar gadget, by brute force | implementation | 3 |
# | 5. Necessary, not sufficient; how tight is Theorem 1? | interpretation | 3 |
# | **Total** | | **13** |
#
# Estimated time: 60 to 90 minutes.

# %%
# Set-up (problem set).
import math

import numpy as np
import torch
import otter

import lthbook

session = lthbook.setup(seed=0)
# No notebook path: in Colab the notebook is not a file of the working directory, and
# otter.Notebook("name.ipynb") would fail to read it. The checks need only tests/.
grader = otter.Notebook()

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 2

# %% [markdown]
# **Question 1 (derivation, 2 points).** Take square targets, $d = 10$ (so $D = d^2 = 100$),
# and the error $\varepsilon = 2^{-6}$.
#
# (a) Let `q1_m` be the **least** number of parameters $m$ for which $2^m$ is at least the
# volumetric lower bound $(1/(2\varepsilon))^{D}$ on the packing number $P(B, 2\varepsilon)$:
# below it, no network of any depth, with any weights, has subnetworks that serve every
# $W \in B$ within $\varepsilon$.
#
# (b) A depth-2 network $\mathbb{R}^d \to \mathbb{R}^w \to \mathbb{R}^d$ (no biases) has
# $m = 2dw$ weights. Let `q1_width` be the least hidden width $w$ that the bound of (a) allows.
# It is graded against your own `q1_m`, so a slip in (a) costs only (a)'s point.
#
# Both are whole numbers (`int`). Work them out with `math`, in exact integer arithmetic
# where it matters. *Hint:* "least $m$ with $2^m \ge X$" is $\lceil \log_2 X \rceil$.

# %% [raw]
# # BEGIN SOLUTION

# %%
d, eps = 10, 2.0**-6
# BEGIN SOLUTION NO PROMPT
# 1/(2 eps) = 32 = 2^5, so (1/(2 eps))^D = 2^(5D) exactly and the least m is 5D itself.
# END SOLUTION
q1_m = d * d * round(math.log2(1 / (2 * eps)))  # SOLUTION
# BEGIN SOLUTION NO PROMPT
# m = 2 d w >= q1_m, so w = ceil(q1_m / (2 d)), in integers.
# END SOLUTION
q1_width = -(-q1_m // (2 * d))  # SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q1_m and q1_width should be positive whole numbers (int), and the width must provide at least q1_m weights (m = 2dw).
""" # END TEST CONFIG
def test_q1_types(q1_m, q1_width):
    import numbers
    for name, value in (("q1_m", q1_m), ("q1_width", q1_width)):
        assert isinstance(value, numbers.Integral) and not isinstance(value, bool), f"{name} should be an int"
        assert value > 0, f"{name} should be positive"
    assert 2 * 10 * q1_width >= q1_m, "a depth-2 network of width q1_width has 2*d*q1_width weights, fewer than q1_m"
test_q1_types(q1_m, q1_width)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: q1_m is not the least m with 2^m >= (1/(2 eps))^D. When log2 X is itself an integer the ceiling changes nothing, so check whether that happens here. An answer one too large is the usual slip (from 2^m > X, from 'floor plus one', or from a floating-point logarithm that lands a hair above an integer).
""" # END TEST CONFIG
def test_q1_m(q1_m):
    from lthbook import lower_bound
    assert q1_m == lower_bound.min_parameters(10, 2.0**-6), "q1_m is not the least number of parameters"
test_q1_m(q1_m)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: q1_width is not the least w with 2dw >= your q1_m (graded against your own answer to (a)). Round m/(2d) up, and only once.
""" # END TEST CONFIG
def test_q1_width(q1_width, q1_m):
    import numbers
    from lthbook import lower_bound
    d = 10
    if isinstance(q1_m, numbers.Integral) and not isinstance(q1_m, bool) and q1_m > 0:
        expected = -(-int(q1_m) // (2 * d))  # the least w with 2 d w >= the student's own m
    else:
        expected = lower_bound.min_width_depth2(d, 2.0**-6)
    assert q1_width == expected, "q1_width is not the least depth-2 width for your q1_m"
test_q1_width(q1_width, q1_m)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 2

# %% [markdown]
# **Question 2 (derivation, 2 points).** Write $m(d, \varepsilon)$ for the least $m$ of
# Question 1, $m(d, \varepsilon) = \max\bigl(0, \lceil d^2 \log_2 \tfrac{1}{2\varepsilon}
# \rceil\bigr)$, for $d \times d$ targets. Take $d = 12$ and $\varepsilon = 0.003$.
#
# (a) `q2_halving` $= m(d, \varepsilon/2) - m(d, \varepsilon)$: how many parameters one more
# bit of accuracy costs. Before you compute it, derive it: it is the same number for every
# $\varepsilon \in (0, \tfrac12)$. Why, despite the ceiling? (Answer in a comment in the cell;
# only the numbers are graded.)
#
# (b) One more decimal digit: `q2_tenfold` is the tuple of the two `int`s
# $m(d, \varepsilon'/10) - m(d, \varepsilon')$ for $\varepsilon' = 0.003$ (the $\varepsilon$ of
# (a)) and for $\varepsilon' = 0.004$, in that order. Here the ceiling does matter: each
# difference is one of the two integers next to $d^2 \log_2 10$, and which one depends on the
# fractional part of $d^2 \log_2 \tfrac{1}{2\varepsilon'}$. Compute both exactly; they differ.
#
# `q2_halving` is an `int`. Work all three numbers out with `math`, in exact integer arithmetic
# where it matters.

# %% [raw]
# # BEGIN SOLUTION

# %%
d, eps = 12, 0.003
# BEGIN SOLUTION NO PROMPT
# Halving eps adds exactly D = d^2 to x = D log2(1/(2 eps)), and ceil(x + D) = ceil(x) + D for
# an integer D. Dividing by 10 adds D log2(10), not an integer, so the two ceilings are taken
# separately (1/(2 eps) is not a power of two for either eps, so math.ceil is safe here).


def least_m(d, eps):
    return max(0, math.ceil(d * d * math.log2(1 / (2 * eps))))


# END SOLUTION
q2_halving = d * d  # SOLUTION
q2_tenfold = tuple(least_m(d, e / 10) - least_m(d, e) for e in (eps, 0.004))  # SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q2_halving should be a positive int, and q2_tenfold a tuple of two ints, each within 1 of d^2 log2(10).
""" # END TEST CONFIG
def test_q2_types(q2_halving, q2_tenfold):
    import math
    import numbers

    def is_int(value):
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)

    assert is_int(q2_halving) and q2_halving > 0, "q2_halving should be a positive int"
    assert isinstance(q2_tenfold, tuple) and len(q2_tenfold) == 2, "q2_tenfold should be a tuple of two ints"
    for value in q2_tenfold:
        assert is_int(value), "q2_tenfold should hold two ints"
        assert abs(value - 12 * 12 * math.log2(10)) < 1, "each entry of q2_tenfold should lie next to d^2 log2(10)"
test_q2_types(q2_halving, q2_tenfold)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: q2_halving is not m(d, eps/2) - m(d, eps). What does halving eps add to d^2 log2(1/(2 eps)), and does an integer shift change the ceiling?
""" # END TEST CONFIG
def test_q2_halving(q2_halving):
    from lthbook import lower_bound
    d, eps = 12, 0.003
    expected = lower_bound.min_parameters(d, eps / 2) - lower_bound.min_parameters(d, eps)
    assert q2_halving == expected, "q2_halving is not the exact difference"
test_q2_halving(q2_halving)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: q2_tenfold is not (m(d, eps'/10) - m(d, eps')) for eps' = 0.003 and 0.004. Take the two ceilings separately and subtract; d^2 log2(10) is not an integer.
""" # END TEST CONFIG
def test_q2_tenfold(q2_tenfold):
    from lthbook import lower_bound
    d = 12
    expected = tuple(lower_bound.min_parameters(d, e / 10) - lower_bound.min_parameters(d, e) for e in (0.003, 0.004))
    assert tuple(q2_tenfold) == expected, "q2_tenfold does not hold the exact differences"
test_q2_tenfold(q2_tenfold)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 3

# %% [markdown]
# **Question 3 (implementation, 3 points).** The counting argument only needs an upper bound on
# the number of masks. If one insists on *sparse* tickets, masks that keep at most $k$ of the
# $m$ weights, there are fewer of them,
#
# $$
# N(m, k) = \sum_{j=0}^{k} \binom{m}{j} \le 2^m ,
# $$
#
# and the same argument shows that sparse tickets can serve every $W \in B$ within
# $\varepsilon$ only if $\log_2 N(m, k) \ge D \log_2 \tfrac{1}{2\varepsilon}$.
#
# Implement `log2_subnetwork_count(m, k=None)`, returning $\log_2 N(m, k)$ as a Python `float`,
# with $k$ = `None` meaning no sparsity constraint ($N = 2^m$). It must be accurate to a relative
# error of $10^{-9}$ (absolute $10^{-9}$ near 0) for all $m \le 10^5$, where $N(m, k)$ is far
# beyond the range of a float: work with logarithms (`math.lgamma`) or with exact Python
# integers (`math.comb`, `math.log2` of an `int`), not with floats of the counts themselves.

# %% [raw]
# # BEGIN SOLUTION

# %%
def log2_subnetwork_count(m, k=None):
    """log₂ of the number of masks of m weights that keep at most k of them.

    N(m, k) = Σ_{j=0}^{k} C(m, j), the number of masks S ∈ {0, 1}^m with |S| ≤ k; for k = None
    every mask counts and N = 2^m.

    Args:
        m: number of prunable weights, an int ≥ 0.
        k: the most weights a mask may keep, an int with 0 ≤ k ≤ m, or None (no limit).
    Returns:
        log₂ N(m, k) as a float (m itself when k is None or k = m).
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    if k is None or k >= m:
        return float(m)
    # log2 C(m, j) for j = 0..k, then a log-sum-exp in base 2.
    logs = np.array([math.lgamma(m + 1) - math.lgamma(j + 1) - math.lgamma(m - j + 1)
                     for j in range(k + 1)]) / math.log(2)
    top = logs.max()
    return float(top + np.log2(np.exp2(logs - top).sum()))
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 1
failure_message: log2_subnetwork_count fails a small case that can be counted by hand (see the assertion message).
""" # END TEST CONFIG
def test_q3_small(log2_subnetwork_count):
    import math
    value = log2_subnetwork_count(4, 2)
    assert isinstance(value, float), "return a Python float"
    # masks of 4 weights keeping at most 2: C(4,0) + C(4,1) + C(4,2)
    assert math.isclose(value, math.log2(1 + 4 + 6), rel_tol=1e-9), "wrong count for m = 4, k = 2"
    assert math.isclose(log2_subnetwork_count(30), 30.0, rel_tol=1e-12), "k = None means all 2^m masks"
    assert abs(log2_subnetwork_count(7, 0)) <= 1e-9, "keeping at most 0 weights leaves only the empty mask"
    assert math.isclose(log2_subnetwork_count(7, 7), 7.0, rel_tol=1e-12), "k = m allows every mask"
test_q3_small(log2_subnetwork_count)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 2
failure_message: log2_subnetwork_count is not accurate to 1e-9 on random (m, k) up to m = 1e5. Avoid floats of the counts themselves; use lgamma or exact integers.
""" # END TEST CONFIG
def test_q3_random(log2_subnetwork_count):
    import math
    import random

    def reference(m, k):
        # exact integer sum of C(m, j), built term by term: C(m, j+1) = C(m, j) (m - j) / (j + 1)
        if k is None:
            return float(m)
        term, total = 1, 1
        for j in range(min(k, m)):
            term = term * (m - j) // (j + 1)
            total += term
        return math.log2(total)

    rng = random.Random(2025)
    cases = [(m, rng.randint(0, m)) for m in (rng.randint(1, 3000) for _ in range(12))]
    cases += [(100_000, 0), (100_000, 1), (100_000, 7), (100_000, 60), (65_536, None), (2, 1), (1, 0)]
    for m, k in cases:
        got, want = log2_subnetwork_count(m, k), reference(m, k)
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), f"inaccurate for m = {m}, k = {k}"
test_q3_random(log2_subnetwork_count)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 3

# %% [markdown]
# **Question 4 (implementation, 3 points).** Chapter 3's scalar gadget with $h$ hidden units is
# $g(x) = \sum_{k=1}^{h} v_k \sigma(u_k x)$, with $m = 2h$ prunable parameters
# $u_1, \dots, u_h, v_1, \dots, v_h$. A mask $S$ keeps some of them; unit $k$ contributes
# $v_k \sigma(u_k x)$ to $g_S$ exactly when both $u_k$ and $v_k$ are kept. For the targets
# $x \mapsto wx$, $w \in [-1, 1]$, on $x \in [-1, 1]$, the error that the best subnetwork
# guarantees for **every** target is
#
# $$
# E(u, v) = \sup_{w \in [-1, 1]} \; \min_{S} \; \sup_{x \in [-1, 1]} \lvert wx - g_S(x) \rvert ,
# $$
#
# the minimum running over all $2^{m}$ masks. Implement `scalar_cover_error(u, v)`, which
# computes $E(u, v)$ exactly (to float64 rounding) by brute force, for $h \le 6$.
#
# Three facts you should prove to yourself first, and then use:
#
# 1. $g_S$ is linear on $[0, 1]$ and on $[-1, 0]$ and $g_S(0) = 0$, so the sup over $x$ is
#    $\max(\lvert w - a_S \rvert, \lvert w - b_S \rvert)$ with $a_S = g_S(1)$ and
#    $b_S = -g_S(-1)$.
# 2. That is $\lvert w - c_S \rvert + r_S$ with $c_S = (a_S + b_S)/2$, $r_S = \lvert a_S -
#    b_S \rvert/2$, so $F(w) = \min_S(\cdot)$ is piecewise linear with slopes $\pm 1$, and its
#    maximum over $[-1, 1]$ is at $w = \pm 1$ or at a point where a rising piece
#    $w - c_i + r_i$ meets a falling piece $c_j + r_j - w$ (a finite list of candidates).
# 3. Only the set $K$ of units with both edges kept matters, so the $2^m$ masks give at most
#    $2^h$ different pairs $(a_S, b_S)$; work with those (the candidate list of fact 2 grows
#    with the square of their number).
#
# Do not sample $w$ on a grid: a grid only gives a lower bound on the supremum. Do not call
# `lthbook.lower_bound` or `lthbook.subset_sum` inside your function: `best_sup_error_over_targets`,
# `scalar_gadget_subnetworks` and `scalar_gadget_subset_sum_error` compute $E(u, v)$ directly (the
# hidden tests compare with them, and refuse them inside your function). The hidden tests use
# gadgets whose worst target $w$ lies strictly inside $(-1, 1)$ as well as at $w = \pm 1$, and give
# each call a minute.

# %% [raw]
# # BEGIN SOLUTION

# %%
def scalar_cover_error(u, v):
    """The best worst-case error over targets w ∈ [−1, 1] of the subnetworks of g(x) = Σ_k v_k σ(u_k x).

    E(u, v) = sup_{w∈[−1,1]} min_S sup_{x∈[−1,1]} |w x − g_S(x)|, the minimum over all 2^{2h}
    masks S of the 2h parameters (unit k counts when u_k and v_k are both kept).

    Args:
        u: first-layer weights u_1, …, u_h, a 1-D float64 array (or list) with 1 ≤ h ≤ 6.
        v: second-layer weights v_1, …, v_h, the same shape.
    Returns:
        E(u, v) as a Python float.
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    h = u.shape[0]
    index = np.arange(1 << (2 * h))  # every mask: bits 0..h-1 keep u_k, bits h..2h-1 keep v_k
    kept_units = np.unique((index & ((1 << h) - 1)) & (index >> h))  # K = S_u ∩ S_v
    bits = ((kept_units[:, None] >> np.arange(h)) & 1).astype(np.float64)
    a = bits @ (v * np.maximum(u, 0.0))  # g_S(1)
    b = -(bits @ (v * np.maximum(-u, 0.0)))  # -g_S(-1)
    center, radius = (a + b) / 2, np.abs(a - b) / 2
    rise, fall = radius - center, center + radius  # error of S: max(w + rise, fall - w)
    candidates = np.concatenate([[-1.0, 1.0], ((fall[:, None] - rise[None, :]) / 2).ravel()])
    candidates = candidates[(candidates >= -1.0) & (candidates <= 1.0)]
    envelope = np.maximum(candidates[:, None] + rise[None, :], fall[None, :] - candidates[:, None]).min(axis=1)
    return float(envelope.max())
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 1
failure_message: scalar_cover_error fails a fixed gadget whose subnetworks can be listed by hand (see the assertion message).
""" # END TEST CONFIG
def test_q4_fixed(scalar_cover_error):
    import numpy as np
    # Units 1-3 have u > 0 and serve x > 0 with the subset sums of {1, -1, 1/2};
    # units 4-6 have u < 0 and serve x < 0 with the same sums. Both sides reach every point of
    # the grid {-1, -1/2, 0, 1/2, 1} independently, so the worst target is a grid midpoint.
    u = np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
    v = np.array([1.0, -1.0, 0.5, 1.0, -1.0, 0.5])
    value = scalar_cover_error(u, v)
    assert isinstance(value, float), "return a Python float"
    assert abs(value - 0.25) <= 1e-12, "wrong error for the fixed gadget"
    # One unit with u > 0 serves no x < 0: the target w = -1 (or 1) is missed by the full |w|.
    assert abs(scalar_cover_error(np.array([0.5]), np.array([0.5])) - 1.0) <= 1e-12, "wrong error for one unit"
test_q4_fixed(scalar_cover_error)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: scalar_cover_error is wrong on gadgets whose worst target w lies strictly inside (−1, 1), or too slow (a minute per gadget), or it calls lthbook.lower_bound or lthbook.subset_sum. Checking only w = ±1, or a grid of w, is not enough; use the crossing points of fact 2, over the distinct pairs (a_S, b_S) of fact 3.
""" # END TEST CONFIG
def test_q4_interior(scalar_cover_error):
    import math
    import numpy as np
    from lthbook import lower_bound
    import contextlib
    import os
    import signal
    import threading
    import lthbook.subset_sum as subset_sum

    @contextlib.contextmanager
    def graded_call():
        """No package function that computes the answer, and a time limit (Unix, main thread)."""
        banned = [(lower_bound, name) for name in ("best_sup_error_over_targets", "scalar_gadget_subnetworks",
                                                   "scalar_gadget_subset_sum_error", "enumerate_subnetworks")]
        banned += [(subset_sum, name) for name in ("worst_case_error", "solve", "brute_force")]
        saved = [(module, name, getattr(module, name)) for module, name in banned]

        def refuse(*args, **kwargs):
            raise RuntimeError("do not call lthbook.lower_bound or lthbook.subset_sum inside scalar_cover_error")

        limit = float(os.environ.get("LTHBOOK_GRADING_TIME_LIMIT", "60"))

        def too_slow(signum, frame):
            raise TimeoutError(f"scalar_cover_error took more than {limit:g} s on one gadget")

        timed = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
        for module, name in banned:
            setattr(module, name, refuse)
        if timed:
            previous = signal.signal(signal.SIGALRM, too_slow)
            signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            yield
        finally:
            if timed:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            for module, name, function in saved:
                setattr(module, name, function)

    # Gadgets with units of both signs and larger second-layer weights, kept only when the worst
    # target lies strictly inside (-1, 1), with an error well above those at w = -1 and w = 1.
    rng = np.random.default_rng(7)
    cases = []
    while len(cases) < 6:
        h = int(rng.integers(4, 7))
        u = rng.uniform(0.3, 1.0, h) * np.where(np.arange(h) % 2 == 0, 1.0, -1.0)
        v = rng.uniform(-2.5, 2.5, h)
        subnetworks = lower_bound.scalar_gadget_subnetworks(u, v, device="cpu")
        best = lower_bound.best_sup_error_over_targets(subnetworks)
        at_ends = max(lower_bound.best_sup_error_over_targets(subnetworks, w, w).error for w in (-1.0, 1.0))
        if best.error > at_ends + 1e-3:
            cases.append((u, v, best.error))
    for u, v, expected in cases:
        with graded_call():
            got = scalar_cover_error(u.copy(), v.copy())
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), (
            f"wrong error for a gadget with h = {len(u)} whose worst target is inside (-1, 1)")
test_q4_interior(scalar_cover_error)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 0.5
failure_message: scalar_cover_error is wrong on random U[−1, 1] gadgets (h = 1..6), whose worst target is usually w = ±1, or too slow, or it calls lthbook.lower_bound or lthbook.subset_sum. Check fact 1 and the ends w = ±1 of the candidate list.
""" # END TEST CONFIG
def test_q4_random(scalar_cover_error):
    import math
    import numpy as np
    from lthbook import lower_bound
    import contextlib
    import os
    import signal
    import threading
    import lthbook.subset_sum as subset_sum

    @contextlib.contextmanager
    def graded_call():
        """No package function that computes the answer, and a time limit (Unix, main thread)."""
        banned = [(lower_bound, name) for name in ("best_sup_error_over_targets", "scalar_gadget_subnetworks",
                                                   "scalar_gadget_subset_sum_error", "enumerate_subnetworks")]
        banned += [(subset_sum, name) for name in ("worst_case_error", "solve", "brute_force")]
        saved = [(module, name, getattr(module, name)) for module, name in banned]

        def refuse(*args, **kwargs):
            raise RuntimeError("do not call lthbook.lower_bound or lthbook.subset_sum inside scalar_cover_error")

        limit = float(os.environ.get("LTHBOOK_GRADING_TIME_LIMIT", "60"))

        def too_slow(signum, frame):
            raise TimeoutError(f"scalar_cover_error took more than {limit:g} s on one gadget")

        timed = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
        for module, name in banned:
            setattr(module, name, refuse)
        if timed:
            previous = signal.signal(signal.SIGALRM, too_slow)
            signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            yield
        finally:
            if timed:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            for module, name, function in saved:
                setattr(module, name, function)

    rng = np.random.default_rng(8)
    for h in (1, 2, 3, 4, 5, 6):
        u = rng.uniform(-1.0, 1.0, h)
        v = rng.uniform(-1.0, 1.0, h)
        expected = lower_bound.best_sup_error_over_targets(
            lower_bound.scalar_gadget_subnetworks(u, v, device="cpu")).error
        with graded_call():
            got = scalar_cover_error(u.copy(), v.copy())
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), f"wrong error for a random gadget, h = {h}"
test_q4_random(scalar_cover_error)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [markdown]
# The numbers behind Question 5: chapter 5's $2 \times 2$ brute force used $\varepsilon = 0.4$
# and networks with $m = 4, 8, 12, 16$ parameters.

# %%
EPS_2X2 = 0.4
print("least m with 2^m >= (1/(2 eps))^4:", max(0, math.ceil(4 * math.log2(1 / (2 * EPS_2X2)))))
print("least m with 2^m eps^4 >= 1:      ", math.ceil(4 * math.log2(1 / EPS_2X2)))
print("largest m measured in chapter 5:  ", 16)

# %% [raw]
# # BEGIN QUESTION
# name: q5
# manual: true
# points: 3

# %% [markdown]
# **Question 5 (interpretation, 3 points).** In chapter 5's $2 \times 2$ experiment the random
# network passes both counting thresholds printed above by a wide margin, yet the share of
# random targets $W \in B$ that its subnetworks serve within $\varepsilon$ stays small, with no
# transition at the thresholds. (a) Explain why this does not contradict the counting theorem,
# and what the theorem does and does not assert; give at least one reason why this random
# network needs far more parameters than the threshold. (b) Take one target layer, $l = 1$
# ($x \mapsto Wx$ with $W \in B$), so that Theorem 1's random network has depth 2 like the networks
# of the lower bound, and a fixed failure probability $\delta$ (say $0.05$). The counting theorem
# gives hidden width $w = \Omega(d \log(1/\varepsilon))$ for depth-2 networks, and Theorem 1
# builds width $O(d \log(d/\varepsilon))$. Up to which factor is Theorem 1's width optimal here,
# and in which regime of $\varepsilon$ versus $d$ is it optimal up to a constant? Answer in 6 to 10
# sentences.

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.** (a) The counting theorem is a *necessary* condition, quantified over all
# networks: with fewer than $D \log_2(1/(2\varepsilon))$ parameters no network (any weights, any
# depth, random or not) can serve every $W \in B$, and more quantitatively no $2^m$ functions
# can serve more than a share $\min(1, 2^m \varepsilon^D)$ of $B$. It never says that a network
# with more parameters *does* serve them; it is silent above the threshold. The brute force
# respects it: the measured shares lie below the bound at every $m$. A random $U[-1, 1]$ network
# is far from an optimal code for $B$: products of weights are small, so the linear parts
# $\tfrac12 V_S U_S$ rarely reach norm 1; the even parts $\tfrac12 V_S \lvert U_S x \rvert$ count
# fully against the error; masks that differ only in dead units compute the same function, so
# there are far fewer than $2^m$ distinct functions; and the sufficient size of Theorem 1 carries
# the SubsetSum constant $C$ and a $\log(d l)$ from the union bound, which at $m \le 16$ is
# everything. Sufficiency is a separate theorem (chapters 2 to 4), asymptotic with its own
# constants. (b) With $l = 1$ and $\delta$ fixed, Theorem 1's $n$ is $O(\log(d/\min(\varepsilon,
# \delta)))$ $= O(\log(d/\varepsilon))$, a width $O(d \log(d/\varepsilon))$. The ratio of the two
# widths is $\log(d/\varepsilon)/\log(1/\varepsilon) = 1 + \log d/\log(1/\varepsilon)$, so
# Theorem 1 is optimal up to a constant factor and the additive $\log d$ term (the union bound
# over the $d^2$ weights; chapter 5's ratio plot grows linearly in $\log d$). When
# $\varepsilon \le d^{-c}$ for a constant $c > 0$, $\log d \le \tfrac1c \log(1/\varepsilon)$ and
# the width is optimal up to a constant; for fixed $\varepsilon$ and growing $d$ the gap is a
# factor $\Theta(\log d)$, which the paper neither closes nor proves necessary. (For $l$ layers
# Theorem 1 gives $O(d \log(d l/\min(\varepsilon, \delta)))$ per layer, but the lower bound is for
# one linear layer and says nothing about the dependence on $l$ or $\delta$.)
#
# **Rubric (3 points).** 1 point for (a), first part: the counting bound is necessary, not
# sufficient (a statement about every network below the threshold, none about a given network
# above it), with the observation that the measured shares respect $\min(1, 2^m\varepsilon^D)$,
# so there is no contradiction. 1 point for (a), second part: at least one concrete reason this
# random network needs more than the threshold (small products of uniform weights or limited
# reach, even parts counting against the error, duplicate functions among masks, the constant $C$
# and the $\log d$ of the sufficient size). 1 point for (b): with $l = 1$ and $\delta$ fixed,
# optimal up to a constant factor and the $\log d$ term, i.e. a factor
# $1 + \log d/\log(1/\varepsilon)$, with the regime $\varepsilon \le 1/\mathrm{poly}(d)$ giving
# optimality up to a constant (half a point if the $\log d$ gap is named without the regime).

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION
