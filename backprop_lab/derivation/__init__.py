"""Helpers for the derivation notebooks (00-04): backpropagation written out index by index.

Four rooms, one idea each; every name is re-exported here, so ``from backprop_lab import
derivation as bd`` and ``bd.<name>`` work for all of them:

* :mod:`.loops` - the loop versions of the passes, one index formula per function
  (:func:`layer_forward_loops`, :func:`output_delta_loops`, :func:`hidden_delta_loops`,
  :func:`weight_bias_gradients_loops`, :func:`backward_loops`, ...);
* :mod:`.oracles` - finite-difference oracles for single steps (:func:`cost_from_z`,
  :func:`numerical_delta`, :func:`numerical_dc_da`, :func:`numerical_param_gradient`) and
  :func:`agree`, on the same runner as :func:`backprop_lab.gradient_check`;
* :mod:`.translators` - Nielsen's ``w^l_jk`` and the column-vector convention;
* :mod:`.display` - :func:`latex_matrix`, :func:`array_table`, :func:`try_matmul`.

Conventions are the package's: rows are examples, ``W[l]`` has shape (n_{l-1}, n_l), layers
are numbered l = 1..L and a[0] is the input. A single example may be a 1-D vector.
"""

from .display import array_table, latex_matrix, try_matmul
from .loops import (activation_jacobian, backward_loops, forward_loops, hidden_delta_einsum, hidden_delta_loops,
                    hidden_delta_matrix, layer_forward_loops, output_delta_loops, weight_bias_gradients_loops)
from .oracles import agree, cost_from_a, cost_from_z, numerical_dc_da, numerical_delta, numerical_param_gradient
from .translators import column_backward, from_nielsen, nielsen_backprop, to_nielsen

__all__ = [
    "layer_forward_loops", "forward_loops",
    "activation_jacobian", "output_delta_loops",
    "hidden_delta_loops", "hidden_delta_einsum", "hidden_delta_matrix",
    "weight_bias_gradients_loops", "backward_loops",
    "cost_from_z", "cost_from_a", "numerical_delta", "numerical_dc_da", "numerical_param_gradient",
    "agree",
    "to_nielsen", "from_nielsen", "nielsen_backprop", "column_backward",
    "latex_matrix", "array_table", "try_matmul",
]
