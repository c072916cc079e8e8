"""Checks for the classroom exercises that recognise, and name, the student's mistake.

Each check takes the student's function, calls it on several probes (random shapes, square and
non-square layers, several activations, batch sizes 1 and larger, odd and even), and compares
what it returns with the right answer *and* with what every catalogued mistake would return.
The result is a :class:`CheckResult` with

* ``.passed``: True only if the function is right on every probe;
* ``.mistake``: None, or an id from :data:`MISTAKES` (e.g. ``"missing_transpose"``);
* ``.message``: what went wrong, the equation, and the notebook section to revisit.

It shows as rich HTML in Jupyter and as plain text everywhere else. A student function that
raises gets its exception reported as feedback (never a traceback out of the checker), and one
that still holds nbgrader's stub (``raise NotImplementedError()``) gets "not implemented yet".

>>> import numpy as np
>>> from backprop_lab import exercises as ex
>>> def output_delta(a_L, y, z_L, g):
...     return (a_L - y) * g(z_L)          # the seed's da/dz = g(z)
>>> ex.check_output_delta(output_delta).mistake
'activation_instead_of_derivative'

The signatures (rows are examples, as everywhere in backprop_lab):

* ``check_output_delta(fn)``: ``fn(a_L, y, z_L, g) -> delta_L``, for c = 1/2 ||a - y||^2;
  a_L, y, z_L: (m, n_L); g an activation (``g(z)``, ``g.prime(z)``).
* ``check_hidden_delta(fn)``: ``fn(delta_next, W_next, z, g) -> delta``;
  delta_next: (m, n_{l+1}), W_next: (n_l, n_{l+1}), z: (m, n_l) -> (m, n_l).
* ``check_weight_gradient(fn)``: ``fn(a_prev, delta) -> dC/dW``, the batch mean;
  a_prev: (m, n_{l-1}), delta: (m, n_l) -> (n_{l-1}, n_l).
* ``check_bias_gradient(fn)``: ``fn(delta) -> dC/db``; delta: (m, n_l) -> (n_l,).
* ``check_backward(fn)``: ``fn(net, fwd, y) -> (dW, db)`` for the MSE cost, each a per-layer
  container indexed l = 1..L (a PerLayer as in ``bl.backward``, a dict {l: array}, or a list of
  the L layers in order).

The exercise notebooks also use :func:`check_answer` (the "spot the mistake" questions of E5,
see :data:`QUESTIONS`), :func:`check_by_hand` (the hand computation of E6, see
:func:`by_hand_problem`) and :func:`check_backward_numerically` (E4).
"""

from __future__ import annotations

import html
import os
import re
import traceback

import numpy as np

from ..activations import ACTIVATIONS
from ..gradcheck import numerical_gradients, relative_error
from ..layers import PerLayer
from ..network import Network, forward

__all__ = [
    "MISTAKES", "CheckResult", "check_output_delta", "check_hidden_delta", "check_weight_gradient",
    "check_bias_gradient", "check_backward", "check_backward_numerically",
    "QUESTIONS", "Question", "question", "check_answer",
    "by_hand_problem", "BY_HAND_STAGES", "check_by_hand",
]

# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------

MISTAKES = {
    "activation_instead_of_derivative":
        "g(z) is used where g'(z) belongs. The chain rule through a = g(z) multiplies by "
        "da/dz = g'(z), the derivative of the activation, not by its value g(z). (The seed's "
        "own student answer writes da/dz = g(z).)",
    "missing_activation_derivative":
        "the factor g'(z) is missing. delta = dc/dz, and z reaches the cost only through "
        "a = g(z), so the chain rule multiplies dc/da by da/dz = g'(z).",
    "derivative_at_activation":
        "g' is evaluated at a = g(z) instead of at z. g'(a) = g'(g(z)) is a different number; "
        "the shortcuts sigmoid' = a(1 - a) and tanh' = 1 - a^2 are written with a, but they "
        "are still g'(z), not g'(a).",
    "sign_flipped":
        "the sign is flipped. For c = 1/2 ||a - y||^2, dc/da = a - y (not y - a); with the sign "
        "flipped, gradient descent climbs the cost instead of descending it.",
    "cost_instead_of_derivative":
        "the cost c = 1/2 (a - y)^2 is used where its derivative dc/da = a - y belongs.",
    "missing_transpose":
        "W^(l+1) is used where its transpose belongs. delta_j^(l) sums delta_k^(l+1) W_jk^(l+1) "
        "over k, the SECOND index of W (the seed writes this W_kj^(l+1)T, and (W^T)_kj = W_jk); "
        "in matrix form that is delta^(l+1) @ W^(l+1).T. Without the transpose the shapes clash "
        "when n_l != n_{l+1}, and the numbers are silently wrong when the layer is square.",
    "sum_instead_of_mean":
        "the sum over the batch is returned instead of the mean (the forgotten 1/|D|). "
        "C = (1/|D|) sum_x c(x), so every gradient of C is a mean over the examples: divide by m.",
    "transposed_gradient":
        "dC/dW is transposed. dc/dW_ij = a_i^(l-1) delta_j^(l): i runs over layer l-1 and j over "
        "layer l, so the gradient has W's shape (n_{l-1}, n_l); delta^T a gives (n_l, n_{l-1}).",
    "wrong_axis":
        "averaged over the units instead of over the examples. Rows are examples, so the mean "
        "over the dataset is over axis 0, and the number to divide by is m = delta.shape[0].",
    "not_reduced":
        "per-example gradients are returned without averaging them over the batch. dC/dW^(l) is "
        "ONE matrix of W's shape, the mean over the examples of a^(l-1)_i delta^(l)_j "
        "(and dC/db^(l) one vector of b's shape).",
    "off_by_one_layer":
        "a quantity of the wrong layer is used. dC/dW^(l) needs a^(l-1), the layer below, with "
        "delta^(l); the recursion for delta^(l) needs delta^(l+1), W^(l+1) and g_l'(z^(l)) of "
        "layer l itself.",
    "hard_coded_sigmoid_derivative":
        "the sigmoid's derivative a(1 - a) is used whatever the activation is. That is g'(z) "
        "only for g = sigmoid; use g.prime(z), which is right for every g.",
    "transposed_weights":
        "the forward pass uses W_ji instead of W_ij. z_j = sum_i a_i W_ij + b_j: i indexes the "
        "layer below (the rows of W), j the layer above (its columns), so z = a @ W + b.",
    "missing_bias":
        "the bias is left out: z_j = sum_i a_i W_ij + b_j.",
}
"""Every mistake the checks can recognise: id -> explanation."""

# The derivation notebooks (issue 3) and the headings the messages cite.
NB01 = "01_forward_pass.ipynb"
NB02 = "02_output_delta.ipynb"
NB03 = "03_backward_recursion.ipynb"
NB04 = "04_weight_bias_gradients.ipynb"

NOTEBOOK_LINK_BASE = "../"
"""How the HTML feedback links to the derivation notebooks: relative to notebooks/exercises/."""

_SECTION = {
    # (mistake, context) -> (notebook, heading or None); context None is the default
    ("activation_instead_of_derivative", None): (NB02, "Common mistake: g(z) instead of g'(z)"),
    ("missing_activation_derivative", None): (NB02, "Step 2: an elementwise g collapses the sum"),
    ("missing_activation_derivative", "hidden"): (NB03, "Step 2: the recursion in index form"),
    ("derivative_at_activation", None): (NB03, "Common mistake: g' evaluated at a instead of z"),
    ("sign_flipped", None): (NB02, "Step 2: an elementwise g collapses the sum"),
    ("sign_flipped", "hidden"): (NB03, "Step 2: the recursion in index form"),
    ("sign_flipped", "weights"): (NB04, "Step 1: dc/dW for one example"),
    ("sign_flipped", "bias"): (NB04, "Step 2: dc/db for one example"),
    ("cost_instead_of_derivative", None): (NB02, "Step 2: an elementwise g collapses the sum"),
    ("missing_transpose", None): (NB03, "Common mistake: the missing transpose"),
    ("sum_instead_of_mean", None): (NB04, "Common mistake: forgetting the 1/|D|"),
    ("transposed_gradient", None): (NB04, "Step 1: dc/dW for one example"),
    ("wrong_axis", None): (NB04, "From one example to the dataset: the 1/|D|"),
    ("not_reduced", None): (NB04, "From one example to the dataset: the 1/|D|"),
    ("off_by_one_layer", None): (NB04, "The whole algorithm"),
    ("hard_coded_sigmoid_derivative", None): (NB02, "Common mistake: g(z) instead of g'(z)"),
    ("transposed_weights", None): (NB01, None),
    ("missing_bias", None): (NB01, None),
}


def _section(mistake, context=None):
    return _SECTION.get((mistake, context)) or _SECTION[(mistake, None)]


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------

_HEADLINES = {
    "passed": "passed",
    "mistake": "mistake recognised",
    "wrong": "wrong",
    "wrong_shape": "wrong shape",
    "error": "your function raised an error",
    "not_implemented": "not implemented yet",
}
_COLOURS = {"passed": "#2e7d32", "not_implemented": "#757575"}


def _code_spans(text):
    """`x` -> <code>x</code> in already escaped HTML."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


class CheckResult:
    """The outcome of one check.

    passed : bool, True only if the answer is right on every probe.
    mistake : None, or an id from :data:`MISTAKES`.
    message : the feedback, naming the equation and the notebook section to revisit.
    status : "passed", "mistake", "wrong", "wrong_shape", "error" or "not_implemented".
    details : a small worked example of where the answer differs ("" if none).
    revisit : list of (notebook, heading) pairs, heading None for a whole notebook.
    steps : for :func:`check_by_hand`, a dict step -> CheckResult; else None.
    feedback : the message without its Equation and Revisit lines.
    """

    def __init__(self, check, status, message, *, mistake=None, details="", revisit=(),
                 equation="", steps=None):
        if status not in _HEADLINES:
            raise ValueError(f"unknown status {status!r}")
        if mistake is not None and mistake not in MISTAKES:
            raise ValueError(f"unknown mistake id {mistake!r}")
        self.check = check
        self.status = status
        self.mistake = mistake
        self.details = details
        self.equation = equation
        self.revisit = [r for r in revisit if r is not None]
        self.steps = steps
        self.feedback = message  # the message without the Equation and Revisit lines
        self.message = self._compose(message)

    @property
    def passed(self):
        return self.status == "passed"

    def _compose(self, message):
        parts = [message]
        if self.equation:
            parts.append(f"Equation: {self.equation}")
        for nb, heading in self.revisit:
            where = f'notebooks/{nb}, section "{heading}"' if heading else f"notebooks/{nb}"
            parts.append(f"Revisit: {where}")
        return "\n".join(parts)

    @property
    def headline(self):
        head = _HEADLINES[self.status]
        if self.status == "mistake":
            head += f": {self.mistake}"
        return f"{self.check}: {head}"

    def __repr__(self):
        text = self.headline + "\n" + self.message
        if self.details:
            text += "\n\n" + self.details
        return text

    def _repr_html_(self):
        colour = _COLOURS.get(self.status, "#c62828")
        icon = {"passed": "✔", "not_implemented": "…"}.get(self.status, "✘")
        lines = []
        for line in self.message.split("\n"):
            if line.startswith("Revisit: "):
                continue
            if line.startswith("Equation: "):
                lines.append(f"<p><b>Equation:</b> <code>{html.escape(line[10:])}</code></p>")
            else:
                lines.append(f"<p>{_code_spans(html.escape(line))}</p>")
        for nb, heading in self.revisit:
            href = NOTEBOOK_LINK_BASE + nb + ("#" + heading.replace(" ", "-") if heading else "")
            label = f"{nb}, “{heading}”" if heading else nb
            lines.append(f'<p><b>Revisit:</b> <a href="{html.escape(href, quote=True)}">'
                         f"{html.escape(label)}</a></p>")
        if self.details:
            lines.append(f"<pre>{html.escape(self.details)}</pre>")
        return (f'<div style="border-left: 6px solid {colour}; padding: 0.2em 0.8em;">'
                f'<p style="color: {colour};"><b>{icon} {html.escape(self.headline)}</b></p>'
                + "".join(lines) + "</div>")


# --------------------------------------------------------------------------------------------
# Running the student's function safely
# --------------------------------------------------------------------------------------------

class _Outcome:
    """What one call of a function gave: ok (value), raised (exception) or not_implemented."""

    __slots__ = ("kind", "value", "error")

    def __init__(self, kind, value=None, error=None):
        self.kind = kind
        self.value = value
        self.error = error


class _BadReturn(Exception):
    """The student's function returned something that is not an answer (None, a string...)."""


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))


