# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [raw]
# # ASSIGNMENT CONFIG
# name: ps3_relu_decomposition
# init_cell: false
# export_cell: false
# check_all_cell: true
# run_tests: true
# tests:
#   files: true
#   ok_format: false
# generate: true

# %% [markdown]
# # Problem set 3: The ReLU decomposition
#
# This problem set builds on Chapter 3, The ReLU decomposition. It uses the chapter's notation:
# the random *weight gadget* $g(x) = v^\top \sigma(u x) = \sum_{k=1}^{2n} v_k\, \sigma(u_k x)$ with
# $u, v \in \mathbb{R}^{2n}$ i.i.d. $U[-1, 1]$ and $\sigma(t) = \max(t, 0)$; a pruning keeps a set
# $S$ of hidden units (both edges of each), $g_S(x) = \sum_{k \in S} v_k\, \sigma(u_k x)$; the units
# split into $P = \{k : u_k > 0\}$ and $N = \{k : u_k < 0\}$, with $S^+ = S \cap P$ and
# $S^- = S \cap N$; and the residuals of the two halves are
# $r^+ = \sum_{k \in S^+} v_k u_k - w$ and $r^- = \sum_{k \in S^-} v_k |u_k| + w$.
#
# **How to work.** Replace every `...` with your answer or code, then run the `grader.check("qK")`
# cell below each question: it runs the public tests (format, types, a small case). Passing them
# does not mean the answer is right: hidden tests, run at grading time, check the values and your
# functions on random cases against the book's package `lthbook`. Free-text answers are graded by
# hand with a rubric. Keep the computations on the CPU (`device="cpu"`), in float64.
#
# In Colab, first do *File → Save a copy in Drive* and work in that copy: the notebook opened
# from the link is not saved, so your work would be lost. What you submit is the notebook file
# itself, the `.ipynb` (in Colab: *File → Download → Download .ipynb*).
#
# | Question | Kind | Points |
# |---|---|---|
# | 1. The sup error of a small pruned gadget | derivation | 2 |
# | 2. From weight gadgets to a neuron on the unit ball | derivation | 3 |
# | 3. Running a pruned gadget on a batch of inputs | implementation | 2 |
# | 4. Pruning a gadget with two SubsetSum instances | implementation | 3 |
# | 5. The worse of two halves, and what non-negative inputs save | interpretation | 4 |
#
# Total: 14 points (10 autograded, 4 graded by hand). Estimated time: 60–90 minutes.

# %%
# Set-up (problem set).
import math

import numpy as np
import torch
import otter

import lthbook
from lthbook import gadgets, subset_sum

session = lthbook.setup(seed=0)
# No notebook path: in Colab the notebook is not a file of the working directory, and
# otter.Notebook("name.ipynb") would fail to read it. The checks need only tests/.
grader = otter.Notebook()

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 2

# %% [markdown]
# **Question 1 (derivation, 2 points).** A weight gadget with $2n = 4$ hidden units has the weights
#
# $$
# u = (0.8,\ -0.5,\ 0.3,\ -0.9), \qquad v = (0.6,\ -0.4,\ -0.7,\ -0.35),
# $$
#
# and is pruned to the target weight $w = 0.45$ by keeping the units $S = \{1, 2, 4\}$ (counting
# from 1; unit 3 is pruned, both its edges). Compute, by hand or with a few lines of NumPy,
#
# $$
# \sup_{x \in [-1, 1]} \Big| \sum_{k \in S} v_k\, \sigma(u_k x) - w x \Big| ,
# $$
#
# and store it in `q1_answer` (a Python `float`). Store in `q1_worst_x` (a `float`) the input
# $x \in [-1, 1]$ at which the supremum is attained. Why can the supremum not be attained strictly
# inside the interval? (Answer in a comment in the cell; only the two numbers are graded.)

# %% [raw]
# # BEGIN SOLUTION

# %%
q1_u = np.array([0.8, -0.5, 0.3, -0.9])
q1_v = np.array([0.6, -0.4, -0.7, -0.35])
q1_kept = np.array([True, True, False, True])  # S = {1, 2, 4}
q1_w = 0.45

