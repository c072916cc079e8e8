"""Checks for the classroom exercises that recognise, and name, the student's mistake.

Each check takes the student's function, calls it on several probes (random shapes, square and
non-square layers, several activations, batch sizes 1 and larger, odd and even), and compares
what it returns with the right answer *and* with what every catalogued mistake would return.
The result is a :class:`CheckResult` with

* ``.passed``: True only if the function is right on every probe;
* ``.mistake``: None, or an id of the mistake catalogue, :data:`MISTAKES` (e.g. ``"missing_transpose"``);
* ``.message``: what went wrong, the equation, and the notebook section to revisit.

It shows as rich HTML in Jupyter and as plain text everywhere else. A student function that
raises gets its exception reported as feedback (never a traceback out of the checker), and one
that still holds nbgrader's stub (``raise NotImplementedError()``) gets "not implemented yet".
Every call of a student's function runs on deep copies of its arguments, under a time limit
(``timeout=``, 5 s per check by default), with its output captured (:mod:`.calling`); E4 refuses
the library's own backward pass (:mod:`.shortcuts`). For grades, ``python -m
backprop_lab.exercises.grade submission.ipynb`` re-checks a notebook's functions run in a separate
process (:mod:`.grade`, :mod:`.sandbox`), which nbgrader's hidden tests call too.

>>> import numpy as np
>>> from backprop_lab import exercises as ex
>>> def output_delta(a_L, y, z_L, g):
...     return (a_L - y) * g(z_L)          # the exercise's student answer: da/dz = g(z)
>>> ex.check_output_delta(output_delta).mistake
'activation_instead_of_derivative'

The signatures (rows are examples, as everywhere in backprop_lab):

Every ``check_*`` takes ``timeout=`` (seconds for all its test cases) after its arguments.

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

The package, one idea per module: :mod:`.feedback` (CheckResult), :mod:`.calling` (the one place
that runs student code), :mod:`.shortcuts` (E4's refusals), :mod:`.sandbox` and
:mod:`.sandbox_child` (student code in another process), :mod:`.grade` (summative grading),
:mod:`.engine` (the one check engine), :mod:`.output_delta`,
:mod:`.hidden_delta`, :mod:`.gradients` and :mod:`.backward` (E1–E4: probes and candidate
formulas), :mod:`.questions` (E5) and :mod:`.by_hand` (E6). The mistakes are those of
:mod:`backprop_lab.mistakes`, the sections those of :mod:`backprop_lab.references`. Probes and
answers are computed on first use, not at import.
"""

from __future__ import annotations

from ..mistakes import CATALOGUE, MISTAKES
from ..references import NB01, NB02, NB03, NB04
from .backward import BACKWARD_EQUATION, check_backward, check_backward_numerically
from .by_hand import BY_HAND_STAGES, by_hand_problem, check_by_hand
from .feedback import NOTEBOOK_LINK_BASE, CheckResult
from .gradients import (BIAS_GRADIENT_EQUATION, WEIGHT_GRADIENT_EQUATION, check_bias_gradient,
                        check_weight_gradient)
from .hidden_delta import HIDDEN_DELTA_EQUATION, check_hidden_delta
from .output_delta import OUTPUT_DELTA_EQUATION, check_output_delta
from .questions import QUESTIONS, Question, check_answer, question

__all__ = [
    "MISTAKES", "CATALOGUE", "CheckResult", "check_output_delta", "check_hidden_delta",
    "check_weight_gradient", "check_bias_gradient", "check_backward", "check_backward_numerically",
    "QUESTIONS", "Question", "question", "check_answer",
    "by_hand_problem", "BY_HAND_STAGES", "check_by_hand",
    "OUTPUT_DELTA_EQUATION", "HIDDEN_DELTA_EQUATION", "WEIGHT_GRADIENT_EQUATION",
    "BIAS_GRADIENT_EQUATION", "BACKWARD_EQUATION", "NOTEBOOK_LINK_BASE", "NB01", "NB02", "NB03", "NB04",
]

# E7–E11: exercises that ask for a derivation first, then code (their results quote the equation
# only once the student has an answer, see :mod:`.derived`):
#
# * ``check_input_gradient(fn)``: ``fn(net, fwd, y) -> dc/dx``, (m, n_0), one row per example (E7);
# * ``check_l2_gradient(fn)``: ``fn(net, fwd, y, lam) -> dW[1..L]`` for C + (lam/2) sum ||W^(l)||_F^2 (E8);
# * ``check_swish_prime(fn)``: ``fn(z) -> g'(z)`` for g(z) = z sigma(z), and
#   ``check_swish_activation(fn)``: ``fn() -> g``, registered as "swish", through ``bl.backward`` (E9);
# * ``check_logcosh_output_delta(fn)``: ``fn(a_L, y, z_L, g) -> delta_L`` for c = sum_j log cosh(a_j - y_j) (E10);
# * ``check_tied_gradient(fn)``: ``fn(net, fwd, y) -> dC/dW`` with W^(2) = W^(1)T (E11).
from .input_gradient import INPUT_GRADIENT_EQUATION, check_input_gradient  # noqa: E402
from .logcosh import LOGCOSH_DELTA_EQUATION, check_logcosh_output_delta  # noqa: E402
from .swish import SWISH_PRIME_EQUATION, check_swish_activation, check_swish_prime  # noqa: E402
from .tied_weights import TIED_GRADIENT_EQUATION, check_tied_gradient  # noqa: E402
from .weight_decay import L2_GRADIENT_EQUATION, check_l2_gradient  # noqa: E402

__all__ += [
    "check_input_gradient", "check_l2_gradient", "check_swish_prime", "check_swish_activation",
    "check_logcosh_output_delta", "check_tied_gradient", "INPUT_GRADIENT_EQUATION",
    "L2_GRADIENT_EQUATION", "SWISH_PRIME_EQUATION", "LOGCOSH_DELTA_EQUATION", "TIED_GRADIENT_EQUATION",
]
