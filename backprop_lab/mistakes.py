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
       "the sign is flipped. dc/da is the derivative with respect to a, so a cost of (a - y) has a "
       "derivative of (a - y), not of (y - a): a - y for c = 1/2 ||a - y||^2, tanh(a - y) for log-cosh. "
       "With the sign flipped, gradient descent climbs the cost instead of descending it.",
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
    # E7: the input gradient dc/dx
    _m("input_gradient_is_delta", "delta^(1) returned as dc/dx",
       "delta^(1) = dc/dz^(1) is returned as dc/dx. x reaches the cost only through "
       "z^(1) = x W^(1) + b^(1), and dz_j^(1)/dx_i = W_ij^(1), so one more step of the chain rule "
       "is needed: dc/dx_i = sum_j delta_j^(1) W_ij^(1), in matrix form delta^(1) @ W^(1).T, "
       "of the shape of x.",
       default="input_gradient"),
    _m("activation_derivative_at_input", "a g' applied to the input",
       "a factor g'(...) is applied to the input. In the recursion, g_l'(z^(l)) comes from "
       "a^(l) = g_l(z^(l)); the input a^(0) = x is given, not computed by an activation, so "
       "dc/dx = delta^(1) @ W^(1).T stops there, with no g' after it.",
       default="input_gradient"),
    _m("per_example_averaged", "a per-example answer averaged over the batch",
       "the answer treats the batch as a mean: it is averaged or summed over the examples, or each "
       "row is divided by m, but it is one example's own gradient per row. dc/dx is the derivative "
       "of each example's own cost c with respect to that example's input (row r of x): the input "
       "of one example does not change the cost of another, so nothing is summed, averaged or "
       "divided by m (only gradients of shared parameters, W and b, are means over the batch).",
       default="dataset_mean"),
    # E8: L2 weight decay
    _m("penalty_half_forgotten", "2 lam W: the 1/2 forgotten",
       "the penalty's gradient is 2 lam W. The 1/2 in (lam/2) ||W||_F^2 is there to cancel the 2 "
       "of d(W_ij^2)/dW_ij = 2 W_ij, so d/dW_ij of (lam/2) sum W_ij^2 is lam W_ij.",
       default="weight_gradient"),
    _m("penalty_divided_by_m", "the penalty divided by m",
       "the penalty's gradient is divided by the batch size m. Only the data term C is a mean "
       "over the examples, (1/|D|) sum_x c(x); the penalty (lam/2) sum_l ||W^(l)||_F^2 is added "
       "once, not per example, so its gradient is lam W^(l), with no 1/m.",
       default="dataset_mean"),
    _m("penalty_sign_flipped", "the penalty's sign flipped",
       "the penalty's gradient is subtracted. d/dW of +(lam/2) ||W||_F^2 is +lam W; with a "
       "minus, gradient descent W <- W - eta dW grows the weights instead of decaying them.",
       default="weight_gradient"),
    _m("penalty_left_out", "the penalty left out",
       "the penalty is left out: this is dC/dW of the data term alone. The cost is "
       "C + (lam/2) sum_l ||W^(l)||_F^2, and the second term adds lam W^(l) to dC/dW^(l).",
       default="weight_gradient"),
    _m("penalty_in_delta", "the penalty pushed into delta",
       "the penalty is put into delta, so the recursion carries it into every layer below. "
       "The penalty depends on the weights only, not on any z, so its derivative with respect "
       "to z^(l) is 0: delta^(l) is exactly the delta without the penalty. The penalty adds "
       "lam W^(l) to dC/dW^(l) directly, in each layer on its own.",
       default="weight_gradient"),
    # E9: a new activation, swish g(z) = z sigma(z)
    _m("product_rule_forgotten", "the product rule forgotten",
       "only the derivative of sigma is taken, as if g were sigma(z) and not z sigma(z). "
       "g(z) = z sigma(z) is a product of two factors that both depend on z, so the product rule "
       "gives two terms, g'(z) = 1 * sigma(z) + z * sigma'(z), with sigma' = sigma (1 - sigma).",
       default="two_paths"),
    _m("product_rule_one_term", "one term of the product rule",
       "only one of the two terms of the product rule is kept. z enters g(z) = z sigma(z) twice, "
       "as the factor z and inside sigma(z): two paths, and their terms add, "
       "g'(z) = sigma(z) + z sigma'(z).",
       default="two_paths"),
    # E10: a new cost, log-cosh
    _m("squared_error_habit", "the squared error's a - y for another cost",
       "the term a - y is dc/da of the squared error c = 1/2 ||a - y||^2, not of this cost. Each cost has "
       "its own dc/da; for c = sum_j log cosh(a_j - y_j) it is tanh(a_j - y_j), which is close to "
       "a - y only when |a - y| is small.",
       default="output_chain_rule"),
    _m("differentiated_twice", "differentiated twice: tanh' where tanh belongs",
       "the derivative of tanh is used where tanh itself belongs. d/du log cosh(u) = "
       "sinh(u)/cosh(u) = tanh(u); tanh'(u) = 1 - tanh(u)^2 is the second derivative of log cosh.",
       default="output_chain_rule"),
    # E11: tied weights, W^(2) = W^(1)T
    _m("shared_weight_one_use", "only one use of a shared weight",
       "only one use of the shared matrix is counted. W appears twice, as W^(1) and as "
       "W^(2) = W^T, so each W_ij reaches the cost along two paths; as with the sum over k, the "
       "chain rule adds one term per path: dC/dW = dC/dW^(1) + (dC/dW^(2))^T.",
       default="two_paths"),
    _m("shared_weight_not_transposed", "the second use added without the transpose",
       "the gradient of the second use is added without its transpose. W^(2) = W^T, so "
       "W^(2)_ji is W_ij, and the second use's contribution to dC/dW_ij is dC/dW^(2)_ji: "
       "add (dC/dW^(2))^T. On a square W the shapes fit anyway, and the numbers are wrong.",
       default="transpose_notation"),
    _m("shared_weight_averaged", "the uses averaged instead of added",
       "the gradients of the two uses are averaged. Each use moves the cost on its own, and the "
       "chain rule adds the paths: dC/dW = dC/dW^(1) + (dC/dW^(2))^T, with no 1/2.",
       default="two_paths"),
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
