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

import numpy as np

from ._checks import as_batch, as_input, as_numeric, as_target, check_count, check_finite, check_positive_number
from .activations import get_activation
from .layers import PerLayer
from .losses import get_loss

__all__ = ["Network", "Forward", "Backward", "forward", "backward", "cost", "sgd_step", "train"]

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
    """

    def __init__(self, weights, biases, activations):
        weights = _as_list(weights, "weights", "a list of weight matrices [W1, ..., WL]")
        biases = _as_list(biases, "biases", "a list of bias vectors [b1, ..., bL]")
        L = len(weights)
        if L == 0:
            raise ValueError("a network needs at least one layer, but weights is empty")
        if isinstance(activations, str) or not hasattr(activations, "__len__"):
            activations = [activations] * L
        activations = list(activations)
        if len(biases) != L:
            raise ValueError(f"got {L} weight matrices but {len(biases)} bias vectors; "
                             f"layer l needs one of each, for l = 1..L")
        if len(activations) != L:
            raise ValueError(f"got {L} weight matrices but {len(activations)} activations; "
                             f"layer l needs one activation g_l, for l = 1..L")
        g = [get_activation(a) for a in activations]

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
        for name, arrays in (("W", W), ("b", b)):
            for l, arr in enumerate(arrays, start=1):
                check_finite(arr, f"{name}[{l}]")
        self.W = PerLayer("W", (np.array(w, dtype=dtype) for w in W))
        self.b = PerLayer("b", (np.array(v, dtype=dtype) for v in b))
        self.g = PerLayer("g", g)

    @classmethod
    def random(cls, sizes, activations, seed=None, init="xavier", dtype=np.float64):
        """A network with random weights.

        sizes : [n_0, n_1, ..., n_L], the number of neurons per layer (n_0 inputs).
        activations : L names (or one name for every layer).
        seed : int or None, for ``np.random.default_rng``.
        init : how W^(l) is drawn, with n_in = n_{l-1}, n_out = n_l:
            ``"xavier"``: normal with variance 2 / (n_in + n_out) (Glorot), biases 0;
            ``"he"``: normal with variance 2 / n_in, biases 0 (for relu);
            ``"normal"``: standard normal weights and biases (Nielsen's chapters 1-5);
            a positive number s: normal with standard deviation s, biases 0.
        dtype : float64 (default) or float32.
        """
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(f"sizes must be a list [n_0, n_1, ..., n_L], not {type(sizes).__name__}")
        sizes = [check_count(n, f"sizes[{i}] (n_{i})") for i, n in enumerate(sizes)]
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least n_0 and n_1, got {sizes}")
        L = len(sizes) - 1
        if not isinstance(activations, str) and hasattr(activations, "__len__"):
            if len(activations) != L:
                raise ValueError(
                    f"sizes {sizes} describe L = {L} layer(s) (n_0 is the input), so they need "
                    f"{L} activation(s), but {len(activations)} were given: {list(activations)}")
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"dtype must be a floating type such as float64 or float32, not {dtype}")
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            if isinstance(init, str):
                if init == "xavier":
                    std, bias_std = np.sqrt(2.0 / (n_in + n_out)), 0.0
                elif init == "he":
                    std, bias_std = np.sqrt(2.0 / n_in), 0.0
                elif init == "normal":
                    std, bias_std = 1.0, 1.0
                else:
                    raise ValueError(f"unknown init {init!r}; the valid names are "
                                     + ", ".join(repr(n) for n in INITS) + ", or a positive number")
            else:
                std, bias_std = check_positive_number(init, "init (a standard deviation)"), 0.0
            weights.append((std * rng.standard_normal((n_in, n_out))).astype(dtype))
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


def _as_list(value, name, what):
    if isinstance(value, np.ndarray) or isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be {what}, not {type(value).__name__}")
    return list(value)


class Forward:
    """The result of :func:`forward`: every z and a, kept for the backward pass.

    ``a[l]`` for l = 0..L (a[0] is the input x) and ``z[l]`` for l = 1..L, each of shape
    (m, n_l), or (n_l,) when the input was one example of shape (n_0,).
    """

    def __init__(self, a, z, single):
        self.a = PerLayer("a", a, first=0)
        self.z = PerLayer("z", z, first=1)
        self.single = single

    @property
    def L(self):
        return len(self.z)

    @property
    def m(self):
        """The batch size (1 for a single example)."""
        return 1 if self.single else self.a[0].shape[0]

    def __repr__(self):
        sizes = [a.shape[-1] for a in self.a]
        return f"<Forward: m = {self.m}{' (one example)' if self.single else ''}, sizes {sizes}>"


class Backward:
    """The result of :func:`backward`.

    ``delta[l]`` = dc/dz^(l) for each example, same shape as z[l];
    ``dW[l]`` = dC/dW^(l), the batch mean of a^(l-1) delta^(l), shape (n_{l-1}, n_l);
    ``db[l]`` = dC/db^(l), the batch mean of delta^(l), shape (n_l,). l = 1..L.
    """

    def __init__(self, delta, dW, db, loss):
        self.delta = PerLayer("delta", delta)
        self.dW = PerLayer("dW", dW)
        self.db = PerLayer("db", db)
        self.loss = loss

    @property
    def L(self):
        return len(self.delta)

    def __repr__(self):
        return f"<Backward: loss {self.loss.name!r}, delta/dW/db for l = 1..{self.L}>"


def check_network(net):
    """TypeError unless ``net`` is a :class:`Network` (the first check of every function taking one)."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a backprop_lab.Network, not {type(net).__name__}")


