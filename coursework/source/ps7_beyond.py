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
# name: ps7_beyond
# init_cell: false
# export_cell: false
# check_all_cell: true
# run_tests: true
# tests:
#   files: true
#   ok_format: false
# generate: true

# %% [markdown]
# # Problem set 7: Beyond the paper
#
# This problem set builds on Chapter 7, Beyond the paper: the depth $l + 1$ construction
# (`lthbook.shallow_construction`), SubsetSum with a size limit (`lthbook.fixed_size_subset_sum`)
# and plant and seek (`lthbook.plant_and_seek`). Notation as there: a target
# $f(x) = W_l\,\sigma(W_{l-1} \cdots \sigma(W_1 x))$ with widths $(d_0, \dots, d_l)$ and
# $\lVert W_i \rVert_2 \le 1$; Theorem 1's random network has depth $2l$ and blocks of $2n$ hidden
# units per input of each target layer; the depth $l + 1$ network has a univariate first layer of
# $2n$ units per input, then one random layer per target layer whose units are $\rho$ copies of
# each target neuron ($r_i = \rho\, d_i$ units for $i < l$, and $r_l = d_l$: one copy of each
# output). All random weights are i.i.d. $U[-1, 1]$, and there are no biases.
#
# **How to work.** In Colab, first do *File → Save a copy in Drive* and work in that copy:
# changes to the notebook that the link opens are not kept. Run the set-up cell, then
# replace each `...` with your answer or your code and run the `grader.check("qK")` cell below the
# question: it runs the public tests (types, shapes, a small fixed case; a check of the format
# alone is worth no points). More tests, hidden from you, run at grading time on random cases and
# carry most of the points, so a green public check is necessary but not sufficient. The
# free-text answer (question 5) goes in the cell that says *Type your answer here* and is graded by
# hand with a rubric. Work on the CPU; nothing here needs a GPU. You may use NumPy, `math` and
# `torch`, but not the package functions that compute an answer for you: not
# `shallow_construction.shallow_size` (question 2), not `fixed_size_subset_sum.solve_fixed_size`
# or any solver of `lthbook.subset_sum` (question 3), not `plant_and_seek.mask_overlap` or
# `layer_overlaps` (question 4) inside your own code; use them to check your work.
#
# **How to submit.** Hand in the notebook itself, as a `.ipynb` file: in Colab,
# *File → Download → Download .ipynb*; locally, the saved file.
#
# | Question | Kind | Points |
# |---|---|---|
# | 1. Random weights: depth $l + 1$ against $2l$ | derivation | 2 |
# | 2. The price of depth $l + 1$ in the error propagation | derivation | 3 |
# | 3. The best subset of at most $k$ coefficients | implementation | 4 |
# | 4. How much of the planted ticket was found | implementation | 3 |
# | 5. What a found ticket's overlap says | interpretation | 3 |
#
# Total: 15 points. **Estimated time:** 60 to 90 minutes.

# %%
# Set-up (problem set).
import math

import numpy as np
import torch
import otter

import lthbook
from lthbook import construction, fixed_size_subset_sum, plant_and_seek, shallow_construction, subset_sum

session = lthbook.setup(seed=0)
# No notebook path: in Colab the notebook is not a file of the working directory, and
# otter.Notebook("name.ipynb") would fail to read it. The checks need only tests/.
grader = otter.Notebook()

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 2

# %% [markdown]
# **Question 1 (derivation, 2 points).** *Random weights: depth $l + 1$ against $2l$.* Count the
# random weights (all entries of all weight matrices, before pruning) of the two random networks
# for a target with widths $(d_0, d_1, d_2, d_3) = (10, 20, 20, 5)$ (given as `q1_widths`):
#
# 1. the depth $l + 1$ network with $n = 12$ (blocks of $2n$ univariate units per input) and
#    $\rho = 8$ copies per hidden target neuron, in `q1_shallow_weights`;
# 2. Theorem 1's depth $2l$ network with the same $n = 12$, in `q1_theorem_1_weights`.
#
# Both are Python `int`s. Write the general formula in $d_0, \dots, d_l$, $n$ and $\rho$ first, then
# evaluate it. (The chapter's exercise *The price of depth $l + 1$, counted* does this for $l = 2$
# and $n = \rho$; here $l = 3$, so that a layer of copies reads the copies of the previous one, and
# $n \ne \rho$, so that the two sizes cannot be confused.) (Not graded, answer in a comment in the cell if
# you like: which layer dominates the count of the depth $l + 1$ network, and how does it grow
# with $\rho$?)

# %%
q1_widths = (10, 20, 20, 5)
q1_n, q1_rho = 12, 8

# %% [raw]
# # BEGIN SOLUTION

