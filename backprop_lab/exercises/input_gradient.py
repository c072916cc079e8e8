"""E7, the input gradient: ``fn(net, fwd, y) -> dc/dx`` = delta^(1) W^(1)T, for c = 1/2 ||a - y||^2.

net: a Network; fwd = bl.forward(net, x) with x: (m, n_0); y: (m, n_L) -> (m, n_0), one row per
example: row r is the gradient of that example's own cost c with respect to its input, row r of x.
Saliency maps and adversarial examples are built from it.

x reaches the cost only through z^(1) = x W^(1) + b^(1), so dc/dx_i = sum_j delta_j^(1) W_ij^(1):
the recursion's first step, one layer further down, and with no g' (the input has no activation).
"""

from __future__ import annotations

import numpy as np

from ..network import Network, backward
from .derived import DerivedExercise
from .engine import Candidate
from .network_probes import NetworkCase

__all__ = ["INPUT_GRADIENT_EQUATION", "EXERCISE", "check_input_gradient", "right", "delta_1"]

INPUT_GRADIENT_EQUATION = ("∂c/∂x_i = Σ_j δ_j^(1) W_ij^(1); in matrix form ∂c/∂x = δ^(1) W^(1)ᵀ, "
                           "one row per example")


def delta_1(net, fwd, y):
    """δ^(1) for the squared error: (m, n_1)."""
    return backward(net, fwd, y, "squared_error").delta[1]


def right(net, fwd, y):
    """δ^(1) W^(1)ᵀ: (m, n_0)."""
    return delta_1(net, fwd, y) @ net.W[1].T


CANDIDATES = [
    Candidate(None, "δ^(1) W^(1)ᵀ", right),
    Candidate("input_gradient_is_delta", "δ^(1) = ∂c/∂z^(1), one step short of x", delta_1),
    Candidate("missing_transpose", "δ^(1) W^(1), W without the transpose",
              lambda net, fwd, y: delta_1(net, fwd, y) @ net.W[1]),
    Candidate("activation_derivative_at_input", "(δ^(1) W^(1)ᵀ) · g_1′(x), a g′ at the input",
              lambda net, fwd, y: right(net, fwd, y) * net.g[1].prime(fwd.a[0])),
    Candidate("activation_derivative_at_input", "(δ^(1) W^(1)ᵀ) · g_1′(z^(1)), g_1′ a second time",
              lambda net, fwd, y: right(net, fwd, y) * net.g[1].prime(fwd.z[1])),
    Candidate("per_example_averaged", "the mean over the examples of δ^(1) W^(1)ᵀ, one row",
              lambda net, fwd, y: right(net, fwd, y).mean(axis=0)),
    Candidate("per_example_averaged", "the mean over the examples of δ^(1) W^(1)ᵀ, kept as a (1, n_0) row",
              lambda net, fwd, y: right(net, fwd, y).mean(axis=0, keepdims=True)),
    Candidate("per_example_averaged", "the sum over the examples of δ^(1) W^(1)ᵀ, one row",
              lambda net, fwd, y: right(net, fwd, y).sum(axis=0)),
    Candidate("per_example_averaged", "δ^(1) W^(1)ᵀ / m, the batch mean's 1/m on a per-example answer",
              lambda net, fwd, y: right(net, fwd, y) / fwd.a[0].shape[0]),
    Candidate("sign_flipped", "−δ^(1) W^(1)ᵀ", lambda net, fwd, y: -right(net, fwd, y)),
]


def make_probes():
    specs = [([3, 3, 2], ["tanh", "sigmoid"], 3),
             ([4, 3, 2], ["softplus", "tanh"], 1),
             ([2, 5, 3, 2], ["leaky_relu", "tanh", "sigmoid"], 2),
             ([3, 3, 3], ["sigmoid", "softplus"], 4),
             ([5, 2, 2], ["tanh", "identity"], 3)]
    probes = []
    for k, (sizes, acts, m) in enumerate(specs):
        rng = np.random.default_rng(1200 + k)
        net = Network.random(sizes, acts, seed=1210 + k, init="normal")
        x = rng.normal(0.0, 1.0, (m, sizes[0]))
        y = rng.uniform(-1.0, 1.0, (m, sizes[-1]))
        square = sizes[0] == sizes[1]
        probes.append(NetworkCase(f"sizes {sizes}, {', '.join(acts)}, m = {m}"
                                  + (" (a square W^(1))" if square else ""), net, x, y, square))
    return probes


def _shape_reason(probe, got):
    m, n0 = probe.x.shape
    text = (f"∂c/∂x has the shape of x, (m, n_0) = ({m}, {n0}): one row per example (each "
            f"example's own cost, differentiated with respect to its own input), one column per "
            f"input.")
    n1 = probe.net.sizes[1]
    if got in ((n0,), (1, n0)) and m > 1:
        text += " Yours has one row for the whole batch."
    elif got == (m, n1):
        text += " Yours has n_1 columns, the shape of δ^(1): one more step of the chain rule is missing."
    return text


EXERCISE = DerivedExercise("check_input_gradient", "∂c/∂x", INPUT_GRADIENT_EQUATION, "input_gradient",
                           make_probes, CANDIDATES, shape_reason=_shape_reason)


def check_input_gradient(fn, timeout=None):
    """Check ``fn(net, fwd, y) -> dc/dx``, the gradient of each example's cost c = 1/2 ||a - y||^2
    with respect to its input x.

    net: a Network; fwd = bl.forward(net, x) with x: (m, n_0); y: (m, n_L) -> (m, n_0).
    Returns a :class:`CheckResult`.
    """
    return EXERCISE.check(fn, timeout)
