"""The check engine for the exercises that ask for a derivation first (E7–E11).

:class:`DerivedExercise` is :class:`.engine.Exercise` with one difference: a result quotes the
equation only once the student has an answer of their own, i.e. when it passed or when it is a
recognised mistake (whose explanation teaches the step that was missed anyway). A stub, a crash,
a wrong shape or an unrecognised wrong answer get no equation: printing it there would hand out the
result the student is asked to derive. The worked example of a recognised mistake is the smallest
test case where the numbers differ.
"""

from __future__ import annotations

import numpy as np

from .engine import Exercise
from .feedback import CheckResult

__all__ = ["DerivedExercise", "SHOWS_EQUATION", "numbers_differ"]

SHOWS_EQUATION = ("passed", "mistake")
"""The statuses whose result quotes the equation."""


def _flat(value):
    """An answer (an array, or a list of arrays) as one flat array of its numbers."""
    if isinstance(value, (list, tuple)):
        return np.concatenate([np.ravel(v) for v in value]) if value else np.zeros(0)
    return np.ravel(value)


def numbers_differ(s, e):
    """Do two answers hold different numbers (not just a different shape of the same numbers)?"""
    s, e = _flat(s), _flat(e)
    return s.shape != e.shape or not np.allclose(s, e, rtol=1e-5, atol=1e-8)


class DerivedExercise(Exercise):
    """An :class:`.engine.Exercise` whose results quote the equation only when passed or a mistake."""

    def result(self, status, message, **kw):
        kw.setdefault("revisit", [self.home])
        equation = self.equation if status in SHOWS_EQUATION else ""
        return CheckResult(self.name, status, message, equation=equation, **kw)

    def mistake(self, fn, probes, student, verdict):
        """The engine's result, with the worked example taken from the smallest test case where the
        student's numbers differ from the right ones (on a batch of one, a mean over the batch is
        the right number in the wrong shape, which shows nothing)."""
        res = super().mistake(fn, probes, student, verdict)
        expected = self.expected()
        differ = [i for i, (s, e) in enumerate(zip(student, expected))
                  if s.ok and numbers_differ(s.value["value"], e.value["value"])]
        if differ:
            i = min(differ, key=lambda j: probes[j].size)
            res.details = self.example(fn, i, student[i])
        return res
