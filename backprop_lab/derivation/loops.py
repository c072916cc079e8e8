"""Backpropagation written out index by index: the loop versions of the package's passes.

The package's :func:`backprop_lab.forward` and :func:`backprop_lab.backward` are vectorised.
The functions here compute the same quantities the way the exercise writes them, with explicit
loops over the indices i, j, k (and over the examples), so that a notebook can put each equation
next to code that reads exactly like it:

    z_j^(l) = sum_i a_i^(l-1) W_ij^(l) + b_j^(l)                 :func:`layer_forward_loops`
    delta_j^(L) = sum_k dc/da_k^(L) da_k^(L)/dz_j^(L)            :func:`output_delta_loops`
    delta_j^(l) = sum_k delta_k^(l+1) W_jk^(l+1) g_l'(z_j^(l))    :func:`hidden_delta_loops`
    dc/dW_ij^(l) = a_i^(l-1) delta_j^(l),  dc/db_j^(l) = delta_j^(l)   :func:`weight_bias_gradients_loops`

Conventions are the package's: rows are examples, ``W[l]`` has shape (n_{l-1}, n_l), layers are
numbered l = 1..L and a[0] is the input. A single example may be a 1-D vector.
"""

from __future__ import annotations

import numpy as np

from .._checks import as_batch, as_input, require_elementwise
from ..activations import get_activation
from ..losses import get_loss
from ..network import Backward, Forward, check_network

__all__ = [
    "layer_forward_loops", "forward_loops",
    "activation_jacobian", "output_delta_loops",
    "hidden_delta_loops", "hidden_delta_einsum", "hidden_delta_matrix",
    "weight_bias_gradients_loops", "backward_loops",
]


# --- the forward pass, index by index ----------------------------------------------------

def layer_forward_loops(a_prev, W, b):
    """z_j = sum_i a_i W_ij + b_j, written with explicit loops over the examples, j and i.

    a_prev: (m, n_{l-1}) or (n_{l-1},); W: (n_{l-1}, n_l); b: (n_l,) -> z: (m, n_l) or (n_l,).
    """
    a_prev, W, b = np.asarray(a_prev, dtype=float), np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    if W.ndim != 2 or b.shape != (W.shape[1],) or a_prev.ndim not in (1, 2) or a_prev.shape[-1] != W.shape[0]:
        raise ValueError(f"need a_prev of shape (m, n_prev) or (n_prev,), W of shape (n_prev, n) and b of "
                         f"shape (n,); got a_prev {a_prev.shape}, W {W.shape}, b {b.shape}")
    single = a_prev.ndim == 1
    A = a_prev.reshape(1, -1) if single else a_prev
    n_prev, n = W.shape
    z = np.zeros((A.shape[0], n))
    for x in range(A.shape[0]):          # one example at a time
        for j in range(n):               # neuron j of layer l
            total = 0.0
            for i in range(n_prev):      # sum over the neurons i of layer l-1
                total += A[x, i] * W[i, j]
            z[x, j] = total + b[j]
    return z[0] if single else z


def forward_loops(net, x):
    """The forward pass with :func:`layer_forward_loops`: a^(0) = x, then for l = 1..L
    z^(l) from the index formula and a^(l) = g_l(z^(l)).

    x: (m, n_0) or (n_0,). Returns a :class:`backprop_lab.Forward`, like :func:`backprop_lab.forward`.
    """
    check_network(net)
    x2, single = as_input(net, x)
    a, z = [np.asarray(x2, dtype=float)], []
    for l in range(1, net.L + 1):
        z.append(layer_forward_loops(a[-1], net.W[l], net.b[l]))
        a.append(net.g[l](z[-1]))
    if single:
        a, z = [v[0] for v in a], [v[0] for v in z]
    return Forward(a, z, single, net)


# --- the output delta ----------------------------------------------------------------------

def activation_jacobian(g, z):
    """J[k, j] = da_k/dz_j for one example. z: (n,) -> (n, n).

    For an elementwise g, a_k depends on z_k only, so J is diagonal with g'(z_k) on the
    diagonal; softmax has a full Jacobian ``a_k (1[k=j] - a_j)``.
    """
    g = get_activation(g)
    z = np.asarray(z, dtype=float)
    if z.ndim != 1:
        raise ValueError(f"activation_jacobian takes one example z of shape (n,), got shape {z.shape}")
    if g.elementwise:
        return np.diag(g.prime(z))
    return g.jacobian(z)


