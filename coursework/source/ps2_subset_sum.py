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
# name: ps2_subset_sum
# init_cell: false
# export_cell: false
# check_all_cell: true
# run_tests: true
# tests:
#   files: true
#   ok_format: false
# generate: true

# %% [markdown]
# # Problem set 2: Random SubsetSum
#
# This problem set builds on Chapter 2, Random SubsetSum. Notation as there and in the paper:
# coefficients $x_1, \dots, x_n$ (random: $X_1, \dots, X_n$ i.i.d.), a target $z$, a subset
# $S \subseteq \{1, \dots, n\}$ and the optimal error
# $\varepsilon^*(x, z) = \min_{S} \lvert z - \sum_{i \in S} x_i \rvert$ (the empty set has sum $0$).
#
# **How to work.** In Colab, first do *File → Save a copy in Drive* and work in that copy:
# changes to the notebook that the link opens are not kept. Run the set-up cell, then
# replace each `...` with your answer or your code and run the `grader.check("qK")` cell below the
# question: it runs the public tests (types, shapes, a small fixed case; a check of the format
# alone is worth no points). More tests, hidden from you, run at grading time on random cases and
# carry most of the points, so a green public check is necessary but not sufficient. The
# free-text answer (question 5) goes in the cell that says *Type your answer here* and is graded by
# hand with a rubric. Work on the CPU; nothing here needs a GPU. Unless a question says otherwise,
# you may use NumPy, `math` and `torch`, but not the solvers of `lthbook.subset_sum` inside your
# own functions (use them to check your work).
#
# **How to submit.** Hand in the notebook itself, as a `.ipynb` file: in Colab,
# *File → Download → Download .ipynb*; locally, the saved file.
#
# | Question | Kind | Points |
# |---|---|---|
# | 1. The counting bound for sparse tickets | derivation | 2 |
# | 2. The largest uniform component of the product law | derivation | 3 |
# | 3. The worst target of a draw | implementation | 4 |
# | 4. Meet in the middle, with the subset | implementation | 4 |
# | 5. Why Theorem 1 needs "for every $z$" | interpretation | 3 |
#
# **Estimated time:** 60 to 90 minutes.

# %%
# Set-up (problem set).
import math

import numpy as np
import torch
import otter

import lthbook
from lthbook import subset_sum

session = lthbook.setup(seed=0)
# No notebook path: in Colab the notebook is not a file of the working directory, and
# otter.Notebook("name.ipynb") would fail to read it. The checks need only tests/.
grader = otter.Notebook()

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 2

# %% [markdown]
# **Question 1 (derivation, 2 points).** *The counting bound for sparse tickets.* The counting
# lemma of Chapter 2 says that if the $2^n$ subset sums of $x_1, \dots, x_n$ approximate every
# $z \in [-1, 1]$ within $\varepsilon$, then $2^n \cdot 2\varepsilon \ge 2$. Suppose now that a
# ticket may keep **at most $k$** of the $n$ random coefficients of each instance: only subsets
# with $\lvert S \rvert \le k$ are allowed. (For $k = 1$ this is the one-random-weight-per-target
# matching of Malach et al., for $k = n$ it is SubsetSum.)
#
# Redo the counting argument for this restriction, and compute, for $k = 3$ and
# $\varepsilon = 0.0077$, the **least** $n$ that the counting argument does not rule out: for
# every smaller $n$, no $n$ coefficients, random or not, approximate every $z \in [-1, 1]$
# within $\varepsilon$ with subsets of size at most $k$. (At this least $n$ the argument rules
# nothing out, which does not mean that some $n$ coefficients succeed: the bound is necessary,
# not sufficient.) Store it, a Python `int`, in `q1_answer`. (Not graded, answer in a comment in
# the cell if you like: compare with the unrestricted bound $\lceil \log_2(1/\varepsilon)\rceil$;
# how does the required $n$ scale with $1/\varepsilon$ for fixed $k$?)

# %% [raw]
# # BEGIN SOLUTION

# %%
k, eps = 3, 0.0077  # the givens
""" # BEGIN PROMPT
q1_answer = ...
""" # END PROMPT
# BEGIN SOLUTION NO PROMPT
# Each allowed sum covers an interval of length 2 eps, and [-1, 1] has length 2, so the
# number of subsets of size <= k (the empty one included) times 2 eps must reach 2.
q1_answer = 1
while sum(math.comb(q1_answer, j) for j in range(k + 1)) * 2 * eps < 2:
    q1_answer += 1
