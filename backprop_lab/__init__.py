"""backprop-lab: backpropagation you can derive, check and watch.

The notation is the exercise's: z_j^(l) = sum_i a_i^(l-1) W_ij^(l) + b_j^(l),
a_j^(l) = g_l(z_j^(l)), delta_j^(l) = dc/dz_j^(l), C = (1/|D|) sum_x c(x).
Rows are examples: ``z[l] = a[l-1] @ W[l] + b[l]`` with ``W[l]`` of shape (n_{l-1}, n_l),
and every per-layer container is indexed by l = 1..L (a[0] is the input).

>>> import backprop_lab as bl
>>> net = bl.Network.random([2, 3, 1], ["tanh", "sigmoid"], seed=0)
>>> fwd = bl.forward(net, [[0.5, -1.0]])
>>> bwd = bl.backward(net, fwd, [[1.0]], loss="mse")
>>> bwd.dW[1].shape
(2, 3)
"""

from . import datasets, plotting
from .activations import ACTIVATIONS, Activation, get_activation
from .gradcheck import (GradientCheckReport, gradient_check, numerical_gradient, numerical_gradients,
                        numerical_jacobian, relative_error)
from ._checks import NonFiniteError
from .layers import LayerIndexError, PerLayer
from .losses import LOSSES, Loss, get_loss
from .network import Backward, Forward, Network, backward, cost, forward
from .training import TrainingDiverged, sgd_step, train

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation",
    "LOSSES", "Loss", "get_loss",
    "Network", "Forward", "Backward", "PerLayer",
    "NonFiniteError", "TrainingDiverged", "LayerIndexError",
    "forward", "backward", "cost", "sgd_step", "train",
    "gradient_check", "GradientCheckReport", "numerical_gradient", "numerical_jacobian",
    "numerical_gradients", "relative_error",
    "datasets", "plotting",
]
