"""E6, a derivation self-check by hand: the forward and backward pass of a tiny network, step by step.

The student computes each step's numbers (plain lists) in four stages (:data:`BY_HAND_STAGES`);
:func:`check_by_hand` checks each step against the true value, then against the right method
applied to the student's own earlier values (an error carried forward), then against every
catalogued mistake of that step. The true values are computed on first use, never at import.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..mistakes import CATALOGUE
from ..network import Network
from ..references import section
from .calling import BadReturn, call, describe_exception, function_name, stub_text
from .engine import largest_difference, sentence
from .feedback import CheckResult, number_text

__all__ = ["by_hand_problem", "BY_HAND_STAGES", "check_by_hand", "STEP_TEXT", "step_candidates",
           "true_values", "close"]


def by_hand_problem():
    """The tiny network of E6, as a dict of plain numbers (lists), plus ``net`` (a Network).

    Sizes [2, 2, 2]: tanh hidden layer, sigmoid output, one example, c = 1/2 ||a - y||^2.
    W^(2) is square and not symmetric, so W and W^T give different numbers.
    """
    p = {
        "x": [1.0, -2.0],
        "W1": [[0.6, -0.2], [-0.1, 0.3]],
        "b1": [0.1, -0.2],
        "W2": [[1.0, -1.2], [0.3, 0.9]],
        "b2": [1.0, 0.0],
        "y": [0.0, 1.0],
        "g1": "tanh",
        "g2": "sigmoid",
    }
    p["net"] = Network([p["W1"], p["W2"]], [p["b1"], p["b2"]], [p["g1"], p["g2"]])
    return p


BY_HAND_STAGES = {
    "forward": ("z1", "a1", "z2", "a2"),
    "output_delta": ("dc_da2", "gprime2", "delta2"),
    "hidden_delta": ("gprime1", "delta1"),
    "gradients": ("dW2", "db2", "dW1", "db1"),
}
"""The steps of E6, stage by stage, in the order they are computed."""

STEP_TEXT = {
    "z1": ("z^(1) = x W^(1) + b^(1)", "z_j^(1) = Σ_i x_i W_ij^(1) + b_j^(1)"),
    "a1": ("a^(1) = tanh(z^(1))", "a_j^(1) = g_1(z_j^(1))"),
    "z2": ("z^(2) = a^(1) W^(2) + b^(2)", "z_j^(2) = Σ_i a_i^(1) W_ij^(2) + b_j^(2)"),
    "a2": ("a^(2) = σ(z^(2))", "a_j^(2) = g_2(z_j^(2))"),
    "dc_da2": ("∂c/∂a^(2) = a^(2) − y", "∂c/∂a_j = a_j − y_j for c = ½ Σ_j (a_j − y_j)²"),
    "gprime2": ("g_2′(z^(2)) = σ(z)(1 − σ(z))", "g_2′(z_j^(2))"),
    "delta2": ("δ^(2) = ∂c/∂a^(2) · g_2′(z^(2))", "δ_j^(L) = ∂c/∂a_j^(L) g_L′(z_j^(L))"),
    "gprime1": ("g_1′(z^(1)) = 1 − tanh²(z^(1))", "g_1′(z_j^(1))"),
    "delta1": ("δ^(1) = (δ^(2) W^(2)ᵀ) · g_1′(z^(1))", "δ_j^(1) = Σ_k δ_k^(2) W_jk^(2) g_1′(z_j^(1))"),
    "dW2": ("∂c/∂W^(2): entry (i, j) is a_i^(1) δ_j^(2)", "∂c/∂W_ij^(2) = a_i^(1) δ_j^(2)"),
    "db2": ("∂c/∂b^(2) = δ^(2)", "∂c/∂b_j^(2) = δ_j^(2)"),
    "dW1": ("∂c/∂W^(1): entry (i, j) is x_i δ_j^(1)", "∂c/∂W_ij^(1) = a_i^(0) δ_j^(1)"),
    "db1": ("∂c/∂b^(1) = δ^(1)", "∂c/∂b_j^(1) = δ_j^(1)"),
}
"""step -> (what to compute, the equation)."""

_STEP_HOME = {  # step -> key of backprop_lab.references.SECTIONS
    "z1": "forward_notebook", "a1": "forward_notebook", "z2": "forward_notebook", "a2": "forward_notebook",
    "dc_da2": "output_delta", "gprime2": "activation_instead_of_derivative", "delta2": "output_delta",
    "gprime1": "derivative_at_activation", "delta1": "hidden_delta",
    "dW2": "weight_gradient", "db2": "bias_gradient", "dW1": "weight_gradient", "db1": "bias_gradient",
}

_STEP_INPUTS = {
    "z1": (), "a1": ("z1",), "z2": ("a1",), "a2": ("z2",), "dc_da2": ("a2",), "gprime2": ("z2",),
    "delta2": ("dc_da2", "gprime2"), "gprime1": ("z1",), "delta1": ("delta2", "gprime1"),
    "dW2": ("a1", "delta2"), "db2": ("delta2",), "dW1": ("delta1",), "db1": ("delta1",),
}

ATOL = 5e-4
RTOL = 1e-2


def close(s, c):
    """Equal up to hand rounding (absolute 5e-4 plus relative 1%)?"""
    return s.shape == c.shape and bool(np.allclose(s, c, rtol=RTOL, atol=ATOL))


@cache
def step_candidates():
    """step -> list of (mistake or None, description, function of the values V).

    The entries with mistake None are the right method (written in more than one way).
    """
    P = by_hand_problem()
    x, W1, b1, W2, b2, y = (np.asarray(P[k], dtype=np.float64) for k in ("x", "W1", "b1", "W2", "b2", "y"))
    g1, g2 = P["net"].g[1], P["net"].g[2]
    return {
        "z1": [(None, "", lambda V: x @ W1 + b1),
               ("transposed_weights", "x W^(1)ᵀ + b^(1)", lambda V: x @ W1.T + b1),
               ("missing_bias", "x W^(1), without b^(1)", lambda V: x @ W1)],
        "a1": [(None, "", lambda V: g1(V["z1"]))],
        "z2": [(None, "", lambda V: V["a1"] @ W2 + b2),
               ("transposed_weights", "a^(1) W^(2)ᵀ + b^(2)", lambda V: V["a1"] @ W2.T + b2),
               ("missing_bias", "a^(1) W^(2), without b^(2)", lambda V: V["a1"] @ W2),
               ("off_by_one_layer", "z^(1) W^(2) + b^(2), with z^(1) in place of a^(1)",
                lambda V: V["z1"] @ W2 + b2)],
        "a2": [(None, "", lambda V: g2(V["z2"]))],
        "dc_da2": [(None, "", lambda V: V["a2"] - y),
                   ("sign_flipped", "y − a^(2)", lambda V: y - V["a2"]),
                   ("cost_instead_of_derivative", "½ (a^(2) − y)²", lambda V: 0.5 * (V["a2"] - y) ** 2)],
        "gprime2": [(None, "", lambda V: g2.prime(V["z2"])),
                    (None, "", lambda V: g2.prime(V["z2"], V["a2"])),  # from a^(2): a (1 − a)
                    ("activation_instead_of_derivative", "σ(z^(2)) = a^(2)", lambda V: g2(V["z2"])),
                    ("derivative_at_activation", "σ′(a^(2))", lambda V: g2.prime(V["a2"])),
                    ("off_by_one_layer", "tanh′(z^(2)), layer 1's g′", lambda V: g1.prime(V["z2"]))],
        "delta2": [(None, "", lambda V: V["dc_da2"] * V["gprime2"]),
                   ("missing_activation_derivative", "∂c/∂a^(2) alone", lambda V: V["dc_da2"]),
                   ("activation_instead_of_derivative", "∂c/∂a^(2) · σ(z^(2))",
                    lambda V: V["dc_da2"] * g2(V["z2"])),
                   ("derivative_at_activation", "∂c/∂a^(2) · σ′(a^(2))",
                    lambda V: V["dc_da2"] * g2.prime(V["a2"])),
                   ("sign_flipped", "(y − a^(2)) · g_2′(z^(2))", lambda V: -V["dc_da2"] * V["gprime2"]),
                   ("cost_instead_of_derivative", "½ (a^(2) − y)² · g_2′(z^(2))",
                    lambda V: 0.5 * (V["a2"] - y) ** 2 * V["gprime2"])],
        "gprime1": [(None, "", lambda V: g1.prime(V["z1"])),
                    (None, "", lambda V: g1.prime(V["z1"], V["a1"])),  # from a^(1): 1 − a²
                    ("activation_instead_of_derivative", "tanh(z^(1)) = a^(1)", lambda V: g1(V["z1"])),
                    ("derivative_at_activation", "tanh′(a^(1)) = 1 − tanh²(a^(1))",
                     lambda V: g1.prime(V["a1"])),
                    ("hard_coded_sigmoid_derivative", "a^(1) (1 − a^(1))", lambda V: V["a1"] * (1 - V["a1"])),
                    ("off_by_one_layer", "σ′(z^(1)), layer 2's g′", lambda V: g2.prime(V["z1"]))],
        "delta1": [(None, "", lambda V: (V["delta2"] @ W2.T) * V["gprime1"]),
                   ("missing_transpose", "Σ_k δ_k^(2) W_kj^(2) · g_1′(z_j^(1)), W^(2) without the transpose",
                    lambda V: (V["delta2"] @ W2) * V["gprime1"]),
                   ("missing_activation_derivative", "Σ_k δ_k^(2) W_jk^(2), without g_1′",
                    lambda V: V["delta2"] @ W2.T),
                   ("activation_instead_of_derivative", "Σ_k δ_k^(2) W_jk^(2) · tanh(z_j^(1))",
                    lambda V: (V["delta2"] @ W2.T) * g1(V["z1"])),
                   ("derivative_at_activation", "Σ_k δ_k^(2) W_jk^(2) · tanh′(a_j^(1))",
                    lambda V: (V["delta2"] @ W2.T) * g1.prime(V["a1"])),
                   ("off_by_one_layer", "Σ_k δ_k^(2) W_jk^(2) · g_2′(z_j^(2)), layer 2's g′",
                    lambda V: (V["delta2"] @ W2.T) * V["gprime2"])],
        "dW2": [(None, "", lambda V: np.outer(V["a1"], V["delta2"])),
                ("transposed_gradient", "δ_i^(2) a_j^(1), the transpose", lambda V: np.outer(V["delta2"], V["a1"])),
                ("off_by_one_layer", "a_i^(2) δ_j^(2), with a^(2) in place of a^(1)",
                 lambda V: np.outer(V["a2"], V["delta2"])),
                ("off_by_one_layer", "x_i δ_j^(2), with a^(0) in place of a^(1)",
                 lambda V: np.outer(x, V["delta2"]))],
        "db2": [(None, "", lambda V: V["delta2"]),
                ("off_by_one_layer", "δ^(1) in place of δ^(2)", lambda V: V["delta1"])],
        "dW1": [(None, "", lambda V: np.outer(x, V["delta1"])),
                ("transposed_gradient", "δ_i^(1) x_j, the transpose", lambda V: np.outer(V["delta1"], x)),
                ("off_by_one_layer", "a_i^(1) δ_j^(1), with a^(1) in place of a^(0) = x",
                 lambda V: np.outer(V["a1"], V["delta1"]))],
        "db1": [(None, "", lambda V: V["delta1"]),
                ("off_by_one_layer", "δ^(2) in place of δ^(1)", lambda V: V["delta2"])],
    }


@cache
def _truth():
    formulas = step_candidates()
    V = {}
    for stage in BY_HAND_STAGES.values():
        for step in stage:
            V[step] = np.asarray(formulas[step][0][2](V), dtype=np.float64)
    return V


def true_values():
    """step -> the right value (a fresh copy)."""
    return {k: v.copy() for k, v in _truth().items()}


def _read_steps(value):
    if value is None:
        raise BadReturn("returned None: did you forget the `return`?")
    if not isinstance(value, dict):
        raise BadReturn(f"returned a {type(value).__name__}; return a dict such as {{'z1': [..., ...], ...}}")
    return value


def _home(step):
    return section(_STEP_HOME[step])


def check_by_hand(stage, fn, earlier=()):
    """Check the hand-computed values of one stage of E6.

    stage : a key of :data:`BY_HAND_STAGES` ("forward", "output_delta", "hidden_delta", "gradients").
    fn : a function of no arguments returning a dict step -> value (a number list or nested list),
        e.g. ``{"z1": [0.1, 0.2], ...}``.
    earlier : the student's functions for earlier stages. Their values are used to tell an error
        made in this stage from one carried forward from an earlier stage.

    Each step is checked against the true value (tolerance: absolute 5e-4 plus relative 1%, for
    hand rounding), then against the right method applied to the student's own earlier values
    ("carried forward"), then against every catalogued mistake. Returns a :class:`CheckResult`
    whose ``steps`` maps each step to its own result.
    """
    if stage not in BY_HAND_STAGES:
        raise ValueError(f"unknown stage {stage!r}; the stages are {', '.join(BY_HAND_STAGES)}")
    name = f"check_by_hand({stage!r})"
    steps = BY_HAND_STAGES[stage]
    home = [_home(steps[-1])]
    out = call(fn, (), _read_steps)
    if out.kind == "not_implemented":
        return CheckResult(name, "not_implemented",
                           stub_text(fn, out.error, f"Fill in the values of {', '.join(steps)}."), revisit=home)
    if out.kind in ("raised", "bad_return"):
        what = f"raised {describe_exception(out.error)}" if out.kind == "raised" else str(out.error)
        return CheckResult(name, "error", f"`{function_name(fn)}` {what}.", revisit=home)
    mine = out.value
    theirs = {}  # the student's earlier values, where they can be read
    for f in earlier:
        o = call(f, (), _read_steps)
        if o.ok:
            for k, v in o.value.items():
                try:
                    theirs[k] = np.asarray(v, dtype=np.float64)
                except (TypeError, ValueError):
                    pass
    results = {step: _check_step(step, mine, theirs) for step in steps}
    passed = [s for s in steps if results[s].passed]
    details = "\n".join(f"  {s:<8} {results[s].headline.split(': ', 1)[1]:<40} {STEP_TEXT[s][0]}"
                        for s in steps)
    unknown = [k for k in mine if k not in steps]
    if unknown:
        details += (f"\n(ignored: {', '.join(map(repr, unknown))}; the steps of this stage are "
                    f"{', '.join(steps)})")
    if len(passed) == len(steps):
        return CheckResult(name, "passed", f"all {len(steps)} values of this stage are right.",
                           details=details, steps=results, revisit=home)
    missing = [s for s in steps if results[s].status == "not_implemented"]
    if len(missing) == len(steps):
        return CheckResult(name, "not_implemented",
                           f"not implemented yet: none of {', '.join(steps)} is in the dict yet.",
                           details=details, steps=results, revisit=home)
    first = next((s for s in steps if not results[s].passed and s not in missing), None)
    if first is None:
        return CheckResult(name, "not_implemented",
                           f"{len(passed)} of {len(steps)} values are right so far; not implemented "
                           f"yet: {', '.join(missing)}.", details=details, steps=results, revisit=home)
    r = results[first]
    return CheckResult(name, r.status, f"the first step that went wrong is {first}: {r.feedback}",
                       mistake=r.mistake, hint=r.hint, details=details, steps=results, revisit=r.revisit or home)


def _check_step(step, mine, theirs):
    home = [_home(step)]
    if step not in mine:
        return CheckResult(step, "not_implemented", f"not implemented yet: {step} is not in the dict.",
                           revisit=home)
    try:
        value = np.asarray(mine[step], dtype=np.float64)
    except (TypeError, ValueError):
        return CheckResult(step, "error", f"{step} = {mine[step]!r} is not a number or a list of numbers.",
                           revisit=home)
    truth, formulas = _truth(), step_candidates()[step]
    expected, eq = truth[step], STEP_TEXT[step][1]
    if value.shape != expected.shape:
        what = ("a 2 × 2 matrix: entry [i][j] is for W_ij" if expected.ndim == 2 else
                "a list of 2 numbers, one per unit j")
        return CheckResult(step, "wrong_shape", f"{step} has shape {value.shape}; it must be {what}.",
                           equation=eq, revisit=home)
    if not np.all(np.isfinite(value)):
        return CheckResult(step, "wrong", f"{step} contains NaN or inf.", equation=eq, revisit=home)
    if close(value, expected):
        return CheckResult(step, "passed", f"{step} is right.", equation=eq, revisit=home)
    own, carried = _own_values(step, mine, theirs)
    with np.errstate(all="ignore"):
        if carried:
            for mistake, _, f in formulas:
                if mistake is None and close(value, np.asarray(f(own))):
                    return CheckResult(
                        step, "wrong",
                        f"{step} follows correctly from your {', '.join(carried)}, which "
                        f"{'is' if len(carried) == 1 else 'are'} wrong: the method is right, fix "
                        f"{carried[0]} first (error carried forward).", equation=eq, revisit=home)
        for values in ((truth, own) if carried else (truth,)):
            for mistake, desc, f in formulas:
                if mistake is None:
                    continue
                cand = np.asarray(f(values), dtype=np.float64)
                if cand.shape == value.shape and close(value, cand):
                    m = CATALOGUE[mistake]
                    return CheckResult(step, "mistake", f"{step} equals {desc}.", mistake=mistake,
                                       hint=sentence(m.explanation), equation=eq,
                                       revisit=[m.section()] + home)
    idx, sv, _ = largest_difference(value, expected)
    where = "".join(f"[{int(i)}]" for i in idx)
    hint = ""
    if carried:
        hint = f" (It also uses your {', '.join(carried)}, which {'is' if len(carried) == 1 else 'are'} wrong.)"
    return CheckResult(step, "wrong", f"{step}{where} = {number_text(sv)} is not right, and it matches no "
                       f"catalogued mistake. Redo the step: {STEP_TEXT[step][0]}.{hint}",
                       equation=eq, revisit=home)


def _own_values(step, mine, theirs):
    """The true values, with the student's own (wrong) earlier values where they have them."""
    truth = _truth()
    own, carried = dict(truth), []
    for k in _all_inputs(step):
        src = mine[k] if k in mine and k != step else theirs.get(k)
        if src is None:
            continue
        try:
            v = np.asarray(src, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if v.shape == truth[k].shape and not close(v, truth[k]):
            own[k] = v
            carried.append(k)
    return own, carried


def _all_inputs(step):
    """Every step that ``step`` depends on, directly or not."""
    seen = []
    todo = list(_STEP_INPUTS[step])
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.append(k)
            todo += list(_STEP_INPUTS[k])
    return seen