# BEGIN SOLUTION
# The error is x r+ on [0, 1] and (-x) r- on [-1, 0): linear on each side and 0 at x = 0,
# so its largest absolute value is at x = 1 (|r+|) or at x = -1 (|r-|).
g_at_plus_one = float(np.sum(q1_kept * q1_v * np.maximum(q1_u, 0.0)))  # g_S(1) = sum over S+ of v_k u_k
g_at_minus_one = float(np.sum(q1_kept * q1_v * np.maximum(-q1_u, 0.0)))  # g_S(-1) = sum over S- of v_k |u_k|
r_plus, r_minus = g_at_plus_one - q1_w, g_at_minus_one + q1_w
# END SOLUTION
q1_answer = max(abs(r_plus), abs(r_minus))  # SOLUTION
q1_worst_x = 1.0 if abs(r_plus) >= abs(r_minus) else -1.0  # SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q1_answer must be a finite, non-negative Python float and q1_worst_x a float in [-1, 1].
""" # END TEST CONFIG
def test_q1_format(q1_answer, q1_worst_x):
    import math
    assert isinstance(q1_answer, float), f"q1_answer should be a float; got {type(q1_answer).__name__}"
    assert math.isfinite(q1_answer) and q1_answer >= 0, "q1_answer is a supremum of absolute values: finite and >= 0"
    assert isinstance(q1_worst_x, float), f"q1_worst_x should be a float; got {type(q1_worst_x).__name__}"
    assert -1.0 <= q1_worst_x <= 1.0, "q1_worst_x must lie in [-1, 1]"
test_q1_format(q1_answer, q1_worst_x)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: Not the supremum. Use only the kept units, remember that sigma(u_k x) is 0 when u_k x < 0, and compare g_S(-1) with -w (not with w).
""" # END TEST CONFIG
def test_q1_value(q1_answer):
    import numpy as np
    u = np.array([0.8, -0.5, 0.3, -0.9])
    v = np.array([0.6, -0.4, -0.7, -0.35])
    kept = np.array([True, True, False, True])
    w = 0.45
    x = np.linspace(-1.0, 1.0, 200_001)  # contains -1, 0 and 1
    output = (kept * v)[:, None] * np.maximum(u[:, None] * x, 0.0)
    expected = float(np.abs(output.sum(axis=0) - w * x).max())
    assert abs(q1_answer - expected) <= 1e-9, "q1_answer is not the sup error of this pruned gadget"
