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


class NonFiniteError(ValueError):
    """A ValueError for a NaN or an infinite value: in an input, a parameter, or a result that
    overflowed. ``train`` catches it to say in which epoch training diverged."""


def as_numeric(value, name):
    """np.asarray(value), refusing anything that is not real numbers (TypeError).

    A masked array with masked entries is refused too: the computations here would silently use
    the values under the mask (ValueError). One with nothing masked is taken as its data.
    """
    if isinstance(value, np.ma.MaskedArray):
        masked = int(np.ma.count_masked(value))
        if masked:
            raise ValueError(f"{name} is a masked array with {masked} masked value(s); backprop_lab does not "
                             f"honour masks, so pass {name}.filled(value) or leave out the masked rows")
        value = np.ma.getdata(value)
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


def is_finite(arr):
    """True if the float array arr holds no NaN and no inf."""
    # the sum of squares is NaN or inf if any entry is (and vdot is one BLAS call, the cheapest
    # full pass numpy offers); it can also overflow for finite entries above ~1e154, so only a
    # finite answer is trusted and anything else is looked at entry by entry
    return math.isfinite(np.vdot(arr, arr)) or bool(np.isfinite(arr).all())


def check_finite(arr, name, what=""):
    """Raise NonFiniteError (a ValueError) naming where arr has NaN or inf.

    ``what`` is added to the message: how the value came about and what to do about it.
    """
    if is_finite(arr):
        return
    raise NonFiniteError(describe_non_finite(arr, name) + (f"; {what}" if what else ""))


def describe_non_finite(arr, name):
    """'{name} contains 1 NaN and 2 infinite value(s); the first is {name}[0, 3] = inf'."""
    arr = np.asarray(arr)
    finite = np.isfinite(arr)
    bad = np.argwhere(~finite)[0] if arr.ndim else ()
    value = arr[tuple(bad)]
    n_nan = int(np.isnan(arr).sum())
    n_inf = int(np.isinf(arr).sum())
    where = f"{name}[{', '.join(str(int(i)) for i in bad)}]" if arr.ndim else name
    return (f"{name} contains {n_nan} NaN and {n_inf} infinite value(s); the first is "
            f"{where} = {value}")


def _as_float(value, name, kind, show_value=False):
    """A real number (not a bool) as a float, an int beyond the float range as +-inf; TypeError
    "{name} must be {kind}, not ..." for anything else (with its repr if ``show_value``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        shown = f" ({value!r:.60})" if show_value else ""
        raise TypeError(f"{name} must be {kind}, not {type(value).__name__}{shown}")
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range (copysign would try float(value) again)
        return math.inf if value > 0 else -math.inf


def check_number(value, name, minimum=None, strictly=False):
    """value as a float: a real number (TypeError otherwise), finite, and >= minimum
    (> minimum if ``strictly``) when a minimum is given (ValueError otherwise)."""
    value = _as_float(value, name, "a number", show_value=True)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if minimum is not None and (value <= minimum if strictly else value < minimum):
        raise ValueError(f"{name} must be {'>' if strictly else '>='} {minimum:g}, got {value:g}")
    return value


def check_positive_number(value, name):
    value = _as_float(value, name, "a positive number")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value}")
    return value


def is_sequence(value):
    """True for a list, tuple or 1-D-or-more array (not a string, a number or a 0-d array)."""
    return (not isinstance(value, (str, bytes)) and hasattr(value, "__len__")
            and not (isinstance(value, np.ndarray) and value.ndim == 0))


def check_count(value, name, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def rng_from(seed, name="seed"):
    """np.random.default_rng(seed) for seed None, an int >= 0 or a numpy Generator; our own
    TypeError or ValueError for anything else."""
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(seed)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{name} must be None, an int >= 0 or a numpy Generator, not "
                        f"{type(seed).__name__} ({seed!r:.60})")
    if seed < 0:
        raise ValueError(f"{name} must be an int >= 0 (or None), got {seed}")
    return np.random.default_rng(int(seed))


def float_dtype(dtype):
    """np.dtype(dtype) if it is a floating type (float64, float32, ...); TypeError otherwise."""
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        dt = None
    if dt is None or dt.kind != "f":
        raise TypeError(f"dtype must be a floating type such as float64 or float32, not {dtype!r:.60}")
    return dt


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
    single = x.ndim == 1
    x = as_dtype(x, W1.dtype, "x")  # W1.dtype is net.dtype; a fresh copy, never the caller's array
    return (x.reshape(1, n0) if single else x), single


def as_dtype(arr, dtype, name):
    """A copy of the real array arr as ``dtype``, checked to be finite after the conversion: a
    value beyond the dtype's range (1e39 in float32) becomes inf there, and is named."""
    if arr.dtype == dtype:
        out = arr.copy()
    else:
        with np.errstate(over="ignore"):  # a value too large for dtype is reported below
            out = np.array(arr, dtype=dtype)
    if not is_finite(out):
        if out.dtype != arr.dtype and arr.dtype.kind == "f" and is_finite(arr):
            big = np.argwhere(~np.isfinite(out))[0]
            where = ", ".join(str(int(i)) for i in big)
            raise NonFiniteError(
                f"{name}[{where}] = {arr[tuple(big)]:g} does not fit in the network's dtype {dtype} (largest "
                f"{np.finfo(dtype).max:.3g}): it would become inf; scale {name} down, or use a float64 network")
        check_finite(out, name)
    return out


def as_target(y, shape, dtype, loss):
    """Validate the targets y against the output's shape and the loss; return y as ``dtype``."""
    y = loss.as_targets(as_numeric(y, "y"), shape)
    if y.shape != shape:
        msg = f"y has shape {y.shape} but the output a[L] has shape {shape}; they must match"
        if loss.takes_labels and y.shape == shape[:-1]:
            msg += (f" (or be integer class labels of shape {shape[:-1]}; these have dtype {y.dtype}: "
                    f"use y.astype(int))")
        if y.ndim == 1 and len(shape) == 2 and shape == (y.shape[0], 1):
            msg += " (use y.reshape(-1, 1); a (m,) y would broadcast against (m, 1) to (m, m))"
        elif y.ndim == 2 and y.shape[::-1] == shape:
            msg += " (rows are examples: did you mean y.T?)"
        raise ValueError(msg)
    y = as_dtype(y, dtype, "y")
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