def _forward(net, x2):
    """The forward pass on a checked 2-D batch x2 (m, n_0): a[0..L] and z[1..L], indexed by l."""
    a, z = [x2], []
    for W, b, g in zip(net.W, net.b, net.g):
        z.append(a[-1] @ W + b)  # z^(l) = a^(l-1) W^(l) + b^(l)
        a.append(g(z[-1]))       # a^(l) = g_l(z^(l))
    return PerLayer("a", a, first=0), PerLayer("z", z)


def forward(net, x):
    """The forward pass: z^(l) = a^(l-1) W^(l) + b^(l), a^(l) = g_l(z^(l)) for l = 1..L.

    x: (m, n_0), one example per row, or (n_0,) for one example.
    Returns a :class:`Forward` with a[0..L] and z[1..L], each (m, n_l) (or (n_l,)).
    """
    check_network(net)
    x2, single = as_input(net, x)
    a, z = _forward(net, x2)
    if single:
        a, z = [v[0] for v in a], [v[0] for v in z]
    return Forward(a, z, single)


def _output_delta(g, loss, zL, aL, y):
    """delta^(L) = dc/da^(L) * g_L'(z^(L)) (J^T dc/da for softmax). 2-D arrays (m, n_L)."""
    if loss.is_fused(g):
        # sigmoid + binary cross-entropy, softmax + cross-entropy: the g' cancels
        # and delta^(L) = a - y exactly (notebook 02 derives it). a was computed stably from z.
        return aL - y
    return g.vjp(zL, loss.grad(aL, y), aL)


