"""Chapter 7's measurements: plant and seek on digits, depth l + 1 against 2l, sparse SubsetSum.

    python benchmarks/plant_and_seek.py            # full run, also writes benchmarks/results/plant_and_seek.txt
    python benchmarks/plant_and_seek.py --quick    # shorter training, fewer targets; prints only

Part A, plant and seek (lthbook.plant_and_seek.plant_and_seek). Target: a bias-free ReLU MLP
64–32–10 trained on scikit-learn's digits (lthbook.plant_and_seek.train_target, 30 epochs, SGD,
lr 0.05, seed 0), scaled into the class. Theorem 1's random network with n = 16 (chosen by
hand, below the theorem's n, to keep the run short) pruned with max_coefficients = 20 to the
certified ticket S*. Edge-popup then trains scores on the same frozen weights, keeping
keep_scale × S*'s share of each layer, on the labels (cross-entropy, SGD lr 0.01) or to match
the scaled target's outputs (relative squared error, SGD lr 1e-4: lr 0.01 diverged there).
Columns: test accuracy; output error ‖f(x) − g(x)‖₂ over the 450 test images as x/‖x‖ (max and
mean); sampled: construction.sampled_error (sup over the unit ball, from below); per-layer
precision of the found mask against S*, with chance = |S*|/size in brackets (with keep_scale 1,
precision = recall). The last column gives edge-popup's training loss (first epoch → last) and
the wall seconds of the plant_and_seek call (pruning, training, measuring); timings depend on
the machine's load, printed at start and end.

Part B, depth l + 1 against Theorem 1's 2l (lthbook.shallow_construction.compare_with_theorem_1)
on random targets of the class (construction.random_target), ε = δ as listed, both sizing
rules with C = 2 (below the measured constant, to keep the exact solver fast). ``seconds`` is
the wall time of the whole comparison (both constructions, with sampling), printed on both rows.

Part C, SubsetSum with a size limit (lthbook.fixed_size_subset_sum.density_tradeoff): for
ε = 0.05, uniform coefficients, the least n of the grid such that at least 95% of 200 random
instances reach every target of [−1, 1] within ε using at most ⌊α n⌋ coefficients; the worst
case over [−1, 1] is computed exactly per instance (all subset sums), not on a target grid.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _report import Report, cpu_model, load  # noqa: E402

from lthbook import construction  # noqa: E402
from lthbook.data import load_digits  # noqa: E402
from lthbook.fixed_size_subset_sum import density_tradeoff  # noqa: E402
from lthbook.plant_and_seek import plant_and_seek, train_target  # noqa: E402
from lthbook.shallow_construction import compare_with_theorem_1  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "plant_and_seek.txt"
DEVICE = "cpu"
N_PLANT, CAP = 16, 20
LR = {"labels": 0.01, "target": 1e-4}
# (keep_scale, epochs)
SEEK_RUNS = [(1.0, 5), (1.0, 20), (2.0, 20)]
QUICK_SEEK_RUNS = [(1.0, 3)]
# (widths, ε = δ)
DEPTH_RUNS = [((4, 3, 2), 0.05), ((6, 4, 3), 0.1), ((8, 8, 4), 0.1), ((2, 2, 2, 1), 0.1)]
QUICK_DEPTH_RUNS = DEPTH_RUNS[:1]
DENSITIES = (1.0, 0.5, 0.3, 0.2, 0.1)
N_GRID = tuple(range(6, 21, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs; prints only")
    parser.add_argument("--output", type=Path, default=None, help=f"also write here (default {RESULTS} for a full run)")
    args = parser.parse_args()
    started = time.perf_counter()
    report = Report(args.output if args.output is not None else (None if args.quick else RESULTS))
    report.line("Chapter 7 benchmark: plant and seek, depth l + 1 against 2l, SubsetSum with a size limit")
    report.line(f"date: {datetime.datetime.now().isoformat(timespec='seconds')}; load average at start: {load()}")
    report.line(f"machine: {cpu_model()}, {os.cpu_count()} logical cores, torch threads {torch.get_num_threads()}")
    report.line(f"versions: python {platform.python_version()}, torch {torch.__version__}; device {DEVICE}")
    report.line()
    part_a(report, QUICK_SEEK_RUNS if args.quick else SEEK_RUNS)
    part_b(report, QUICK_DEPTH_RUNS if args.quick else DEPTH_RUNS)
    part_c(report, draws=50 if args.quick else 200)
    report.line(f"load average at the end: {load()}; total benchmark time {time.perf_counter() - started:.0f} s")
    report.close()


def part_a(report: Report, runs) -> None:
    report.line("A. Plant and seek on digits 64–32–10")
    data = load_digits(device=DEVICE, dtype=torch.float64)
    target = train_target(data, (32,), epochs=30, lr=0.05, seed=0, device=DEVICE)
    first = True
    for keep_scale, epochs in runs:
        for mode in ("labels", "target"):
            t0 = time.perf_counter()
            result = plant_and_seek(
                target,
                data,
                n=N_PLANT,
                max_coefficients=CAP,
                modes=(mode,),
                epochs=epochs,
                lr=LR[mode],
                keep_scale=keep_scale,
                seed=0,
                num_points=1000,
                adversarial_steps=20,
                device=DEVICE,
            )
            seconds = time.perf_counter() - t0
            if first:
                report.line(
                    f"target test accuracy {result.target_accuracy:.3f}; random network widths {result.layer_widths}, "
                    f"n = {result.n}, cap {CAP}; S* certified bound {result.certified_bound:.3e}"
                )
                report.line(f"S* kept share per layer: {', '.join(f'{f:.4f}' for f in result.keep_fractions)}")
                report.line(
                    f"{'ticket':<22} {'keep×':>5} {'epochs':>6} {'acc':>6} {'err max':>9} {'err mean':>9} "
                    f"{'sampled':>9}  precision per layer (chance)"
                )
                row(report, result.planted, "-", "-")
                first = False
            row(report, result.sought[0], f"{keep_scale:g}", f"{epochs}", seconds)
    report.line()


def row(report: Report, ticket, keep, epochs, seconds: float | None = None) -> None:
    precision = ", ".join(f"{o.precision:.3f} ({o.chance_precision:.3f})" for o in ticket.overlaps)
    loss = f"; loss {ticket.train_losses[0]:.3g} → {ticket.train_losses[-1]:.3g}" if ticket.train_losses else ""
    took = f"; {seconds:.0f} s" if seconds is not None else ""
    report.line(
        f"{ticket.name:<22} {keep:>5} {epochs:>6} {ticket.test_accuracy:>6.3f} {ticket.output_error_max:>9.3e} "
        f"{ticket.output_error_mean:>9.3e} {ticket.sampled_error:>9.3e}  {precision}{loss}{took}"
    )


def part_b(report: Report, runs) -> None:
    report.line("B. Depth l + 1 against Theorem 1 (2l), C = 2 in both sizing rules")
    report.line(
        f"{'target':<10} {'ε=δ':>5} {'construction':<15} {'depth':>5} {'n':>3} {'ρ':>3} {'random weights':>15} "
        f"{'kept':>9} {'certified':>10} {'sampled':>10} {'seconds':>7}"
    )
    for widths, eps in runs:
        target = construction.random_target(widths, generator=torch.Generator().manual_seed(1), device=DEVICE)
        t0 = time.perf_counter()
        result = compare_with_theorem_1(target, eps=eps, delta=eps, constant=2.0, seed=0, device=DEVICE)
        seconds = time.perf_counter() - t0
        for summary in result.rows():
            report.line(
                f"{'–'.join(map(str, widths)):<10} {eps:>5g} {summary.name:<15} {summary.depth:>5} {summary.n:>3} "
                f"{summary.rho if summary.rho else '-':>3} {summary.random_weights:>15,} {summary.kept_weights:>9,} "
                f"{summary.certified_bound:>10.3e} {summary.sampled_error:>10.3e} {seconds:>7.0f}"
            )
    report.line()


def part_c(report: Report, draws: int) -> None:
    report.line(
        f"C. SubsetSum with at most ⌊α n⌋ coefficients: ε = 0.05, uniform law, {draws} draws per n, exact worst case"
    )
    result = density_tradeoff(
        0.05,
        DENSITIES,
        N_GRID,
        draws=draws,
        failure_probability=0.05,
        generator=torch.Generator().manual_seed(0),
        device=DEVICE,
    )
    report.line(f"{'density α':>10} {'n needed':>9}  share of draws within ε for n = {', '.join(map(str, N_GRID))}")
    for alpha, needed, shares in zip(result.densities, result.n_needed, result.success.tolist()):
        report.line(
            f"{alpha:>10g} {needed if needed is not None else '> ' + str(N_GRID[-1]):>9}  "
            f"{', '.join(f'{s:.2f}' for s in shares)}"
        )
    report.line()


if __name__ == "__main__":
    main()
