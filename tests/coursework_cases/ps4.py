"""Problem set 4: wrong answers that make the mistakes its failure messages name, and correct
alternatives (another algorithm, another tie-breaking, other rounding), for grade_cases.py."""

from __future__ import annotations

import math

import torch
from grade_cases import Case

from lthbook import construction

# --------------------------------------------------------------------------- q1: error propagation

L, ETA, EPS = 20, 0.01, 0.05


def by_recursion(eta, depth):
    e = 0.0
    for _ in range(depth):
        e = eta * (1.0 + e) + e
    return e


def eta_max_by_bisection(eps, depth):
    """Alternative: bisection on the recursion itself, to the last float."""
    low, high = 0.0, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        if by_recursion(middle, depth) <= eps:
            low = middle
        else:
            high = middle
    return low


# --------------------------------------------------------------------------- q2: Theorem 1's n

WIDTHS, Q2_EPS, Q2_DELTA, C = (16, 48, 40, 10), 0.02, 0.05, construction.MEASURED_CONSTANT


def theorem_n(d_in, d_out, depth):
    eps_prime = Q2_EPS / (2 * depth * math.sqrt(2 * d_in * d_out))
    delta_prime = Q2_DELTA / (2 * depth * d_in * d_out)
    return math.ceil(C * math.log2(2 / min(eps_prime, delta_prime)))


def q2_env(answer=None, threshold=None):
    return {
        "q2_answer": theorem_n(48, 40, 3) if answer is None else answer,
        "q2_eps_threshold": Q2_DELTA * math.sqrt(2 / (48 * 40)) if threshold is None else threshold,
    }


# --------------------------------------------------------------------------- q3: shapes


def shapes(
    widths,
    n,
    positive_inputs_only=False,
    *,
    flag_layers=lambda i: i >= 2,
    hidden_from=lambda d_prev, d_next: d_prev,
    swap=False,
):
    out = []
    for i, (d_prev, d_next) in enumerate(zip(widths[:-1], widths[1:]), start=1):
        block = n if (positive_inputs_only and flag_layers(i)) else 2 * n
        hidden = block * int(hidden_from(d_prev, d_next))
        pair = [(hidden, int(d_prev)), (int(d_next), hidden)]
        out += [(b, a) for a, b in pair] if swap else pair
    return out


def shapes_from_blocks(widths, n, positive_inputs_only=False):
    """Alternative: the block sizes first, then the shapes by a comprehension (NumPy ints cast)."""
    import numpy as np

    widths = np.asarray(widths)
    blocks = [2 * n] + [n if positive_inputs_only else 2 * n] * (len(widths) - 2)
    return [
        shape
        for b, d_prev, d_next in zip(blocks, widths[:-1], widths[1:])
        for shape in ((int(b * d_prev), int(d_prev)), (int(d_next), int(b * d_prev)))
    ]


# --------------------------------------------------------------------------- q4: the pruned forward pass


def forward(weights, masks, x, *, relu=True, dtype=torch.float64, in_place=False):
    h = x.to(dtype)
    for k, (weight, mask) in enumerate(zip(weights, masks)):
        if in_place:
            weight.mul_(mask)
            pruned = weight
        else:
            pruned = mask.to(dtype) * weight.to(dtype)
        h = h @ pruned.to(dtype).T
        if relu and k < len(weights) - 1:
            h = torch.relu(h)
    return h


def forward_functional(weights, masks, x):
    """Alternative: torch.nn.functional.linear, torch.where masking, clamp as the ReLU."""
    h = x.double()
    for k, (weight, mask) in enumerate(zip(weights, masks)):
        h = torch.nn.functional.linear(h, torch.where(mask.bool(), weight.double(), 0.0))
        if k + 1 < len(weights):
            h = h.clamp(min=0.0)
    return h


def threshold_by_bisection(d_in=48, d_out=40, depth=3):
    """Alternative: the eps where eps' and delta' cross, by bisection (to the last float)."""
    delta_prime = Q2_DELTA / (2 * depth * d_in * d_out)
    low, high = 0.0, Q2_DELTA
    for _ in range(200):
        middle = (low + high) / 2
        if middle / (2 * depth * math.sqrt(2 * d_in * d_out)) < delta_prime:
            low = middle
        else:
            high = middle
    return (low + high) / 2


