"""The equation of one step for one neuron, with the numbers substituted.

:func:`equation` builds an :class:`Equation` from a :class:`~backprop_lab.stepper.DeltaSteps`
through its public methods only. Neurons are numbered from 1 in every displayed formula, as in the
derivation notebooks: the neuron in column j of the arrays (``delta(l)[j]``, 0-based in code) is
written delta_{j+1}. Numbers are :func:`backprop_lab.formatting.latex` (3 significant digits).
Where the rounded numbers shown do not give the rounded result shown (0.244 · 0.14 is 0.03416,
shown as 0.0342, while the true product is 0.0341), the equation writes ≈ (\\approx) instead of =, so a
student checking by hand is never contradicted.
How an activation or a loss writes itself with numbers is theirs to say
(:meth:`~backprop_lab.Activation.latex_value`, :meth:`~backprop_lab.Loss.latex_grad`, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..formatting import MAX_TERMS, latex, latex_factor, latex_sum, sig
from ..references import Section, section

__all__ = ["Equation", "equation"]


@dataclass(frozen=True, repr=False)
class Equation:
    """The substituted equation for one neuron at one step.

    lines : display-math LaTeX lines (without $$). note : text shown under them, its maths in $...$.
    layer : l. j : the neuron's column in the arrays (0-based; the text shows neuron j + 1).
    example : the example index, or None for the batch mean.
    reference : the :class:`~backprop_lab.references.Section` that derives this equation.
    """

    lines: tuple
    note: str
    layer: int
    j: int
    example: int | None
    reference: Section | None = None

    @property
    def neuron(self):
        """The neuron's number as the equations write it, j + 1 (1..n_l)."""
        return self.j + 1

    @property
    def latex(self):
        """All lines in one LaTeX string, one line per row."""
        return r" \\ ".join(self.lines)

    def html(self, header=""):
        """HTML for ipywidgets.HTMLMath: each line as $$...$$, the note as text."""
        parts = [header] if header else []
        # each line in a box of its own that scrolls sideways if the line is wider than the output
        parts += [f"<div class='bl-equation' style='overflow-x:auto; overflow-y:hidden; max-width:100%'>"
                  f"$${line}$$</div>" for line in self.lines]
        if self.note:
            parts.append(f"<span style='color:#555'>{_escape(self.note)}</span>")
        return "\n".join(parts)

    def __str__(self):
        return "\n".join(list(self.lines) + ([self.note] if self.note else []))

    __repr__ = __str__

    def _repr_latex_(self):
        """Typeset in a notebook (also in static copies: GitHub, nbviewer)."""
        return r"$$\begin{gathered}" + r" \\ ".join(self.lines) + r"\end{gathered}$$"


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def equation(model, k, l, j, example):
    """The equation of step k for column j of layer l (checked by the caller), as an :class:`Equation`.

    model : a DeltaSteps. l : 0..L. example : an example index, or None for the batch mean.
    """
    s, n = model[k], j + 1
    reference = s.reference
    if l == 0:
        lines, note = _input(model, j, example)
    elif s.kind in ("input", "forward"):
        if l > s.forward_known:
            lines = (rf"a_{{{n}}}^{{({l})}} = \ ?",)
            note = (rf"$a^{{({l})}}$ is not computed yet: the forward pass reaches layer {l} at "
                    f"step {model.step_of('forward', l)}.")
        else:
            lines, note = _forward(model, l, j, example)
    elif s.kind == "cost":
        lines, note = _cost(model, j if l == model.L else None, example)
    elif s.kind == "delta":
        reference = section("output_delta") if l == model.L else section("recursion_forms")
        if not s.has_delta(l):
            lines = (rf"\delta_{{{n}}}^{{({l})}} = \ ?",)
            note = (rf"$\delta^{{({l})}}$ is not computed yet: it needs $\delta^{{({l + 1})}}$ first "
                    f"(step {model.step_of('delta', l)}). Can you predict it?")
        else:
            lines, note = _delta(model, l, j, example)
    else:
        lines, note = _gradients(model, l, j, example)
    return Equation(tuple(lines), note, l, j, example, reference)


def shown(v):
    """The number an equation shows for v, as a float: 0.034159 -> 0.0342."""
    return float(sig(v))


