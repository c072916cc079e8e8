"""How the size of delta^(l) changes with the layer: the vanishing (and exploding) gradient.

The model behind notebook 07 and :class:`backprop_lab.widgets.VanishingGradientPanel`; also
importable from :mod:`backprop_lab.stepper`, its old home.
"""

from __future__ import annotations

import numpy as np

from .network import Network, backward, forward

__all__ = ["delta_norms", "depth_profile"]


def delta_norms(net, x, y, loss="squared_error", average="batch"):
    """The size of delta^(l) for each layer l = 1..L, as an array of shape (L,).

    average="batch": ||dC/db^(l)|| = ||(1/m) sum_x delta^(l)(x)||, the measure in
    Nielsen's chapter 5. average="examples": (1/m) sum_x ||delta^(l)(x)||, the typical size
    for one example (no cancellation between examples).
    """
    if average not in ("batch", "examples"):
        raise ValueError(f"average must be 'batch' or 'examples', not {average!r}")
    fwd = forward(net, x)
    bwd = backward(net, fwd, y, loss)
    if average == "batch":
        return np.array([float(np.linalg.norm(db)) for db in bwd.db])
    return np.array([float(np.mean(np.linalg.norm(np.atleast_2d(d), axis=-1))) for d in bwd.delta])


def depth_profile(activation, init="xavier", L=8, width=30, m=64, n_out=1, loss="squared_error", seed=0,
                  average="batch"):
    """||delta^(l)|| for l = 1..L of a fresh random network, at initialisation: shape (L,).

    The network has sizes [width] * L + [n_out] (n_0 = width inputs, L - 1 hidden layers of
    ``width``), ``activation`` in the hidden layers 1..L-1 and a linear (identity) output, so
    that delta^(L) = a - y for the squared-error cost and every factor g' comes from a hidden
    layer. Weights from ``Network.random(..., init=init, seed=seed)``. The data are m random inputs
    x ~ N(0, 1) and targets y uniform in [0, 1], drawn with the same seed. ``average`` as in
    :func:`delta_norms`.
    """
    sizes = [int(width)] * int(L) + [int(n_out)]
    net = Network.random(sizes, [activation] * (int(L) - 1) + ["identity"], seed=seed, init=init)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((int(m), sizes[0]))
    y = rng.uniform(0.0, 1.0, size=(int(m), sizes[-1]))
    return delta_norms(net, x, y, loss=loss, average=average)