def _describe_exception(e):
    """'ValueError: ... (in your line `...`)', pointing at the student's own line of code."""
    text = f"{type(e).__name__}: {e}"
    if len(text) > 400:
        text = text[:400] + " ..."
    frames = traceback.extract_tb(e.__traceback__)
    own = [f for f in frames
           if not os.path.abspath(f.filename).startswith((_PACKAGE_DIR, _NUMPY_DIR))]
    if own and own[-1].line:
        text += f" (in your line `{own[-1].line.strip()}`)"
    return text


def _call(fn, args, normalize):
    """Call fn(*args) and normalise its value; never raises (except KeyboardInterrupt & co.)."""
    try:
        value = fn(*args)
    except NotImplementedError as e:
        return _Outcome("not_implemented", error=e)
    except Exception as e:  # the student's bug becomes feedback, not a traceback
        return _Outcome("raised", error=e)
    try:
        return _Outcome("ok", normalize(value))
    except _BadReturn as e:
        return _Outcome("bad_return", error=e)


def _as_answer_array(value):
    if value is None:
        raise _BadReturn("returned None: did you forget the `return` statement?")
    if isinstance(value, (str, bytes)):
        raise _BadReturn(f"returned the string {value!r}, not an array of numbers")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _BadReturn(f"returned a {type(value).__name__} that is not an array of numbers") from None
    return arr


def _close(s, c):
    return s.shape == c.shape and bool(np.allclose(s, c, rtol=1e-5, atol=1e-8, equal_nan=False))


def _agree(s, c, compare=_close):
    """Does the student's outcome s agree with the candidate's outcome c?"""
    if s.kind == "raised" and c.kind == "raised":
        return True
    if s.kind == "ok" and c.kind == "ok":
        return compare(s.value, c.value)
    return False


def _fmt(x, digits=4):
    """A small array or number, rounded, in a form that is the same on every machine."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        v = float(arr)
        return "nan" if np.isnan(v) else f"{v:.{digits}f}"
    return "[" + ", ".join(_fmt(v, digits) for v in arr) + "]"


def _fmt_matrix(x, digits=4, indent="    "):
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim < 2:
        return indent + _fmt(arr, digits)
    return "\n".join(indent + _fmt(row, digits) for row in arr.reshape(-1, arr.shape[-1]))


def _first_difference(s, c):
    """(index, student value, expected value) of the largest disagreement."""
    diff = np.abs(np.nan_to_num(s - c, nan=np.inf))
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return idx, s[idx], c[idx]


# --------------------------------------------------------------------------------------------
# The engine shared by the four array checks
# --------------------------------------------------------------------------------------------

class _Probe:
    """One set of arguments for the student's function."""

    def __init__(self, label, args, names, square):
        self.label = label
        self._args = args
        self.names = names
        self.square = square
        self.right = None  # the right answer, set by _register_right

    def args(self):
        """Fresh copies, so that neither the student nor a candidate can change the originals."""
        return tuple(np.array(a) if isinstance(a, np.ndarray) else a for a in self._args)

    @property
    def size(self):
        return sum(a.size for a in self._args if isinstance(a, np.ndarray))

    def call_text(self):
        parts = []
        for name, a in zip(self.names, self._args):
            if isinstance(a, np.ndarray):
                parts.append(f"{name} of shape {a.shape}")
            else:
                parts.append(f"{name} = {getattr(a, 'name', a)}")
        return ", ".join(parts)

    def inputs_text(self):
        lines = []
        for name, a in zip(self.names, self._args):
            if isinstance(a, np.ndarray):
                lines.append(f"  {name} =\n{_fmt_matrix(a)}")
            else:
                lines.append(f"  {name} = {getattr(a, 'name', a)}")
        return "\n".join(lines)


class _Candidate:
    """A way of computing the answer: the right one (mistake None) or a catalogued mistake."""

    def __init__(self, mistake, formula, fn):
        self.mistake = mistake
        self.formula = formula
        self.fn = fn

    def outcome(self, probe):
        with np.errstate(all="ignore"):
            return _call(self.fn, probe.args(), _as_answer_array)


class _ArraySpec:
    """What one array check needs besides its candidates."""

    def __init__(self, name, context, equation, home, shape_reason, what):
        self.name = name
        self.context = context
        self.equation = equation
        self.home = home
        self.shape_reason = shape_reason      # (probe, got shape) -> explanation
        self.what = what                      # "δ^(L)", "dC/dW", ...


def _fname(fn):
    return getattr(fn, "__name__", "your function")


def _stub_text(fn, error, todo="Replace `raise NotImplementedError()` with your code and run this "
                                  "cell again."):
    """'not implemented yet: ...', naming the function that still holds the stub.

    If ``fn`` calls another of the student's functions that is still a stub (E6's stages reuse
    the earlier ones), that function is named instead of ``fn``.
    """
    name = _fname(fn)
    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    own = [f for f in frames if not os.path.abspath(f.filename).startswith((_PACKAGE_DIR, _NUMPY_DIR))]
    if own and own[-1].name not in (name, "<lambda>", "<module>"):
        return (f"not implemented yet: `{name}` calls `{own[-1].name}`, which still raises "
                f"NotImplementedError. Write `{own[-1].name}` first.")
    return f"not implemented yet: `{name}` still raises NotImplementedError. {todo}"


def _not_implemented(spec, fn, error=None):
    return CheckResult(spec.name, "not_implemented", _stub_text(fn, error),
                       equation=spec.equation, revisit=[spec.home])


def _raised_result(spec, fn, probe, outcome, note=""):
    name = _fname(fn)
    if outcome.kind == "bad_return":
        msg = f"`{name}` {outcome.error} (when called with {probe.call_text()})."
    else:
        msg = (f"`{name}` raised {_describe_exception(outcome.error)} when called with "
               f"{probe.call_text()} ({probe.label}). Run it on that input yourself to see where.")
    return CheckResult(spec.name, "error", msg + note, equation=spec.equation, revisit=[spec.home])


def _classify(spec, fn, probes, candidates):
    """Run fn on every probe and decide: passed, a catalogued mistake, wrong shape, error, wrong."""
    if not callable(fn):
        return CheckResult(spec.name, "error",
                           f"the check needs your function itself, but got a {type(fn).__name__}; "
                           f"pass the function's name without calling it, e.g. "
                           f"{spec.name}(my_function).", equation=spec.equation, revisit=[spec.home])
    student = []
    with np.errstate(all="ignore"):
        for probe in probes:
            out = _call(fn, probe.args(), _as_answer_array)
            if out.kind == "not_implemented":
                return _not_implemented(spec, fn, out.error)
            student.append(out)
    right = candidates[0]
    assert right.mistake is None
    expected = [right.outcome(p) for p in probes]
    if all(_agree(s, e) for s, e in zip(student, expected)) and all(s.kind == "ok" for s in student):
        return CheckResult(spec.name, "passed",
                           f"{spec.what} is right on all {len(probes)} test cases ("
                           + _probe_summary(probes) + ").",
                           equation=spec.equation, revisit=[spec.home])
    for bad in student:
        if bad.kind == "bad_return":
            return _raised_result(spec, fn, probes[student.index(bad)], bad)
    if any(s.kind == "ok" for s in student):
        for cand in candidates[1:]:
            outs = [cand.outcome(p) for p in probes]
            if all(_agree(s, c) for s, c in zip(student, outs)):
                return _mistake_result(spec, fn, probes, student, cand)
    raised = [i for i, s in enumerate(student) if s.kind == "raised"]
    if raised:
        i = raised[0]
        note = ""
        if len(raised) < len(probes):
            ok = [probes[j].label for j in range(len(probes)) if j not in raised]
            note = f" (It ran without an error on {len(ok)} other test case(s), e.g. {ok[0]}.)"
        return _raised_result(spec, fn, probes[i], student[i], note)
    for probe, s, e in zip(probes, student, expected):
        if s.value.shape != e.value.shape:
            return CheckResult(
                spec.name, "wrong_shape",
                f"for {probe.call_text()} ({probe.label}), `{_fname(fn)}` returned shape "
                f"{s.value.shape}, but {spec.what} must have shape {e.value.shape}: "
                + spec.shape_reason(probe, s.value.shape),
                equation=spec.equation, revisit=[spec.home])
    return _wrong_result(spec, fn, probes, student, expected)


def _probe_summary(probes):
    return "; ".join(p.label for p in probes)


def _mistake_result(spec, fn, probes, student, cand):
    ran = [(p, s) for p, s in zip(probes, student) if s.kind == "ok"]
    raised = [(p, s) for p, s in zip(probes, student) if s.kind == "raised"]
    msg = (f"Your {spec.what} equals «{cand.formula}» on all {len(ran)} test case(s) where your "
           f"function returned a value")
    if raised:
        p, s = raised[0]
        msg += (f"; where it raised (e.g. {p.label}: {_describe_exception(s.error)}), that formula "
                f"raises too")
    msg += f".\nThat is the mistake `{cand.mistake}`: {MISTAKES[cand.mistake]}"
    p, s = min(ran, key=lambda ps: ps[0].size)
    revisit = [_section(cand.mistake, spec.context)]
    if spec.home not in revisit:
        revisit.append(spec.home)
    return CheckResult(spec.name, "mistake", msg, mistake=cand.mistake,
                       details=_example_text(spec, fn, p, s), equation=spec.equation, revisit=revisit)


def _example_text(spec, fn, probe, outcome):
    expected = probe.right
    got = outcome.value
    text = f"A small example ({probe.label}):\n{probe.inputs_text()}\n"
    text += f"expected {spec.what} =\n{_fmt_matrix(expected)}\n"
    text += f"your {_fname(fn)} returned =\n{_fmt_matrix(got)}"
    if got.shape == expected.shape and got.size:
        idx, sv, ev = _first_difference(got, expected)
        where = ", ".join(str(int(i)) for i in idx)
        text += f"\nlargest difference at [{where}]: expected {_fmt(ev)}, got {_fmt(sv)}"
    return text


