"""The one check engine: run the student's function on probes, compare, and name the mistake.

An :class:`Exercise` holds

* its probes: sets of arguments (random shapes, square and non-square layers, several activations,
  batch sizes 1 and larger), built on first use, never at import;
* its candidates: the right formula first, then one :class:`Candidate` per way of getting it wrong,
  each tagged with a mistake id of :data:`backprop_lab.mistakes.CATALOGUE`;
* how to read the student's return value into an answer, and how to word the result.

An answer has one or more parts (an array exercise has one, ``"value"``; the whole backward pass
has two, ``"dW"`` and ``"db"``, each a list of arrays). :meth:`Exercise.check` decides:

1. right on every probe: passed;
2. every part that is not right agrees, on every probe, with one candidate: that mistake
   (agreeing means the same numbers, or both raising an exception);
3. otherwise: an error if the function raised, a wrong shape if a shape differs, else wrong.

Every call of the student's function goes through :func:`.calling.call`: on deep copies of the
arguments, under the check's time limit (``timeout=``, :data:`.calling.DEFAULT_TIMEOUT` seconds for
all test cases together), with its output captured. The probes and the reference answers are made
afresh for every check, from seeds, after the student's function has run: nothing of them is kept
between checks, and the student's function only ever sees copies.

The wording here is for one-array answers; :mod:`.backward` words per-layer answers.
"""

from __future__ import annotations

import numpy as np

from ..mistakes import CATALOGUE
from ..references import section
from .calling import (DEFAULT_TIMEOUT, Deadline, OutputSink, answer_array, call, describe_exception,
                      function_name, not_a_function_text, stub_text)
from .shortcuts import is_refusal
from .feedback import CheckResult, matrix_text, number_text

__all__ = ["sentence", "Candidate", "ArrayProbe", "Exercise", "same", "agree", "largest_difference",
           "first_shape_difference"]


def same(s, c):
    """Are two answers (arrays, or lists of arrays) equal up to rounding?"""
    if isinstance(s, (list, tuple)):
        return len(s) == len(c) and all(same(x, y) for x, y in zip(s, c))
    return s.shape == c.shape and bool(np.allclose(s, c, rtol=1e-5, atol=1e-8, equal_nan=False))


def agree(s, c, part):
    """Does the student's outcome ``s`` agree with a candidate's outcome ``c`` on ``part``?

    Both raised, or both returned the same numbers for that part.
    """
    if s.kind == "raised" and c.kind == "raised":
        return True
    return s.ok and c.ok and same(s.value[part], c.value[part])


def largest_difference(s, c):
    """(index, student value, expected value) of the largest disagreement of two arrays."""
    diff = np.abs(np.nan_to_num(s - c, nan=np.inf))
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return idx, s[idx], c[idx]


def first_shape_difference(s, c):
    """(position, student shape, expected shape) of the first array whose shape differs, or None.

    position is None for a single array and the list index for a list of arrays.
    """
    if isinstance(s, (list, tuple)):
        for i, (x, y) in enumerate(zip(s, c)):
            if x.shape != y.shape:
                return i, x.shape, y.shape
        return None
    return (None, s.shape, c.shape) if s.shape != c.shape else None


def sentence(text):
    """A catalogue explanation as a sentence: a first word in plain letters gets a capital
    ("the factor g'(z) is missing" -> "The factor ..."), a symbol keeps its case ("g(z) is used")."""
    first = text.split(" ", 1)[0]
    return text[:1].upper() + text[1:] if first.isalpha() else text


class Candidate:
    """A way of computing the answer: the right one (mistake None) or one catalogued mistake.

    formula: how the feedback names it, e.g. "(a − y) · g(z)"; fn: takes the student's arguments;
    also: the ids of further mistakes the same formula makes (named after the first).
    """

    def __init__(self, mistake, formula, fn, also=()):
        for m in (mistake, *also):
            if m is not None and m not in CATALOGUE:
                raise ValueError(f"unknown mistake id {m!r}")
        self.mistake = mistake
        self.formula = formula
        self.fn = fn
        self.also = tuple(also)

    def __repr__(self):
        return f"Candidate({self.mistake!r}, {self.formula!r})"


