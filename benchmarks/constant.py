"""The constant C of the SubsetSum lemma for the half-block law, measured with many draws, and checked.

    nice python benchmarks/constant.py            # full run, writes benchmarks/results/constant.txt
    python benchmarks/constant.py --quick         # a smaller run that only prints

Chapter 2 sets :data:`lthbook.construction.MEASURED_CONSTANT` from a 10,000-draw call of
:func:`lthbook.subset_sum.measure_constant` on the half-block law (the law of one half of a
block of 2n units in Theorem 1's construction). This script repeats the measurement with ten
times as many draws and a smaller ε, as evidence for the chapter's statements:

1. C(ε) = n*(ε)/log₂(2/ε) on a grid from 1/(2√2) (the largest ε″ the construction accepts)
   down to ε = 0.0005, and C = its supremum over the whole range, with a 90% bootstrap interval;
2. for each ε of the grid, the failure rate P(worst case > ε) of **fresh** half-block draws at
   the construction's n = ⌈C log₂(2/ε)⌉ with C = MEASURED_CONSTANT, with a 95% Wilson
   interval: it must be at most ε (the verdict column says whether it is).

The committed run took 1,094 s on a busy 2-core machine (its load average is printed first).
"""

from __future__ import annotations

import argparse
import datetime
import math
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _report import Report, cpu_model, load  # noqa: E402

from lthbook import construction, subset_sum  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "constant.txt"
GRID = subset_sum.CONSTANT_EPS_GRID + (0.0005,)
DRAWS, SEED = 100_000, 2027
CHECK_DRAWS, CHECK_SEED = 20_000, 2028


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the draws; print only")
    args = parser.parse_args()
    draws = DRAWS // 10 if args.quick else DRAWS
    check_draws = CHECK_DRAWS // 10 if args.quick else CHECK_DRAWS
    report = Report(None if args.quick else RESULTS)
    report.line(f"date: {datetime.datetime.now().isoformat(timespec='seconds')}; load average at start: {load()}")
    report.line(f"machine: {cpu_model()}, torch threads {torch.get_num_threads()}")
    report.line(f"command: python benchmarks/constant.py{' --quick' if args.quick else ''}")
    report.line()

    started = time.perf_counter()
    result = subset_sum.measure_constant("half_block", GRID, draws, seed=SEED, device="cpu")
    seconds = time.perf_counter() - started
    report.line(f"1. measure_constant('half_block', grid below, draws={draws:,}, seed={SEED}): {seconds:.0f} s")
    report.line("   eps      log2(2/eps)  n_1/2   n*   C(eps) = n*/log2(2/eps)")
    for eps, median, n_star, ratio in zip(result.eps_grid, result.n_median, result.n_star, result.ratios):
        report.line(f"   {eps:<8.4g} {math.log2(2 / eps):9.2f}  {median:5d}  {n_star:3d}   {ratio:.3f}")
    low, high = result.interval
    report.line(
        f"   C = sup of C(eps) over [{min(GRID):g}, {max(GRID):.4f}] = {result.value:.3f} "
        f"(90% bootstrap interval {low:.3f} to {high:.3f}; upper end rounded up {result.upper:.2f})"
    )
    report.line(f"   construction.MEASURED_CONSTANT = {construction.MEASURED_CONSTANT}")
    report.line()

    constant = construction.MEASURED_CONSTANT
    report.line(
        f"2. failure rate of fresh half-block draws at n = ceil({constant} log2(2/eps)) "
        f"({check_draws:,} draws each, seed {CHECK_SEED}; 95% Wilson interval)"
    )
    report.line("   eps       n   failures   rate      interval            rate <= eps")
    worst_margin = math.inf
    for k, eps in enumerate(GRID):
        n = math.ceil(constant * math.log2(2 / eps))
        check = subset_sum.failure_rate("half_block", n, eps, check_draws, seed=CHECK_SEED + k, device="cpu")
        verdict = "yes" if check.rate <= eps else "NO"
        worst_margin = min(worst_margin, eps - check.rate)
        report.line(
            f"   {eps:<8.4g} {n:3d}  {check.failures:8,d}   {check.rate:.5f}   "
            f"{check.interval[0]:.5f}–{check.interval[1]:.5f}   {verdict}"
        )
    report.line(f"   smallest margin eps − rate: {worst_margin:.5f}")
    report.line(f"\ntotal time: {time.perf_counter() - started:.0f} s")
    report.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
