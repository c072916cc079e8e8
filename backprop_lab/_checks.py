"""Input checks that speak the learner's language.

Every public function validates its arguments here, at the boundary, so that a
mistake raises a ValueError or TypeError naming the shapes or values involved,
before numpy can raise its own, less helpful, message (or silently broadcast).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .activations import get_activation


def as_numeric(value, name):
    """np.asarray(value), refusing anything that is not real numbers (TypeError)."""
    try:
        arr = np.asarray(value)
    except ValueError as e:  # a ragged nested list
        raise ValueError(f"{name} could not be made into an array, since its rows have different "
                         f"lengths (numpy says: {e})") from None
    if arr.dtype.kind not in "biuf":
        example = ""
        if arr.size:
            example = f", e.g. {arr.flat[0]!r}"
        raise TypeError(f"{name} must contain real numbers, but it has dtype {arr.dtype}{example}")
    return arr


def check_finite(arr, name):
    """Raise ValueError naming where arr has NaN or inf."""
    if math.isfinite(arr.sum()):
        return  # a finite sum means no NaN or inf (either would make the sum NaN or inf)
    finite = np.isfinite(arr)
    if finite.all():
        return
    bad = np.argwhere(~finite)[0]
    value = arr[tuple(bad)]
    n_nan = int(np.isnan(arr).sum())
    n_inf = int(np.isinf(arr).sum())
    where = ", ".join(str(int(i)) for i in bad)
    raise ValueError(f"{name} contains {n_nan} NaN and {n_inf} infinite value(s); the first is "
                     f"{name}[{where}] = {value}")


def check_positive_number(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, not {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value}")
    return float(value)


def check_count(value, name, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


# --- the arguments of the passes: x and y against a network ---------------------------------
# These take a backprop_lab.Network that network.check_network has already accepted, and read
# only its W[1], sizes and dtype.

def as_input(net, x):
    """Validate x against the network; return it as a (m, n_0) array of net.dtype, and whether
    x was one example of shape (n_0,)."""
    x = as_numeric(x, "x")
    W1 = net.W[1]
    n0 = W1.shape[0]
    if x.ndim not in (1, 2):
        raise ValueError(
            f"x must be one example of shape (n_0,) = ({n0},), or a batch of shape (m, n_0) = "
            f"(m, {n0}) with one example per row; got a {x.ndim}-D array of shape {x.shape}")
    if x.shape[-1] != n0:
        what = "entries" if x.ndim == 1 else "columns"
        msg = (f"x has {x.shape[-1]} {what} but layer 1 expects n_0 = {n0} inputs "
               f"(W[1] has shape {W1.shape})")
        if x.ndim == 2 and x.shape[0] == n0:
            msg += "; rows are examples here, so did you mean x.T?"
        raise ValueError(msg)
    if x.ndim == 2 and x.shape[0] == 0:
        raise ValueError(f"x has shape {x.shape}: the batch holds no examples")
    check_finite(x, "x")
    single = x.ndim == 1
    x = np.asarray(x, dtype=W1.dtype)  # W1.dtype is net.dtype
    return (x.reshape(1, n0) if single else x), single


def as_target(y, shape, dtype, loss):
    """Validate the targets y against the output's shape and the loss; return y as ``dtype``."""
    y = as_numeric(y, "y")
    if y.shape != shape:
        msg = f"y has shape {y.shape} but the output a[L] has shape {shape}; they must match"
        if y.ndim == 1 and len(shape) == 2 and shape == (y.shape[0], 1):
            msg += " (use y.reshape(-1, 1); a (m,) y would broadcast against (m, 1) to (m, m))"
        elif y.ndim == 2 and y.shape[::-1] == shape:
            msg += " (rows are examples: did you mean y.T?)"
        raise ValueError(msg)
    check_finite(y, "y")
    y = np.asarray(y, dtype=dtype)
    loss.check_targets(y)
    return y


def as_batch(net, x, y, loss):
    """Validate x and y together; return 2-D x2 (m, n_0), y2 (m, n_L) and whether x was one example."""
    x2, single = as_input(net, x)
    out_shape = (net.sizes[-1],) if single else (x2.shape[0], net.sizes[-1])
    y2 = as_target(y, out_shape, net.dtype, loss).reshape(x2.shape[0], -1)
    return x2, y2, single


def require_elementwise(g, who):
    """The activation g (a name or an Activation), if it is elementwise; else a TypeError saying
    that ``who`` needs g'(z) of one variable."""
    g = get_activation(g)
    if not g.elementwise:
        raise TypeError(f"{who} uses g'(z) of one variable, but {g.name} is not elementwise; "
                        f"use backward_loops, which multiplies by its Jacobian")
    return g
