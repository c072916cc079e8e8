"""Helpers shared by the core tests: random networks and data that fit a loss."""

import numpy as np

import backprop_lab as bl

HIDDEN = [name for name, g in bl.ACTIVATIONS.items() if g.elementwise]
# (loss, output activations that may be used with it)
LOSS_OUTPUTS = {
    "mse": list(bl.ACTIVATIONS),
    "binary_cross_entropy": ["sigmoid"],
    "cross_entropy": ["softmax"],
}


def targets(loss, shape, rng):
    """Random valid targets for ``loss`` of the given output shape."""
    if loss == "mse":
        return rng.standard_normal(shape)
    if loss == "binary_cross_entropy":
        return rng.uniform(0, 1, size=shape)
    p = rng.uniform(0.05, 1, size=shape)  # probability targets that sum to 1
    return p / p.sum(axis=-1, keepdims=True)


def random_case(sizes, activations, loss, m, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    net = bl.Network.random(sizes, activations, seed=seed, dtype=dtype)
    x = rng.standard_normal((m, sizes[0]) if m else (sizes[0],))
    y = targets(loss, (m, sizes[-1]) if m else (sizes[-1],), rng)
    return net, x, y