def _backward(net, a, z, y, loss):
    """The backward pass on a checked 2-D batch: a[0..L] and z[1..L] indexed by l, y (m, n_L).

    Returns delta, dW, db: lists over l = 1..L.
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


def _check_forward(net, fwd):
    if not isinstance(fwd, Forward):
        raise TypeError(f"fwd must be the result of bl.forward(net, x), not {type(fwd).__name__}")
    sizes = [a.shape[-1] for a in fwd.a]
    if sizes != net.sizes:
        raise ValueError(f"fwd was computed by a network with sizes {sizes}, but net has sizes "
                         f"{net.sizes}; compute it with bl.forward(net, x) for this net")


def backward(net, fwd, y, loss="mse"):
    """The backward pass.

    net : the Network that computed ``fwd``.
    fwd : the result of ``forward(net, x)``.
    y : targets, the same shape as fwd.a[L]: (m, n_L), or (n_L,) for one example.
    loss : a name from :data:`backprop_lab.LOSSES` or a Loss.

    Returns a :class:`Backward` with, for l = 1..L,
    delta[l] = dc/dz^(l) per example (shape of z[l]), dW[l] = dC/dW^(l) (n_{l-1}, n_l)
    and db[l] = dC/db^(l) (n_l,), the gradients being means over the batch.
    """
    check_network(net)
    loss = get_loss(loss)
    _check_forward(net, fwd)
    loss.check_output(net.g[net.L])
    y = as_target(y, fwd.a[net.L].shape, net.dtype, loss)
    a, z = fwd.a, fwd.z  # read only: _backward never writes to a or z
    if fwd.single:
        a = PerLayer("a", (v[None, :] for v in a), first=0)
        z = PerLayer("z", (v[None, :] for v in z))
        y = y[None, :]
    delta, dW, db = _backward(net, a, z, y, loss)
    if fwd.single:
        delta = [d[0] for d in delta]
    return Backward(delta, dW, db, loss)


def _costs(net, x2, y2, loss):
    """Per-example cost c for a checked 2-D batch, computed stably from z for fused pairs."""
    a, z = _forward(net, x2)
    L = net.L
    if loss.is_fused(net.g[L]):
        return loss.value_from_z(z[L], y2)
    return loss(a[L], y2)


def cost(net, x, y, loss="mse", per_example=False):
    """The dataset cost C = (1/|D|) sum_x c(x), a float.

    x: (m, n_0) or (n_0,); y: the shape of the output, (m, n_L) or (n_L,).
    With ``per_example=True``, return the array of c(x) instead, shape (m,) (or a
    0-d array for one example). For sigmoid + binary cross-entropy and softmax +
    cross-entropy, c is computed from z, so it stays finite when the output saturates.
    """
    check_network(net)
    loss = get_loss(loss)
    loss.check_output(net.g[net.L])
    x2, y2, single = as_batch(net, x, y, loss)
    c = _costs(net, x2, y2, loss)
    if per_example:
        return c[0] if single else c
    return float(np.mean(c))


def sgd_step(net, bwd, lr):
    """One gradient-descent step: W^(l) <- W^(l) - lr dW^(l), b^(l) <- b^(l) - lr db^(l).

    The parameters are replaced by new arrays (old references are left unchanged).
    Returns ``net``.
    """
    check_network(net)
    lr = check_positive_number(lr, "lr (the learning rate)")
    if not isinstance(bwd, Backward):
        raise TypeError(f"bwd must be the result of bl.backward(...), not {type(bwd).__name__}")
    if bwd.L != net.L or any(dW.shape != W.shape for dW, W in zip(bwd.dW, net.W)):
        raise ValueError(f"bwd holds gradients of shapes {[d.shape for d in bwd.dW]}, but net has "
                         f"weights of shapes {[w.shape for w in net.W]}")
    for l in net.W.layers:
        net.W[l] = net.W[l] - lr * bwd.dW[l]
        net.b[l] = net.b[l] - lr * bwd.db[l]
    return net


def train(net, x, y, loss="mse", lr=0.1, epochs=100, batch_size=None, seed=None):
    """Train ``net`` in place by mini-batch gradient descent with the backpropagated gradients.

    x: (m, n_0); y: (m, n_L). Each epoch shuffles the examples (with
    ``np.random.default_rng(seed)``) and takes one :func:`sgd_step` per batch of
    ``batch_size`` examples (default: the whole dataset, i.e. full-batch descent).

    Returns the cost history, a list of ``epochs + 1`` floats: history[0] is C before
    training and history[e] is C over the whole dataset after epoch e.
    """
    check_network(net)
    loss = get_loss(loss)
    loss.check_output(net.g[net.L])
    lr = check_positive_number(lr, "lr (the learning rate)")
    epochs = check_count(epochs, "epochs", minimum=0)
    x2, y2, single = as_batch(net, x, y, loss)
    if single:
        raise ValueError(f"train needs a batch x of shape (m, n_0); got one example of shape {x2.shape[1:]}")
    m = x2.shape[0]
    batch_size = m if batch_size is None else check_count(batch_size, "batch_size")
    if batch_size > m:
        raise ValueError(f"batch_size = {batch_size} is larger than the dataset (m = {m} examples)")
    rng = np.random.default_rng(seed)
    history = [float(np.mean(_costs(net, x2, y2, loss)))]
    for _ in range(epochs):
        order = rng.permutation(m) if batch_size < m else np.arange(m)
        for start in range(0, m, batch_size):
            idx = order[start:start + batch_size]
            a, z = _forward(net, x2[idx])
            sgd_step(net, Backward(*_backward(net, a, z, y2[idx], loss), loss), lr)
        history.append(float(np.mean(_costs(net, x2, y2, loss))))
    return history
