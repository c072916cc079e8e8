"""Helpers for the derivation notebooks (00-04): backpropagation written out index by index.

The package's :func:`backprop_lab.forward` and :func:`backprop_lab.backward` are vectorised.
The functions here compute the same quantities the way the exercise writes them, with
explicit loops over the indices i, j, k (and over the examples), so that a notebook can put
each equation next to code that reads exactly like it, and then check the two against each
other and against central differences:

    z_j^(l) = sum_i a_i^(l-1) W_ij^(l) + b_j^(l)                 :func:`layer_forward_loops`
    delta_j^(L) = sum_k dc/da_k^(L) da_k^(L)/dz_j^(L)            :func:`output_delta_loops`
    delta_j^(l) = sum_k delta_k^(l+1) W_jk^(l+1) g_l'(z_j^(l))    :func:`hidden_delta_loops`
    dc/dW_ij^(l) = a_i^(l-1) delta_j^(l),  dc/db_j^(l) = delta_j^(l)   :func:`weight_bias_gradients_loops`

It also holds the finite-difference oracles for single derivation steps (:func:`cost_from_z`,
:func:`numerical_delta`, :func:`numerical_dc_da`, :func:`numerical_param_gradient`), the
notation translators (Nielsen's ``w^l_jk`` and the column-vector convention), and small
display helpers (:func:`latex_matrix`, :func:`array_table`, :func:`try_matmul`).

Conventions are the package's: rows are examples, ``W[l]`` has shape (n_{l-1}, n_l), layers
are numbered l = 1..L and a[0] is the input. A single example may be a 1-D vector.
"""

from __future__ import annotations

import numpy as np

from .activations import get_activation
from ._checks import as_batch, as_input, require_elementwise
from .gradcheck import numerical_gradient, relative_error, run_from_z
from .losses import get_loss
from .network import Backward, Forward, Network, check_network

