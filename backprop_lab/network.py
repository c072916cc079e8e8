"""The network, and backpropagation in the exercise's notation.

Neuron j of layer l (l = 1..L) computes

    z_j^(l) = sum_i a_i^(l-1) W_ij^(l) + b_j^(l),      a_j^(l) = g_l(z_j^(l)),

with a^(0) = x. Rows are examples, so for a batch of m examples this is
``z[l] = a[l-1] @ W[l] + b[l]`` with ``W[l]`` of shape (n_{l-1}, n_l).
With delta_j^(l) = dc/dz_j^(l), backpropagation is

    delta^(L) = dc/da^(L) * g_L'(z^(L))                     (part a, first equation)
    delta^(l) = (delta^(l+1) W^(l+1)T) * g_l'(z^(l))        (part a, second equation)
    dc/dW_ij^(l) = a_i^(l-1) delta_j^(l),  dc/db_j^(l) = delta_j^(l)   (part b)

and the dataset gradients are means over the batch, because C = (1/|D|) sum_x c(x).
"""

from __future__ import annotations

from math import isfinite
from operator import attrgetter

import numpy as np
from numpy import vdot

from ._checks import (NonFiniteError, as_batch, as_dtype, as_input, as_numeric, as_target, check_count,
                      check_positive_number, describe_non_finite, float_dtype, is_finite, is_sequence, rng_from)
from .activations import get_activation
from .layers import PerLayer
from .losses import get_loss
from .results import TOO_LARGE, Backward, Forward, output_costs, unchanged_since, what_changed_since

__all__ = ["Network", "Forward", "Backward", "TrainingDiverged", "forward", "backward", "cost", "sgd_step",
           "train"]

_TRAINING = ("TrainingDiverged", "sgd_step", "train")


