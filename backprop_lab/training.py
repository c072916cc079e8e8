"""Training: gradient-descent steps with the backpropagated gradients (:func:`sgd_step`, :func:`train`).

W^(l) <- W^(l) - lr dW^(l), b^(l) <- b^(l) - lr db^(l), with dW and db from :func:`backprop_lab.backward`.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import (NonFiniteError, as_batch, as_numeric, check_count, check_finite, check_positive_number,
                      rng_from)
from .losses import get_loss
from .network import backward_batch, batch_costs, check_network, cost, forward_batch
from .results import Backward, unchanged_since, what_changed_since

__all__ = ["TrainingDiverged", "sgd_step", "train"]


class TrainingDiverged(NonFiniteError):
    """Raised by :func:`train` when the cost or a parameter stops being finite (a ValueError).

    ``epoch`` is the epoch in which it happened and ``history`` the finite costs before it;
    the network is left as it was after epoch ``epoch - 1``.
    """

    def __init__(self, message, epoch, history):
        super().__init__(message)
        self.epoch = epoch
        self.history = history


def _check_backward_for(net, bwd, loss):
    """The checks of sgd_step on bwd: a Backward for this net as it is now, with finite
    gradients of the network's shapes; and of ``loss``, if given. Returns the checked dW and db
    as arrays (a gradient someone set to a list is used as the array it was checked as)."""
    if not isinstance(bwd, Backward):
        raise TypeError(f"bwd must be the result of bl.backward(...), not {type(bwd).__name__}")
    if bwd.L != net.L:
        raise ValueError(f"bwd holds gradients of shapes {[np.shape(v) for v in bwd.dW]} for {bwd.L} layer(s), "
                         f"but net has weights of shapes {[w.shape for w in net.W]} (L = {net.L})")
    checked = {"dW": [], "db": []}
    for name, grads, params in (("dW", bwd.dW, net.W), ("db", bwd.db, net.b)):
        for l, (d, p) in enumerate(zip(grads, params), start=1):
            d = as_numeric(d, f"bwd.{name}[{l}]")
            checked[name].append(d)
            if d.shape != p.shape:
                raise ValueError(
                    f"bwd holds gradients of shapes {[np.shape(v) for v in grads]}, but net has "
                    f"{'weights' if name == 'dW' else 'biases'} of shapes {[v.shape for v in params]}; "
                    f"{name}[{l}] must have the shape of {name[1:]}[{l}], {p.shape}")
            check_finite(d, f"bwd.{name}[{l}]")
    if bwd.net is not None and bwd.net is not net:
        raise ValueError("bwd holds the gradients of another network (of the same sizes); compute them "
                         "with bl.backward(net, bl.forward(net, x), y) for this net")
    if bwd._stamp is not None and not unchanged_since(net, bwd._stamp):
        raise ValueError(f"net has changed since the forward pass that bwd comes from "
                         f"({what_changed_since(net, bwd._stamp)}), so its gradients are stale (was this bwd "
                         f"applied already?); compute forward and backward again for each step")
    if loss is not None and get_loss(loss) is not bwd.loss:
        raise ValueError(f"bwd holds the gradients of the loss {bwd.loss.name!r}, not of {get_loss(loss).name!r}")
    return checked["dW"], checked["db"]


def _descend(net, dW, db, lr):
    """W^(l) <- W^(l) - lr dW^(l), b^(l) <- b^(l) - lr db^(l) for every l, as new arrays in the
    network's dtype; nothing changes if any new parameter would not be finite."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by set_parameters
            new_W, new_b = [W - lr * d for W, d in zip(net.W, dW)], [b - lr * d for b, d in zip(net.b, db)]
        net.set_parameters(new_W, new_b)
    except NonFiniteError as e:
        raise NonFiniteError(f"the step W <- W - lr dW with lr = {lr:g} overflows: {e}; use a smaller lr") from None


def sgd_step(net, bwd, lr, loss=None):
    """One gradient-descent step: W^(l) <- W^(l) - lr dW^(l), b^(l) <- b^(l) - lr db^(l).

    bwd : ``backward(net, forward(net, x), y, loss)`` for this net as it is now (a Backward
        for another network, or one computed before the net last changed, is refused).
    loss : optional; if given, bwd must hold the gradients of this loss.
    The parameters are replaced by new arrays in the network's dtype (old references are left
    unchanged); nothing changes if a new parameter would not be finite. Returns ``net``.
    """
    check_network(net)
    lr = check_positive_number(lr, "lr (the learning rate)")
    dW, db = _check_backward_for(net, bwd, loss)
    _descend(net, dW, db, lr)
    return net


def train(net, x, y, loss="mse", lr=0.1, epochs=100, batch_size=None, seed=None):
    """Train ``net`` in place by mini-batch gradient descent with the backpropagated gradients.

    x: (m, n_0); y: (m, n_L) (cross_entropy also takes integer class labels (m,)). Each epoch
    shuffles the examples (with ``np.random.default_rng(seed)``) and takes one :func:`sgd_step`
    per batch of ``batch_size`` examples (default: the whole dataset, i.e. full-batch descent).

    Returns the cost history, a list of ``epochs + 1`` floats: history[0] is C before
    training and history[e] is C over the whole dataset after epoch e.

    If the cost or a parameter stops being finite (lr too large), training stops with
    :class:`TrainingDiverged` (a ValueError) naming the epoch; the network is left as it was
    after the epoch before, and the error's ``history`` holds the costs up to then.
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
    rng = rng_from(seed)
    history = [cost(net, x2, y2, loss)]  # raises if the untrained network's cost already overflows
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging step is reported below, once
        for epoch in range(1, epochs + 1):
            before = list(net.W), list(net.b)
            order = rng.permutation(m) if batch_size < m else np.arange(m)
            try:
                for start in range(0, m, batch_size):
                    idx = order[start:start + batch_size]
                    a, z = forward_batch(net, x2[idx])
                    _, dW, db = backward_batch(net, a, z, y2[idx], loss)
                    _descend(net, dW, db, lr)
                C = float(np.mean(batch_costs(net, x2, y2, loss)))
                if not math.isfinite(C):
                    raise NonFiniteError(f"the cost became {C}")
            except NonFiniteError as e:
                net.set_parameters(*before)
                raise TrainingDiverged(
                    f"training diverged in epoch {epoch} of {epochs}: {e}. The cost was {history[-1]:.4g} "
                    f"after epoch {epoch - 1}; the steps are too large: try a smaller lr than {lr:g}, e.g. "
                    f"lr={lr / 10:g}. The network is left as it was after epoch {epoch - 1}, and this "
                    f"error's .history holds the {len(history)} costs so far", epoch, history) from None
            history.append(C)
    return history