print(f"k = {k}, eps = {eps:g}: n >= {q1_answer}; "
      f"unrestricted: n >= {math.ceil(math.log2(1 / eps))}")
# END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q1_answer should be a positive whole number, a Python int (the least n).
""" # END TEST CONFIG
def test_q1_type(q1_answer):
    assert isinstance(q1_answer, int) and not isinstance(q1_answer, bool), \
        f"q1_answer should be an int; got {type(q1_answer).__name__}"
    assert q1_answer > 0, "q1_answer should be positive"
test_q1_type(q1_answer)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 2
failure_message: Not the least n. Count the subsets with at most k elements (the empty set too, it gives the sum 0), require that count times 2ε to be at least 2, and check that n − 1 fails; an off-by-one is the usual slip.
""" # END TEST CONFIG
def test_q1_value(q1_answer):
    import math
    from fractions import Fraction
    # eps = 0.0077 is chosen so that the usual slips change the answer: without the empty set the
    # count at the least n (130) drops below 1/eps = 129.87..., and n + 1 or n - 1 are wrong too.
    k, need = 3, 1 / Fraction("0.0077")  # allowed sums needed: 2^n -> count, 2 / (2 eps)
    n = 1
    while sum(math.comb(n, j) for j in range(k + 1)) < need:
        n += 1
    assert q1_answer == n, "q1_answer is not the least n allowed by the counting argument"
test_q1_value(q1_answer)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# **Question 2 (derivation, 3 points).** *The largest uniform component of the product law.* Let
# $a, b$ be independent $U[-1, 1]$ and $Z = a b$, the law of the coefficients of the ReLU
# construction. Chapter 2's product-law lemma shows that $Z$ has density
# $p(z) = -\tfrac12 \ln\lvert z \rvert$ on $[-1, 1]$ and that its law is a mixture
# $Z \sim w \cdot U[-c, c] + (1 - w) \cdot Q$ with $c = \tfrac12$ and $w = \tfrac{\ln 2}{2}$, for some
# probability law $Q$.
#
# For a general $c \in (0, 1]$, let $w(c)$ be the **largest** weight $w$ for which such a mixture
# $Z \sim w \cdot U[-c, c] + (1 - w) \cdot Q_c$ exists. Derive $w(c)$, then find the $c^*$ that
# maximizes it and the maximal weight $w(c^*)$. Store $c^*$ in `q2_c` and $w(c^*)$ in `q2_weight`
# (Python floats, accurate to $10^{-3}$). (Not graded, answer in a comment in the cell if you
# like: why might one still prefer $c = \tfrac12$? Think about which targets the uniform part alone
# can reach.)

# %% [raw]
# # BEGIN SOLUTION

# %%
""" # BEGIN PROMPT
q2_c = ...
q2_weight = ...
""" # END PROMPT
# BEGIN SOLUTION NO PROMPT
# w * U[-c, c] has density w / (2c) on [-c, c]; it fits under p iff w / (2c) <= min_{|z|<=c} p(z)
# = -ln(c) / 2, so w(c) = -c ln c. d/dc: -ln c - 1 = 0 at c = 1/e, where w = 1/e.
q2_c = 1 / math.e
q2_weight = -q2_c * math.log(q2_c)
print(f"c* = {q2_c:.4f}, w(c*) = {q2_weight:.4f}; w(1/2) = {math.log(2) / 2:.4f}")
# END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q2_c and q2_weight should be Python floats in (0, 1).
""" # END TEST CONFIG
def test_q2_type(q2_c, q2_weight):
    for name, value in (("q2_c", q2_c), ("q2_weight", q2_weight)):
        assert isinstance(value, float), f"{name} should be a float; got {type(value).__name__}"
        assert 0 < value < 1, f"{name} should lie strictly between 0 and 1"
test_q2_type(q2_c, q2_weight)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: c* is off. Which value of the density limits a uniform component on [−c, c], and where does the resulting w(c) peak?
""" # END TEST CONFIG
def test_q2_c(q2_c):
    import numpy as np
    c = np.linspace(1e-6, 1.0, 1_000_001)
    best = c[np.argmax(-c * np.log(c))]  # the weight w(c) on a grid, maximised
    assert abs(q2_c - best) <= 1e-3, "q2_c does not maximise the weight of the uniform component"
