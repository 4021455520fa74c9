"""Draw the README's picture, docs/roadmap.png, with lthbook.plotting (run after changing it)."""

from pathlib import Path

import lthbook
from lthbook.plotting import roadmap_figure

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    lthbook.setup(seed=0, verbose=False)
    roadmap_figure().savefig(ROOT / "docs" / "roadmap.png", dpi=110)
    print("wrote docs/roadmap.png")