def _wrong_result(spec, fn, probes, student, expected):
    differing = [(p, s) for p, s, e in zip(probes, student, expected) if not _close(s.value, e.value)]
    p, s = min(differing, key=lambda ps: ps[0].size)
    right = [probes[i].label for i in range(len(probes)) if _close(student[i].value, expected[i].value)]
    msg = (f"Your {spec.what} is wrong on {len(differing)} of {len(probes)} test cases, and it does "
           f"not match any mistake in the catalogue.")
    if right:
        msg += f" It is right for: {'; '.join(right)}. What is different about the others?"
    if any(np.isnan(st.value).any() for _, st in differing):
        msg += " (It contains NaN: look for 0/0 or an operation on an empty array.)"
    return CheckResult(spec.name, "wrong", msg, details=_example_text(spec, fn, p, s),
                       equation=spec.equation, revisit=[spec.home])


def _register_right(probes, candidates):
    """Store the right answer on each probe (candidates[0] is the right way)."""
    for p in probes:
        out = candidates[0].outcome(p)
        assert out.kind == "ok", out.error
        p.right = out.value


# --------------------------------------------------------------------------------------------
# E1: the output delta
# --------------------------------------------------------------------------------------------

def _sig(z):
    return ACTIVATIONS["sigmoid"](z)


OUTPUT_DELTA_EQUATION = "δ_j^(L) = ∂c/∂a_j^(L) · g_L′(z_j^(L)), with ∂c/∂a_j^(L) = a_j^(L) − y_j for c = ½ Σ_j (a_j − y_j)²"

_OUTPUT_DELTA_CANDIDATES = [
    _Candidate(None, "(a − y) · g′(z)", lambda a, y, z, g: (a - y) * g.prime(z)),
    _Candidate("activation_instead_of_derivative", "(a − y) · g(z)", lambda a, y, z, g: (a - y) * g(z)),
    _Candidate("missing_activation_derivative", "a − y, without the factor g′(z)", lambda a, y, z, g: a - y),
    _Candidate("derivative_at_activation", "(a − y) · g′(a)", lambda a, y, z, g: (a - y) * g.prime(a)),
    _Candidate("sign_flipped", "(y − a) · g′(z)", lambda a, y, z, g: (y - a) * g.prime(z)),
    _Candidate("cost_instead_of_derivative", "½ (a − y)² · g′(z)",
               lambda a, y, z, g: 0.5 * (a - y) ** 2 * g.prime(z)),
    _Candidate("cost_instead_of_derivative", "c · g′(z), with c = ½ Σ_j (a_j − y_j)² of each example",
               lambda a, y, z, g: 0.5 * np.sum((a - y) ** 2, axis=-1, keepdims=True) * g.prime(z)),
    _Candidate("hard_coded_sigmoid_derivative", "(a − y) · a (1 − a)", lambda a, y, z, g: (a - y) * a * (1 - a)),
    _Candidate("hard_coded_sigmoid_derivative", "(a − y) · σ(z) (1 − σ(z))",
               lambda a, y, z, g: (a - y) * _sig(z) * (1 - _sig(z))),
]


def _output_delta_probes():
    specs = [(3, 2, "sigmoid"), (1, 3, "tanh"), (4, 3, "softplus"), (2, 4, "leaky_relu"), (5, 2, "tanh")]
    probes = []
    for k, (m, n, name) in enumerate(specs):
        rng = np.random.default_rng(500 + k)
        g = ACTIVATIONS[name]
        z = rng.normal(0.0, 1.5, (m, n))
        a = g(z)
        y = rng.uniform(0.0, 1.0, (m, n))
        probes.append(_Probe(f"m = {m}, n_L = {n}, g = {name}", (a, y, z, g), ("a_L", "y", "z_L", "g"),
                             square=True))
    return probes


_OUTPUT_DELTA_PROBES = _output_delta_probes()
_register_right(_OUTPUT_DELTA_PROBES, _OUTPUT_DELTA_CANDIDATES)

_OUTPUT_DELTA_SPEC = _ArraySpec(
    "check_output_delta", "output", OUTPUT_DELTA_EQUATION,
    (NB02, "Step 2: an elementwise g collapses the sum"),
    lambda p, got: ("δ^(L) = ∂c/∂z^(L) has the shape of z^(L): one row per example and one "
                    "column per output unit. Every operation in the formula is elementwise, "
                    "so nothing should change the shape."),
    "δ^(L)")


def check_output_delta(fn):
    """Check ``fn(a_L, y, z_L, g) -> delta_L`` = (a - y) * g'(z), the output delta for MSE.

    a_L, y, z_L: (m, n_L), with a_L = g(z_L); g: an activation object -> (m, n_L).
    Returns a :class:`CheckResult`.
    """
    return _classify(_OUTPUT_DELTA_SPEC, fn, _OUTPUT_DELTA_PROBES, _OUTPUT_DELTA_CANDIDATES)


# --------------------------------------------------------------------------------------------
# E2: the hidden delta
# --------------------------------------------------------------------------------------------

HIDDEN_DELTA_EQUATION = ("δ_j^(l) = Σ_k δ_k^(l+1) W_jk^(l+1) · g_l′(z_j^(l)); in matrix form "
                         "δ^(l) = (δ^(l+1) W^(l+1)ᵀ) ∘ g_l′(z^(l))")

_HIDDEN_DELTA_CANDIDATES = [
    _Candidate(None, "(δ^(l+1) W^(l+1)ᵀ) · g′(z)", lambda d, W, z, g: (d @ W.T) * g.prime(z)),
    _Candidate("missing_transpose", "(δ^(l+1) W^(l+1)) · g′(z), W without the transpose",
               lambda d, W, z, g: (d @ W) * g.prime(z)),
    _Candidate("activation_instead_of_derivative", "(δ^(l+1) W^(l+1)ᵀ) · g(z)",
               lambda d, W, z, g: (d @ W.T) * g(z)),
    _Candidate("missing_activation_derivative", "δ^(l+1) W^(l+1)ᵀ, without the factor g′(z)",
               lambda d, W, z, g: d @ W.T),
    _Candidate("derivative_at_activation", "(δ^(l+1) W^(l+1)ᵀ) · g′(a), with a = g(z)",
               lambda d, W, z, g: (d @ W.T) * g.prime(g(z))),
    _Candidate("sign_flipped", "−(δ^(l+1) W^(l+1)ᵀ) · g′(z)", lambda d, W, z, g: -(d @ W.T) * g.prime(z)),
    _Candidate("hard_coded_sigmoid_derivative", "(δ^(l+1) W^(l+1)ᵀ) · a (1 − a), with a = g(z)",
               lambda d, W, z, g: (d @ W.T) * g(z) * (1 - g(z))),
    _Candidate("hard_coded_sigmoid_derivative", "(δ^(l+1) W^(l+1)ᵀ) · σ(z) (1 − σ(z))",
               lambda d, W, z, g: (d @ W.T) * _sig(z) * (1 - _sig(z))),
]


def _hidden_delta_probes():
    specs = [(3, 4, 2, "tanh"), (1, 3, 3, "sigmoid"), (4, 2, 2, "softplus"), (2, 2, 5, "sigmoid"),
             (5, 3, 3, "tanh"), (2, 3, 4, "leaky_relu")]
    probes = []
    for k, (m, n, n_next, name) in enumerate(specs):
        rng = np.random.default_rng(600 + k)
        g = ACTIVATIONS[name]
        probes.append(_Probe(
            f"m = {m}, n_l = {n}, n_(l+1) = {n_next}, g = {name}"
            + (" (a square W)" if n == n_next else ""),
            (rng.normal(0.0, 1.0, (m, n_next)), rng.normal(0.0, 1.0, (n, n_next)),
             rng.normal(0.0, 1.5, (m, n)), g),
            ("delta_next", "W_next", "z", "g"), square=(n == n_next)))
    return probes


_HIDDEN_DELTA_PROBES = _hidden_delta_probes()
_register_right(_HIDDEN_DELTA_PROBES, _HIDDEN_DELTA_CANDIDATES)


def _hidden_shape_reason(p, got):
    m, n = p._args[2].shape
    text = (f"δ^(l) = ∂c/∂z^(l) has the shape of z^(l), (m, n_l) = ({m}, {n}): one row per example, "
            f"one column per unit of layer l. δ^(l+1) W^(l+1)ᵀ takes (m, n_(l+1)) to (m, n_l), "
            f"because W^(l+1) has shape (n_l, n_(l+1)).")
    if got == (n, m):
        text += " Yours is the transpose of that: rows are examples here."
    return text


_HIDDEN_DELTA_SPEC = _ArraySpec(
    "check_hidden_delta", "hidden", HIDDEN_DELTA_EQUATION,
    (NB03, "Step 2: the recursion in index form"), _hidden_shape_reason, "δ^(l)")


def check_hidden_delta(fn):
    """Check ``fn(delta_next, W_next, z, g) -> delta`` = (delta_next @ W_next.T) * g'(z).

    delta_next: (m, n_{l+1}); W_next: (n_l, n_{l+1}); z: (m, n_l); g: an activation -> (m, n_l).
    Returns a :class:`CheckResult`.
    """
    return _classify(_HIDDEN_DELTA_SPEC, fn, _HIDDEN_DELTA_PROBES, _HIDDEN_DELTA_CANDIDATES)


# --------------------------------------------------------------------------------------------
# E3: the weight and bias gradients
# --------------------------------------------------------------------------------------------

WEIGHT_GRADIENT_EQUATION = ("∂C/∂W_ij^(l) = (1/|D|) Σ_x a_i^(l−1) δ_j^(l); in matrix form "
                            "a^(l−1)ᵀ δ^(l) / m")
BIAS_GRADIENT_EQUATION = "∂C/∂b_j^(l) = (1/|D|) Σ_x δ_j^(l); in numpy delta.mean(axis=0)"


def _per_example(a, d):
    return a[:, :, None] * d[:, None, :]


_WEIGHT_CANDIDATES = [
    _Candidate(None, "a^(l−1)ᵀ δ^(l) / m", lambda a, d: a.T @ d / a.shape[0]),
    _Candidate("sum_instead_of_mean", "a^(l−1)ᵀ δ^(l), the sum over the batch without the 1/m",
               lambda a, d: a.T @ d),
    _Candidate("transposed_gradient", "δ^(l)ᵀ a^(l−1) / m, of shape (n_l, n_(l−1))",
               lambda a, d: d.T @ a / a.shape[0]),
    _Candidate("transposed_gradient", "δ^(l)ᵀ a^(l−1), transposed (and without the 1/m)",
               lambda a, d: d.T @ a),
    _Candidate("wrong_axis", "a^(l−1)ᵀ δ^(l) / n_l, divided by the number of units n_l instead of m",
               lambda a, d: a.T @ d / d.shape[1]),
    _Candidate("wrong_axis", "a^(l−1)ᵀ δ^(l) / n_(l−1), divided by the number of units n_(l−1) instead of m",
               lambda a, d: a.T @ d / a.shape[1]),
    _Candidate("wrong_axis", "the per-example a_i δ_j averaged over i (axis 1, the units) instead of the examples",
               lambda a, d: _per_example(a, d).mean(axis=1)),
    _Candidate("wrong_axis", "the per-example a_i δ_j averaged over j (axis 2, the units) instead of the examples",
               lambda a, d: _per_example(a, d).mean(axis=2)),
    _Candidate("not_reduced", "one matrix a_i δ_j per example, shape (m, n_(l−1), n_l)",
               lambda a, d: _per_example(a, d)),
    _Candidate("not_reduced", "one matrix a_i δ_j / m per example, shape (m, n_(l−1), n_l)",
               lambda a, d: _per_example(a, d) / a.shape[0]),
    _Candidate("sign_flipped", "−a^(l−1)ᵀ δ^(l) / m", lambda a, d: -(a.T @ d) / a.shape[0]),
]