def rel(from_shown, result, complete=True, scale=0.0):
    """"=" if the shown numbers give the shown result (``from_shown``, computed from the rounded
    numbers on show, rounds to the same digits as ``result``), else "\\approx".

    complete : False when some terms are left out ("... (n more)"): the sum on show cannot be
    checked by hand, and the result is the true one, so "=". scale : the size of the terms;
    a from_shown within 1e-12 of it is a sum that cancels, 0.
    """
    if abs(from_shown) <= 1e-12 * scale:
        from_shown = 0.0
    return "=" if not complete or sig(from_shown) == sig(result) else r"\approx"


_NUMBER = r"-?\d+(?:\.\d+)?(?:\\times10\^\{-?\d+\})?"


def _plain_value(segment):
    """The value of plain arithmetic on shown numbers (+, -, \\cdot, parentheses), or None."""
    s = re.sub(r"\\[bB]ig([()])", r"\1", segment.strip()).replace(r"\cdot", "*").replace(r"\,", " ")
    s = re.sub(r"(\d(?:\.\d+)?)\\times10\^\{(-?\d+)\}", r"\1e\2", s)
    if not re.fullmatch(r"[\d.e+\-*() ]+", s) or not re.search(r"\d", s):
        return None
    try:
        return float(eval(re.sub(r"([\d)])\s*\(", r"\1*(", s), {"__builtins__": {}}))  # digits and operators only
    except SyntaxError:
        return None


def approx_where_rounded(line):
    """``line`` (from an Activation or a Loss) with its last " = number" written " \\approx number"
    when the plain arithmetic before it, on the rounded numbers shown, gives another number."""
    parts = re.split(r"\s=\s", line)
    if len(parts) < 3 or not re.fullmatch(_NUMBER, parts[-1].strip()):
        return line
    value = _plain_value(parts[-2])
    if value is None or re.fullmatch(_NUMBER, parts[-2].strip()):
        return line
    result = float(parts[-1].strip().replace(r"\times10^{", "e").replace("}", ""))
    if sig(value) == sig(result):
        return line
    return " = ".join(parts[:-1]) + r" \approx " + parts[-1]


def _mean_line(model, lhs, values, result):
    """\\overline{lhs} = (1/m) sum_x lhs(x) = (1/m)(v_1 + ...) = result."""
    terms = latex_sum(latex_factor(v) for v in values)
    if abs(result) <= 1e-12 * float(np.max(np.abs(values))):
        result = 0.0  # rounding noise of a mean that cancels, e.g. -2.8e-17
    r = rel(sum(shown(v) for v in values) / model.m, result, len(values) <= MAX_TERMS,
            float(np.max(np.abs(values))))
    return (rf"\overline{{{lhs}}} = \frac{{1}}{{m}}\sum_x {lhs}(x) = "
            rf"\frac{{1}}{{{model.m}}}\big({terms}\big) {r} {latex(result)}")


def _batch_note(model):
    return (f"The mean over the batch of $m = {model.m}$ examples. The equation holds for each "
            f"example: choose one example to see it with its numbers.")


def _input(model, j, example):
    n, note = j + 1, r"Layer 0 is the input $x$: it has no $z$ and no $\delta$."
    if model.is_batch_mean(example):
        return (_mean_line(model, rf"a_{{{n}}}^{{(0)}}", model.per_example("a", 0)[:, j], model.a(0)[j]),), note
    return (rf"a_{{{n}}}^{{(0)}} = x_{{{n}}} = {latex(model.a(0, example or 0)[j])}",), note


def _forward(model, l, j, example):
    g, n = model.net.g[l], j + 1
    if model.is_batch_mean(example):
        return ((_mean_line(model, rf"a_{{{n}}}^{{({l})}}", model.per_example("a", l)[:, j], model.a(l)[j]),),
                _batch_note(model))
    e = example or 0
    a_prev, W, b = model.a(l - 1, e), model.weights(l), float(model.net.b[l][j])
    z, a = model.z(l, e)[j], model.a(l, e)[j]
    terms = latex_sum(rf"{latex_factor(a_prev[i])} \cdot {latex_factor(W[i, j])}" for i in range(len(a_prev)))
    r = rel(sum(shown(a_prev[i]) * shown(W[i, j]) for i in range(len(a_prev))) + shown(b), z,
            len(a_prev) <= MAX_TERMS)
    line1 = (rf"z_{{{n}}}^{{({l})}} = \sum_i a_i^{{({l - 1})}} W_{{i,{n}}}^{{({l})}} + b_{{{n}}}^{{({l})}}"
             rf" = {terms} + {latex_factor(b)} {r} {latex(z)}")
    if g.elementwise:
        line2 = rf"a_{{{n}}}^{{({l})}} = g_{l}(z_{{{n}}}^{{({l})}}) = {g.latex_value(z)} = {latex(a)}"
    else:
        line2 = rf"a_{{{n}}}^{{({l})}} = {g.name}(z^{{({l})}})_{{{n}}} = {latex(a)}"
    return (line1, line2), f"$g_{l}$ is {g.name}."