# %%
""" # BEGIN PROMPT
q1_shallow_weights = ...
q1_theorem_1_weights = ...
""" # END PROMPT
# BEGIN SOLUTION NO PROMPT
# Depth l + 1: M_1 is (2n d_0) x d_0 (the univariate layer, all entries drawn, only the block
# diagonal kept); M_2 is r_1 x 2n d_0; M_{i+1} is r_i x rho d_{i-1} for i >= 2; r_i = rho d_i for
# i < l and r_l = d_l.
depth = len(q1_widths) - 1
rows = [q1_rho * q1_widths[i] if i < depth else q1_widths[i] for i in range(1, depth + 1)]
q1_shallow_weights = 2 * q1_n * q1_widths[0] * q1_widths[0] + rows[0] * 2 * q1_n * q1_widths[0]
q1_shallow_weights += sum(rows[i - 1] * q1_rho * q1_widths[i - 1] for i in range(2, depth + 1))
# Theorem 1: per target layer, M_{2i-1} is (2n d_{i-1}) x d_{i-1} and M_{2i} is d_i x 2n d_{i-1}.
q1_theorem_1_weights = sum(
    2 * q1_n * q1_widths[i - 1] * (q1_widths[i - 1] + q1_widths[i]) for i in range(1, depth + 1)
)
print(f"depth l + 1: {q1_shallow_weights} random weights; Theorem 1: {q1_theorem_1_weights}")
# The layers of copies dominate: r_1 * 2n d_0 and r_i * rho d_{i-1} grow like rho n and rho^2.
# END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q1_shallow_weights and q1_theorem_1_weights should be positive whole numbers (Python ints).
""" # END TEST CONFIG
def test_q1_types(q1_shallow_weights, q1_theorem_1_weights):
    for name, value in (("q1_shallow_weights", q1_shallow_weights), ("q1_theorem_1_weights", q1_theorem_1_weights)):
        assert isinstance(value, int) and not isinstance(value, bool), \
            f"{name} should be an int; got {type(value).__name__}"
        assert value > 0, f"{name} should be positive"
test_q1_types(q1_shallow_weights, q1_theorem_1_weights)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: q1_shallow_weights is not the number of random weights of the depth l + 1 network. Count every matrix, the univariate first layer included (all its 2n d_0 × d_0 entries are drawn), with r_i = ρ d_i copies for i < l but r_l = d_l, and layers i ≥ 2 reading the ρ d_{i−1} copies (not 2n d_{i−1} units).
""" # END TEST CONFIG
def test_q1_shallow(q1_shallow_weights):
    import torch
    from lthbook import shallow_construction
    network = shallow_construction.ShallowNetwork.sample(
        (10, 20, 20, 5), 12, 8, generator=torch.Generator().manual_seed(0), device="cpu"
    )
    assert q1_shallow_weights == network.num_parameters, "not the depth l + 1 network's number of weights"
