"""The lower bound: why Ω(d² log(1/ε)) parameters are necessary, and brute-force checks at tiny sizes.

Chapter 5 (``chapters/05_lower_bound.ipynb``) states and proves what this module computes;
the docstrings here state the contracts and name the chapter's results.

The counting argument
---------------------
Chapter 5's Theorem "Counting lower bound" (label ``thm-lower-bound``, proved there): if for
**every** linear map x ↦ Wx with W ∈ R^{d_out × d}, ‖W‖₂ ≤ r (r = 1 unless said otherwise),
some pruned subnetwork g_S of a network with m prunable parameters satisfies
sup_{‖x‖≤1} ‖Wx − g_S(x)‖₂ ≤ ε, then::

    2^m ≥ P(B, 2ε/r) ≥ (r/(2ε))^D,    D = d·d_out,    hence   m ≥ D · log₂(r/(2ε))

(:func:`min_parameters`). The proof (distinct packing points need distinct masks) uses neither
the law of the weights nor the depth or the architecture: it bounds *parameters*.

Which target classes it covers. The linear maps of norm ≤ 1 are the class of Theorem 1 with
l = 1. A linear map written as a ReLU network, Wx = σ(Wx) − σ(−Wx), needs hidden width 2d and
layers [W; −W] and [I, −I] of norms √2‖W‖ and √2; scaled to norm 1 they compute x ↦ Wx/2. A
linear depth-2 member x ↦ W_2σ(W_1x) has a vanishing even part ½W_2|W_1x| and computes
½W_2W_1x, of norm ≤ 1/2. So the depth-2 norm-1 class of hidden width 2d holds exactly the
linear maps of norm ≤ 1/2, and every deeper class of hidden widths ≥ 2d holds them too
(identity layers, σ(h) = h on h ≥ 0): for those classes the bound holds with r = 1/2. A depth-2 class
of hidden width d, F(d, d, d), does not contain every linear map (its linear members have rank
≤ d/2: a linear x ↦ W_2σ(W_1x) must pair each hidden unit with one of opposite direction), but
it contains x ↦ [A; 0]x/2 for A ∈ R^{⌊d/2⌋×d}, ‖A‖₂ ≤ 1, so the bound holds with
D = ⌊d/2⌋·d and r = 1/2. In every case m = Ω(d² log(1/ε)).

From parameters to width. Depth enters only when parameters are converted to width, and the
conversion depends on the architecture (:func:`network_parameters`):

* depth 2, d → w → d_out: m = w(d + d_out), so w ≥ m/(d + d_out) = Ω(d log(1/ε))
  (:func:`min_width_depth2`);
* Theorem 1's alternating architecture, l pairs d → w → d, depth 2l: m = 2l·d·w, so
  w ≥ m/(2ld) = Ω((d/l) log(1/ε)), which is Ω(d log(1/ε)) for constant l
  (:func:`min_width_alternating`);
* a general depth-L network d → w → … → w → d_out has w² parameters per hidden-to-hidden
  layer, m = w(d + d_out) + (L − 2)w², and counting alone gives only
  w = Ω(d·√(log(1/ε)/L)) (:func:`min_width`). (A network of depth L and width w does *not*
  have about L·d·w parameters when w > d.)

Upper against lower bound. Theorem 1 (chapter 4) uses width factor 2n with
n = ⌈C log₂(2/min(ε′, δ′))⌉ = O(log(d l/min(ε, δ))) = O(log(1/ε) + log(d l) + log(1/δ)). Against
the lower bound's Ω(log(1/ε)) the gap is an *additive* O(log(d l/δ)) term, a ratio
1 + O(log(d l/δ)/log(1/ε)) that tends to a constant as ε → 0 at fixed d, l, δ: the sense in
which the construction is "essentially optimal" (for constant depth). At fixed ε the same
additive term makes the ratio grow like log d (:func:`pensia_parameters`,
:func:`malach_parameters`).

Packing and covering numbers
----------------------------
Let ‖·‖ be a norm on R^D and B its closed unit ball (here R^{d_out × d} with the operator
norm, D = d·d_out). This module's conventions, for ε > 0:

* an **ε-packing** is a set of points of B whose pairwise distances are **> ε** (strictly);
  P(B, ε) is the largest size of one;
* an **ε-covering** is a set of centers **in B** such that every point of B lies within
  distance **≤ ε** of some center; N(B, ε) is the smallest size of one.

Chapter 5's Lemma "Volumetric bounds" (label ``lem-volumetric``, proved there) gives::

    (1/ε)^D  ≤  N(B, ε)  ≤  P(B, ε)  ≤  (1 + 2/ε)^D,

and P(ε) ≤ N(ε/2) (:func:`log2_packing_lower`, :func:`log2_packing_upper`,
:func:`log2_covering_lower`, :func:`log2_covering_upper`).

These numbers overflow a float for moderate D, so the functions return base-2 logarithms.
In one dimension (B = [−1, 1]) the exact values are N(ε) = ⌈1/ε⌉ and P(ε) = ⌈2/ε⌉ (k points
pairwise more than ε apart need (k − 1)ε < 2), which the tests use.

Brute force at tiny sizes
-------------------------
Chapter 5 checks the counting bound against *all* 2^m subnetworks of tiny networks:

* :func:`enumerate_subnetworks` — every pruned copy of any small bias-free ReLU network;
* :func:`scalar_gadget_subnetworks`, :func:`best_sup_error_over_targets`,
  :func:`scalar_gadget_subset_sum_error` — the scalar gadget g(x) = vᵀσ(u x) of chapter 3 and
  targets x ↦ wx, w ∈ [−1, 1], exactly;
* :func:`depth2_sup_error`, :func:`depth2_linear_cover` — a depth-2 network R² → R^q and
  linear targets in the operator-norm ball, exactly; :func:`covered_fraction_bound` is the
  most any 2^m functions can cover.

Mask convention (all functions): the m parameters are numbered layer by layer, each weight
matrix row-major (the order of ``torch.cat([w.flatten() for w in weights])``), and the mask
with **index** k keeps parameter j exactly when bit j of k is 1.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import torch
from tqdm.auto import tqdm

from . import _networks
from ._sampling import uniform
from ._validation import as_float64_tensor, check_bool, check_float, check_generator, check_int, resolve_device
from .construction import malach_width_factor, required_n
from .subset_sum import worst_case_error

__all__ = [
    "ENUMERATION_MAX_PARAMETERS",
    "SAMPLING_MAX_ENTRIES",
    "DEFAULT_DELTA",
    "log2_packing_lower",
    "log2_packing_upper",
    "log2_covering_lower",
    "log2_covering_upper",
    "spectral_norm",
    "sample_operator_norm_ball",
    "GreedyPacking",
    "greedy_packing",
    "min_parameters",
    "min_width_depth2",
    "network_parameters",
    "min_width",
    "min_width_alternating",
    "covered_fraction_bound",
    "pensia_parameters",
    "malach_parameters",
    "PrunedNetworks",
    "enumerate_subnetworks",
    "ScalarSubnetworks",
    "scalar_gadget_subnetworks",
    "ScalarCoverError",
    "best_sup_error_over_targets",
    "scalar_gadget_subset_sum_error",
    "depth2_sup_error",
    "LinearCoverResult",
    "depth2_linear_cover",
]

#: Largest number of parameters m whose 2^m subnetworks the brute-force functions enumerate
#: (2^24 ≈ 16.8 million masks).
ENUMERATION_MAX_PARAMETERS = 24
#: Largest number of entries d·d_out of the matrices :func:`sample_operator_norm_ball` draws
#: by rejection from the box [−1, 1]^{d_out×d}: the acceptance rate (the ball's share of the
#: box) falls fast, measured 1.0, 0.41, 0.034 and 0.0049 for 1×1, 2×2, 3×3 and 3×4.
SAMPLING_MAX_ENTRIES = 12
#: The failure probability δ that :func:`pensia_parameters` and :func:`malach_parameters`
#: use when none is given.
DEFAULT_DELTA = 0.1

# Masks per chunk when subnetworks are enumerated.
_MASK_CHUNK = 1 << 15
# Numbers per chunk in the exact planar suprema (temporaries of ~8 MB each, which the
# allocator reuses instead of mapping fresh pages for every chunk).
_PLANAR_CHUNK_NUMBERS = 1 << 20
# (target, subnetwork) pairs per chunk when distances are screened.
_PAIR_CHUNK = 1 << 16
# Relative slack of the screens of depth2_linear_cover: bounds that are equal in exact
# arithmetic may differ by rounding, and a screen may only ever keep too much.
_SCREEN_SLACK = 1e-9


# ----------------------------------------------------------------------------------------
# Packing and covering numbers of the operator-norm ball
# ----------------------------------------------------------------------------------------


def log2_packing_lower(d: int, eps: float, d_out: int | None = None) -> float:
    """log₂ of the volumetric lower bound on P(B, ε): D · log₂(1/ε), with D = d·d_out.

    P(B, ε) ≥ N(B, ε) ≥ (1/ε)^D (facts 1 and 3 of the module docstring): a maximal ε-packing
    is an ε-covering, and an ε-covering of B needs at least vol(B)/vol(εB) = ε^{−D} balls.
    B is the operator-norm ball {W ∈ R^{d_out×d} : ‖W‖₂ ≤ 1} (any norm ball gives the same
    bound). Chapter 5 uses it, at scale 2ε, in the counting argument (:func:`min_parameters`).

    Args:
        d: input dimension, d ≥ 1.
        eps: the separation ε ∈ (0, 2) (B has diameter 2, so for ε ≥ 2 every packing has one
            point).
        d_out: output dimension ≥ 1; None means d_out = d (square matrices).

    Returns:
        D · log₂(1/ε) as a float (negative for ε > 1, where the bound says nothing).
    """
    entries, eps = _check_ball(d, eps, d_out, eps_high=2.0)
    return entries * math.log2(1.0 / eps)


def log2_packing_upper(d: int, eps: float, d_out: int | None = None) -> float:
    """log₂ of the volumetric upper bound on P(B, ε): D · log₂(1 + 2/ε), with D = d·d_out.

    The balls of radius ε/2 around the points of an ε-packing are disjoint and lie in
    (1 + ε/2)B, so P · (ε/2)^D ≤ (1 + ε/2)^D (fact 4 of the module docstring). It bounds every
    packing, so also the size of :func:`greedy_packing`'s output.

    Args:
        d, eps, d_out: as for :func:`log2_packing_lower`.
    """
    entries, eps = _check_ball(d, eps, d_out, eps_high=2.0)
    return entries * math.log2(1.0 + 2.0 / eps)


def log2_covering_lower(d: int, eps: float, d_out: int | None = None) -> float:
    """log₂ of the volumetric lower bound on N(B, ε): D · log₂(1/ε), with D = d·d_out.

    N ε-balls cover B only if N · ε^D vol(B) ≥ vol(B) (fact 3 of the module docstring). The
    same number bounds P(B, ε) from below (:func:`log2_packing_lower`), since N ≤ P.

    Args:
        d, eps, d_out: as for :func:`log2_packing_lower`.
    """
    entries, eps = _check_ball(d, eps, d_out, eps_high=2.0)
    return entries * math.log2(1.0 / eps)


def log2_covering_upper(d: int, eps: float, d_out: int | None = None) -> float:
    """log₂ of the volumetric upper bound on N(B, ε): D · log₂(1 + 2/ε), with D = d·d_out.

    N(ε) ≤ P(ε) (a maximal ε-packing is an ε-covering) ≤ (1 + 2/ε)^D (fact 4 of the module
    docstring). A maximal packing, which :func:`greedy_packing` approximates, is such a
    covering.

    Args:
        d, eps, d_out: as for :func:`log2_packing_lower`.
    """
    entries, eps = _check_ball(d, eps, d_out, eps_high=2.0)
    return entries * math.log2(1.0 + 2.0 / eps)


def spectral_norm(matrices) -> torch.Tensor:
    """‖A‖₂, the largest singular value, of each matrix of a batch ``(..., r, c)``, in float64.

    Matrices with one row or one column use the Euclidean norm; matrices with two columns (or
    two rows, by transposing) use the closed form of the largest eigenvalue of the 2×2 Gram
    matrix G = AᵀA = [[p, t], [t, s]]::

        ‖A‖₂² = (p + s)/2 + sqrt(((p − s)/2)² + t²),

    which is exact to rounding and much faster than an SVD for millions of small matrices;
    other shapes go to ``torch.linalg.matrix_norm(ord=2)`` on the taller of A and Aᵀ (the same
    singular values). The result lives on the input's device (CPU for arrays). This is the one
    spectral norm of the package: the certificates of :mod:`lthbook.construction` use it too.

    Args:
        matrices: a tensor or array of shape ``(..., r, c)``.

    Returns:
        float64 tensor of shape ``(...)``.
    """
    device = matrices.device if isinstance(matrices, torch.Tensor) else torch.device("cpu")
    a = as_float64_tensor("matrices", matrices, device=device)
    if a.ndim < 2:
        raise ValueError(f"matrices must have at least 2 dimensions (..., r, c); got shape {tuple(a.shape)}")
    return _networks.spectral_norm(a)


def sample_operator_norm_ball(
    num_samples: int,
    d: int,
    d_out: int | None = None,
    *,
    generator: torch.Generator | None = None,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    """Draw matrices W ∈ R^{d_out×d} uniformly from the ball B = {‖W‖₂ ≤ 1}, exactly.

    Rejection from the box [−1, 1]^{d_out×d}, which contains B because every entry satisfies
    ``|W_ij|`` = ``|e_iᵀ W e_j|`` ≤ ‖W‖₂: draw the entries i.i.d. U[−1, 1] and keep the draws
    with ‖W‖₂ ≤ 1. A uniform law on the box conditioned on B is the uniform law on B. The
    acceptance rate is vol(B)/2^D (about 0.41 for 2×2 matrices), so only
    d·d_out ≤ :data:`SAMPLING_MAX_ENTRIES` is accepted. Chapter 5 draws its random targets
    with it. The numbers are drawn on the generator's device (the CPU without one), then moved.

    Args:
        num_samples: how many matrices, ≥ 1.
        d: input dimension ≥ 1 (columns).
        d_out: output dimension ≥ 1 (rows); None means d.
        generator: a ``torch.Generator``; None uses torch's global one.
        device: where the result lives; None = CUDA if available, else CPU.

    Returns:
        float64 tensor ``(num_samples, d_out, d)``.
    """
    num_samples = check_int("num_samples", num_samples, low=1)
    d = check_int("d", d, low=1)
    d_out = d if d_out is None else check_int("d_out", d_out, low=1)
    if d * d_out > SAMPLING_MAX_ENTRIES:
        raise ValueError(
            f"sample_operator_norm_ball samples by rejection from a box and accepts d·d_out <= "
            f"{SAMPLING_MAX_ENTRIES} entries (the acceptance rate falls below 0.5% beyond); got "
            f"d = {d}, d_out = {d_out}"
        )
    generator = check_generator(generator)
    device = resolve_device(device)
    accepted: list[torch.Tensor] = []
    have = 0
    rate = 1.0  # running estimate of the acceptance rate, to size the next draw
    while have < num_samples:
        draw = max(64, math.ceil(1.2 * (num_samples - have) / rate))
        box = uniform((draw, d_out, d), generator)
        inside = box[_networks.spectral_norm(box) <= 1.0]
        rate = max(inside.shape[0], 1) / draw
        accepted.append(inside)
        have += inside.shape[0]
    return torch.cat(accepted)[:num_samples].to(device)


@dataclass(frozen=True)
class GreedyPacking:
    """A packing of the operator-norm ball found by :func:`greedy_packing`.

    Attributes:
        points: float64 ``(P, d_out, d)``, matrices in B with pairwise ‖W_i − W_j‖₂ > ε.
        eps: the separation ε.
        num_candidates: how many uniform candidates were scanned.
        uncovered_fraction: share of ``num_check`` fresh uniform samples of B that lie farther
            than ε from every point: an unbiased estimate of the share of B (by volume) that
            the packing does not cover. 0 is evidence that the packing is maximal; NaN when
            ``num_check`` was 0.
        num_check: how many fresh samples measured ``uncovered_fraction``.
    """

    points: torch.Tensor
    eps: float
    num_candidates: int
    uncovered_fraction: float
    num_check: int

    @property
    def size(self) -> int:
        """P, the number of points."""
        return self.points.shape[0]


def greedy_packing(
    d: int,
    eps: float,
    *,
    num_candidates: int,
    d_out: int | None = None,
    num_check: int = 1000,
    generator: torch.Generator | None = None,
    device: str | torch.device | None = None,
) -> GreedyPacking:
    """A Monte-Carlo ε-packing of B = {W ∈ R^{d_out×d} : ‖W‖₂ ≤ 1}, greedily.

    Scan ``num_candidates`` uniform samples of B (:func:`sample_operator_norm_ball`) in order
    and keep a candidate when its operator-norm distance to every point kept so far is > ε.
    (Candidates are processed in blocks: those within ε of a kept point are discarded at once,
    the rest one by one against the block's own distance matrix; the result is the same as
    a one-at-a-time scan.)

    What is guaranteed, and what is not:

    * The result **is** an ε-packing, always, so its size is at most
      P(B, ε) ≤ (1 + 2/ε)^D (:func:`log2_packing_upper`).
    * It is maximal among the candidates (each discarded candidate is within ε of a point),
      but not necessarily in B. *If* it were maximal in B it would be an ε-covering, and its
      size would be at least N(B, ε) ≥ (1/ε)^D (:func:`log2_covering_lower`). Monte Carlo
      only approximates this: ``uncovered_fraction`` estimates, from fresh samples, the share
      of B left uncovered. With many candidates at small d it is near 0 and the lower bound
      holds in practice, but that is not a proof.

    Args:
        d: input dimension ≥ 1.
        eps: the separation ε ∈ (0, 2). For the counting argument at error ε, pass 2ε.
        num_candidates: uniform samples to scan, ≥ 1.
        d_out: output dimension ≥ 1; None means d. d·d_out ≤ :data:`SAMPLING_MAX_ENTRIES`.
        num_check: fresh samples for ``uncovered_fraction`` (0 skips the check).
        generator: a ``torch.Generator``; None uses torch's global one. The candidates are
            drawn first, then the check samples.
        device: None = CUDA if available, else CPU.

    Returns:
        :class:`GreedyPacking`.
    """
    entries, eps = _check_ball(d, eps, d_out, eps_high=2.0)
    d_out = entries // d
    num_candidates = check_int("num_candidates", num_candidates, low=1)
    num_check = check_int("num_check", num_check, low=0)
    device = resolve_device(device)
    candidates = sample_operator_norm_ball(num_candidates, d, d_out, generator=generator, device=device)
    block = 1024
    kept = candidates[:0]
    for start in range(0, num_candidates, block):
        chunk = candidates[start : start + block]
        if kept.shape[0] > 0:
            chunk = chunk[_min_distance(chunk, kept) > eps]
        if chunk.shape[0] == 0:
            continue
        close = (_pairwise_distance(chunk, chunk) <= eps).cpu().numpy()
        alive = np.ones(chunk.shape[0], dtype=bool)
        chosen = []
        for i in range(chunk.shape[0]):
            if alive[i]:
                chosen.append(i)
                alive &= ~close[i]
        kept = torch.cat([kept, chunk[chosen]])
    uncovered = float("nan")
    if num_check > 0:
        fresh = sample_operator_norm_ball(num_check, d, d_out, generator=generator, device=device)
        uncovered = float((_min_distance(fresh, kept) > eps).double().mean())
    return GreedyPacking(
        points=kept, eps=eps, num_candidates=num_candidates, uncovered_fraction=uncovered, num_check=num_check
    )


# ----------------------------------------------------------------------------------------
# The counting argument
# ----------------------------------------------------------------------------------------


def min_parameters(d: int, eps: float, d_out: int | None = None, *, radius: float = 1.0) -> int:
    """A lower bound on the parameters of *any* network whose subnetworks approximate all of rB.

    Returns the smallest integer m ≥ 0 with::

        2^m ≥ (r/(2ε))^D,    D = d·d_out,    i.e.  m = max(0, ⌈D · log₂(r/(2ε))⌉),

    r = ``radius`` (1 by default: every linear map of operator norm at most 1).

    Why it is a lower bound (chapter 5; the module docstring has the details): a network with
    m prunable parameters has at most 2^m subnetworks. If every x ↦ Wx with ‖W‖₂ ≤ r is within
    ε of one of them in sup over the unit ball, two targets more than 2ε apart in operator
    norm cannot share a subnetwork (triangle inequality; the subnetworks need not be linear),
    so 2^m ≥ P(rB, 2ε) = P(B, 2ε/r) ≥ (r/(2ε))^D, the volumetric lower bound
    (:func:`log2_packing_lower` at 2ε/r). Any network with fewer parameters, however its
    weights are chosen and whatever its depth or architecture, misses some target by more than ε.

    ``radius`` transfers the bound to target classes that contain only the *scaled* linear
    maps: the norm-1 ReLU classes of hidden width ≥ 2d contain x ↦ Wx/2 (r = 1/2); the depth-2
    class of hidden width d contains x ↦ [A; 0]x/2 with A ∈ R^{⌊d/2⌋×d}, i.e. ``d_out = d // 2``
    and r = 1/2 (module docstring). Only ε/r matters: ``min_parameters(d, ε, radius=r)`` equals
    ``min_parameters(d, ε/r)`` whenever ε/r is exact in floating point (e.g. r = 1/2).

    m counts every prunable parameter of the large network (for the random network of
    Theorem 1, all entries of M_1, …, M_{2l}; :func:`pensia_parameters` counts them).
    The ceiling is taken without floating-point doubt: D · log₂(r/(2ε)) is an integer only
    when r/(2ε) is a power of two (then it is computed in integers); otherwise it is
    irrational and is computed to 60 significant digits.
    For ε ≥ r the question is void: the empty subnetwork g_S = 0 is within ‖W‖₂ ≤ r of every
    target.

    Args:
        d: input dimension ≥ 1.
        eps: the error ε ∈ (0, r).
        d_out: output dimension ≥ 1; None means d.
        radius: r ∈ (0, 1], the norm of the largest targets.

    Returns:
        m as an int.

    Examples:
        >>> min_parameters(2, 0.125)  # 4 · log2(4)
        8
        >>> min_parameters(2, 0.0625, radius=0.5) == min_parameters(2, 0.125)
        True
    """
    d = check_int("d", d, low=1)
    radius = check_float("radius", radius, low=0.0, high=1.0, low_inclusive=False)
    eps = check_float("eps", eps, low=0.0, high=radius, low_inclusive=False, high_inclusive=False)
    d_out = d if d_out is None else check_int("d_out", d_out, low=1)
    return _smallest_exponent(d * d_out, Fraction(eps) / Fraction(radius))


def min_width_depth2(d: int, eps: float, d_out: int | None = None) -> int:
    """The smallest hidden width w of a depth-2 network d → w → d_out allowed by the counting bound.

    Such a network has m = w·d + d_out·w = w(d + d_out) weights (2dw when d_out = d), so it
    needs w ≥ :func:`min_parameters` / (d + d_out)::

        w = ⌈min_parameters(d, ε, d_out) / (d + d_out)⌉  ≈  (d/2) · log₂(1/(2ε))   (d_out = d),

    that is Ω(d log(1/ε)): the width factor w/d must grow like log(1/ε). This is the depth-2
    case of :func:`min_width`; for Theorem 1's alternating architecture see
    :func:`min_width_alternating`. The construction of chapter 4 uses width 2n·d with
    n = O(log(d l/min(ε, δ))) (:func:`pensia_parameters`): the two width factors differ by an
    additive O(log(d l/δ)) term.

    Args:
        d: input dimension ≥ 1.
        eps: the error ε ∈ (0, 1).
        d_out: output dimension ≥ 1; None means d.

    Examples:
        >>> min_width_depth2(2, 0.1)  # m >= 10 = ceil(4 log2 5), 4 weights per hidden unit
        3
    """
    d = check_int("d", d, low=1)
    d_out = d if d_out is None else check_int("d_out", d_out, low=1)
    return -(-min_parameters(d, eps, d_out) // (d + d_out))


def network_parameters(widths: Sequence[int]) -> int:
    """The number of weights of a bias-free fully connected network with widths (d_0, …, d_L).

    Σ_i d_{i−1}·d_i. For a depth-L network d → w → … → w → d_out this is
    w(d + d_out) + (L − 2)w²: each hidden-to-hidden layer has w² weights, so for w > d the
    count exceeds L·d·w (for d_out = d by (L − 2)·w·(w − d)). Theorem 1's alternating network
    d → w → d → … → w → d (l pairs) has 2l·d·w.

    Args:
        widths: (d_0, …, d_L), L ≥ 1 integers ≥ 1.

    Examples:
        >>> network_parameters((3, 10, 10, 3))  # 30 + 100 + 30
        160
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or len(widths) < 2:
        raise TypeError("widths must be a sequence (d_0, ..., d_L) of at least two integers")
    widths = [check_int(f"widths[{i}]", w, low=1) for i, w in enumerate(widths)]
    return sum(a * b for a, b in zip(widths[:-1], widths[1:]))