def _cost(model, j, example):
    L, loss = model.L, model.loss
    if model.is_batch_mean(example):
        terms = latex_sum(latex_factor(v) for v in model.c)
        r = rel(sum(shown(v) for v in model.c) / model.m, model.C, model.m <= MAX_TERMS)
        return ((rf"C = \frac{{1}}{{m}}\sum_x c(x) = \frac{{1}}{{{model.m}}}\big({terms}\big) {r} {latex(model.C)}",),
                f"$C$ is the mean of the per-example cost $c$ ({loss.name}) over the batch.")
    e = example or 0
    a, y = model.a(L, e), model.targets(e)
    lines = [approx_where_rounded(loss.latex_value(a, y, L, c=model.c[e]))]
    if j is not None:
        lines.append(approx_where_rounded(loss.latex_grad(a, y, j, L)))
    return tuple(lines), (f"Example {e}: the per-example cost ({loss.name}); "
                          rf"$\partial c/\partial a^{{({L})}}$ starts the backward pass.")


def _delta(model, l, j, example):
    L, g, n = model.L, model.net.g[l], j + 1
    lhs = rf"\delta_{{{n}}}^{{({l})}}"
    if model.is_batch_mean(example):
        return ((_mean_line(model, lhs, model.per_example("delta", l)[:, j], model.delta(l)[j]),),
                _batch_note(model) + rf" This mean is $\partial C/\partial b_{{{n}}}^{{({l})}}$.")
    e = example or 0
    d, z, a = model.delta(l, e)[j], model.z(l, e)[j], model.a(l, e)[j]
    gp_line = approx_where_rounded(rf"g_{l}'(z_{{{n}}}^{{({l})}}) = " + (g.latex_prime(z, a) if g.elementwise else ""))
    if l == L:
        y, a_out = model.targets(e), model.a(L, e)
        if model.loss.is_fused(g):
            r = rel(shown(a) - shown(y[j]), d)
            return ((rf"{lhs} = a_{{{n}}}^{{({L})}} - y_{{{n}}} = {latex(a)} - {latex_factor(y[j])} {r} {latex(d)}",),
                    rf"For {g.name} with {model.loss.name}, $\frac{{\partial c}}{{\partial a}}\, g'$ simplifies "
                    r"to $a - y$ (notebook 02).")
        dcda = model.loss.grad(a_out[None, :], y[None, :])[0]
        if not g.elementwise:
            dot = float(np.dot(a_out, dcda))
            r = rel(shown(a) * (shown(dcda[j]) - shown(dot)), d)
            return ((rf"{lhs} = \sum_k \frac{{\partial c}}{{\partial a_k^{{({L})}}}}"
                     rf"\frac{{\partial a_k^{{({L})}}}}{{\partial z_{{{n}}}^{{({L})}}}}"
                     rf" = a_{{{n}}}\Big(\frac{{\partial c}}{{\partial a_{{{n}}}}} - \sum_k a_k "
                     rf"\frac{{\partial c}}{{\partial a_k}}\Big) = {latex(a)}\big({latex_factor(dcda[j])} - "
                     rf"{latex_factor(dot)}\big) {r} {latex(d)}",),
                    rf"{g.name} is not elementwise: every $a_k$ depends on $z_{{{n}}}$, so the sum over "
                    r"$k$ does not collapse (notebook 02).")
        gp = float(g.prime(np.array([z]), np.array([a]))[0])
        r = rel(shown(dcda[j]) * shown(gp), d)
        line1 = (rf"{lhs} = \frac{{\partial c}}{{\partial a_{{{n}}}^{{({L})}}}}\, g_{L}'(z_{{{n}}}^{{({L})}})"
                 rf" = {latex_factor(dcda[j])} \cdot {latex_factor(gp)} {r} {latex(d)}")
        return ((line1, gp_line),
                rf"Output layer: of the sum over $j'$ of $\frac{{\partial c}}{{\partial a_{{j'}}}}"
                rf"\frac{{\partial a_{{j'}}}}{{\partial z_{{{n}}}}}$, only $j' = {n}$ survives "
                r"for an elementwise $g$ (notebook 02, Step 2).")
    dn, W = model.delta(l + 1, e), model.weights(l + 1)
    if not g.elementwise:
        return ((rf"{lhs} = \Big(J^T \big(\delta^{{({l + 1})}} W^{{({l + 1})T}}\big)\Big)_{{{n}}} = {latex(d)}",),
                rf"{g.name} is not elementwise, so $g'$ is its Jacobian $J$.")
    terms = latex_sum(rf"{latex_factor(dn[k])} \cdot {latex_factor(W[j, k])}" for k in range(len(dn)))
    s = float(dn @ W[j])
    gp = float(g.prime(np.array([z]), np.array([a]))[0])
    total = rf"\sum_k \delta_k^{{({l + 1})}} W_{{{n},k}}^{{({l + 1})}}"
    r_sum = rel(sum(shown(dn[k]) * shown(W[j, k]) for k in range(len(dn))), s, len(dn) <= MAX_TERMS)
    # three short lines rather than one long one: the product, the sum, g'
    line1 = (rf"{lhs} = \Big({total}\Big)\, g_{l}'(z_{{{n}}}^{{({l})}})"
             rf" = {latex_factor(s)} \cdot {latex_factor(gp)} {rel(shown(s) * shown(gp), d)} {latex(d)}")
    line2 = rf"{total} = {terms} {r_sum} {latex(s)}"
    return ((line1, line2, gp_line),
            rf"Each term $\delta_k^{{({l + 1})}} W_{{{n},k}}^{{({l + 1})}}$ flows back along an edge from "
            rf"neuron $k$ of layer {l + 1} (the exercise's $W^T$: $(W^T)_{{kj}} = W_{{jk}}$). "
            rf"$g_{l}$ is {g.name}.")