test_q1_shallow(q1_shallow_weights)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: q1_theorem_1_weights is not the number of random weights of Theorem 1's network. Each target layer i has a pair M_{2i−1} ((2n d_{i−1}) × d_{i−1}) and M_{2i} (d_i × 2n d_{i−1}), blocks of 2n units, not n.
""" # END TEST CONFIG
def test_q1_theorem_1(q1_theorem_1_weights):
    import torch
    from lthbook import construction
    network = construction.RandomNetwork.sample(
        (10, 20, 20, 5), 12, generator=torch.Generator().manual_seed(0), device="cpu"
    )
    assert q1_theorem_1_weights == network.num_parameters, "not Theorem 1's number of weights"
test_q1_theorem_1(q1_theorem_1_weights)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# **Question 2 (derivation, 3 points).** *The price of depth $l + 1$ in the error propagation.*
# Chapter 7 proves that the pruned depth $l + 1$ network $g_S$ satisfies
# $\sup_{\lVert x \rVert_2 \le 1} \lVert f(x) - g_S(x) \rVert_2 \le e_l$ with
#
# $$
# e_1 = \eta_1, \qquad e_i = \pi_i\, e_{i-1} + \eta_i\, \nu_{i-1} \quad (i = 2, \dots, l),
# $$
#
# where $\nu_i = \lVert W_1 \rVert_2 \cdots \lVert W_i \rVert_2 \le 1$,
# $\eta_1 = \lVert E_1 \rVert_2$ for the $r_1 \times 2 d_0$ matrix
# $E_1 = [A^+_1 - R_1 W_1 \mid A^-_1 + R_1 W_1]$ whose entries are the residuals of the first
# layer's SubsetSum instances (one per copy row, input and sign), $\eta_i = \lVert A_i - R_i W_i
# \rVert_2$ for the $r_i \times d_{i-1}$ matrix of the residuals of the instances over the copies
# ($i \ge 2$), and $\pi_i = \lVert S_{i+1} \odot M_{i+1} \rVert_2$, the pruned $r_i \times \rho\,
# d_{i-1}$ matrix of layer $i$.
#
# 1. Suppose every SubsetSum instance has residual at most $\varepsilon'$ in absolute value.
#    Bound every spectral norm by the Frobenius norm of its matrix, every residual by
#    $\varepsilon'$, every entry of $S_{i+1} \odot M_{i+1}$ by $1$ (keeping all of them, the worst
#    case), and $\nu_{i-1}$ by $1$. This gives $e_l \le \varepsilon' K$ for a $K$ that depends only
#    on the widths and $\rho$. Derive $K$, and store its value for widths $(4, 8, 8, 2)$ and
#    $\rho = 6$ (given as `q2_widths`, `q2_rho`) in `q2_K`, a float.
# 2. The chapter's sizing rule takes $n = \rho$, asks every instance for $\varepsilon' =
#    \varepsilon / (2K(\rho))$, spreads the failure probability over the
#    $N(\rho) = 2 r_1 d_0 + \sum_{i \ge 2} r_i d_{i-1}$ instances, $\delta' = \delta / N(\rho)$, and
#    chooses the **least** $\rho \ge 1$ with $\rho \ge C \log_2\bigl(2 / \min(\varepsilon'(\rho),
#    \delta'(\rho))\bigr)$. Store that $\rho$ for the same widths, $\varepsilon = 0.01$,
#    $\delta = 0.05$ and $C = 2$ (given) in `q2_rho`, a Python `int`. Note that $K$ and $N$
#    change with $\rho$.
#
# (Not graded, answer in a comment if you like: Theorem 1's recursion has the factor
# $\lVert W_i \rVert_2 \le 1$ where this one has $\pi_i$. How does $K$ grow with $\rho$ for
# $l = 3$, and why does the sizing rule still end with $\rho$ logarithmic in $1/\varepsilon$?)

# %%
q2_widths, q2_rho = (4, 8, 8, 2), 6  # part 1
q2_eps, q2_delta, q2_C = 0.01, 0.05, 2.0  # part 2

# %% [raw]
# # BEGIN SOLUTION

# %%
""" # BEGIN PROMPT
q2_K = ...
q2_rho = ...
""" # END PROMPT
# BEGIN SOLUTION NO PROMPT
def amplification_and_instances(widths, rho):
    """K(rho) and N(rho) of the sizing rule.

    Args:
        widths: the target widths (d_0, ..., d_l).
        rho: copies per hidden target neuron.

    Returns:
        (K, N): e_l <= eps' K when every instance is within eps'; N instances in all.
    """
    depth = len(widths) - 1
    rows = [rho * widths[i] if i < depth else widths[i] for i in range(1, depth + 1)]
    # ||E||_2 <= ||E||_F <= eps' sqrt(entries): 2 r_1 d_0 entries in layer 1, r_i d_{i-1} later.
    entries = [2 * rows[0] * widths[0]] + [rows[i - 1] * widths[i - 1] for i in range(2, depth + 1)]
    # pi_i <= ||S ⊙ M||_F <= sqrt(r_i rho d_{i-1}), for i = 2, ..., l.
    gains = [math.sqrt(rows[i - 1] * rho * widths[i - 1]) for i in range(2, depth + 1)]
    # Unrolled: e_l <= eps' sum_i sqrt(entries_i) prod_{k > i} pi_k.
    total = sum(math.sqrt(entries[i]) * math.prod(gains[i:]) for i in range(depth))
    return total, sum(entries)


q2_K = float(amplification_and_instances(q2_widths, q2_rho)[0])
q2_rho = 1
while True:  # the right side grows with rho: iterate rho <- ceil(C log2(2 / eps'')) from 1
    K, N = amplification_and_instances(q2_widths, q2_rho)
    needed = max(1, math.ceil(q2_C * math.log2(2 / min(q2_eps / (2 * K), q2_delta / N))))
    if needed <= q2_rho:
        break
    q2_rho = needed
print(f"K = {q2_K:g} (widths {q2_widths}, rho = 6); sizing rule: rho = {q2_rho}")
# END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q2_K should be a float of at least 1, and q2_rho a positive whole number (a Python int).
""" # END TEST CONFIG
def test_q2_types(q2_K, q2_rho):
    assert isinstance(q2_K, float), f"q2_K should be a float; got {type(q2_K).__name__}"
    assert q2_K >= 1, "q2_K should be at least 1 (the last layer's residuals alone give more)"
    assert isinstance(q2_rho, int) and not isinstance(q2_rho, bool), \
        f"q2_rho should be an int; got {type(q2_rho).__name__}"
    assert q2_rho >= 1, "q2_rho should be positive"
test_q2_types(q2_K, q2_rho)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: q2_K is not the K of the bound. Unroll the recursion, e_l ≤ Σ_i η_i Π_{k>i} π_k. Then η_1 ≤ ε′√(2 r_1 d_0) (E_1 has two columns per input), η_i ≤ ε′√(r_i d_{i−1}), and π_i ≤ √(r_i ρ d_{i−1}), which is not 1; remember r_l = d_l.
""" # END TEST CONFIG
def test_q2_K(q2_K):
    import math
    widths, rho = (4, 8, 8, 2), 6
    rows = [rho * 8, rho * 8, 2]  # r_1, r_2, r_3 = d_3
    eta = [math.sqrt(2 * rows[0] * widths[0]), math.sqrt(rows[1] * widths[1]), math.sqrt(rows[2] * widths[2])]
    pi = [None, math.sqrt(rows[1] * rho * widths[1]), math.sqrt(rows[2] * rho * widths[2])]
    expected = eta[0]
    for i in (1, 2):
        expected = pi[i] * expected + eta[i]
    assert math.isclose(q2_K, expected, rel_tol=1e-9), "q2_K is not the K of the propagated bound"
test_q2_K(q2_K)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: q2_rho is not the least ρ of the sizing rule. Recompute K(ρ) and N(ρ) for every ρ you try (not K(6)), take ε′ = ε/(2K(ρ)) and δ′ = δ/N(ρ) and the smaller of the two, use log base 2, and take the least ρ with ρ ≥ C log₂(2/min(ε′, δ′)).
""" # END TEST CONFIG
def test_q2_rho(q2_rho):
    from lthbook import shallow_construction
    expected = shallow_construction.shallow_size(0.01, 0.05, (4, 8, 8, 2), constant=2.0).rho
    assert q2_rho == expected, "q2_rho is not the least rho of the sizing rule"
