"""Experiment 1 of Pensia et al. at the paper's n = 21: the two replacements chapter 6 reads back.

    python benchmarks/experiment1.py             # writes benchmarks/results/experiment1.json
    python benchmarks/experiment1.py --out FILE  # elsewhere

Trains chapter 6's target (``lthbook.experiments.train_experiment1_target``: MNIST, 784–500–10,
Adam, two epochs, seed 0), replaces every one of its 397,000 weights by the best subset sum of
n = 21 coefficients drawn U[min w, max w], once with one draw per row (the paper's code, seed 1)
and once with fresh coefficients per weight (seed 2), and evaluates each approximated network
on the 10,000 test images (``lthbook.experiments.run_experiment1``). The two solves take about
20 s each on two cores, too long for the chapter's time budget, so the chapter reads this file
with ``lthbook.experiments.read_experiment1_results`` and checks that the target accuracy
recorded here is the one of the target it trains itself.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _report import cpu_model, load  # noqa: E402

from lthbook import edge_popup, experiments  # noqa: E402
from lthbook.data import load_mnist  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "experiment1.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (JSON)")
    args = parser.parse_args(argv)
    lthbook_session = __import__("lthbook").setup(seed=0)
    device = lthbook_session.device
    started = time.perf_counter()
    print(f"load average at start: {load()}")
    data = load_mnist(device=device)
    target = experiments.train_experiment1_target(data, device=device, progress=False)
    target_accuracy = edge_popup.accuracy(target, data.X_test, data.y_test)
    print(f"target {data.name}: test accuracy {target_accuracy:.2%}")
    paper = experiments.PAPER_EXPERIMENT1
    runs = experiments.run_experiment1(target, data, n=paper["n"], eps=paper["eps"], device=device)
    for mode, s in runs.items():
        print(
            f"{mode:10s} accuracy {s.accuracy:.2%}, max error {s.max_error:.2e}, "
            f"within eps {s.within_eps:.4%}, kept {s.total_kept:,}, solve {s.seconds:.1f} s"
        )
    experiments.write_experiment1_results(
        args.out,
        dataset=data.name,
        target_accuracy=target_accuracy,
        runs=runs,
        machine=f"{cpu_model()}, {os.cpu_count()} logical cores, load average at the end {load()}",
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        threads=torch.get_num_threads(),
    )
    print(f"written to {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
