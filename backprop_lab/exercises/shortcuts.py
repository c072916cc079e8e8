"""The library's own backward passes, made unavailable while a student's backward pass runs (E4).

E4 asks the student to write the backward pass; ``return bl.backward(net, fwd, y)`` or a gradient
built from ``bl.numerical_gradients`` would pass a check of the numbers without any of the work.
While :func:`refused` is active, every function of :data:`SHORTCUTS` is replaced, in every loaded
module of backprop_lab that holds it (``bl.backward``, ``backprop_lab.network.backward``, the name
``backward`` that ``train`` calls, ...), by one that raises :class:`ShortcutRefused`
with a sentence that says why. The originals are put back when the student's function returns.

This stops the shortcut an honest student might take; it is not a sandbox (a student can still
rebuild the library's code from its source file). Summative grading (:mod:`.grade`) runs the
student's code in a separate process, with the same refusal.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager

__all__ = ["ShortcutRefused", "SHORTCUTS", "refused", "is_refusal"]

SHORTCUTS = {
    "backprop_lab.network": ("backward", "backward_batch"),
    "backprop_lab.training": ("train",),
    "backprop_lab.gradcheck": ("numerical_gradients", "numerical_gradient", "numerical_jacobian",
                               "gradient_check", "run_from_z"),
    "backprop_lab.derivation.loops": ("backward_loops", "output_delta_loops", "hidden_delta_loops",
                                      "hidden_delta_einsum", "hidden_delta_matrix",
                                      "weight_bias_gradients_loops"),
    "backprop_lab.derivation.translators": ("nielsen_backprop", "column_backward"),
    "backprop_lab.derivation.oracles": ("numerical_delta", "numerical_dc_da", "numerical_param_gradient"),
}
"""module -> the names of its functions that compute gradients (the library's answer to E4)."""


class ShortcutRefused(RuntimeError):
    """Raised by a library function that a student's backward pass may not use."""


def _refuser(name):
    def unavailable(*args, **kwargs):
        raise ShortcutRefused(
            f"bl.{name} is not available while your backward pass is checked: the exercise is to "
            f"compute the gradients yourself, from net, fwd and y, with the equations of the "
            f"derivation (the library's own backward pass and its gradient check would give the "
            f"answer without them)")
    unavailable.__name__ = name
    unavailable.refused = True
    return unavailable


def is_refusal(error):
    """Is ``error`` the exception of a refused shortcut?"""
    return isinstance(error, ShortcutRefused)


def _originals():
    found = {}
    for module_name, names in SHORTCUTS.items():
        module = importlib.import_module(module_name)
        for name in names:
            found[id(getattr(module, name))] = (name, getattr(module, name))
    return found


@contextmanager
def refused(fn=None):
    """While active, every function of :data:`SHORTCUTS` raises :class:`ShortcutRefused`: in every
    loaded module of backprop_lab, and in the global names of the student's function ``fn``
    (``from backprop_lab.network import backward as bw`` in the student's cell)."""
    originals = _originals()
    spaces = []
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == "backprop_lab" or module_name.startswith("backprop_lab.")):
            continue
        if module_name.startswith("backprop_lab.exercises"):
            continue  # the checks' own modules keep theirs (they run after the student's code)
        spaces.append(vars(module))
    if isinstance(getattr(fn, "__globals__", None), dict):
        spaces.append(fn.__globals__)
    replaced = []
    for space in spaces:
        for attr, value in list(space.items()):
            hit = originals.get(id(value))
            if hit is not None and hit[1] is value:
                replaced.append((space, attr, value))
                space[attr] = _refuser(hit[0])
    try:
        yield
    finally:
        for space, attr, value in reversed(replaced):
            space[attr] = value