test_q1_value(q1_answer)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 0.5
failure_message: Not the point where the supremum is attained. Compare the errors of the two halves at the two ends of the interval.
""" # END TEST CONFIG
def test_q1_worst_x(q1_worst_x):
    import numpy as np
    u = np.array([0.8, -0.5, 0.3, -0.9])
    v = np.array([0.6, -0.4, -0.7, -0.35])
    kept = np.array([True, True, False, True])
    w = 0.45
    x = np.linspace(-1.0, 1.0, 200_001)
    error = np.abs(((kept * v)[:, None] * np.maximum(u[:, None] * x, 0.0)).sum(axis=0) - w * x)
    at_yours = abs(float(((kept * v) * np.maximum(u * q1_worst_x, 0.0)).sum()) - w * q1_worst_x)
    assert abs(at_yours - error.max()) <= 1e-9, "the error at q1_worst_x is not the supremum"
test_q1_worst_x(q1_worst_x)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# **Question 2 (derivation, 3 points).** A neuron $x \mapsto w^\top x$ with $d$ inputs is
# approximated by the neuron gadget of Chapter 3: $d$ weight gadgets side by side, block $j$ seeing
# only $x_j$ and pruned to $w_j$, with residuals $r^+_j, r^-_j$. By the chapter's lemma on one
# weight, block $j$ satisfies $\sup_{|x_j| \le 1} |w_j x_j - g_{S,j}(x_j)| = \max(|r^+_j|, |r^-_j|)$,
# and the neuron's error is $g_S(x) - w^\top x = \sum_j |x_j|\, q_j$ with $q_j = r^+_j$ if $x_j \ge 0$
# and $q_j = r^-_j$ if $x_j < 0$. Inputs range over the unit ball $\lVert x \rVert_2 \le 1$.
#
# **(a)** Suppose only that every block has sup error at most $\eta$, that is
# $|r^+_j| \le \eta$ and $|r^-_j| \le \eta$ for all $j$. Derive the largest possible value of
# $\sup_{\lVert x \rVert_2 \le 1} |w^\top x - g_S(x)|$ over all residuals allowed by this
# hypothesis (prove an upper bound, then show that some residuals and some $x$ attain it; sketch
# the argument in a comment in the cell, only the value is graded). Store its value for $d = 400$
# and $\eta = 2.5 \cdot 10^{-5}$ in `q2_bound`.
#
# **(b)** Now a specific neuron gadget with $d = 4$ has the residuals
#
# $$
# r^+ = (0.03,\ -0.02,\ 0.01,\ -0.04), \qquad r^- = (-0.01,\ 0.05,\ 0.02,\ -0.03).
# $$
#
# Compute its exact error $\sup_{\lVert x \rVert_2 \le 1} |w^\top x - g_S(x)|$ and store it in
# `q2_exact`. Then do the same for the gadget whose residuals are the negatives of these,
# $-r^+$ and $-r^-$, and store its exact error in `q2_exact_negated`. (Hint: one input $x$
# chooses one sign per coordinate, and the total error has one sign too. Is the bound of (a),
# with $\eta = \max_j \max(|r^+_j|, |r^-_j|)$, or the bound $\lVert e \rVert_2$ with
# $e_j = \max(|r^+_j|, |r^-_j|)$, attained here?)
#
# All three answers are Python floats.

# %% [raw]
# # BEGIN SOLUTION

# %%
q2_d, q2_eta = 400, 2.5e-5
q2_r_plus = np.array([0.03, -0.02, 0.01, -0.04])
q2_r_minus = np.array([-0.01, 0.05, 0.02, -0.03])

# BEGIN SOLUTION NO PROMPT
# (a) |sum_j |x_j| q_j| <= eta * sum_j |x_j| <= eta * sqrt(d) * ||x||_2 (Cauchy-Schwarz), with
#     equality for r+_j = r-_j = eta and x = (1, ..., 1) / sqrt(d).
# END SOLUTION
q2_bound = q2_eta * math.sqrt(q2_d)  # SOLUTION
# BEGIN SOLUTION NO PROMPT
# (b) The largest value of g_S - f is ||max(r+, r-)_+||_2 and that of f - g_S is
#     ||(-min(r+, r-))_+||_2 (each sign of x_j picks q_j; Cauchy-Schwarz over t = |x| >= 0).
#     Negating the residuals swaps these two norms, so the exact error is the same; an answer
#     that keeps only one sign of the error gets one of the two right.


def sup_error(r_plus, r_minus):
    high, low = np.maximum(r_plus, r_minus), np.minimum(r_plus, r_minus)
    return float(max(np.linalg.norm(np.maximum(high, 0.0)), np.linalg.norm(np.maximum(-low, 0.0))))


# END SOLUTION
q2_exact = sup_error(q2_r_plus, q2_r_minus)  # SOLUTION
q2_exact_negated = sup_error(-q2_r_plus, -q2_r_minus)  # SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q2_bound, q2_exact and q2_exact_negated must be finite, positive Python floats.
""" # END TEST CONFIG
def test_q2_format(q2_bound, q2_exact, q2_exact_negated):
    import math
    for name, value in (("q2_bound", q2_bound), ("q2_exact", q2_exact), ("q2_exact_negated", q2_exact_negated)):
        assert isinstance(value, float), f"{name} should be a float; got {type(value).__name__}"
        assert math.isfinite(value) and value > 0, f"{name} should be finite and > 0"