def output_delta_loops(g, z, dc_da):
    """delta_j^(L) = sum_k dc/da_k^(L) da_k^(L)/dz_j^(L), with explicit loops over j and k.

    This is the chain rule before any simplification: it holds for every g, softmax included.
    g: the output activation (name or object); z, dc_da: (m, n_L) or (n_L,) -> same shape.
    """
    g = get_activation(g)
    z, dc_da = np.asarray(z, dtype=float), np.asarray(dc_da, dtype=float)
    if z.shape != dc_da.shape or z.ndim not in (1, 2):
        raise ValueError(f"z and dc_da must have the same shape (m, n_L) or (n_L,), got {z.shape} and {dc_da.shape}")
    single = z.ndim == 1
    Z, G = (z[None], dc_da[None]) if single else (z, dc_da)
    delta = np.zeros_like(Z)
    for x in range(Z.shape[0]):
        J = activation_jacobian(g, Z[x])      # J[k, j] = da_k/dz_j
        for j in range(Z.shape[1]):
            total = 0.0
            for k in range(Z.shape[1]):
                total += G[x, k] * J[k, j]
            delta[x, j] = total
    return delta[0] if single else delta


# --- the backward recursion, three ways -----------------------------------------------------

def _check_recursion(delta_next, W_next, z):
    delta_next, W_next, z = (np.asarray(v, dtype=float) for v in (delta_next, W_next, z))
    if W_next.ndim != 2 or z.ndim not in (1, 2) or delta_next.ndim != z.ndim \
            or z.shape[-1] != W_next.shape[0] or delta_next.shape[-1] != W_next.shape[1] \
            or delta_next.shape[:-1] != z.shape[:-1]:
        raise ValueError(
            f"need delta_next of shape (m, n_{{l+1}}), W_next of shape (n_l, n_{{l+1}}) and z of shape "
            f"(m, n_l) (or 1-D for one example); got delta_next {delta_next.shape}, W_next {W_next.shape}, "
            f"z {z.shape}")
    return delta_next, W_next, z


def hidden_delta_loops(delta_next, W_next, z, g):
    """delta_j^(l) = sum_k delta_k^(l+1) W_jk^(l+1) g_l'(z_j^(l)), with explicit loops over j and k.

    delta_next: (m, n_{l+1}); W_next = W^(l+1): (n_l, n_{l+1}); z = z^(l): (m, n_l) -> (m, n_l).
    1-D arrays (one example) work too. g must be elementwise.
    """
    delta_next, W_next, z = _check_recursion(delta_next, W_next, z)
    g = require_elementwise(g, "hidden_delta_loops")
    single = z.ndim == 1
    D, Z = (delta_next[None], z[None]) if single else (delta_next, z)
    n_l, n_next = W_next.shape
    delta = np.zeros_like(Z)
    for x in range(Z.shape[0]):
        gp = g.prime(Z[x])
        for j in range(n_l):
            total = 0.0
            for k in range(n_next):
                total += D[x, k] * W_next[j, k]
            delta[x, j] = total * gp[j]
    return delta[0] if single else delta


def hidden_delta_einsum(delta_next, W_next, z, g):
    """The same recursion with ``np.einsum("mk,jk->mj", delta_next, W_next) * g'(z)``: the
    index string is the formula's indices (sum over the repeated k). Shapes as in
    :func:`hidden_delta_loops`."""
    delta_next, W_next, z = _check_recursion(delta_next, W_next, z)
    g = require_elementwise(g, "hidden_delta_einsum")
    return np.einsum("...k,jk->...j", delta_next, W_next) * g.prime(z)


def hidden_delta_matrix(delta_next, W_next, z, g):
    """The same recursion as matrices: ``(delta_next @ W_next.T) * g'(z)``. Shapes as in
    :func:`hidden_delta_loops`."""
    delta_next, W_next, z = _check_recursion(delta_next, W_next, z)
    g = require_elementwise(g, "hidden_delta_matrix")
    return (delta_next @ W_next.T) * g.prime(z)


