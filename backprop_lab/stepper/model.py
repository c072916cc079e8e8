"""The DeltaStepper's model: one forward and backward pass cut into steps. No widgets here.

:class:`DeltaSteps` runs :func:`backprop_lab.forward` and :func:`backprop_lab.backward` once and
exposes the pass as a list of :class:`~backprop_lab.stepper.steps.Step` (see
:mod:`backprop_lab.stepper.steps` for their order). For every step it gives what a picture shows
(:meth:`DeltaSteps.node_values`, :meth:`DeltaSteps.edge_values`, :meth:`DeltaSteps.bars`), a
status line (:meth:`DeltaSteps.status`) and, for one selected neuron, the equation of that step
with the numbers substituted (:meth:`DeltaSteps.equation`, built in
:mod:`backprop_lab.stepper.equations`), for one example or for the batch mean.
:meth:`DeltaSteps.check` gives feedback on a student's prediction of delta^(l)
(:mod:`backprop_lab.stepper.feedback`).

Index base: in code, neuron j of layer l is column j of the arrays (``delta(l)[j]``, 0-based, as
numpy indexes it); every displayed equation numbers neurons from 1, so column j is written
``delta_{j+1}``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..losses import get_loss
from ..network import backward, cost, forward
from .equations import equation
from .feedback import check
from .steps import build_steps

__all__ = ["DeltaSteps"]


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _check_finite(net, fwd, bwd):
    """ValueError naming the first quantity of the pass that is inf or nan (a diverged network)."""
    for name, arrays in (("W", net.W), ("b", net.b)):
        for l, v in enumerate(arrays, start=1):
            if not np.all(np.isfinite(v)):
                raise ValueError(f"{name}^({l}) holds inf or nan: this network's training diverged, so "
                                 f"there is nothing to step through. Use a network with finite weights, "
                                 f"e.g. Network.random(...), or train with a smaller learning rate")
    largest = max(float(np.max(np.abs(w))) for w in net.W)
    quantities = [("a", 0, fwd.a[0])] + [(q, l, v) for l in range(1, net.L + 1)
                                          for q, v in (("z", fwd.z[l]), ("a", fwd.a[l]))]
    quantities += [("delta", l, bwd.delta[l]) for l in range(net.L, 0, -1)]
    for name, l, v in quantities:
        if not np.all(np.isfinite(v)):
            raise ValueError(
                f"{name}^({l}) is not finite (inf or nan): the numbers of this pass overflow float64 "
                f"(the largest |weight| is {largest:.3g}), so there is nothing to step through. Use a "
                f"network with moderate weights, e.g. Network.random(...)")


class DeltaSteps(Sequence):
    """The steps of one forward and backward pass of ``net`` on ``(x, y)``.

    net : a :class:`backprop_lab.Network`. x : (m, n_0) or (n_0,). y : (m, n_L) or (n_L,).
    loss : a name from :data:`backprop_lab.LOSSES` (or an alias such as "mse").
    Bad shapes raise the core's ValueError (this calls :func:`forward` and :func:`backward`).

    ``self.fwd`` and ``self.bwd`` are the core's results. ``len(self)`` is the number of
    steps, 2L + 3; ``self[k]`` is step k.

    Methods that take ``example`` give the numbers for that example (0..m-1), or their mean
    over the batch when ``example`` is None.
    """

    def __init__(self, net, x, y, loss="squared_error"):
        self.net = net
        self.loss = get_loss(loss)
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, in the learner's words
            self.fwd = forward(net, x)
            self.bwd = backward(net, self.fwd, y, self.loss)
        _check_finite(net, self.fwd, self.bwd)
        self.L, self.sizes, self.m = net.L, net.sizes, self.fwd.m
        self.single = single = self.fwd.single

        def rows(arrays):  # per-layer arrays as 2-D (m, n) float64 copies
            return [np.array(v[None, :] if single else v, dtype=np.float64) for v in arrays]

        # indexed by position: a[l] for l = 0..L; z, delta, W at [l - 1]
        self._rows = {"a": rows(self.fwd.a), "z": rows(self.fwd.z), "delta": rows(self.bwd.delta)}
        self._y = np.array(np.asarray(y, dtype=np.float64).reshape(self.m, -1))
        with np.errstate(over="ignore"):  # a huge but finite delta may give an infinite cost: shown as ∞
            self.c = np.atleast_1d(np.asarray(cost(net, x, y, self.loss, per_example=True), dtype=np.float64))
        self.C = float(np.mean(self.c))
        self._W = [np.asarray(w, dtype=np.float64) for w in net.W]
        self._steps = build_steps(self.L, net.g, self.loss)

    # ---- the sequence -----------------------------------------------------------------------

    def __len__(self):
        return len(self._steps)

    def __getitem__(self, k):
        return self._steps[k]

    @property
    def last(self):
        """The index of the last step, 2L + 2."""
        return len(self._steps) - 1

    def step_of(self, kind, l=None):
        """The index of the step of this kind (and layer), e.g. ``step_of("delta", 2)``."""
        for s in self._steps:
            if s.kind == kind and (l is None or s.l == l):
                return s.index
        raise ValueError(f"no {kind!r} step for layer {l}; layers run 1..{self.L}")

    def status(self, k):
        """The status line, e.g. "step 6/8: delta^(2) = (delta^(3) W^(3)T) * g'(z^(2))"."""
        return f"step {k}/{self.last}: {self[k].title}"

    def status_html(self, k):
        """The status line typeset for ipywidgets.HTMLMath: "step 6/8: the recursion, $\\delta^{(2)} = ...$"."""
        s = self[k]
        words = {"input": "the input", "forward": f"the forward pass, layer {s.l}", "cost": "the cost",
                 "gradients": "the gradients, every layer"}.get(s.kind)
        if s.kind == "delta":
            words = "the output delta" if s.l == self.L else f"the recursion, layer {s.l}"
        return f"step {k}/{self.last}: {words}, ${s.latex}$"

    # ---- checking arguments (public: the widget uses them too) ----------------------------------

    def check_example(self, example):
        """``example`` as an int 0..m-1, or None (the batch mean); TypeError/ValueError otherwise."""
        if example is None:
            return None
        if not _is_int(example):
            raise TypeError(f"example must be an int 0..{self.m - 1} or None (batch mean), "
                            f"not {type(example).__name__}")
        if not 0 <= example < self.m:
            raise ValueError(f"example {example} does not exist: the batch has m = {self.m} "
                             f"example(s), numbered 0..{self.m - 1}")
        return int(example)

    def check_layer(self, l, first=1):
        """``l`` as an int first..L; TypeError/ValueError otherwise (layer 0 has no z, no delta)."""
        if not _is_int(l):
            raise TypeError(f"a layer number must be an int, not {type(l).__name__}")
        if not first <= l <= self.L:
            raise ValueError(f"layer {l} does not exist here: layers run {first}..{self.L}"
                             + (" (layer 0 is the input: it has no z and no delta)" if l == 0 else ""))
        return int(l)

    def check_neuron(self, l, j):
        """``j`` as a column index 0..n_l - 1 of layer l (displayed as neuron j + 1); ValueError otherwise."""
        n = self.sizes[l]
        if not _is_int(j) or not 0 <= j < n:
            raise ValueError(f"neuron j = {j!r} does not exist in layer {l}: it has n_{l} = {n} "
                             f"neuron(s), columns j = 0..{n - 1} (neurons 1..{n} in the equations)")
        return int(j)

    # ---- numbers ---------------------------------------------------------------------------

    def is_batch_mean(self, example):
        """True if ``example`` (an example's index, or None) shows the mean of a batch of m > 1
        examples: dC, not one example's dc (with m = 1 the two are the same)."""
        return example is None and self.m > 1

    def _pick(self, rows, example):
        example = self.check_example(example)
        return rows.mean(axis=0) if example is None else rows[example]

    def per_example(self, quantity, l):
        """"a" (l = 0..L), "z" or "delta" (l = 1..L) of layer l for every example: (m, n_l)."""
        if quantity not in self._rows:
            raise ValueError(f"quantity must be one of {sorted(self._rows)}, not {quantity!r}")
        if quantity == "a":
            return self._rows["a"][self.check_layer(l, first=0)]
        return self._rows[quantity][self.check_layer(l) - 1]

    def targets(self, example="all"):
        """y for one example (n_L,), or for every example (m, n_L) by default."""
        return self._y if example == "all" else self._y[self.check_example(example)]

    def weights(self, l):
        """W^(l) as float64: (n_{l-1}, n_l). l = 1..L."""
        return self._W[self.check_layer(l) - 1]

    def a(self, l, example=None):
        """a^(l) for one example, or its batch mean: (n_l,). l = 0..L."""
        return self._pick(self.per_example("a", l), example)

    def z(self, l, example=None):
        """z^(l): (n_l,). l = 1..L."""
        return self._pick(self.per_example("z", l), example)

    def delta(self, l, example=None):
        """delta^(l) = dc/dz^(l) for one example, or its batch mean (= dC/db^(l)): (n_l,)."""
        return self._pick(self.per_example("delta", l), example)

    def flow(self, l, example=None):
        """The flow delta_k^(l) W_jk^(l) from neuron k of layer l back to neuron j of layer l-1.

        (n_{l-1}, n_l); summing over k (axis 1) gives delta^(l) W^(l)T. l = 1..L.
        """
        return self.weights(l) * self.delta(l, example)[None, :]

    # ---- what a picture shows -------------------------------------------------------------------

    def node_quantity(self, k):
        """What neurons are coloured by at step k: "a", "delta" or "dC/db"."""
        return {"delta": "delta", "gradients": "dC/db"}.get(self[k].kind, "a")

    def edge_quantity(self, k):
        """What edges are coloured by at step k: "W", "delta_k W_jk" (the flow) or "dC/dW"."""
        s = self[k]
        if s.kind == "delta":
            return "delta_k W_jk" if s.l < self.L else None
        return "dC/dW" if s.kind == "gradients" else "W"

    def node_values(self, k, example=None):
        """One entry per layer l = 0..L: the array coloured on neurons at step k, or None (not known)."""
        s = self[k]
        if s.kind in ("input", "forward", "cost"):
            return [self.a(l, example) if l <= s.forward_known else None for l in range(self.L + 1)]
        if s.kind == "delta":
            return [None] + [self.delta(l, example) if s.has_delta(l) else None for l in range(1, self.L + 1)]
        return [None] + [np.asarray(self.bwd.db[l], dtype=np.float64) if example is None
                         else self.delta(l, example) for l in range(1, self.L + 1)]

    def edge_values(self, k, example=None):
        """One entry per layer l = 1..L: the (n_{l-1}, n_l) array coloured on edges, or None.

        Forward and cost steps: W^(l). The step computing delta^(l) for l < L: the flow
        delta_k^(l+1) W_jk^(l+1) on the edges of layer l+1 only. Gradients: dC/dW^(l) for the
        batch, or a_i^(l-1) delta_j^(l) for one example.
        """
        s = self[k]
        if s.kind in ("input", "forward", "cost"):
            return list(self._W)
        if s.kind == "delta":
            return [self.flow(l, example) if l == s.l + 1 else None for l in range(1, self.L + 1)]
        if example is None:
            return [np.asarray(dw, dtype=np.float64) for dw in self.bwd.dW]
        return [np.outer(self.a(l - 1, example), self.delta(l, example)) for l in range(1, self.L + 1)]

    def highlight(self, k):
        """The layer to outline at step k (the one being computed), or None."""
        s = self[k]
        if s.kind == "input":
            return 0
        if s.kind == "cost":
            return self.L
        return s.l if s.kind in ("forward", "delta") else None

    def bars(self, k, example=None):
        """One entry per layer l = 1..L: delta^(l) (n_l,) if known by step k, else None."""
        s = self[k]
        return [self.delta(l, example) if s.kind == "gradients" or (s.kind == "delta" and s.has_delta(l))
                else None for l in range(1, self.L + 1)]

    def bar_limit(self, example=None):
        """max |delta_j^(l)| over every layer: a fixed scale for the bar plots."""
        return max(float(np.max(np.abs(self.delta(l, example)))) for l in range(1, self.L + 1))

    # ---- the equation for one neuron, and a student's prediction -------------------------------

    def follow_layer(self, k):
        """The layer whose equation step k is about (the layer it computes)."""
        s = self[k]
        if s.kind == "input":
            return 0
        return self.L if s.kind in ("cost", "gradients") else s.l

    def equation(self, k, l=None, j=0, example=None):
        """The equation of step k for neuron j of layer l, with the numbers substituted.

        l : 0..L, or None for the layer step k computes. j : the column 0..n_l - 1 (the equation
        writes it as neuron j + 1). example : an example index, or None for the batch mean.
        Returns an :class:`~backprop_lab.stepper.equations.Equation`.
        """
        l = self.follow_layer(k) if l is None else self.check_layer(l, first=0)
        j = self.check_neuron(l, j)
        return equation(self, k, l, j, self.check_example(example))

    def check(self, l, guess, example=None):
        """Feedback on a predicted delta^(l), without raising on a bad guess.

        guess : (n_l,) for one example (or the batch mean if ``example`` is None), or (m, n_l)
        for the whole batch. It is right if every entry is within 0.2% of the true value, plus
        0.1% of the largest |delta_j^(l)| (so compute it from the arrays, not from numbers
        rounded to 3 digits). A wrong guess is compared with the catalogued mistakes of
        :data:`backprop_lab.mistakes.CATALOGUE` (g(z) for g'(z), no g', W for W^T, g' at a, the
        sign of a - y). Returns a :class:`~backprop_lab.stepper.feedback.Feedback`, true when
        right, whose ``mistake`` is the recognised mistake's id (or None).
        """
        return check(self, l, guess, example)