def _weight_probes():
    specs = [(3, 4, 2), (1, 3, 3), (4, 2, 2), (2, 3, 5), (5, 3, 3)]
    probes = []
    for k, (m, n_prev, n) in enumerate(specs):
        rng = np.random.default_rng(700 + k)
        probes.append(_Probe(
            f"m = {m}, n_(l−1) = {n_prev}, n_l = {n}" + (" (a square W)" if n == n_prev else ""),
            (rng.normal(0.0, 1.0, (m, n_prev)), rng.normal(0.0, 1.0, (m, n))),
            ("a_prev", "delta"), square=(n == n_prev)))
    return probes


_WEIGHT_PROBES = _weight_probes()
_register_right(_WEIGHT_PROBES, _WEIGHT_CANDIDATES)


def _weight_shape_reason(p, got):
    m, n_prev = p._args[0].shape
    n = p._args[1].shape[1]
    text = (f"(n_(l−1), n_l) = ({n_prev}, {n}), the shape of W^(l), because gradient descent "
            f"updates W ← W − η ∂C/∂W entry by entry. The batch axis (m = {m}) is averaged away.")
    if got == (n, n_prev):
        text += " Yours is the transpose: i (the row) indexes layer l−1, j (the column) layer l."
    elif len(got) == 3:
        text += " Yours keeps one matrix per example: average them over the examples."
    return text


_WEIGHT_SPEC = _ArraySpec(
    "check_weight_gradient", "weights", WEIGHT_GRADIENT_EQUATION,
    (NB04, "Step 1: dc/dW for one example"), _weight_shape_reason, "∂C/∂W^(l)")


def check_weight_gradient(fn):
    """Check ``fn(a_prev, delta) -> dC/dW`` = a_prev.T @ delta / m, the batch mean.

    a_prev: (m, n_{l-1}); delta: (m, n_l) -> (n_{l-1}, n_l). Returns a :class:`CheckResult`.
    """
    return _classify(_WEIGHT_SPEC, fn, _WEIGHT_PROBES, _WEIGHT_CANDIDATES)


_BIAS_CANDIDATES = [
    _Candidate(None, "the mean of δ^(l) over the examples", lambda d: d.mean(axis=0)),
    _Candidate("sum_instead_of_mean", "Σ_x δ^(l), the sum over the batch without the 1/m",
               lambda d: d.sum(axis=0)),
    _Candidate("wrong_axis", "δ^(l) averaged over the units (axis 1): one number per example",
               lambda d: d.mean(axis=1)),
    _Candidate("wrong_axis", "δ^(l) summed over the units (axis 1): one number per example",
               lambda d: d.sum(axis=1)),
    _Candidate("wrong_axis", "δ^(l) averaged over both axes: one number", lambda d: d.mean()),
    _Candidate("not_reduced", "δ^(l) itself, one row per example", lambda d: d),
    _Candidate("sign_flipped", "−(the mean of δ^(l) over the examples)", lambda d: -d.mean(axis=0)),
]


def _bias_probes():
    specs = [(3, 2), (1, 3), (4, 4), (2, 5), (5, 3)]
    probes = []
    for k, (m, n) in enumerate(specs):
        rng = np.random.default_rng(800 + k)
        probes.append(_Probe(f"m = {m}, n_l = {n}", (rng.normal(0.0, 1.0, (m, n)),), ("delta",),
                             square=(m == n)))
    return probes


_BIAS_PROBES = _bias_probes()
_register_right(_BIAS_PROBES, _BIAS_CANDIDATES)


def _bias_shape_reason(p, got):
    m, n = p._args[0].shape
    text = (f"(n_l,) = ({n},), the shape of b^(l), because gradient descent updates b ← b − η ∂C/∂b "
            f"entry by entry. The batch axis (m = {m}) is averaged away: delta.mean(axis=0).")
    if got == (1, n):
        text += " Yours keeps the batch axis with length 1 (keepdims=True?): drop it."
    return text


_BIAS_SPEC = _ArraySpec(
    "check_bias_gradient", "bias", BIAS_GRADIENT_EQUATION,
    (NB04, "Step 2: dc/db for one example"), _bias_shape_reason, "∂C/∂b^(l)")


def check_bias_gradient(fn):
    """Check ``fn(delta) -> dC/db`` = delta.mean(axis=0). delta: (m, n_l) -> (n_l,).

    Returns a :class:`CheckResult`.
    """
    return _classify(_BIAS_SPEC, fn, _BIAS_PROBES, _BIAS_CANDIDATES)


# --------------------------------------------------------------------------------------------
# E4: the whole backward pass
# --------------------------------------------------------------------------------------------

BACKWARD_EQUATION = ("δ^(L) = (a^(L) − y) ∘ g_L′(z^(L)); δ^(l) = (δ^(l+1) W^(l+1)ᵀ) ∘ g_l′(z^(l)); "
                     "∂C/∂W^(l) = a^(l−1)ᵀ δ^(l) / m; ∂C/∂b^(l) = mean of δ^(l) over the examples")
_BACKWARD_HOME = (NB04, "The whole algorithm")


def _variant_backward(net, fwd, y, *, gprime="z", where="all", sign=1.0, dcda="grad", transpose=True,
                      reduce_W="mean", reduce_b="mean", dW_T=False, a_shift=0, z_shift_hidden=0,
                      z_shift_output=0, W_shift=0, a_output_shift=0, g_shift=0):
    """The backward pass for MSE, right by default, or with one catalogued mistake switched on.

    Returns (dW, db), lists of the L layers' arrays. A mistake that makes shapes clash raises, as
    the student's code would.
    """
    L = net.L
    a, z = fwd.a, fwd.z
    m = a[0].shape[0]

    def factor(l, zz):
        mode = gprime
        if where == "output" and l != L or where == "hidden" and l == L:
            mode = "z"
        g = net.g[min(l + g_shift, L)] if g_shift else net.g[l]
        if mode == "z":
            return g.prime(zz)
        if mode == "g":
            return g(zz)
        if mode == "none":
            return 1.0
        if mode == "a":
            return g.prime(g(zz))
        if mode == "sigmoid":
            s = g(zz)
            return s * (1 - s)
        raise AssertionError(mode)

    aL = a[L + a_output_shift]
    if dcda == "grad":
        dc_da = sign * (aL - y)
    elif dcda == "cost":
        dc_da = 0.5 * (aL - y) ** 2
    else:
        raise AssertionError(dcda)
    delta = {L: dc_da * factor(L, z[L + z_shift_output])}
    for l in range(L - 1, 0, -1):
        W_next = net.W[l + 1 + W_shift]
        back = delta[l + 1] @ (W_next.T if transpose else W_next)
        delta[l] = back * factor(l, z[l + z_shift_hidden])
    dW, db = [], []
    for l in range(1, L + 1):
        ap, d = a[l - 1 + a_shift], delta[l]
        per = ap[:, :, None] * d[:, None, :]
        if reduce_W == "mean":
            w = per.mean(axis=0)
        elif reduce_W == "sum":
            w = per.sum(axis=0)
        elif reduce_W == "units":
            w = per.sum(axis=0) / d.shape[1]
        elif reduce_W == "none":
            w = per
        else:
            raise AssertionError(reduce_W)
        dW.append(np.swapaxes(w, -1, -2) if dW_T else w)
        if reduce_b == "mean":
            db.append(d.mean(axis=0))
        elif reduce_b == "sum":
            db.append(d.sum(axis=0))
        elif reduce_b == "units":
            db.append(d.mean(axis=1))
        elif reduce_b == "none":
            db.append(d)
        else:
            raise AssertionError(reduce_b)
    return dW, db


def _bw(mistake, formula, **opts):
    return _Candidate(mistake, formula, lambda net, fwd, y: _variant_backward(net, fwd, y, **opts))


_BACKWARD_CANDIDATES = [_bw(None, "the backward pass")]
for _mode, _id, _what in (("g", "activation_instead_of_derivative", "g(z) in place of g′(z)"),
                          ("none", "missing_activation_derivative", "no factor g′(z)"),
                          ("a", "derivative_at_activation", "g′(a) in place of g′(z)")):
    _BACKWARD_CANDIDATES += [
        _bw(_id, f"{_what} in every layer", gprime=_mode),
        _bw(_id, f"{_what} in the output layer L", gprime=_mode, where="output"),
        _bw(_id, f"{_what} in the hidden layers l < L", gprime=_mode, where="hidden"),
    ]
_BACKWARD_CANDIDATES += [
    _bw("sign_flipped", "∂c/∂a = y − a", sign=-1.0),
    _bw("cost_instead_of_derivative", "½ (a − y)² in place of ∂c/∂a = a − y", dcda="cost"),
    _bw("missing_transpose", "δ^(l+1) W^(l+1) without the transpose", transpose=False),
    _bw("sum_instead_of_mean", "sums over the batch without the 1/m", reduce_W="sum", reduce_b="sum"),
    _bw("transposed_gradient", "δ^(l)ᵀ a^(l−1), the transposed ∂C/∂W", dW_T=True),
    _bw("wrong_axis", "averages over the units instead of over the examples", reduce_W="units",
        reduce_b="units"),
    _bw("not_reduced", "per-example gradients, not averaged over the batch", reduce_W="none",
        reduce_b="none"),
    _bw("off_by_one_layer", "a^(l) in place of a^(l−1) in ∂C/∂W^(l)", a_shift=1),
    _bw("off_by_one_layer", "g_l′(z^(l+1)) in place of g_l′(z^(l)) in the recursion", z_shift_hidden=1),
    _bw("off_by_one_layer", "g_L′(z^(L−1)) in place of g_L′(z^(L)) in δ^(L)", z_shift_output=-1),
    _bw("off_by_one_layer", "W^(l) in place of W^(l+1) in the recursion", W_shift=-1),
    _bw("off_by_one_layer", "a^(L−1) in place of a^(L) in ∂c/∂a", a_output_shift=-1),
    _bw("off_by_one_layer", "the activation g_(l+1) of the next layer in place of g_l", g_shift=1),
    _bw("hard_coded_sigmoid_derivative", "σ′ = a (1 − a) in every layer, whatever g is",
        gprime="sigmoid"),
]


class _NetProbe:
    def __init__(self, label, net, x, y, square):
        self.label = label
        self.net = net
        self.x = x
        self.y = y
        self.square = square

    def args(self):
        net = self.net.copy()
        return net, forward(net, self.x.copy()), self.y.copy()

    @property
    def size(self):
        return sum(w.size for w in self.net.W) + self.x.size

    def call_text(self):
        return (f"a network of sizes {self.net.sizes} ({', '.join(g.name for g in self.net.g)}) "
                f"and a batch of m = {self.x.shape[0]}")


