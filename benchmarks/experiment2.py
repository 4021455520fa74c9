"""Experiment 2 of Pensia et al., redone at the official settings: edge-popup on three structures.

Random networks with frozen weights, pruned by edge-popup (scores trained, top-k of ``|score|``
per tensor, straight-through gradient), on all of MNIST: "our structure, linear" and "our
structure, ReLU" (the block construction with redundancy r = 5) and a plain wide network with
the same number of weights, at several kept fractions, for FC2 (784–500–10), FC4
(784–500–500–500–10) and LeNet-5 (random frozen convolutions shared by every variant, the FC
part 400–120–84–10 in the three structures); plus the trained dense baselines. Every setting
follows the official code (``acnagle/optimal-lottery-tickets``, folder ``pruning/``); the few
differences are listed in ``DIFFERENCES`` and recorded in the results file.

The plan (``plan()``): for each network, every structure at every kept fraction of
``NETS[net]["keeps"]`` with seed 0; seeds 0, 1, 2 at ``SEED_KEEP`` (and for the baseline); one
FC2 configuration (``CONVERGENCE``) also at 2× and 4× the epochs; LeNet-5 at 0.1 (every
structure and the dense baseline, ``PAPER_EPOCHS``) also at the paper's 50 epochs. Each record
holds the **final-epoch** test accuracy (no selection on the test set) and the accuracy after
every epoch, and the settings it ran with.

Usage::

    python benchmarks/experiment2.py --jobs 2 --threads 1          # the full sweep, 10 epochs
    python benchmarks/experiment2.py --nets fc2 --epochs 10        # FC2 only
    python benchmarks/experiment2.py --quick                       # smoke run: 1 epoch, 512 images
    python benchmarks/experiment2.py --list                        # print the plan, run nothing

Results go to ``benchmarks/results/experiment2_full.json`` (``--out``; ``--quick`` writes to the
temporary folder unless ``--out`` is given), one record per run,
written atomically (a temporary file renamed over the old one) after every finished run. The
sweep is resumable: a run already in the file is never recomputed, so an interrupted sweep
continues where it stopped; a file written with different settings is refused. ``--jobs``
runs several runs at once in separate processes, each with ``--threads`` torch threads.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import datetime as dt
import json
import math
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch import nn
from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import cpu_model  # noqa: E402

from lthbook import edge_popup as ep  # noqa: E402
from lthbook.data import Dataset, load_mnist  # noqa: E402
from lthbook.experiments import EXPERIMENT2_SWEEP  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "experiment2_full.json"

#: MNIST normalisation of the official code (pruning/utils/data.py: Normalize((0.1307,), (0.3081,))).
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
#: The networks: target widths (LeNet-5: its FC part), learning rate (pruning/fc.sh, base.sh:
#: 0.1; pruning/lenet5.sh, base.sh: 0.01) and the kept fractions of the sweep. The grid (kept
#: fractions, seeds, the convergence configuration) has one home,
#: ``lthbook.experiments.EXPERIMENT2_SWEEP``, which chapter 6 reads to say what is missing.
_WIDTHS_AND_LR = {
    "fc2": {"widths": (784, 500, 10), "lr": 0.1},
    "fc4": {"widths": (784, 500, 500, 500, 10), "lr": 0.1},
    "lenet5": {"widths": (400, 120, 84, 10), "lr": 0.01},
}
NETS = {net: {**spec, "keeps": EXPERIMENT2_SWEEP["nets"][net]} for net, spec in _WIDTHS_AND_LR.items()}
REDUNDANCY = 5
#: Seed of LeNet-5's random convolutions, shared by every variant and seed (the official code
#: loads them into every variant from one baseline checkpoint; its default seed is 1).
CONV_SEED = 1
#: The kept fraction run with three seeds, per network.
SEED_KEEP = EXPERIMENT2_SWEEP["seed_keep"]
SEEDS = EXPERIMENT2_SWEEP["seeds"]
#: The configuration also run at 2× and 4× the epochs (convergence check).
CONVERGENCE = EXPERIMENT2_SWEEP["convergence"]
#: The network and kept fraction also run at the paper's epochs (every structure and the dense
#: baseline, seed 0).
PAPER_EPOCHS = EXPERIMENT2_SWEEP["paper_epochs"]
#: Settings of every run (pruning/args.py defaults, pruning/main.py).
SETTINGS = {
    "optimizer": "sgd",
    "momentum": 0.9,
    "weight_decay": 5e-4,
    "batch_size": 64,
    "cosine": "CosineAnnealingLR(T_max=epochs), stepped once per epoch",
    "redundancy": REDUNDANCY,
    "bias": False,
    "normalize": [MNIST_MEAN, MNIST_STD],
    "init": "official (edge_popup official_init=True)",
    "conv_seed": CONV_SEED,
    "test_accuracy": "after the final epoch",
}
#: Where this sweep departs from the official code, knowingly.
DIFFERENCES = (
    "epochs: the official runs use 30-150 (the paper's figures 50); this sweep uses --epochs (default 10),"
    " and 50 for LeNet-5 at 0.1 (PAPER_EPOCHS)",
    "kept count: k = round-half-up(keep * numel), at least 1 (lthbook.edge_popup.kept_count); the official "
    "GetSubnet keeps numel - int(sparsity * numel), which can differ by one entry",
    "ties at the k-th score: kept by smallest index (lthbook.edge_popup.topk_mask); the official code sorts "
    "(order of ties unspecified)",
    "LeNet-5 convolutions: drawn once with seed 1 in PyTorch's default law; the official code loads them from "
    "its trained baseline checkpoint (paper/LeNet5/LeNet5_e50_h500.pt, not in the repository), where they were "
    "frozen at their random initialisation too",
    "mini-batch order: torch.randperm per epoch seeded by the run's seed, not a DataLoader; the test set is "
    "evaluated in one pass (the official test loader shuffles, which does not change the accuracy)",
    "reported accuracy: the final epoch's; the official raw results files hold every epoch and the paper "
    "plots the best over epochs and runs",
)


def official_wide_hidden(net: str, redundancy: int = REDUNDANCY) -> tuple[int, ...]:
    """Hidden widths of the wide network, computed exactly as the official code does.

    ``pruning/models/wide.py``: FC2 ``int(round(red / (784 + 10)))``; FC4
    ``int(round((sqrt(8·red + 794²) − 794) / 4))``; LeNet-5 ``int(round((sqrt(b² + 4c) − b)/2))``
    with ``b = 410`` and ``c`` the block network's FC weights. FC2 2,508; FC4 1,314; LeNet-5 378.
    """
    r = redundancy
    if net == "fc2":
        base = 784 * 500 + 500 * 10
        red = base * r + r * (784 + 500)
        return (int(round(red / (784 + 10))),)
    if net == "fc4":
        base = 784 * 500 + 2 * 500 * 500 + 500 * 10
        red = base * r + r * (784 + 3 * 500)
        return (int(round(0.25 * (math.sqrt(8 * red + (784 + 10) ** 2) - (784 + 10)))),) * 3
    if net == "lenet5":
        b = 400 + 10
        c = 400 * r + 400 * r * 120 + 120 * r + 120 * r * 84 + 84 * r + 84 * r * 10
        return (int(round(0.5 * (math.sqrt(b * b + 4 * c) - b))),) * 2
    raise ValueError(f"net must be one of {sorted(NETS)}; got {net!r}")


def build_network(net: str, structure: str, keep_fraction: float, seed: int) -> nn.Module:
    """The network of one run: a supermask network (weights frozen) or the dense baseline."""
    if net not in NETS:
        raise ValueError(f"net must be one of {sorted(NETS)}; got {net!r}")
    widths = NETS[net]["widths"]
    generator = torch.Generator().manual_seed(seed)
    if structure == "dense_trained":
        fc = ep.dense_mlp(widths, generator=generator)
    else:
        fc = ep.experiment2_network(
            structure,
            widths,
            keep_fraction=keep_fraction,
            redundancy=REDUNDANCY,
            wide_hidden=official_wide_hidden(net),
            generator=generator,
            official_init=True,
        )
    if net == "lenet5":
        return nn.Sequential(ep.lenet5_features(generator=torch.Generator().manual_seed(CONV_SEED)), fc)
    return fc


def fc_weight_count(model: nn.Module) -> int:
    """Weights of the fully connected part (frozen ones of a supermask net; trainable of a dense one)."""
    count = ep.count_weights(model)
    return count if count else sum(p.numel() for p in model.parameters() if p.requires_grad)


def kept_weights(model: nn.Module) -> int:
    masked = [m for m in model.modules() if isinstance(m, (ep.SupermaskLinear, ep.SupermaskBlockExpand))]
    if not masked:  # a dense trained network keeps every weight
        return fc_weight_count(model)
    return sum(int(m.mask().sum()) for m in masked)


def plan(
    nets=tuple(NETS),
    epochs: int = 10,
    seeds: bool = True,
    convergence: bool = True,
    keeps: dict | None = None,
    paper_epochs: bool = True,
) -> list[dict]:
    """Every run of the sweep, as ``{net, structure, keep_fraction, epochs, seed}``, cheapest first."""
    runs = []
    for net in nets:
        for keep in (keeps or {}).get(net, NETS[net]["keeps"]):
            for structure in ep.STRUCTURES:
                runs.append({"net": net, "structure": structure, "keep_fraction": keep, "epochs": epochs, "seed": 0})
        runs.append({"net": net, "structure": "dense_trained", "keep_fraction": 1.0, "epochs": epochs, "seed": 0})
        if seeds:
            for seed in SEEDS[1:]:
                for structure in ep.STRUCTURES:
                    runs.append(
                        {"net": net, "structure": structure, "keep_fraction": SEED_KEEP, "epochs": epochs, "seed": seed}
                    )
                runs.append(
                    {"net": net, "structure": "dense_trained", "keep_fraction": 1.0, "epochs": epochs, "seed": seed}
                )
    if convergence and CONVERGENCE[0] in nets:
        net, structure, keep = CONVERGENCE
        for factor in (2, 4):
            runs.append(
                {"net": net, "structure": structure, "keep_fraction": keep, "epochs": factor * epochs, "seed": 0}
            )
    if paper_epochs and PAPER_EPOCHS[0] in nets:
        net, keep, long_epochs = PAPER_EPOCHS
        for structure in (*ep.STRUCTURES, "dense_trained"):
            kept = 1.0 if structure == "dense_trained" else keep
            runs.append({"net": net, "structure": structure, "keep_fraction": kept, "epochs": long_epochs, "seed": 0})
    unique = {tuple(r.values()): r for r in runs}  # --epochs 50 would plan the paper's runs twice
    order = {"lenet5": 0, "fc2": 1, "fc4": 2}
    return sorted(unique.values(), key=lambda r: (r["epochs"], order[r["net"]]))


def run_key(run: dict) -> tuple:
    return (
        run["net"],
        run["structure"],
        float(run["keep_fraction"]),
        int(run["epochs"]),
        int(run["train_images"]),
        int(run["seed"]),
    )


def mnist_normalized(train_images: int | None) -> Dataset:
    data = load_mnist(device="cpu", subset=train_images)
    return Dataset(
        X_train=(data.X_train - MNIST_MEAN) / MNIST_STD,
        y_train=data.y_train,
        X_test=(data.X_test - MNIST_MEAN) / MNIST_STD,
        y_test=data.y_test,
        name="MNIST (normalised)",
        num_classes=10,
        input_dim=784,
    )


def execute(spec: dict, train_images: int | None, threads: int) -> dict:
    """Run one training run and return its record (called in a worker process)."""
    torch.set_num_threads(threads)
    data = mnist_normalized(train_images)
    net, structure = spec["net"], spec["structure"]
    model = build_network(net, structure, spec["keep_fraction"], spec["seed"])
    lr = NETS[net]["lr"]
    start = time.perf_counter()
    history = ep.train(
        model,
        data,
        epochs=spec["epochs"],
        lr=lr,
        batch_size=SETTINGS["batch_size"],
        momentum=SETTINGS["momentum"],
        weight_decay=SETTINGS["weight_decay"],
        cosine=True,
        cosine_unit="epoch",
        device="cpu",
        seed=spec["seed"],
        progress=False,
    )
    seconds = time.perf_counter() - start
    return {
        **spec,
        "train_images": int(data.X_train.shape[0]),
        "lr": lr,
        "test_accuracy": history.final_test_accuracy,
        "epoch_test_accuracy": list(history.test_accuracy),
        "train_loss": list(history.train_loss),
        "seconds": seconds,
        "num_weights": fc_weight_count(model),
        "kept_weights": kept_weights(model),
        "wide_hidden": list(official_wide_hidden(net)) if structure == "wide" else None,
        "settings": {
            **SETTINGS,
            "lr": lr,
            "torch_threads": threads,
            "torch": torch.__version__,
            "machine": machine(),
            "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        },
    }


def machine() -> str:
    gpu = f", GPU {torch.cuda.get_device_name()}" if torch.cuda.is_available() else ""
    return f"{cpu_model()}, {os.cpu_count()} logical cores{gpu}"


RUN_KEYS = {
    "net",
    "structure",
    "keep_fraction",
    "epochs",
    "train_images",
    "seed",
    "lr",
    "test_accuracy",
    "epoch_test_accuracy",
    "train_loss",
    "seconds",
    "num_weights",
    "kept_weights",
    "settings",
}


def validate_results(data: dict) -> None:
    """Raise ValueError if ``data`` is not a well-formed results file of this script."""
    for key in ("description", "settings", "differences", "runs"):
        if key not in data:
            raise ValueError(f"results file lacks {key!r}")
    seen = set()
    for i, run in enumerate(data["runs"]):
        missing = RUN_KEYS - set(run)
        if missing:
            raise ValueError(f"run {i} lacks {sorted(missing)}")
        if run["net"] not in NETS or run["structure"] not in (*ep.STRUCTURES, "dense_trained"):
            raise ValueError(f"run {i} has unknown net or structure: {run['net']!r}, {run['structure']!r}")
        if not 0.0 <= run["test_accuracy"] <= 1.0:
            raise ValueError(f"run {i} has accuracy outside [0, 1]")
        if len(run["epoch_test_accuracy"]) != run["epochs"] or run["test_accuracy"] != run["epoch_test_accuracy"][-1]:
            raise ValueError(f"run {i}: one test accuracy per epoch expected, the last one reported")
        if run_key(run) in seen:
            raise ValueError(f"run {i} is a duplicate of an earlier run")
        seen.add(run_key(run))


def load_results(path: Path) -> dict:
    if path.exists():
        data = json.loads(path.read_text())
        validate_results(data)
        if data["settings"] != SETTINGS:
            raise ValueError(
                f"{path} was written with other settings ({data['settings']}); use another --out or move it away"
            )
        return data
    return {"description": __doc__.splitlines()[0], "settings": SETTINGS, "differences": list(DIFFERENCES), "runs": []}


def save_results(data: dict, path: Path) -> None:
    """Write the file atomically: a temporary file in the same folder, renamed over the old one."""
    data["date"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    data["machine"] = machine()
    validate_results(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    with os.fdopen(handle, "w") as file:
        file.write(json.dumps(data, indent=1) + "\n")
    os.replace(temporary, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nets", nargs="+", choices=sorted(NETS), default=list(NETS))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--keep", type=float, nargs="+", default=None, help="kept fractions (default: per net)")
    parser.add_argument("--train-images", type=int, default=None, help="first N training images (default all)")
    parser.add_argument("--no-seeds", action="store_true", help="skip the extra seeds")
    parser.add_argument("--no-convergence", action="store_true", help="skip the 2x and 4x epoch runs")
    parser.add_argument("--no-paper-epochs", action="store_true", help="skip LeNet-5's runs at the paper's 50 epochs")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1 epoch, 512 images, FC2 at keep 0.5 (default --out in the temp folder)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="runs at once, in separate processes")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per run")
    parser.add_argument("--list", action="store_true", help="print the runs still to do and exit")
    parser.add_argument("--out", type=Path, default=None, help=f"results file (JSON; default {RESULTS})")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.train_images, args.nets, args.keep = 1, 512, ["fc2"], [0.5]
        args.no_seeds = args.no_convergence = args.no_paper_epochs = True
        if args.out is None:  # never mix a smoke run into the sweep's file
            args.out = Path(tempfile.gettempdir()) / "experiment2_quick.json"
    args.out = args.out or RESULTS
    if args.epochs < 1 or args.jobs < 1 or args.threads < 1:
        parser.error("--epochs, --jobs and --threads must be at least 1")
    keeps = {net: args.keep for net in args.nets} if args.keep else None
    runs = plan(
        tuple(args.nets), args.epochs, not args.no_seeds, not args.no_convergence, keeps, not args.no_paper_epochs
    )
    train_images = args.train_images or 60_000
    results = load_results(args.out)
    done = {run_key(r) for r in results["runs"]}
    todo = [r for r in runs if run_key({**r, "train_images": train_images}) not in done]
    print(
        f"Experiment 2: {len(runs)} runs planned, {len(runs) - len(todo)} already in {args.out}, "
        f"{len(todo)} to do; {train_images:,} training images, {args.jobs} job(s) x {args.threads} thread(s); "
        f"machine: {machine()}",
        flush=True,
    )
    if args.list:
        for r in todo:
            print(
                f"  {r['net']:6s} {r['structure']:13s} keep {r['keep_fraction']:<5g} {r['epochs']:3d} epochs "
                f"seed {r['seed']}"
            )
        return 0
    context = multiprocessing.get_context("spawn")
    with (
        futures.ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool,
        tqdm(total=len(todo), desc="runs", disable=not todo) as bar,
    ):
        pending = {pool.submit(execute, spec, args.train_images, args.threads): spec for spec in todo}
        for finished in futures.as_completed(pending):
            record = finished.result()
            results["runs"].append(record)
            save_results(results, args.out)
            bar.update()
            tqdm.write(
                f"{record['net']:6s} {record['structure']:13s} keep {record['keep_fraction']:<5g} "
                f"{record['epochs']:3d} epochs seed {record['seed']}: final test accuracy "
                f"{record['test_accuracy']:.4f} ({record['seconds']:.0f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
