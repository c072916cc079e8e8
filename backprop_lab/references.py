"""Where each idea is derived: the notebooks' file names and the section titles that the stepper,
the exercise feedback and the README point students to.

This is the only place that spells a section title. ``tests/test_references.py`` checks every
entry against the headings of its notebook, so renaming a heading without renaming it here fails.

>>> from backprop_lab.references import SECTIONS, section
>>> section("missing_transpose")
Section(notebook='03_backward_recursion.ipynb', title='Common mistake: the missing transpose')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Section", "NOTEBOOKS", "SECTIONS", "section"]

NB00 = "00_index.ipynb"
NB01 = "01_forward_pass.ipynb"
NB02 = "02_output_delta.ipynb"
NB03 = "03_backward_recursion.ipynb"
NB04 = "04_weight_bias_gradients.ipynb"
NOTEBOOKS = (NB00, NB01, NB02, NB03, NB04)


@dataclass(frozen=True)
class Section:
    """A place to reread: a notebook and one of its ``##`` headings (None: the whole notebook)."""

    notebook: str
    title: str | None = None

    @property
    def number(self):
        """'02' for '02_output_delta.ipynb'."""
        return self.notebook.split("_", 1)[0]


SECTIONS = {
    # notebook 01: the forward pass and the cost
    "forward_pass": Section(NB01, "The whole forward pass"),
    "forward_notebook": Section(NB01),
    "activations": Section(NB01, "Activations: sigmoid, tanh, relu and their slopes"),
    "cost": Section(NB01, "The cost of one example and the cost of the dataset"),
    # notebook 02: the output delta
    "output_chain_rule": Section(NB02, "Step 1: the chain rule at the output layer"),
    "output_delta": Section(NB02, "Step 2: an elementwise g collapses the sum"),
    "softmax": Section(NB02, "Softmax: when the sum does not collapse"),
    "fused_output_delta": Section(NB02, "Why g' cancels: delta = a - y"),
    "activation_instead_of_derivative": Section(NB02, "Common mistake: g(z) instead of g'(z)"),
    # notebook 03: the recursion
    "next_layer_dependence": Section(NB03, "Step 1: how z^(l+1) depends on a^(l)"),
    "hidden_delta": Section(NB03, "Step 2: the recursion in index form"),
    "transpose_notation": Section(NB03, "The exercise's W^T notation"),
    "recursion_forms": Section(NB03, "Three ways to write the recursion"),
    "notation_translator": Section(NB03, "Notation translator: Nielsen and column vectors"),
    "missing_transpose": Section(NB03, "Common mistake: the missing transpose"),
    "derivative_at_activation": Section(NB03, "Common mistake: g' evaluated at a instead of z"),
    # notebook 04: the weight and bias gradients
    "weight_gradient": Section(NB04, "Step 1: dc/dW for one example"),
    "bias_gradient": Section(NB04, "Step 2: dc/db for one example"),
    "dataset_mean": Section(NB04, "From one example to the dataset: the 1/|D|"),
    "sum_instead_of_mean": Section(NB04, "Common mistake: forgetting the 1/|D|"),
    "algorithm": Section(NB04, "The whole algorithm"),
    "gradient_check": Section(NB04, "Gradient check on every activation"),
    # cited by the exercises E7–E11, which ask for what the notebooks do not derive
    "two_paths": Section(NB01, "Two paths: the chain rule adds them"),
    "input_gradient": Section(NB03, "Step 1: how z^(l+1) depends on a^(l)"),
}
"""key -> Section. Keys are ideas (and, where a mistake has one home, the mistake's id)."""


def section(key):
    """The :class:`Section` for ``key``; a KeyError names the valid keys."""
    try:
        return SECTIONS[key]
    except KeyError:
        raise KeyError(f"no section {key!r}; the sections are {sorted(SECTIONS)}") from None