def _gradients(model, l, j, example):
    n, n_prev = j + 1, model.sizes[l - 1]
    if example is None:
        lines = [rf"\frac{{\partial C}}{{\partial b_{{{n}}}^{{({l})}}}} = \frac{{1}}{{m}}\sum_x "
                 rf"\delta_{{{n}}}^{{({l})}} = {latex(model.bwd.db[l][j])}"]
        rows = [rf"\frac{{\partial C}}{{\partial W_{{{i + 1},{n}}}^{{({l})}}}} = \frac{{1}}{{m}}\sum_x "
                rf"a_{{{i + 1}}}^{{({l - 1})}}\delta_{{{n}}}^{{({l})}} = {latex(model.bwd.dW[l][i, j])}"
                for i in range(n_prev)]
        note = f"Means over the batch of $m = {model.m}$ example(s), because $C$ is the mean of $c$."
    else:
        d = model.delta(l, example)[j]
        a_prev = model.a(l - 1, example)
        lines = [rf"\frac{{\partial c}}{{\partial b_{{{n}}}^{{({l})}}}} = \delta_{{{n}}}^{{({l})}} = {latex(d)}"]
        rows = [rf"\frac{{\partial c}}{{\partial W_{{{i + 1},{n}}}^{{({l})}}}} = a_{{{i + 1}}}^{{({l - 1})}}"
                rf"\delta_{{{n}}}^{{({l})}} = {latex_factor(a_prev[i])} \cdot {latex_factor(d)} "
                rf"{rel(shown(a_prev[i]) * shown(d), a_prev[i] * d)} {latex(a_prev[i] * d)}"
                for i in range(n_prev)]
        note = (rf"Example {example} alone; $\partial C/\partial W$ and $\partial C/\partial b$ are the "
                f"means of these over the batch of $m = {model.m}$.")
    visible = rows if len(rows) <= 5 else rows[:4] + [rf"\dots\ (\text{{{len(rows) - 4} more weights}})"]
    return tuple(lines + visible), note
