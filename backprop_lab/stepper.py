"""The DeltaStepper's model: one forward and backward pass cut into steps. No widgets here.

:class:`DeltaSteps` runs :func:`backprop_lab.forward` and :func:`backprop_lab.backward` once
and exposes the pass as a list of :class:`Step`, in the order a student computes it::

    step 0            the input a^(0) = x
    steps 1..L        the forward pass, a^(1), ..., a^(L)
    step L+1          the cost c (per example) and C (their mean)
    steps L+2..2L+1   the backward pass, one layer per step: delta^(L), delta^(L-1), ..., delta^(1)
    step 2L+2         the gradients dC/dW^(l) and dC/db^(l), l = 1..L

For every step it gives what a picture shows (:meth:`DeltaSteps.node_values`,
:meth:`DeltaSteps.edge_values`, :meth:`DeltaSteps.bars`), a status line
(:meth:`DeltaSteps.status`) and, for one selected neuron (layer l, index j), the equation of
that step with the numbers substituted (:meth:`DeltaSteps.equation`), for one example or for
the batch mean. :meth:`DeltaSteps.check` gives feedback on a student's prediction of delta^(l).

Neurons are numbered from 0, as numpy indexes them: neuron j of layer l is ``a[l][:, j]``.
Numbers in equations are shown with 3 significant digits (:func:`fmt_number`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .losses import get_loss
from .network import backward, cost, forward

__all__ = ["Step", "Equation", "Feedback", "DeltaSteps", "fmt_number", "delta_norms", "depth_profile"]

KINDS = ("input", "forward", "cost", "delta", "gradients")

# Where each step's equation is derived (the derivation notebooks' file names and section titles).
REFERENCES = {
    "input": ("01_forward_pass.ipynb", "The whole forward pass"),
    "forward": ("01_forward_pass.ipynb", "The whole forward pass"),
    "cost": ("01_forward_pass.ipynb", "The cost of one example and the cost of the dataset"),
    "output_delta": ("02_output_delta.ipynb", "Step 2: an elementwise g collapses the sum"),
    "hidden_delta": ("03_backward_recursion.ipynb", "Three ways to write the recursion"),
    "gradients": ("04_weight_bias_gradients.ipynb", "The whole algorithm"),
}

MAX_TERMS = 5  # sums with more terms than this are shown as the first 4 terms and "..."


@dataclass(frozen=True)
class Step:
    """One step of the pass.

    index : 0..last. kind : one of "input", "forward", "cost", "delta", "gradients".
    l : the layer this step computes (a^(l) for "forward", delta^(l) for "delta"), else None.
    title : plain text, e.g. "delta^(2) = (delta^(3) W^(3)T) * g'(z^(2))".
    latex : the same equation for the whole layer, in LaTeX.
    reference : (notebook file, section title) where the equation is derived.
    forward_known : a^(0..forward_known) have been computed by the end of this step.
    delta_known : delta^(delta_known..L) have been computed, or None if no delta yet.
    """

    index: int
    kind: str
    l: int | None
    title: str
    latex: str
    reference: tuple
    forward_known: int
    delta_known: int | None

    @property
    def delta_layer(self):
        """The l whose delta this step computes, or None outside the backward pass."""
        return self.l if self.kind == "delta" else None

    def has_delta(self, l):
        """True if delta^(l) is known by the end of this step."""
        return self.delta_known is not None and l >= self.delta_known


@dataclass(frozen=True, repr=False)
class Equation:
    """The substituted equation for one neuron at one step.

    lines : display-math LaTeX lines (without $$). note : plain text shown under them.
    layer, j : the neuron. example : the example index, or None for the batch mean.
    """

    lines: tuple
    note: str
    layer: int
    j: int
    example: int | None

    @property
    def latex(self):
        """All lines in one LaTeX string, one line per row."""
        return r" \\ ".join(self.lines)

    def html(self, header=""):
        """HTML for ipywidgets.HTMLMath: each line as $$...$$, the note as text."""
        parts = [header] if header else []
        parts += [f"$${line}$$" for line in self.lines]
        if self.note:
            parts.append(f"<span style='color:#555'>{_escape(self.note)}</span>")
        return "\n".join(parts)

    def __str__(self):
        return "\n".join(list(self.lines) + ([self.note] if self.note else []))

    __repr__ = __str__

    def _repr_latex_(self):
        """Typeset in a notebook (also in static copies: GitHub, nbviewer)."""
        return r"$$\begin{gathered}" + r" \\ ".join(self.lines) + r"\end{gathered}$$"


@dataclass(frozen=True)
class Feedback:
    """The result of :meth:`DeltaSteps.check`: ``ok`` and a message for the student."""

    ok: bool
    message: str

    def __bool__(self):
        return self.ok

    def __str__(self):
        return self.message

    def __repr__(self):
        return self.message


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fmt_number(v, sig=3):
    """A number for an equation: ``sig`` significant digits, LaTeX for powers of ten.

    0.123456 -> '0.123'; -0.000403 -> '-0.000403'; 1.0 -> '1'; 2.5e-07 -> '2.5\\times10^{-7}'.
    """
    v = float(v)
    if v == 0:
        return "0"
    s = f"{v:.{sig}g}"
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant}\times10^{{{int(exp)}}}"
    return s


def _p(v):
    """A number, in parentheses if negative (for products and sums)."""
    s = fmt_number(v)
    return f"({s})" if s.startswith("-") else s


def _sum_terms(terms):
    """Join LaTeX terms with ' + ', keeping at most MAX_TERMS (then the first 4 and a \\dots)."""
    terms = list(terms)
    if len(terms) > MAX_TERMS:
        shown = terms[:MAX_TERMS - 1] + [rf"\dots\ (\text{{{len(terms) - MAX_TERMS + 1} more}})"]
    else:
        shown = terms
    return " + ".join(shown)


def _g_of(g, z):
    """LaTeX for g(z) with the number substituted, by activation name."""
    name, zs = g.name, fmt_number(z)
    return {
        "identity": zs,
        "sigmoid": rf"\mathrm{{sigmoid}}({zs})",
        "tanh": rf"\tanh({zs})",
        "relu": rf"\max(0,\ {zs})",
        "leaky_relu": rf"\mathrm{{leaky\_relu}}({zs})",
        "softplus": rf"\log(1+e^{{{zs}}})",
    }.get(name, rf"g({zs})")


def _g_prime_line(g, l, j, z, a, gp):
    """LaTeX: g_l'(z_j^(l)) = <formula with numbers> = value, for an elementwise g."""
    lhs = rf"g_{l}'(z_{{{j}}}^{{({l})}})"
    val = fmt_number(gp)
    if g.name == "sigmoid":
        mid = rf"a\,(1-a) = {_p(a)}\,(1-{_p(a)})"
    elif g.name == "tanh":
        mid = rf"1-a^2 = 1-{_p(a)}^2"
    elif g.name == "relu":
        mid = (rf"1 \text{{ since }} z = {fmt_number(z)} > 0" if z > 0
               else rf"0 \text{{ since }} z = {fmt_number(z)} \le 0")
    elif g.name == "leaky_relu":
        mid = (rf"1 \text{{ since }} z = {fmt_number(z)} > 0" if z > 0
               else rf"0.01 \text{{ since }} z = {fmt_number(z)} \le 0")
    elif g.name == "identity":
        mid = "1"
    elif g.name == "softplus":
        mid = rf"\frac{{1}}{{1+e^{{-z}}}} = \frac{{1}}{{1+e^{{{_p(-z)}}}}}"
    else:
        mid = ""
    if mid in ("1",) or mid.startswith(("1 ", "0 ", "0.01 ")):
        return rf"{lhs} = {mid}"
    return rf"{lhs} = {mid} = {val}" if mid else rf"{lhs} = {val}"