test_q2_c(q2_c)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: The weight is off. A component w·U[−c, c] has density w/(2c) on [−c, c], which must fit under p everywhere there.
""" # END TEST CONFIG
def test_q2_weight(q2_weight):
    import numpy as np
    c = np.linspace(1e-6, 1.0, 1_000_001)
    # the largest w with w / (2c) <= min over |z| <= c of p(z), where p decreases in |z|
    p_at_c = -0.5 * np.log(c)
    assert abs(q2_weight - (2 * c * p_at_c).max()) <= 1e-3, "q2_weight is not the maximal weight"
test_q2_weight(q2_weight)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 4

# %% [markdown]
# **Question 3 (implementation, 4 points).** *The worst target of a draw.* For coefficients
# $x_1, \dots, x_n$ and an interval of targets $[\mathrm{lo}, \mathrm{hi}]$, the worst-case error is
# $\sup_{z \in [\mathrm{lo}, \mathrm{hi}]} \varepsilon^*(x, z)$. Chapter 2 computes its **value**
# from the sorted subset sums. Here you return also a **worst target** $z^\star$, a point of
# $[\mathrm{lo}, \mathrm{hi}]$ where the supremum is attained, so that a reader can check the claim
# with any solver.
#
# Implement `worst_target(x, lo, hi)` in $O(2^n n)$ time by enumerating and sorting the $2^n$
# subset sums. Mind the cases the chapter's derivation lists: the two ends of the interval, the
# midpoints of gaps that lie inside it, and intervals that reach beyond the smallest or largest sum
# (or contain no sum at all). The hidden tests compare with `lthbook.subset_sum.worst_case_error` and
# `lthbook.subset_sum.brute_force` on random uniform and product-law draws with $n \le 14$ and
# several intervals; do not call them inside your function.

# %% [raw]
# # BEGIN SOLUTION

# %%
def worst_target(x, lo=-1.0, hi=1.0):
    """The worst-case error of one draw over an interval of targets, and a target attaining it.

    Args:
        x: float64 NumPy array ``(n,)``, the coefficients x_1, ..., x_n, 1 <= n <= 14.
        lo, hi: floats with lo <= hi, the interval of targets [lo, hi].

    Returns:
        A pair of Python floats ``(error, z_star)``: error = sup over z in [lo, hi] of
        eps*(x, z) = min over S of |z - sum_{i in S} x_i|, and z_star in [lo, hi] with
        eps*(x, z_star) = error.
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    x = np.asarray(x, dtype=np.float64)
    sums = np.zeros(1)
    for coefficient in x:  # the sums without x_i, then with it
        sums = np.concatenate([sums, sums + coefficient])
    sums.sort()
    half_gaps = (sums[1:] - sums[:-1]) / 2
    midpoints = sums[:-1] + half_gaps
    inside = (midpoints >= lo) & (midpoints <= hi)
    candidates = np.concatenate([[lo, hi], midpoints[inside]])  # the ends and the local maxima
    above = np.searchsorted(sums, candidates).clip(max=len(sums) - 1)
    below = (above - 1).clip(min=0)
    errors = np.minimum(np.abs(candidates - sums[below]), np.abs(candidates - sums[above]))
    best = int(np.argmax(errors))
    return float(errors[best]), float(candidates[best])
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 1
failure_message: On the draws x = (0.5, −0.25) and x = (0.9, −0.8) over [−1, 1], worst_target should return two floats, the worst-case error and a target in [−1, 1] attaining it.
""" # END TEST CONFIG
def test_q3_fixed(worst_target):
    import numpy as np
    from lthbook import subset_sum
    # Two draws: the worst target of the first is an end of [-1, 1], that of the second lies
    # inside it (a midpoint of a gap), so that neither candidate set alone passes.
    for x in (np.array([0.5, -0.25]), np.array([0.9, -0.8])):
        result = worst_target(x, -1.0, 1.0)
        assert isinstance(result, tuple) and len(result) == 2, "return a pair (error, z_star)"
        error, z_star = result
        assert isinstance(error, float) and isinstance(z_star, float), "error and z_star should be floats"
        assert -1.0 <= z_star <= 1.0, "z_star should lie in [lo, hi]"
        expected = subset_sum.worst_case_error(x, -1.0, 1.0, device="cpu").item()
        assert abs(error - expected) <= 1e-12, f"error is not the worst-case error of the draw x = {x}"
        at_star = subset_sum.brute_force(x, z_star, device="cpu").error.item()
        assert abs(at_star - error) <= 1e-12, f"the optimal error at z_star is not the returned error (x = {x})"
test_q3_fixed(worst_target)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 2
failure_message: worst_target is wrong on random draws over [−1, 1] (where the worst target is sometimes an end of the interval, sometimes inside it), or it calls lthbook.subset_sum's solvers. Compare the ends of the interval with half the largest gap whose midpoint lies inside it, and return the target where the maximum occurs.
""" # END TEST CONFIG
def test_q3_random(worst_target):
    import numpy as np
    import torch
    from lthbook import subset_sum
    generator = torch.Generator().manual_seed(20)
    import contextlib

    @contextlib.contextmanager
    def without_solvers():  # the question forbids them inside the student's function
        names = ("solve", "brute_force", "milp", "worst_case_error")
        saved = {name: getattr(subset_sum, name) for name in names}

        def refuse(*args, **kwargs):
            raise RuntimeError("do not call lthbook.subset_sum's solvers inside your function")

        for name in names:
            setattr(subset_sum, name, refuse)
        try:
            yield
        finally:
            for name, function in saved.items():
                setattr(subset_sum, name, function)

    for law in ("uniform", "product"):
        for n in (1, 2, 3, 6, 10, 14):
            for x in subset_sum.sample_coefficients(4, n, law, generator=generator, device="cpu").numpy():
                with without_solvers():
                    error, z_star = worst_target(x, -1.0, 1.0)
                expected = subset_sum.worst_case_error(x, -1.0, 1.0, device="cpu").item()
                assert abs(error - expected) <= 1e-12, f"wrong worst-case error ({law} law, n = {n})"
                assert -1.0 <= z_star <= 1.0, f"z_star outside [lo, hi] ({law} law, n = {n})"
                at_star = subset_sum.brute_force(x, z_star, device="cpu").error.item()
                assert abs(at_star - error) <= 1e-12, f"z_star does not attain the error ({law} law, n = {n})"
