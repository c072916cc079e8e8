"""Activation functions g, each registered together with its derivative g'.

Every activation is one object:

* ``g(z)`` is its value, elementwise, for ``z`` of any shape;
* ``g.prime(z)`` is the elementwise derivative g'(z);
* ``g.vjp(z, v)`` is ``J^T v``, the vector-Jacobian product that backpropagation
  needs: for an elementwise g it is simply ``v * g'(z)``.

Softmax is not elementwise (a_k depends on every z_j), so it has no ``prime``;
it exposes ``jacobian(z)`` instead, and its ``vjp`` multiplies by that Jacobian.

Each activation also writes itself in LaTeX with a number substituted:
``g.latex_value(z)`` is g(z) at that z (e.g. ``\\tanh(0.5)``), ``g.latex_prime(z, a)`` is the
right-hand side of g'(z) = ... with the numbers and the value (e.g. ``1-a^2 = 1-0.462^2 = 0.787``).
The stepper and the exercise feedback use only these, never an activation's name.

Look activations up by name with :func:`get_activation`; the registry
:data:`ACTIVATIONS` maps every name to its object.
"""

from __future__ import annotations

import re

import numpy as np

from .formatting import latex, latex_factor

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "softplus",
    "softmax",
]


class Activation:
    """An activation function g together with its derivative.

    Parameters
    ----------
    name : str
        The name it is registered under, e.g. ``"tanh"``.
    function : callable
        ``z -> g(z)``, elementwise.
    derivative : callable
        ``z -> g'(z)``, elementwise.
    derivative_from_output : callable, optional
        ``a -> g'(z)`` where ``a = g(z)``, for activations where that identity is
        exact (``tanh' = 1 - a^2``, ``sigmoid' = a (1 - a)``). Backpropagation uses it
        because the forward pass has already computed ``a``.
    kinks : tuple of float
        Points where g is not differentiable (``(0.0,)`` for relu). A finite
        difference across a kink is not a derivative; :func:`backprop_lab.gradient_check`
        uses this to leave such entries out.
    output_range : (float, float)
        The open interval g maps into; losses use it to refuse an output layer
        that cannot produce probabilities.
    formula, prime_formula : str
        LaTeX for the notebooks and the stepper's equations, written ``g(z) = ...`` and
        ``g'(z) = ...`` in the variable z.
    value_latex, prime_latex : callable, optional
        How to write g(z) and g'(z) with numbers: ``value_latex(z) -> str`` and
        ``prime_latex(z, a, gp) -> str`` (z, a = g(z) and gp = g'(z) as floats; the string is the
        right-hand side, ending with the value where it is not obvious). Without them the
        right-hand sides of ``formula`` and ``prime_formula`` are used with the number put in for z
        (see :meth:`latex_value`, :meth:`latex_prime`), so a new activation never shows a bare g(z).
    """

    elementwise = True

    def __init__(self, name, function, derivative, derivative_from_output=None, *,
                 kinks=(), output_range=(-np.inf, np.inf), formula="", prime_formula="",
                 value_latex=None, prime_latex=None):
        self.name = name
        self._function = function
        self._derivative = derivative
        self._derivative_from_output = derivative_from_output
        self.kinks = tuple(kinks)
        self.output_range = output_range
        self.formula = formula
        self.prime_formula = prime_formula
        self._value_latex = value_latex
        self._prime_latex = prime_latex

    def __call__(self, z):
        """a = g(z), elementwise. z: any shape -> same shape."""
        return self._function(np.asarray(z))

    def prime(self, z, a=None):
        """g'(z), elementwise. z: any shape -> same shape.

        If ``a = g(z)`` is passed and g' can be written exactly in terms of a
        (tanh, sigmoid), the derivative is computed from a, which saves
        evaluating g again. The result is the same either way.
        """
        if a is not None and self._derivative_from_output is not None:
            return self._derivative_from_output(np.asarray(a))
        return self._derivative(np.asarray(z))

    def latex_value(self, z):
        """LaTeX for g(z) with the number z put in, e.g. ``\\tanh(0.5)`` (elementwise g, z a float).

        The default is the right-hand side of :attr:`formula` with z replaced by the number (in
        parentheses); without a formula, ``\\mathrm{name}(z)``.
        """
        z = float(z)
        if self._value_latex is not None:
            return self._value_latex(z)
        rhs = _rhs(self.formula)
        if not rhs:
            return rf"\mathrm{{{_latex_name(self.name)}}}({latex(z)})"
        return _substitute_z(rhs, z)

    def latex_prime(self, z, a=None):
        """LaTeX for the right-hand side of g'(z) = ..., with the numbers and the value.

        E.g. ``a\\,(1-a) = 0.5\\,(1-0.5) = 0.25`` for the sigmoid, or ``1 \\text{ since } z = 0.3 > 0``
        for relu. z : a float; a : g(z) (computed if not given). The default is the right-hand side
        of :attr:`prime_formula` with the number put in for z, then ``= g'(z)``.
        """
        z = float(z)
        a = float(self(np.array([z]))[0]) if a is None else float(a)
        gp = float(self.prime(np.array([z]), np.array([a]))[0])
        if self._prime_latex is not None:
            return self._prime_latex(z, a, gp)
        rhs = _rhs(self.prime_formula)
        if not rhs:
            return latex(gp)
        return f"{_substitute_z(rhs, z)} = {latex(gp)}"

    def vjp(self, z, v, a=None):
        """J^T v, with J = da/dz. For an elementwise g that is v * g'(z).

        z, v: (..., n) -> (..., n). ``a`` (= g(z)) is optional, as in :meth:`prime`.
        """
        return np.asarray(v) * self.prime(z, a)

    def same_as(self, other):
        """True if ``other`` is this activation: the same object, or one that computes the same
        values (a copy, a new ``Softmax()``, or your own ``Activation("sigmoid", ...)``), judged on a
        fixed grid of z in [-6, 6]. Losses use it to recognise their fused output activation."""
        if other is self:
            return True
        if not isinstance(other, Activation) or other.elementwise != self.elementwise:
            return False
        try:
            with np.errstate(all="ignore"):
                mine, theirs = np.asarray(self(_PROBE)), np.asarray(other(_PROBE))
        except Exception:  # noqa: BLE001 - a function that fails on the grid is not this one
            return False
        return mine.shape == theirs.shape and bool(np.allclose(mine, theirs, rtol=1e-9, atol=1e-12))

    def check_units(self, n, l):
        """Raise ValueError if this activation cannot serve a layer l of n units (see Softmax)."""

    def __repr__(self):
        return f"<activation {self.name!r}>"


_PROBE = np.linspace(-6.0, 6.0, 25).reshape(5, 5)  # 5 examples of 5 units, for Activation.same_as


# --- LaTeX with numbers -------------------------------------------------------

_Z = re.compile(r"(?<![A-Za-z\\])z(?![A-Za-z])")  # the variable z, not the z of \frac or z_k


def _rhs(formula):
    """'g(z) = \\tanh z' -> '\\tanh z' (the part after the first '='), '' if there is none."""
    return formula.split("=", 1)[1].strip() if "=" in formula else formula.strip()


def _substitute_z(rhs, z):
    return _Z.sub(lambda _: f"({latex(z)})", rhs)


def _latex_name(name):
    return name.replace("_", r"\_")


def _by_sign(positive, other):
    """g'(z) of a piecewise-linear g: ``positive`` for z > 0, else ``other``."""
    return lambda z, a, gp: (rf"{positive} \text{{ since }} z = {latex(z)} > 0" if z > 0
                             else rf"{other} \text{{ since }} z = {latex(z)} \le 0")


# --- the elementwise activations --------------------------------------------

def _sigmoid(z):
    # sigmoid(z) = 1 / (1 + e^-z) = exp(-log(1 + e^-z)) = exp(-logaddexp(0, -z)): logaddexp never
    # overflows, so this is stable for any z, keeps full relative precision for z << 0, and takes
    # fewer ufunc calls than the two-branch form. (Works on scalars too: students call g(z_j).)
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_prime(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _sigmoid_prime_from_a(a):
    return a * (1.0 - a)  # sigmoid'(z) = a (1 - a)


def _tanh_prime(z):
    t = np.tanh(z)
    return 1.0 - t * t


def _tanh_prime_from_a(a):
    return 1.0 - a * a  # tanh'(z) = 1 - a^2


def _relu(z):
    return np.maximum(z, 0)


def _relu_prime(z):
    # g'(0) is taken to be 0 (the kink); gradient_check leaves kink entries out.
    return (z > 0).astype(z.dtype if z.dtype.kind == "f" else np.float64)


LEAKY_SLOPE = 0.01


def _leaky_relu(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_prime(z):
    dtype = z.dtype if z.dtype.kind == "f" else np.float64
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(dtype, copy=False)


def _softplus(z):
    return np.logaddexp(0, z)  # log(1 + e^z) without overflow


def _identity(z):
    return z.copy()


def _ones(z):
    return np.ones_like(z, dtype=z.dtype if z.dtype.kind == "f" else np.float64)


identity = Activation(
    "identity", _identity, _ones,
    formula=r"g(z) = z", prime_formula=r"g'(z) = 1",
    value_latex=latex, prime_latex=lambda z, a, gp: "1")
sigmoid = Activation(
    "sigmoid", _sigmoid, _sigmoid_prime, _sigmoid_prime_from_a, output_range=(0.0, 1.0),
    formula=r"g(z) = \frac{1}{1+e^{-z}}", prime_formula=r"g'(z) = g(z)\,(1-g(z))",
    value_latex=lambda z: rf"\mathrm{{sigmoid}}({latex(z)})",
    prime_latex=lambda z, a, gp: (rf"a\,(1-a) = {latex_factor(a)}\,(1-{latex_factor(a)})"
                                  rf" = {latex(gp)}"))
tanh = Activation(
    "tanh", np.tanh, _tanh_prime, _tanh_prime_from_a, output_range=(-1.0, 1.0),
    formula=r"g(z) = \tanh z", prime_formula=r"g'(z) = 1-\tanh^2 z",
    value_latex=lambda z: rf"\tanh({latex(z)})",
    prime_latex=lambda z, a, gp: rf"1-a^2 = 1-{latex_factor(a)}^2 = {latex(gp)}")
relu = Activation(
    "relu", _relu, _relu_prime, kinks=(0.0,), output_range=(0.0, np.inf),
    formula=r"g(z) = \max(0, z)", prime_formula=r"g'(z) = 1 \text{ if } z>0 \text{ else } 0",
    value_latex=lambda z: rf"\max(0,\ {latex(z)})", prime_latex=_by_sign("1", "0"))
leaky_relu = Activation(
    "leaky_relu", _leaky_relu, _leaky_relu_prime, kinks=(0.0,),
    formula=r"g(z) = z \text{ if } z>0 \text{ else } 0.01\,z",
    prime_formula=r"g'(z) = 1 \text{ if } z>0 \text{ else } 0.01",
    value_latex=lambda z: rf"\mathrm{{leaky\_relu}}({latex(z)})", prime_latex=_by_sign("1", "0.01"))
softplus = Activation(
    "softplus", _softplus, _sigmoid, output_range=(0.0, np.inf),
    formula=r"g(z) = \log(1+e^{z})", prime_formula=r"g'(z) = \frac{1}{1+e^{-z}}",
    value_latex=lambda z: rf"\log(1+e^{{{latex(z)}}})",
    prime_latex=lambda z, a, gp: (rf"\frac{{1}}{{1+e^{{-z}}}} = \frac{{1}}{{1+e^{{{latex_factor(-z)}}}}}"
                                  rf" = {latex(gp)}"))


# --- softmax: not elementwise ----------------------------------------------

class Softmax(Activation):
    """a_k = exp(z_k) / sum_j exp(z_j), over the last axis (the units of one example).

    Softmax is not elementwise: every a_k depends on every z_j, so there is no
    single-variable derivative g'(z). Its Jacobian is
    ``J_kj = da_k/dz_j = a_k (1[k=j] - a_j)``, and backpropagation multiplies by it:
    ``delta = J^T dc/da = a * (dc/da - sum_k a_k dc/da_k)``.
    """

    elementwise = False

    def __init__(self):
        super().__init__(
            "softmax", self._softmax, None, output_range=(0.0, 1.0),
            formula=r"a_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
            prime_formula=r"\frac{\partial a_k}{\partial z_j} = a_k\,(1_{k=j} - a_j)")

    @staticmethod
    def _softmax(z):
        # Shift by the max (log-sum-exp trick): softmax(z) = softmax(z - max z),
        # and exp of a number <= 0 never overflows.
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def prime(self, z, a=None):
        raise TypeError(
            "softmax is not elementwise: each a_k depends on every z_j, so there is no "
            "g'(z) of one variable. Use softmax.jacobian(z), which has shape (n, n) per "
            "example, or softmax.vjp(z, v) = J^T v.")

    def jacobian(self, z):
        """J[..., k, j] = da_k/dz_j = a_k (1[k=j] - a_j). z: (n,) -> (n, n); (m, n) -> (m, n, n)."""
        a = self(z)
        return a[..., :, None] * (np.eye(a.shape[-1], dtype=a.dtype) - a[..., None, :])

    def vjp(self, z, v, a=None):
        """J^T v = a * (v - sum_k a_k v_k) (J is symmetric). z, v: (..., n) -> (..., n)."""
        a = self(z) if a is None else np.asarray(a)
        v = np.asarray(v)
        return a * (v - np.sum(a * v, axis=-1, keepdims=True))

    def check_units(self, n, l):
        if n < 2:
            raise ValueError(
                f"layer {l} has a softmax over n_{l} = {n} unit: its output is always 1, so every "
                f"gradient through it is 0 and it cannot learn; use 'sigmoid' for one output (the "
                f"probability of the positive class), or give layer {l} at least 2 units")


softmax = Softmax()


ACTIVATIONS = {g.name: g for g in (identity, sigmoid, tanh, relu, leaky_relu, softplus, softmax)}
"""Every built-in activation, by name. Tests loop over this registry."""


def get_activation(g):
    """Return the activation called ``g`` (a name from :data:`ACTIVATIONS`), or ``g`` itself
    if it is already an :class:`Activation`."""
    if isinstance(g, Activation):
        return g
    if isinstance(g, str):
        try:
            return ACTIVATIONS[g]
        except KeyError:
            raise ValueError(
                f"unknown activation {g!r}; the valid names are "
                + ", ".join(repr(n) for n in ACTIVATIONS)) from None
    raise TypeError(
        f"an activation must be a name such as 'tanh' or an Activation object, "
        f"not {type(g).__name__}")