def __getattr__(name):
    """sgd_step, train and TrainingDiverged live in backprop_lab.training (which imports this module);
    they are importable from here too, as they were before the split."""
    if name in _TRAINING:
        from . import training
        return getattr(training, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


INITS = ("xavier", "he", "normal")


class Network:
    """A fully connected feed-forward network, numbered as in the derivation.

    Parameters
    ----------
    weights : list of L arrays
        ``weights[l-1]`` is W^(l), of shape (n_{l-1}, n_l): ``W[l][i, j]`` is W_ij^(l), the
        weight from neuron i of layer l-1 to neuron j of layer l.
    biases : list of L arrays
        ``biases[l-1]`` is b^(l), of shape (n_l,).
    activations : list of L names or Activation objects, or one name for every layer
        ``activations[l-1]`` is g_l; see :data:`backprop_lab.ACTIVATIONS`.

    The arrays are copied. ``net.W[l]``, ``net.b[l]`` and ``net.g[l]`` are indexed by
    l = 1..L. The parameters share one floating dtype (float64 unless every parameter
    is float32 or narrower).

    Writes are checked: ``net.W[l] = value`` (and ``net.b[l] = value``) takes real numbers of
    the layer's shape, copies them and converts them to the network's dtype (ints become floats;
    a float32 network stays float32), and refuses NaN and inf, or a value the dtype cannot hold;
    ``net.g[l] = "relu"`` takes a name or an Activation. The layer sizes and the dtype are fixed
    once the network is built. (Changes made in place, ``net.W[l][i, j] = v``, are not checked
    when made; forward and backward notice any that break their results.)
    """

    def __init__(self, weights, biases, activations):
        weights = _as_list(weights, "weights", "a list of weight matrices [W1, ..., WL]")
        biases = _as_list(biases, "biases", "a list of bias vectors [b1, ..., bL]")
        L = len(weights)
        if L == 0:
            raise ValueError("a network needs at least one layer, but weights is empty")
        if not is_sequence(activations):
            activations = [activations] * L
        activations = list(activations)
        if len(biases) != L:
            raise ValueError(f"got {L} weight matrices but {len(biases)} bias vectors; "
                             f"layer l needs one of each, for l = 1..L")
        if len(activations) != L:
            raise ValueError(f"got {L} weight matrices but {len(activations)} activations; "
                             f"layer l needs one activation g_l, for l = 1..L")

        W = [as_numeric(w, f"W[{l}]") for l, w in enumerate(weights, start=1)]
        b = [as_numeric(v, f"b[{l}]") for l, v in enumerate(biases, start=1)]
        for l, w in enumerate(W, start=1):
            if w.ndim != 2:
                raise ValueError(f"W[{l}] must be a matrix of shape (n_{l - 1}, n_{l}), "
                                 f"but it has shape {w.shape}")
            if 0 in w.shape:
                raise ValueError(f"W[{l}] has shape {w.shape}: every layer needs at least one "
                                 f"neuron, so both sizes must be positive")
            if l > 1 and w.shape[0] != W[l - 2].shape[1]:
                raise ValueError(
                    f"W[{l - 1}] and W[{l}] do not chain: W[{l - 1}] has shape {W[l - 2].shape}, "
                    f"so layer {l - 1} has n_{l - 1} = {W[l - 2].shape[1]} neurons, but W[{l}] has "
                    f"shape {w.shape} and expects n_{l - 1} = {w.shape[0]} inputs")
        for l, (w, v) in enumerate(zip(W, b), start=1):
            if v.shape != (w.shape[1],):
                raise ValueError(f"b[{l}] has shape {v.shape} but layer {l} has n_{l} = "
                                 f"{w.shape[1]} neurons, so b[{l}] must have shape ({w.shape[1]},)")
        dtype = np.result_type(*W, *b, np.float32)
        sizes = [W[0].shape[0]] + [w.shape[1] for w in W]
        self._version = 0  # how many checked writes the network has taken (see version)
        self._written = {}  # "W[2]" -> the version its last checked write made (see written_since)
        self._shapes = {"W": [w.shape for w in W], "b": [v.shape for v in b]}
        self._dtype, self._sizes = dtype, sizes
        # the checks are bound methods, not closures, so that a network pickles (the fresh-process
        # grader sends one to its child) and a deep copy's checks count the copy's own writes
        layers = range(1, L + 1)
        self._W = PerLayer("W", [self._check_W(l, w) for l, w in zip(layers, W)], check=self._check_W)
        self._b = PerLayer("b", [self._check_b(l, v) for l, v in zip(layers, b)], check=self._check_b)
        self._g = PerLayer("g", [self._check_g(l, a) for l, a in zip(layers, activations)], check=self._check_g)

    def _check_W(self, l, value):
        return self._check_parameter("W", l, value)

    def _check_b(self, l, value):
        return self._check_parameter("b", l, value)

    def _check_parameter(self, name, l, value):
        """The check of a write ``net.W[l] = value`` (name "W") or ``net.b[l] = value`` ("b"): real
        numbers of the layer's shape, returned as a finite copy in the network's dtype. Counts the write."""
        label = f"{name}[{l}]"
        arr = as_numeric(value, label)
        shape = self._shapes[name][l - 1]
        if arr.shape != shape:
            symbols = f"(n_{l - 1}, n_{l})" if name == "W" else f"(n_{l},)"
            raise ValueError(f"{label} must have shape {symbols} = {shape}, but the new value has shape "
                             f"{arr.shape}; the layer sizes are fixed once a network is built (build a "
                             f"new Network to change them)")
        arr = as_dtype(arr, self._dtype, label)
        self._count_write(label)
        return arr

    def _check_g(self, l, value):
        """The check of a write ``net.g[l] = value``: a name or an Activation that fits n_l units.
        Counts the write."""
        try:
            g = get_activation(value)
        except (TypeError, ValueError) as e:
            raise type(e)(f"g[{l}] = {value!r:.60}: {e}") from None
        g.check_units(self._sizes[l], l)
        self._count_write(f"g[{l}]")
        return g

    def _count_write(self, label):
        self._version += 1
        self._written[label] = self._version

    @property
    def version(self):
        """How many checked writes (``net.W[l] = ...``, ``net.b[l] = ...``, ``net.g[l] = ...``,
        sgd_step, set_parameters) the network has taken. Changes made in place are not counted."""
        return self._version

    def written_since(self, version):
        """The parameters replaced by a checked write since the network had ``version``, in the
        order W[1..L], b[1..L], g[1..L]: e.g. ``['W[2]', 'b[2]']``."""
        names = [f"{p}[{l}]" for p in "Wbg" for l in range(1, self.L + 1)]
        return [name for name in names if self._written.get(name, 0) > version]

    # W, b and g are fixed containers: a layer is replaced with net.W[l] = ..., which is checked
    W = property(attrgetter("_W"), lambda self, v: _refuse_replacing("W"),
                 doc="W[l] = W^(l), shape (n_{l-1}, n_l), for l = 1..L (writes are checked).")
    b = property(attrgetter("_b"), lambda self, v: _refuse_replacing("b"),
                 doc="b[l] = b^(l), shape (n_l,), for l = 1..L (writes are checked).")
    g = property(attrgetter("_g"), lambda self, v: _refuse_replacing("g"),
                 doc="g[l] = g_l, the activation of layer l, for l = 1..L (writes are checked).")

    @classmethod
    def random(cls, sizes, activations, seed=None, init="xavier", dtype=np.float64):
        """A network with random weights.

        sizes : [n_0, n_1, ..., n_L], the number of neurons per layer (n_0 inputs).
        activations : L names (or one name for every layer).
        seed : None, an int >= 0 or a numpy Generator, for ``np.random.default_rng``.
        init : how W^(l) is drawn, with n_in = n_{l-1}, n_out = n_l:
            ``"xavier"``: normal with variance 2 / (n_in + n_out) (Glorot), biases 0;
            ``"he"``: normal with variance 2 / n_in, biases 0 (for relu);
            ``"normal"``: standard normal weights and biases (Nielsen's chapters 1-5);
            a positive number s: normal with standard deviation s, biases 0.
        dtype : float64 (default) or float32.
        """
        if not is_sequence(sizes):
            raise TypeError(f"sizes must be a list [n_0, n_1, ..., n_L], not {type(sizes).__name__}")
        sizes = [check_count(n, f"sizes[{i}] (n_{i})") for i, n in enumerate(sizes)]
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least n_0 and n_1, got {sizes}")
        L = len(sizes) - 1
        if is_sequence(activations):
            if len(activations) != L:
                raise ValueError(
                    f"sizes {sizes} describe L = {L} layer(s) (n_0 is the input), so they need "
                    f"{L} activation(s), but {len(activations)} were given: {list(activations)}")
        dtype = float_dtype(dtype)
        rng = rng_from(seed)
        if isinstance(init, str) and init not in INITS:
            raise ValueError(f"unknown init {init!r}; the valid names are "
                             + ", ".join(repr(n) for n in INITS) + ", or a positive number")
        if not isinstance(init, str):
            init = check_positive_number(init, "init (a standard deviation)")
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            if init == "xavier":
                std, bias_std = np.sqrt(2.0 / (n_in + n_out)), 0.0
            elif init == "he":
                std, bias_std = np.sqrt(2.0 / n_in), 0.0
            elif init == "normal":
                std, bias_std = 1.0, 1.0
            else:
                std, bias_std = init, 0.0
            try:
                weights.append((std * rng.standard_normal((n_in, n_out))).astype(dtype))
            except MemoryError:
                raise ValueError(f"sizes {sizes}: a weight matrix of {n_in} x {n_out} = {n_in * n_out:.3g} "
                                 f"numbers is more than this machine can hold") from None
            biases.append((bias_std * rng.standard_normal(n_out)).astype(dtype))
        return cls(weights, biases, activations)

    @property
    def L(self):
        """The number of layers with weights (the input layer 0 is not counted)."""
        return len(self.W)

    @property
    def sizes(self):
        """[n_0, n_1, ..., n_L]."""
        return [self.W[1].shape[0]] + [w.shape[1] for w in self.W]

    @property
    def dtype(self):
        return self.W[1].dtype

    def copy(self):
        """An independent copy (the arrays are copied)."""
        return Network(list(self.W), list(self.b), list(self.g))

    def predict(self, x):
        """The output a^(L) for x: (m, n_0) -> (m, n_L), or (n_0,) -> (n_L,)."""
        return forward(self, x).a[self.L]

    def __repr__(self):
        names = [g.name for g in self.g]
        return f"Network(sizes={self.sizes}, activations={names}, dtype={self.dtype})"


    def set_parameters(self, weights, biases):
        """Replace every W[l] and b[l] at once: weights and biases are lists of L arrays, each
        checked as ``net.W[l] = ...`` checks it. If any is refused, nothing changes. Returns net."""
        weights = _as_list(weights, "weights", "a list of weight matrices [W1, ..., WL]")
        biases = _as_list(biases, "biases", "a list of bias vectors [b1, ..., bL]")
        if len(weights) != self.L or len(biases) != self.L:
            raise ValueError(f"the network has L = {self.L} layers, so it needs {self.L} weight matrices "
                             f"and {self.L} bias vectors; got {len(weights)} and {len(biases)}")
        old = list(self.W), list(self.b)
        try:
            for l, w, v in zip(self.W.layers, weights, biases):
                self.W[l] = w
                self.b[l] = v
        except (ValueError, TypeError):
            for l, w, v in zip(self.W.layers, *old):  # put back the arrays that were there
                self.W[l] = w
                self.b[l] = v
            raise
        return self


def _as_list(value, name, what):
    if isinstance(value, np.ndarray) or not is_sequence(value):
        raise TypeError(f"{name} must be {what}, not {type(value).__name__}")
    return list(value)


def _refuse_replacing(name):
    raise TypeError(f"net.{name} cannot be replaced as a whole: set one layer at a time, "
                    f"net.{name}[l] = ..., or build a new Network")


def check_network(net):
    """TypeError unless ``net`` is a :class:`Network` (the first check of every function taking one)."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a backprop_lab.Network, not {type(net).__name__}")


def forward_batch(net, x2):
    """The forward pass on a checked 2-D batch x2 (m, n_0): a[0..L] and z[1..L], indexed by l."""
    a, z = [x2], []
    for W, b, g in zip(net.W, net.b, net.g):
        z.append(a[-1] @ W + b)  # z^(l) = a^(l-1) W^(l) + b^(l)
        a.append(g(z[-1]))       # a^(l) = g_l(z^(l))
    return PerLayer("a", a, first=0), PerLayer("z", z)


def _quietly(f, *args):
    """f(*args), but if numpy's overflow warning has been made an error (a warnings filter, as in the
    test suite), run it again without the warning: the finite checks after each pass report the
    overflow in our words. (np.errstate around every pass would cost ~2 us a call.)"""
    try:
        return f(*args)
    except RuntimeWarning:
        with np.errstate(all="ignore"):
            return f(*args)


def _all_finite(arrays):
    """True if no array holds NaN or inf: the sum of squares is NaN or inf if an entry is (one BLAS
    call each). It can also overflow for finite entries above ~1e154, so False means "look closer"
    (the callers' slow paths use is_finite, which checks entry by entry)."""
    for v in arrays:
        if not isfinite(vdot(v, v)):
            return False
    return True


def _check_forward_finite(net, a, z):
    """NonFiniteError naming the first z[l] or a[l] that is not finite (2-D a[0..L], z[1..L]).

    A NaN or inf in a hidden a[l] reaches z[l+1], so z[1..L] and a[L] cover every a and z.
    """
    if _all_finite(z) and _all_finite((a[net.L],)):
        return
    for l in net.W.layers:
        for name, p in (("W", net.W[l]), ("b", net.b[l])):
            if not is_finite(p):  # only an in-place change can put NaN or inf there
                raise NonFiniteError(describe_non_finite(p, f"{name}[{l}]") + f": it was changed in place "
                                     f"(net.{name}[l] = ... is checked, net.{name}[l][i] = ... is not)")
        if not is_finite(z[l]):
            biggest = max(float(np.max(np.abs(a[l - 1]))), float(np.max(np.abs(net.W[l]))))
            raise NonFiniteError(
                describe_non_finite(z[l], f"z[{l}]") + f": z[{l}] = a[{l - 1}] @ W[{l}] + b[{l}] overflowed "
                f"(the largest |a[{l - 1}]| or |W[{l}]| is {biggest:.3g})" + TOO_LARGE)
        if not is_finite(a[l]):
            raise NonFiniteError(describe_non_finite(a[l], f"a[{l}]") + f": a[{l}] = g_{l}(z[{l}]) overflowed, "
                                 f"with g_{l} = {net.g[l].name!r}, although z[{l}] is finite")


def forward(net, x):
    """The forward pass: z^(l) = a^(l-1) W^(l) + b^(l), a^(l) = g_l(z^(l)) for l = 1..L.

    x: (m, n_0), one example per row, or (n_0,) for one example. a[0] is a copy of x.
    Returns a :class:`Forward` with a[0..L] and z[1..L], each (m, n_l) (or (n_l,)).
    Raises ValueError (NonFiniteError) naming the layer if a z or a overflows.
    """
    check_network(net)
    x2, single = as_input(net, x)
    a, z = _quietly(forward_batch, net, x2)
    _check_forward_finite(net, a, z)
    if single:
        a, z = [v[0] for v in a], [v[0] for v in z]
    return Forward(a, z, single, net)


def _output_delta(g, loss, zL, aL, y):
    """delta^(L) = dc/da^(L) * g_L'(z^(L)) (J^T dc/da for softmax). 2-D arrays (m, n_L)."""
    if loss.is_fused(g):
        # sigmoid + binary cross-entropy, softmax + cross-entropy: the g' cancels
        # and delta^(L) = a - y exactly (notebook 02 derives it). a was computed stably from z.
        return aL - y
    return g.vjp(zL, loss.grad(aL, y), aL)


def backward_batch(net, a, z, y, loss):
    """The backward pass on a checked 2-D batch: a[0..L] and z[1..L] indexed by l, y (m, n_L).

    Returns delta, dW, db: lists over l = 1..L. Nothing is written into a or z.
    """
    L, m, W, g = net.L, y.shape[0], net.W, net.g
    delta = {L: _output_delta(g[L], loss, z[L], a[L], y)}
    for l in range(L - 1, 0, -1):
        # delta^(l) = (delta^(l+1) W^(l+1)T) * g_l'(z^(l))   (J^T (delta^(l+1) W^(l+1)T) for softmax)
        delta[l] = g[l].vjp(z[l], delta[l + 1] @ W[l + 1].T, a[l])
    layers = W.layers
    # the dataset gradients are means over the batch: dC/dW^(l) = (1/m) sum_x a^(l-1)T delta^(l),
    # dC/db^(l) = (1/m) sum_x delta^(l). sum(0) / m is delta.mean(0) without np.mean's Python-level
    # overhead: 12% faster on the classroom workload (benchmarks/ab.py, 1.33x -> 1.17x of the old core).
    dW = [a[l - 1].T @ delta[l] / m for l in layers]
    db = [delta[l].sum(0) / m for l in layers]
    return [delta[l] for l in layers], dW, db


def _check_gradients_finite(delta, dW, db):
    """NonFiniteError naming the first delta[l], dW[l] or db[l] (from l = L down) that is not finite.

    A NaN or inf in delta[l] reaches a whole column of dW[l], so checking dW and db covers delta.
    """
    if _all_finite(dW) and _all_finite(db):
        return
    for l in range(len(dW), 0, -1):
        for name, v in (("delta", delta[l - 1]), ("dW", dW[l - 1]), ("db", db[l - 1])):
            if not is_finite(v):
                raise NonFiniteError(describe_non_finite(v, f"{name}[{l}]") + ": the gradient overflowed"
                                     + TOO_LARGE)


def _check_forward(net, fwd):
    if not isinstance(fwd, Forward):
        raise TypeError(f"fwd must be the result of bl.forward(net, x), not {type(fwd).__name__}")
    sizes = [a.shape[-1] for a in fwd.a] if fwd.net is not net else None
    if sizes is not None and sizes != net.sizes:
        raise ValueError(f"fwd was computed by a network with sizes {sizes}, but net has sizes "
                         f"{net.sizes}; compute it with bl.forward(net, x) for this net")
    if fwd.net is not None and fwd.net is not net:
        raise ValueError("fwd was computed by another network (of the same sizes); compute it with "
                         "bl.forward(net, x) for this net")
    if fwd._stamp is not None and not unchanged_since(net, fwd._stamp):
        raise ValueError(f"net has changed since fwd was computed ({what_changed_since(net, fwd._stamp)}), so "
                         f"backward would mix old and new values; run bl.forward(net, x) again")


def backward(net, fwd, y, loss="mse"):
    """The backward pass.

    net : the Network that computed ``fwd``, unchanged since.
    fwd : the result of ``forward(net, x)``.
    y : targets, the same shape as fwd.a[L]: (m, n_L), or (n_L,) for one example (cross_entropy
        also takes integer class labels: (m,), or one int).
    loss : a name from :data:`backprop_lab.LOSSES` or a Loss.

    Returns a :class:`Backward` with, for l = 1..L,
    delta[l] = dc/dz^(l) per example (shape of z[l]), dW[l] = dC/dW^(l) (n_{l-1}, n_l)
    and db[l] = dC/db^(l) (n_l,), the gradients being means over the batch; and ``cost``, C over
    the batch. Raises ValueError if net changed after ``fwd`` was computed (an assignment, an
    in-place change or sgd_step), or (NonFiniteError) naming the layer if a gradient overflows.
    """
    check_network(net)
    loss = get_loss(loss)
    _check_forward(net, fwd)
    loss.check_output(net.g[net.L])
    y = as_target(y, fwd.a[net.L].shape, net.dtype, loss)
    a, z, y2 = fwd.a, fwd.z, y  # read only: backward_batch never writes to a or z
    if fwd.single:
        a = PerLayer("a", (v[None, :] for v in a), first=0)
        z = PerLayer("z", (v[None, :] for v in z))
        y2 = y[None, :]
    delta, dW, db = _quietly(backward_batch, net, a, z, y2, loss)
    _check_gradients_finite(delta, dW, db)
    if fwd.single:
        delta = [d[0] for d in delta]
    return Backward(delta, dW, db, loss, fwd, y)


def batch_costs(net, x2, y2, loss):
    """Per-example cost c for a checked 2-D batch, computed stably from z for fused pairs."""
    a, z = forward_batch(net, x2)
    return output_costs(loss, net.g[net.L], z[net.L], a[net.L], y2)


def cost(net, x, y, loss="mse", per_example=False):
    """The dataset cost C = (1/|D|) sum_x c(x), a float.

    x: (m, n_0) or (n_0,); y: the shape of the output, (m, n_L) or (n_L,) (cross_entropy also
    takes integer class labels: (m,), or one int).
    With ``per_example=True``, return the array of c(x) instead, shape (m,) (or a
    0-d array for one example). For sigmoid + binary cross-entropy and softmax +
    cross-entropy, c is computed from z, so it stays finite when the output saturates.
    Raises ValueError (NonFiniteError) if the cost overflows.
    """
    check_network(net)
    loss = get_loss(loss)
    loss.check_output(net.g[net.L])
    if not isinstance(per_example, (bool, np.bool_)):
        raise TypeError(f"per_example must be True or False, not {type(per_example).__name__}")
    x2, y2, single = as_batch(net, x, y, loss)
    c = _quietly(batch_costs, net, x2, y2, loss)
    if not is_finite(c):
        _check_forward_finite(net, *_quietly(forward_batch, net, x2))  # names the layer, if one overflowed
        raise NonFiniteError(describe_non_finite(c, "the cost c(x) per example") + TOO_LARGE)
    if per_example:
        return c[0] if single else c
    return float(np.mean(c))
