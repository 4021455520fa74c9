"""Self-check functions for the exercises of the book.

Each ``check_*`` function takes a reader's answer and returns a
:class:`~lthbook.checks.CheckResult`, which a notebook displays as one line: a pass with a word
on why it matters, or "not yet" with a hint on the common mistakes. Messages never give the
answer away. The reference values come from the package's own functions; the tests
(``tests/test_checks_ch*.py``) re-derive them independently.

One module per chapter (``lthbook/checks/ch1.py``, ``ch2.py``, …), all re-exported here, so
``checks.check_x(...)`` and ``from lthbook.checks import check_x`` work for every check. They
share a small core, ``lthbook.checks._core``: :func:`~lthbook.checks._core.parse_answer`,
:func:`~lthbook.checks._core.expect` with its ordered list of known mistakes and their hints. A
new chapter's checks go in a module ``chN.py`` with an ``__all__``, re-exported below with one
line (``from .chN import *``).
"""

from __future__ import annotations

from ._core import CheckResult
from .ch1 import *  # noqa: F403
from .ch2 import *  # noqa: F403
from .ch3 import *  # noqa: F403
from .ch4 import *  # noqa: F403
from .ch5 import *  # noqa: F403
from .ch5 import _ceil_log2_power  # noqa: F401  (tests/test_checks_ch5.py uses it)
from .ch6 import *  # noqa: F403
from .ch7 import *  # noqa: F403

# Every check of every chapter, in chapter order (each chapter module lists its own in __all__).
__all__ = ["CheckResult", *(name for name in dict(globals()) if name.startswith("check_"))]
