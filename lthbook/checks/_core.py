"""The small core every self-check is written with (:mod:`lthbook.checks` re-exports the checks).

A check reads the reader's answer with :func:`~lthbook.checks._core.parse_answer` (or calls the
reader's function with :func:`~lthbook.checks._core.call_answer`), computes the reference value
with the package's own functions, and ends with :func:`~lthbook.checks._core.expect`: the answer
passes if it matches the reference, otherwise it gets the hint of the first known mistake it
matches, in order, or a general hint. Anything that ends a check early (no answer yet, an answer
of the wrong kind, a failure on one of several instances) is :func:`~lthbook.checks._core.fail`
or a :class:`~lthbook.checks._core.Verdict` raised inside a function decorated with
:func:`~lthbook.checks._core.self_check`, which returns it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np

__all__ = [
    "CheckResult",
    "NO_ANSWER",
    "Verdict",
    "call_answer",
    "expect",
    "fail",
    "is_stub",
    "parse_answer",
    "self_check",
    "whole_number",
]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a self-check: ``passed`` and a message for the reader."""

    passed: bool
    message: str

    def __repr__(self) -> str:
        return ("✅ " if self.passed else "❌ Not yet. ") + self.message

    def __bool__(self) -> bool:
        return self.passed


NO_ANSWER = CheckResult(False, "No answer yet: replace the `...` with your answer and run the cell again.")
"""What every check returns while the exercise still holds its stub (``...``, ``None``, or a
function that raises ``NotImplementedError``)."""


class Verdict(Exception):
    """Ends a check early with ``result``; :func:`~lthbook.checks._core.self_check` returns it."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.message)
        self.result = result


def fail(message: str) -> NoReturn:
    """End the check with "not yet" and ``message``."""
    raise Verdict(CheckResult(False, message))


def self_check(function: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
    """Decorate a check: a :class:`~lthbook.checks._core.Verdict` raised inside it becomes its return value."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> CheckResult:
        try:
            return function(*args, **kwargs)
        except Verdict as verdict:
            return verdict.result

    return wrapper


def is_stub(answer: object) -> bool:
    """True for the exercise's placeholders, ``None`` and ``...``."""
    return answer is None or answer is Ellipsis


def parse_answer(answer: object, invalid: str, *, whole: bool = False) -> float:
    """The reader's answer as a finite float, or the end of the check.

    A stub ends it with :data:`~lthbook.checks._core.NO_ANSWER`; anything ``float()`` cannot
    turn into a finite number ends it with ``invalid``, and so does a number with a fractional
    part when ``whole`` is true (:func:`~lthbook.checks._core.whole_number` gives that case a
    message of its own).

    Examples:
        >>> @self_check
        ... def check_three(answer):
        ...     value = parse_answer(answer, "One number, please.", whole=True)
        ...     return expect(value, 3, right="Right.", hint="Not three.")
        >>> check_three(3.0), check_three("three"), check_three(2.5)
        (✅ Right., ❌ Not yet. One number, please., ❌ Not yet. One number, please.)
        >>> check_three(...) == NO_ANSWER
        True
    """
    if is_stub(answer):
        raise Verdict(NO_ANSWER)
    try:
        value = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        fail(invalid)
    if not math.isfinite(value) or (whole and value != int(value)):
        fail(invalid)
    return value


def whole_number(value: float, message: str) -> int:
    """``value`` as an int, or the end of the check with ``message`` if it has a fractional part."""
    if value != int(value):
        fail(message)
    return int(value)


def call_answer(function: Callable | None, *args: Any) -> Any:
    """Call the reader's ``function``; a stub (or ``NotImplementedError``, or a stub returned) ends the check."""
    if is_stub(function):
        raise Verdict(NO_ANSWER)
    try:
        answer = function(*args)  # type: ignore[misc]
    except NotImplementedError:
        raise Verdict(NO_ANSWER) from None
    if is_stub(answer):
        raise Verdict(NO_ANSWER)
    return answer


Close = Callable[[Any, Any], bool]


def _matches(value: Any, candidate: Any, close: Close | float | None) -> bool:
    """Whether ``value`` matches ``candidate`` (see :func:`~lthbook.checks._core.expect`)."""
    if callable(candidate):
        candidate = candidate()
    if candidate is None:
        return False
    if isinstance(candidate, (bool, np.bool_)):
        return bool(candidate)
    if isinstance(candidate, (set, frozenset)):
        return any(_matches(value, c, close) for c in candidate)
    if close is None:
        return value == candidate
    if callable(close):
        return bool(close(value, candidate))
    return abs(value - candidate) < close


def expect(
    value: Any,
    truth: Any,
    *,
    close: Close | float | None = None,
    right: str,
    mistakes: Sequence[tuple[Any, str]] = (),
    hint: str,
) -> CheckResult:
    """Compare an answer with the reference and name the first known mistake it matches.

    Args:
        value: the reader's answer, parsed.
        truth: the reference value.
        close: how ``value`` matches a number: ``None`` for equality (whole numbers), a float
            ``tol`` for ``|value − reference| < tol``, or a function ``close(value, reference)``.
        right: the message when ``value`` matches ``truth``.
        mistakes: ``(candidate, hint)`` pairs, tried in order. A candidate is the value a known
            mistake gives (matched like ``truth``), a set of such values (any matches), a bool
            (the mistake's own test), ``None`` (does not apply) or a function of no arguments
            returning one of these (evaluated only when reached).
        hint: the message when nothing matches.

    Returns:
        :class:`~lthbook.checks.CheckResult`: passed with ``right``, or not with the first matching hint.

    Examples:
        >>> mistakes = [(6, "Off by one: round up."), ({14, 16}, "That is 2n, not n.")]
        >>> expect(7, 7, right="Right.", mistakes=mistakes, hint="Count again.")
        ✅ Right.
        >>> expect(16, 7, right="Right.", mistakes=mistakes, hint="Count again.")
        ❌ Not yet. That is 2n, not n.
        >>> expect(0.31, 0.3, close=0.001, right="Right.", mistakes=[(0.31, "Rounded too early.")], hint="No.")
        ❌ Not yet. Rounded too early.
    """
    if _matches(value, truth, close):
        return CheckResult(True, right)
    for candidate, mistake_hint in mistakes:
        if _matches(value, candidate, close):
            return CheckResult(False, mistake_hint)
    return CheckResult(False, hint)
