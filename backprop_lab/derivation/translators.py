"""Other notations, translated: Nielsen's ``w^l_jk`` and the column-vector convention.

The package writes rows as examples, ``z = a_prev @ W + b`` with W^(l) of shape (n_{l-1}, n_l).
Nielsen's book and many course notes write columns: z^l = w^l a^{l-1} + b^l with w^l of shape
(n_l, n_{l-1}), so their weight matrix is our W^(l) transposed. These functions convert, and run
backpropagation in those conventions, so a notebook can show that the numbers are the same.

Every argument is checked: a shape that does not fit raises a ValueError naming the shapes.
"""

from __future__ import annotations

import numpy as np

from .._checks import require_elementwise
from ..activations import get_activation
from ..losses import get_loss
from ..network import Network, check_network

__all__ = ["to_nielsen", "from_nielsen", "nielsen_backprop", "column_backward"]


def to_nielsen(net):
    """The network's parameters in Nielsen's convention (and his ``network.py`` layout).

    Nielsen writes w^l_jk for the weight from neuron k of layer l-1 to neuron j of layer l, and
    counts the input as layer 1, so his w^{l+1} is our W^(l) transposed:
    ``weights[l-1] == net.W[l].T`` of shape (n_l, n_{l-1}), and ``biases[l-1]`` is b^(l) as a
    column (n_l, 1). Returns (weights, biases), two lists of L arrays (list index l-1 for our layer l).
    """
    check_network(net)
    weights = [np.array(W.T, dtype=float) for W in net.W]
    biases = [np.array(b, dtype=float).reshape(-1, 1) for b in net.b]
    return weights, biases


def from_nielsen(weights, biases, activations):
    """The inverse of :func:`to_nielsen`: W^(l) = weights[l-1].T, b^(l) = biases[l-1] flattened."""
    return Network([np.asarray(w).T for w in weights], [np.asarray(b).reshape(-1) for b in biases],
                   activations)


def _check_columns(weights, biases, x):
    """Nielsen's layout: weights[l-1] (n_l, n_{l-1}) chaining from x (n_0, 1), biases[l-1] (n_l, 1)."""
    if len(weights) == 0 or len(biases) != len(weights):
        raise ValueError(f"need one bias column per weight matrix, and at least one of each; "
                         f"got {len(weights)} weight matrices and {len(biases)} bias columns")
    if x.ndim != 2 or x.shape[1] != 1:
        raise ValueError(f"x must be a column (n_0, 1), got shape {x.shape}")
    n_prev = x.shape[0]
    for l, (w, b) in enumerate(zip(weights, biases), start=1):
        if w.ndim != 2 or w.shape[1] != n_prev:
            raise ValueError(f"weights[{l - 1}] (Nielsen's w^{l + 1}) must have shape (n_{l}, {n_prev}) to "
                             f"take the {n_prev} activations of the layer before, but it has shape {w.shape}")
        if b.shape != (w.shape[0], 1):
            raise ValueError(f"biases[{l - 1}] must be a column ({w.shape[0]}, 1) to match weights[{l - 1}] "
                             f"of shape {w.shape}, but it has shape {b.shape}")
        n_prev = w.shape[0]


def nielsen_backprop(weights, biases, activations, x, y, loss="mse"):
    """Backpropagation for ONE example, in Nielsen's column-vector convention
    (his ``network.py`` ``backprop``, with any elementwise activation and loss):

        z^l = w^l a^{l-1} + b^l,   delta^L = dc/da^L (.) g'(z^L),
        delta^l = ((w^{l+1})^T delta^{l+1}) (.) g'(z^l),
        dc/db^l = delta^l,         dc/dw^l = delta^l (a^{l-1})^T

    weights, biases: as returned by :func:`to_nielsen`; x: (n_0, 1); y: (n_L, 1).
    Returns (nabla_w, nabla_b): lists shaped like weights and biases. Every shape is checked
    first (ValueError), and every g must be elementwise (TypeError).
    """
    loss = get_loss(loss)
    weights = [np.asarray(w, dtype=float) for w in weights]
    biases = [np.asarray(b, dtype=float) for b in biases]
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    _check_columns(weights, biases, x)
    if len(activations) != len(weights):
        raise ValueError(f"got {len(weights)} weight matrices but {len(activations)} activations")
    gs = [get_activation(g) for g in activations]
    if y.shape != (weights[-1].shape[0], 1):
        raise ValueError(f"y must be a column ({weights[-1].shape[0]}, 1) like the output, got shape {y.shape}")
    a, zs, activations_ = x, [], [x]
    for w, b, g in zip(weights, biases, gs):
        z = w @ a + b                                 # (n_l, n_{l-1}) @ (n_{l-1}, 1) -> (n_l, 1)
        zs.append(z)
        a = g(z)
        activations_.append(a)
    L = len(weights)
    nabla_w, nabla_b = [None] * L, [None] * L
    g = require_elementwise(gs[-1], "nielsen_backprop")
    delta = loss.grad(a, y) * g.prime(zs[-1])         # (n_L, 1)
    for l in range(L - 1, -1, -1):                    # list index l is layer l+1
        nabla_b[l] = delta
        nabla_w[l] = delta @ activations_[l].T        # (n_l, 1) @ (1, n_{l-1}) -> (n_l, n_{l-1})
        if l > 0:
            g = require_elementwise(gs[l - 1], "nielsen_backprop")
            delta = (weights[l].T @ delta) * g.prime(zs[l - 1])   # (n_{l-1}, n_l) @ (n_l, 1)
    return nabla_w, nabla_b