def min_width(d: int, eps: float, depth: int, d_out: int | None = None, *, radius: float = 1.0) -> int:
    """The smallest hidden width w of a depth-L network d → w → … → w → d_out allowed by counting.

    The network has L = ``depth`` layers and L − 1 hidden layers of width w, so
    m(w) = w(d + d_out) + (L − 2)w² parameters (:func:`network_parameters`). The result is the
    smallest integer w with m(w) ≥ :func:`min_parameters` (d, ε, d_out, radius). For L = 2 it
    is :func:`min_width_depth2`. For L ≥ 3 the w² term dominates once w > d, and::

        w ≈ √(m_min/(L − 2)) ≈ d · √(log₂(r/(2ε)) / (L − 2))      (d_out = d, ε small),

    only Ω(d·√(log(1/ε)/L)): counting parameters does **not** force a width Ω(d log(1/ε)) on a
    deep network of uniform width (chapter 5).

    Args:
        d: input dimension ≥ 1.
        eps: the error ε ∈ (0, r).
        depth: L ≥ 2, the number of weight layers.
        d_out: output dimension ≥ 1; None means d.
        radius: r ∈ (0, 1], as for :func:`min_parameters`.

    Examples:
        >>> min_width(2, 0.1, 2) == min_width_depth2(2, 0.1)
        True
    """
    d = check_int("d", d, low=1)
    depth = check_int("depth", depth, low=2)
    d_out = d if d_out is None else check_int("d_out", d_out, low=1)
    needed = min_parameters(d, eps, d_out, radius=radius)
    if depth == 2:
        return -(-needed // (d + d_out))
    quad, lin = depth - 2, d + d_out
    # Positive root of quad·w² + lin·w − needed = 0, then the exact integer correction.
    width = max(0, math.floor((-lin + math.sqrt(lin * lin + 4 * quad * needed)) / (2 * quad)) - 1)
    while width * lin + quad * width * width < needed:
        width += 1
    return width


def min_width_alternating(d: int, eps: float, pairs: int, *, radius: float = 1.0) -> int:
    """The smallest width w of Theorem 1's alternating network allowed by the counting bound.

    The random network of Theorem 1 has l = ``pairs`` pairs d → w → d (depth 2l), so
    m = 2l·d·w parameters (:func:`network_parameters`), and::

        w = ⌈min_parameters(d, ε, radius=r) / (2 l d)⌉  ≈  (d/(2l)) · log₂(r/(2ε)),

    Ω(d log(1/ε)) for constant l, Ω((d/l) log(1/ε)) in general. The construction's width is
    2n·d per pair with n = O(log(d l/min(ε, δ))) (:func:`lthbook.construction.required_n`).

    Args:
        d: target width ≥ 1.
        eps: the error ε ∈ (0, r).
        pairs: l ≥ 1.
        radius: r ∈ (0, 1], as for :func:`min_parameters`.

    Examples:
        >>> min_width_alternating(2, 0.1, 1) == min_width_depth2(2, 0.1)
        True
    """
    d = check_int("d", d, low=1)
    pairs = check_int("pairs", pairs, low=1)
    return -(-min_parameters(d, eps, radius=radius) // (2 * pairs * d))


def covered_fraction_bound(d: int, eps: float, m: float, d_out: int | None = None) -> float:
    """The largest share of B (by volume) that 2^m functions can serve within ε: min(1, 2^m ε^D).

    A quantitative form of the counting argument, for plots of the share of random targets
    a network covers (:func:`depth2_linear_cover`). Fix one function g_S and let A_S be the
    set of W ∈ B with sup_{‖x‖≤1} ‖Wx − g_S(x)‖ ≤ ε. A_S is convex (the error is a supremum
    of convex functions of W) and has diameter at most 2ε (triangle inequality), so
    A_S − A_S ⊆ 2εB, and the Brunn–Minkowski inequality gives::

        2 vol(A_S)^{1/D} ≤ vol(A_S − A_S)^{1/D} ≤ 2ε vol(B)^{1/D},   so   vol(A_S) ≤ ε^D vol(B).

    The targets served by some subnetwork are the union of the at most 2^m sets A_S, so their
    share of B is at most 2^m ε^D; for targets drawn uniformly from B
    (:func:`sample_operator_norm_ball`) it bounds the expected covered fraction. It reaches 1
    at m = D log₂(1/ε), the covering number's volumetric bound.

    Args:
        d: input dimension ≥ 1.
        eps: the error ε ∈ (0, 2).
        m: log₂ of the number of functions, ≥ 0: the number of parameters, or the log₂ of a
            count of distinct subnetworks (any real number).
        d_out: output dimension ≥ 1; None means d.

    Returns:
        min(1, 2^m ε^D) as a float.
    """
    entries, eps = _check_ball(d, eps, d_out, eps_high=2.0)
    m = check_float("m", m, low=0.0)
    return 2.0 ** min(0.0, m + entries * math.log2(eps))


# ----------------------------------------------------------------------------------------
# Parameter counts of the upper bounds
# ----------------------------------------------------------------------------------------


def pensia_parameters(
    d: int,
    eps: float,
    *,
    depth: int = 1,
    delta: float = DEFAULT_DELTA,
    constant: float | None = None,
    positive_inputs_only: bool = False,
) -> int:
    """Number of random weights of Theorem 1's network for a target of depth l and width d.

    The random network (:class:`lthbook.construction.RandomNetwork`) has, for target layer i,
    M_{2i−1} ∈ R^{m_i × d} and M_{2i} ∈ R^{d × m_i} with m_i = b_i·d hidden units, b_i = 2n
    (b_i = n for i ≥ 2 with ``positive_inputs_only``), all entries drawn and all prunable::

        parameters = Σ_i m_i (d + d) = l · 4n d²          (b_i = 2n throughout),

    with n = required_n(ε, δ, d, d, l, constant) from
    :func:`lthbook.construction.required_n`, the single source of the theorem's n. Against
    :func:`min_parameters` the ratio is 4n l / log₂(1/(2ε)) = 4C l · (1 + O(log(d l/δ)/log(1/ε))):
    it grows like log d at fixed ε (the additive log(d l/δ) inside n) and tends to the
    constant 4Cl as ε → 0 at fixed d, l, δ (chapter 5 plots both). This is
    the dense count, ``RandomNetwork.num_parameters``, the network the theorem draws and
    prunes. (The pruned M_{2i−1} is block diagonal: only
    m_i of its m_i·d entries can survive. The counting argument of :func:`min_parameters`
    applies to whichever count one prefers; the dense one is what is drawn.)

    Args:
        d: target width ≥ 1 (all layers d × d).
        eps: the error ε ∈ (0, 1].
        depth: l ≥ 1.
        delta: failure probability δ ∈ (0, 1).
        constant: the SubsetSum constant C > 0; ``None`` reads
            :data:`lthbook.construction.MEASURED_CONSTANT` (chapter 2 measures it) at call time.
        positive_inputs_only: blocks of n units for layers i ≥ 2 (their inputs are ≥ 0).

    Returns:
        the number of parameters, an int.
    """
    d = check_int("d", d, low=1)
    depth = check_int("depth", depth, low=1)
    positive_inputs_only = check_bool("positive_inputs_only", positive_inputs_only)
    n = required_n(eps, delta, d, d, depth, constant)
    blocks = [2 * n] + [n if positive_inputs_only else 2 * n] * (depth - 1)
    return sum(block * d * (d + d) for block in blocks)


def malach_parameters(d: int, eps: float, *, depth: int = 1, delta: float = DEFAULT_DELTA) -> float:
    """The order of the parameter count of Malach et al. (2020), for comparison plots.

    Their random network also has depth 2l; each target layer d × d becomes a pair
    d → F·d → d with the width factor F = d⁴ l²/ε² · ln(d l/δ)
    (:func:`lthbook.construction.malach_width_factor`, constants of the O set to 1; the
    d⁴ l² is Pensia et al.'s summary of Malach et al.'s theorem, the 1/ε² and ln(d l/δ) are
    this book's reading of its polynomial dependence on 1/ε and δ), so::

        parameters ≈ l · 2 F d² = 2 d⁶ l³ / ε² · ln(d l/δ).

    An order of growth, not a sufficient size: compare slopes, not values.

    Args:
        d: target width ≥ 1.
        eps: the error ε ∈ (0, 1].
        depth: l ≥ 1.
        delta: δ ∈ (0, 1).

    Returns:
        a float.
    """
    d = check_int("d", d, low=1)
    depth = check_int("depth", depth, low=1)
    return depth * 2 * malach_width_factor(eps, delta, d, depth) * d * d


# ----------------------------------------------------------------------------------------
# Every subnetwork of a tiny network
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrunedNetworks:
    """A batch of B pruned copies g_S of one small bias-free ReLU network.

    Attributes:
        index: int64 ``(B,)``, the mask indices (bit j keeps parameter j; module docstring).
        masks: bool tensors (S_1, …, S_L), layer i of shape ``(B, rows_i, cols_i)``.
        weights: float64 tensors (S_1 ⊙ M_1, …, S_L ⊙ M_L), same shapes.
    """

    index: torch.Tensor
    masks: tuple[torch.Tensor, ...]
    weights: tuple[torch.Tensor, ...]

    def __len__(self) -> int:
        return self.index.shape[0]

    def outputs(self, x) -> torch.Tensor:
        """g_S(x) = (S_L ⊙ M_L) σ(… σ((S_1 ⊙ M_1) x)) for every subnetwork and input.

        Args:
            x: inputs ``(N, d_0)``.

        Returns:
            float64 ``(B, N, d_L)``.
        """
        first = self.weights[0]
        x = as_float64_tensor("x", x, device=first.device, ndim=(2,))
        if x.shape[1] != first.shape[2]:
            raise ValueError(f"x must have shape (N, {first.shape[2]}); got {tuple(x.shape)}")
        hidden = torch.einsum("bij,nj->bni", first, x)
        for weight in self.weights[1:]:
            hidden = torch.einsum("bij,bnj->bni", weight, torch.relu(hidden))
        return hidden


def enumerate_subnetworks(
    network_weights: Sequence,
    *,
    chunk_size: int = _MASK_CHUNK,
    device: str | torch.device | None = None,
) -> Iterator[PrunedNetworks]:
    """All 2^m pruned copies of a tiny network, in chunks: the brute force of chapter 5.

    The network is g(x) = M_L σ(… σ(M_1 x)), bias-free, ReLU between layers and none at the
    end, given by its weight matrices (M_1, …, M_L), M_i of shape ``(d_i, d_{i−1})``. Its
    m = Σ_i d_i d_{i−1} entries are all prunable (entries that are already 0 count too: they
    only make some subnetworks equal). The chunks list the masks in index order 0, 1, …,
    2^m − 1 (bit j of the index keeps parameter j, numbered layer by layer, row-major).

    Args:
        network_weights: a list or tuple of 2-D tensors or arrays (M_1, …, M_L) with
            consecutive shapes; m ≤ :data:`ENUMERATION_MAX_PARAMETERS`.
        chunk_size: masks per chunk ≥ 1.
        device: None = CUDA if available, else CPU.

    Returns:
        an iterator of :class:`PrunedNetworks`, 2^m subnetworks in all. The arguments are
        checked at the call, before the first chunk.
    """
    device = resolve_device(device)
    weights = _check_network(network_weights, device)
    chunk_size = check_int("chunk_size", chunk_size, low=1)
    total = 1 << sum(w.numel() for w in weights)
    return _subnetwork_chunks(weights, total, chunk_size)


def _subnetwork_chunks(weights: list[torch.Tensor], total: int, chunk_size: int) -> Iterator[PrunedNetworks]:
    for start in range(0, total, chunk_size):
        index = torch.arange(start, min(start + chunk_size, total), device=weights[0].device)
        masks = _layer_masks(index, [w.shape for w in weights])
        pruned = tuple(mask * w for mask, w in zip(masks, weights))
        yield PrunedNetworks(index=index, masks=masks, weights=pruned)


# ----------------------------------------------------------------------------------------
# The scalar gadget
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalarSubnetworks:
    """The functions of all 2^m subnetworks of a scalar gadget g(x) = vᵀσ(u x).

    Each g_S is linear on [0, 1] and on [−1, 0] (module :mod:`lthbook.gadgets`), so it is
    determined by two numbers::

        g_S(x) = x · g_S(1)  for x ≥ 0,      g_S(x) = (−x) · g_S(−1)  for x ≤ 0.

    Attributes:
        at_plus_one: float64 ``(2^m,)``, g_S(1) for the mask of each index.
        at_minus_one: float64 ``(2^m,)``, g_S(−1).
    """

    at_plus_one: torch.Tensor
    at_minus_one: torch.Tensor

    @property
    def count(self) -> int:
        """2^m, the number of subnetworks."""
        return self.at_plus_one.shape[0]

    def sup_errors(self, w) -> torch.Tensor:
        """sup over x ∈ [−1, 1] of ``|w x − g_S(x)|`` for every target w and subnetwork S.

        The error is linear on each side of 0 and vanishes at 0, so it is largest at x = ±1::

            sup_x |w x − g_S(x)| = max(|w − g_S(1)|, |−w − g_S(−1)|).

        Args:
            w: targets ``(T,)`` or a scalar.

        Returns:
            float64 ``(T, 2^m)``.
        """
        w = as_float64_tensor("w", w, device=self.at_plus_one.device, ndim=(0, 1)).reshape(-1, 1)
        return torch.maximum((w - self.at_plus_one).abs(), (-w - self.at_minus_one).abs())


def scalar_gadget_subnetworks(u, v, *, device: str | torch.device | None = None) -> ScalarSubnetworks:
    """g_S(±1) for every mask S of the scalar gadget g(x) = vᵀσ(u x) = Σ_k v_k σ(u_k x).

    The gadget has h hidden units and m = 2h parameters: u_0, …, u_{h−1} (bits 0 … h−1 of the
    mask index, the first layer as an (h, 1) matrix) and v_0, …, v_{h−1} (bits h … 2h−1).
    Unit k contributes only if both its edges are kept, so with K = S_u ∩ S_v::

        g_S(1) = Σ_{k∈K} v_k σ(u_k),     g_S(−1) = Σ_{k∈K} v_k σ(−u_k).

    The 2^h sums over unit sets are tabulated once and each of the 2^m masks looks up its K
    (the index of K is the bitwise AND of the two halves of the mask index): all 2^m
    subnetworks, though at most 2^h distinct functions.

    Args:
        u: first-layer weights ``(h,)``; 2h ≤ :data:`ENUMERATION_MAX_PARAMETERS`.
        v: second-layer weights ``(h,)``.
        device: None = CUDA if available, else CPU.

    Returns:
        :class:`ScalarSubnetworks` with 2^{2h} entries, in mask-index order.
    """
    device = resolve_device(device)
    u = as_float64_tensor("u", u, device=device, ndim=(1,))
    v = as_float64_tensor("v", v, device=device, ndim=(1,))
    if u.shape != v.shape or u.shape[0] == 0:
        raise ValueError(f"u and v must have the same nonempty shape (h,); got {tuple(u.shape)} and {tuple(v.shape)}")
    units = u.shape[0]
    _check_parameter_count(2 * units)
    plus = _unit_set_sums(v * torch.relu(u))  # (2^h,): Σ_{k∈K} v_k σ(u_k)
    minus = _unit_set_sums(v * torch.relu(-u))
    index = torch.arange(1 << (2 * units), device=device)
    kept_units = (index & ((1 << units) - 1)) & (index >> units)
    return ScalarSubnetworks(at_plus_one=plus[kept_units], at_minus_one=minus[kept_units])


@dataclass(frozen=True)
class ScalarCoverError:
    """What :func:`best_sup_error_over_targets` returns.

    Attributes:
        error: sup over w ∈ [lo, hi] of min over S of sup over x ∈ [−1, 1] of ``|w x − g_S(x)|``.
        worst_target: a target w at which the supremum is attained.
    """

    error: float
    worst_target: float


def best_sup_error_over_targets(subnetworks: ScalarSubnetworks, lo: float = -1.0, hi: float = 1.0) -> ScalarCoverError:
    """The best error a family of subnetworks guarantees for **every** target x ↦ wx, exactly.

    Computes E = sup_{w∈[lo,hi]} F(w) with F(w) = min_S sup_{x∈[−1,1]} ``|w x − g_S(x)|``.
    With a_S = g_S(1) and b_S = −g_S(−1) (:meth:`ScalarSubnetworks.sup_errors`), the error of
    S is the distance from w to the farther of a_S and b_S::

        max(|w − a_S|, |w − b_S|) = |w − c_S| + r_S,   c_S = (a_S + b_S)/2,  r_S = |a_S − b_S|/2,

    so F is the lower envelope of "V"s of slope ±1. Sort the centers, c_1 ≤ … ≤ c_N (with
    their radii r_k). For w between c_i and c_{i+1}, the V's centered left of w are on their
    rising side and those right of w on their falling side::

        F(w) = min( w + A_i,  B_{i+1} − w ),   A_i = min_{k≤i} (r_k − c_k),   B_{i+1} = min_{k>i} (c_k + r_k),

    a tent whose maximum over the interval (clipped to [lo, hi]) is at w = (B_{i+1} − A_i)/2,
    clipped. Left of c_1, F falls (maximum at lo); right of c_N, it rises (maximum at hi).
    The largest of these N + 1 maxima is E, exactly, in O(N log N).

    The counting floor (chapter 5). Two targets w, w' are at sup distance ``|w − w'|`` on
    [−1, 1]. The targets that one subnetwork serves within E therefore lie in an interval of
    length at most 2E, and the intervals of the 2^m subnetworks must cover [lo, hi]::

        2^m · 2E ≥ hi − lo,   so   E ≥ (hi − lo)/2 · 2^{−m}   (= 2^{−m} on [−1, 1]).

    Only distinct functions count, and the gadget has at most 2^h = 2^{m/2} of them, so for it
    even E ≥ (hi − lo)/2 · 2^{−m/2}.

    For the gadget, F and the SubsetSum view agree exactly: E equals
    :func:`scalar_gadget_subset_sum_error` (the units with u_k > 0 serve x > 0 and the others
    x < 0, independently), so chapter 3's construction with all units is the best of all
    2^m subnetworks.

    Args:
        subnetworks: a :class:`ScalarSubnetworks` (from :func:`scalar_gadget_subnetworks`).
        lo, hi: the interval of target weights, lo ≤ hi (default [−1, 1]).

    Returns:
        :class:`ScalarCoverError`.
    """
    if not isinstance(subnetworks, ScalarSubnetworks):
        raise TypeError(f"subnetworks must be a ScalarSubnetworks; got {type(subnetworks).__name__}")
    lo = check_float("lo", lo)
    hi = check_float("hi", hi)
    if lo > hi:
        raise ValueError(f"lo must be <= hi; got lo = {lo:g}, hi = {hi:g}")
    a = subnetworks.at_plus_one
    b = -subnetworks.at_minus_one
    center, order = torch.sort((a + b) / 2)
    radius = ((a - b).abs() / 2)[order]
    inf = torch.full((1,), math.inf, dtype=torch.float64, device=center.device)
    # Interval i (i = 0 … N) runs from c_(i−1) to c_(i) (c_(−1) = −∞, c_(N) = +∞); on it
    # F(w) = min(w + left_i, right_i − w).
    left = torch.cat([inf, torch.cummin(radius - center, dim=0).values])
    right = torch.cat([torch.flip(torch.cummin(torch.flip(center + radius, [0]), dim=0).values, [0]), inf])
    start = torch.cat([-inf, center]).clamp(min=lo)
    stop = torch.cat([center, inf]).clamp(max=hi)
    valid = start <= stop
    peak = torch.minimum(torch.maximum((right - left) / 2, start), stop)
    value = torch.minimum(peak + left, right - peak)
    value = torch.where(valid, value, -inf)
    best = int(torch.argmax(value))
    return ScalarCoverError(error=float(value[best]), worst_target=float(peak[best]))


def scalar_gadget_subset_sum_error(u, v, lo: float = -1.0, hi: float = 1.0) -> float:
    """The gadget's guaranteed error by chapter 3's construction, via two SubsetSum worst cases.

    The units with u_k > 0 fire only for x > 0, those with u_k < 0 only for x < 0, so the
    choices on the two sides are independent (:mod:`lthbook.gadgets`)::

        E = max( worst_case_error({v_k u_k : u_k > 0}), worst_case_error({v_k u_k : u_k < 0}) ),

    both over targets w ∈ [lo, hi] (:func:`lthbook.subset_sum.worst_case_error`; for x < 0 the
    instance is Σ v_k ``|u_k|`` ≈ −w, the same as Σ v_k u_k ≈ w). A side with no units has the
    single sum 0 and error max(``|lo|``, ``|hi|``). This equals
    :func:`best_sup_error_over_targets` of :func:`scalar_gadget_subnetworks`: the construction
    with all units of each sign is optimal among all subnetworks of the gadget.

    Args:
        u, v: the gadget's weights ``(h,)`` (up to 24 units of each sign).
        lo, hi: the interval of targets.

    Returns:
        E as a float (computed on the CPU).
    """
    u = as_float64_tensor("u", u, device=torch.device("cpu"), ndim=(1,))
    v = as_float64_tensor("v", v, device=torch.device("cpu"), ndim=(1,))
    if u.shape != v.shape or u.shape[0] == 0:
        raise ValueError(f"u and v must have the same nonempty shape (h,); got {tuple(u.shape)} and {tuple(v.shape)}")
    lo = check_float("lo", lo)
    hi = check_float("hi", hi)
    if lo > hi:
        raise ValueError(f"lo must be <= hi; got lo = {lo:g}, hi = {hi:g}")
    errors = []
    for side in (u > 0, u < 0):
        coefficients = (v * u)[side]
        if coefficients.numel() == 0:
            errors.append(max(abs(lo), abs(hi)))
        else:
            errors.append(float(worst_case_error(coefficients, lo, hi, device="cpu")))
    return max(errors)


# ----------------------------------------------------------------------------------------
# Depth-2 networks on the plane
# ----------------------------------------------------------------------------------------


def depth2_sup_error(first, second, target) -> torch.Tensor:
    """sup over the unit disk of ‖Wx − V σ(U x)‖₂, exactly, for a batch of planar networks.

    The network x ↦ V σ(U x) maps R² → R^q (U ∈ R^{h×2}, V ∈ R^{q×h}, no biases), the target
    is x ↦ Wx (W ∈ R^{q×2}). Two facts make the supremum exact:

    1. **The ball reduces to the circle.** σ(t·z) = t·σ(z) for t ≥ 0, so the residual
       r(x) = Wx − Vσ(Ux) is positively homogeneous, r(t y) = t r(y). Every x in the disk is
       t·y with ‖y‖ = 1 and t = ‖x‖ ≤ 1, so ‖r(x)‖ = t‖r(y)‖ ≤ ‖r(y)‖: the sup over the
       disk is the sup over the unit circle (and x = 0 gives 0).
    2. **On the circle it is a finite maximum.** The kinks of r are where some u_kᵀx = 0:
       the directions ±(−u_k2, u_k1). Between consecutive kinks (a *sector*) the set of
       active units is fixed and r(x) = (W − V D U) x with D the diagonal 0/1 activation
       pattern. For a matrix A, ‖A x‖² on the circle is (p + s)/2 + ((p − s)/2) cos 2θ +
       t sin 2θ (AᵀA = [[p, t], [t, s]]), whose only local maxima are ±v₁, the top right
       singular vector. So the maximum over a sector is at one of its two ends or at ±v₁ of
       that sector's matrix. This function evaluates the true ‖r‖ at all kink directions
       (plus the four axis directions, which only subdivide sectors) and at ±v₁ of every
       sector's matrix, and returns the largest value: every evaluated point is on the
       circle, so the result never exceeds the supremum, and it includes each sector's
       maximiser, so it equals it (up to float64 rounding).

    Args:
        first: U, ``(h, 2)`` or a batch ``(B, h, 2)``.
        second: V, ``(q, h)`` or ``(B, q, h)``.
        target: W, ``(q, 2)`` or ``(B, q, 2)``. The three batch shapes broadcast.

    Returns:
        float64 ``(B,)``, or a scalar tensor when no argument is batched; computed on the
        device of ``first``.
    """
    device = first.device if isinstance(first, torch.Tensor) else torch.device("cpu")
    u = as_float64_tensor("first", first, device=device, ndim=(2, 3))
    v = as_float64_tensor("second", second, device=device, ndim=(2, 3))
    w = as_float64_tensor("target", target, device=device, ndim=(2, 3))
    if u.shape[-1] != 2:
        raise ValueError(f"first (U) must map R² to the hidden layer, shape (h, 2); got {tuple(u.shape)}")
    if v.shape[-1] != u.shape[-2] or w.shape[-2:] != (v.shape[-2], 2):
        raise ValueError(
            f"shapes do not fit: first (h, 2) = {tuple(u.shape)}, second (q, h) = {tuple(v.shape)}, "
            f"target (q, 2) = {tuple(w.shape)}"
        )
    batched = max(u.ndim, v.ndim, w.ndim) == 3
    batch = torch.broadcast_shapes(u.shape[:-2] or (1,), v.shape[:-2] or (1,), w.shape[:-2] or (1,))[0]
    u = u.reshape(-1, *u.shape[-2:]).expand(batch, -1, -1)
    v = v.reshape(-1, *v.shape[-2:]).expand(batch, -1, -1)
    w = w.reshape(-1, *w.shape[-2:]).expand(batch, -1, -1)
    result, _ = _chunked_planar_sup(u, v, w, even_part=False)
    return result if batched else result[0]


@dataclass(frozen=True)
class LinearCoverResult:
    """How well the subnetworks of one depth-2 planar network approximate linear targets.

    Attributes:
        best_error: float64 ``(T,)``; for each target W, min over all 2^m masks S of
            sup_{‖x‖≤1} ‖Wx − g_S(x)‖, exactly, where that minimum is ≤ ``eps``; +inf where
            every subnetwork is farther than ``eps``.
        covered: bool ``(T,)``, ``best_error <= eps``.
        eps: the tolerance ε.
        num_parameters: m = 2h + qh.
        num_distinct: number of masks in canonical form (every mask computes the same
            function as one of them): (1 + 3(2^q − 1))^h.
        num_near_linear: canonical masks whose even part is at most ε in sup norm, the only
            ones that can serve a linear target within ε.
    """

    best_error: torch.Tensor
    covered: torch.Tensor
    eps: float
    num_parameters: int
    num_distinct: int
    num_near_linear: int

    @property
    def fraction(self) -> float:
        """Share of the targets within ε of some subnetwork."""
        return float(self.covered.double().mean())

    @property
    def num_subnetworks(self) -> int:
        """2^m, the number of masks."""
        return 1 << self.num_parameters


def depth2_linear_cover(
    first,
    second,
    targets,
    eps: float,
    *,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> LinearCoverResult:
    """For each linear target, the best subnetwork of g(x) = V σ(U x) (R² → R^q), exactly.

    The network has m = 2h + qh parameters (U ∈ R^{h×2} first, row-major, then V ∈ R^{q×h});
    its 2^m subnetworks g_S(x) = V_S σ(U_S x) are searched for each target x ↦ Wx, with the
    error ε_S(W) = sup_{‖x‖≤1} ‖Wx − g_S(x)‖ (:func:`depth2_sup_error`). Chapter 5 plots the
    share of random targets within ε as m passes the counting threshold 2^m ≈ P(B, 2ε), next
    to the most any 2^m functions can cover (:func:`covered_fraction_bound`).

    How 2^m × T exact suprema are avoided (every step is exact, nothing is sampled):

    1. **Canonical masks.** A hidden unit whose row of U_S or column of V_S is all zero adds
       nothing, so a mask computes the same function as the mask with that unit's other
       edges removed too. Only masks in which every unit is kept on both sides or on none
       are searched: (1 + 3(2^q − 1))^h of them instead of 2^m.
    2. **Odd and even parts.** Since σ(t) − σ(−t) = t and σ(t) + σ(−t) = ``|t|``::

           g_S(x) = L_S x + e_S(x),   L_S = ½ V_S U_S,   e_S(x) = ½ V_S |U_S x|,

       with e_S even. As Wx is odd, the residual r(x) = Wx − g_S(x) has odd part
       ½(r(x) − r(−x)) = (W − L_S)x and even part ½(r(x) + r(−x)) = −e_S(x); each is at most
       sup ‖r‖ on the circle, and r is their sum, so::

           max(‖W − L_S‖₂, E_S)  ≤  ε_S(W)  ≤  ‖W − L_S‖₂ + E_S,    E_S = sup_{‖x‖=1} ‖e_S(x)‖.

       E_S is computed exactly once per mask; masks with E_S > ε are dropped for good.
    3. **Screening.** For each target, U_W = min_S (‖W − L_S‖₂ + E_S) bounds the best error,
       so only masks with max(‖W − L_S‖₂, E_S) ≤ min(ε, U_W) can be best within ε.
    4. **A sharper lower bound.** For those pairs, ‖r‖ is evaluated at ±x_S (where ‖e_S‖ is
       largest) and at ±y (the top right singular vector of W − L_S): four points of the
       circle, so a lower bound on ε_S(W), and at least max(‖W − L_S‖₂, E_S) because
       max(‖a + b‖, ‖a − b‖) ≥ max(‖a‖, ‖b‖). For each target the pair with the smallest
       such bound gets the exact error, B_W; then only pairs whose bound is at most
       min(ε, U_W, B_W) get the exact :func:`depth2_sup_error`, and the smallest is the answer.

    A pair that attains the minimum (if it is ≤ ε) has every lower bound at most its error,
    hence passes every screen, so the result is the exact minimum over all 2^m masks. (The
    screens compare with a relative slack of 10⁻⁹, so that rounding in the bounds can only
    let more pairs through.)

    Args:
        first: U, ``(h, 2)``.
        second: V, ``(q, h)``; m = 2h + qh ≤ :data:`ENUMERATION_MAX_PARAMETERS`.
        targets: W, ``(T, q, 2)`` (e.g. :func:`sample_operator_norm_ball`).
        eps: the tolerance ε > 0. The work grows with ε (more subnetworks pass the screens).
        device: None = CUDA if available, else CPU.
        progress: show a progress bar over the chunks of masks.

    Returns:
        :class:`LinearCoverResult`.
    """
    device = resolve_device(device)
    u = as_float64_tensor("first", first, device=device, ndim=(2,))
    v = as_float64_tensor("second", second, device=device, ndim=(2,))
    targets = as_float64_tensor("targets", targets, device=device, ndim=(3,))
    eps = check_float("eps", eps, low=0.0, low_inclusive=False)
    progress = check_bool("progress", progress)
    units, q = u.shape[0], v.shape[0]
    if u.shape[1] != 2 or v.shape[1] != units or units == 0:
        raise ValueError(
            f"first (U) must have shape (h, 2) and second (V) shape (q, h); got {tuple(u.shape)}, {tuple(v.shape)}"
        )
    if targets.shape[1:] != (q, 2):
        raise ValueError(f"targets must have shape (T, {q}, 2); got {tuple(targets.shape)}")
    m = _check_parameter_count(2 * units + q * units)
    shapes = [(units, 2), (q, units)]

    # Steps 1 and 2: canonical masks whose even part is at most ε.
    kept_index, kept_even, kept_peak = [], [], []
    starts = range(0, 1 << m, _MASK_CHUNK)
    for start in tqdm(starts, desc="subnetworks", disable=not progress, leave=True):
        index = torch.arange(start, min(start + _MASK_CHUNK, 1 << m), device=device)
        u_mask, v_mask = _layer_masks(index, shapes)
        canonical = (u_mask.any(dim=2) == v_mask.any(dim=1)).all(dim=1)
        index, u_s, v_s = index[canonical], u * u_mask[canonical], v * v_mask[canonical]
        even, peak = _chunked_planar_sup(u_s, v_s, torch.zeros_like(v_s[:, :, :2]), even_part=True)
        small = even <= _loosened(eps)
        kept_index.append(index[small])
        kept_even.append(even[small])
        kept_peak.append(peak[small])
    index, even, peak = torch.cat(kept_index), torch.cat(kept_even), torch.cat(kept_peak)
    u_mask, v_mask = _layer_masks(index, shapes)
    u_s, v_s = u * u_mask, v * v_mask
    linear = 0.5 * v_s @ u_s
    num_distinct = (1 + 3 * ((1 << q) - 1)) ** units

    # Step 3: the upper bound U_W, then the pairs that pass the first screen.
    num_targets = targets.shape[0]
    upper = torch.full((num_targets,), math.inf, dtype=torch.float64, device=device)
    step = max(1, _PAIR_CHUNK // max(num_targets, 1))
    for start in range(0, index.shape[0], step):
        distance = _pairwise_distance(targets, linear[start : start + step])
        upper = torch.minimum(upper, (distance + even[start : start + step]).amin(dim=1))
    threshold = torch.clamp(upper, max=eps)
    empty = torch.zeros(0, dtype=torch.int64, device=device)
    target_ids, mask_ids = [empty], [empty]
    for start in range(0, index.shape[0], step):
        distance = _pairwise_distance(targets, linear[start : start + step])
        lower = torch.maximum(distance, even[start : start + step])
        target_id, mask_id = torch.nonzero(lower <= _loosened(threshold)[:, None], as_tuple=True)
        target_ids.append(target_id)
        mask_ids.append(mask_id + start)
    target_id, mask_id = torch.cat(target_ids), torch.cat(mask_ids)

    # Step 4: the four-point lower bound, the exact error of each target's most promising
    # pair, and the exact errors of the pairs that can still beat it.
    lower = _four_point_bound(targets[target_id], u_s[mask_id], v_s[mask_id], linear[mask_id], peak[mask_id])
    promising = torch.full((num_targets,), math.inf, dtype=torch.float64, device=device)
    promising = promising.scatter_reduce(0, target_id, lower, reduce="amin")
    first_pick = torch.nonzero(lower == promising[target_id]).squeeze(1)
    first_pick = first_pick[_first_per_group(target_id[first_pick])]
    best = torch.full((num_targets,), math.inf, dtype=torch.float64, device=device)
    if first_pick.numel() > 0:
        picked_target, picked_mask = target_id[first_pick], mask_id[first_pick]
        exact, _ = _chunked_planar_sup(u_s[picked_mask], v_s[picked_mask], targets[picked_target], even_part=False)
        best[picked_target] = exact
    survivors = torch.nonzero(lower <= _loosened(torch.minimum(threshold, best))[target_id]).squeeze(1)
    if survivors.numel() > 0:
        t_id, s_id = target_id[survivors], mask_id[survivors]
        exact, _ = _chunked_planar_sup(u_s[s_id], v_s[s_id], targets[t_id], even_part=False)
        best = best.scatter_reduce(0, t_id, exact, reduce="amin")
    best = torch.where(best <= eps, best, torch.full_like(best, math.inf))
    return LinearCoverResult(
        best_error=best,
        covered=best <= eps,
        eps=eps,
        num_parameters=m,
        num_distinct=num_distinct,
        num_near_linear=int(index.shape[0]),
    )


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def _check_ball(d, eps, d_out, *, eps_high: float) -> tuple[int, float]:
    """(D, ε) after checking d ≥ 1, d_out ≥ 1 (or None) and ε ∈ (0, eps_high)."""
    d = check_int("d", d, low=1)
    d_out = d if d_out is None else check_int("d_out", d_out, low=1)
    eps = check_float("eps", eps, low=0.0, high=eps_high, low_inclusive=False, high_inclusive=False)
    return d * d_out, eps


def _check_parameter_count(m: int) -> int:
    if m > ENUMERATION_MAX_PARAMETERS:
        raise ValueError(
            f"the network has m = {m} parameters; enumerating its 2^m subnetworks is limited to "
            f"m <= {ENUMERATION_MAX_PARAMETERS} (ENUMERATION_MAX_PARAMETERS)"
        )
    return m


def _check_network(network_weights, device: torch.device) -> list[torch.Tensor]:
    if isinstance(network_weights, torch.Tensor) or not isinstance(network_weights, Sequence) or not network_weights:
        raise TypeError("network_weights must be a non-empty list or tuple of 2-D weight matrices (M_1, ..., M_L)")
    weights = [
        as_float64_tensor(f"network_weights[{i}]", w, device=device, ndim=(2,)) for i, w in enumerate(network_weights)
    ]
    for i in range(1, len(weights)):
        if weights[i].shape[1] != weights[i - 1].shape[0]:
            raise ValueError(
                f"network_weights[{i}] has {weights[i].shape[1]} columns but network_weights[{i - 1}] has "
                f"{weights[i - 1].shape[0]} rows; M_i must have shape (d_i, d_(i-1))"
            )
    _check_parameter_count(sum(w.numel() for w in weights))
    return weights


def _smallest_exponent(entries: int, eps) -> int:
    """The smallest m ≥ 0 with 2^m ≥ (1/(2ε))^D, D = ``entries``, i.e. ⌈D · log₂(1/(2ε))⌉ ≥ 0.

    ε is a float or a Fraction (ε/r), so 1/(2ε) = a/b exactly with integers a, b. If a/b is a
    power of two, the logarithm is an integer, computed exactly. Otherwise (a/b)^q = 2^p has no solution, so
    D · log₂(a/b) is irrational and its ceiling is read off a 60-digit evaluation.
    """
    ratio = 1 / (2 * Fraction(eps))
    a, b = ratio.numerator, ratio.denominator
    if a & (a - 1) == 0 and b & (b - 1) == 0:
        return max(0, entries * (a.bit_length() - b.bit_length()))
    with decimal.localcontext() as context:
        context.prec = 60
        log2_ratio = (decimal.Decimal(a).ln() - decimal.Decimal(b).ln()) / decimal.Decimal(2).ln()
        exponent = entries * log2_ratio
        return max(0, int(exponent.to_integral_value(rounding=decimal.ROUND_CEILING)))


def _pairwise_distance(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """‖x_i − y_j‖₂ for all pairs, ``(N, M)``, for x ``(N, r, c)`` and y ``(M, r, c)``.

    For two columns (or two rows) the Gram entries of x_i − y_j are built from the entries,
    ``(N, M)`` arrays each, without forming the ``(N, M, r, c)`` differences.
    """
    rows, cols = x.shape[-2:]
    if cols != 2 and rows == 2:
        x, y = x.transpose(-1, -2), y.transpose(-1, -2)
        rows, cols = cols, rows
    if cols != 2:
        return _networks.spectral_norm(x[:, None] - y[None])
    p: torch.Tensor | float
    s: torch.Tensor | float
    t: torch.Tensor | float
    p = s = t = 0.0
    for i in range(rows):
        first = x[:, None, i, 0] - y[None, :, i, 0]
        second = x[:, None, i, 1] - y[None, :, i, 1]
        p, s, t = p + first * first, s + second * second, t + first * second
    assert isinstance(p, torch.Tensor)  # rows ≥ 1: the loop ran
    return torch.sqrt((p + s) / 2 + torch.sqrt(((p - s) / 2) ** 2 + t * t))


def _min_distance(points: torch.Tensor, others: torch.Tensor) -> torch.Tensor:
    """min over j of ‖points_i − others_j‖₂ for each i, in chunks."""
    result = torch.empty(points.shape[0], dtype=torch.float64, device=points.device)
    step = max(1, _PAIR_CHUNK // max(others.shape[0], 1))
    for start in range(0, points.shape[0], step):
        result[start : start + step] = _pairwise_distance(points[start : start + step], others).amin(dim=1)
    return result


def _layer_masks(index: torch.Tensor, shapes) -> tuple[torch.Tensor, ...]:
    """The masks of the given indices, split into layers: bit j of index ↔ parameter j."""
    sizes = [int(np.prod(shape)) for shape in shapes]
    bits = torch.arange(sum(sizes), device=index.device)
    flat = ((index.unsqueeze(1) >> bits) & 1) == 1
    return tuple(part.reshape(-1, *shape) for part, shape in zip(torch.split(flat, sizes, dim=1), shapes))


def _unit_set_sums(values: torch.Tensor) -> torch.Tensor:
    """Σ_{k∈K} values_k for every unit set K, entry K read as a binary number (bit k ↔ unit k)."""
    sums = torch.zeros(1 << values.shape[0], dtype=torch.float64, device=values.device)
    for k in range(values.shape[0]):
        half = 1 << k
        sums[half : 2 * half] = sums[:half] + values[k]
    return sums


def _chunked_planar_sup(
    u: torch.Tensor, v: torch.Tensor, w: torch.Tensor, *, even_part: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`_planar_sup` over a large batch, in chunks that bound the temporary memory."""
    units = u.shape[1] * (2 if even_part else 1)
    per_item = 3 * (2 * units + 4) * (units + v.shape[1] + 4)
    step = max(1, _PLANAR_CHUNK_NUMBERS // per_item)
    values, points = [torch.zeros(0, dtype=torch.float64, device=u.device)], [u.new_zeros(0, 2)]
    for start in range(0, u.shape[0], step):
        part = slice(start, start + step)
        value, point = _planar_sup(u[part], v[part], w[part], even_part=even_part)
        values.append(value)
        points.append(point)
    return torch.cat(values), torch.cat(points)


def _planar_sup(
    u: torch.Tensor, v: torch.Tensor, w: torch.Tensor, *, even_part: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """sup over the unit circle of ‖w x − v σ(u x)‖ (or of ‖½ v |u x|‖ when ``even_part``).

    u ``(B, h, 2)``, v ``(B, q, h)``, w ``(B, q, 2)``. The even part ½ v ``|u x|`` is the
    network with first layer [u; −u] and second layer ½[v, v] and the target 0, since
    σ(t) + σ(−t) = ``|t|``. The method is that of :func:`depth2_sup_error`.

    Returns:
        the suprema ``(B,)`` and unit vectors ``(B, 2)`` where they are attained.
    """
    if even_part:
        u, v, w = torch.cat([u, -u], dim=1), 0.5 * torch.cat([v, v], dim=2), torch.zeros_like(w)
    batch = u.shape[0]
    kink = torch.atan2(u[..., 0], -u[..., 1])  # direction (−u_2, u_1) of the line u·x = 0
    axes = torch.arange(4, dtype=torch.float64, device=u.device) * (math.pi / 2)
    angles = torch.cat([kink, kink + math.pi, axes.expand(batch, 4)], dim=1).remainder(2 * math.pi)
    angles = torch.sort(angles, dim=1).values
    following = torch.cat([angles[:, 1:], angles[:, :1] + 2 * math.pi], dim=1)
    middle = _unit_vectors((angles + following) / 2)  # (B, K, 2), one point inside each sector
    active = (torch.einsum("bhi,bki->bkh", u, middle) > 0).to(torch.float64)
    sector = w.unsqueeze(1) - torch.einsum("bqh,bkh,bhi->bkqi", v, active, u)  # (B, K, q, 2)
    p = (sector[..., 0] ** 2).sum(dim=-1)
    s = (sector[..., 1] ** 2).sum(dim=-1)
    t = (sector[..., 0] * sector[..., 1]).sum(dim=-1)
    top = _unit_vectors(0.5 * torch.atan2(2 * t, p - s))  # top right singular vector of each sector
    points = torch.cat([_unit_vectors(angles), top, -top], dim=1)  # (B, 3K, 2)
    hidden = torch.relu(torch.einsum("bhi,bpi->bph", u, points))
    residual = torch.einsum("bqi,bpi->bpq", w, points) - torch.einsum("bqh,bph->bpq", v, hidden)
    value, where = residual.norm(dim=-1).max(dim=1)
    return value, points[torch.arange(batch, device=u.device), where]


def _four_point_bound(
    w: torch.Tensor, u: torch.Tensor, v: torch.Tensor, linear: torch.Tensor, peak: torch.Tensor
) -> torch.Tensor:
    """max of ‖w x − v σ(u x)‖ over x ∈ {±peak, ±y}, y the top right singular vector of w − linear.

    All inputs are batched over pairs: w ``(P, q, 2)``, u ``(P, h, 2)``, v ``(P, q, h)``,
    linear ``(P, q, 2)`` (= ½ v u), peak ``(P, 2)``. A lower bound on the supremum over the
    circle (step 4 of :func:`depth2_linear_cover`); computed in chunks.
    """
    result = torch.empty(w.shape[0], dtype=torch.float64, device=w.device)
    for start in range(0, w.shape[0], _PAIR_CHUNK):
        part = slice(start, start + _PAIR_CHUNK)
        odd = w[part] - linear[part]
        p = (odd[..., 0] ** 2).sum(dim=-1)
        s = (odd[..., 1] ** 2).sum(dim=-1)
        t = (odd[..., 0] * odd[..., 1]).sum(dim=-1)
        top = _unit_vectors(0.5 * torch.atan2(2 * t, p - s))
        points = torch.stack([peak[part], -peak[part], top, -top], dim=1)  # (P, 4, 2)
        hidden = torch.relu(torch.einsum("phi,pki->pkh", u[part], points))
        residual = torch.einsum("pqi,pki->pkq", w[part], points) - torch.einsum("pqh,pkh->pkq", v[part], hidden)
        result[part] = residual.norm(dim=-1).amax(dim=1)
    return result


def _first_per_group(group: torch.Tensor) -> torch.Tensor:
    """Positions of the first occurrence of each distinct value of ``group`` ``(N,)``."""
    order = torch.sort(group, stable=True).indices
    ordered = group[order]
    first = torch.ones_like(ordered, dtype=torch.bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return order[first]


def _loosened(bound):
    """bound · (1 + slack) + slack: a screening threshold that rounding cannot undercut."""
    return bound * (1 + _SCREEN_SLACK) + _SCREEN_SLACK


def _unit_vectors(angles: torch.Tensor) -> torch.Tensor:
    return torch.stack([torch.cos(angles), torch.sin(angles)], dim=-1)
