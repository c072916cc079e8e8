"""The one catalogue of backprop mistakes, shared by the exercise checks and the stepper's ``check()``.

Each :class:`Mistake` has an id (stable, used in tests and in nbgrader feedback), a name in words
(what a student reads first), an explanation, and the section to reread, which may depend on where
the mistake was made (``context``: None, "hidden", "weights", "bias").

>>> from backprop_lab.mistakes import CATALOGUE
>>> CATALOGUE["missing_transpose"].name
'the missing transpose'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .references import Section, section

__all__ = ["Mistake", "CATALOGUE", "MISTAKES", "mistake"]


@dataclass(frozen=True)
class Mistake:
    """One catalogued mistake.

    id: stable identifier; name: a few words; explanation: why it is wrong;
    sections: context -> key of :data:`backprop_lab.references.SECTIONS` (None is the default).
    """

    id: str
    name: str
    explanation: str
    sections: dict = field(default_factory=dict)

    def section(self, context=None) -> Section:
        """Where to reread, for a mistake made in ``context`` (None, "hidden", "weights", "bias")."""
        key = self.sections.get(context, self.sections[None])
        return section(key)


def _m(id, name, explanation, **sections):
    default = sections.pop("default")
    return Mistake(id, name, explanation, {None: default, **sections})


CATALOGUE = {m.id: m for m in [
    _m("activation_instead_of_derivative", "g(z) instead of g'(z)",
       "g(z) is used where g'(z) belongs. The chain rule through a = g(z) multiplies by "
       "da/dz = g'(z), the derivative of the activation, not by its value g(z). (The exercise's "
       "own student answer writes da/dz = g(z).)",
       default="activation_instead_of_derivative"),
    _m("missing_activation_derivative", "the factor g'(z) left out",
       "the factor g'(z) is missing. delta = dc/dz, and z reaches the cost only through "
       "a = g(z), so the chain rule multiplies dc/da by da/dz = g'(z).",
       default="output_delta", hidden="hidden_delta"),
    _m("derivative_at_activation", "g' evaluated at a instead of z",
       "g' is evaluated at a = g(z) instead of at z. g'(a) = g'(g(z)) is a different number; "
       "the shortcuts sigmoid' = a(1 - a) and tanh' = 1 - a^2 are written with a, but they "
       "are still g'(z), not g'(a).",
       default="derivative_at_activation"),
    _m("sign_flipped", "the sign flipped",
       "the sign is flipped. For c = 1/2 ||a - y||^2, dc/da = a - y (not y - a); with the sign "
       "flipped, gradient descent climbs the cost instead of descending it.",
       default="output_delta", hidden="hidden_delta", weights="weight_gradient",
       bias="bias_gradient"),
    _m("cost_instead_of_derivative", "the cost instead of its derivative",
       "the cost c = 1/2 (a - y)^2 is used where its derivative dc/da = a - y belongs.",
       default="output_delta"),
    _m("missing_transpose", "the missing transpose",
       "W^(l+1) is used where its transpose belongs. delta_j^(l) sums delta_k^(l+1) W_jk^(l+1) "
       "over k, the SECOND index of W (the exercise writes this W_kj^(l+1)T, and (W^T)_kj = W_jk); "
       "in matrix form that is delta^(l+1) @ W^(l+1).T. Without the transpose the shapes clash "
       "when n_l != n_{l+1}, and the numbers are silently wrong when the layer is square.",
       default="missing_transpose"),
    _m("sum_instead_of_mean", "the sum instead of the mean (the forgotten 1/|D|)",
       "the sum over the batch is returned instead of the mean (the forgotten 1/|D|). "
       "C = (1/|D|) sum_x c(x), so every gradient of C is a mean over the examples: divide by m.",
       default="sum_instead_of_mean"),
    _m("transposed_gradient", "the gradient transposed",
       "dC/dW is transposed. dc/dW_ij = a_i^(l-1) delta_j^(l): i runs over layer l-1 and j over "
       "layer l, so the gradient has W's shape (n_{l-1}, n_l); delta^T a gives (n_l, n_{l-1}).",
       default="weight_gradient"),
    _m("wrong_axis", "averaged over the wrong axis",
       "averaged over the units instead of over the examples. Rows are examples, so the mean "
       "over the dataset is over axis 0, and the number to divide by is m = delta.shape[0].",
       default="dataset_mean"),
    _m("not_reduced", "per-example gradients not averaged",
       "per-example gradients are returned without averaging them over the batch. dC/dW^(l) is "
       "ONE matrix of W's shape, the mean over the examples of a^(l-1)_i delta^(l)_j "
       "(and dC/db^(l) one vector of b's shape).",
       default="dataset_mean"),
    _m("off_by_one_layer", "a quantity of the wrong layer",
       "a quantity of the wrong layer is used. dC/dW^(l) needs a^(l-1), the layer below, with "
       "delta^(l); the recursion for delta^(l) needs delta^(l+1), W^(l+1) and g_l'(z^(l)) of "
       "layer l itself.",
       default="algorithm"),
    _m("hard_coded_sigmoid_derivative", "the sigmoid's derivative for every activation",
       "the sigmoid's derivative a(1 - a) is used whatever the activation is. That is g'(z) "
       "only for g = sigmoid; use g.prime(z), which is right for every g.",
       default="activation_instead_of_derivative"),
    _m("transposed_weights", "W_ji instead of W_ij in the forward pass",
       "the forward pass uses W_ji instead of W_ij. z_j = sum_i a_i W_ij + b_j: i indexes the "
       "layer below (the rows of W), j the layer above (its columns), so z = a @ W + b.",
       default="forward_notebook"),
    _m("missing_bias", "the bias left out",
       "the bias is left out: z_j = sum_i a_i W_ij + b_j.",
       default="forward_notebook"),
]}
"""Every mistake the checks can recognise: id -> :class:`Mistake`."""

MISTAKES = {id: m.explanation for id, m in CATALOGUE.items()}
"""id -> explanation (the form ``backprop_lab.exercises.MISTAKES`` has always had)."""


def mistake(id):
    """The :class:`Mistake` with this id; a KeyError names the valid ids."""
    try:
        return CATALOGUE[id]
    except KeyError:
        raise KeyError(f"no mistake {id!r}; the catalogue has {sorted(CATALOGUE)}") from None
