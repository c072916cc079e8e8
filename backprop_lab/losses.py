"""Per-example costs c(a, y), each with its derivative dc/da.

A loss returns one number per example; the dataset cost is their mean,
C = (1/|D|) sum_x c(x) (see :func:`backprop_lab.cost`).

* ``squared_error`` (also called ``mse``, the name most code uses): c = 1/2 sum_j (a_j - y_j)^2,
  dc/da = a - y. It is a sum over the outputs, halved, not a mean: the only mean is the one over
  the dataset in C (scikit-learn calls this loss ``squared_error`` for the same reason).
* ``binary_cross_entropy``: c = -sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)], targets in [0, 1].
* ``cross_entropy``: c = -sum_j y_j log a_j, softmax output. Targets are one-hot rows or
  probabilities, or integer class labels as scikit-learn, PyTorch and CS231n take them: shape (m,)
  for a batch, or one int for one example; label k stands for the one-hot row with y_k = 1.

With a sigmoid output under binary cross-entropy, or a softmax output under
cross-entropy, the g' in delta^(L) = dc/da * g'(z) cancels and delta^(L) = a - y
(notebook 02 derives this). Those pairs also have a value computed straight
from z, which stays finite when the output saturates.

Each loss writes itself in LaTeX with the numbers of one example substituted:
``loss.latex_value(a, y, L)`` is the line c = ... = value, ``loss.latex_grad(a, y, j, L)`` the line
dc/da_j = ... = value. Neurons are numbered from 1 in the text: column j of the arrays is
written a_{j+1}.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid, softmax
from .formatting import latex, latex_factor, latex_sum

__all__ = ["Loss", "LOSSES", "ALIASES", "get_loss", "squared_error", "mse", "binary_cross_entropy", "cross_entropy"]


class Loss:
    """A per-example cost c(a, y) and its derivative dc/da.

    Subclasses define :meth:`__call__` and :meth:`grad`, and may define a stable
    fused path for one output activation (:meth:`value_from_z`, :meth:`delta_from_z`).
    """

    name = ""
    formula = ""
    fused_activation = None  # the output activation for which delta^(L) = a - y
    takes_labels = False  # True if integer class labels are accepted as targets (as_targets)

    def __call__(self, a, y):
        """c for each example. a, y: (m, n_L) -> (m,); (n_L,) -> a 0-d float."""
        raise NotImplementedError

    def grad(self, a, y):
        """dc/da. a, y: (..., n_L) -> (..., n_L)."""
        raise NotImplementedError

    def latex_value(self, a, y, L, c=None):
        """The line ``c = <formula> = <with numbers> = <value>`` for one example.

        a, y : (n_L,) for that example. L : the output layer's number (for a^(L)). c : the value
        to print (default ``self(a, y)``). The default writes :attr:`formula` and the value;
        subclasses also substitute the numbers (:meth:`_latex_terms`).
        """
        a, y = np.asarray(a, dtype=np.float64), np.asarray(y, dtype=np.float64)
        c = float(self(a, y)) if c is None else float(c)
        general, substituted = self._latex_terms(a, y, L)
        middle = f" = {substituted}" if substituted else ""
        return f"{general}{middle} = {latex(c)}"

    def _latex_terms(self, a, y, L):
        """(the formula with a^(L), the same with numbers or ''): the default has no numbers."""
        return self.formula, ""

    def latex_grad(self, a, y, j, L):
        """The line ``dc/da_j^(L) = <formula> = <with numbers> = <value>``; j is the column (0-based)."""
        a, y = np.asarray(a, dtype=np.float64), np.asarray(y, dtype=np.float64)
        grad = float(self.grad(a[None, :], y[None, :])[0, j])
        lhs = rf"\frac{{\partial c}}{{\partial a_{{{j + 1}}}^{{({L})}}}}"
        middle = self._latex_grad_terms(float(a[j]), float(y[j]), j + 1)
        return f"{lhs} = {middle + ' = ' if middle else ''}{latex(grad)}"

    def _latex_grad_terms(self, a, y, n):
        """dc/da_n written with a_n and y_n, then with their numbers ('' by default)."""
        return ""

    def is_fused(self, g):
        """True if delta^(L) simplifies to a - y for output activation g (the built-in, or any
        activation that computes the same, see :meth:`Activation.same_as`)."""
        return self.fused_activation is not None and self.fused_activation.same_as(g)

    def value_from_z(self, z, y):
        """c computed from the output pre-activation z, stably (fused pairs only)."""
        raise NotImplementedError

    def check_output(self, g):
        """Raise ValueError if output activation g cannot be used with this loss."""

    def check_targets(self, y):
        """Raise ValueError if the targets y are not valid for this loss."""

    def as_targets(self, y, shape):
        """The targets y (an array) for an output of ``shape``: y itself, unless the loss takes
        another form of targets (cross_entropy takes class labels)."""
        return y

    def __repr__(self):
        return f"<loss {self.name!r}>"


class SquaredError(Loss):
    name = "squared_error"
    formula = r"c = \tfrac12 \sum_j (a_j - y_j)^2"

    def __call__(self, a, y):
        d = a - y
        return 0.5 * np.sum(d * d, axis=-1)

    def grad(self, a, y):
        return a - y  # dc/da_j = a_j - y_j

    def _latex_terms(self, a, y, L):
        terms = latex_sum(rf"({latex(ai)} - {latex(yi)})^2" for ai, yi in zip(a, y))
        return rf"c = \tfrac12 \sum_j (a_j^{{({L})}} - y_j)^2", rf"\tfrac12\big({terms}\big)"

    def _latex_grad_terms(self, a, y, n):
        return rf"a_{{{n}}} - y_{{{n}}} = {latex(a)} - {latex_factor(y)}"


def _log_clipped(p):
    # log p with p kept off 0, so that a saturated output gives a large finite cost
    return np.log(np.maximum(p, np.finfo(p.dtype).tiny))


class BinaryCrossEntropy(Loss):
    name = "binary_cross_entropy"
    formula = r"c = -\sum_j \left[y_j \log a_j + (1-y_j)\log(1-a_j)\right]"
    fused_activation = sigmoid

    def __call__(self, a, y):
        a = np.asarray(a, dtype=np.result_type(a, np.float32))
        return -np.sum(y * _log_clipped(a) + (1 - y) * _log_clipped(1 - a), axis=-1)

    def grad(self, a, y):
        a = np.asarray(a, dtype=np.result_type(a, np.float32))
        tiny = np.finfo(a.dtype).tiny
        # dc/da = (a - y) / (a (1 - a)), with a(1-a) kept off 0
        return (a - y) / np.maximum(a * (1 - a), tiny)

    def _latex_terms(self, a, y, L):
        terms = latex_sum(rf"{latex_factor(yi)}\log {latex(ai)} + {latex_factor(1 - yi)}\log {latex(1 - ai)}"
                          for ai, yi in zip(a, y))
        return (rf"c = -\sum_j \big[y_j \log a_j^{{({L})}} + (1-y_j)\log(1-a_j^{{({L})}})\big]",
                rf"-\big[{terms}\big]")

    def _latex_grad_terms(self, a, y, n):
        return (rf"\frac{{a_{{{n}}} - y_{{{n}}}}}{{a_{{{n}}}(1-a_{{{n}}})}} = "
                rf"\frac{{{latex(a)} - {latex_factor(y)}}}{{{latex(a)}\,(1-{latex(a)})}}")

    def value_from_z(self, z, y):
        # with a = sigmoid(z): -[y log a + (1-y) log(1-a)] = log(1 + e^z) - y z
        return np.sum(np.logaddexp(0, z) - y * z, axis=-1)

    def check_output(self, g):
        # Each output is an independent probability a_j = sigmoid(z_j). A softmax output is one
        # joint distribution (use cross_entropy for it); there, dc/da = (a - y) / (a (1 - a))
        # through the softmax Jacobian cancels catastrophically once an output saturates.
        if not sigmoid.same_as(g):
            raise ValueError(
                f"binary_cross_entropy needs a sigmoid output layer (each output an independent "
                f"probability in (0, 1)), but the output activation is {g.name!r}; use 'sigmoid' "
                f"for the last layer, or 'cross_entropy' with a softmax output")

    def check_targets(self, y):
        _check_in_unit_interval(y, self.name)


class CrossEntropy(Loss):
    """c = -sum_j y_j log a_j, for a softmax output.

    y: one-hot rows or probabilities, the shape of the output, (m, n_L) or (n_L,); or integer
    class labels in 0..n_L-1, shape (m,) for a batch or one int for one example. Label k is the
    one-hot row with y_k = 1, and gives the same cost and gradients.
    """

    name = "cross_entropy"
    formula = r"c = -\sum_j y_j \log a_j"
    fused_activation = softmax
    takes_labels = True

    def __call__(self, a, y):
        a = np.asarray(a, dtype=np.result_type(a, np.float32))
        return -np.sum(y * _log_clipped(a), axis=-1)

    def grad(self, a, y):
        a = np.asarray(a, dtype=np.result_type(a, np.float32))
        return -y / np.maximum(a, np.finfo(a.dtype).tiny)  # dc/da_j = -y_j / a_j

    def _latex_terms(self, a, y, L):
        terms = latex_sum(rf"{latex_factor(yi)}\log {latex(ai)}" for ai, yi in zip(a, y))
        return rf"c = -\sum_j y_j \log a_j^{{({L})}}", rf"-\big({terms}\big)"

    def _latex_grad_terms(self, a, y, n):
        return rf"-\frac{{y_{{{n}}}}}{{a_{{{n}}}}} = -\frac{{{latex(y)}}}{{{latex(a)}}}"

    def value_from_z(self, z, y):
        # log a_j = z_j - logsumexp(z), and sum_j y_j = 1: c = logsumexp(z) - y.z
        zmax = z.max(axis=-1, keepdims=True)
        lse = zmax[..., 0] + np.log(np.sum(np.exp(z - zmax), axis=-1))
        return lse - np.sum(y * z, axis=-1)

    def check_output(self, g):
        if not softmax.same_as(g):
            raise ValueError(
                f"cross_entropy needs a softmax output layer (its outputs are probabilities "
                f"that sum to 1), but the output activation is {g.name!r}; use 'softmax' for "
                f"the last layer, or 'binary_cross_entropy' with a sigmoid output")

    def as_targets(self, y, shape):
        """Integer class labels, (m,) for a batch of outputs (m, n_L) or one int for one output
        (n_L,), as one-hot rows; any other y as it is."""
        if y.dtype.kind not in "iu" or y.shape != tuple(shape[:-1]):
            return y
        n = shape[-1]
        bad = np.atleast_1d((y < 0) | (y >= n))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            where = f"y[{k}]" if y.ndim else "y"
            raise ValueError(f"y holds class labels, which must be integers from 0 to n_L - 1 = {n - 1} "
                             f"(the output has {n} units), but {where} = {int(np.atleast_1d(y)[k])}")
        return (y[..., None] == np.arange(n)).astype(np.float64)

    def check_targets(self, y):
        _check_in_unit_interval(y, self.name)
        sums = y.sum(axis=-1)
        tol = 1e-6 * y.shape[-1]
        if not y.size or np.abs(sums - 1).max() <= tol:  # one reduction; the mask only to name the row
            return
        bad = np.abs(sums - 1) > tol
        if np.any(bad):
            where = np.flatnonzero(np.atleast_1d(bad))[0]
            raise ValueError(
                f"cross_entropy targets must be one-hot rows, probabilities that sum to 1 for "
                f"each example, or integer class labels, but row {where} of y sums to "
                f"{float(np.atleast_1d(sums)[where]):.6g}")


def _check_in_unit_interval(y, name):
    """ValueError unless every entry of the finite array y lies in [0, 1]."""
    if not y.size or (y.min() >= 0 and y.max() <= 1):  # two reductions, no masks (half the time)
        return
    if np.any((y < 0) | (y > 1)):
        bad = y[(y < 0) | (y > 1)]
        raise ValueError(
            f"{name} targets must lie in [0, 1], but y has {bad.size} value(s) outside it, "
            f"e.g. {float(bad.flat[0]):.6g} (min {float(y.min()):.6g}, max {float(y.max()):.6g})")


squared_error = SquaredError()
mse = squared_error  # the same object under its usual name
binary_cross_entropy = BinaryCrossEntropy()
cross_entropy = CrossEntropy()

LOSSES = {c.name: c for c in (squared_error, binary_cross_entropy, cross_entropy)}
"""Every built-in loss, by name. Tests loop over this registry."""

ALIASES = {"mse": "squared_error"}
"""Other names that :func:`get_loss` accepts: alias -> name in :data:`LOSSES`."""


def get_loss(loss):
    """Return the loss called ``loss`` (a name from :data:`LOSSES`), or ``loss`` itself if it
    is already a :class:`Loss`."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str):
        try:
            return LOSSES[ALIASES.get(loss, loss)]
        except KeyError:
            raise ValueError(
                f"unknown loss {loss!r}; the valid names are "
                + ", ".join(repr(n) + "".join(f" (also {a!r})" for a, t in ALIASES.items() if t == n)
                            for n in LOSSES)) from None
    raise TypeError(f"a loss must be a name such as 'mse' or a Loss object, not {type(loss).__name__}")
