"""Problem set 3: wrong answers that make the mistakes its failure messages name, and correct
alternatives (another algorithm, another tie-breaking, other rounding), for grade_cases.py."""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch
from grade_cases import Case

from lthbook import subset_sum

# --------------------------------------------------------------------------- q1: a small gadget

U = np.array([0.8, -0.5, 0.3, -0.9])
V = np.array([0.6, -0.4, -0.7, -0.35])
KEPT = np.array([True, True, False, True])
W = 0.45


def q1_errors(*, kept=KEPT, minus_sign=1.0):
    at_plus = float(np.sum(kept * V * np.maximum(U, 0.0)))
    at_minus = float(np.sum(kept * V * np.maximum(-U, 0.0)))
    return at_plus - W, at_minus + minus_sign * W  # r+, r- (minus_sign = -1: compared with +w)


def q1_env(r_plus, r_minus, worst=None):
    answer = max(abs(r_plus), abs(r_minus))
    x = (1.0 if abs(r_plus) >= abs(r_minus) else -1.0) if worst is None else worst
    return {"q1_answer": answer, "q1_worst_x": x}


def q1_by_evaluation():
    """Alternative: evaluate the error at -1, 0, 1 directly (piecewise linear), ties towards -1."""

    def error(x):
        return abs(float(np.sum(KEPT * V * np.maximum(U * x, 0.0))) - W * x)

    values = {x: error(x) for x in (-1.0, 0.0, 1.0)}
    worst = max(values, key=lambda x: (values[x], -x))
    return {"q1_answer": values[worst], "q1_worst_x": worst}


# --------------------------------------------------------------------------- q2: a neuron

D, ETA = 400, 2.5e-5
R_PLUS = np.array([0.03, -0.02, 0.01, -0.04])
R_MINUS = np.array([-0.01, 0.05, 0.02, -0.03])


def exact(r_plus, r_minus, *, signs=("+", "-")):
    high, low = np.maximum(r_plus, r_minus), np.minimum(r_plus, r_minus)
    values = {"+": np.linalg.norm(np.maximum(high, 0.0)), "-": np.linalg.norm(np.maximum(-low, 0.0))}
    return float(max(values[s] for s in signs))


def exact_by_sign_patterns(r_plus, r_minus):
    """Alternative: all 2^d sign patterns, both signs of the error, fsum for the norms."""
    best = 0.0
    for pattern in itertools.product((0, 1), repeat=len(r_plus)):
        q = [r_plus[j] if s else r_minus[j] for j, s in enumerate(pattern)]
        positive = math.sqrt(math.fsum(v * v for v in q if v > 0))
        negative = math.sqrt(math.fsum(v * v for v in q if v < 0))
        best = max(best, positive, negative)
    return best


def e_norm(r_plus, r_minus):
    return float(np.linalg.norm(np.maximum(np.abs(r_plus), np.abs(r_minus))))


def q2_env(bound=None, plain=None, negated=None):
    return {
        "q2_bound": ETA * math.sqrt(D) if bound is None else bound,
        "q2_exact": exact(R_PLUS, R_MINUS) if plain is None else plain,
        "q2_exact_negated": exact(-R_PLUS, -R_MINUS) if negated is None else negated,
    }


# --------------------------------------------------------------------------- q3: gadget outputs


def gadget_output(u, v, mask, x):
    hidden = torch.relu(u.unsqueeze(2) * x)
    return (torch.where(mask, v, torch.zeros_like(v)).unsqueeze(2) * hidden).sum(dim=1)


def gadget_output_einsum_masking_u(u, v, mask, x):
    """Alternative: prune through the first edge (u_k = 0 silences the unit), einsum."""
    return torch.einsum("bk,bkn->bn", v, torch.relu(torch.einsum("bk,n->bkn", u * mask, x)))


def gadget_output_ignores_mask(u, v, mask, x):
    return (v.unsqueeze(2) * torch.relu(u.unsqueeze(2) * x)).sum(dim=1)


def gadget_output_float32(u, v, mask, x):
    return gadget_output(u.float(), v.float(), mask, x.float())


def gadget_output_squeezed(u, v, mask, x):
    """Mistake: squeezes the result, which loses the (B, N) shape when B or N is 1."""
    return gadget_output(u, v, mask, x).squeeze()


# --------------------------------------------------------------------------- q4: pruning by SubsetSum


def prune(u, v, w, *, negative_target_sign=-1.0, skip_empty=True, as_int=False):
    keep = torch.zeros(u.shape[0], dtype=torch.bool)
    for sign, target in ((1.0, w), (-1.0, negative_target_sign * w)):
        units = torch.nonzero(torch.sign(u) == sign).flatten()
        if skip_empty and len(units) == 0:
            continue
        solution = subset_sum.solve(v[units] * u[units].abs(), target, device="cpu")
        keep[units[solution.mask[0].cpu()]] = True
    return keep.long() if as_int else keep