test_q2_rho(q2_rho)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 4

# %% [markdown]
# **Question 3 (implementation, 4 points).** *The best subset of at most $k$ coefficients.* A
# sparse ticket keeps few coefficients of each SubsetSum instance. Implement
# `best_subset_at_most(x, z, k)`, which returns the optimal error
# $\varepsilon_{\le k}(x, z) = \min_{\lvert S \rvert \le k} \lvert z - \sum_{i \in S} x_i \rvert$
# (the empty set, with sum $0$, is allowed) **and a boolean mask of an optimal subset**, by meet in
# the middle **grouped by subset size**: split $x$ into $A$ (the first $\lfloor n/2 \rfloor$
# coefficients) and $B$ (the rest); enumerate the sums of each half together with their sizes; sort
# $B$'s sums within each size group (keep track of which subset each sorted sum came from); and
# for each size $i$ of $A$'s part and each allowed size $s \le k - i$ of $B$'s part, binary search
# (`np.searchsorted`) the neighbours of $z - a$ among $B$'s sums of size $s$. That is at most
# $(k + 1)\, 2^{\lceil n/2 \rceil}$ binary searches instead of $2^n$ sums.
#
# The reported error must be that of the returned mask, $\lvert z - \sum_{i \in S} x_i \rvert$, up
# to float64 rounding, and the mask may keep at most $k$ coefficients. When several subsets are
# optimal, any of them is accepted. The hidden tests compare with
# `fixed_size_subset_sum.solve_fixed_size(..., at_most=True)` on random uniform and product-law
# instances with $n \le 16$ and every kind of $k$ ($k = 0$, $k = 1$, $k = n$), on instances with
# repeated coefficients and targets best served by the empty set, and at $n = 30$, where trying
# all subsets is out of reach; do not call the package's solvers inside your function.

# %% [raw]
# # BEGIN SOLUTION

# %%
def best_subset_at_most(x, z, k):
    """An optimal subset of at most k coefficients, by meet in the middle grouped by size.

    Args:
        x: float64 NumPy array ``(n,)``, the coefficients x_1, ..., x_n, 1 <= n <= 30.
        z: float, the target.
        k: int, 0 <= k <= n, the most coefficients the subset may keep.

    Returns:
        A pair ``(error, mask)``: mask is a bool NumPy array ``(n,)`` with at most k True
        entries, the indicator of a subset S attaining min over |S| <= k of
        |z - sum_{i in S} x_i|, and error is the float |z - sum_{i in S} x_i|.
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    x = np.asarray(x, dtype=np.float64)
    n, half = len(x), len(x) // 2

    def sums_and_sizes(coefficients):  # entry m: the subset given by the bits of m
        sums, sizes = np.zeros(1), np.zeros(1, dtype=np.int64)
        for coefficient in coefficients:
            sums, sizes = np.concatenate([sums, sums + coefficient]), np.concatenate([sizes, sizes + 1])
        return sums, sizes

    sums_a, sizes_a = sums_and_sizes(x[:half])
    sums_b, sizes_b = sums_and_sizes(x[half:])
    groups = {}  # size s -> (indices of B's subsets of size s, their sums sorted, the order)
    for s in range(n - half + 1):
        members = np.flatnonzero(sizes_b == s)
        order = np.argsort(sums_b[members], kind="stable")
        groups[s] = (members[order], sums_b[members][order])
    best_error, best_a, best_b = math.inf, 0, 0
    for i in range(min(half, k) + 1):
        members_a = np.flatnonzero(sizes_a == i)
        wanted = z - sums_a[members_a]  # what B's part should add to each a
        for s in range(min(k - i, n - half) + 1):
            members_b, sorted_b = groups[s]
            above = np.searchsorted(sorted_b, wanted).clip(max=len(sorted_b) - 1)
            below = (above - 1).clip(min=0)
            gap_below, gap_above = np.abs(wanted - sorted_b[below]), np.abs(wanted - sorted_b[above])
            partner = np.where(gap_below <= gap_above, below, above)
            gaps = np.minimum(gap_below, gap_above)
            t = int(np.argmin(gaps))
            if gaps[t] < best_error:
                best_error, best_a, best_b = gaps[t], int(members_a[t]), int(members_b[partner[t]])
    mask = np.concatenate([(best_a >> np.arange(half)) & 1, (best_b >> np.arange(n - half)) & 1]).astype(bool)
    return float(abs(z - x[mask].sum())), mask
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0.5
failure_message: On the small fixed instance (k = 2), best_subset_at_most should return (error, mask) with a bool NumPy mask of shape (n,) keeping at most k coefficients, an error equal to |z − Σ_{i∈S} x_i| for that mask, and the optimal error among subsets of size at most k.
""" # END TEST CONFIG
def test_q3_fixed(best_subset_at_most):
    import numpy as np
    from lthbook import fixed_size_subset_sum, subset_sum
    x, z, k = np.array([0.6, -0.35, 0.2, 0.05, -0.9]), 0.5, 2
    result = best_subset_at_most(x, z, k)
    assert isinstance(result, tuple) and len(result) == 2, "return a pair (error, mask)"
    error, mask = result
    assert isinstance(error, float), f"error should be a float; got {type(error).__name__}"
    assert isinstance(mask, np.ndarray), f"mask should be a NumPy array; got {type(mask).__name__}"
    assert mask.dtype == np.bool_ and mask.shape == x.shape, \
        f"mask should be bool with shape {x.shape}; got {mask.dtype}, {mask.shape}"
    assert mask.sum() <= k, f"the mask keeps {int(mask.sum())} coefficients, more than k = {k}"
    value = subset_sum.subset_value(x, mask).item()
    assert abs(error - abs(z - value)) <= 1e-12, "error is not |z - sum of the masked coefficients|"
    optimum = fixed_size_subset_sum.solve_fixed_size(x, z, k, at_most=True, device="cpu").error.item()
    assert error <= optimum + 1e-12, "the mask is not optimal among subsets of size at most k"