def column_backward(weights, activations, a_cols, z_cols, y_cols, loss="mse"):
    """The backward pass in the column-vector convention with the examples as COLUMNS
    (as in many course notes): W^[l] of shape (n_l, n_{l-1}), Z^[l], A^[l] of shape (n_l, m).

        Delta^[L] = dc/dA (.) g'(Z^[L]),  Delta^[l] = (W^[l+1]T Delta^[l+1]) (.) g'(Z^[l]),
        dW^[l] = Delta^[l] A^[l-1]T / m,  db^[l] = mean over columns of Delta^[l]

    weights: list of L arrays (n_l, n_{l-1}) (= our W[l].T); a_cols: L+1 arrays (n_l, m)
    (= our a[l].T); z_cols: L arrays (n_l, m); y_cols: (n_L, m).
    Returns (deltas, dWs, dbs): lists of L arrays in column layout. Every shape is checked first
    (ValueError), and every g must be elementwise (TypeError).
    """
    loss = get_loss(loss)
    weights = [np.asarray(w, dtype=float) for w in weights]
    a_cols = [np.asarray(a, dtype=float) for a in a_cols]
    z_cols = [np.asarray(z, dtype=float) for z in z_cols]
    y_cols = np.asarray(y_cols, dtype=float)
    L = len(weights)
    if L == 0 or len(activations) != L or len(z_cols) != L or len(a_cols) != L + 1:
        raise ValueError(f"need L weight matrices, L activations, L z's and L+1 a's (a[0] is the input); "
                         f"got {L}, {len(activations)}, {len(z_cols)} and {len(a_cols)}")
    gs = [require_elementwise(g, "column_backward") for g in activations]
    if a_cols[0].ndim != 2:
        raise ValueError(f"a_cols[0] must be (n_0, m), one example per column, got shape {a_cols[0].shape}")
    n_prev, m = a_cols[0].shape
    for l in range(1, L + 1):
        w, z, a = weights[l - 1], z_cols[l - 1], a_cols[l]
        if w.ndim != 2 or w.shape[1] != n_prev:
            raise ValueError(f"weights[{l - 1}] (W^[{l}]) must have shape (n_{l}, {n_prev}), got {w.shape}")
        if z.shape != (w.shape[0], m) or a.shape != (w.shape[0], m):
            raise ValueError(f"z_cols[{l - 1}] and a_cols[{l}] must have shape {(w.shape[0], m)} (n_{l}, m), "
                             f"got {z.shape} and {a.shape}")
        n_prev = w.shape[0]
    if y_cols.shape != a_cols[L].shape:
        raise ValueError(f"y_cols must have the output's shape {a_cols[L].shape} (n_L, m), got {y_cols.shape}")
    deltas = [None] * L
    deltas[L - 1] = loss.grad(a_cols[L], y_cols) * gs[L - 1].prime(z_cols[L - 1])
    for l in range(L - 2, -1, -1):
        deltas[l] = (weights[l + 1].T @ deltas[l + 1]) * gs[l].prime(z_cols[l])
    dWs = [deltas[l] @ a_cols[l].T / m for l in range(L)]
    dbs = [deltas[l].mean(axis=1) for l in range(L)]
    return deltas, dWs, dbs