def _array_text(v):
    """[0.123, -0.0456] (4 significant digits), nested for 2-D arrays."""
    v = np.asarray(v)
    if v.ndim == 0:
        return f"{float(v):.4g}"
    return "[" + ", ".join(_array_text(r) for r in v) + "]"


def _as_rows(arrays, single):
    """Per-layer arrays as 2-D (m, n) float64 copies."""
    return [np.array(v[None, :] if single else v, dtype=np.float64) for v in arrays]


class DeltaSteps(Sequence):
    """The steps of one forward and backward pass of ``net`` on ``(x, y)``.

    net : a :class:`backprop_lab.Network`. x : (m, n_0) or (n_0,). y : (m, n_L) or (n_L,).
    loss : a name from :data:`backprop_lab.LOSSES`.
    Bad shapes raise the core's ValueError (this calls :func:`forward` and :func:`backward`).

    ``self.fwd`` and ``self.bwd`` are the core's results. ``len(self)`` is the number of
    steps, 2L + 3; ``self[k]`` is step k, a :class:`Step`.

    Methods that take ``example`` give the numbers for that example (0..m-1), or their mean
    over the batch when ``example`` is None.
    """

    def __init__(self, net, x, y, loss="mse"):
        self.net = net
        self.loss = get_loss(loss)
        self.fwd = forward(net, x)
        self.bwd = backward(net, self.fwd, y, self.loss)
        self.L = net.L
        self.sizes = net.sizes
        self.m = self.fwd.m
        self.single = self.fwd.single
        single = self.single
        # 2-D (m, n_l) float64 copies, indexed by position: a[l] for l = 0..L, z/delta[l - 1].
        self._a = _as_rows(self.fwd.a, single)
        self._z = _as_rows(self.fwd.z, single)
        self._delta = _as_rows(self.bwd.delta, single)
        self._y = np.array(np.asarray(y, dtype=np.float64).reshape(self.m, -1))
        self.c = np.atleast_1d(np.asarray(cost(net, x, y, self.loss, per_example=True), dtype=np.float64))
        self.C = float(np.mean(self.c))
        self._W = [np.asarray(w, dtype=np.float64) for w in net.W]
        self._steps = self._build()

    # ---- the sequence -----------------------------------------------------------------------

    def _build(self):
        L, g = self.L, self.net.g
        steps = [Step(0, "input", None, "a^(0) = x, the input",
                      r"a^{(0)} = x", REFERENCES["input"], 0, None)]
        for l in range(1, L + 1):
            steps.append(Step(
                len(steps), "forward", l,
                f"a^({l}) = g_{l}(z^({l})) with z^({l}) = a^({l - 1}) W^({l}) + b^({l})",
                rf"z^{{({l})}} = a^{{({l - 1})}} W^{{({l})}} + b^{{({l})}},\quad "
                rf"a^{{({l})}} = g_{l}(z^{{({l})}})",
                REFERENCES["forward"], l, None))
        steps.append(Step(
            len(steps), "cost", None,
            f"the cost c(a^({L}), y) for each example ({self.loss.name}), and C = their mean",
            rf"{self.loss.formula},\quad C = \frac{{1}}{{m}}\sum_x c(x)",
            REFERENCES["cost"], L, None))
        for l in range(L, 0, -1):
            if l == L:
                if self.loss.is_fused(g[L]):
                    title = f"delta^({L}) = a^({L}) - y (the g' cancels for {g[L].name} + {self.loss.name})"
                    latex = rf"\delta^{{({L})}} = a^{{({L})}} - y"
                elif g[L].elementwise:
                    title = f"delta^({L}) = dc/da^({L}) * g'(z^({L}))"
                    latex = rf"\delta^{{({L})}} = \frac{{\partial c}}{{\partial a^{{({L})}}}} \odot g_{L}'(z^{{({L})}})"
                else:
                    title = f"delta^({L}) = J^T dc/da^({L}) ({g[L].name} is not elementwise)"
                    latex = rf"\delta^{{({L})}} = J^T \frac{{\partial c}}{{\partial a^{{({L})}}}}"
                ref = REFERENCES["output_delta"]
            else:
                if g[l].elementwise:
                    title = f"delta^({l}) = (delta^({l + 1}) W^({l + 1})T) * g'(z^({l}))"
                    latex = (rf"\delta^{{({l})}} = \big(\delta^{{({l + 1})}} W^{{({l + 1})T}}\big)"
                             rf" \odot g_{l}'(z^{{({l})}})")
                else:
                    title = f"delta^({l}) = J^T (delta^({l + 1}) W^({l + 1})T) ({g[l].name} is not elementwise)"
                    latex = rf"\delta^{{({l})}} = J^T \big(\delta^{{({l + 1})}} W^{{({l + 1})T}}\big)"
                ref = REFERENCES["hidden_delta"]
            steps.append(Step(len(steps), "delta", l, title, latex, ref, L, l))
        steps.append(Step(
            len(steps), "gradients", None,
            f"dC/dW^(l) = a^(l-1)T delta^(l) / m and dC/db^(l) = mean of delta^(l), for l = 1..{L}",
            r"\frac{\partial C}{\partial W^{(l)}} = \frac{1}{m} a^{(l-1)T} \delta^{(l)},\quad "
            r"\frac{\partial C}{\partial b^{(l)}} = \frac{1}{m}\sum_x \delta^{(l)}",
            REFERENCES["gradients"], L, 1))
        return steps

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

    # ---- numbers ---------------------------------------------------------------------------

    def _check_example(self, example):
        if example is None:
            return None
        if isinstance(example, (bool, np.bool_)) or not isinstance(example, (int, np.integer)):
            raise TypeError(f"example must be an int 0..{self.m - 1} or None (batch mean), "
                            f"not {type(example).__name__}")
        if not 0 <= example < self.m:
            raise ValueError(f"example {example} does not exist: the batch has m = {self.m} "
                             f"example(s), numbered 0..{self.m - 1}")
        return int(example)

    def _pick(self, rows, example):
        example = self._check_example(example)
        return rows.mean(axis=0) if example is None else rows[example]

    def _check_layer(self, l, first=1):
        if isinstance(l, (bool, np.bool_)) or not isinstance(l, (int, np.integer)):
            raise TypeError(f"a layer number must be an int, not {type(l).__name__}")
        if not first <= l <= self.L:
            raise ValueError(f"layer {l} does not exist here: layers run {first}..{self.L}"
                             + (" (layer 0 is the input: it has no z and no delta)" if l == 0 else ""))
        return int(l)

    def a(self, l, example=None):
        """a^(l) for one example, or its batch mean: (n_l,). l = 0..L."""
        return self._pick(self._a[self._check_layer(l, first=0)], example)

    def z(self, l, example=None):
        """z^(l): (n_l,). l = 1..L."""
        return self._pick(self._z[self._check_layer(l) - 1], example)

    def delta(self, l, example=None):
        """delta^(l) = dc/dz^(l) for one example, or its batch mean (= dC/db^(l)): (n_l,)."""
        return self._pick(self._delta[self._check_layer(l) - 1], example)

    def flow(self, l, example=None):
        """The flow delta_k^(l) W_jk^(l) from neuron k of layer l back to neuron j of layer l-1.

        (n_{l-1}, n_l); summing over k (axis 1) gives delta^(l) W^(l)T. l = 1..L.
        """
        l = self._check_layer(l)
        return self._W[l - 1] * self.delta(l, example)[None, :]

    def node_quantity(self, k):
        """What neurons are coloured by at step k: "a", "delta" or "dC/db"."""
        kind = self[k].kind
        return {"delta": "delta", "gradients": "dC/db"}.get(kind, "a")

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
            return [None] + [self.delta(l, example) if s.has_delta(l) else None
                             for l in range(1, self.L + 1)]
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
        known = s.kind == "gradients" or s.kind == "delta"
        return [self.delta(l, example) if known and (s.kind == "gradients" or s.has_delta(l)) else None
                for l in range(1, self.L + 1)]

    def bar_limit(self, example=None):
        """max |delta_j^(l)| over every layer: a fixed scale for the bar plots."""
        return max(float(np.max(np.abs(self.delta(l, example)))) for l in range(1, self.L + 1))

    # ---- the equation for one neuron ------------------------------------------------------

    def follow_layer(self, k):
        """The layer whose equation step k is about (the layer it computes)."""
        s = self[k]
        if s.kind == "input":
            return 0
        if s.kind in ("cost", "gradients"):
            return self.L
        return s.l

    def equation(self, k, l=None, j=0, example=None):
        """The equation of step k for neuron j of layer l, with the numbers substituted.

        l : 0..L, or None for the layer step k computes. j : 0..n_l - 1.
        example : an example index, or None for the batch mean.
        Returns an :class:`Equation`.
        """
        s = self[k]
        l = self.follow_layer(k) if l is None else self._check_layer(l, first=0)
        n = self.sizes[l]
        if isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, np.integer)) or not 0 <= j < n:
            raise ValueError(f"neuron j = {j!r} does not exist in layer {l}: it has n_{l} = {n} "
                             f"neuron(s), j = 0..{n - 1}")
        j = int(j)
        example = self._check_example(example)
        if l == 0:
            lines, note = self._eq_input(j, example)
        elif s.kind in ("input", "forward"):
            if l > s.forward_known:
                lines = (rf"a_{{{j}}}^{{({l})}} = \ ?",)
                note = (f"a^({l}) is not computed yet: the forward pass reaches layer {l} at "
                        f"step {self.step_of('forward', l)}.")
            else:
                lines, note = self._eq_forward(l, j, example)
        elif s.kind == "cost":
            lines, note = self._eq_cost(j if l == self.L else None, example)
        elif s.kind == "delta":
            if not s.has_delta(l):
                lines = (rf"\delta_{{{j}}}^{{({l})}} = \ ?",)
                note = (f"delta^({l}) is not computed yet: it needs delta^({l + 1}) first "
                        f"(step {self.step_of('delta', l)}). Can you predict it?")
            else:
                lines, note = self._eq_delta(l, j, example)
        else:
            lines, note = self._eq_gradients(l, j, example)
        return Equation(tuple(lines), note, l, j, example)

    def _mean_line(self, lhs, values, result):
        """\\overline{lhs} = (1/m) sum_x lhs(x) = (1/m)(v_1 + ...) = result."""
        terms = _sum_terms(_p(v) for v in values)
        if abs(result) <= 1e-12 * float(np.max(np.abs(values))):
            result = 0.0  # rounding noise of a mean that cancels, e.g. -2.8e-17
        return (rf"\overline{{{lhs}}} = \frac{{1}}{{m}}\sum_x {lhs}(x) = "
                rf"\frac{{1}}{{{self.m}}}\big({terms}\big) = {fmt_number(result)}")

    def _batch_note(self):
        return (f"The mean over the batch of m = {self.m} examples. The equation holds for each "
                f"example: choose one example to see it with its numbers.")

    def _eq_input(self, j, example):
        if example is None and self.m > 1:
            return ((self._mean_line(rf"a_{{{j}}}^{{(0)}}", self._a[0][:, j], self.a(0)[j]),),
                    "Layer 0 is the input x: it has no z and no delta.")
        return ((rf"a_{{{j}}}^{{(0)}} = x_{{{j}}} = {fmt_number(self.a(0, example or 0)[j])}",),
                "Layer 0 is the input x: it has no z and no delta.")

    def _eq_forward(self, l, j, example):
        g = self.net.g[l]
        if example is None and self.m > 1:
            return ((self._mean_line(rf"a_{{{j}}}^{{({l})}}", self._a[l][:, j], self.a(l)[j]),),
                    self._batch_note())
        a_prev, W, b = self.a(l - 1, example or 0), self._W[l - 1], float(self.net.b[l][j])
        z, a = self.z(l, example or 0)[j], self.a(l, example or 0)[j]
        terms = _sum_terms(rf"{_p(a_prev[i])} \cdot {_p(W[i, j])}" for i in range(len(a_prev)))
        line1 = (rf"z_{{{j}}}^{{({l})}} = \sum_i a_i^{{({l - 1})}} W_{{i,{j}}}^{{({l})}} + b_{{{j}}}^{{({l})}}"
                 rf" = {terms} + {_p(b)} = {fmt_number(z)}")
        if g.elementwise:
            line2 = rf"a_{{{j}}}^{{({l})}} = g_{l}(z_{{{j}}}^{{({l})}}) = {_g_of(g, z)} = {fmt_number(a)}"
        else:
            line2 = rf"a_{{{j}}}^{{({l})}} = {g.name}(z^{{({l})}})_{{{j}}} = {fmt_number(a)}"
        return (line1, line2), f"g_{l} is {g.name}."

    def _eq_cost(self, j, example):
        L, name = self.L, self.loss.name
        if example is None and self.m > 1:
            terms = _sum_terms(_p(v) for v in self.c)
            lines = [rf"C = \frac{{1}}{{m}}\sum_x c(x) = \frac{{1}}{{{self.m}}}\big({terms}\big) = "
                     rf"{fmt_number(self.C)}"]
            return tuple(lines), f"C is the mean of the per-example cost c ({name}) over the batch."
        e = example or 0
        a, y = self._a[L][e], self._y[e]
        if name == "squared_error":
            terms = _sum_terms(rf"({fmt_number(ai)} - {fmt_number(yi)})^2" for ai, yi in zip(a, y))
            line = rf"c = \tfrac12 \sum_j (a_j^{{({L})}} - y_j)^2 = \tfrac12\big({terms}\big)"
        elif name == "binary_cross_entropy":
            terms = _sum_terms(rf"{_p(yi)}\log {fmt_number(ai)} + {_p(1 - yi)}\log {fmt_number(1 - ai)}"
                               for ai, yi in zip(a, y))
            line = (rf"c = -\sum_j \big[y_j \log a_j^{{({L})}} + (1-y_j)\log(1-a_j^{{({L})}})\big]"
                    rf" = -\big[{terms}\big]")
        elif name == "cross_entropy":
            terms = _sum_terms(rf"{_p(yi)}\log {fmt_number(ai)}" for ai, yi in zip(a, y))
            line = rf"c = -\sum_j y_j \log a_j^{{({L})}} = -\big({terms}\big)"
        else:
            line = self.loss.formula
        lines = [rf"{line} = {fmt_number(self.c[e])}"]
        if j is not None:
            grad = self.loss.grad(a[None, :], y[None, :])[0]
            lhs = rf"\frac{{\partial c}}{{\partial a_{{{j}}}^{{({L})}}}}"
            if name == "squared_error":
                mid = rf"a_{{{j}}}^{{({L})}} - y_{{{j}}} = {fmt_number(a[j])} - {_p(y[j])} = "
            elif name == "cross_entropy":
                mid = rf"-\frac{{y_{{{j}}}}}{{a_{{{j}}}}} = -\frac{{{fmt_number(y[j])}}}{{{fmt_number(a[j])}}} = "
            elif name == "binary_cross_entropy":
                mid = (rf"\frac{{a_{{{j}}} - y_{{{j}}}}}{{a_{{{j}}}(1-a_{{{j}}})}} = "
                       rf"\frac{{{fmt_number(a[j])} - {_p(y[j])}}}{{{fmt_number(a[j])}\,(1-{fmt_number(a[j])})}} = ")
            else:
                mid = ""
            lines.append(rf"{lhs} = {mid}{fmt_number(grad[j])}")
        return tuple(lines), (f"Example {e}: the per-example cost ({name}); dc/da^({L}) starts the "
                              f"backward pass.")

    def _eq_delta(self, l, j, example):
        L, g = self.L, self.net.g[l]
        lhs = rf"\delta_{{{j}}}^{{({l})}}"
        if example is None and self.m > 1:
            return ((self._mean_line(lhs, self._delta[l - 1][:, j], self.delta(l)[j]),),
                    self._batch_note() + f" This mean is dC/db_{j}^({l}).")
        e = example or 0
        d, z, a = self.delta(l, e)[j], self.z(l, e)[j], self.a(l, e)[j]
        if l == L:
            y = self._y[e]
            if self.loss.is_fused(g):
                return ((rf"{lhs} = a_{{{j}}}^{{({L})}} - y_{{{j}}} = {fmt_number(a)} - {_p(y[j])}"
                         rf" = {fmt_number(d)}",),
                        f"For {g.name} with {self.loss.name}, dc/da times g' simplifies to a - y "
                        f"(notebook 02).")
            dcda = self.loss.grad(self._a[L][e][None, :], y[None, :])[0]
            if not g.elementwise:
                ae = self._a[L][e]
                return ((rf"{lhs} = \sum_k \frac{{\partial c}}{{\partial a_k^{{({L})}}}}"
                         rf"\frac{{\partial a_k^{{({L})}}}}{{\partial z_{{{j}}}^{{({L})}}}}"
                         rf" = a_{{{j}}}\Big(\frac{{\partial c}}{{\partial a_{{{j}}}}} - \sum_k a_k "
                         rf"\frac{{\partial c}}{{\partial a_k}}\Big) = {fmt_number(a)}\big({_p(dcda[j])} - "
                         rf"{_p(float(np.dot(ae, dcda)))}\big) = {fmt_number(d)}",),
                        f"{g.name} is not elementwise: every a_k depends on z_{j}, so the sum over "
                        f"k does not collapse (notebook 02).")
            gp = float(g.prime(np.array([z]), np.array([a]))[0])
            line1 = (rf"{lhs} = \frac{{\partial c}}{{\partial a_{{{j}}}^{{({L})}}}}\, g_{L}'(z_{{{j}}}^{{({L})}})"
                     rf" = {_p(dcda[j])} \cdot {_p(gp)} = {fmt_number(d)}")
            return ((line1, _g_prime_line(g, l, j, z, a, gp)),
                    f"Output layer: of the sum over k of dc/da_k da_k/dz_{j}, only k = {j} survives "
                    f"for an elementwise g (notebook 02, Step 2).")
        dn, W = self.delta(l + 1, e), self._W[l]
        terms = _sum_terms(rf"{_p(dn[k])} \cdot {_p(W[j, k])}" for k in range(len(dn)))
        s = float(dn @ W[j])
        if not g.elementwise:
            return ((rf"{lhs} = \Big(J^T \big(\delta^{{({l + 1})}} W^{{({l + 1})T}}\big)\Big)_{{{j}}}"
                     rf" = {fmt_number(d)}",),
                    f"{g.name} is not elementwise, so g' is its Jacobian J.")
        gp = float(g.prime(np.array([z]), np.array([a]))[0])
        line1 = (rf"{lhs} = \Big(\sum_k \delta_k^{{({l + 1})}} W_{{{j},k}}^{{({l + 1})}}\Big)"
                 rf"\, g_{l}'(z_{{{j}}}^{{({l})}}) = \big({terms}\big) \cdot {_p(gp)}"
                 rf" = {_p(s)} \cdot {_p(gp)} = {fmt_number(d)}")
        return ((line1, _g_prime_line(g, l, j, z, a, gp)),
                f"Each term delta_k^({l + 1}) W_{j},k^({l + 1}) flows back along an edge from "
                f"neuron k of layer {l + 1} (the W^T of the seed: (W^T)_kj = W_jk). "
                f"g_{l} is {g.name}.")

    def _eq_gradients(self, l, j, example):
        n_prev = self.sizes[l - 1]
        if example is None:
            lines = [rf"\frac{{\partial C}}{{\partial b_{{{j}}}^{{({l})}}}} = \frac{{1}}{{m}}\sum_x "
                     rf"\delta_{{{j}}}^{{({l})}} = {fmt_number(self.bwd.db[l][j])}"]
            rows = [rf"\frac{{\partial C}}{{\partial W_{{{i},{j}}}^{{({l})}}}} = \frac{{1}}{{m}}\sum_x "
                    rf"a_{{{i}}}^{{({l - 1})}}\delta_{{{j}}}^{{({l})}} = {fmt_number(self.bwd.dW[l][i, j])}"
                    for i in range(n_prev)]
            note = f"Means over the batch of m = {self.m} example(s), because C is the mean of c."
        else:
            d = self.delta(l, example)[j]
            a_prev = self.a(l - 1, example)
            lines = [rf"\frac{{\partial c}}{{\partial b_{{{j}}}^{{({l})}}}} = \delta_{{{j}}}^{{({l})}} = {fmt_number(d)}"]
            rows = [rf"\frac{{\partial c}}{{\partial W_{{{i},{j}}}^{{({l})}}}} = a_{{{i}}}^{{({l - 1})}}"
                    rf"\delta_{{{j}}}^{{({l})}} = {_p(a_prev[i])} \cdot {_p(d)} = {fmt_number(a_prev[i] * d)}"
                    for i in range(n_prev)]
            note = (f"Example {example} alone; dC/dW and dC/db are the means of these over the batch "
                    f"of m = {self.m}.")
        if len(rows) > MAX_TERMS:
            rows = rows[:MAX_TERMS - 1] + [rf"\dots\ (\text{{{len(rows) - MAX_TERMS + 1} more weights}})"]
        return tuple(lines + rows), note

    # ---- a student's prediction ----------------------------------------------------------------

    def check(self, l, guess, example=None):
        """Feedback on a predicted delta^(l), without raising on a bad guess.

        guess : (n_l,) for one example (or the batch mean if ``example`` is None), or (m, n_l)
        for the whole batch. It is right if every entry is within 0.2% of the true value, plus
        0.1% of the largest |delta_j^(l)| (so compute it from the arrays, not from numbers
        rounded to 3 digits). A wrong guess is compared with
        the usual mistakes (g(z) for g'(z), no g', W for W^T, g' at a, the sign of a - y).
        Returns a :class:`Feedback`, true when right.
        """
        try:
            l = self._check_layer(l)
            example = self._check_example(example)
        except (TypeError, ValueError) as e:
            return Feedback(False, str(e))
        try:
            guess = np.asarray(guess, dtype=np.float64)
        except (TypeError, ValueError) as e:
            return Feedback(False, f"could not read your delta^({l}) as numbers ({e})")
        n = self.sizes[l]
        rows = self._delta[l - 1]
        if guess.shape == (self.m, n) and not (self.m == 1 and guess.ndim == 1):
            expected, what = rows, "for every example"
            variants = self._mistakes(l, None)
        elif guess.shape == (n,):
            expected = self._pick(rows, example)
            what = "for the batch mean" if example is None else f"for example {example}"
            variants = {k: self._pick(v, example) for k, v in self._mistakes(l, None).items()}
        else:
            hint = ""
            if guess.ndim == 2 and guess.shape == (n, self.m):
                hint = " It looks transposed: rows are examples, so try guess.T."
            return Feedback(False, f"delta^({l}) has shape ({n},) for one example (or ({self.m}, {n}) for "
                                   f"the batch), but your guess has shape {guess.shape}.{hint}")
        if not np.all(np.isfinite(guess)):
            return Feedback(False, f"your delta^({l}) contains nan or inf")

        def close(u, v):
            scale = float(np.max(np.abs(v))) if v.size else 0.0
            return np.allclose(u, v, rtol=2e-3, atol=1e-3 * scale + 1e-12)

        shown = _array_text(expected)
        if close(guess, expected):
            return Feedback(True, f"Correct: delta^({l}) = {shown} {what}.")
        for message, v in variants.items():
            if v is not None and v.shape == expected.shape and close(guess, v) and not close(v, expected):
                return Feedback(False, f"Not yet: {message}")
        err = float(np.max(np.abs(guess - expected)))
        return Feedback(False, f"Not yet: your delta^({l}) is off by up to {err:.3g}. "
                               f"Recompute it from the equation of this step.")

    def _mistakes(self, l, example):
        """Wrong versions of delta^(l) (all examples, (m, n_l)) that students often compute."""
        g, L = self.net.g[l], self.L
        z, a = self._z[l - 1], self._a[l]
        out = {}
        if l == L:
            y = self._y
            upstream = self.loss.grad(a, y)
            if self.loss.is_fused(g):
                out["the sign is flipped: delta^(L) = a - y, not y - a."] = y - a
                return out
            out["the sign is flipped: dc/da = a - y for the mse cost, not y - a."] = (
                -self._delta[l - 1] if self.loss.name == "squared_error" else None)
        else:
            upstream = self._delta[l] @ self._W[l].T
            n_next = self.sizes[l + 1]
            if n_next == self.sizes[l]:
                out[f"you used W^({l + 1}) where its transpose is needed: the sum runs over k in "
                    f"W_jk^({l + 1}), so delta^({l + 1}) @ W[{l + 1}].T."] = (
                        (self._delta[l] @ self._W[l]) * (g.prime(z, a) if g.elementwise else 1.0))
        if not g.elementwise:
            return out
        out[f"you multiplied by g(z^({l})) = a^({l}); the chain rule needs the derivative "
            f"g'(z^({l})) (the same slip as in the seed's student answer)."] = upstream * g(z)
        out[f"the factor g_{l}'(z^({l})) is missing."] = upstream
        out[f"g' must be evaluated at z^({l}), not at a^({l})."] = upstream * g.prime(a)
        return out


def delta_norms(net, x, y, loss="mse", average="batch"):
    """The size of delta^(l) for each layer l = 1..L, as an array of shape (L,).

    average="batch": ||dC/db^(l)|| = ||(1/m) sum_x delta^(l)(x)||, the measure in
    Nielsen's chapter 5. average="examples": (1/m) sum_x ||delta^(l)(x)||, the typical size
    for one example (no cancellation between examples).
    """
    fwd = forward(net, x)
    bwd = backward(net, fwd, y, loss)
    if average == "batch":
        return np.array([float(np.linalg.norm(db)) for db in bwd.db])
    if average == "examples":
        return np.array([float(np.mean(np.linalg.norm(np.atleast_2d(d), axis=-1))) for d in bwd.delta])
    raise ValueError(f"average must be 'batch' or 'examples', not {average!r}")


def depth_profile(activation, init="xavier", L=8, width=30, m=64, n_out=1, loss="mse", seed=0,
                  average="batch"):
    """||delta^(l)|| for l = 1..L of a fresh random network, at initialisation: shape (L,).

    The network has sizes [width] * L + [n_out] (n_0 = width inputs, L - 1 hidden layers of
    ``width``), ``activation`` in the hidden layers 1..L-1 and a linear (identity) output, so
    that delta^(L) = a - y for the mse cost and every factor g' comes from a hidden layer.
    Weights from ``Network.random(..., init=init, seed=seed)``. The data are m random inputs
    x ~ N(0, 1) and targets y uniform in [0, 1], drawn with the same seed. ``average`` as in
    :func:`delta_norms`.
    """
    from .network import Network

    sizes = [int(width)] * int(L) + [int(n_out)]
    net = Network.random(sizes, [activation] * (int(L) - 1) + ["identity"], seed=seed, init=init)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((int(m), sizes[0]))
    y = rng.uniform(0.0, 1.0, size=(int(m), sizes[-1]))
    return delta_norms(net, x, y, loss=loss, average=average)