test_q3_random(worst_target)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: worst_target is wrong on other intervals. Check intervals that reach beyond the sums, intervals between two sums, and lo = hi; sums outside [lo, hi] still count.
""" # END TEST CONFIG
def test_q3_intervals(worst_target):
    import numpy as np
    import torch
    from lthbook import subset_sum
    generator = torch.Generator().manual_seed(21)
    intervals = ((-0.3, 0.2), (0.4, 0.4), (1.5, 3.0), (-5.0, -4.0), (-2.0, 0.01), (0.0, 1e-4))
    for law in ("uniform", "product"):
        for n in (1, 4, 9, 12):
            for x in subset_sum.sample_coefficients(3, n, law, generator=generator, device="cpu").numpy():
                for lo, hi in intervals:
                    error, z_star = worst_target(x, lo, hi)
                    expected = subset_sum.worst_case_error(x, lo, hi, device="cpu").item()
                    assert abs(error - expected) <= 1e-12, f"wrong error on [{lo}, {hi}] ({law} law, n = {n})"
                    assert lo <= z_star <= hi, f"z_star outside [{lo}, {hi}]"
                    at_star = subset_sum.brute_force(x, z_star, device="cpu").error.item()
                    assert abs(at_star - error) <= 1e-12, f"z_star does not attain the error on [{lo}, {hi}]"
test_q3_intervals(worst_target)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 4

# %% [markdown]
# **Question 4 (implementation, 4 points).** *Meet in the middle, with the subset.* Chapter 2's
# meet-in-the-middle search returns only the optimal error $\varepsilon^*(x, z)$. A pruning
# construction needs the subset itself: the mask $S$ is the ticket. Implement
# `meet_in_the_middle(x, z)` that returns the optimal error **and a boolean mask of an optimal
# subset**, in $O(2^{n/2} n)$ time: enumerate the sums of the first half $A$ (the first $\lfloor n/2 \rfloor$
# coefficients) and of the second half $B$, sort the $B$ sums (keep track of which subset each sorted
# sum came from, e.g. with `np.argsort`), and for each sum $a$ binary search (`np.searchsorted`)
# the neighbours of $z - a$.
#
# The reported error must be that of the returned mask, $\lvert z - \sum_{i \in S} x_i \rvert$, up to
# float64 rounding. The hidden tests compare with `lthbook.subset_sum.brute_force` for $n \le 20$ and
# with `lthbook.subset_sum.solve` for $n = 36$, where trying all $2^{36}$ subsets is out of reach;
# targets may lie outside $[-1, 1]$.

# %% [raw]
# # BEGIN SOLUTION

# %%
def meet_in_the_middle(x, z):
    """An optimal subset of one SubsetSum instance, by meet in the middle.

    Args:
        x: float64 NumPy array ``(n,)``, the coefficients x_1, ..., x_n, 1 <= n <= 36.
        z: float, the target.

    Returns:
        A pair ``(error, mask)``: mask is a bool NumPy array ``(n,)``, the indicator of a subset
        S attaining eps*(x, z) = min over S of |z - sum_{i in S} x_i|, and error is the float
        |z - sum_{i in S} x_i|.
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    x = np.asarray(x, dtype=np.float64)
    n, half = len(x), len(x) // 2

    def sums_of(coefficients):  # entry m: the sum over the bits of m
        sums = np.zeros(1)
        for coefficient in coefficients:
            sums = np.concatenate([sums, sums + coefficient])
        return sums

    sums_a, sums_b = sums_of(x[:half]), sums_of(x[half:])
    order = np.argsort(sums_b, kind="stable")
    sorted_b = sums_b[order]
    wanted = z - sums_a  # what the B half should add to each a
    above = np.searchsorted(sorted_b, wanted).clip(max=len(sorted_b) - 1)
    below = (above - 1).clip(min=0)
    gap_below, gap_above = np.abs(wanted - sorted_b[below]), np.abs(wanted - sorted_b[above])
    partner = np.where(gap_below <= gap_above, below, above)
    index_a = int(np.argmin(np.minimum(gap_below, gap_above)))
    index_b = int(order[partner[index_a]])
    mask = np.concatenate([(index_a >> np.arange(half)) & 1, (index_b >> np.arange(n - half)) & 1]).astype(bool)
    return float(abs(z - x[mask].sum())), mask
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 1
failure_message: On the small fixed instance, meet_in_the_middle should return (error, mask) with a bool NumPy mask of shape (n,), an error equal to |z − Σ_{i∈S} x_i| for that mask, and the optimal error.
""" # END TEST CONFIG
def test_q4_fixed(meet_in_the_middle):
    import numpy as np
    from lthbook import subset_sum
    x, z = np.array([0.6, -0.35, 0.2, 0.05, -0.9]), 0.5
    result = meet_in_the_middle(x, z)
    assert isinstance(result, tuple) and len(result) == 2, "return a pair (error, mask)"
    error, mask = result
    assert isinstance(error, float), f"error should be a float; got {type(error).__name__}"
    assert isinstance(mask, np.ndarray), f"mask should be a NumPy array; got {type(mask).__name__}"
    assert mask.dtype == np.bool_ and mask.shape == x.shape, \
        f"mask should be bool with shape {x.shape}; got {mask.dtype}, {mask.shape}"
    value = subset_sum.subset_value(x, mask).item()
    assert abs(error - abs(z - value)) <= 1e-12, "error is not |z - sum of the masked coefficients|"
    optimum = subset_sum.brute_force(x, z, device="cpu").error.item()
    assert error <= optimum + 1e-12, "the mask is not optimal"
test_q4_fixed(meet_in_the_middle)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 2
failure_message: meet_in_the_middle is not optimal, or its error does not match its mask, on random instances with n ≤ 20, or it calls lthbook.subset_sum's solvers. Check odd n, n = 1 (an empty first half), targets outside [−1, 1], and that the mask of the B half comes from the unsorted index.
""" # END TEST CONFIG
def test_q4_random(meet_in_the_middle):
    import numpy as np
    import torch
    from lthbook import subset_sum
    generator = torch.Generator().manual_seed(30)
    rng = np.random.default_rng(31)
    import contextlib

    @contextlib.contextmanager
    def without_solvers():  # the question forbids them inside the student's function
        names = ("solve", "brute_force", "milp", "worst_case_error")
        saved = {name: getattr(subset_sum, name) for name in names}

        def refuse(*args, **kwargs):
            raise RuntimeError("do not call lthbook.subset_sum's solvers inside your function")

        for name in names:
            setattr(subset_sum, name, refuse)
        try:
            yield
        finally:
            for name, function in saved.items():
                setattr(subset_sum, name, function)

    for law in ("uniform", "product"):
        for n in (1, 2, 3, 5, 8, 11, 16, 20):
            xs = subset_sum.sample_coefficients(3, n, law, generator=generator, device="cpu").numpy()
            for x, z in zip(xs, rng.uniform(-2.0, 2.0, size=3)):
                with without_solvers():
                    error, mask = meet_in_the_middle(x, float(z))
                assert isinstance(mask, np.ndarray) and mask.dtype == np.bool_ and mask.shape == (n,), \
                    f"mask should be a bool array of shape ({n},)"
                tol = 4 * n * np.finfo(np.float64).eps * (np.abs(x).sum() + abs(z))
                value = subset_sum.subset_value(x, mask).item()
                assert abs(error - abs(z - value)) <= tol, f"error does not match the mask ({law}, n = {n})"
                optimum = subset_sum.brute_force(x, float(z), device="cpu").error.item()
                assert abs(z - value) <= optimum + tol, f"the mask is not optimal ({law} law, n = {n})"
