"""Finite-difference oracles for single steps of the derivation.

Each function perturbs one quantity (a z^(l), an a^(l), a W^(l) or b^(l)), runs the rest of the
network with :func:`backprop_lab.gradcheck.run_from_z` (the runner behind
:func:`backprop_lab.gradient_check`, so there is one, not two) and takes central differences with
:func:`backprop_lab.numerical_gradient`. A notebook compares them with the index formulas of
:mod:`backprop_lab.derivation.loops` through :func:`agree`.
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import numerical_gradient, relative_error, run_from_z
from ..losses import get_loss
from ..network import check_network
from .loops import forward_loops

__all__ = ["cost_from_z", "cost_from_a", "numerical_delta", "numerical_dc_da", "numerical_param_gradient",
           "agree"]


def _cost_from(net, l, y, loss, a=None, z=None):
    """Per-example c, running the network from a^(l) (if given) or from z^(l)."""
    loss = get_loss(loss)
    y = np.asarray(y, dtype=float)
    if z is None and l == net.L:
        c = loss(a, y)
    else:
        if z is None:
            z, l = a @ net.W[l + 1] + net.b[l + 1], l + 1
        # gradient_check's runner; for sigmoid + binary cross-entropy and
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
    check_network(net)
    l = net.L if l is None else l
    z = np.asarray(forward_loops(net, x).z[l], dtype=float)
    return _per_example_gradient(lambda zz: cost_from_z(net, l, zz, y, loss), z, eps)


def numerical_dc_da(net, x, y, loss="mse", l=None, eps=1e-6):
    """dc/da^(l) by central differences, for each example (default l = L).

    x: (m, n_0) or (n_0,) -> (m, n_l) or (n_l,).
    """
    check_network(net)
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
