"""Experiment 2 of Pensia et al., redone: edge-popup on three structures at matched sizes.

Random networks with frozen weights, pruned by edge-popup (scores trained, top-k per tensor,
straight-through), on MNIST: "our structure, linear" and "our structure, ReLU" (the block
construction with redundancy r = 5) and a plain wide network with the same number of weights,
at several kept fractions; plus the trained dense baseline. The paper trained 50 epochs (SGD,
momentum 0.9, weight decay 5e-4, cosine learning rate 0.1, batch 64) and plotted the best of 5
runs; this script runs what the machine allows and says so in its results file.

Usage::

    python benchmarks/experiment2.py --epochs 3                 # FC2, all structures, keep 0.5/0.1/0.01
    python benchmarks/experiment2.py --epochs 3 --net fc4       # add FC4
    python benchmarks/experiment2.py --quick                    # a smoke run on 5,000 images

Results go to ``benchmarks/results/experiment2.json`` (one record per run). The script is
resumable: a run already in the file with the same settings is skipped, so an interrupted sweep
continues where it stopped. Chapter 6 plots this file beside the paper's numbers.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import torch
from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _report import cpu_model  # noqa: E402

from lthbook import edge_popup as ep  # noqa: E402
from lthbook.data import load_mnist  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "experiment2.json"
NETS = {"fc2": {"widths": (784, 500, 10), "wide_hidden": (2508,)},
        "fc4": {"widths": (784, 500, 500, 500, 10), "wide_hidden": None}}
PAPER_SETTINGS = {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 5e-4, "batch_size": 64,
                  "cosine": True, "epochs_in_paper": 50}
RUN_KEYS = {"net", "structure", "keep_fraction", "epochs", "train_images", "seed", "test_accuracy",
            "train_loss", "epoch_test_accuracy", "seconds", "num_weights", "kept_weights"}


def machine() -> str:
    gpu = f", GPU {torch.cuda.get_device_name()}" if torch.cuda.is_available() else ""
    return f"{cpu_model()}, {os.cpu_count()} logical cores{gpu}"


def wide_hidden_for(widths: tuple[int, ...], redundancy: int) -> tuple[int, ...]:
    """Hidden widths of the wide net with about as many weights as the block construction."""
    target = sum(d_in * redundancy + d_in * redundancy * d_out for d_in, d_out in zip(widths[:-1], widths[1:]))
    depth_hidden = len(widths) - 2
    best, best_gap = None, None
    for h in range(1, 20_000):
        count = widths[0] * h + (depth_hidden - 1) * h * h + h * widths[-1]
        gap = abs(count - target)
        if best_gap is None or gap < best_gap:
            best, best_gap = h, gap
        if count > target:
            break
    return (best,) * depth_hidden


def kept_weights(model: torch.nn.Module) -> int:
    masked = [m for m in model.modules() if isinstance(m, (ep.SupermaskLinear, ep.SupermaskBlockExpand))]
    if not masked:  # a dense trained network keeps everything
        return sum(p.numel() for p in model.parameters())
    return sum(int(m.mask().sum()) for m in masked)


def validate_results(data: dict) -> None:
    """Raise ValueError if ``data`` is not a well-formed results file."""
    for key in ("description", "machine", "date", "torch", "settings", "runs"):
        if key not in data:
            raise ValueError(f"results file lacks {key!r}")
    for i, run in enumerate(data["runs"]):
        missing = RUN_KEYS - set(run)
        if missing:
            raise ValueError(f"run {i} lacks {sorted(missing)}")
        if run["structure"] not in (*ep.STRUCTURES, "dense_trained"):
            raise ValueError(f"run {i} has unknown structure {run['structure']!r}")
        if not 0.0 <= run["test_accuracy"] <= 1.0:
            raise ValueError(f"run {i} has accuracy outside [0, 1]")
        if len(run["epoch_test_accuracy"]) != run["epochs"]:
            raise ValueError(f"run {i}: one test accuracy per epoch expected")


def load_results(path: Path) -> dict:
    if path.exists():
        return json.loads(path.read_text())
    return {"description": __doc__.splitlines()[0], "settings": PAPER_SETTINGS, "runs": []}


def save_results(data: dict, path: Path) -> None:
    data.update({"machine": machine(), "date": dt.datetime.now().isoformat(timespec="seconds"),
                 "torch": torch.__version__})
    validate_results(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--net", choices=sorted(NETS), default="fc2")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--keep", type=float, nargs="+", default=[0.5, 0.1, 0.01])
    parser.add_argument("--structures", nargs="+", default=list(ep.STRUCTURES), choices=ep.STRUCTURES)
    parser.add_argument("--redundancy", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-images", type=int, default=None, help="first N training images only")
    parser.add_argument("--quick", action="store_true", help="smoke run: 5,000 images, 1 epoch")
    parser.add_argument("--device", default=None)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (JSON)")
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.train_images = 1, 5_000

    data = load_mnist(subset=args.train_images)
    net = NETS[args.net]
    widths = net["widths"]
    wide = net["wide_hidden"] or wide_hidden_for(widths, args.redundancy)
    results = load_results(args.out)
    done = {(r["net"], r["structure"], r["keep_fraction"], r["epochs"], r["train_images"], r["seed"])
            for r in results["runs"]}
    train_images = int(data.X_train.shape[0])
    settings = {k: PAPER_SETTINGS[k] for k in ("optimizer", "lr", "momentum", "weight_decay", "batch_size", "cosine")}
    jobs = [(s, k) for k in args.keep for s in args.structures]
    if not args.no_baseline:
        jobs.append(("dense_trained", 1.0))
    print(f"Experiment 2, {args.net} {widths}, wide hidden {wide}, r = {args.redundancy}, "
          f"{args.epochs} epoch(s), {train_images:,} training images, machine: {machine()}")
    for structure, keep in tqdm(jobs, desc="runs"):
        key = (args.net, structure, keep, args.epochs, train_images, args.seed)
        if key in done:
            continue
        generator = torch.Generator().manual_seed(args.seed)
        if structure == "dense_trained":
            model = ep.dense_mlp(widths, generator=generator)
            run_settings = {**settings, "lr": 0.01}  # a dense net diverges at the scores' lr 0.1
        else:
            model = ep.experiment2_network(structure, widths, keep_fraction=keep, redundancy=args.redundancy,
                                           wide_hidden=wide, generator=generator)
            run_settings = settings
        start = time.perf_counter()
        history = ep.train(model, data, epochs=args.epochs, device=args.device, seed=args.seed,
                           progress=False, **run_settings)
        seconds = time.perf_counter() - start
        num_weights = (sum(p.numel() for p in model.parameters()) if structure == "dense_trained"
                       else ep.count_weights(model))
        results["runs"].append({
            "net": args.net, "structure": structure, "keep_fraction": keep, "epochs": args.epochs,
            "train_images": train_images, "seed": args.seed, "lr": run_settings["lr"],
            "test_accuracy": history.final_test_accuracy, "train_loss": list(history.train_loss),
            "epoch_test_accuracy": list(history.test_accuracy), "seconds": seconds,
            "num_weights": num_weights, "kept_weights": kept_weights(model),
        })
        save_results(results, args.out)
        tqdm.write(f"{args.net} {structure:13s} keep {keep:<5g} test accuracy {history.final_test_accuracy:.4f} "
                   f"({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
