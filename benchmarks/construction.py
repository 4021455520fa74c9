"""Benchmark of Theorem 1's construction: sample a random network, prune it to a target, certify it.

    python benchmarks/construction.py            # full run, also writes benchmarks/results/construction.txt
    python benchmarks/construction.py --quick    # the two small targets only; prints only

Targets: bias-free ReLU MLPs 64–32–10, 256–128–10 and 784–500–10 (397,000 weights, the size of
the paper's MNIST network), random members of the class (Gaussian matrices scaled to spectral
norm 1, lthbook.construction.random_target). ε = δ = 0.01; n = required_n(ε, δ, d_in, d_out, l)
for the widest layer, with the module's MEASURED_CONSTANT, unless a row says otherwise.

Columns:
* ``cap``: max_coefficients of prune_to; "all" is the theorem's construction exactly (every
  unit of the right sign is a coefficient), 20 keeps at most 20 coefficients per SubsetSum
  instance with balanced signs (the speed knob for big networks).
* ``sample``, ``prune``, ``certify``: wall seconds of RandomNetwork.sample, prune_to and
  certified_error_bound; ``total`` is their sum: the time to find and certify the ticket.
* ``certified``: the certified upper bound on sup_{‖x‖≤1} ‖f(x) − g_S(x)‖₂; ``sampled``: the
  largest error found by sampled_error (a lower estimate; seconds in brackets, not in total).
* ``kept``: weights of the ticket, and their share of the random network's weights. Since
  2026-12-03 the ticket keeps no weight of a unit that never fires (layers i ≥ 2 read ReLU
  outputs, so prune_to builds no negative half there); the certified bounds are unchanged.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _report import Report, cpu_model, load  # noqa: E402

from lthbook import construction  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "construction.txt"
EPS = DELTA = 0.01
SEED_NETWORK, SEED_TARGET, SEED_SAMPLE = 0, 1, 2
# (widths, n or None for required_n, max_coefficients, positive_inputs_only)
RUNS = [
    # The uncapped construction needs exact SubsetSum over all units of a half-block, which is
    # only feasible for small n: the theorem's n (with MEASURED_CONSTANT) is far too large for that.
    ((64, 32, 10), 24, None, False),
    ((64, 32, 10), None, 20, False),
    ((256, 128, 10), None, 20, False),
    ((784, 500, 10), None, 20, False),
    ((784, 500, 10), 28, 20, False),
    ((784, 500, 10), None, 20, True),
]
QUICK_RUNS = RUNS[:3]
# sampled_error settings: (points on the sphere, gradient steps, refined points)
SAMPLING = {64: (10_000, 50, 256), 256: (4_000, 20, 64), 784: (1_000, 10, 16)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small targets only; prints only")
    parser.add_argument("--output", type=Path, default=None, help=f"also write here (default {RESULTS} for a full run)")
    args = parser.parse_args()
    started = time.perf_counter()
    report = Report(args.output if args.output is not None else (None if args.quick else RESULTS))
    header(report)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    report.line(
        f"{'target':<12} {'dev':<4} {'n':>3} {'cap':>4} {'pos.only':>8} {'random weights':>15} "
        f"{'sample':>7} {'prune':>7} {'certify':>7} {'total':>7} {'certified':>10} "
        f"{'sampled':>19} {'kept':>19}"
    )
    for device in devices:
        for widths, n, cap, positive_only in QUICK_RUNS if args.quick else RUNS:
            run(report, device, widths, n, cap, positive_only)
    report.line()
    report.line(f"load average at the end: {load()}; total benchmark time {time.perf_counter() - started:.0f} s")
    report.close()


def run(report: Report, device: str, widths, n, cap, positive_only: bool) -> None:
    theory_n = construction.required_n(EPS, DELTA, widths=widths)
    n = theory_n if n is None else n
    network, t_sample = timed(
        construction.RandomNetwork.sample,
        widths,
        n,
        positive_inputs_only=positive_only,
        generator=torch.Generator().manual_seed(SEED_NETWORK),
        device=device,
    )
    target = construction.random_target(widths, generator=torch.Generator().manual_seed(SEED_TARGET), device=device)
    pruned, t_prune = timed(construction.prune_to, network, target, max_coefficients=cap)
    certificate, t_certify = timed(construction.certified_error_bound, pruned, target)
    points, steps, refine = SAMPLING[widths[0]]
    sampled, t_sampled = timed(
        construction.sampled_error,
        pruned,
        target,
        points,
        adversarial_steps=steps,
        refine_points=refine,
        generator=torch.Generator().manual_seed(SEED_SAMPLE),
    )
    kept = sum(pruned.kept_counts())
    name = "–".join(str(d) for d in widths)
    n_text = f"{n}" + ("" if n == theory_n else "*")
    report.line(
        f"{name:<12} {device:<4} {n_text:>3} {cap if cap else 'all':>4} {'yes' if positive_only else 'no':>8} "
        f"{network.num_parameters:>15,} {t_sample:>7.2f} {t_prune:>7.2f} {t_certify:>7.2f} "
        f"{t_sample + t_prune + t_certify:>7.2f} {certificate.bound:>10.2e} "
        f"{sampled:>9.2e} ({t_sampled:>6.1f} s) {kept:>10,} ({kept / network.num_parameters:>5.1%})"
    )
    report.line(
        f"{'':<12} layer errors ‖E_i‖₂: {', '.join(f'{e:.2e}' for e in certificate.layer_errors)}; "
        f"hidden widths m_i: {network.hidden_widths}; load average {load()}"
    )
    del network, pruned


def header(report: Report) -> None:
    report.line("Construction benchmark: Theorem 1's random network pruned to a target and certified")
    report.line(f"date: {datetime.datetime.now().isoformat(timespec='seconds')}; load average at start: {load()}")
    report.line(f"machine: {cpu_model()}, {os.cpu_count()} logical cores, torch threads {torch.get_num_threads()}")
    if torch.cuda.is_available():
        report.line(f"GPU: {torch.cuda.get_device_name(0)}")
    report.line(f"versions: python {platform.python_version()}, torch {torch.__version__}, numpy {np.__version__}")
    report.line(
        f"setting: ε = {EPS}, δ = {DELTA}; targets from random_target (spectral norm 1), seeds: network "
        f"{SEED_NETWORK}, target {SEED_TARGET}, sampling {SEED_SAMPLE}; MEASURED_CONSTANT = "
        f"{construction.MEASURED_CONSTANT}"
    )
    report.line(
        "n: required_n(ε, δ, d_in, d_out, l) for the widest layer; * marks a smaller n chosen by hand. "
        "cap: max_coefficients (all = the theorem's construction exactly)."
    )
    report.line("times in wall seconds; total = sample + prune + certify (sampled_error not included)")
    report.line()


def timed(function, *args, **kwargs):
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    started = time.perf_counter()
    result = function(*args, **kwargs)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return result, time.perf_counter() - started


if __name__ == "__main__":
    main()
