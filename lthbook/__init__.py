"""lthbook: the companion package of the book *Optimal Lottery Tickets via SubsetSum*.

Exact, batched, device-agnostic implementations of everything the chapters compute, one idea
per module:

========================  ===================================================================
``lthbook.setup``         seeds, device, figure style, versions (the first cell of a chapter)
``lthbook.data``          scikit-learn's digits, and MNIST from a package, as tensors
``lthbook.edge_popup``    score-based supermasks (Ramanujan et al., 2020), chapter 1 and 6
``lthbook.plotting``      the book's figure style and schematic pictures
========================  ===================================================================
"""
__version__ = "0.1.0"

from .session import SessionInfo, setup

__all__ = ["__version__", "setup", "SessionInfo"]