test_q3_fixed(best_subset_at_most)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: best_subset_at_most is not optimal, keeps more than k coefficients, or reports an error that does not match its mask, on random instances with n ≤ 16 and 1 ≤ k ≤ n; or it calls the package's solvers. Allow every size from 0 to k (not exactly k), combine every size i of A's part with every size s ≤ k − i of B's part, and take the mask of B's part from the unsorted index.
""" # END TEST CONFIG
def test_q3_random(best_subset_at_most):
    import contextlib
    import numpy as np
    import torch
    from lthbook import fixed_size_subset_sum, subset_sum

    @contextlib.contextmanager
    def without_solvers():  # the question forbids them inside the student's function
        refused = [
            (fixed_size_subset_sum, ("solve_fixed_size", "fixed_size_worst_case_error")),
            (subset_sum, ("solve", "brute_force", "milp", "worst_case_error")),
        ]
        saved = [(module, name, getattr(module, name)) for module, names in refused for name in names]

        def refuse(*args, **kwargs):
            raise RuntimeError("do not call the package's solvers inside your function")

        for module, name, _ in saved:
            setattr(module, name, refuse)
        try:
            yield
        finally:
            for module, name, function in saved:
                setattr(module, name, function)

    generator = torch.Generator().manual_seed(70)
    rng = np.random.default_rng(71)
    for law in ("uniform", "product"):
        for n in (1, 2, 3, 5, 8, 11, 16):
            xs = subset_sum.sample_coefficients(4, n, law, generator=generator, device="cpu").numpy()
            ks = (1, max(1, n // 3), max(1, (2 * n) // 3), n)
            for x, z, k in zip(xs, rng.uniform(-2.0, 2.0, size=4), ks):
                with without_solvers():
                    error, mask = best_subset_at_most(x, float(z), k)
                assert isinstance(mask, np.ndarray) and mask.dtype == np.bool_ and mask.shape == (n,), \
                    f"mask should be a bool array of shape ({n},)"
                assert mask.sum() <= k, f"the mask keeps more than k = {k} coefficients ({law} law, n = {n})"
                tol = 4 * n * np.finfo(np.float64).eps * (np.abs(x).sum() + abs(z))
                value = subset_sum.subset_value(x, mask).item()
                assert abs(error - abs(z - value)) <= tol, f"error does not match the mask ({law}, n = {n}, k = {k})"
                optimum = fixed_size_subset_sum.solve_fixed_size(x, float(z), k, at_most=True, device="cpu")
                assert abs(z - value) <= optimum.error.item() + tol, \
                    f"the mask is not optimal ({law} law, n = {n}, k = {k})"
test_q3_random(best_subset_at_most)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: best_subset_at_most is wrong on the edge cases, k = 0 (only the empty set), a target best served by the empty set, k = n, n = 1 (an empty first half), and repeated coefficients (a mask built from values instead of positions keeps every copy).
""" # END TEST CONFIG
def test_q3_edge_cases(best_subset_at_most):
    import numpy as np
    from lthbook import fixed_size_subset_sum, subset_sum
    cases = (
        (np.array([0.3, -0.7, 0.45]), 0.9, 0),  # only the empty set: error 0.9
        (np.array([0.5, -0.3, 0.8]), 0.05, 1),  # the empty set beats every single coefficient
        (np.array([0.4, -0.4, 0.25, -0.25, 0.6, -0.6]), 0.0, 3),  # 0 by the empty set or a pair
        (np.array([0.31, -0.62, 0.17, 0.88, -0.45, 0.09, 0.73]), 0.37, 7),  # k = n: no limit
        (np.array([0.7]), 0.6, 1),  # n = 1
        (np.array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), 1.2, 2),  # ties: two of six equal coefficients
        (np.array([0.25, 0.25, -0.4, 0.25, 0.25]), 0.5, 2),
    )
    for x, z, k in cases:
        error, mask = best_subset_at_most(x, z, k)
        n = len(x)
        assert isinstance(mask, np.ndarray) and mask.dtype == np.bool_ and mask.shape == (n,), \
            f"mask should be a bool array of shape ({n},)"
        assert mask.sum() <= k, f"the mask keeps more than k = {k} coefficients (x = {x})"
        tol = 4 * n * np.finfo(np.float64).eps * (np.abs(x).sum() + abs(z))
        value = subset_sum.subset_value(x, mask).item()
        assert abs(error - abs(z - value)) <= tol, f"error does not match the mask (x = {x}, k = {k})"
        optimum = fixed_size_subset_sum.solve_fixed_size(x, z, k, at_most=True, device="cpu").error.item()
        assert abs(z - value) <= optimum + tol, f"not optimal for x = {x}, z = {z}, k = {k}"
