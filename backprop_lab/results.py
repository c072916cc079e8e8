"""The results of the passes: :class:`Forward` (every z and a) and :class:`Backward` (delta, dW, db).

Each remembers the network that computed it and a stamp of that network's parameters, so that
backward and sgd_step can refuse a result that no longer matches the network (a write or an
in-place change since the forward pass). The stamp helpers are internal to the package.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import NonFiniteError, describe_non_finite
from .layers import PerLayer

__all__ = ["Forward", "Backward"]

TOO_LARGE = ("; the numbers are too large for floating point: if they come from training, its steps "
             "were too large (try a smaller lr)")
"""The end of every message about an overflow."""


def output_costs(loss, gL, zL, aL, y):
    """Per-example c from the output layer, computed stably from z^(L) for the fused pairs."""
    return loss.value_from_z(zL, y) if loss.is_fused(gL) else loss(aL, y)


def parameter_stamp(net):
    """What a forward pass relies on: the network's version (its count of checked writes) and the
    bytes of each W[2..L], which backward reads again (an in-place change is not a write). (Bytes:
    for the sizes here, copying and comparing them is cheaper than any checksum, and exact.)"""
    return net.version, [W.tobytes() for W in list(net.W)[1:]]


def unchanged_since(net, stamp):
    """True if net is as it was when ``stamp`` was taken (see parameter_stamp)."""
    return stamp[0] == net.version and stamp[1] == [W.tobytes() for W in list(net.W)[1:]]


def what_changed_since(net, stamp):
    """The names of the parameters of net that were replaced or changed in place since ``stamp``."""
    replaced = net.written_since(stamp[0])
    in_place = [f"W[{l}]" for l, old, new in zip(range(2, net.L + 1), stamp[1], parameter_stamp(net)[1])
                if old != new and f"W[{l}]" not in replaced]
    return (", ".join(replaced) + " replaced" if replaced else "") + \
        ("; " if replaced and in_place else "") + (", ".join(in_place) + " changed in place" if in_place else "")


class Forward:
    """The result of :func:`forward`: every z and a, kept for the backward pass.

    ``a[l]`` for l = 0..L (a[0] is a copy of the input x) and ``z[l]`` for l = 1..L, each of shape
    (m, n_l), or (n_l,) when the input was one example of shape (n_0,). ``net`` is the network
    that computed it (None if not given); :func:`backward` checks that it has not changed since.
    """

    def __init__(self, a, z, single, net=None):
        self.a = PerLayer("a", a, first=0)
        self.z = PerLayer("z", z, first=1)
        self.single = single
        self.net = net
        self._stamp = None if net is None else parameter_stamp(net)

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
    ``cost`` is C over the batch, computed (once) when first asked for, from the forward pass.
    ``net`` is the network the gradients are for (None if not known); :func:`sgd_step` checks it.
    """

    def __init__(self, delta, dW, db, loss, fwd=None, y=None):
        self.delta = PerLayer("delta", delta)
        self.dW = PerLayer("dW", dW)
        self.db = PerLayer("db", db)
        self.loss = loss
        self.net = getattr(fwd, "net", None)
        self._stamp = getattr(fwd, "_stamp", None)
        self._fwd, self._y, self._cost = fwd, y, None

    @property
    def L(self):
        return len(self.delta)

    @property
    def cost(self):
        """C = (1/m) sum_x c(x) over the batch of the forward pass, a float (computed once)."""
        if self._cost is None:
            if self._fwd is None or self._y is None or self.net is None:
                raise ValueError("this Backward does not hold its forward pass and targets (it was not made "
                                 "by bl.backward); compute the cost with bl.cost(net, x, y, loss)")
            fwd, L = self._fwd, self._fwd.L
            c = output_costs(self.loss, self.net.g[L], fwd.z[L], fwd.a[L], self._y)
            self._cost = float(np.mean(c))
            if not math.isfinite(self._cost):
                raise NonFiniteError(f"the cost C over the batch is {self._cost}: "
                                     + describe_non_finite(c, "c") + TOO_LARGE)
        return self._cost

    def __repr__(self):
        return f"<Backward: loss {self.loss.name!r}, delta/dW/db for l = 1..{self.L}>"
