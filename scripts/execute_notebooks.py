"""Execute chapter notebooks top to bottom in a fresh kernel and save them with their outputs.

Chapters are committed executed (nbval compares against these outputs). Run this after
editing a chapter: ``python scripts/execute_notebooks.py chapters/02_random_subset_sum.ipynb``
(no argument: every chapter). It first refreshes the Colab set-up cell
(``scripts/sync_setup_cells.py``), prints each notebook's run time, and then regenerates the
student notebooks (``scripts/make_coursework.py --students``), which the tests compare.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_coursework  # noqa: E402
import sync_setup_cells  # noqa: E402


def execute(path: Path, timeout: int) -> float:
    sync_setup_cells.main([str(path)])
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    resources = {"metadata": {"path": str(path.parent)}}
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources=resources).execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path.resolve(), args.timeout):.1f} s", flush=True)
    return make_coursework.main(["--students"])


if __name__ == "__main__":
    sys.exit(main())