test_q3_edge_cases(best_subset_at_most)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: best_subset_at_most is wrong, or too slow (more than a minute per instance), at n = 30 with k between 10 and 16. It must search the 2·2^15 sums of the halves, not the subsets of size at most k one by one.
""" # END TEST CONFIG
def test_q3_large(best_subset_at_most):
    import os
    import signal
    import threading
    import numpy as np
    import torch
    from lthbook import fixed_size_subset_sum, subset_sum
    generator = torch.Generator().manual_seed(72)
    xs = subset_sum.sample_coefficients(3, 30, "uniform", generator=generator, device="cpu").numpy()
    targets, ks = (0.3, -1.7, 2.4), (12, 10, 16)
    # A time limit per instance, so that an enumeration of all subsets of size <= k fails this test
    # instead of hanging the grader (Unix, main thread; the instructors' page also sets a limit).
    limit = float(os.environ.get("LTHBOOK_GRADING_TIME_LIMIT", "60"))

    def too_slow(signum, frame):
        raise TimeoutError(f"best_subset_at_most took more than {limit:g} s on one instance with n = 30")

    def limited(*args):
        if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
            return best_subset_at_most(*args)
        previous = signal.signal(signal.SIGALRM, too_slow)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return best_subset_at_most(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    for x, z, k in zip(xs, targets, ks):
        error, mask = limited(x, z, k)
        assert isinstance(mask, np.ndarray) and mask.dtype == np.bool_ and mask.shape == (30,), \
            "mask should be a bool array of shape (30,)"
        assert mask.sum() <= k, f"the mask keeps more than k = {k} coefficients at n = 30"
        tol = 4 * 30 * np.finfo(np.float64).eps * (np.abs(x).sum() + abs(z))
        value = subset_sum.subset_value(x, mask).item()
        assert abs(error - abs(z - value)) <= tol, "error does not match the mask at n = 30"
        optimum = fixed_size_subset_sum.solve_fixed_size(x, z, k, at_most=True, device="cpu").error.item()
        assert abs(z - value) <= optimum + tol, f"the mask is not optimal at n = 30, k = {k}"
test_q3_large(best_subset_at_most)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 3

# %% [markdown]
# **Question 4 (implementation, 3 points).** *How much of the planted ticket was found.* Chapter 7
# plants Theorem 1's certified ticket $S^*$ in a random network, runs edge-popup on the same frozen
# weights, and compares the mask $M$ it finds with $S^*$, layer by layer, as sets of kept weights:
#
# $$
# \text{precision} = \frac{\lvert M \cap S^* \rvert}{\lvert M \rvert}, \qquad
# \text{recall} = \frac{\lvert M \cap S^* \rvert}{\lvert S^* \rvert}, \qquad
# \text{Jaccard} = \frac{\lvert M \cap S^* \rvert}{\lvert M \cup S^* \rvert}.
# $$
#
# Implement `overlap(found, planted)` for two bool NumPy arrays of the same shape (any shape: a
# layer's mask is a matrix), returning the three as Python floats (the chapter's exercise *Overlap
# by hand* computes one Jaccard index; here all three, for every case), with the conventions of the
# package: precision is `nan` when $M$ is empty, recall is `nan` when $S^*$ is empty, and the
# Jaccard index is `1.0` when both are empty (the two sets are equal). Do not call
# `plant_and_seek.mask_overlap` or `layer_overlaps` inside your function: the hidden tests compare
# with it on random masks of several shapes and densities, and check the conventions on empty,
# equal and disjoint masks.

# %% [raw]
# # BEGIN SOLUTION

# %%
def overlap(found, planted):
    """Precision, recall and Jaccard index of a found mask against a planted one.

    Args:
        found: bool NumPy array, the found mask M.
        planted: bool NumPy array of the same shape, the planted mask S*.

    Returns:
        A tuple of three Python floats ``(precision, recall, jaccard)``: |M ∩ S*| / |M| (nan when M
        is empty), |M ∩ S*| / |S*| (nan when S* is empty), |M ∩ S*| / |M ∪ S*| (1.0 when both are
        empty).
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    found, planted = np.asarray(found, dtype=bool), np.asarray(planted, dtype=bool)
    common = int(np.count_nonzero(found & planted))
    size_found, size_planted = int(np.count_nonzero(found)), int(np.count_nonzero(planted))
    union = int(np.count_nonzero(found | planted))
    precision = common / size_found if size_found else math.nan
    recall = common / size_planted if size_planted else math.nan
    jaccard = common / union if union else 1.0
    return float(precision), float(recall), float(jaccard)
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 1
failure_message: On the fixed 2 × 3 masks (M keeps 3 weights, S* keeps 2, 1 in common), overlap should return three Python floats, precision 1/3, recall 1/2 and Jaccard 1/4.
""" # END TEST CONFIG
def test_q4_fixed(overlap):
    import math
    import numpy as np
    found = np.array([[True, True, False], [False, True, False]])
    planted = np.array([[True, False, False], [False, False, True]])
    result = overlap(found, planted)
    assert isinstance(result, tuple) and len(result) == 3, "return a tuple (precision, recall, jaccard)"
    assert all(isinstance(value, float) for value in result), "the three values should be Python floats"
    for name, value, expected in zip(("precision", "recall", "jaccard"), result, (1 / 3, 1 / 2, 1 / 4)):
        assert math.isclose(value, expected, rel_tol=1e-12), f"{name} should be {expected:.4f}; got {value}"
test_q4_fixed(overlap)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: overlap differs from plant_and_seek.mask_overlap on random masks of several shapes and densities (M and S* of different sizes), or it calls plant_and_seek's functions. Precision divides the common count by |M| (the found mask), recall by |S*| (the planted one), Jaccard by the union; count kept weights over the whole matrix.
""" # END TEST CONFIG
def test_q4_random(overlap):
    import contextlib
    import math
    import numpy as np
    import torch
    from lthbook import plant_and_seek

    @contextlib.contextmanager
    def without_library():  # the question forbids them inside the student's function
        saved = {name: getattr(plant_and_seek, name) for name in ("mask_overlap", "layer_overlaps")}

        def refuse(*args, **kwargs):
            raise RuntimeError("do not call plant_and_seek's overlap functions inside your function")

        for name in saved:
            setattr(plant_and_seek, name, refuse)
        try:
            yield
        finally:
            for name, function in saved.items():
                setattr(plant_and_seek, name, function)

    rng = np.random.default_rng(73)
    for shape in ((1, 7), (5, 7), (32, 64), (3, 4, 5), (200, 300)):
        for density_found, density_planted in ((0.5, 0.5), (0.1, 0.6), (0.8, 0.05), (0.3, 0.3)):
            found = rng.random(shape) < density_found
            planted = rng.random(shape) < density_planted
            found.flat[0] = planted.flat[-1] = True  # neither is empty here
            with without_library():
                result = overlap(found, planted)
            expected = plant_and_seek.mask_overlap(torch.from_numpy(found), torch.from_numpy(planted))
            for name, value, want in zip(
                ("precision", "recall", "jaccard"), result, (expected.precision, expected.recall, expected.jaccard)
            ):
                assert isinstance(value, float), f"{name} should be a Python float"
                assert math.isclose(value, want, rel_tol=1e-12), f"{name} is wrong for masks of shape {shape}"
