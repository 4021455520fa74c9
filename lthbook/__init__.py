"""lthbook: the companion package of the book *Optimal Lottery Tickets via SubsetSum*.

Exact, batched, device-agnostic implementations of everything the chapters compute, one idea
per module:

===================================  =====================================================================
``lthbook.setup``                    seeds, device, figure style, versions (the first cell of a chapter)
``lthbook.subset_sum``               exact batched SubsetSum solvers, worst-case error, coefficient laws
``lthbook.gadgets``                  one weight and one neuron from a pruned random gadget (chapter 3)
``lthbook.construction``             Theorem 1's random network, pruned to any target, certified (ch. 4)
``lthbook.lower_bound``              packing numbers, the counting bound, brute force (chapter 5)
``lthbook.experiments``              the paper's Experiment 1, redone and correctly evaluated (ch. 6)
``lthbook.edge_popup``               score-based supermasks (Ramanujan et al., 2020), chapters 1 and 6
``lthbook.data``                     scikit-learn's digits, and MNIST from a package, as tensors
``lthbook.checks``                   self-checks for the exercises
``lthbook.stats``                    Wilson and bootstrap intervals, fitted slopes (chapters 2–4)
``lthbook.shallow_construction``     depth l + 1 (Burkholz, 2022), pruned and certified (beyond the paper)
``lthbook.fixed_size_subset_sum``    SubsetSum with a size limit (beyond the paper)
``lthbook.plant_and_seek``           edge-popup against the certified ticket on one random network
``lthbook.plotting``                 the book's figure style; ``diagrams`` and ``widgets`` draw the rest
===================================  =====================================================================
"""

__version__ = "0.1.0"

from . import stats
from .session import SessionInfo, setup

__all__ = ["__version__", "setup", "SessionInfo", "stats"]
