"""Edge-popup's training step against a dense training step with the same number of weights.

For each network of the paper's Experiment 2 (FC2 in its three structures, FC4, LeNet-5) the
script times one SGD step (batch 64, momentum 0.9, weight decay 5e-4: forward, backward,
optimizer) of

* **dense**: an ordinary trainable network with (about) as many weights, the wide shape of the
  same network (FC2 784–2508–10; FC4 784–1314–1314–1314–10; LeNet-5 the frozen random
  convolutions and a trainable 400–378–378–10), whose step is what a trained baseline costs;
* **edge-popup**: the network pruned by ``lthbook.edge_popup`` (top-k of ``|scores|`` per tensor
  by ``TopKSelector``, fused straight-through node), at a kept fraction of 0.5 and of 0.01;
* **topk**: the same edge-popup step with the threshold forgotten before every step, so that
  every mask costs a full ``torch.topk``: what a step cost before the selector.

The columns are measured **interleaved** (dense, edge-popup, topk, dense, …, in a rotating
order) in one run, so that the load of other processes on a shared machine slows every column
alike and the ratio stays fair; the table reports the median step time of each column and the
ratio of medians edge-popup / dense.

Usage::

    python benchmarks/edge_popup.py                       # 1 torch thread, 60 steps per column
    python benchmarks/edge_popup.py --threads 2 --steps 100
    python benchmarks/edge_popup.py --out benchmarks/results/edge_popup.txt
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import Report, cpu_model, load  # noqa: E402

from lthbook import edge_popup as ep  # noqa: E402
from lthbook.data import load_mnist, mnist_available  # noqa: E402
from lthbook.experiments import matched_wide_hidden  # noqa: E402

FC2, FC4, LENET_FC = (784, 500, 10), (784, 500, 500, 500, 10), (400, 120, 84, 10)


def networks(keep: float, generator: torch.Generator) -> list[tuple[str, nn.Module, nn.Module]]:
    """(name, edge-popup network, dense network with about as many weights) for each case.

    The networks are built as ``benchmarks/experiment2.py`` builds them (the official code's
    initialisation).
    """
    features = ep.lenet5_features(generator=generator)
    fc2_wide, fc4_wide, lenet_wide = (matched_wide_hidden(w) for w in (FC2, FC4, LENET_FC))
    cases = []
    for structure in ep.STRUCTURES:
        cases.append(
            (
                f"FC2 {structure}",
                ep.experiment2_network(
                    structure, FC2, keep_fraction=keep, wide_hidden=fc2_wide, generator=generator, official_init=True
                ),
                ep.dense_mlp((FC2[0], *fc2_wide, FC2[-1]), generator=generator),
            )
        )
    cases.append(
        (
            "FC4 ours_relu",
            ep.experiment2_network("ours_relu", FC4, keep_fraction=keep, generator=generator, official_init=True),
            ep.dense_mlp((FC4[0], *fc4_wide, FC4[-1]), generator=generator),
        )
    )
    cases.append(
        (
            "LeNet-5 ours_relu",
            nn.Sequential(
                features,
                ep.experiment2_network(
                    "ours_relu", LENET_FC, keep_fraction=keep, generator=generator, official_init=True
                ),
            ),
            nn.Sequential(features, ep.dense_mlp((LENET_FC[0], *lenet_wide, LENET_FC[-1]), generator=generator)),
        )
    )
    return cases


def forget_thresholds(model: nn.Module) -> None:
    """Make the next mask of every layer a full ``torch.topk`` (the cost before the selector)."""
    for module in model.modules():
        for selector in module.__dict__.get("_selectors", {}).values():
            selector.reset()


def trainable_weights(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def time_steps(
    columns: dict[str, nn.Module], steps: int, X: torch.Tensor, y: torch.Tensor, lr: float
) -> dict[str, list[float]]:
    """Seconds per training step of each column, measured in rotating interleaved order."""
    optimizers = {
        name: torch.optim.SGD(
            [p for p in model.parameters() if p.requires_grad], lr=lr, momentum=0.9, weight_decay=5e-4
        )
        for name, model in columns.items()
    }
    times: dict[str, list[float]] = {name: [] for name in columns}
    names = list(columns)
    for step in range(steps + 3):  # the first 3 rounds warm up and are dropped
        batch = slice((step * 64) % (X.shape[0] - 64), (step * 64) % (X.shape[0] - 64) + 64)
        for name in names[step % len(names) :] + names[: step % len(names)]:
            model, opt = columns[name], optimizers[name]
            if name == "topk":
                forget_thresholds(model)
            start = time.perf_counter()
            loss = F.cross_entropy(model(X[batch]), y[batch])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            elapsed = time.perf_counter() - start
            if step >= 3:
                times[name].append(elapsed)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="timed steps per column")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--keep", type=float, nargs="+", default=[0.5, 0.01])
    parser.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    args = parser.parse_args()
    if args.steps < 5 or args.threads < 1:
        parser.error("--steps must be at least 5 and --threads at least 1")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    report = Report(args.out)
    report.line("Edge-popup step vs dense step with about as many weights (batch 64, SGD momentum 0.9, wd 5e-4)")
    report.line(
        f"date {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}, {cpu_model()}, "
        f"{os.cpu_count()} logical cores, torch {torch.__version__}, {args.threads} torch thread(s), "
        f"load average at start {load()}"
    )
    report.line("The machine is shared with other processes: the columns are measured interleaved in one run")
    report.line(
        f"(rotating order, {args.steps} steps each after 3 warm-up rounds), medians reported, "
        "so the load slows every column alike."
    )
    if mnist_available():
        mnist = load_mnist(device="cpu", subset=8192)
        X, y, data_name = (mnist.X_train - 0.1307) / 0.3081, mnist.y_train, "MNIST (first 8,192 training images)"
    else:
        X = torch.randn(8192, 784, generator=torch.Generator().manual_seed(1))
        y = torch.randint(0, 10, (8192,), generator=torch.Generator().manual_seed(2))
        data_name = "random Gaussian images (MNIST not installed)"
    report.line(f"data: {data_name}; lr 0.1 for FC2 and FC4, 0.01 for LeNet-5 (the official settings).")
    report.line()
    header = (
        f"{'network':18s} {'keep':>5s} {'weights':>10s} {'dense':>10s} {'dense ms':>9s} "
        f"{'e-p ms':>8s} {'topk ms':>8s} {'e-p/dense':>9s} {'topk/dense':>10s} {'full topk':>9s}"
    )
    report.line(header)
    report.line("-" * len(header))
    worst = 0.0
    for keep in args.keep:
        for name, pruned, dense in networks(keep, torch.Generator().manual_seed(0)):
            reference = _copy_scores(pruned)
            columns = {"dense": dense, "edge-popup": pruned, "topk": reference}
            times = time_steps(columns, args.steps, X, y, lr=0.01 if name.startswith("LeNet") else 0.1)
            median = {k: statistics.median(v) * 1e3 for k, v in times.items()}
            ratio = median["edge-popup"] / median["dense"]
            worst = max(worst, ratio)
            selectors = [s for m in pruned.modules() for s in m.__dict__.get("_selectors", {}).values()]
            calls = sum(s.calls for s in selectors)
            full = sum(s.full_topk for s in selectors)
            report.line(
                f"{name:18s} {keep:5g} {ep.count_weights(pruned):10,d} {trainable_weights(dense):10,d} "
                f"{median['dense']:9.2f} {median['edge-popup']:8.2f} {median['topk']:8.2f} "
                f"{ratio:9.2f} {median['topk'] / median['dense']:10.2f} {full:4d}/{calls:<4d}"
            )
    report.line()
    report.line("weights: frozen random weights of the edge-popup network; dense: trainable weights of the dense one.")
    report.line("e-p: edge-popup with TopKSelector; topk: the same with a full torch.topk for every mask.")
    report.line(
        "full topk: masks of the e-p column that needed a full torch.topk (the first of each layer, and misses)."
    )
    report.line(f"largest e-p/dense ratio: {worst:.2f} ({'within' if worst <= 3 else 'ABOVE'} the target of 3)")
    report.close()
    return 0


def _copy_scores(model: nn.Module) -> nn.Module:
    import copy

    return copy.deepcopy(model)


if __name__ == "__main__":
    sys.exit(main())
