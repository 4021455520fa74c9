"""Let lthbook's docstrings write absolute values as |x|, as mathematicians do.

reStructuredText reads ``|x|`` as a substitution reference and fails the build. Before autodoc
renders a docstring, this extension escapes every ``|`` that stands outside inline literals
(````...````), roles (```...```) and literal blocks (the indented block after a ``::`` line),
so the docstrings stay readable both in the source and on the API page.
"""
from __future__ import annotations

import re

_INLINE_CODE = re.compile(r"(``.+?``|`[^`]*`)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _escape_outside_code(line: str) -> str:
    parts = _INLINE_CODE.split(line)
    return "".join(part if i % 2 else part.replace("|", r"\|") for i, part in enumerate(parts))


def escape_bars(app, what, name, obj, options, lines: list[str]) -> None:
    literal_base = None  # indentation of the paragraph that introduced the literal block
    pending_base = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        indent = _indent(line)
        if literal_base is not None and indent > literal_base:
            continue
        literal_base = None
        if pending_base is not None and indent > pending_base:
            literal_base, pending_base = pending_base, None
            continue
        pending_base = None
        lines[i] = _escape_outside_code(line)
        if line.rstrip().endswith("::"):
            pending_base = indent


def setup(app):
    app.connect("autodoc-process-docstring", escape_bars, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
