"""Structure of the package: no module reaches into another module's private names.

A name with a leading underscore is private to its module: another module that imports it
(``from .gadgets import _prune_blocks``) or reads it through the module
(``construction._check_targets``) ties itself to an implementation detail nobody promised to
keep. Shared helpers live in the private *modules* (``lthbook._validation``, ...), which every
module may import freely; everything else is reached through public names.

The test parses every module of ``lthbook`` with :mod:`ast` (it imports nothing) and lists
each cross-module use of a private name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lthbook"

#: Modules still importing another module's private names, to be fixed by their owners
#: (issue 13, item 2). Each entry: (importing module, the module it reaches into, the name).
#: Empty when the package is clean; an entry that no longer occurs fails the test too, so the
#: list cannot go stale.
ALLOWED: frozenset[tuple[str, str, str]] = frozenset()


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_names() -> list[str]:
    return sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__")


def _target_module(node: ast.ImportFrom, current: str) -> str | None:
    """The ``lthbook`` module an ``from ... import`` reads from ("" for the package), else None."""
    if node.level == 0:
        if node.module == "lthbook":
            return ""
        if node.module and node.module.startswith("lthbook."):
            return node.module.split(".")[1]
        return None
    if node.level == 1:
        return (node.module or "").split(".")[0]
    return None  # outside the package


def private_uses(source: str, current: str) -> list[tuple[str, str, str]]:
    """(current, other module, private name) for each use of another module's private name."""
    tree = ast.parse(source)
    modules = set(_module_names())
    violations: list[tuple[str, str, str]] = []
    aliases: dict[str, str] = {}  # local name -> lthbook module bound to it
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _target_module(node, current)
            if target is None:
                continue
            for alias in node.names:
                if target == "":  # from . import name: a submodule or a package attribute
                    if alias.name in modules:
                        aliases[alias.asname or alias.name] = alias.name
                    elif _is_private(alias.name):
                        violations.append((current, "lthbook", alias.name))
                elif target != current and not _is_private(target) and _is_private(alias.name):
                    violations.append((current, target, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "lthbook" and len(parts) == 2 and alias.asname:
                    aliases[alias.asname] = parts[1]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and _is_private(node.attr)
        ):
            target = aliases[node.value.id]
            if target != current and not _is_private(target):
                violations.append((current, target, node.attr))
    return violations


def test_the_checker_catches_each_form():
    """The checker itself: every way of reaching a private name is caught, the allowed ones are not."""
    bad = (
        "from .gadgets import _prune_blocks, sample_weight_gadget\n"
        "from lthbook.construction import _check_targets\n"
        "from . import construction\n"
        "construction._spectral_norm(x)\n"
        "def f():\n"
        "    from .subset_sum import _generator_from\n"
    )
    assert sorted(private_uses(bad, "diagrams")) == [
        ("diagrams", "construction", "_check_targets"),
        ("diagrams", "construction", "_spectral_norm"),
        ("diagrams", "gadgets", "_prune_blocks"),
        ("diagrams", "subset_sum", "_generator_from"),
    ]
    good = (
        "from ._validation import check_int\n"
        "from . import _validation, __version__\n"
        "from .gadgets import prune_blocks\n"
        "from .construction import PrunedNetwork\n"
        "x = _validation._range_text\n"
        "import torch\n"
        "torch._C\n"
    )
    assert private_uses(good, "diagrams") == []
    assert private_uses("from .gadgets import _helper\n", "gadgets") == []  # its own name


@pytest.mark.parametrize("module", _module_names())
def test_no_module_imports_another_modules_private_name(module):
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    found = set(private_uses(source, module))
    allowed_here = {entry for entry in ALLOWED if entry[0] == module}
    unexpected = sorted(found - allowed_here)
    assert not unexpected, (
        f"lthbook.{module} uses private names of other modules: "
        + ", ".join(f"{target}.{name}" for _, target, name in unexpected)
        + " (make them public, or move the shared helper into a private module such as lthbook._validation)"
    )
    stale = sorted(allowed_here - found)
    assert not stale, f"ALLOWED lists uses that lthbook.{module} no longer makes; remove them: {stale}"