__all__ = [
    "layer_forward_loops", "forward_loops",
    "activation_jacobian", "output_delta_loops",
    "hidden_delta_loops", "hidden_delta_einsum", "hidden_delta_matrix",
    "weight_bias_gradients_loops", "backward_loops",
    "cost_from_z", "cost_from_a", "numerical_delta", "numerical_dc_da", "numerical_param_gradient",
    "agree",
    "to_nielsen", "from_nielsen", "nielsen_backprop", "column_backward",
    "latex_matrix", "array_table", "try_matmul",
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
    return Forward(a, z, single)


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
    return Backward(deltas, dW, db, loss)


# --- finite-difference oracles for single steps ---------------------------------------------

def _cost_from(net, l, y, loss, a=None, z=None):
    """Per-example c, running the network from a^(l) (if given) or from z^(l)."""
    loss = get_loss(loss)
    y = np.asarray(y, dtype=float)
    if z is None and l == net.L:
        c = loss(a, y)
    else:
        if z is None:
            z, l = a @ net.W[l + 1] + net.b[l + 1], l + 1
        # the same runner as gradient_check's oracle; for sigmoid + binary cross-entropy and
        # softmax + cross-entropy it takes c straight from z (log(1 - a) loses digits as a -> 1)
        c, _ = run_from_z(net, l, z, y, loss)
    return float(c) if np.ndim(c) == 0 else c


def cost_from_a(net, l, a, y, loss="mse"):
    """The per-example cost c when the activations of layer l are ``a`` (l = 0..L): runs
    layers l+1..L forward from a and applies the loss.

    a: (m, n_l) or (n_l,); y: (m, n_L) or (n_L,) -> c: (m,) or a float.
    """
    check_network(net)
    if not 0 <= l <= net.L:
        raise ValueError(f"l must be a layer number 0..{net.L}, got {l}")
    a = np.asarray(a, dtype=float)
    if a.shape[-1] != net.sizes[l]:
        raise ValueError(f"a has {a.shape[-1]} entries per example but layer {l} has n_{l} = {net.sizes[l]}")
    return _cost_from(net, l, y, loss, a=a)


def cost_from_z(net, l, z, y, loss="mse"):
    """The per-example cost c when the weighted inputs of layer l are ``z`` (l = 1..L).

    z: (m, n_l) or (n_l,); y as in :func:`cost_from_a` -> c: (m,) or a float.
    """
    check_network(net)
    if not 1 <= l <= net.L:
        raise ValueError(f"l must be a layer number 1..{net.L} (layer 0 has no z), got {l}")
    z = np.asarray(z, dtype=float)
    if z.shape[-1] != net.sizes[l]:
        raise ValueError(f"z has {z.shape[-1]} entries per example but layer {l} has n_{l} = {net.sizes[l]}")
    return _cost_from(net, l, y, loss, z=z)


def _per_example_gradient(f, v, eps):
    # Examples do not interact, so d/dv[x, j] of sum_x' c(x') is dc(x)/dv_j(x): one
    # central difference of the summed cost gives every example's derivative.
    return numerical_gradient(lambda vv: np.sum(f(vv)), v, eps=eps)


def numerical_delta(net, x, y, loss="mse", l=None, eps=1e-6):
    """delta^(l) = dc/dz^(l) by central differences, for each example (default l = L).

    Perturbs one z_j^(l) at a time and runs the rest of the network (:func:`cost_from_z`).
    x: (m, n_0) or (n_0,) -> (m, n_l) or (n_l,).
    """
    l = net.L if l is None else l
    z = np.asarray(forward_loops(net, x).z[l], dtype=float)
    return _per_example_gradient(lambda zz: cost_from_z(net, l, zz, y, loss), z, eps)


def numerical_dc_da(net, x, y, loss="mse", l=None, eps=1e-6):
    """dc/da^(l) by central differences, for each example (default l = L).

    x: (m, n_0) or (n_0,) -> (m, n_l) or (n_l,).
    """
    l = net.L if l is None else l
    a = np.asarray(forward_loops(net, x).a[l], dtype=float)
    return _per_example_gradient(lambda aa: cost_from_a(net, l, aa, y, loss), a, eps)


def numerical_param_gradient(net, x, y, loss="mse", l=1, which="W", eps=1e-6):
    """dC/dW^(l) (``which="W"``) or dC/db^(l) (``which="b"``) by central differences of the
    dataset cost C = mean over the examples of c. For one 1-D example, C = c.

    Returns an array shaped like net.W[l] or net.b[l].
    """
    check_network(net)
    if which not in ("W", "b"):
        raise ValueError(f"which must be 'W' or 'b', got {which!r}")
    if not 1 <= l <= net.L:
        raise ValueError(f"l must be a layer number 1..{net.L}, got {l}")
    a_prev = np.asarray(forward_loops(net, x).a[l - 1], dtype=float)

    def C(p):
        W, b = (p, net.b[l]) if which == "W" else (net.W[l], p)
        return float(np.mean(cost_from_z(net, l, a_prev @ W + b, y, loss)))

    return numerical_gradient(C, net.W[l] if which == "W" else net.b[l], eps=eps)


def agree(numerical, analytic, tol=1e-7, atol=1e-12):
    """True if the shapes match and :func:`backprop_lab.relative_error` of the two arrays is at
    most ``tol``, or every entry differs by at most ``atol`` (two arrays that are both zero to
    rounding, e.g. 0 and 1e-17, have a meaningless relative error)."""
    numerical, analytic = np.asarray(numerical, dtype=float), np.asarray(analytic, dtype=float)
    if numerical.shape != analytic.shape:
        return False
    if numerical.size == 0 or np.max(np.abs(numerical - analytic)) <= atol:
        return True
    return relative_error(numerical, analytic) <= tol


# --- notation translators -------------------------------------------------------------------

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
    for l, (w, b) in enumerate(zip(weights, biases), start=1):
        assert w.shape == (net.sizes[l], net.sizes[l - 1]) and b.shape == (net.sizes[l], 1)
    return weights, biases


def from_nielsen(weights, biases, activations):
    """The inverse of :func:`to_nielsen`: W^(l) = weights[l-1].T, b^(l) = biases[l-1] flattened."""
    return Network([np.asarray(w).T for w in weights], [np.asarray(b).reshape(-1) for b in biases],
                   activations)


def nielsen_backprop(weights, biases, activations, x, y, loss="mse"):
    """Backpropagation for ONE example, in Nielsen's column-vector convention
    (his ``network.py`` ``backprop``, with any elementwise activation and loss):

        z^l = w^l a^{l-1} + b^l,   delta^L = dc/da^L (.) g'(z^L),
        delta^l = ((w^{l+1})^T delta^{l+1}) (.) g'(z^l),
        dc/db^l = delta^l,         dc/dw^l = delta^l (a^{l-1})^T

    weights, biases: as returned by :func:`to_nielsen`; x: (n_0, 1); y: (n_L, 1).
    Returns (nabla_w, nabla_b): lists shaped like weights and biases. Asserts every shape.
    """
    loss = get_loss(loss)
    gs = [get_activation(g) for g in activations]
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    assert x.ndim == 2 and x.shape[1] == 1, f"x must be a column (n_0, 1), got {x.shape}"
    a, zs, activations_ = x, [], [x]
    for w, b, g in zip(weights, biases, gs):
        assert w.shape[1] == a.shape[0] and b.shape == (w.shape[0], 1)
        z = w @ a + b                                 # (n_l, n_{l-1}) @ (n_{l-1}, 1) -> (n_l, 1)
        zs.append(z)
        a = g(z)
        activations_.append(a)
    assert y.shape == a.shape, f"y must be a column {a.shape}, got {y.shape}"
    L = len(weights)
    nabla_w, nabla_b = [None] * L, [None] * L
    g = require_elementwise(gs[-1], "nielsen_backprop")
    delta = loss.grad(a, y) * g.prime(zs[-1])         # (n_L, 1)
    for l in range(L - 1, -1, -1):                    # list index l is layer l+1
        nabla_b[l] = delta
        nabla_w[l] = delta @ activations_[l].T        # (n_l, 1) @ (1, n_{l-1}) -> (n_l, n_{l-1})
        assert nabla_w[l].shape == weights[l].shape and nabla_b[l].shape == biases[l].shape
        if l > 0:
            g = require_elementwise(gs[l - 1], "nielsen_backprop")
            delta = (weights[l].T @ delta) * g.prime(zs[l - 1])   # (n_{l-1}, n_l) @ (n_l, 1)
            assert delta.shape == zs[l - 1].shape
    return nabla_w, nabla_b


def column_backward(weights, activations, a_cols, z_cols, y_cols, loss="mse"):
    """The backward pass in the column-vector convention with the examples as COLUMNS
    (as in many course notes): W^[l] of shape (n_l, n_{l-1}), Z^[l], A^[l] of shape (n_l, m).

        Delta^[L] = dc/dA (.) g'(Z^[L]),  Delta^[l] = (W^[l+1]T Delta^[l+1]) (.) g'(Z^[l]),
        dW^[l] = Delta^[l] A^[l-1]T / m,  db^[l] = mean over columns of Delta^[l]

    weights: list of L arrays (n_l, n_{l-1}) (= our W[l].T); a_cols: L+1 arrays (n_l, m)
    (= our a[l].T); z_cols: L arrays (n_l, m); y_cols: (n_L, m).
    Returns (deltas, dWs, dbs): lists of L arrays, shapes asserted, in column layout.
    """
    loss = get_loss(loss)
    gs = [require_elementwise(g, "column_backward") for g in activations]
    L, m = len(weights), a_cols[0].shape[1]
    deltas = [None] * L
    deltas[L - 1] = loss.grad(a_cols[L], y_cols) * gs[L - 1].prime(z_cols[L - 1])
    for l in range(L - 2, -1, -1):
        deltas[l] = (weights[l + 1].T @ deltas[l + 1]) * gs[l].prime(z_cols[l])
        assert deltas[l].shape == z_cols[l].shape
    dWs = [deltas[l] @ a_cols[l].T / m for l in range(L)]
    dbs = [deltas[l].mean(axis=1) for l in range(L)]
    for l in range(L):
        assert dWs[l].shape == weights[l].shape, (dWs[l].shape, weights[l].shape)
    return deltas, dWs, dbs


# --- display helpers -------------------------------------------------------------------------

def _num(v, decimals):
    s = f"{v:.{decimals}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s   # no "-0.000"


def latex_matrix(arr, decimals=3, name=None):
    """A 1-D or 2-D array as a LaTeX ``pmatrix`` (1-D arrays as a row), rounded, for
    ``IPython.display.Math``. With ``name`` the result is ``name = \\begin{pmatrix}...``."""
    arr = np.asarray(arr, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"latex_matrix shows 1-D or 2-D arrays, got shape {arr.shape}")
    rows = [" & ".join(_num(v, decimals) for v in row) for row in arr]
    body = r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"
    return f"{name} = {body}" if name else body


def array_table(arr, row_label="i", col_label="j", decimals=3, start=1, row_names=None, col_names=None):
    """A 2-D array as a Markdown table with labelled rows and columns (for
    ``IPython.display.Markdown``). Rows are named ``row_label = start, start+1, ...`` (the
    maths counts neurons from 1, so ``start=1`` by default) unless ``row_names`` is given;
    likewise the columns. A 1-D array is shown as one row."""
    arr = np.asarray(arr, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"array_table shows 1-D or 2-D arrays, got shape {arr.shape}")
    rn = row_names or [f"{row_label} = {r + start}" for r in range(arr.shape[0])]
    cn = col_names or [f"{col_label} = {c + start}" for c in range(arr.shape[1])]
    if len(rn) != arr.shape[0] or len(cn) != arr.shape[1]:
        raise ValueError(f"got {len(rn)} row names and {len(cn)} column names for an array of shape {arr.shape}")
    lines = ["| | " + " | ".join(cn) + " |", "|---|" + "---|" * arr.shape[1]]
    lines += [f"| **{r}** | " + " | ".join(_num(v, decimals) for v in row) + " |" for r, row in zip(rn, arr)]
    return "\n".join(lines)


def try_matmul(A, B, a_name="A", b_name="B"):
    """Compute ``A @ B``; if the shapes do not chain, return a friendly one-line explanation
    instead of raising. Returns (product or None, message)."""
    A, B = np.asarray(A), np.asarray(B)
    try:
        out = A @ B
    except ValueError:
        return None, (f"{a_name} @ {b_name} fails: {a_name} has shape {A.shape} and {b_name} has shape "
                      f"{B.shape}, so the inner sizes {A.shape[-1]} and "
                      f"{B.shape[-2] if B.ndim > 1 else B.shape[0]} do not match")
    return out, f"{a_name} @ {b_name} works: {A.shape} @ {B.shape} -> {out.shape}"
