"""One training run on a toy dataset: build a network, check its gradients, train it, score it.

The model behind :class:`backprop_lab.widgets.TrainingPanel` (notebook 06), testable without widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .formatting import fixed, sig
from .gradcheck import gradient_check
from .network import Network, forward, train

__all__ = ["TrainingRun", "run_training", "accuracy"]


@dataclass
class TrainingRun:
    """The result of :func:`run_training`."""

    net: Network
    history: list
    check: object  # a GradientCheckReport, run before training
    accuracy: float
    loss: str

    def summary(self):
        """One line: gradient check, cost before and after, accuracy."""
        verdict = (f"passed (every relative error < {self.check.tol:g})" if self.check.passed
                   else f"FAILED (max relative error {sig(self.check.max_error, 2)})")
        return (f"gradient check {verdict}; "
                f"C: {fixed(self.history[0], 3)} -> {fixed(self.history[-1], 3)} in {len(self.history) - 1} epochs; "
                f"training accuracy {self.accuracy:.0%}")


def accuracy(net, x, y):
    """The fraction of examples classified right: a^(L) > 0.5 for one output, argmax for one-hot."""
    out = forward(net, x).a[net.L]
    y = np.asarray(y)
    if out.shape[1] == 1:
        return float(np.mean((out[:, 0] > 0.5) == (y[:, 0] > 0.5)))
    return float(np.mean(out.argmax(axis=1) == y.argmax(axis=1)))


def run_training(x, y, hidden=8, activation="tanh", lr=0.5, epochs=300, depth=1, loss=None,
                 batch_size=None, seed=0):
    """Build a network for (x, y), check its gradients, train it with :func:`backprop_lab.train`.

    x : (m, n_0). y : (m, 1) 0/1 labels (sigmoid output, binary cross-entropy) or one-hot (m, k)
    (softmax output, cross-entropy). ``depth`` hidden layers of ``hidden`` neurons with
    ``activation`` (He initialisation for an activation with a kink at 0, such as relu, Xavier
    otherwise). The gradient check runs on the first 8 examples before training.
    Returns a :class:`TrainingRun`.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"y must be a column (m, 1) of labels or one-hot rows (m, k), got shape {y.shape}")
    k = y.shape[1]
    out_act = "sigmoid" if k == 1 else "softmax"
    if loss is None:
        loss = "binary_cross_entropy" if k == 1 else "cross_entropy"
    init = "he" if 0.0 in get_activation(activation).kinks else "xavier"
    sizes = [x.shape[1]] + [int(hidden)] * int(depth) + [k]
    net = Network.random(sizes, [activation] * int(depth) + [out_act], seed=seed, init=init)
    check = gradient_check(net, x[:8], y[:8], loss)
    history = train(net, x, y, loss, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)
    return TrainingRun(net, history, check, accuracy(net, x, y), loss)