class ArrayProbe:
    """One set of arguments for a function of arrays (and an activation), with its description.

    label: e.g. "m = 3, n_L = 2, g = sigmoid"; values: the arguments; names: their names;
    square: whether the layer's W is square (where W and its transpose have the same shape).
    """

    def __init__(self, label, values, names, square):
        self.label = label
        self.values = tuple(values)
        self.names = tuple(names)
        self.square = square

    def args(self):
        """The arguments (:func:`.calling.call` gives every call its own deep copies)."""
        return self.values

    @property
    def m(self):
        """The batch size: the number of rows of the first argument."""
        return self.values[0].shape[0]

    @property
    def size(self):
        return sum(a.size for a in self.values if isinstance(a, np.ndarray))

    def call_text(self):
        return ", ".join(f"{name} of shape {a.shape}" if isinstance(a, np.ndarray)
                         else f"{name} = {getattr(a, 'name', a)}" for name, a in zip(self.names, self.values))

    def inputs_text(self):
        return "\n".join(f"  {name} =\n{matrix_text(a)}" if isinstance(a, np.ndarray)
                         else f"  {name} = {getattr(a, 'name', a)}" for name, a in zip(self.names, self.values))


class Exercise:
    """One check: its probes and candidates, the engine that compares them, and its wording.

    name: the check's name ("check_output_delta"); what: the quantity ("δ^(L)"); equation: the
    equation quoted in every result; home: the key (:mod:`backprop_lab.references`) of the section
    that derives it; make_probes: () -> list of probes, called once, on first use; candidates: the
    right formula first; context: where a mistake is made, for :meth:`Mistake.section`;
    shape_reason: (probe, student's shape) -> why the answer has its shape.
    """

    parts = ("value",)

    def __init__(self, name, what, equation, home, make_probes, candidates, *, context=None,
                 shape_reason=None):
        self.name = name
        self.what = what
        self.equation = equation
        self.home = section(home)
        self.context = context
        self._make_probes = make_probes
        self.candidates = tuple(candidates)
        if self.candidates[0].mistake is not None:
            raise ValueError(f"{name}: the first candidate must be the right formula")
        self._shape_reason = shape_reason
        self.running = None  # the probes and reference outcomes of the check that is running

    # --- the engine ---------------------------------------------------------------------------

    refuse = None
    """``refuse(fn)``: a context manager active while the student's ``fn`` runs (E4: :mod:`.shortcuts`)."""

    @property
    def probes(self):
        """The probes of the check that is running, or a fresh set made from their seeds."""
        return self.running["probes"] if self.running is not None else tuple(self._make_probes())

    def read(self, probe):
        """value -> answer, a dict part -> array(s); raises BadReturn."""
        return lambda value: {"value": answer_array(value)}

    def outcomes(self, candidate):
        """The candidate's outcome on every probe, computed at most once per check."""
        run = self.running if self.running is not None else {"probes": self.probes, "outcomes": {}}
        key = self.candidates.index(candidate)
        if key not in run["outcomes"]:
            run["outcomes"][key] = tuple(call(candidate.fn, p.args(), self.read(p), trusted=True)
                                         for p in run["probes"])
        return run["outcomes"][key]

    def expected(self):
        """The right answer's outcome on every probe (each must be ok)."""
        right = self.outcomes(self.candidates[0])
        for p, out in zip(self.probes, right):
            if not out.ok:
                raise RuntimeError(f"{self.name}: the right formula fails on {p.label}: {out.error}")
        return right

    def explain(self, student):
        """part -> the candidate that explains it (None where the part is right), or None."""
        if not any(s.ok for s in student):
            return None
        right = self.expected()
        verdict = {}
        for part in self.parts:
            if all(s.ok and same(s.value[part], r.value[part]) for s, r in zip(student, right)):
                verdict[part] = None
                continue
            verdict[part] = next((c for c in self.candidates[1:]
                                  if all(agree(s, o, part) for s, o in zip(student, self.outcomes(c)))),
                                 None)
            if verdict[part] is None:
                return None
        return verdict

    def run_student(self, fn, probes, timeout):
        """The student's outcome on each probe, stopping at a stub, a time-out or a refusal;
        and what the function printed."""
        deadline = Deadline(DEFAULT_TIMEOUT if timeout is None else timeout)
        sink = OutputSink()
        student = []
        for p in probes:
            out = call(fn, p.args(), self.read(p), timeout=max(deadline.remaining(), 1e-3),
                       refuse=self.refuse, sink=sink)
            student.append(out)
            if out.kind in ("not_implemented", "timed_out") or (out.kind == "raised"
                                                                and is_refusal(out.error)):
                break
        return student, sink.text(), deadline

    def check(self, fn, timeout=None):
        """Run ``fn`` on every probe and decide: passed, a mistake, wrong shape, error or wrong.

        timeout: seconds for all the probes together (default :data:`.calling.DEFAULT_TIMEOUT`).
        """
        if not callable(fn):
            return self.result("error", not_a_function_text(self.name, fn),
                               headline="the check needs your function")
        if self.running is not None:
            raise RuntimeError(f"{self.name} is already running (called from inside a check?)")
        self.running = {"probes": tuple(self._make_probes()), "outcomes": {}}
        try:
            result = self.judge(fn, timeout)
        finally:
            self.running = None
        return result

    def judge(self, fn, timeout):
        probes = self.probes
        student, printed, deadline = self.run_student(fn, probes, timeout)
        last = student[-1]
        if last.kind == "not_implemented":
            return self.result("not_implemented", stub_text(fn, last.error), output=printed)
        if last.kind == "timed_out":
            return self.timed_out(fn, probes[len(student) - 1], len(student) - 1, deadline, printed)
        if last.kind == "raised" and is_refusal(last.error):
            return self.result("refused", f"`{function_name(fn)}` {describe_exception(last.error)}.",
                               output=printed)
        result = self.decide(fn, probes, student)
        result.output = printed
        return result

    def decide(self, fn, probes, student):
        expected = self.expected()
        if all(s.ok and all(same(s.value[q], e.value[q]) for q in self.parts)
               for s, e in zip(student, expected)):
            return self.passed(probes)
        for p, s in zip(probes, student):
            if s.kind == "bad_return":
                return self.result("error", f"`{function_name(fn)}` {s.error} (when called with "
                                            f"{p.call_text()}).",
                                   headline="your function returned something that is not an answer")
        verdict = self.explain(student)
        if verdict:
            return self.mistake(fn, probes, student, verdict)
        raised = [i for i, s in enumerate(student) if s.kind == "raised"]
        if raised:
            return self.raised(fn, probes, student, raised)
        for p, s, e in zip(probes, student, expected):
            for part in self.parts:
                diff = first_shape_difference(s.value[part], e.value[part])
                if diff:
                    return self.wrong_shape(fn, p, part, *diff)
        return self.wrong(fn, probes, student, expected)

    # --- the wording, for an answer that is one array -----------------------------------------

    def result(self, status, message, **kw):
        kw.setdefault("revisit", [self.home])
        return CheckResult(self.name, status, message, equation=self.equation, **kw)

    def passed(self, probes):
        return self.result("passed", f"{self.what} is right on all {len(probes)} test cases ("
                           + "; ".join(p.label for p in probes) + ").")

    def timed_out(self, fn, probe, done, deadline, printed):
        """The student's function ran past the check's time limit on ``probe``."""
        msg = (f"`{function_name(fn)}` did not finish within the time limit of {deadline.seconds:g} s "
               f"when called with {probe.call_text()} ({probe.label})")
        msg += (f", after running on {done} other test {'case' if done == 1 else 'cases'}." if done
                else ".")
        msg += (" Look for a loop that never ends (a `while` whose condition never changes) or a loop "
                f"over a huge range. If your function is only slow, give it more time: "
                f"`{self.name}({function_name(fn)}, timeout=60)`.")
        return self.result("timed_out", msg, output=printed)

    def raised(self, fn, probes, student, raised):
        i = raised[0]
        msg = (f"`{function_name(fn)}` raised {describe_exception(student[i].error)} when called with "
               f"{probes[i].call_text()} ({probes[i].label}). Run it on that input yourself to see where.")
        if len(raised) < len(probes):
            ok = [p.label for j, p in enumerate(probes) if j not in raised]
            msg += (f" (It ran without an error on {len(ok)} other test "
                    f"{'case' if len(ok) == 1 else 'cases'}, e.g. {ok[0]}.)")
        return self.result("error", msg)

    def mistake(self, fn, probes, student, verdict):
        cand = verdict["value"]
        ran = [(i, p) for i, (p, s) in enumerate(zip(probes, student)) if s.ok]
        n = len(ran)
        msg = (f"Your {self.what} equals {cand.formula} on {'the' if n == 1 else f'all {n}'} test "
               f"{'case' if n == 1 else 'cases'} where your function returned a value")
        raised = [(p, s) for p, s in zip(probes, student) if s.kind == "raised"]
        if raised:
            p, s = raised[0]
            msg += (f"; where it raised (e.g. {p.label}: {describe_exception(s.error)}), that formula "
                    f"raises too")
        m = CATALOGUE[cand.mistake]
        msg += "."
        msg += "".join(f"\nAlso the mistake {CATALOGUE[a].name} [{a}]: {CATALOGUE[a].explanation}"
                       for a in cand.also)
        i, _ = min(ran, key=lambda ip: ip[1].size)
        return self.result("mistake", msg, mistake=m.id, hint=sentence(m.explanation),
                           details=self.example(fn, i, student[i]),
                           revisit=[m.section(self.context)]
                           + [CATALOGUE[a].section(self.context) for a in cand.also] + [self.home])

    def wrong_shape(self, fn, probe, part, position, got, expected):
        reason = self._shape_reason(probe, got) if self._shape_reason else ""
        return self.result("wrong_shape", f"for {probe.call_text()} ({probe.label}), "
                           f"`{function_name(fn)}` returned shape {got}, but {self.what} must have "
                           f"shape {expected}: " + reason)

    def wrong(self, fn, probes, student, expected):
        ok = [same(s.value["value"], e.value["value"]) for s, e in zip(student, expected)]
        differing = [i for i in range(len(probes)) if not ok[i]]
        i = min(differing, key=lambda j: probes[j].size)
        msg = (f"Your {self.what} is wrong on {len(differing)} of {len(probes)} test cases, and it does "
               f"not match any mistake in the catalogue.")
        right = [p.label for p, k in zip(probes, ok) if k]
        if right:
            msg += f" It is right for: {'; '.join(right)}. What is different about the others?"
        if any(np.isnan(student[j].value["value"]).any() for j in differing):
            msg += " (It contains NaN: look for 0/0 or an operation on an empty array.)"
        return self.result("wrong", msg, details=self.example(fn, i, student[i]))

    def example(self, fn, i, outcome):
        """The smallest worked example: the inputs, the expected answer and the student's."""
        probe, expected, got = self.probes[i], self.expected()[i].value["value"], outcome.value["value"]
        text = f"A small example ({probe.label}):\n{probe.inputs_text()}\n"
        text += f"expected {self.what} =\n{matrix_text(expected)}\n"
        text += f"your {function_name(fn)} returned =\n{matrix_text(got)}"
        if got.shape == expected.shape and got.size:
            idx, sv, ev = largest_difference(got, expected)
            where = ", ".join(str(int(k)) for k in idx)
            text += f"\nlargest difference at [{where}]: expected {number_text(ev)}, got {number_text(sv)}"
        return text