def _backward_probes():
    specs = [([3, 3, 3], ["tanh", "sigmoid"], 4),
             ([4, 3, 2], ["sigmoid", "tanh"], 1),
             ([3, 3, 3, 3], ["softplus", "tanh", "sigmoid"], 3),
             ([2, 5, 3, 2], ["tanh", "leaky_relu", "sigmoid"], 2)]
    probes = []
    for k, (sizes, acts, m) in enumerate(specs):
        rng = np.random.default_rng(900 + k)
        net = Network.random(sizes, acts, seed=910 + k, init="normal")
        x = rng.normal(0.0, 1.0, (m, sizes[0]))
        lo = -1.0 if acts[-1] == "tanh" else 0.0
        y = rng.uniform(lo, 1.0, (m, sizes[-1]))
        square = len(set(sizes)) == 1
        probes.append(_NetProbe(f"sizes {sizes}, {', '.join(acts)}, m = {m}"
                                + (" (all layers square)" if square else ""), net, x, y, square))
    return probes


_BACKWARD_PROBES = _backward_probes()


def _per_layer_list(c, name, L):
    if isinstance(c, PerLayer):
        try:
            return [np.asarray(c[l], dtype=np.float64) for l in range(1, L + 1)]
        except (IndexError, TypeError, ValueError) as e:
            raise _BadReturn(f"returned a {name} that cannot be read for l = 1..{L}: {e}") from None
    if isinstance(c, dict):
        keys = sorted(c, key=repr)
        if set(c) != set(range(1, L + 1)):
            raise _BadReturn(f"returned a dict {name} with keys {keys}; it needs the keys 1..{L}, "
                             f"one per layer l = 1..L")
        items = [c[l] for l in range(1, L + 1)]
    elif isinstance(c, (list, tuple)):
        items = list(c)
        if len(items) == L + 1 and items[0] is None:
            items = items[1:]
        if len(items) != L:
            raise _BadReturn(f"returned {len(items)} entries in {name}, but the network has L = {L} "
                             f"layers: {name} needs one entry per layer l = 1..L (a layer is missing "
                             f"or extra: check your loop's range)")
    else:
        raise _BadReturn(f"returned {name} as a {type(c).__name__}; return one array per layer "
                         f"l = 1..L, as a list, a dict {{l: array}} or a PerLayer")
    try:
        return [np.asarray(v, dtype=np.float64) for v in items]
    except (TypeError, ValueError):
        raise _BadReturn(f"returned a {name} whose entries are not arrays of numbers") from None


def _backward_normalizer(L):
    def normalize(value):
        if value is None:
            raise _BadReturn("returned None: did you forget the `return dW, db` statement?")
        if hasattr(value, "dW") and hasattr(value, "db"):
            dW, db = value.dW, value.db
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            dW, db = value
        else:
            raise _BadReturn(f"returned a {type(value).__name__}; it should return the pair (dW, db)")
        return {"dW": _per_layer_list(dW, "dW", L), "db": _per_layer_list(db, "db", L)}
    return normalize


def _close_part(s, c, part):
    return all(_close(x, y) for x, y in zip(s[part], c[part]))


def _agree_part(s, c, part):
    return _agree(s, c, lambda x, y: _close_part(x, y, part))


def _backward_outcome(fn, probe):
    with np.errstate(all="ignore"):
        return _call(fn, probe.args(), _backward_normalizer(probe.net.L))


def _backward_result(status, message, **kw):
    return CheckResult("check_backward", status, message, equation=BACKWARD_EQUATION, **kw)


def check_backward(fn):
    """Check ``fn(net, fwd, y) -> (dW, db)``, the whole backward pass for c = 1/2 ||a - y||^2.

    net: a Network; fwd = bl.forward(net, x) with x: (m, n_0); y: (m, n_L).
    dW, db: per-layer containers indexed l = 1..L (PerLayer, dict {l: array} or a list of the L
    layers), dW[l]: (n_{l-1}, n_l), db[l]: (n_l,), both means over the batch, like ``bl.backward``.
    Returns a :class:`CheckResult`.
    """
    if not callable(fn):
        return _backward_result("error", f"the check needs your function itself, but got a "
                                f"{type(fn).__name__}.", revisit=[_BACKWARD_HOME])
    probes = _BACKWARD_PROBES
    student = []
    for p in probes:
        out = _backward_outcome(fn, p)
        if out.kind == "not_implemented":
            return _backward_result("not_implemented", _stub_text(fn, out.error), revisit=[_BACKWARD_HOME])
        student.append(out)
    outs = {id(c): [_backward_outcome(c.fn, p) for p in probes] for c in _BACKWARD_CANDIDATES}
    right = outs[id(_BACKWARD_CANDIDATES[0])]
    if all(s.kind == "ok" and _close_part(s.value, r.value, "dW") and _close_part(s.value, r.value, "db")
           for s, r in zip(student, right)):
        return _backward_result("passed", f"dW[l] and db[l] are right for every layer on all "
                                f"{len(probes)} networks ({_probe_summary(probes)}).",
                                revisit=[_BACKWARD_HOME])
    for i, s in enumerate(student):
        if s.kind == "bad_return":
            return _backward_result("error", f"`{_fname(fn)}` {s.error} (for {probes[i].call_text()}).",
                                    revisit=[_BACKWARD_HOME])
    # which candidate explains each part (dW, db)?
    verdict = {}
    for part in ("dW", "db"):
        if all(s.kind == "ok" and _close_part(s.value, r.value, part) for s, r in zip(student, right)):
            verdict[part] = None
            continue
        for cand in _BACKWARD_CANDIDATES[1:]:
            if all(_agree_part(s, c, part) for s, c in zip(student, outs[id(cand)])):
                verdict[part] = cand
                break
        else:
            verdict[part] = "unknown"
    explained = [verdict[p] for p in ("dW", "db") if verdict[p] not in (None, "unknown")]
    if explained and "unknown" not in verdict.values():
        cand = explained[0]
        n = len(probes)
        if verdict["dW"] is not None and verdict["db"] is not None and \
                verdict["dW"].mistake == verdict["db"].mistake:
            same = verdict["dW"] is verdict["db"]
            msg = (f"On all {n} test networks your dW and db are what the backward pass gives with "
                   f"{verdict['dW'].formula}"
                   + ("." if same else f" (dW) and with {verdict['db'].formula} (db)."))
        else:
            lines = []
            for part in ("dW", "db"):
                v = verdict[part]
                lines.append(f"your {part} is right" if v is None else
                             f"your {part} is what the backward pass gives with {v.formula}")
            msg = f"On all {n} test networks " + "; ".join(lines) + "."
        raised = [(p, s) for p, s in zip(probes, student) if s.kind == "raised"]
        if raised:
            p, s = raised[0]
            msg += (f" On {p.label} your function raised {_describe_exception(s.error)}, and so does "
                    f"that mistake there.")
        mistakes = []
        for v in explained:
            if v.mistake not in mistakes:
                mistakes.append(v.mistake)
        msg += "".join(f"\nThat is the mistake `{mid}`: {MISTAKES[mid]}" for mid in mistakes)
        revisit = [_section(mid) for mid in mistakes] + [_BACKWARD_HOME]
        revisit = [r for i, r in enumerate(revisit) if r not in revisit[:i]]
        return _backward_result("mistake", msg, mistake=cand.mistake, revisit=revisit,
                                details=_backward_example(fn, probes, student, right))
    raised = [i for i, s in enumerate(student) if s.kind == "raised"]
    if raised:
        i = raised[0]
        err = student[i].error
        msg = f"`{_fname(fn)}` raised {_describe_exception(err)} for {probes[i].call_text()}."
        mistake = None
        if isinstance(err, IndexError) and "does not exist" in str(err):
            mistake = "off_by_one_layer"
            msg += ("\nThat index is one layer off, the mistake `off_by_one_layer`: " + MISTAKES[mistake])
        if len(raised) < len(probes):
            msg += f" (It ran on {len(probes) - len(raised)} other network(s).)"
        if mistake:
            return _backward_result("mistake", msg, mistake=mistake,
                                    revisit=[_section(mistake), _BACKWARD_HOME])
        return _backward_result("error", msg, revisit=[_BACKWARD_HOME])
    for p, s, r in zip(probes, student, right):
        for part in ("dW", "db"):
            for l, (x, e) in enumerate(zip(s.value[part], r.value[part]), start=1):
                if x.shape != e.shape:
                    what = "W" if part == "dW" else "b"
                    return _backward_result(
                        "wrong_shape",
                        f"for {p.call_text()}, your {part}[{l}] has shape {x.shape}, but it must have "
                        f"the shape of {what}[{l}], {e.shape}: gradient descent updates "
                        f"{what}[{l}] ← {what}[{l}] − η {part}[{l}] entry by entry, and the batch "
                        f"axis is averaged away.", revisit=[_BACKWARD_HOME])
    return _backward_result("wrong", "Your gradients are wrong and do not match any mistake in the "
                            "catalogue. The example below shows which layers differ: the first wrong "
                            "layer, counted from the output, is where to look.",
                            details=_backward_example(fn, probes, student, right),
                            revisit=[_BACKWARD_HOME, (NB03, "Step 2: the recursion in index form")])


def _backward_example(fn, probes, student, right):
    cases = [(p, s, r) for p, s, r in zip(probes, student, right) if s.kind == "ok"
             and not (_close_part(s.value, r.value, "dW") and _close_part(s.value, r.value, "db"))]
    if not cases:
        return ""
    p, s, r = min(cases, key=lambda c: c[0].size)
    lines = [f"On {p.call_text()}:"]
    first = None
    for l in range(p.net.L, 0, -1):
        for part in ("dW", "db"):
            x, e = s.value[part][l - 1], r.value[part][l - 1]
            ok = _close(x, e)
            state = "right" if ok else ("wrong shape " + str(x.shape) if x.shape != e.shape else "differs")
            lines.append(f"  {part}[{l}]: {state}")
            if not ok and first is None:
                first = (part, l, x, e)
    if first:
        part, l, x, e = first
        lines.append(f"expected {part}[{l}] =\n{_fmt_matrix(e)}\nyours =\n{_fmt_matrix(x)}")
    return "\n".join(lines)


def check_backward_numerically(fn, net, x, y, eps=1e-5, tol=1e-7):
    """Compare the student's ``fn(net, fwd, y) -> (dW, db)`` with central differences of C (MSE).

    The oracle is :func:`backprop_lab.numerical_gradients`, which never uses backpropagation's
    formulas. x: (m, n_0); y: (m, n_L). Returns a :class:`CheckResult` with one line per W[l], b[l].
    """
    name = "check_backward_numerically"
    home = [(NB04, "The whole algorithm")]
    out = _backward_outcome(fn, _NetProbe("", net, np.asarray(x, float), np.asarray(y, float), False))
    if out.kind == "not_implemented":
        return CheckResult(name, "not_implemented", _stub_text(fn, out.error), revisit=home)
    if out.kind in ("raised", "bad_return"):
        what = _describe_exception(out.error) if out.kind == "raised" else str(out.error)
        return CheckResult(name, "error", f"`{_fname(fn)}` {'raised ' if out.kind == 'raised' else ''}"
                           f"{what}.", revisit=home)
    num = numerical_gradients(net, x, y, "mse", eps)
    lines, ok = [], True
    for l in range(1, net.L + 1):
        for part, label in (("dW", "W"), ("db", "b")):
            mine = out.value[part][l - 1]
            ref = num[part][l]
            kink = num["kinks"][l][part]
            if mine.shape != ref.shape:
                lines.append(f"{label}[{l}]: wrong shape {mine.shape}, expected {ref.shape}")
                ok = False
                continue
            err = relative_error(ref[~kink], mine[~kink])
            passed = err <= tol
            ok &= passed
            verdict = f"ok (relative error below {tol:g})" if passed else f"FAIL (relative error {err:.1e})"
            lines.append(f"{label}[{l}]: {verdict}")
    table = "\n".join(lines)
    if ok:
        return CheckResult(name, "passed", "Your gradients agree with central differences of C for "
                           "every W[l] and b[l].", details=table, revisit=home)
    return CheckResult(name, "wrong", "Your gradients disagree with central differences of C; run "
                       "check_backward(your_function) to find out why.", details=table, revisit=home)


# --------------------------------------------------------------------------------------------
# E5: spot the mistake in the seed's student answer
# --------------------------------------------------------------------------------------------

class Question:
    """A question about the seed's student answer, with the feedback for every option.

    ``excerpt`` is the seed's line (LaTeX), ``options`` maps a letter to (text, feedback),
    ``correct`` is a letter (choose one) or a frozenset of letters (choose every one that applies).
    Displays as Markdown (the excerpt and the options) in Jupyter.
    """

    def __init__(self, qid, prompt, excerpt, options, correct, section, mistake=None):
        self.qid = qid
        self.prompt = prompt
        self.excerpt = excerpt
        self.options = options
        self.correct = correct
        self.section = section
        self.mistake = mistake

    @property
    def multiple(self):
        return isinstance(self.correct, frozenset)

    def _repr_markdown_(self):
        how = ("Return a set of letters: every option that applies, e.g. `{\"A\", \"C\"}`."
               if self.multiple else "Return one letter, e.g. `\"A\"`.")
        lines = [f"**{self.qid}.** {self.prompt}", "", f"$${self.excerpt}$$", ""]
        for letter, (text, _) in self.options.items():
            lines.append(f"- **{letter}.** {text}")
        lines += ["", how]
        return "\n".join(lines)

    def __repr__(self):
        lines = [f"{self.qid}. {self.prompt}", f"    {self.excerpt}"]
        for letter, (text, _) in self.options.items():
            lines.append(f"  {letter}. {text}")
        return "\n".join(lines)


QUESTIONS = {q.qid: q for q in [
    Question(
        "E5.1",
        "For the output layer the seed's answer writes the line below. What is wrong with it?",
        r"a_{j}^{(L)} = g_{L}(z_{j}^{(L)}) = \frac{\partial a_{j}^{(L)}}{\partial z_{j}^{(L)}} = g_{L}(z_{j}^{(L)})",
        {
            "A": ("Nothing: for an activation function, $\\partial a/\\partial z = g(z)$.",
                  "Only the exponential is its own derivative. For the sigmoid, g'(z) = g(z)(1 − g(z)); "
                  "for tanh, 1 − g(z)²: neither equals g(z)."),
            "B": ("$\\partial a_j/\\partial z_j$ is the derivative $g_L'(z_j^{(L)})$, not the value "
                  "$g_L(z_j^{(L)})$; and $a_j$ is not equal to its own derivative, so the first "
                  "$=$ is wrong as well.", ""),
            "C": ("The derivative has to be evaluated at $a_j$: $g_L'(a_j^{(L)})$.",
                  "That is the mistake `derivative_at_activation`: g' is evaluated at z, the "
                  "argument of g. a(1 − a) for the sigmoid is g'(z) written with a, not g'(a)."),
            "D": ("It should be $\\partial z_j/\\partial a_j = 1/g_L'(z_j^{(L)})$.",
                  "The chain rule from c back to z needs da/dz (how a changes when z changes), "
                  "not its reciprocal."),
        },
        "B", (NB02, "Common mistake: g(z) instead of g'(z)"), "activation_instead_of_derivative"),
    Question(
        "E5.2",
        "The seed's answer starts part (a) with this line. What is wrong with it?",
        r"\delta_{j}^{(L)} = \frac{\partial c}{\partial z_{i}^{(L)}} = \frac{\partial c}{\partial a_{i}^{(L)}} \cdot \frac{\partial a_{j}^{(L)}}{\partial z_{i}^{(L)}}",
        {
            "A": ("The indices are mixed up. $\\delta_j^{(L)} = \\partial c/\\partial z_j^{(L)}$, and "
                  "the chain rule gives $\\sum_k \\frac{\\partial c}{\\partial a_k}\\frac{\\partial "
                  "a_k}{\\partial z_j}$; for an elementwise $g$ only $a_j$ depends on $z_j$, so only "
                  "$k = j$ survives: $\\frac{\\partial c}{\\partial a_j}\\, g_L'(z_j)$.", ""),
            "B": ("It needs a sum over every unit $i$ of layer $L$, and every term of that sum is "
                  "nonzero.",
                  "For an elementwise g, a_i depends on z_i only, so ∂a_i/∂z_j = 0 when i ≠ j and the "
                  "sum collapses to one term. (It does not collapse for softmax: see "
                  "02_output_delta.ipynb, 'Softmax: when the sum does not collapse'.)"),
            "C": ("The two factors are in the wrong order.",
                  "These are numbers (one example, one unit): their product does not depend on the order."),
            "D": ("It should use the dataset cost $C$, not $c$.",
                  "δ is defined with the per-example cost c; the dataset cost C = (1/|D|) Σ c only "
                  "enters when the gradients are averaged over the examples."),
        },
        "A", (NB02, "Step 2: an elementwise g collapses the sum")),
    Question(
        "E5.3",
        "For the hidden layers the seed's answer writes 'in general' the line below. Which statements "
        "about it are true?",
        r"\frac{\partial C}{\partial a_{i}^{(k)}} = \frac{\partial C}{\partial a_{i}^{(k)}} "
        r"\frac{\partial a_{i}^{(k)}}{\partial z_{i}^{(k)}} = \frac{\partial C}{\partial a_{i}^{(k)}} "
        r"\frac{\partial C}{\partial z_{i}^{(k)}} = \frac{\partial C}{\partial z_{i}^{(k)}} "
        r"\frac{\partial C}{\partial z_{i}^{(k)}}",
        {
            "A": ("The first $=$ is false: $\\frac{\\partial C}{\\partial a_i}\\frac{\\partial a_i}"
                  "{\\partial z_i}$ is $\\frac{\\partial C}{\\partial z_i}$, i.e. $\\delta_i$, not "
                  "$\\frac{\\partial C}{\\partial a_i}$.",
                  "It is true: multiplying by ∂a_i/∂z_i = g'(z_i) turns ∂C/∂a_i into ∂C/∂z_i."),
            "B": ("The second $=$ replaces $\\frac{\\partial a_i}{\\partial z_i}$ by "
                  "$\\frac{\\partial C}{\\partial z_i}$, which is a different quantity.",
                  "It is true: ∂a_i/∂z_i = g'(z_i) is a property of the activation; ∂C/∂z_i = δ_i "
                  "depends on the whole network above."),
            "C": ("The last expression is a product of two deltas, $\\delta_i \\cdot \\delta_i$: not "
                  "a derivative of the cost at all.",
                  "It is true: the product of two derivatives of C has the units of C squared."),
            "D": ("The line never uses the next layer: $a_i^{(k)}$ reaches the cost through every "
                  "$z_m^{(k+1)}$, so $\\delta_i^{(k)}$ needs $\\sum_m \\delta_m^{(k+1)} W_{im}^{(k+1)}$.",
                  "It is true: without the sum over the next layer there is no recursion."),
            "E": ("The line is right; only its notation is unusual.",
                  "Each of the three '=' signs equates different quantities (see the other options)."),
            "F": ("The line would be right with $g'(a_i)$ in place of "
                  "$\\frac{\\partial a_i}{\\partial z_i}$.",
                  "∂a_i/∂z_i is g'(z_i), at z, and the other '=' signs would still be false "
                  "(`derivative_at_activation`)."),
        },
        frozenset("ABCD"), (NB03, "Step 2: the recursion in index form")),
    Question(
        "E5.4",
        "Which of these is the correct general formula (for $l < L$)?",
        r"\delta_j^{(l)} = \;?",
        {
            "A": ("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{kj}^{(l+1)}\\, g_l'(z_j^{(l)})$",
                  "This is the mistake `missing_transpose`: W_kj is the weight from unit k of layer l "
                  "to unit j of layer l+1. The seed's W_kj^T means (W^T)_kj = W_jk."),
            "B": ("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{jk}^{(l+1)}\\, g_l(z_j^{(l)})$",
                  "This is the mistake `activation_instead_of_derivative`: the factor is g'(z), not g(z)."),
            "C": ("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{jk}^{(l+1)}\\, g_l'(z_j^{(l)})$", ""),
            "D": ("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{jk}^{(l+1)}\\, g_l'(a_j^{(l)})$",
                  "This is the mistake `derivative_at_activation`: g' is evaluated at z."),
            "E": ("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{jk}^{(l+1)}$",
                  "This is the mistake `missing_activation_derivative`: z_j reaches the next layer "
                  "through a_j = g(z_j), which contributes g'(z_j)."),
        },
        "C", (NB03, "The seed's W^T notation")),
    Question(
        "E5.6",
        "For part (b) the seed's answer writes the line below. Which chain rule is right?",
        r"\frac{\partial c}{\partial w_{ij}^{(l)}} = \frac{\partial z_{i}^{(l)}}{\partial w_{ij}^{(l)}} "
        r"= \frac{\partial z_{i}^{(l)}}{\partial z_{i}^{(l)}} = a_{i}^{(l-1)} \cdot \delta_{j}^{(l)}",
        {
            "A": ("$\\frac{\\partial c}{\\partial W_{ij}} = \\frac{\\partial z_j}{\\partial W_{ij}}"
                  "\\,\\frac{\\partial c}{\\partial z_j} = a_i^{(l-1)}\\,\\delta_j^{(l)}$: only $z_j$ "
                  "depends on $W_{ij}$, the weight into unit $j$.", ""),
            "B": ("$\\frac{\\partial c}{\\partial W_{ij}} = \\frac{\\partial z_i}{\\partial W_{ij}}"
                  "\\,\\frac{\\partial c}{\\partial z_i} = a_j^{(l-1)}\\,\\delta_i^{(l)}$",
                  "W_ij connects unit i of layer l−1 to unit j of layer l, so it enters z_j, not z_i; "
                  "swapping the roles gives the mistake `transposed_gradient`."),
            "C": ("$\\frac{\\partial c}{\\partial W_{ij}} = \\sum_k \\frac{\\partial z_k}{\\partial W_{ij}}"
                  "\\,\\frac{\\partial c}{\\partial z_k}$ with every term nonzero.",
                  "z_k = Σ_i a_i W_ik + b_k contains W_ij only when k = j: the other terms are 0."),
            "D": ("$\\frac{\\partial c}{\\partial W_{ij}} = \\frac{1}{|D|}\\, a_i^{(l-1)}\\,\\delta_j^{(l)}$",
                  "For one example's cost c there is no 1/|D|: that factor belongs to the dataset cost "
                  "C and appears when the per-example gradients are averaged."),
        },
        "A", (NB04, "Step 1: dc/dW for one example")),
    Question(
        "E5.7",
        "The seed's bias line ends in $\\partial z_i/\\partial z_i$. What is "
        "$\\partial z_j^{(l)}/\\partial b_j^{(l)}$, and so $\\partial c/\\partial b_j^{(l)}$?",
        r"z_j^{(l)} = \sum_i a_i^{(l-1)} W_{ij}^{(l)} + b_j^{(l)}",
        {
            "A": ("$1$, so $\\partial c/\\partial b_j^{(l)} = \\delta_j^{(l)}$.", ""),
            "B": ("$a_j^{(l-1)}$, so $\\partial c/\\partial b_j^{(l)} = a_j^{(l-1)}\\delta_j^{(l)}$.",
                  "That is ∂z_j/∂W_ij = a_i: b_j is added to z_j with coefficient 1."),
            "C": ("$0$, because $b_j$ is a constant.",
                  "b_j is a parameter we differentiate with respect to: z_j changes one-for-one with it."),
            "D": ("$\\delta_j^{(l)}$, so $\\partial c/\\partial b_j^{(l)} = \\delta_j^{(l)}\\,\\delta_j^{(l)}$.",
                  "δ_j = ∂c/∂z_j is the other factor of the chain rule, not ∂z_j/∂b_j."),
        },
        "A", (NB04, "Step 2: dc/db for one example")),
]}
"""The multiple-choice questions of E5, by id."""


def question(qid):
    """The question ``qid`` (e.g. "E5.1"), which displays its excerpt and options."""
    try:
        return QUESTIONS[qid]
    except KeyError:
        raise ValueError(f"unknown question {qid!r}; the questions are {', '.join(QUESTIONS)}") from None


def _letters(value, multiple):
    if isinstance(value, str):
        items = [value] if not multiple else [c for c in value.replace(",", " ").split()]
        if multiple and len(items) == 1 and len(items[0]) > 1:
            items = list(items[0])
    elif isinstance(value, (set, frozenset, list, tuple)):
        items = list(value)
    else:
        raise _BadReturn(f"returned a {type(value).__name__}; return "
                         + ("a set of letters, e.g. {'A', 'C'}" if multiple else "one letter, e.g. 'A'"))
    letters = set()
    for item in items:
        if not isinstance(item, str):
            raise _BadReturn(f"returned {item!r}, which is not a letter")
        letters.add(item.strip().strip(".").upper())
    return letters


def check_answer(qid, fn):
    """Check the answer to question ``qid``: ``fn()`` returns a letter (or a set of letters).

    Every wrong option gets its own feedback. Returns a :class:`CheckResult`.
    """
    q = question(qid)
    name = f"check_answer({qid!r})"
    out = _call(fn, (), lambda v: _letters(v, q.multiple))
    if out.kind == "not_implemented":
        return CheckResult(name, "not_implemented",
                           _stub_text(fn, out.error, f"Replace it with `return` and your "
                                      f"{'letters' if q.multiple else 'letter'}."),
                           revisit=[q.section])
    if out.kind == "raised":
        return CheckResult(name, "error", f"your function raised {_describe_exception(out.error)}.",
                           revisit=[q.section])
    if out.kind == "bad_return":
        return CheckResult(name, "error", f"your function {out.error}.", revisit=[q.section])
    chosen = out.value
    unknown = sorted(chosen - set(q.options))
    if unknown or not chosen:
        return CheckResult(name, "wrong", f"{', '.join(unknown) or 'nothing'}: the options are "
                           f"{', '.join(q.options)}.", revisit=[q.section])
    correct = q.correct if q.multiple else {q.correct}
    if not q.multiple and len(chosen) > 1:
        return CheckResult(name, "wrong", "choose one letter.", revisit=[q.section])
    if chosen == set(correct):
        extra = f" The seed's error here is the mistake `{q.mistake}`." if q.mistake else ""
        return CheckResult(name, "passed", f"right: {', '.join(sorted(chosen))}.{extra}", revisit=[q.section])
    lines = []
    for letter in sorted(chosen - set(correct)):
        lines.append(f"{letter} is not right: {q.options[letter][1]}")
    missed = sorted(set(correct) - chosen)
    if q.multiple and missed:
        lines.append(f"{len(missed)} more statement(s) are true: read each option again.")
    mistake = None
    for letter in sorted(chosen - set(correct)):
        fb = q.options[letter][1]
        for mid in MISTAKES:
            if f"`{mid}`" in fb:
                mistake = mid
                break
        if mistake:
            break
    return CheckResult(name, "mistake" if mistake else "wrong", "\n".join(lines), mistake=mistake,
                       revisit=[q.section])


# --------------------------------------------------------------------------------------------
# E6: a derivation self-check by hand
# --------------------------------------------------------------------------------------------

def by_hand_problem():
    """The tiny network of E6, as a dict of plain numbers (lists), plus ``net`` (a Network).

    Sizes [2, 2, 2]: tanh hidden layer, sigmoid output, one example, c = 1/2 ||a - y||^2.
    W^(2) is square and not symmetric, so W and W^T give different numbers.
    """
    p = {
        "x": [1.0, -2.0],
        "W1": [[0.6, -0.2], [-0.1, 0.3]],
        "b1": [0.1, -0.2],
        "W2": [[1.0, -1.2], [0.3, 0.9]],
        "b2": [1.0, 0.0],
        "y": [0.0, 1.0],
        "g1": "tanh",
        "g2": "sigmoid",
    }
    p["net"] = Network([p["W1"], p["W2"]], [p["b1"], p["b2"]], [p["g1"], p["g2"]])
    return p


BY_HAND_STAGES = {
    "forward": ("z1", "a1", "z2", "a2"),
    "output_delta": ("dc_da2", "gprime2", "delta2"),
    "hidden_delta": ("gprime1", "delta1"),
    "gradients": ("dW2", "db2", "dW1", "db1"),
}
"""The steps of E6, stage by stage, in the order they are computed."""

_STEP_TEXT = {
    "z1": ("z^(1) = x W^(1) + b^(1)", "z_j^(1) = Σ_i x_i W_ij^(1) + b_j^(1)"),
    "a1": ("a^(1) = tanh(z^(1))", "a_j^(1) = g_1(z_j^(1))"),
    "z2": ("z^(2) = a^(1) W^(2) + b^(2)", "z_j^(2) = Σ_i a_i^(1) W_ij^(2) + b_j^(2)"),
    "a2": ("a^(2) = σ(z^(2))", "a_j^(2) = g_2(z_j^(2))"),
    "dc_da2": ("∂c/∂a^(2) = a^(2) − y", "∂c/∂a_j = a_j − y_j for c = ½ Σ_j (a_j − y_j)²"),
    "gprime2": ("g_2′(z^(2)) = σ(z)(1 − σ(z))", "g_2′(z_j^(2))"),
    "delta2": ("δ^(2) = ∂c/∂a^(2) · g_2′(z^(2))", "δ_j^(L) = ∂c/∂a_j^(L) g_L′(z_j^(L))"),
    "gprime1": ("g_1′(z^(1)) = 1 − tanh²(z^(1))", "g_1′(z_j^(1))"),
    "delta1": ("δ^(1) = (δ^(2) W^(2)ᵀ) · g_1′(z^(1))", "δ_j^(1) = Σ_k δ_k^(2) W_jk^(2) g_1′(z_j^(1))"),
    "dW2": ("∂c/∂W^(2): entry (i, j) is a_i^(1) δ_j^(2)", "∂c/∂W_ij^(2) = a_i^(1) δ_j^(2)"),
    "db2": ("∂c/∂b^(2) = δ^(2)", "∂c/∂b_j^(2) = δ_j^(2)"),
    "dW1": ("∂c/∂W^(1): entry (i, j) is x_i δ_j^(1)", "∂c/∂W_ij^(1) = a_i^(0) δ_j^(1)"),
    "db1": ("∂c/∂b^(1) = δ^(1)", "∂c/∂b_j^(1) = δ_j^(1)"),
}

_STEP_HOME = {
    "z1": (NB01, None), "a1": (NB01, None), "z2": (NB01, None), "a2": (NB01, None),
    "dc_da2": (NB02, "Step 2: an elementwise g collapses the sum"),
    "gprime2": (NB02, "Common mistake: g(z) instead of g'(z)"),
    "delta2": (NB02, "Step 2: an elementwise g collapses the sum"),
    "gprime1": (NB03, "Common mistake: g' evaluated at a instead of z"),
    "delta1": (NB03, "Step 2: the recursion in index form"),
    "dW2": (NB04, "Step 1: dc/dW for one example"), "db2": (NB04, "Step 2: dc/db for one example"),
    "dW1": (NB04, "Step 1: dc/dW for one example"), "db1": (NB04, "Step 2: dc/db for one example"),
}

_STEP_INPUTS = {
    "z1": (), "a1": ("z1",), "z2": ("a1",), "a2": ("z2",), "dc_da2": ("a2",), "gprime2": ("z2",),
    "delta2": ("dc_da2", "gprime2"), "gprime1": ("z1",), "delta1": ("delta2", "gprime1"),
    "dW2": ("a1", "delta2"), "db2": ("delta2",), "dW1": ("delta1",), "db1": ("delta1",),
}


def _tanh_p(z):
    return 1.0 - np.tanh(z) ** 2


def _sig_p(z):
    s = _sig(z)
    return s * (1.0 - s)


def _by_hand_formulas(P):
    """step -> list of (mistake or None, description, function of the values V)."""
    x, W1, b1, W2, b2, y = (np.asarray(P[k], dtype=np.float64) for k in ("x", "W1", "b1", "W2", "b2", "y"))
    return {
        "z1": [(None, "", lambda V: x @ W1 + b1),
               ("transposed_weights", "x W^(1)ᵀ + b^(1)", lambda V: x @ W1.T + b1),
               ("missing_bias", "x W^(1), without b^(1)", lambda V: x @ W1)],
        "a1": [(None, "", lambda V: np.tanh(V["z1"]))],
        "z2": [(None, "", lambda V: V["a1"] @ W2 + b2),
               ("transposed_weights", "a^(1) W^(2)ᵀ + b^(2)", lambda V: V["a1"] @ W2.T + b2),
               ("missing_bias", "a^(1) W^(2), without b^(2)", lambda V: V["a1"] @ W2),
               ("off_by_one_layer", "z^(1) W^(2) + b^(2), with z^(1) in place of a^(1)",
                lambda V: V["z1"] @ W2 + b2)],
        "a2": [(None, "", lambda V: _sig(V["z2"]))],
        "dc_da2": [(None, "", lambda V: V["a2"] - y),
                   ("sign_flipped", "y − a^(2)", lambda V: y - V["a2"]),
                   ("cost_instead_of_derivative", "½ (a^(2) − y)²", lambda V: 0.5 * (V["a2"] - y) ** 2)],
        "gprime2": [(None, "", lambda V: _sig_p(V["z2"])),
                    (None, "", lambda V: V["a2"] * (1 - V["a2"])),
                    ("activation_instead_of_derivative", "σ(z^(2)) = a^(2)", lambda V: _sig(V["z2"])),
                    ("derivative_at_activation", "σ′(a^(2))", lambda V: _sig_p(V["a2"])),
                    ("off_by_one_layer", "tanh′(z^(2)), layer 1's g′", lambda V: _tanh_p(V["z2"]))],
        "delta2": [(None, "", lambda V: V["dc_da2"] * V["gprime2"]),
                   ("missing_activation_derivative", "∂c/∂a^(2) alone", lambda V: V["dc_da2"]),
                   ("activation_instead_of_derivative", "∂c/∂a^(2) · σ(z^(2))",
                    lambda V: V["dc_da2"] * _sig(V["z2"])),
                   ("derivative_at_activation", "∂c/∂a^(2) · σ′(a^(2))",
                    lambda V: V["dc_da2"] * _sig_p(V["a2"])),
                   ("sign_flipped", "(y − a^(2)) · g_2′(z^(2))", lambda V: -V["dc_da2"] * V["gprime2"]),
                   ("cost_instead_of_derivative", "½ (a^(2) − y)² · g_2′(z^(2))",
                    lambda V: 0.5 * (V["a2"] - y) ** 2 * V["gprime2"])],
        "gprime1": [(None, "", lambda V: _tanh_p(V["z1"])),
                    (None, "", lambda V: 1 - V["a1"] ** 2),
                    ("activation_instead_of_derivative", "tanh(z^(1)) = a^(1)", lambda V: np.tanh(V["z1"])),
                    ("derivative_at_activation", "tanh′(a^(1)) = 1 − tanh²(a^(1))", lambda V: _tanh_p(V["a1"])),
                    ("hard_coded_sigmoid_derivative", "a^(1) (1 − a^(1))", lambda V: V["a1"] * (1 - V["a1"])),
                    ("off_by_one_layer", "σ′(z^(1)), layer 2's g′", lambda V: _sig_p(V["z1"]))],
        "delta1": [(None, "", lambda V: (V["delta2"] @ W2.T) * V["gprime1"]),
                   ("missing_transpose", "Σ_k δ_k^(2) W_kj^(2) · g_1′(z_j^(1)), W^(2) without the transpose",
                    lambda V: (V["delta2"] @ W2) * V["gprime1"]),
                   ("missing_activation_derivative", "Σ_k δ_k^(2) W_jk^(2), without g_1′",
                    lambda V: V["delta2"] @ W2.T),
                   ("activation_instead_of_derivative", "Σ_k δ_k^(2) W_jk^(2) · tanh(z_j^(1))",
                    lambda V: (V["delta2"] @ W2.T) * np.tanh(V["z1"])),
                   ("derivative_at_activation", "Σ_k δ_k^(2) W_jk^(2) · tanh′(a_j^(1))",
                    lambda V: (V["delta2"] @ W2.T) * _tanh_p(V["a1"])),
                   ("off_by_one_layer", "Σ_k δ_k^(2) W_jk^(2) · g_2′(z_j^(2)), layer 2's g′",
                    lambda V: (V["delta2"] @ W2.T) * V["gprime2"])],
        "dW2": [(None, "", lambda V: np.outer(V["a1"], V["delta2"])),
                ("transposed_gradient", "δ_i^(2) a_j^(1), the transpose", lambda V: np.outer(V["delta2"], V["a1"])),
                ("off_by_one_layer", "a_i^(2) δ_j^(2), with a^(2) in place of a^(1)",
                 lambda V: np.outer(V["a2"], V["delta2"])),
                ("off_by_one_layer", "x_i δ_j^(2), with a^(0) in place of a^(1)",
                 lambda V: np.outer(x, V["delta2"]))],
        "db2": [(None, "", lambda V: V["delta2"]),
                ("off_by_one_layer", "δ^(1) in place of δ^(2)", lambda V: V["delta1"])],
        "dW1": [(None, "", lambda V: np.outer(x, V["delta1"])),
                ("transposed_gradient", "δ_i^(1) x_j, the transpose", lambda V: np.outer(V["delta1"], x)),
                ("off_by_one_layer", "a_i^(1) δ_j^(1), with a^(1) in place of a^(0) = x",
                 lambda V: np.outer(V["a1"], V["delta1"]))],
        "db1": [(None, "", lambda V: V["delta1"]),
                ("off_by_one_layer", "δ^(2) in place of δ^(1)", lambda V: V["delta2"])],
    }


_BY_HAND_ATOL = 5e-4
_BY_HAND_RTOL = 1e-2


def _by_hand_close(s, c):
    return s.shape == c.shape and bool(np.allclose(s, c, rtol=_BY_HAND_RTOL, atol=_BY_HAND_ATOL))


def _by_hand_truth():
    P = by_hand_problem()
    formulas = _by_hand_formulas(P)
    V = {}
    for stage in BY_HAND_STAGES.values():
        for step in stage:
            V[step] = np.asarray(formulas[step][0][2](V), dtype=np.float64)
    return P, formulas, V


def _read_steps(fn, label):
    """Run one of the student's functions; return (dict of arrays, problem text or None)."""
    def normalize(value):
        if value is None:
            raise _BadReturn("returned None: did you forget the `return`?")
        if not isinstance(value, dict):
            raise _BadReturn(f"returned a {type(value).__name__}; return a dict such as "
                             f"{{'z1': [..., ...], ...}}")
        return value
    out = _call(fn, (), normalize)
    return out


def check_by_hand(stage, fn, earlier=()):
    """Check the hand-computed values of one stage of E6.

    stage : a key of :data:`BY_HAND_STAGES` ("forward", "output_delta", "hidden_delta", "gradients").
    fn : a function of no arguments returning a dict step -> value (a number list or nested list),
        e.g. ``{"z1": [0.1, 0.2], ...}``.
    earlier : the student's functions for earlier stages. Their values are used to tell an error
        made in this stage from one carried forward from an earlier stage.

    Each step is checked against the true value (tolerance: absolute 2e-3 plus relative 1%, for
    hand rounding), then against the right method applied to the student's own earlier values
    ("carried forward"), then against every catalogued mistake. Returns a :class:`CheckResult`
    whose ``steps`` maps each step to its own result.
    """
    if stage not in BY_HAND_STAGES:
        raise ValueError(f"unknown stage {stage!r}; the stages are {', '.join(BY_HAND_STAGES)}")
    name = f"check_by_hand({stage!r})"
    steps = BY_HAND_STAGES[stage]
    home = [_STEP_HOME[steps[-1]]]
    P, formulas, truth = _by_hand_truth()
    out = _read_steps(fn, stage)
    if out.kind == "not_implemented":
        return CheckResult(name, "not_implemented",
                           _stub_text(fn, out.error, f"Fill in the values of {', '.join(steps)}."),
                           revisit=home)
    if out.kind in ("raised", "bad_return"):
        what = f"raised {_describe_exception(out.error)}" if out.kind == "raised" else str(out.error)
        return CheckResult(name, "error", f"`{_fname(fn)}` {what}.",
                           revisit=home)
    mine = out.value
    # the student's earlier values, where they can be read
    theirs = {}
    for f in earlier:
        o = _read_steps(f, "")
        if o.kind == "ok":
            for k, v in o.value.items():
                try:
                    theirs[k] = np.asarray(v, dtype=np.float64)
                except (TypeError, ValueError):
                    pass
    unknown = [k for k in mine if k not in steps]
    results = {}
    for step in steps:
        results[step] = _check_step(step, mine, theirs, truth, formulas)
    done = [s for s in steps if results[s].status != "not_implemented"]
    passed = [s for s in steps if results[s].passed]
    details = "\n".join(f"  {s:<8} {results[s].headline.split(': ', 1)[1]:<40} {_STEP_TEXT[s][0]}"
                        for s in steps)
    if unknown:
        details += f"\n(ignored: {', '.join(map(repr, unknown))}; the steps of this stage are " \
                   f"{', '.join(steps)})"
    if len(passed) == len(steps):
        return CheckResult(name, "passed", f"all {len(steps)} values of this stage are right.",
                           details=details, steps=results, revisit=home)
    if not done:
        return CheckResult(name, "not_implemented",
                           f"not implemented yet: none of {', '.join(steps)} is in the dict yet.",
                           details=details, steps=results, revisit=home)
    first = next(s for s in steps if not results[s].passed and results[s].status != "not_implemented") \
        if any(not results[s].passed and results[s].status != "not_implemented" for s in steps) else None
    if first is None:
        missing = [s for s in steps if results[s].status == "not_implemented"]
        return CheckResult(name, "not_implemented",
                           f"{len(passed)} of {len(steps)} values are right so far; not implemented "
                           f"yet: {', '.join(missing)}.", details=details, steps=results, revisit=home)
    r = results[first]
    msg = f"the first step that went wrong is {first}: {r.feedback}"
    return CheckResult(name, r.status, msg, mistake=r.mistake, details=details, steps=results,
                       revisit=r.revisit or home)


def _check_step(step, mine, theirs, truth, formulas):
    name = step
    home = [_STEP_HOME[step]]
    if step not in mine:
        return CheckResult(name, "not_implemented", f"not implemented yet: {step} is not in the dict.",
                           revisit=home)
    try:
        value = np.asarray(mine[step], dtype=np.float64)
    except (TypeError, ValueError):
        return CheckResult(name, "error", f"{step} = {mine[step]!r} is not a number or a list of numbers.",
                           revisit=home)
    expected = truth[step]
    eq = _STEP_TEXT[step][1]
    if value.shape != expected.shape:
        what = "a 2 × 2 matrix: entry [i][j] is for W_ij" if expected.ndim == 2 else \
            "a list of 2 numbers, one per unit j"
        return CheckResult(name, "wrong_shape", f"{step} has shape {value.shape}; it must be {what}.",
                           equation=eq, revisit=home)
    if not np.all(np.isfinite(value)):
        return CheckResult(name, "wrong", f"{step} contains NaN or inf.", equation=eq, revisit=home)
    if _by_hand_close(value, expected):
        return CheckResult(name, "passed", f"{step} is right.", equation=eq, revisit=home)
    # the student's own earlier values, where available, else the true ones
    own = dict(truth)
    carried = []
    for k in _all_inputs(step):
        if k in mine and k != step:
            src = mine[k]
        elif k in theirs:
            src = theirs[k]
        else:
            continue
        try:
            v = np.asarray(src, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if v.shape == truth[k].shape and not _by_hand_close(v, truth[k]):
            own[k] = v
            carried.append(k)
    with np.errstate(all="ignore"):
        if carried:
            for mistake, _, f in formulas[step]:
                if mistake is None and _by_hand_close(value, np.asarray(f(own))):
                    return CheckResult(
                        name, "wrong",
                        f"{step} follows correctly from your {', '.join(carried)}, which "
                        f"{'is' if len(carried) == 1 else 'are'} wrong: the method is right, fix "
                        f"{carried[0]} first (error carried forward).", equation=eq, revisit=home)
        for values in ((truth, own) if carried else (truth,)):
            for mistake, desc, f in formulas[step]:
                if mistake is None:
                    continue
                cand = np.asarray(f(values), dtype=np.float64)
                if cand.shape == value.shape and _by_hand_close(value, cand):
                    return CheckResult(
                        name, "mistake",
                        f"{step} equals «{desc}».\nThat is the mistake `{mistake}`: {MISTAKES[mistake]}",
                        mistake=mistake, equation=eq, revisit=[_section(mistake)] + home)
    idx, sv, ev = _first_difference(value, expected)
    where = "".join(f"[{int(i)}]" for i in idx)
    hint = ""
    if carried:
        hint = f" (It also uses your {', '.join(carried)}, which {'is' if len(carried) == 1 else 'are'} wrong.)"
    return CheckResult(name, "wrong",
                       f"{step}{where} = {_fmt(sv)} is not right, and it matches no catalogued mistake. "
                       f"Redo the step: {_STEP_TEXT[step][0]}.{hint}", equation=eq, revisit=home)


def _all_inputs(step):
    """Every step that ``step`` depends on, directly or not."""
    seen = []
    todo = list(_STEP_INPUTS[step])
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.append(k)
            todo += list(_STEP_INPUTS[k])
    return seen
