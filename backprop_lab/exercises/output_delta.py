"""E1, the output delta: ``fn(a_L, y, z_L, g) -> delta_L`` for c = 1/2 sum_j (a_j - y_j)^2.

a_L, y, z_L: (m, n_L), with a_L = g(z_L); g: an activation (``g(z)``, ``g.prime(z)``) -> (m, n_L).
The candidates are the right formula and every catalogued way of getting it wrong; E4's backward
pass is assembled from the same functions (:mod:`.backward`).
"""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS
from .engine import ArrayProbe, Candidate, Exercise

__all__ = ["OUTPUT_DELTA_EQUATION", "EXERCISE", "check_output_delta", "right", "with_g",
           "without_g_prime", "g_prime_at_a", "sign_flipped", "cost_not_derivative",
           "sigmoid_shortcut", "sigmoid_prime", "output_layer_probes"]

OUTPUT_DELTA_EQUATION = ("δ_j^(L) = ∂c/∂a_j^(L) · g_L′(z_j^(L)), with ∂c/∂a_j^(L) = a_j^(L) − y_j "
                         "for c = ½ Σ_j (a_j − y_j)²")

SIGMOID = ACTIVATIONS["sigmoid"]


def right(a, y, z, g):
    """(a − y) · g′(z)."""
    return (a - y) * g.prime(z)


def with_g(a, y, z, g):
    """activation_instead_of_derivative: (a − y) · g(z)."""
    return (a - y) * g(z)


def without_g_prime(a, y, z, g):
    """missing_activation_derivative: a − y."""
    return a - y


def g_prime_at_a(a, y, z, g):
    """derivative_at_activation: (a − y) · g′(a)."""
    return (a - y) * g.prime(a)


def sign_flipped(a, y, z, g):
    """sign_flipped: (y − a) · g′(z)."""
    return (y - a) * g.prime(z)


def cost_not_derivative(a, y, z, g):
    """cost_instead_of_derivative: ½ (a − y)² · g′(z)."""
    return 0.5 * (a - y) ** 2 * g.prime(z)


def example_cost_not_derivative(a, y, z, g):
    """cost_instead_of_derivative: c · g′(z), with c the cost of each example."""
    return 0.5 * np.sum((a - y) ** 2, axis=-1, keepdims=True) * g.prime(z)


def sigmoid_shortcut(a, y, z, g):
    """hard_coded_sigmoid_derivative: (a − y) · a (1 − a), whatever g is."""
    return (a - y) * a * (1 - a)


def sigmoid_prime(a, y, z, g):
    """hard_coded_sigmoid_derivative: (a − y) · σ′(z), whatever g is."""
    return (a - y) * SIGMOID.prime(z)


CANDIDATES = [
    Candidate(None, "(a − y) · g′(z)", right),
    Candidate("activation_instead_of_derivative", "(a − y) · g(z)", with_g),
    Candidate("missing_activation_derivative", "a − y, without the factor g′(z)", without_g_prime),
    Candidate("derivative_at_activation", "(a − y) · g′(a)", g_prime_at_a),
    Candidate("sign_flipped", "(y − a) · g′(z)", sign_flipped),
    Candidate("cost_instead_of_derivative", "½ (a − y)² · g′(z)", cost_not_derivative),
    Candidate("cost_instead_of_derivative", "c · g′(z), with c = ½ Σ_j (a_j − y_j)² of each example",
              example_cost_not_derivative),
    Candidate("hard_coded_sigmoid_derivative", "(a − y) · a (1 − a)", sigmoid_shortcut),
    Candidate("hard_coded_sigmoid_derivative", "(a − y) · σ(z) (1 − σ(z))", sigmoid_prime),
]


def output_layer_probes(specs, seed, targets):
    """Probes (a_L, y, z_L, g) of an output layer, one per (m, n_L, activation name) in ``specs``:
    z ~ N(0, 1.5^2) and y = targets(rng, shape), drawn in that order from default_rng(seed + k)."""
    probes = []
    for k, (m, n, name) in enumerate(specs):
        rng = np.random.default_rng(seed + k)
        g = ACTIVATIONS[name]
        z = rng.normal(0.0, 1.5, (m, n))
        y = targets(rng, (m, n))
        probes.append(ArrayProbe(f"m = {m}, n_L = {n}, g = {name}", (g(z), y, z, g),
                                 ("a_L", "y", "z_L", "g"), square=True))
    return probes


def make_probes():
    specs = [(3, 2, "sigmoid"), (1, 3, "tanh"), (4, 3, "softplus"), (2, 4, "leaky_relu"), (5, 2, "tanh")]
    return output_layer_probes(specs, 500, lambda rng, shape: rng.uniform(0.0, 1.0, shape))


def _shape_reason(probe, got):
    return ("δ^(L) = ∂c/∂z^(L) has the shape of z^(L): one row per example and one column per "
            "output unit. Every operation in the formula is elementwise, so nothing should change "
            "the shape.")


EXERCISE = Exercise("check_output_delta", "δ^(L)", OUTPUT_DELTA_EQUATION, "output_delta", make_probes,
                    CANDIDATES, context="output", shape_reason=_shape_reason)


def check_output_delta(fn, timeout=None):
    """Check ``fn(a_L, y, z_L, g) -> delta_L`` = (a - y) * g'(z), the output delta for MSE.

    a_L, y, z_L: (m, n_L), with a_L = g(z_L); g: an activation object -> (m, n_L).
    timeout: seconds for all test cases together. Returns a :class:`CheckResult`.
    """
    return EXERCISE.check(fn, timeout)