test_q4_random(overlap)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: overlap breaks the conventions on edge cases, an empty found mask (precision nan, recall 0, Jaccard 0), an empty planted mask (recall nan), both empty (precision and recall nan, Jaccard 1.0), equal masks (all 1.0), disjoint masks (all 0.0). Return nan, not 0 or an error, where a ratio has nothing to divide by.
""" # END TEST CONFIG
def test_q4_edge_cases(overlap):
    import math
    import numpy as np
    nan = math.nan
    some = np.array([[True, False, True], [False, False, True]])
    none = np.zeros((2, 3), dtype=bool)
    cases = (
        (none, some, (nan, 0.0, 0.0)),
        (some, none, (0.0, nan, 0.0)),
        (none, none, (nan, nan, 1.0)),
        (some, some.copy(), (1.0, 1.0, 1.0)),
        (some, ~some, (0.0, 0.0, 0.0)),
        (np.ones((4, 4), dtype=bool), np.ones((4, 4), dtype=bool), (1.0, 1.0, 1.0)),
    )
    for found, planted, expected in cases:
        result = overlap(found, planted)
        assert isinstance(result, tuple) and len(result) == 3, "return a tuple (precision, recall, jaccard)"
        for name, value, want in zip(("precision", "recall", "jaccard"), result, expected):
            assert isinstance(value, float), f"{name} should be a Python float"
            if math.isnan(want):
                assert math.isnan(value), f"{name} should be nan (|M| = {found.sum()}, |S*| = {planted.sum()})"
            else:
                assert value == want, f"{name} should be {want} (|M| = {found.sum()}, |S*| = {planted.sum()})"
test_q4_edge_cases(overlap)

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
# **Question 5 (interpretation, 3 points).** In Chapter 7's plant-and-seek experiment, edge-popup
# keeps in each layer exactly as many weights as the planted certified ticket $S^*$ does
# ($\lvert M_i \rvert = \lvert S^*_i \rvert$). Suppose that in some run the found network's test
# accuracy is close to the target's while, in every layer, the precision of $M_i$ against $S^*_i$ is
# close to $\lvert S^*_i \rvert / (\text{entries of layer } i)$. In a few sentences each (about 200
# to 300 words in all):
#
# 1. Why do precision and recall coincide here, and what is the Jaccard index as a function of
#    the precision $p$? What does a mask drawn uniformly at random with $\lvert S^*_i \rvert$ kept
#    entries score in expectation, and why is that the baseline to compare with?
# 2. Does this outcome show that edge-popup "failed to find the ticket", or that "pruning is all
#    you need" is wrong in practice? Say what Theorem 1 guarantees (existence, for one draw, with
#    a certified error) and what it does not (uniqueness of the ticket, or that any training
#    procedure finds it), and why many different masks can be good tickets.
# 3. Which measurement, other than the overlap, would tell apart "edge-popup found another ticket
#    as good as $S^*$" from "edge-popup found a mask that only classifies well"? Say what you would
#    compare, and against which number of the construction.

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.**
#
# 1. With $\lvert M \rvert = \lvert S^* \rvert = s$ the two ratios have the same denominator, so
#    $p = r = c / s$ with $c = \lvert M \cap S^* \rvert$. The union has $2s - c$ elements, so
#    $J = c / (2s - c) = p / (2 - p)$, which lies below $p$ unless $p \in \{0, 1\}$. A mask of $s$
#    entries drawn uniformly from the $N$ entries of the layer contains each entry of $S^*$ with
#    probability $s / N$, so its expected common count is $s^2 / N$ and its expected precision is
#    $s / N$ (`MaskOverlap.chance_precision`). Overlap is only informative relative to this
#    baseline: in a dense layer ($s / N$ near $\tfrac12$; Theorem 1's ticket keeps about half of
#    each instance's coefficients) even a random mask overlaps a lot, and in a sparse one a small
#    precision can still be far above chance.
# 2. No. Theorem 1 is an existence statement: with probability $\ge 1 - \delta$ over the one draw,
#    for every target there are masks with certified error $\le \varepsilon$. It says nothing about
#    uniqueness, and nothing about which algorithm finds them. Uniqueness fails in general: an
#    instance typically has many subsets within $\varepsilon'$ of its target (its $2^n$ sums lie in an
#    interval of length at most $n$, since every coefficient lies in $[-1, 1]$, so a window of
#    width $2\varepsilon'$ inside it holds on average at least $2^n \cdot 2\varepsilon' / n$ of
#    them, a large number at the $n$ of Theorem 1), different instances can trade errors, and a
#    classifier needs only the argmax of the outputs, not outputs within $\varepsilon$ of the
#    target. So chance-level overlap with high accuracy says edge-popup found *another* mask,
#    not that it failed; "pruning is all you need" as an existence claim is untouched. What the
#    outcome does show is the algorithmic point of Fischer and Burkholz: the training procedure
#    does not recover the construction's ticket, so the theorem is no explanation of what
#    edge-popup does.
# 3. Compare functions, not sets: the output error of the found network against the target,
#    $\lVert f(x) - g_M(x) \rVert_2$ on test inputs and its sampled supremum over the unit ball, with
#    the certified bound of $S^*$ (and with $S^*$'s own sampled error). A found mask whose error is
#    at or below the certified bound is as good a ticket in the theorem's sense; one that classifies
#    well but whose output error is far above it only approximates the labels. Training edge-popup
#    to match the target's outputs (mean squared error) rather than the labels makes that the
#    objective; the overlap can then be read against how close the outputs are.
#
# **Rubric (3 points).** 1 point for (1): $p = r$ because $\lvert M \rvert = \lvert S^* \rvert$,
# $J = p/(2-p)$ (or an equivalent derivation from the union $2s - c$), and the chance precision
# $\lvert S^* \rvert / N$ of a uniformly random mask of the same size as the baseline (half a point
# if the baseline is missing or wrong). 1 point for (2): Theorem 1 asserts existence of a certified
# ticket for the draw, not its uniqueness nor that an algorithm finds it; many masks approximate the
# target (many near-optimal subsets per instance; classification needs only the argmax), so low
# overlap with high accuracy is not a failure of existence, only evidence that the algorithm does
# not recover the construction's ticket (half a point if it says "edge-popup failed" or "the theorem
# is wrong" without this distinction). 1 point for (3): compare the found network's output error
# against the target (on test inputs and sampled over the ball) with $S^*$'s certified bound and
# sampled error, or train edge-popup on the target's outputs and compare those errors; half a point
# for "compare test accuracy" alone, which cannot separate the two cases. (Half a point each where
# the idea is right but vague.)

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION
