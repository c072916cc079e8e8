"""The check engine for the exercises that ask for a derivation first (E7–E11).

:class:`DerivedExercise` is :class:`.engine.Exercise` with one difference: a result quotes the
equation only once the student has an answer of their own, i.e. when it passed or when it is a
recognised mistake (whose explanation teaches the step that was missed anyway). A stub, a crash,
a wrong shape or an unrecognised wrong answer get no equation: printing it there would hand out the
result the student is asked to derive.
"""

from __future__ import annotations

from .engine import Exercise
from .feedback import CheckResult

__all__ = ["DerivedExercise", "SHOWS_EQUATION"]

SHOWS_EQUATION = ("passed", "mistake")
"""The statuses whose result quotes the equation."""


class DerivedExercise(Exercise):
    """An :class:`.engine.Exercise` whose results quote the equation only when passed or a mistake."""

    def result(self, status, message, **kw):
        kw.setdefault("revisit", [self.home])
        equation = self.equation if status in SHOWS_EQUATION else ""
        return CheckResult(self.name, status, message, equation=equation, **kw)