CASES = [
    # q1
    Case("q1", "closed forms", {"q1_answer": (1 + ETA) ** L - 1, "q1_eta_max": (1 + EPS) ** (1 / L) - 1}),
    Case(
        "q1",
        "the recursion itself and a bisection",
        {"q1_answer": by_recursion(ETA, L), "q1_eta_max": eta_max_by_bisection(EPS, L)},
    ),
    Case(
        "q1",
        "the linearisation l eta (and eps / l)",
        {"q1_answer": L * ETA, "q1_eta_max": EPS / L},
        {"test_q1_answer_value", "test_q1_eta_max_value"},
    ),
    Case(
        "q1",
        "e_l = (1 + eta)^l, the 1 forgotten",
        {"q1_answer": (1 + ETA) ** L, "q1_eta_max": (1 + EPS) ** (1 / L) - 1},
        {"test_q1_answer_value"},
    ),
    Case(
        "q1",
        "ints where floats are asked",
        {"q1_answer": 1, "q1_eta_max": (1 + EPS) ** (1 / L) - 1},
        {"test_q1_types", "test_q1_answer_value"},
    ),
    # q2
    Case("q2", "closed forms", q2_env()),
    Case("q2", "threshold by bisection on the two budgets", q2_env(threshold=threshold_by_bisection())),
    Case(
        "q2",
        "the first layer's (d_0, d_1) instead of the largest",
        q2_env(answer=theorem_n(16, 48, 3), threshold=Q2_DELTA * math.sqrt(2 / (16 * 48))),
        {"test_q2_answer_value", "test_q2_threshold_value"},
    ),
    Case("q2", "l counted as the number of widths (4)", q2_env(answer=theorem_n(48, 40, 4)), {"test_q2_answer_value"}),
    Case("q2", "n as a float", q2_env(answer=float(theorem_n(48, 40, 3))), {"test_q2_types"}),
    # q3
    Case("q3", "the model answer", {"random_network_shapes": shapes}),
    Case("q3", "block sizes first, NumPy ints cast", {"random_network_shapes": shapes_from_blocks}),
    Case(
        "q3",
        "positive_inputs_only ignored",
        {"random_network_shapes": lambda widths, n, positive_inputs_only=False: shapes(widths, n)},
        {"test_q3_flag_later_layers"},
    ),
    Case(
        "q3",
        "positive_inputs_only applied to layer 1 too",
        {
            "random_network_shapes": lambda widths, n, positive_inputs_only=False: shapes(
                widths, n, positive_inputs_only, flag_layers=lambda i: True
            )
        },
        {"test_q3_flag_first_layer"},
    ),
    Case(
        "q3",
        "m_i = b_i d_i instead of b_i d_{i-1}",
        {
            "random_network_shapes": lambda widths, n, positive_inputs_only=False: shapes(
                widths, n, positive_inputs_only, hidden_from=lambda d_prev, d_next: d_next
            )
        },
        {"test_q3_default", "test_q3_flag_first_layer", "test_q3_flag_later_layers"},
    ),
    Case(
        "q3",
        "(in, out) instead of (out, in)",
        {
            "random_network_shapes": lambda widths, n, positive_inputs_only=False: shapes(
                widths, n, positive_inputs_only, swap=True
            )
        },
        {"test_q3_structure", "test_q3_default", "test_q3_flag_first_layer", "test_q3_flag_later_layers"},
    ),
    # q4
    Case("q4", "the model answer", {"pruned_forward": forward}),
    Case("q4", "functional.linear, where, clamp", {"pruned_forward": forward_functional}),
    Case(
        "q4",
        "no ReLU between layers",
        {"pruned_forward": lambda w, m, x: forward(w, m, x, relu=False)},
        {"test_q4_identity", "test_q4_against_library"},
    ),
    Case(
        "q4",
        "float32",
        {"pruned_forward": lambda w, m, x: forward(w, m, x, dtype=torch.float32)},
        {"test_q4_identity", "test_q4_against_library"},
    ),
    Case(
        "q4",
        "masks the weights in place",
        {"pruned_forward": lambda w, m, x: forward(w, m, x, in_place=True)},
        {"test_q4_against_library"},
    ),
]