test_q2_format(q2_bound, q2_exact, q2_exact_negated)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: Not the largest possible error over the unit l2 ball.
""" # END TEST CONFIG
def test_q2_bound(q2_bound):
    import math
    d, eta = 400, 2.5e-5
    assert not math.isclose(q2_bound, d * eta, rel_tol=1e-6), (
        "you bounded sum_j |x_j| by d: that is the cube [-1, 1]^d, not the unit l2 ball "
        "(use Cauchy-Schwarz)")
    assert not math.isclose(q2_bound, eta, rel_tol=1e-6), (
        "the d blocks' errors add up: one x can make all of them large at once")
    expected = eta * math.sqrt(d)
    assert math.isclose(q2_bound, expected, rel_tol=1e-9), "q2_bound is not the largest possible error"
test_q2_bound(q2_bound)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 0.75
failure_message: q2_exact is not the exact sup error of the gadget with residuals r+ and r-. It is at most the bound ||e||_2 and is not always equal to it; maximise over the 2^d sign patterns of x and over both signs of the error.
""" # END TEST CONFIG
def test_q2_exact(q2_exact):
    import itertools
    import math
    import torch
    from lthbook import gadgets
    r_plus = torch.tensor([0.03, -0.02, 0.01, -0.04], dtype=torch.float64)
    r_minus = torch.tensor([-0.01, 0.05, 0.02, -0.03], dtype=torch.float64)
    d = len(r_plus)
    # Independent route: for a sign pattern s, the error is sum_j t_j q_j(s) with t = |x| >= 0,
    # ||t|| <= 1, whose sup in absolute value is max(||q_+||, ||q_-||).
    brute = 0.0
    for signs in itertools.product((True, False), repeat=d):
        q = torch.where(torch.tensor(signs), r_plus, r_minus)
        brute = max(brute, q.clamp(min=0).norm().item(), (-q).clamp(min=0).norm().item())
    # lthbook's route: a neuron gadget whose block j has units u = (1, -1) with these residuals.
    w = torch.tensor([0.5, -0.5, 0.1, 0.7], dtype=torch.float64)
    u = torch.tensor([[1.0, -1.0]] * d, dtype=torch.float64)
    v = torch.stack([w + r_plus, r_minus - w], dim=1)
    keep = torch.ones(d, 2, dtype=torch.bool)
    block = gadgets.WeightGadget(u=u, v=v, w=w, first_mask=keep, second_mask=keep,
                                 positive_residual=r_plus, negative_residual=r_minus)
    library = gadgets.neuron_sup_error(gadgets.NeuronGadget(blocks=block))
    assert math.isclose(brute, library, rel_tol=1e-12)
    e_norm = torch.maximum(r_plus.abs(), r_minus.abs()).norm().item()
    assert not math.isclose(q2_exact, e_norm, rel_tol=1e-6), (
        "that is the bound ||e||_2, which this neuron does not attain")
    assert math.isclose(q2_exact, library, rel_tol=1e-9), "q2_exact is not the exact sup error"
test_q2_exact(q2_exact)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 0.75
failure_message: q2_exact_negated is not the exact sup error of the gadget with residuals -r+ and -r-. The error has two signs, and for these residuals the other one dominates; maximise over both.
""" # END TEST CONFIG
def test_q2_exact_negated(q2_exact_negated):
    import itertools
    import math
    import torch
    from lthbook import gadgets
    r_plus = -torch.tensor([0.03, -0.02, 0.01, -0.04], dtype=torch.float64)
    r_minus = -torch.tensor([-0.01, 0.05, 0.02, -0.03], dtype=torch.float64)
    # The residuals negated: the other sign of the error dominates, which separates answers that
    # maximise only one sign.
    d = len(r_plus)
    # Independent route: for a sign pattern s, the error is sum_j t_j q_j(s) with t = |x| >= 0,
    # ||t|| <= 1, whose sup in absolute value is max(||q_+||, ||q_-||).
    brute = 0.0
    for signs in itertools.product((True, False), repeat=d):
        q = torch.where(torch.tensor(signs), r_plus, r_minus)
        brute = max(brute, q.clamp(min=0).norm().item(), (-q).clamp(min=0).norm().item())
    # lthbook's route: a neuron gadget whose block j has units u = (1, -1) with these residuals.
    w = torch.tensor([0.5, -0.5, 0.1, 0.7], dtype=torch.float64)
    u = torch.tensor([[1.0, -1.0]] * d, dtype=torch.float64)
    v = torch.stack([w + r_plus, r_minus - w], dim=1)
    keep = torch.ones(d, 2, dtype=torch.bool)
    block = gadgets.WeightGadget(u=u, v=v, w=w, first_mask=keep, second_mask=keep,
                                 positive_residual=r_plus, negative_residual=r_minus)
    library = gadgets.neuron_sup_error(gadgets.NeuronGadget(blocks=block))
    assert math.isclose(brute, library, rel_tol=1e-12)
    e_norm = torch.maximum(r_plus.abs(), r_minus.abs()).norm().item()
    assert not math.isclose(q2_exact_negated, e_norm, rel_tol=1e-6), (
        "that is the bound ||e||_2, which this neuron does not attain")
    assert math.isclose(q2_exact_negated, library, rel_tol=1e-9), "q2_exact_negated is not the exact sup error"
test_q2_exact_negated(q2_exact_negated)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 2

# %% [markdown]
# **Question 3 (implementation, 2 points).** Write `gadget_output(u, v, mask, x)` that runs $B$
# pruned weight gadgets on $N$ scalar inputs: entry $(b, i)$ of the result is
#
# $$
# g_{S_b}(x_i) = \sum_{k=1}^{U} m_{bk}\, v_{bk}\, \sigma(u_{bk} x_i),
# $$
#
# where $m_b \in \{0, 1\}^U$ is the mask of kept units of gadget $b$ (a pruned unit contributes
# nothing). The layout is that of `lthbook.gadgets.gadget_forward`: weights `(B, U)`, inputs `(N,)`,
# output `(B, N)`. Use torch operations on whole tensors (no Python loop over $b$, $k$ or $i$) and
# return float64.

# %% [raw]
# # BEGIN SOLUTION

# %%
def gadget_output(u, v, mask, x):
    """The outputs of B pruned weight gadgets g_S(x) = Σ_{k∈S} v_k σ(u_k x) on N scalar inputs.

    Args:
        u: first-layer weights u_{bk}, float64 tensor of shape (B, U).
        v: second-layer weights v_{bk}, float64 tensor of shape (B, U).
        mask: kept units, bool tensor of shape (B, U); mask[b, k] is True when unit k of gadget b
            is in S_b (both its edges kept).
        x: scalar inputs x_i, float64 tensor of shape (N,).

    Returns:
        float64 tensor of shape (B, N) whose entry (b, i) is Σ_k mask[b, k] v[b, k] σ(u[b, k] x[i]).
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    hidden = torch.relu(u.unsqueeze(2) * x)  # (B, U, N): σ(u_bk x_i)
    kept_v = torch.where(mask, v, torch.zeros_like(v))  # (B, U): pruned units weigh 0
    return (kept_v.unsqueeze(2) * hidden).sum(dim=1)
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 1
failure_message: gadget_output must return a float64 tensor of shape (B, N) equal to sum_k mask_k v_k relu(u_k x) on a small hand-made case.
""" # END TEST CONFIG
def test_q3_small(gadget_output):
    import torch
    u = torch.tensor([[1.0, -1.0, 0.5], [-0.5, 0.25, 1.0]], dtype=torch.float64)
    v = torch.tensor([[2.0, 3.0, 7.0], [1.0, -4.0, 5.0]], dtype=torch.float64)
    mask = torch.tensor([[True, True, False], [True, True, False]])
    x = torch.tensor([1.0, -1.0, 0.5, 0.0, -0.25], dtype=torch.float64)
    out = gadget_output(u, v, mask, x)
    assert isinstance(out, torch.Tensor), f"return a torch tensor; got {type(out).__name__}"
    assert out.shape == (2, 5), f"expected shape (B, N) = (2, 5); got {tuple(out.shape)}"
    assert out.dtype == torch.float64, f"expected float64; got {out.dtype}"
    relu = torch.relu
    expected = torch.stack([2.0 * relu(x) + 3.0 * relu(-x), 1.0 * relu(-0.5 * x) - 4.0 * relu(0.25 * x)])
    assert torch.allclose(out, expected, rtol=0, atol=1e-12), "wrong values on a small case"
test_q3_small(gadget_output)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: gadget_output disagrees with lthbook.gadgets.gadget_forward on random gadgets, masks and inputs.
""" # END TEST CONFIG
def test_q3_random(gadget_output):
    import torch
    from lthbook import gadgets
    generator = torch.Generator().manual_seed(31)
    for batch, n, count in ((1, 1, 1), (7, 5, 33), (40, 12, 101)):
        drawn = gadgets.sample_weight_gadget(n, batch=batch, generator=generator, device="cpu")
        x = torch.rand(count, generator=generator, dtype=torch.float64) * 2 - 1
        x[0] = -1.0
        mask = torch.rand(batch, drawn.units, generator=generator) < 0.5
        out = gadget_output(drawn.u.clone(), drawn.v.clone(), mask.clone(), x.clone())
        masked = gadgets.RandomGadget(u=drawn.u * mask, v=drawn.v * mask)
        expected = gadgets.gadget_forward(masked, x)
        assert out.shape == expected.shape and out.dtype == torch.float64, "wrong shape or dtype"
        assert torch.allclose(out, expected, rtol=0, atol=1e-12), "wrong values on random masks"
        targets = torch.rand(batch, generator=generator, dtype=torch.float64) * 2 - 1
        pruned = gadgets.prune_weight_gadget(drawn, targets)
        out = gadget_output(pruned.u.clone(), pruned.v.clone(), pruned.second_mask.clone(), x.clone())
        assert torch.allclose(out, gadgets.gadget_forward(pruned, x), rtol=0, atol=1e-12), (
            "wrong values on gadgets pruned by prune_weight_gadget")
test_q3_random(gadget_output)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 3

# %% [markdown]
# **Question 4 (implementation, 3 points).** Write `prune_gadget_by_subset_sum(u, v, w)` that
# prunes one weight gadget to the target $w$ optimally, the way Chapter 3's lemma says: split the
# units into $P = \{k : u_k > 0\}$ and $N = \{k : u_k < 0\}$ and solve two SubsetSum instances,
#
# - the positive half: coefficients $v_k u_k$, $k \in P$, target $w$;
# - the negative half: coefficients $v_k |u_k|$, $k \in N$, target $-w$;
#
# with the exact solver `subset_sum.solve` of Chapter 2 (pass `device="cpu"`; it accepts
# coefficients of shape `(n,)` with a scalar target and returns masks of shape `(1, n)`). Return the
# mask of kept units $S = S^+ \cup S^-$. Gadgets have up to $2n = 24$ units, so trying all $2^{2n}$
# sets of units is out of the question, and a half may have more than the 22 coefficients that
# `subset_sum.brute_force` accepts. Mind that a half may be empty (all $u_k$ of one sign): it
# then keeps no unit. Do not call `gadgets.prune_weight_gadget`; the tests compare with it.

# %% [raw]
# # BEGIN SOLUTION

# %%
def prune_gadget_by_subset_sum(u, v, w):
    """Prune a weight gadget g(x) = Σ_k v_k σ(u_k x) to x ↦ w x by two SubsetSum instances.

    The kept set is S = S⁺ ∪ S⁻ with S⁺ ⊆ P = {k : u_k > 0} minimising |w − Σ_{k∈S⁺} v_k u_k| and
    S⁻ ⊆ N = {k : u_k < 0} minimising |−w − Σ_{k∈S⁻} v_k |u_k||; then
    sup_{|x|≤1} |w x − g_S(x)| = max(|r⁺|, |r⁻|) is the least over all prunings.

    Args:
        u: first-layer weights, float64 CPU tensor of shape (2n,), 2n <= 24.
        v: second-layer weights, float64 CPU tensor of shape (2n,).
        w: the target weight, a Python float in [-1, 1].

    Returns:
        bool CPU tensor of shape (2n,): True for the kept units (both edges kept).
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    keep = torch.zeros(u.shape[0], dtype=torch.bool)
    for sign in (1.0, -1.0):
        units = torch.nonzero(torch.sign(u) == sign).flatten()
        if len(units) == 0:  # an empty half outputs 0 and keeps nothing
            continue
        solution = subset_sum.solve(v[units] * u[units].abs(), sign * w, device="cpu")
        keep[units[solution.mask[0].cpu()]] = True
    return keep
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 1
failure_message: prune_gadget_by_subset_sum must return a bool tensor of shape (2n,) whose sup error is optimal; on a small gadget the test tries all 2^(2n) sets of units.
""" # END TEST CONFIG
def test_q4_small(prune_gadget_by_subset_sum):
    import torch
    from lthbook import gadgets
    generator = torch.Generator().manual_seed(41)
    drawn = gadgets.sample_weight_gadget(3, generator=generator, device="cpu")
    u, v = drawn.u[0], drawn.v[0]
    units = u.shape[0]
    all_masks = (torch.arange(2**units)[:, None] >> torch.arange(units)) & 1 == 1
    for w in (0.3, -0.2):
        mask = prune_gadget_by_subset_sum(u.clone(), v.clone(), w)
        assert isinstance(mask, torch.Tensor), f"return a torch tensor; got {type(mask).__name__}"
        assert mask.dtype == torch.bool, f"expected a bool tensor; got {mask.dtype}"
        assert mask.shape == (units,), f"expected shape ({units},); got {tuple(mask.shape)}"
        mask = mask.cpu()
        def sup_error(m):
            at_one = (m * v * torch.relu(u)).sum(-1)
            at_minus_one = (m * v * torch.relu(-u)).sum(-1)
            return torch.maximum((at_one - w).abs(), (at_minus_one + w).abs())
        best = sup_error(all_masks).min().item()
        assert abs(sup_error(mask).item() - best) <= 1e-12, f"not an optimal pruning for w = {w}"
test_q4_small(prune_gadget_by_subset_sum)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: On random gadgets with up to 24 units, the sup error of your pruning differs from that of lthbook.gadgets.prune_weight_gadget.
""" # END TEST CONFIG
def test_q4_random(prune_gadget_by_subset_sum):
    import torch
    from lthbook import gadgets
    generator = torch.Generator().manual_seed(42)
    for n in (4, 8, 10, 11, 12, 12, 12):
        drawn = gadgets.sample_weight_gadget(n, batch=4, generator=generator, device="cpu")
        targets = torch.rand(4, generator=generator, dtype=torch.float64) * 2 - 1
        for u, v, w in zip(drawn.u, drawn.v, targets.tolist()):
            mask = prune_gadget_by_subset_sum(u.clone(), v.clone(), w)
            assert isinstance(mask, torch.Tensor) and mask.dtype == torch.bool and mask.shape == u.shape
            mask = mask.cpu()
            at_one = (mask * v * torch.relu(u)).sum()
            at_minus_one = (mask * v * torch.relu(-u)).sum()
            yours = max(abs(at_one.item() - w), abs(at_minus_one.item() + w))
            library = gadgets.gadget_sup_error(gadgets.prune_weight_gadget((u, v), w)).item()
            assert abs(yours - library) <= 1e-12, f"sup error {yours:.3e} where the optimum is smaller (2n = {2 * n})"
test_q4_random(prune_gadget_by_subset_sum)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 0.5
failure_message: Edge cases fail. A gadget whose units all have the same sign has an empty half, which keeps no unit; targets w = -1, 0, 1 must work too.
""" # END TEST CONFIG
def test_q4_edge_cases(prune_gadget_by_subset_sum):
    import torch
    from lthbook import gadgets
    generator = torch.Generator().manual_seed(43)
    drawn = gadgets.sample_weight_gadget(6, batch=3, generator=generator, device="cpu")
    cases = [
        (drawn.u[0].abs(), drawn.v[0]),  # every unit in P: the negative half is empty
        (-drawn.u[1].abs(), drawn.v[1]),  # every unit in N
        (drawn.u[2], drawn.v[2]),
        (drawn.u[2, :1], drawn.v[2, :1]),  # a single unit
    ]
    for u, v in cases:
        for w in (-1.0, 0.0, 1.0, 0.37):
            mask = prune_gadget_by_subset_sum(u.clone(), v.clone(), w)
            assert isinstance(mask, torch.Tensor) and mask.dtype == torch.bool and mask.shape == u.shape
            mask = mask.cpu()
            at_one = (mask * v * torch.relu(u)).sum()
            at_minus_one = (mask * v * torch.relu(-u)).sum()
            yours = max(abs(at_one.item() - w), abs(at_minus_one.item() + w))
            library = gadgets.gadget_sup_error(gadgets.prune_weight_gadget((u, v), w)).item()
            assert abs(yours - library) <= 1e-12, f"not optimal for w = {w} on a gadget of {len(u)} units"
test_q4_edge_cases(prune_gadget_by_subset_sum)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q5
# manual: true
# points: 4

# %% [markdown]
# **Question 5 (interpretation, 4 points).** Answer in a short paragraph or two (about 200–300
# words), in the notation of the chapter. Each of (i) and (ii) is worth 2 points.
#
# (i) By the chapter's lemma, the least sup error of a pruned weight gadget over $x \in [-1, 1]$ is
# $\max(|r^+|, |r^-|)$, the **larger** of the optimal errors of its two SubsetSum halves, not their
# sum or their mean. Explain why the worse half alone decides. Then say what this means for how
# the error decays with $n$, compared with a single SubsetSum instance of Chapter 2, and what
# having to take the larger of two errors costs.
#
# (ii) Chapter 3's option `positive_inputs_only=True` serves inputs $x \ge 0$ (the inputs of every
# target layer after the first are ReLU outputs) with a gadget of $n$ units instead of $2n$. Explain
# why it halves the number of SubsetSum instances per target weight, and why, for the random
# network of Theorem 1 (first-layer weights i.i.d. $U[-1, 1]$), it does **not** halve the width
# needed for a given accuracy $\varepsilon$. What would a genuine factor 2 require?

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.** (i) The two halves serve disjoint sides of the input. For $x \ge 0$ only the
# units of $P$ fire and the error is $x\, r^+$; for $x < 0$ only those of $N$ fire and it is
# $(-x)\, r^-$. Each piece is linear and vanishes at $0$, so the sup over $[-1, 1]$ is reached at
# $x = 1$ or $x = -1$ and equals the worse of the two ends: no input excites both halves, so one
# half can never compensate for the other, and since $S^+$ and $S^-$ are chosen independently each
# is simply optimised on its own. For the decay: $|P|$ is $\mathrm{Binomial}(2n, \tfrac12)$, so each
# instance has about $n$ coefficients, and the error falls at the rate of an instance with $n$
# coefficients, not $2n$: half the units serve each sign. Taking the larger of two errors costs
# only a constant. For a given $w$ the halves are independent given their sizes, so
# $\Pr(\max(|r^+|, |r^-|) > \varepsilon) \le \Pr(|r^+| > \varepsilon) + \Pr(|r^-| > \varepsilon)$: at most
# twice the larger failure probability of one half (for halves of equal size, the median of the
# larger error is the $\sqrt{1/2} \approx 71\%$ quantile of one), which a constant number of extra
# units makes up. The random sizes add a loss of lower order: the worse half is usually the
# smaller one, with $n - O(\sqrt n)$ coefficients, and fewer than $n/2$ only with probability at
# most $e^{-n/4}$. So the exponential rate in $n$ is that of $n$ coefficients, and
# $n = O(\log(1/\varepsilon))$ still suffices.
#
# (ii) For $x \ge 0$ the units of $N$ never fire, so the error is $x\, r^+$ and only the positive
# half matters: one instance per weight instead of two, half the solver's work and one instance
# fewer in the union bound. But the signs of the $u_k$ are still i.i.d.: of the $n$ units about
# $n/2$ lie in $P$, so the one instance has about $n/2$ coefficients, while each half of the general
# $2n$-unit gadget has about $n$. The accuracy is set by the number of coefficients per instance
# (Lueker: about $C \log_2(2/\varepsilon)$ of them), and about half of the units are usable either
# way; so reaching $\varepsilon$ takes about the same number of units per block, up to a few units
# (the constant gain of needing one good half instead of two). The chapter's comparison at equal
# width shows parallel error curves. A true factor 2 needs every unit usable, that is first-layer
# weights drawn with $u_k \ge 0$ (e.g. $U[0, 1]$) for such layers: a different random network from
# the theorem's.
#
# **Rubric (4 points).** (i), 2 points: 1 point for why the worse half decides: the halves serve
# disjoint signs of $x$ (only $P$ fires for $x \ge 0$, only $N$ for $x < 0$), the error is
# $x\, r^+$ on one side and $(-x)\, r^-$ on the other, largest at $x = \pm 1$, so no input lets one
# half make up for the other; 1 point for the decay and the cost of the maximum: each half has
# about $n$ coefficients ($\mathrm{Binomial}(2n, \tfrac12)$), so the error decays at the rate of an
# instance with $n$ coefficients, not $2n$, and taking the larger of two errors costs only a
# constant (at most twice the failure probability, a constant number of units; the fluctuation of
# the half sizes is of lower order); half of this point if only one of the two is right. (ii),
# 2 points: 1 point for the first part: on $x \ge 0$ the negative half never fires, so only the
# instance of $P$ with target $w$ is needed, one per weight instead of two; 1 point for the second
# part: with i.i.d. signs only about half of the $n$ units have $u_k > 0$, so the instance has about
# $n/2$ coefficients, like each half of the $2n$-unit gadget; since the error is governed by the
# coefficients per instance, the width for a given $\varepsilon$ is about the same (a constant
# gain at most), and a true halving needs non-negative first-layer weights. Half a point off an
# otherwise correct part that confuses the number of instances with the number of coefficients per
# instance.

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION

