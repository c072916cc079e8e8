"""E10, a new cost, log-cosh: ``fn(a_L, y, z_L, g) -> delta_L`` for c = sum_j log cosh(a_j - y_j).

a_L, y, z_L: (m, n_L), with a_L = g(z_L); g: an activation (``g(z)``, ``g.prime(z)``) -> (m, n_L).
The output delta is still dc/da * g'(z) (notebook 02); only dc/da is new:
d/du log cosh(u) = sinh(u) / cosh(u) = tanh(u), so delta^(L) = tanh(a - y) * g'(z).
"""

from __future__ import annotations

import numpy as np

from .derived import DerivedExercise
from .engine import Candidate
from .output_delta import output_layer_probes

__all__ = ["LOGCOSH_DELTA_EQUATION", "EXERCISE", "check_logcosh_output_delta", "right", "logcosh"]

LOGCOSH_DELTA_EQUATION = ("δ_j^(L) = ∂c/∂a_j^(L) · g_L′(z_j^(L)), with "
                          "∂c/∂a_j^(L) = tanh(a_j^(L) − y_j) "
                          "for c = Σ_j log cosh(a_j − y_j)")


def logcosh(a, y):
    """c = Σ_j log cosh(a_j − y_j) for each example, computed without overflow. a, y: (m, n) -> (m,)."""
    u = np.abs(a - y)
    return np.sum(u + np.log1p(np.exp(-2 * u)) - np.log(2.0), axis=-1)


def right(a, y, z, g):
    """tanh(a − y) · g′(z)."""
    return np.tanh(a - y) * g.prime(z)


CANDIDATES = [
    Candidate(None, "tanh(a − y) · g′(z)", right),
    Candidate("squared_error_habit", "(a − y) · g′(z), the squared error's ∂c/∂a",
              lambda a, y, z, g: (a - y) * g.prime(z)),
    Candidate("missing_activation_derivative", "tanh(a − y), without the factor g′(z)",
              lambda a, y, z, g: np.tanh(a - y)),
    Candidate("sign_flipped", "tanh(y − a) · g′(z)", lambda a, y, z, g: np.tanh(y - a) * g.prime(z)),
    Candidate("differentiated_twice", "(1 − tanh²(a − y)) · g′(z), tanh′ in place of tanh",
              lambda a, y, z, g: (1 - np.tanh(a - y) ** 2) * g.prime(z)),
    Candidate("activation_instead_of_derivative", "tanh(a − y) · g(z)",
              lambda a, y, z, g: np.tanh(a - y) * g(z)),
    Candidate("derivative_at_activation", "tanh(a − y) · g′(a)",
              lambda a, y, z, g: np.tanh(a - y) * g.prime(a)),
]


def make_probes():
    specs = [(3, 2, "identity"), (1, 3, "tanh"), (4, 3, "softplus"), (2, 4, "sigmoid"), (5, 2, "leaky_relu")]
    # y ~ N(0, 1.5^2): |a − y| often above 1, where tanh(a − y) and a − y differ
    return output_layer_probes(specs, 1500, lambda rng, shape: rng.normal(0.0, 1.5, shape))


def _shape_reason(probe, got):
    return ("δ^(L) = ∂c/∂z^(L) has the shape of z^(L): one row per example and one column per output "
            "unit. c is a sum over j, but each a_j appears in one term only, so ∂c/∂a_j is one number "
            "per unit: nothing is summed.")


EXERCISE = DerivedExercise("check_logcosh_output_delta", "δ^(L)", LOGCOSH_DELTA_EQUATION, "output_chain_rule",
                           make_probes, CANDIDATES, context="output", shape_reason=_shape_reason)


def check_logcosh_output_delta(fn, timeout=None):
    """Check ``fn(a_L, y, z_L, g) -> delta_L`` = tanh(a - y) * g'(z), the output delta for the cost
    c = sum_j log cosh(a_j - y_j).

    a_L, y, z_L: (m, n_L), with a_L = g(z_L); g: an activation object -> (m, n_L).
    Returns a :class:`CheckResult`.
    """
    return EXERCISE.check(fn, timeout)
