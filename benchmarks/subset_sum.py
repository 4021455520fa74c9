"""Benchmark of lthbook.subset_sum.solve against brute force, HiGHS (MILP) and OR-Tools CP-SAT.

    python benchmarks/subset_sum.py            # full run, also writes benchmarks/results/subset_sum.{txt,json}
    python benchmarks/subset_sum.py --quick    # a smaller run that only prints

The table goes to the terminal and to ``subset_sum.txt``; the same numbers, as records, go to
``subset_sum.json``, which chapter 2 reads with ``lthbook.experiments.read_subset_sum_results``
(its docstring states the schema).

First the paper's Experiment 1 at its own scale: 397,000 instances at n = 21 with targets
uniform on the trained MLP's weight range [−0.464, 0.541], once with product-law coefficients
(a·b with a, b independent U[−1, 1], the law of the ReLU construction) and once with the
paper's own U[min w, max w], against the 77,266 s that Gurobi took on 36 cores. It runs first,
while the machine is as quiet as at the start; the load average is printed beside it, since
other work on a 2-core machine slows it down (the CPU seconds are less sensitive to that).

Then, for each n in {12, 16, 20, 21, 24}: product-law coefficients per instance, the same
targets. Every method solves its own number of instances (solve: best of 3 runs); the slow
ones (HiGHS, CP-SAT) a sample of 5 with a 10 s limit per instance. All methods also solve that
common sample, on which their errors are compared with solve's where they proved optimality
(``agrees``).

Notes on the reference solvers:
* HiGHS is called through lthbook.subset_sum.milp (the paper's MIP; coefficients scaled by a
  power of two so that HiGHS's absolute tolerances sit below the optimum, mip_rel_gap = 0).
* CP-SAT (optional: pip install ortools) needs integers: coefficients and target are
  multiplied by 2^k, k chosen so that the largest |x_i| becomes about 2^40, and rounded. The
  rounding moves a subset sum by at most n·2^(−k−1), so CP-SAT's optimum may differ from the
  float64 optimum by ~n·2^−40 ≈ 2e-11; the error of its mask is recomputed in float64.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _report import Report, cpu_model, load  # noqa: E402

from lthbook import subset_sum  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "subset_sum.txt"
SIZES = (12, 16, 20, 21, 24)
# Instances per n for each method, full run (quick run: divided, see below).
SOLVE_INSTANCES = {12: 100_000, 16: 50_000, 20: 20_000, 21: 20_000, 24: 5_000}
BRUTE_INSTANCES = {12: 5_000, 16: 500, 20: 30, 21: 15}
REFERENCE_INSTANCES = 5  # HiGHS and CP-SAT, each with TIME_LIMIT seconds per instance
TIME_LIMIT = 10.0
SOLVE_REPEATS = 3  # solve's time in the table is the best of this many runs (the paper-scale run: one)
AGREEMENT_TOLERANCE = 1e-10  # |error − solve's error| counted as agreement
PAPER_INSTANCES, PAPER_N, PAPER_SECONDS, PAPER_CORES = 397_000, 21, 77_266.0, 36
PAPER_WEIGHT_RANGE = (-0.464, 0.541)  # the trained MLP's weights: Experiment 1's targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer instances; prints only")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"also write the table here and its records beside it, suffix .json (default {RESULTS} for a full run)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    output = args.output if args.output is not None else (None if args.quick else RESULTS)
    report = Report(output)
    scale = 10 if args.quick else 1
    reference_instances = 2 if args.quick else REFERENCE_INSTANCES

    record = header(report)
    record["settings"]["reference_instances"] = reference_instances
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    record["paper_scale"] = paper_scale(report, devices)  # the headline first, while the machine is quiet
    report.line()
    report.line(
        f"{'n':>3} {'method':<16} {'instances':>9} {'seconds':>9} {'inst/s':>11} {'µs/inst':>11} "
        f"{'× solve':>9}  agrees with solve (common sample of {reference_instances})"
    )
    record["sizes"] = [bench_one_size(report, n, devices, scale, reference_instances) for n in SIZES]
    record["load_average_end"] = load()
    record["total_seconds"] = time.perf_counter() - started
    report.line(
        f"load average at the end: {record['load_average_end']}; total benchmark time {record['total_seconds']:.0f} s"
    )
    report.close()
    if output is not None:
        output.with_suffix(".json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
        print(f"records written to {output.with_suffix('.json')}")


def header(report: Report) -> dict:
    """Print the header; return the results record without its measurements (the JSON's top level)."""
    record = {
        "description": "SubsetSum benchmark (chapter 2), written by benchmarks/subset_sum.py",
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "load_average_start": load(),
        "machine": f"{cpu_model()}, {os.cpu_count()} logical cores, torch threads {torch.get_num_threads()}",
    }
    report.line("SubsetSum benchmark: lthbook.subset_sum.solve against exact references")
    report.line(f"date: {record['date']}; load average at start: {record['load_average_start']}")
    report.line(f"machine: {record['machine']}")
    if torch.cuda.is_available():
        report.line(f"GPU: {torch.cuda.get_device_name(0)}")
    versions = (
        f"python {platform.python_version()}, torch {torch.__version__}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}"
    )
    record["versions"] = f"{versions}, ortools {ortools_version() or 'not installed'}"
    report.line(f"versions: {record['versions']}")
    report.line(
        f"instances: per-instance coefficients of the product law, targets U{list(PAPER_WEIGHT_RANGE)}; "
        f"HiGHS and CP-SAT: {TIME_LIMIT:g} s limit per instance; agreement: |Δerror| <= {AGREEMENT_TOLERANCE:g}"
    )
    report.line()
    record["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    record["settings"] = {
        "weight_range": list(PAPER_WEIGHT_RANGE),
        "time_limit": TIME_LIMIT,
        "agreement_tolerance": AGREEMENT_TOLERANCE,
        "solve_repeats": SOLVE_REPEATS,
    }
    record["paper"] = {"instances": PAPER_INSTANCES, "n": PAPER_N, "seconds": PAPER_SECONDS, "cores": PAPER_CORES}
    return record


def ortools_version() -> str | None:
    try:
        import ortools
    except ImportError:
        return None
    return ortools.__version__


def draw(batch: int, n: int, seed: int, target_range=(-1.0, 1.0)) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    x = subset_sum.sample_coefficients(batch, n, "product", generator=generator, device="cpu")
    lo, hi = target_range
    z = lo + (hi - lo) * torch.rand(batch, generator=generator, dtype=torch.float64)
    return x, z


def timed(function, *args, **kwargs):
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    started = time.perf_counter()
    result = function(*args, **kwargs)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return result, time.perf_counter() - started


def bench_one_size(report: Report, n: int, devices: list[str], scale: int, reference_instances: int) -> dict:
    """Time every method at ``n``; print its rows and return them as a record of the JSON's ``sizes``."""
    x, z = draw(SOLVE_INSTANCES[n] // scale, n, seed=n, target_range=PAPER_WEIGHT_RANGE)
    sample_x, sample_z = x[:reference_instances], z[:reference_instances]
    reference = subset_sum.solve(sample_x, sample_z, device="cpu").error
    every = torch.ones(reference_instances, dtype=torch.bool)
    rows = []  # (method, instances, seconds, sample errors, which of them are proven optimal, note)

    subset_sum.solve(x[:100], z[:100], device="cpu")  # warm-up
    seconds = min(timed(subset_sum.solve, x, z, device="cpu")[1] for _ in range(SOLVE_REPEATS))
    rows.append(("solve (cpu)", x.shape[0], seconds, reference, every, ""))
    if "cuda" in devices:
        subset_sum.solve(x[:100], z[:100], device="cuda")
        seconds = min(timed(subset_sum.solve, x, z, device="cuda")[1] for _ in range(SOLVE_REPEATS))
        errors = subset_sum.solve(sample_x, sample_z, device="cuda").error.cpu()
        rows.append(("solve (cuda)", x.shape[0], seconds, errors, every, ""))
    if n in BRUTE_INSTANCES:
        count = max(reference_instances, BRUTE_INSTANCES[n] // scale)
        _, seconds = timed(subset_sum.brute_force, x[:count], z[:count], device="cpu")
        errors = subset_sum.brute_force(sample_x, sample_z, device="cpu").error
        rows.append(("brute force", count, seconds, errors, every, ""))
    with quiet_stdout():  # HiGHS sometimes prints debugging lines of its own
        highs, seconds = timed(subset_sum.milp, sample_x, sample_z, time_limit=TIME_LIMIT)
    hit_limit = sum(status == "time_limit" for status in highs.status)
    failed = sum(status == "failed" for status in highs.status)
    rows.append(
        (
            "HiGHS MILP",
            reference_instances,
            seconds,
            highs.error,
            highs.proven_optimal,
            f"; {hit_limit} hit the {TIME_LIMIT:g} s limit, {failed} failed (HiGHS solve error)",
        )
    )
    if ortools_version() is not None:
        (errors, statuses), seconds = timed(cp_sat, sample_x, sample_z)
        proven = torch.tensor([status == "OPTIMAL" for status in statuses])
        rows.append(
            (
                "OR-Tools CP-SAT",
                reference_instances,
                seconds,
                errors,
                proven,
                f"; {int((~proven).sum())} not proven optimal in {TIME_LIMIT:g} s",
            )
        )

    solve_per_instance = rows[0][2] / rows[0][1]
    everyone = True
    records = []
    for method, count, seconds, errors, proven, note in rows:
        per_instance = seconds / count
        if method == "solve (cpu)":
            verdict = "(reference)"
            agrees, checked, agreeing = None, None, None
        else:
            agrees, verdict = agreement(errors, reference, proven)
            everyone &= agrees
            checked = int(proven.sum())
            agreeing = int(((errors.double() - reference).abs()[proven] <= AGREEMENT_TOLERANCE).sum())
        records.append(
            {
                "method": method,
                "instances": count,
                "seconds": seconds,
                "microseconds_per_instance": per_instance * 1e6,
                "times_solve": per_instance / solve_per_instance,
                "agrees": agrees,
                "proven": checked,
                "agreeing": agreeing,
                "verdict": verdict + note,
            }
        )
        report.line(
            f"{n:>3} {method:<16} {count:>9,} {seconds:>9.3f} {count / seconds:>11,.0f} "
            f"{per_instance * 1e6:>11,.1f} {per_instance / solve_per_instance:>9,.0f}  {verdict}{note}"
        )
    report.line(
        f"{'':>3} all exact methods agree where they proved optimality: {'yes' if everyone else 'NO'}; "
        f"optimal errors of the sample: {', '.join(f'{e:.2e}' for e in reference.tolist())}"
    )
    report.line()
    return {"n": n, "rows": records, "all_agree": everyone, "optimal_errors": reference.tolist()}


def agreement(errors: torch.Tensor, reference: torch.Tensor, proven: torch.Tensor) -> tuple[bool, str]:
    """Do the errors of the instances a method proved optimal match solve's?"""
    difference = (errors.double() - reference).abs()[proven]
    agree = int((difference <= AGREEMENT_TOLERANCE).sum())
    checked = int(proven.sum())
    largest = f", max |Δ| {float(difference.max()):.1e}" if checked else ""
    verdict = f"{'yes' if agree == checked else 'NO'} ({agree}/{checked} proven{largest})"
    return agree == checked, verdict


@contextlib.contextmanager
def quiet_stdout():
    """Silence what native libraries print straight to file descriptor 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def cp_sat(x: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, list[str]]:
    """Solve each instance with CP-SAT on integers: x and z times 2^k, rounded (see module docstring)."""
    from ortools.sat.python import cp_model

    errors, statuses = [], []
    for coefficients, target in zip(x.numpy(), z.tolist()):
        k = 40 - math.ceil(math.log2(max(np.abs(coefficients).max(), 1e-300)))
        integers = [int(v) for v in np.rint(np.ldexp(coefficients, k))]
        goal = int(round(math.ldexp(target, k)))
        model = cp_model.CpModel()
        keep = [model.new_bool_var(f"keep_{i}") for i in range(len(integers))]
        total = sum(a * b for a, b in zip(integers, keep))
        bound = sum(abs(a) for a in integers) + abs(goal)
        error = model.new_int_var(0, bound, "error")
        model.add(goal - total <= error)
        model.add(total - goal <= error)
        model.minimize(error)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = TIME_LIMIT
        solver.parameters.num_workers = os.cpu_count() or 1
        status = solver.solve(model)
        statuses.append(solver.status_name(status))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            mask = torch.tensor([bool(solver.value(b)) for b in keep])
            value = subset_sum.subset_value(torch.from_numpy(coefficients), mask)
            errors.append(abs(target - value.item()))
        else:
            errors.append(math.nan)
    return torch.tensor(errors, dtype=torch.float64), statuses


def paper_scale(report: Report, devices: list[str]) -> list[dict]:
    """Experiment 1 at its size: 397,000 instances at n = 21, once per coefficient law (one record each)."""
    records = []
    report.line(
        f"Paper scale (Experiment 1): {PAPER_INSTANCES:,} instances at n = {PAPER_N}, per-instance coefficients, "
        f"targets U{list(PAPER_WEIGHT_RANGE)} (the range of the trained MLP's weights)"
    )
    report.line(
        f"  paper: Gurobi MIP per weight (MIPGap 1%, error <= 0.01) on {PAPER_CORES} cores: "
        f"{PAPER_SECONDS:,.0f} s = {PAPER_SECONDS / 3600:.1f} h"
    )
    for name in ("product law a·b", "paper's law U[min w, max w]"):
        x, z = draw(PAPER_INSTANCES, PAPER_N, seed=2020, target_range=PAPER_WEIGHT_RANGE)
        if name.startswith("paper"):  # as in the official code: coefficients uniform on the weights' range
            lo, hi = PAPER_WEIGHT_RANGE
            generator = torch.Generator().manual_seed(2021)
            x = lo + (hi - lo) * torch.rand(PAPER_INSTANCES, PAPER_N, generator=generator, dtype=torch.float64)
        for device in devices:
            cpu_started = time.process_time()
            solution, seconds = timed(subset_sum.solve, x, z, device=device)
            cpu_seconds = time.process_time() - cpu_started
            error = solution.error.cpu()
            cores = os.cpu_count() or 1
            load_now = load()
            report.line(
                f"  solve ({device}), {name}: {seconds:.2f} s wall ({cpu_seconds:.1f} s CPU), "
                f"{PAPER_INSTANCES / seconds:,.0f} instances/s, {seconds / PAPER_INSTANCES * 1e6:.1f} µs/instance; "
                f"{PAPER_SECONDS / seconds:,.0f}× faster than the paper in wall time, "
                f"{PAPER_SECONDS * PAPER_CORES / (seconds * cores):,.0f}× per CPU core; load average now {load_now}"
            )
            report.line(
                f"      errors: median {error.median():.2e}, max {error.max():.2e}; "
                f"{int((error <= 0.01).sum()):,} of {PAPER_INSTANCES:,} within ε = 0.01"
            )
            records.append(
                {
                    "law": name,
                    "device": device,
                    "instances": PAPER_INSTANCES,
                    "seconds": seconds,
                    "cpu_seconds": cpu_seconds,
                    "error_median": float(error.median()),
                    "error_max": float(error.max()),
                    "eps": 0.01,
                    "within_eps": int((error <= 0.01).sum()),
                    "load_average": load_now,
                }
            )
    return records


if __name__ == "__main__":
    main()
