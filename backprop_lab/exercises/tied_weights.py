"""E11, tied weights: ``fn(net, fwd, y) -> dC/dW`` of the one matrix W shared by both layers of an
autoencoder, W^(1) = W and W^(2) = W^T, for the squared-error cost (a batch mean).

net: a Network with L = 2 and ``net.W[2]`` equal to ``net.W[1].T``; fwd = bl.forward(net, x) with
x: (m, n_0); y: (m, n_0) -> (n_0, n_1), the shape of W.

Each W_ij is used twice, as W^(1)_ij and as W^(2)_ji, so it reaches the cost along two paths, and
the chain rule adds them: dC/dW = dC/dW^(1) + (dC/dW^(2))^T. It is the rule behind the sum over k
in the recursion (a hidden neuron reaches the cost through every neuron k of the next layer).
"""

from __future__ import annotations

import numpy as np

from ..network import Network, backward
from .derived import DerivedExercise
from .engine import Candidate
from .network_probes import NetworkCase

__all__ = ["TIED_GRADIENT_EQUATION", "EXERCISE", "check_tied_gradient", "right", "uses", "tied_network"]

TIED_GRADIENT_EQUATION = ("∂C/∂W_ij = ∂C/∂W_ij^(1) + ∂C/∂W_ji^(2): one term per use of W_ij; "
                          "in matrix "
                          "form ∂C/∂W = ∂C/∂W^(1) + (∂C/∂W^(2))ᵀ")


def uses(net, fwd, y):
    """(∂C/∂W^(1), ∂C/∂W^(2)): the gradients of the two uses, as if they were separate matrices."""
    bwd = backward(net, fwd, y, "squared_error")
    return bwd.dW[1], bwd.dW[2]


def right(net, fwd, y):
    """∂C/∂W^(1) + (∂C/∂W^(2))ᵀ: (n_0, n_1)."""
    d1, d2 = uses(net, fwd, y)
    return d1 + d2.T


def tied_network(n_0, n_1, activations, seed):
    """A 2-layer network with W^(2) = W^(1)ᵀ: sizes [n_0, n_1, n_0], random W and biases."""
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, 1.0, (n_0, n_1))
    return Network([W, W.T], [rng.normal(0.0, 0.5, n_1), rng.normal(0.0, 0.5, n_0)], activations)


CANDIDATES = [
    Candidate(None, "∂C/∂W^(1) + (∂C/∂W^(2))ᵀ", right),
    Candidate("shared_weight_one_use", "∂C/∂W^(1) alone, the first use",
              lambda net, fwd, y: uses(net, fwd, y)[0]),
    Candidate("shared_weight_one_use", "(∂C/∂W^(2))ᵀ alone, the second use",
              lambda net, fwd, y: uses(net, fwd, y)[1].T),
    Candidate("shared_weight_not_transposed", "∂C/∂W^(1) + ∂C/∂W^(2), without the transpose",
              lambda net, fwd, y: uses(net, fwd, y)[0] + uses(net, fwd, y)[1]),
    Candidate("shared_weight_averaged", "(∂C/∂W^(1) + (∂C/∂W^(2))ᵀ) / 2, the two uses averaged",
              lambda net, fwd, y: right(net, fwd, y) / 2),
]


def make_probes():
    specs = [(3, 3, ["tanh", "identity"], 4, True),
             (4, 2, ["sigmoid", "sigmoid"], 1, True),
             (2, 3, ["softplus", "tanh"], 3, False),
             (3, 3, ["sigmoid", "tanh"], 2, False),
             (5, 2, ["leaky_relu", "identity"], 3, True)]
    probes = []
    for k, (n0, n1, acts, m, autoencoder) in enumerate(specs):
        net = tied_network(n0, n1, acts, seed=1600 + k)
        rng = np.random.default_rng(1610 + k)
        x = rng.normal(0.0, 1.0, (m, n0))
        y = x.copy() if autoencoder else rng.uniform(-1.0, 1.0, (m, n0))
        probes.append(NetworkCase(f"sizes [{n0}, {n1}, {n0}], {', '.join(acts)}, m = {m}"
                                  + (", y = x" if autoencoder else "")
                                  + (" (a square W)" if n0 == n1 else ""), net, x, y, n0 == n1))
    return probes


def _shape_reason(probe, got):
    n0, n1 = probe.net.sizes[:2]
    text = (f"∂C/∂W has the shape of the shared W = W^(1), (n_0, n_1) = ({n0}, {n1}), so that gradient "
            f"descent can update W ← W − η ∂C/∂W entry by entry.")
    if got == (n1, n0):
        text += " Yours has the shape of W^(2) = Wᵀ."
    return text


EXERCISE = DerivedExercise("check_tied_gradient", "∂C/∂W", TIED_GRADIENT_EQUATION, "two_paths", make_probes,
                           CANDIDATES, shape_reason=_shape_reason)


def check_tied_gradient(fn, timeout=None):
    """Check ``fn(net, fwd, y) -> dC/dW`` for an autoencoder with tied weights, W^(1) = W and
    W^(2) = W^T (``net.W[2]`` equals ``net.W[1].T``), and the squared-error cost.

    net: a Network with L = 2; fwd = bl.forward(net, x), x: (m, n_0); y: (m, n_0) -> (n_0, n_1).
    Returns a :class:`CheckResult`.
    """
    return EXERCISE.check(fn, timeout)
