"""E2, the hidden delta: ``fn(delta_next, W_next, z, g) -> delta`` = (delta_next @ W_next.T) * g'(z).

delta_next: (m, n_{l+1}); W_next: (n_l, n_{l+1}); z: (m, n_l); g: an activation -> (m, n_l).
E4's backward pass is assembled from the same candidate functions (:mod:`.backward`).
"""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS
from .engine import ArrayProbe, Candidate, Exercise

__all__ = ["HIDDEN_DELTA_EQUATION", "EXERCISE", "check_hidden_delta", "right", "without_transpose", "without_transpose_with_g",
           "with_g", "without_g_prime", "g_prime_at_a", "sign_flipped", "sigmoid_shortcut",
           "sigmoid_prime"]

HIDDEN_DELTA_EQUATION = ("δ_j^(l) = Σ_k δ_k^(l+1) W_jk^(l+1) · g_l′(z_j^(l)); in matrix form "
                         "δ^(l) = (δ^(l+1) W^(l+1)ᵀ) ∘ g_l′(z^(l))")

SIGMOID = ACTIVATIONS["sigmoid"]


def right(d, W, z, g):
    """(δ^(l+1) W^(l+1)ᵀ) · g′(z)."""
    return (d @ W.T) * g.prime(z)


def without_transpose(d, W, z, g):
    """missing_transpose: (δ^(l+1) W^(l+1)) · g′(z)."""
    return (d @ W) * g.prime(z)


def without_transpose_with_g(d, W, z, g):
    """missing_transpose and activation_instead_of_derivative: (δ^(l+1) W^(l+1)) · g(z)."""
    return (d @ W) * g(z)


def with_g(d, W, z, g):
    """activation_instead_of_derivative: (δ^(l+1) W^(l+1)ᵀ) · g(z)."""
    return (d @ W.T) * g(z)


def without_g_prime(d, W, z, g):
    """missing_activation_derivative: δ^(l+1) W^(l+1)ᵀ."""
    return d @ W.T


def g_prime_at_a(d, W, z, g):
    """derivative_at_activation: (δ^(l+1) W^(l+1)ᵀ) · g′(a), a = g(z)."""
    return (d @ W.T) * g.prime(g(z))


def sign_flipped(d, W, z, g):
    """sign_flipped: −(δ^(l+1) W^(l+1)ᵀ) · g′(z)."""
    return -(d @ W.T) * g.prime(z)


def sigmoid_shortcut(d, W, z, g):
    """hard_coded_sigmoid_derivative: (δ^(l+1) W^(l+1)ᵀ) · a (1 − a), a = g(z), whatever g is."""
    a = g(z)
    return (d @ W.T) * a * (1 - a)


def sigmoid_prime(d, W, z, g):
    """hard_coded_sigmoid_derivative: (δ^(l+1) W^(l+1)ᵀ) · σ′(z), whatever g is."""
    return (d @ W.T) * SIGMOID.prime(z)


CANDIDATES = [
    Candidate(None, "(δ^(l+1) W^(l+1)ᵀ) · g′(z)", right),
    Candidate("missing_transpose", "(δ^(l+1) W^(l+1)) · g′(z), W without the transpose", without_transpose),
    Candidate("missing_transpose", "(δ^(l+1) W^(l+1)) · g(z), W without the transpose and g(z) in "
              "place of g′(z)", without_transpose_with_g, also=("activation_instead_of_derivative",)),
    Candidate("activation_instead_of_derivative", "(δ^(l+1) W^(l+1)ᵀ) · g(z)", with_g),
    Candidate("missing_activation_derivative", "δ^(l+1) W^(l+1)ᵀ, without the factor g′(z)", without_g_prime),
    Candidate("derivative_at_activation", "(δ^(l+1) W^(l+1)ᵀ) · g′(a), with a = g(z)", g_prime_at_a),
    Candidate("sign_flipped", "−(δ^(l+1) W^(l+1)ᵀ) · g′(z)", sign_flipped),
    Candidate("hard_coded_sigmoid_derivative", "(δ^(l+1) W^(l+1)ᵀ) · a (1 − a), with a = g(z)",
              sigmoid_shortcut),
    Candidate("hard_coded_sigmoid_derivative", "(δ^(l+1) W^(l+1)ᵀ) · σ(z) (1 − σ(z))", sigmoid_prime),
]


def make_probes():
    specs = [(3, 4, 2, "tanh"), (1, 3, 3, "sigmoid"), (4, 2, 2, "softplus"), (2, 2, 5, "sigmoid"),
             (5, 3, 3, "tanh"), (2, 3, 4, "leaky_relu")]
    probes = []
    for k, (m, n, n_next, name) in enumerate(specs):
        rng = np.random.default_rng(600 + k)
        probes.append(ArrayProbe(
            f"m = {m}, n_l = {n}, n_(l+1) = {n_next}, g = {name}" + (" (a square W)" if n == n_next else ""),
            (rng.normal(0.0, 1.0, (m, n_next)), rng.normal(0.0, 1.0, (n, n_next)),
             rng.normal(0.0, 1.5, (m, n)), ACTIVATIONS[name]),
            ("delta_next", "W_next", "z", "g"), square=(n == n_next)))
    return probes


def _shape_reason(probe, got):
    m, n = probe.values[2].shape
    text = (f"δ^(l) = ∂c/∂z^(l) has the shape of z^(l), (m, n_l) = ({m}, {n}): one row per example, "
            f"one column per unit of layer l. δ^(l+1) W^(l+1)ᵀ takes (m, n_(l+1)) to (m, n_l), "
            f"because W^(l+1) has shape (n_l, n_(l+1)).")
    if got == (n, m):
        text += " Yours is the transpose of that: rows are examples here."
    return text


EXERCISE = Exercise("check_hidden_delta", "δ^(l)", HIDDEN_DELTA_EQUATION, "hidden_delta", make_probes,
                    CANDIDATES, context="hidden", shape_reason=_shape_reason)


def check_hidden_delta(fn, timeout=None):
    """Check ``fn(delta_next, W_next, z, g) -> delta`` = (delta_next @ W_next.T) * g'(z).

    delta_next: (m, n_{l+1}); W_next: (n_l, n_{l+1}); z: (m, n_l); g: an activation -> (m, n_l).
    timeout: seconds for all test cases together. Returns a :class:`CheckResult`.
    """
    return EXERCISE.check(fn, timeout)
