"""The steps of one forward and backward pass, in the order a student computes them.

    step 0            the input a^(0) = x
    steps 1..L        the forward pass, a^(1), ..., a^(L)
    step L+1          the cost c (per example) and C (their mean)
    steps L+2..2L+1   the backward pass, one layer per step: delta^(L), delta^(L-1), ..., delta^(1)
    step 2L+2         the gradients dC/dW^(l) and dC/db^(l), l = 1..L

Each :class:`Step` names the equation it computes (plain text and LaTeX) and the notebook section
that derives it (a :class:`backprop_lab.references.Section`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..references import Section, section

__all__ = ["KINDS", "Step", "build_steps"]

KINDS = ("input", "forward", "cost", "delta", "gradients")


@dataclass(frozen=True)
class Step:
    """One step of the pass.

    index : 0..last. kind : one of "input", "forward", "cost", "delta", "gradients".
    l : the layer this step computes (a^(l) for "forward", delta^(l) for "delta"), else None.
    title : plain text, e.g. "delta^(2) = (delta^(3) W^(3)T) * g'(z^(2))".
    latex : the same equation for the whole layer, in LaTeX.
    reference : the :class:`~backprop_lab.references.Section` where the equation is derived.
    forward_known : a^(0..forward_known) have been computed by the end of this step.
    delta_known : delta^(delta_known..L) have been computed, or None if no delta yet.
    """

    index: int
    kind: str
    l: int | None
    title: str
    latex: str
    reference: Section
    forward_known: int
    delta_known: int | None

    @property
    def delta_layer(self):
        """The l whose delta this step computes, or None outside the backward pass."""
        return self.l if self.kind == "delta" else None

    def has_delta(self, l):
        """True if delta^(l) is known by the end of this step."""
        return self.delta_known is not None and l >= self.delta_known


def _output_delta(L, g, loss):
    """(title, latex) of the step computing delta^(L), for output activation g and the loss."""
    if loss.is_fused(g):
        return (f"delta^({L}) = a^({L}) - y (the g' cancels for {g.name} + {loss.name})",
                rf"\delta^{{({L})}} = a^{{({L})}} - y")
    if g.elementwise:
        return (f"delta^({L}) = dc/da^({L}) * g'(z^({L}))",
                rf"\delta^{{({L})}} = \frac{{\partial c}}{{\partial a^{{({L})}}}} \odot g_{L}'(z^{{({L})}})")
    return (f"delta^({L}) = J^T dc/da^({L}) ({g.name} is not elementwise)",
            rf"\delta^{{({L})}} = J^T \frac{{\partial c}}{{\partial a^{{({L})}}}}")


def _hidden_delta(l, g):
    """(title, latex) of the step computing delta^(l), l < L."""
    if g.elementwise:
        return (f"delta^({l}) = (delta^({l + 1}) W^({l + 1})T) * g'(z^({l}))",
                rf"\delta^{{({l})}} = \big(\delta^{{({l + 1})}} W^{{({l + 1})T}}\big) \odot g_{l}'(z^{{({l})}})")
    return (f"delta^({l}) = J^T (delta^({l + 1}) W^({l + 1})T) ({g.name} is not elementwise)",
            rf"\delta^{{({l})}} = J^T \big(\delta^{{({l + 1})}} W^{{({l + 1})T}}\big)")


def build_steps(L, g, loss):
    """The 2L + 3 steps of a network with L layers, activations ``g`` (``g[l]`` for l = 1..L,
    e.g. ``net.g``) and a :class:`backprop_lab.Loss`."""
    steps = [Step(0, "input", None, "a^(0) = x, the input", r"a^{(0)} = x", section("forward_pass"), 0, None)]
    for l in range(1, L + 1):
        steps.append(Step(
            len(steps), "forward", l,
            f"a^({l}) = g_{l}(z^({l})) with z^({l}) = a^({l - 1}) W^({l}) + b^({l})",
            rf"z^{{({l})}} = a^{{({l - 1})}} W^{{({l})}} + b^{{({l})}},\quad a^{{({l})}} = g_{l}(z^{{({l})}})",
            section("forward_pass"), l, None))
    steps.append(Step(
        len(steps), "cost", None,
        f"the cost c(a^({L}), y) for each example ({loss.name}), and C = their mean",
        rf"{loss.formula},\quad C = \frac{{1}}{{m}}\sum_x c(x)", section("cost"), L, None))
    for l in range(L, 0, -1):
        if l == L:
            (title, latex), ref = _output_delta(L, g[L], loss), section("output_delta")
        else:
            (title, latex), ref = _hidden_delta(l, g[l]), section("recursion_forms")
        steps.append(Step(len(steps), "delta", l, title, latex, ref, L, l))
    steps.append(Step(
        len(steps), "gradients", None,
        f"dC/dW^(l) = a^(l-1)T delta^(l) / m and dC/db^(l) = mean of delta^(l), for l = 1..{L}",
        r"\frac{\partial C}{\partial W^{(l)}} = \frac{1}{m} a^{(l-1)T} \delta^{(l)},\quad "
        r"\frac{\partial C}{\partial b^{(l)}} = \frac{1}{m}\sum_x \delta^{(l)}",
        section("algorithm"), L, 1))
    return steps