# --- part (b): weight and bias gradients ----------------------------------------------------

def weight_bias_gradients_loops(a_prev, delta):
    """dC/dW_ij = (1/|D|) sum_x a_i^(l-1)(x) delta_j^(l)(x) and dC/db_j = (1/|D|) sum_x delta_j^(l)(x),
    with explicit loops over the examples x, i and j.

    a_prev: (m, n_{l-1}); delta: (m, n_l) -> dW: (n_{l-1}, n_l), db: (n_l,). With 1-D inputs
    (one example, |D| = 1) this is dc/dW_ij = a_i delta_j, the outer product.
    """
    a_prev, delta = np.asarray(a_prev, dtype=float), np.asarray(delta, dtype=float)
    if a_prev.ndim != delta.ndim or a_prev.ndim not in (1, 2) or a_prev.shape[:-1] != delta.shape[:-1]:
        raise ValueError(f"need a_prev (m, n_prev) and delta (m, n) with the same m (or both 1-D); "
                         f"got {a_prev.shape} and {delta.shape}")
    A, D = (a_prev[None], delta[None]) if a_prev.ndim == 1 else (a_prev, delta)
    m, n_prev, n = A.shape[0], A.shape[1], D.shape[1]
    dW, db = np.zeros((n_prev, n)), np.zeros(n)
    for x in range(m):
        for i in range(n_prev):
            for j in range(n):
                dW[i, j] += A[x, i] * D[x, j]     # dc/dW_ij = a_i delta_j for this example
        for j in range(n):
            db[j] += D[x, j]                      # dc/db_j = delta_j for this example
    return dW / m, db / m                         # C is the mean of c: divide by |D| = m


def backward_loops(net, fwd, y, loss="mse"):
    """The whole backward pass written with the index formulas, no shortcut:

    delta^(L) by :func:`output_delta_loops` with dc/da from the loss (softmax through its
    Jacobian, no a - y shortcut), then for l = L-1..1 dc/da_j^(l) = sum_k delta_k^(l+1) W_jk^(l+1)
    and delta_j^(l) = sum_k dc/da_k^(l) da_k^(l)/dz_j^(l) (= dc/da_j^(l) g_l'(z_j^(l)) for an
    elementwise g), then :func:`weight_bias_gradients_loops`.

    Returns a :class:`backprop_lab.Backward`, like :func:`backprop_lab.backward`.
    """
    check_network(net)
    loss = get_loss(loss)
    if not isinstance(fwd, Forward):
        raise TypeError(f"fwd must be the result of bl.forward(net, x), not {type(fwd).__name__}")
    loss.check_output(net.g[net.L])
    _, y2, _ = as_batch(net, fwd.a[0], y, loss)
    a = [np.atleast_2d(np.asarray(v, dtype=float)) for v in fwd.a]
    z = [np.atleast_2d(np.asarray(v, dtype=float)) for v in fwd.z]
    L, m = net.L, a[0].shape[0]
    delta = [None] * (L + 1)
    delta[L] = output_delta_loops(net.g[L], z[L - 1], loss.grad(a[L], y2))
    for l in range(L - 1, 0, -1):
        W_next = net.W[l + 1]
        dc_da = np.zeros((m, net.sizes[l]))
        for x in range(m):
            for j in range(net.sizes[l]):
                for k in range(net.sizes[l + 1]):
                    dc_da[x, j] += delta[l + 1][x, k] * W_next[j, k]   # dz_k^(l+1)/da_j^(l) = W_jk^(l+1)
        delta[l] = output_delta_loops(net.g[l], z[l - 1], dc_da)
    dW, db = [], []
    for l in range(1, L + 1):
        gW, gb = weight_bias_gradients_loops(a[l - 1], delta[l])
        dW.append(gW)
        db.append(gb)
    deltas = delta[1:]
    if fwd.single:
        deltas = [d[0] for d in deltas]
    return Backward(deltas, dW, db, loss, fwd, y2.reshape(np.shape(fwd.a[L])))