test_q4_random(meet_in_the_middle)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: meet_in_the_middle is wrong, or too slow (more than a minute per instance), at n = 36. It must search 2·2^18 half sums, not 2^36 subsets.
""" # END TEST CONFIG
def test_q4_large(meet_in_the_middle):
    import os
    import signal
    import threading
    import numpy as np
    import torch
    from lthbook import subset_sum
    generator = torch.Generator().manual_seed(32)
    xs = subset_sum.sample_coefficients(3, 36, "uniform", generator=generator, device="cpu").numpy()
    targets = np.array([0.3, -0.9, 1.7])
    reference = subset_sum.solve(xs, targets, device="cpu").error.numpy()
    # A time limit per instance, so that a search over all 2^36 subsets fails this test instead
    # of hanging the grader (Unix, main thread; the instructors' page also sets a time limit).
    limit = float(os.environ.get("LTHBOOK_GRADING_TIME_LIMIT", "60"))

    def too_slow(signum, frame):
        raise TimeoutError(f"meet_in_the_middle took more than {limit:g} s on one instance with n = 36")

    def limited(*args):
        if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
            return meet_in_the_middle(*args)
        previous = signal.signal(signal.SIGALRM, too_slow)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return meet_in_the_middle(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    for x, z, optimum in zip(xs, targets, reference):
        error, mask = limited(x, float(z))
        assert isinstance(mask, np.ndarray) and mask.dtype == np.bool_ and mask.shape == (36,), \
            "mask should be a bool array of shape (36,)"
        tol = 4 * 36 * np.finfo(np.float64).eps * (np.abs(x).sum() + abs(z))
        value = subset_sum.subset_value(x, mask).item()
        assert abs(error - abs(z - value)) <= tol, "error does not match the mask at n = 36"
        assert abs(z - value) <= optimum + tol, "the mask is not optimal at n = 36"
test_q4_large(meet_in_the_middle)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q5
# manual: true
# points: 3

# %% [markdown]
# **Question 5 (interpretation, 3 points).** Lueker's theorem, as Chapter 2 states it, holds
# **simultaneously for all** targets: with probability at least $1 - \varepsilon$ over one draw of
# $X_1, \dots, X_n$, *every* $z \in [-1, 1]$ has a subset $S$ with
# $\lvert z - \sum_{i \in S} X_i \rvert \le \varepsilon$. A weaker, *per-target* version would say:
# for every $z$, with probability at least $1 - \varepsilon$, there is such an $S$.
#
# In a few sentences (about 150 to 250 words): (a) explain why Theorem 1, which draws **one** random
# network $g$ with weights $M_1, \dots, M_{2l}$ and then prunes it with masks $S_1, \dots, S_{2l}$ to
# approximate **every** target $f$ with layers $W_1, \dots, W_l$ ($\lVert W_i \rVert \le 1$), needs a
# guarantee that holds for all targets at once, for the one draw; (b) say over what the union bound
# of the proof runs when the uniform version is available, why that set does not depend on the
# target, and what it costs in $n$; (c) say what a union bound would have to run over if only the per-target version were
# available (with, as for SubsetSum, a per-target failure probability exponentially small in $n$),
# and what it would cost in $n$ (and hence in the width factor).

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.** (a) Theorem 1's quantifiers are "with probability $\ge 1-\delta$ over $M_1,
# \dots, M_{2l}$, **for every** target $f$ there are masks": the network is drawn first and the
# target may be chosen afterwards, even depending on the draw (a trained network, an adversary). In
# the construction, entry $W_{ij}$ of a target layer is matched by a SubsetSum instance whose
# coefficients $N_{ik} M_{kj}$ are fixed by the draw, while its target $z = W_{ij}$ ranges over
# $[-1, 1]$ as $f$ ranges over the class. So each instance must succeed for all $z$ at once. A
# per-target statement allows the bad draws to depend on $z$, and a union of a continuum of small
# bad events need not be small: in Chapter 2 the worst case over $z$ exceeds the typical
# per-target error by a factor of order $\ln 2^n$ (the largest of $2^n$ gaps), so for $\varepsilon$
# between the two the per-target statement holds while most draws fail some $z$.
#
# (b) With the uniform version the bad event of an instance, "some $z \in [-1, 1]$ is not
# $\varepsilon'$-approximable", involves only the random coefficients. The union bound runs over the
# finitely many instances, $O(d_{i-1} d_i)$ per layer and all $l$ layers, each with failure
# probability $\delta' \approx \delta / (l\, d^2)$; this costs only $O(\log(d l/\delta))$ in $n$.
# The instances share weights ($M_{kj}$ serves all rows $i$), but a union bound needs no
# independence.
#
# (c) Then the union bound must also run over targets, but only over the scalar target of each
# instance, not over whole target networks. Take a net of $[-1, 1]$ with spacing $\varepsilon'$
# ($O(1/\varepsilon')$ points) and ask the per-target statement at accuracy $\varepsilon'$ at every
# net point: a target $z$ is within $\varepsilon'$ of a net point $z'$, and the subset serving $z'$
# serves $z$ within $2\varepsilon'$. The union bound now runs over $O(l\, d^2 / \varepsilon')$
# events, each failing with probability $e^{-\Theta(n)}$, so $n = O(\log(d l/(\delta
# \varepsilon)))$: the width factor stays logarithmic, with $\log(1/\varepsilon)$ added inside the
# logarithm, which Theorem 1's $n$ has anyway. (This is how a uniform version is proved from a
# per-target one.) A union bound over a net of whole target networks, of size
# $(c/\varepsilon)^{\Theta(\sum_i d_{i-1} d_i)}$, would force $n$ polynomial in $d$ and $l$; it is
# not needed, because the instances decouple: each needs only its own scalar target to be served.
#
# **Rubric (3 points).** 1 point for (a): the order of quantifiers (one draw, then every target;
# the target may depend on the draw), tied to the instance coefficients being fixed while
# $W_{ij}$ varies. 1 point for (b): the union bound is over the $O(l\, d^2)$ SubsetSum instances, a
# set fixed by the architecture and not by the target, costing only a $\log(d l/\delta)$ term. 1
# point for (c): without uniformity the union bound runs, for each of the instances, over a finite
# net of its scalar target interval ($O(1/\varepsilon')$ points, a net point's subset serving every
# nearby $z$ within $2\varepsilon'$); with a per-target failure exponentially small in $n$ this costs
# only $O(\log(d l/(\delta \varepsilon)))$ in $n$, so the width factor stays logarithmic. Half a
# point for a union bound over a net of whole target networks (exponentially many in $d^2 l$, hence
# $n$ polynomial in $d$ and $l$): valid, but it misses that the instances decouple, and the
# polynomial cost is not what the per-target version forces. (Half a point each where the idea is
# right but vague.)

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION
