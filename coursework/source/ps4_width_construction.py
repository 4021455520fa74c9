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
# name: ps4_width_construction
# init_cell: false
# export_cell: false
# check_all_cell: true
# run_tests: true
# tests:
#   files: true
#   ok_format: false
# generate: true

# %% [markdown]
# # Problem set 4: The width construction
#
# This problem set builds on Chapter 4, The width construction (Theorem 1). It uses the
# chapter's notation: a target $f(x) = W_l\,\sigma(W_{l-1} \cdots \sigma(W_1 x))$ of the class
# $\mathcal F(d_0, \dots, d_l)$ ($W_i \in \mathbb R^{d_i \times d_{i-1}}$, $\lVert W_i \rVert_2 \le 1$,
# no biases, inputs $\lVert x \rVert_2 \le 1$), the random network
# $g(x) = M_{2l}\,\sigma(M_{2l-1} \cdots \sigma(M_1 x))$ with entries i.i.d. $U[-1, 1]$, the masks
# $S_1, \dots, S_{2l}$ and the pruned network $g_S$.
#
# **How to work.** In Colab, first do *File → Save a copy in Drive* and work in that copy:
# changes to the notebook that the link opens are not kept. Run the set-up cell first, then
# replace each `...` with your answer or your code, and run the `grader.check("qK")` cell below
# each question: it runs the public tests (types, shapes, small fixed cases; a check of the format
# alone is worth no points). Hidden tests check the actual values and random cases when the
# problem set is graded and carry most of the points, so passing the public tests is necessary,
# not sufficient. Free-text answers go in the cells that say *Type your answer here* and are
# graded by hand with a rubric.
#
# **How to submit.** Hand in the notebook itself, as a `.ipynb` file: in Colab,
# *File → Download → Download .ipynb*; locally, the saved file.
#
# | Question | Kind | Points |
# |---|---|---|
# | 1. Error propagation at a uniform per-layer error | derivation | 3 |
# | 2. Theorem 1's n when the largest layer is not the first | derivation | 3 |
# | 3. The shapes of the random network | implementation | 3 |
# | 4. The forward pass of the pruned network | implementation | 3 |
# | 5. Certified bound, sampled error, and why two layers per target layer | interpretation | 4 |
#
# Total: 16 points. Estimated time: 60–90 minutes.

# %%
# Set-up (problem set).
import math

import numpy as np
import torch
import otter

import lthbook
from lthbook import construction

session = lthbook.setup(seed=0)
# No notebook path: in Colab the notebook is not a file of the working directory, and
# otter.Notebook("name.ipynb") would fail to read it. The checks need only tests/.
grader = otter.Notebook()

# %% [raw]
# # BEGIN QUESTION
# name: q1
# points: 3

# %% [markdown]
# **Question 1 (derivation, 3 points).** Recall the error-propagation lemma of Chapter 4: if
# every pair $P_i = (S_{2i} \odot M_{2i})\,\sigma((S_{2i-1} \odot M_{2i-1})\,\cdot)$ satisfies
# $\lVert P_i(h) - W_i h \rVert_2 \le \eta_i \lVert h \rVert_2$ (for every $h$ when $i = 1$, for
# every $h \ge 0$ when $i \ge 2$), then
# $\sup_{\lVert x \rVert_2 \le 1} \lVert f(x) - g_S(x) \rVert_2 \le e_l$, where
#
# $$
# e_0 = 0, \qquad e_i = \eta_i\,(\rho_{i-1} + e_{i-1}) + \lVert W_i \rVert_2\, e_{i-1}, \qquad
# \rho_0 = 1,\ \rho_i = \lVert W_1 \rVert_2 \cdots \lVert W_i \rVert_2 .
# $$
#
# Take the hardest case of the class, $\lVert W_i \rVert_2 = 1$ for every $i$, and the same error
# factor $\eta_i = \eta$ in every layer.
#
# 1. Solve the recursion in closed form, and store in `q1_answer` the value of $e_l$ for
#    $l = 20$ and $\eta = 0.01$ (given as `q1_l` and `q1_eta`).
# 2. Store in `q1_eta_max` the largest uniform $\eta$ for which $e_l \le \varepsilon$, for
#    $l = 20$ and $\varepsilon = 0.05$ (given as `q1_l` and `q1_eps`).
#
# Both are checked to a relative tolerance of $10^{-12}$, so give exact expressions, not
# first-order approximations. *Hint:* to first order $e_l \approx l\eta$; decide on which side
# of the exact value this linearisation lies before you use it as a sanity check. (The proof of
# Theorem 1 avoids the question by asking for $\sum_i \eta_i \le \varepsilon/2$.)

# %%
q1_l = 20  # both parts
q1_eta = 0.01  # part 1
q1_eps = 0.05  # part 2

# %% [raw]
# # BEGIN SOLUTION

# %%
q1_answer = (1 + q1_eta) ** q1_l - 1  # SOLUTION
q1_eta_max = (1 + q1_eps) ** (1 / q1_l) - 1  # SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q1_answer and q1_eta_max should be positive floats, and q1_eta_max below 1.
""" # END TEST CONFIG
def test_q1_types(q1_answer, q1_eta_max):
    assert isinstance(q1_answer, float) and not isinstance(q1_answer, bool), "q1_answer should be a float"
    assert isinstance(q1_eta_max, float) and not isinstance(q1_eta_max, bool), "q1_eta_max should be a float"
    assert q1_answer > 0, "q1_answer should be positive"
    assert 0 < q1_eta_max < 1, "q1_eta_max should lie in (0, 1)"
test_q1_types(q1_answer, q1_eta_max)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: q1_answer is not e_l of the recursion. With rho = 1 and norm 1, write 1 + e_i in terms of 1 + e_{i-1}.
""" # END TEST CONFIG
def test_q1_answer_value(q1_answer):
    import math
    e, reach = 0.0, 1.0
    for _ in range(20):
        e = 0.01 * (reach + e) + 1.0 * e
    assert math.isclose(q1_answer, e, rel_tol=1e-12), "q1_answer does not match the recursion"
test_q1_answer_value(q1_answer)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: q1_eta_max is not the largest eta with e_l <= q1_eps. Invert the closed form exactly; the linearisation is not enough.
""" # END TEST CONFIG
def test_q1_eta_max_value(q1_eta_max):
    import math
    expected = math.expm1(math.log1p(0.05) / 20)
    assert math.isclose(q1_eta_max, expected, rel_tol=1e-12), "q1_eta_max is not the largest admissible eta"
    e = 0.0
    for _ in range(20):
        e = q1_eta_max * (1.0 + e) + e
    assert math.isclose(e, 0.05, rel_tol=1e-10), "at q1_eta_max the recursion should reach eps exactly"
test_q1_eta_max_value(q1_eta_max)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q2
# points: 3

# %% [markdown]
# **Question 2 (derivation, 3 points).** Theorem 1 (as Chapter 4 states it) takes
# $(d_{\text{in}}, d_{\text{out}}) = (d_{i-1}, d_i)$ for a layer $i$ maximising $d_{i-1} d_i$ and sets
#
# $$
# \varepsilon' = \frac{\varepsilon}{2l\sqrt{2\, d_{\text{in}} d_{\text{out}}}}, \qquad
# \delta' = \frac{\delta}{2l\, d_{\text{in}} d_{\text{out}}}, \qquad
# n = \Big\lceil C \log_2 \frac{2}{\min(\varepsilon', \delta')} \Big\rceil ,
# $$
#
# with $C$ = `construction.MEASURED_CONSTANT`. Consider the class $\mathcal F(16, 48, 40, 10)$,
# $\varepsilon = 0.02$, $\delta = 0.05$ (given below as `q2_widths`, `q2_eps`, `q2_delta`, and $C$
# as `q2_C`). Working with `math` only (do not call `required_n` or `per_instance_budget`):
#
# 1. store Theorem 1's $n$ in `q2_answer` (a Python `int`);
# 2. at this $\delta$ and this class, $\varepsilon'$ is the binding (smaller) budget exactly when
#    $\varepsilon < \varepsilon^*$. Derive $\varepsilon^*$ in closed form and store its value in
#    `q2_eps_threshold` (a float; relative tolerance $10^{-9}$). Does $\varepsilon^*$ depend on
#    the depth $l$? (Not graded; answer in a comment in the cell.)

# %%
q2_widths = (16, 48, 40, 10)
q2_eps, q2_delta = 0.02, 0.05
q2_C = construction.MEASURED_CONSTANT

# %% [raw]
# # BEGIN SOLUTION

# %%
depth = len(q2_widths) - 1  # SOLUTION
layer = max(range(depth), key=lambda i: q2_widths[i] * q2_widths[i + 1])  # SOLUTION
d_in = q2_widths[layer]  # SOLUTION
d_out = q2_widths[layer + 1]  # SOLUTION
eps_prime = q2_eps / (2 * depth * math.sqrt(2 * d_in * d_out))  # SOLUTION
delta_prime = q2_delta / (2 * depth * d_in * d_out)  # SOLUTION
q2_answer = math.ceil(q2_C * math.log2(2 / min(eps_prime, delta_prime)))  # SOLUTION
q2_eps_threshold = q2_delta * math.sqrt(2 / (d_in * d_out))  # SOLUTION
# Does eps* depend on the depth l? Answer in a comment here (not graded):
# No: eps' and delta' both carry the factor 1 / (2l), which cancels in eps' = delta'.  # SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: q2_answer should be a whole number (an int) at least q2_C log2(2 / q2_eps), and q2_eps_threshold a float in (0, q2_delta).
""" # END TEST CONFIG
def test_q2_types(q2_answer, q2_eps_threshold):
    import math
    from lthbook import construction
    assert isinstance(q2_answer, int) and not isinstance(q2_answer, bool), "q2_answer should be a Python int"
    assert q2_answer >= construction.MEASURED_CONSTANT * math.log2(2 / 0.02), \
        "min(eps', delta') < eps, so n is at least q2_C log2(2 / q2_eps)"
    assert isinstance(q2_eps_threshold, float), "q2_eps_threshold should be a float"
    assert 0 < q2_eps_threshold < 0.05, "q2_eps_threshold should lie in (0, q2_delta)"
test_q2_types(q2_answer, q2_eps_threshold)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: Not Theorem 1's n. Which layer maximises d_{i-1} d_i here (it is not the first)? And l counts target layers.
""" # END TEST CONFIG
def test_q2_answer_value(q2_answer):
    import lthbook.construction as construction
    target_widths = (16, 48, 40, 10)
    pairs = list(zip(target_widths[:-1], target_widths[1:]))
    d_in, d_out = max(pairs, key=lambda pair: pair[0] * pair[1])
    expected = construction.required_n(0.02, 0.05, d_in, d_out, len(target_widths) - 1)
    assert q2_answer == expected, "q2_answer is not the n of Theorem 1 for this class"
test_q2_answer_value(q2_answer)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1.5
failure_message: Not the threshold. Solve eps' = delta' for eps, with the d_in d_out of the largest layer.
""" # END TEST CONFIG
def test_q2_threshold_value(q2_eps_threshold):
    import math
    import lthbook.construction as construction
    expected = 0.05 * math.sqrt(2.0) / math.sqrt(48 * 40)
    assert math.isclose(q2_eps_threshold, expected, rel_tol=1e-9), "q2_eps_threshold is not the threshold"
    below = construction.per_instance_budget(expected * (1 - 1e-6), 0.05, 48, 40, 3)
    above = construction.per_instance_budget(expected * (1 + 1e-6), 0.05, 48, 40, 3)
    assert below[0] < below[1] and above[0] > above[1], "the binding budget should switch at the threshold"
test_q2_threshold_value(q2_eps_threshold)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q3
# points: 3

# %% [markdown]
# **Question 3 (implementation, 3 points).** Write `random_network_shapes(widths, n,
# positive_inputs_only=False)` returning the shapes of the $2l$ weight matrices
# $M_1, \dots, M_{2l}$ of Theorem 1's random network for target widths $(d_0, \dots, d_l)$, in
# layer order and in the `(out, in)` convention of `torch.nn.Linear.weight` (the convention of
# `construction.RandomNetwork.weights`). Target layer $i$ is served by the pair
# $(M_{2i-1}, M_{2i})$, whose $m_i$ hidden units form $d_{i-1}$ blocks of $b_i$ units each. The
# theorem uses $b_i = 2n$; with `positive_inputs_only=True`, the layers $i \ge 2$ (whose inputs
# are ReLU outputs, hence $\ge 0$) use blocks of $b_i = n$ units instead. Compute the shapes from
# the formulas; do not draw a network.

# %% [raw]
# # BEGIN SOLUTION

# %%
def random_network_shapes(widths, n, positive_inputs_only=False):
    """The shapes of M_1, ..., M_{2l} of Theorem 1's random network.

    Args:
        widths: the target widths (d_0, ..., d_l), a sequence of l + 1 >= 2 positive ints.
        n: the size parameter, an int >= 1.
        positive_inputs_only: if True, blocks of b_i = n units for the layers i >= 2
            (b_1 = 2n always); if False, b_i = 2n for every i.

    Returns:
        A list of 2l tuples (rows, cols) of Python ints, the shapes of M_1, ..., M_{2l} in
        layer order.
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    shapes = []
    pairs = zip(widths[:-1], widths[1:])
    for i, (d_prev, d_next) in enumerate(pairs, start=1):
        block = n if (positive_inputs_only and i >= 2) else 2 * n  # b_i
        hidden = block * int(d_prev)  # m_i = b_i d_{i-1}
        shapes += [(hidden, int(d_prev)), (int(d_next), hidden)]
    return shapes
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 0
failure_message: random_network_shapes should return a list of 2l (rows, cols) tuples of ints that chain (each matrix's cols = the previous one's rows), starting with d_0 columns and ending with d_l rows.
""" # END TEST CONFIG
def test_q3_structure(random_network_shapes):
    for widths, n, flag in [((3, 2), 4, False), ((5, 4, 3), 2, False), ((5, 4, 3), 2, True)]:
        shapes = random_network_shapes(widths, n, positive_inputs_only=flag)
        assert isinstance(shapes, list), "return a list"
        assert len(shapes) == 2 * (len(widths) - 1), "there should be 2l shapes"
        for shape in shapes:
            assert isinstance(shape, tuple) and len(shape) == 2, "each shape should be a (rows, cols) tuple"
            assert all(isinstance(v, int) and v >= 1 for v in shape), "shape entries should be positive ints"
        assert shapes[0][1] == widths[0], "M_1 reads the d_0 inputs"
        assert shapes[-1][0] == widths[-1], "M_{2l} has d_l outputs"
        for k in range(1, len(shapes)):
            assert shapes[k][1] == shapes[k - 1][0], "consecutive matrices must chain"
        for i in range(1, len(widths)):
            assert shapes[2 * i - 1][0] == widths[i], "M_{2i} should have d_i rows"
test_q3_structure(random_network_shapes)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: The shapes differ from those of construction.RandomNetwork on random widths (positive_inputs_only=False). Check m_i = b_i d_{i-1} with b_i = 2n, and the (out, in) order.
""" # END TEST CONFIG
def test_q3_default(random_network_shapes):
    import random
    import torch
    import lthbook.construction as construction
    rng = random.Random(2024)
    generator = torch.Generator().manual_seed(2024)
    for trial in range(12):
        depth = rng.randint(1, 4)
        widths = tuple(rng.randint(1, 6) for _ in range(depth + 1))
        n = rng.randint(1, 5)
        net = construction.RandomNetwork.sample(widths, n, positive_inputs_only=False,
                                                generator=generator, device="cpu")
        expected = [tuple(int(v) for v in w.shape) for w in net.weights]
        got = [tuple(int(v) for v in s) for s in random_network_shapes(widths, n, positive_inputs_only=False)]
        assert len(got) == len(expected), f"{len(got)} shapes for widths {widths}; expected 2l = {len(expected)}"
        assert got == expected, f"wrong shapes for widths {widths}, n = {n}"
test_q3_default(random_network_shapes)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: With positive_inputs_only=True, the pair of layer 1 (M_1, M_2) has the wrong shapes. The inputs of layer 1 can be negative, so it keeps blocks of 2n units.
""" # END TEST CONFIG
def test_q3_flag_first_layer(random_network_shapes):
    import random
    import torch
    import lthbook.construction as construction
    rng = random.Random(2025)
    generator = torch.Generator().manual_seed(2025)
    for trial in range(12):
        depth = rng.randint(1, 4)
        widths = tuple(rng.randint(1, 6) for _ in range(depth + 1))
        n = rng.randint(1, 5)
        net = construction.RandomNetwork.sample(widths, n, positive_inputs_only=True,
                                                generator=generator, device="cpu")
        expected = [tuple(int(v) for v in w.shape) for w in net.weights]
        got = [tuple(int(v) for v in s) for s in random_network_shapes(widths, n, positive_inputs_only=True)]
        assert len(got) == len(expected), f"{len(got)} shapes for widths {widths}; expected 2l = {len(expected)}"
        assert got[:2] == expected[:2], f"wrong shapes of M_1, M_2 for widths {widths}, n = {n}"
test_q3_flag_first_layer(random_network_shapes)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 1
failure_message: With positive_inputs_only=True, the pairs of layers i >= 2 have the wrong shapes. Their inputs are ReLU outputs, so they use blocks of b_i = n units.
""" # END TEST CONFIG
def test_q3_flag_later_layers(random_network_shapes):
    import random
    import torch
    import lthbook.construction as construction
    rng = random.Random(2026)
    generator = torch.Generator().manual_seed(2026)
    for trial in range(12):
        depth = rng.randint(2, 4)
        widths = tuple(rng.randint(1, 6) for _ in range(depth + 1))
        n = rng.randint(1, 5)
        net = construction.RandomNetwork.sample(widths, n, positive_inputs_only=True,
                                                generator=generator, device="cpu")
        expected = [tuple(int(v) for v in w.shape) for w in net.weights]
        got = [tuple(int(v) for v in s) for s in random_network_shapes(widths, n, positive_inputs_only=True)]
        assert len(got) == len(expected), f"{len(got)} shapes for widths {widths}; expected 2l = {len(expected)}"
        assert got[2:] == expected[2:], f"wrong shapes of M_3, ..., M_2l for widths {widths}, n = {n}"
test_q3_flag_later_layers(random_network_shapes)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q4
# points: 3

# %% [markdown]
# **Question 4 (implementation, 3 points).** Write `pruned_forward(weights, masks, x)` computing
# the pruned network
#
# $$
# g_S(x) = (S_{2l} \odot M_{2l})\,\sigma\big((S_{2l-1} \odot M_{2l-1}) \cdots \sigma((S_1 \odot M_1)\, x)\big)
# $$
#
# for a batch of inputs, one per row of `x`. The weights are in the `(out, in)` convention, so
# for a row vector $h$ a layer computes $h\,(S_k \odot M_k)^\top$; $\sigma$ (ReLU) follows every
# layer except the last, with no biases. Work in float64 and do not modify `weights` or `masks`.
# The hidden tests prune a small `construction.RandomNetwork` to a `construction.random_target`
# with `construction.prune_to` and compare your output with the library's to $10^{-12}$.

# %% [raw]
# # BEGIN SOLUTION

# %%
def pruned_forward(weights, masks, x):
    """The pruned network g_S on a batch of inputs.

    Args:
        weights: the 2l random matrices (M_1, ..., M_{2l}), float64 torch tensors, M_k of shape
            (out_k, in_k) like torch.nn.Linear.weight.
        masks: the masks (S_1, ..., S_{2l}), bool (or 0/1) torch tensors of the same shapes.
        x: float64 torch tensor of shape (N, d_0), one input per row.

    Returns:
        float64 torch tensor of shape (N, d_l) whose row r is g_S(x_r), with
        g_S(x) = (S_{2l} ⊙ M_{2l}) σ(... σ((S_1 ⊙ M_1) x)) and σ(t) = max(t, 0).
    """
    """ # BEGIN PROMPT
    ...
    raise NotImplementedError
    """ # END PROMPT
    # BEGIN SOLUTION NO PROMPT
    h = x.to(torch.float64)
    for k, (weight, mask) in enumerate(zip(weights, masks)):
        h = h @ (mask.to(torch.float64) * weight.to(torch.float64)).T
        if k < len(weights) - 1:
            h = torch.relu(h)
    return h
    # END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
points: 1
failure_message: pruned_forward fails on the ReLU identity w x = σ(w x) − σ(−w x) (M_1 = [[1], [−1]], M_2 = [[w, −w]]). Check the transposes, the ReLU between layers, and the float64 dtype.
""" # END TEST CONFIG
def test_q4_identity(pruned_forward):
    import torch
    w = 0.3
    weights = [torch.tensor([[1.0], [-1.0]], dtype=torch.float64),
               torch.tensor([[w, -w]], dtype=torch.float64)]
    x = torch.linspace(-1, 1, 5, dtype=torch.float64).reshape(5, 1)
    full = [torch.ones(2, 1, dtype=torch.bool), torch.ones(1, 2, dtype=torch.bool)]
    out = pruned_forward(weights, full, x)
    assert isinstance(out, torch.Tensor), "return a torch tensor"
    assert out.dtype == torch.float64, "the result should be float64"
    assert tuple(out.shape) == (5, 1), "the result should have shape (N, d_l)"
    assert torch.allclose(out, w * x, rtol=0, atol=1e-15), "both units kept: the output should be w x"
    half = [torch.tensor([[True], [False]]), torch.ones(1, 2, dtype=torch.bool)]
    out = pruned_forward(weights, half, x)
    assert torch.allclose(out, w * x.clamp(min=0), rtol=0, atol=1e-15), \
        "with the second unit pruned, the output should be w σ(x)"
test_q4_identity(pruned_forward)

# %%
""" # BEGIN TEST CONFIG
hidden: true
points: 2
failure_message: pruned_forward differs from the library's pruned network (PrunedNetwork.to_sequential) on random inputs, or it changed its arguments.
""" # END TEST CONFIG
def test_q4_against_library(pruned_forward):
    import torch
    import lthbook.construction as construction
    generator = torch.Generator().manual_seed(7)
    cases = [((3, 4, 2), 4, False), ((2, 3, 3, 2), 3, True), ((4, 1), 3, False)]
    for widths, n, flag in cases:
        net = construction.RandomNetwork.sample(widths, n, positive_inputs_only=flag,
                                                generator=generator, device="cpu")
        target = construction.random_target(widths, generator=generator, device="cpu")
        ticket = construction.prune_to(net, target)
        x = torch.randn(50, widths[0], generator=generator, dtype=torch.float64)
        with torch.no_grad():
            expected = ticket.to_sequential()(x)
        weights = [w.clone() for w in net.weights]
        masks = [m.clone() for m in ticket.masks]
        got = pruned_forward(weights, masks, x.clone())
        assert isinstance(got, torch.Tensor) and got.dtype == torch.float64, "return a float64 tensor"
        assert tuple(got.shape) == tuple(expected.shape), "wrong output shape"
        scale = max(1.0, float(expected.abs().max()))
        assert float((got.detach() - expected).abs().max()) <= 1e-12 * scale, "output differs from g_S(x)"
        assert all(torch.equal(a, b) for a, b in zip(weights, net.weights)), "weights were modified"
        assert all(torch.equal(a, b) for a, b in zip(masks, ticket.masks)), "masks were modified"
test_q4_against_library(pruned_forward)

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
# **Question 5 (interpretation, 4 points).** Chapter 4 draws one random network $g$, then 100
# targets $f$, prunes $g$ to each with `prune_to`, and reports for each target both
# `certified_error_bound` and `sampled_error`. Parts 1 and 2 are about this experiment, part 3
# about the shape of the random network. Answer in a few sentences each.
#
# 1. What does the certified bound guarantee that the sampled error does not? Say precisely
#    which quantity each one bounds, and from which side.
# 2. Why is the certified bound at least the sampled error for every target and the masks that
#    `prune_to` returns (masks of the block form: every hidden unit of an odd layer keeps at most
#    one input edge), with no exception and no probability involved? Which step uses the block
#    form?
# 3. Theorem 1 serves each target layer $W_i$ with a **pair** of random layers
#    $(M_{2i-1}, M_{2i})$, so $g$ is $2l$ deep.
#    (a) Why can one not instead prune a random network of the target's own shape, with $l$
#    layers $M_i \in \mathbb R^{d_i \times d_{i-1}}$ of i.i.d. $U[-1, 1]$ entries (in this part
#    only), so that $S_i \odot M_i \approx W_i$? Show that for every draw and every accuracy
#    $\varepsilon < \tfrac12$ some target of the class is missed by more than $\varepsilon$ (a
#    class with $l = 1$ suffices), and say what the extra layer of each pair supplies.
#    (b) In a pair, every hidden unit keeps at most one input edge, and all $d_i$ output rows read
#    the same block of $2n$ hidden units of input $j$. What would a hidden unit that keeps edges
#    from two inputs compute, and which step of the layer-pair lemma would fail? What does sharing
#    each block among the $d_i$ output rows save, compared with a separate group of $2n$ hidden
#    units for each entry $W_{rj}$?

# %% [raw]
# # BEGIN SOLUTION

# %% [markdown]
# **Model answer.**
#
# 1. Both concern the true error $\sup_{\lVert x \rVert_2 \le 1} \lVert f(x) - g_S(x) \rVert_2$
#    of one target and one set of masks. The certified bound $e_l$ is an **upper** bound on it,
#    computed from the masks and weights alone (the error matrices $E_i$, their spectral norms
#    $\eta_i$, and the propagation recursion), so it guarantees the error at *every* point of the
#    ball, including directions nobody tried; it does not trust the solver either. The sampled
#    error is the largest error at finitely many points (a sample on the sphere, refined by
#    gradient ascent): a **lower** estimate, which can miss the worst direction and certifies
#    nothing about the points it did not visit.
# 2. Every point that `sampled_error` evaluates lies in the unit ball, so what it returns is at
#    most the supremum. The supremum is at most $e_l$ by the layer-pair lemma and the
#    error-propagation lemma (ReLU is 1-Lipschitz with $\sigma(0) = 0$). The block form enters in
#    the layer-pair lemma: because a hidden unit sees a single input, it computes
#    $\sigma(M_{kj} h_j)$, which positive homogeneity splits into $M_{kj} h^+_j$ or
#    $|M_{kj}|\, h^-_j$, so that $P_i(h) - W_i h = E_i [h^+; h^-]$ exactly and
#    $\lVert P_i(h) - W_i h \rVert_2 \le \lVert E_i \rVert_2 \lVert h \rVert_2$. For such masks
#    both steps are deterministic inequalities for the given weights, masks and target, so
#    sampled $\le$ sup $\le$ certified always holds (float64 rounding is many orders of magnitude
#    below the gap). For masks of another form the $E_i$ are not defined and nothing is claimed;
#    `certified_error_bound` refuses them.
# 3. (a) A layer of the target's shape has exactly one random weight per target weight, and
#    pruning can only keep it or drop it: $(S_1 \odot M_1)_{rj} \in \{0, (M_1)_{rj}\}$. Given
#    any draw, take $l = 1$ and $W_1 = w\, e_1 e_1^\top$ with $w \in [-1, 1]$ at distance more
#    than $\varepsilon$ from both $0$ and $(M_1)_{11}$ (it exists for $\varepsilon < \tfrac12$);
#    then $\lVert W_1 \rVert_2 = |w| \le 1$, and at $x = e_1$ every pruning errs by more than
#    $\varepsilon$ in the first output. With $l = 1$ there is no hidden layer to widen either,
#    since the layer's shape is the target's. The extra layer supplies hidden units, hence, for
#    each entry $(r, j)$, many paths $j \to k \to r$ through the units of block $j$, with
#    weights $N_{rk} M_{kj}$ ($N = M_{2i}$, $M = M_{2i-1}$): the pruned pair's effective weight
#    is a subset sum of these products, a SubsetSum instance with about $n$ coefficients per
#    half, whose worst-case error falls exponentially in $n$, so a logarithmic $n$ suffices.
#    (Depth $2l$ is what this construction uses, not a necessity: $l + 1$ layers suffice with
#    another construction, as the chapter's further reading notes.)
#    (b) A unit keeping edges from inputs $j$ and $j'$ computes
#    $\sigma(M_{kj} h_j + M_{kj'} h_{j'})$, which is not a function of $h_j$ plus a function of
#    $h_{j'}$: the step $\sigma(M_{kj} h_j) = M_{kj} h^+_j$ (or $|M_{kj}|\, h^-_j$) of the
#    layer-pair lemma fails, $P(h)$ is no longer $A^+ h^+ + A^- h^-$, its error is not linear in
#    $[h^+; h^-]$, and the entries of $W$ no longer decouple into separate SubsetSum
#    instances. Sharing: a unit of block $j$ passes the same $M_{kj} h^+_j$ (or
#    $|M_{kj}|\, h^-_j$) to every output row, and row $r$ chooses its own subset through the even
#    mask; a unit that one row does not read costs the other rows nothing. So one block serves a
#    whole column of $W_i$, and $m_i = 2n\, d_{i-1}$, a width factor $2n$. A separate group per
#    entry would need $2n\, d_{i-1} d_i$ hidden units, a factor $d_i$ more: a polynomial rather
#    than a logarithmic over-parameterisation.
#
# **Rubric (4 points).** 1 point for (1): the certified bound is a rigorous upper bound on the
# supremum over the whole ball, computed from masks and weights, while the sampled error is a
# lower estimate from finitely many feasible points. 1 point for (2): the chain
# sampled $\le$ sup (feasible points) $\le e_l$ (layer-pair lemma and error propagation), a
# deterministic inequality for the given target and masks, where the block form (one input edge
# per hidden unit, as `prune_to` builds them) is what makes the layer-pair identity
# $P_i(h) - W_i h = E_i [h^+; h^-]$ exact; at most half a point if the claim is made for
# arbitrary masks or the role of the block form is missing. 1 point for (3a): a layer of the
# target's shape offers one random weight per target weight, so pruning gives only $0$ or
# $(M_1)_{rj}$ and, for every draw, some target of the class (one entry far from both) is
# missed; the second layer of the pair provides many paths $N_{rk} M_{kj}$ per target weight,
# that is, a SubsetSum instance, whose error decays exponentially in $n$. 1 point for (3b): a unit
# reading two inputs computes $\sigma$ of a sum, which does not split by positive homogeneity, so
# $P(h) \ne A^+ h^+ + A^- h^-$ in general and the entries no longer decouple into SubsetSum
# instances; sharing each block among the $d_i$ rows (each row choosing its subset with the even
# mask) gives $m_i = 2n\, d_{i-1}$ instead of $2n\, d_{i-1} d_i$ hidden units. (Half a point each
# where the idea is right but vague.)

# %% [raw]
# # END SOLUTION

# %% [raw]
# # END QUESTION