def prune_other_route(u, v, w):
    """Alternative: the negative half as coefficients -v_k u_k (the same numbers), masks by boolean
    indexing, each half solved only when it is not empty."""
    keep = torch.zeros_like(u, dtype=torch.bool)
    positive, negative = u > 0, u < 0
    if positive.any():
        keep[positive] = subset_sum.solve(v[positive] * u[positive], w, device="cpu").mask[0].cpu()
    if negative.any():
        keep[negative] = subset_sum.solve(-v[negative] * u[negative], -w, device="cpu").mask[0].cpu()
    return keep


def prune_one_instance(u, v, w):
    """Mistake: one SubsetSum instance over all units, coefficients v_k u_k, target w."""
    solution = subset_sum.solve(v * u, w, device="cpu")
    return solution.mask[0].cpu().clone()


CASES = [
    # q1
    Case("q1", "the model answer (residuals at x = 1 and x = -1)", q1_env(*q1_errors())),
    Case("q1", "evaluated at -1, 0, 1, ties towards -1", q1_by_evaluation()),
    Case("q1", "g_S(-1) compared with w instead of -w", q1_env(*q1_errors(minus_sign=-1.0)), {"test_q1_value"}),
    Case(
        "q1",
        "all units kept (the mask ignored)",
        q1_env(*q1_errors(kept=np.ones(4, dtype=bool))),
        {"test_q1_value", "test_q1_worst_x"},
    ),
    Case("q1", "the other end as the worst input", q1_env(*q1_errors(), worst=1.0), {"test_q1_worst_x"}),
    Case("q1", "an int for the worst input", {**q1_env(*q1_errors()), "q1_worst_x": -1}, {"test_q1_format"}),
    # q2
    Case("q2", "the model answer", q2_env()),
    Case(
        "q2",
        "all sign patterns, fsum norms",
        q2_env(plain=exact_by_sign_patterns(R_PLUS, R_MINUS), negated=exact_by_sign_patterns(-R_PLUS, -R_MINUS)),
    ),
    Case("q2", "the cube's bound d eta", q2_env(bound=D * ETA), {"test_q2_bound"}),
    Case("q2", "one block's error eta", q2_env(bound=ETA), {"test_q2_bound"}),
    Case(
        "q2",
        "the bound ||e||_2 for the exact error",
        q2_env(plain=e_norm(R_PLUS, R_MINUS), negated=e_norm(-R_PLUS, -R_MINUS)),
        {"test_q2_exact", "test_q2_exact_negated"},
    ),
    Case(
        "q2",
        "only the positive sign of the error (g_S - f)",
        q2_env(plain=exact(R_PLUS, R_MINUS, signs="+"), negated=exact(-R_PLUS, -R_MINUS, signs="+")),
        {"test_q2_exact_negated"},
    ),
    Case("q2", "q2_exact_negated left as ...", q2_env(negated=Ellipsis), {"test_q2_format", "test_q2_exact_negated"}),
    # q3
    Case("q3", "the model answer", {"gadget_output": gadget_output}),
    Case("q3", "einsum, pruning through the first edge", {"gadget_output": gadget_output_einsum_masking_u}),
    Case("q3", "the mask ignored", {"gadget_output": gadget_output_ignores_mask}, {"test_q3_small", "test_q3_random"}),
    Case("q3", "float32", {"gadget_output": gadget_output_float32}, {"test_q3_small", "test_q3_random"}),
    Case(
        "q3",
        "squeezed output (shape lost when B = 1 or N = 1)",
        {"gadget_output": gadget_output_squeezed},
        {"test_q3_random"},
    ),
    # q4
    Case("q4", "the model answer", {"prune_gadget_by_subset_sum": prune}),
    Case(
        "q4",
        "coefficients -v_k u_k for the negative half, boolean indexing",
        {"prune_gadget_by_subset_sum": prune_other_route},
    ),
    Case(
        "q4",
        "target +w for the negative half",
        {"prune_gadget_by_subset_sum": lambda u, v, w: prune(u, v, w, negative_target_sign=1.0)},
        {"test_q4_small", "test_q4_random", "test_q4_edge_cases"},
    ),
    Case(
        "q4",
        "an empty half not skipped (the solver refuses n = 0)",
        {"prune_gadget_by_subset_sum": lambda u, v, w: prune(u, v, w, skip_empty=False)},
        {"test_q4_edge_cases"},
    ),
    Case(
        "q4",
        "one instance over all units",
        {"prune_gadget_by_subset_sum": prune_one_instance},
        {"test_q4_small", "test_q4_random", "test_q4_edge_cases"},
    ),
    Case(
        "q4",
        "an int mask",
        {"prune_gadget_by_subset_sum": lambda u, v, w: prune(u, v, w, as_int=True)},
        {"test_q4_small", "test_q4_random", "test_q4_edge_cases"},
    ),
]
