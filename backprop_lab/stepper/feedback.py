"""Feedback on a student's prediction of delta^(l): right, one of the catalogued mistakes, or off.

The mistakes are those of :data:`backprop_lab.mistakes.CATALOGUE`, the catalogue the exercises use:
a :class:`Feedback` carries the mistake's id (``.mistake``), and its message leads with the
mistake's name, says what the guess equals for this layer, then gives the catalogue's explanation
and the section to reread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..formatting import array_text, sig
from ..mistakes import CATALOGUE

__all__ = ["Feedback", "check", "mistaken_deltas"]


@dataclass(frozen=True)
class Feedback:
    """The result of a check: ``ok``, a message for the student, and the id of the mistake
    recognised in a wrong guess (a key of :data:`backprop_lab.mistakes.CATALOGUE`), or None."""

    ok: bool
    message: str
    mistake: str | None = None

    def __bool__(self):
        return self.ok

    def __str__(self):
        return self.message

    def __repr__(self):
        return self.message


def mistaken_deltas(model, l):
    """The usual wrong versions of delta^(l) for every example: mistake id -> ((m, n_l) array, what
    that guess computed, in words for layer l). Only the mistakes that apply to this layer."""
    g, L = model.net.g[l], model.L
    z, a = model.per_example("z", l), model.per_example("a", l)
    delta = model.per_example("delta", l)
    mine = f"your delta^({l})"
    out = {}
    if l == L:
        upstream, up = model.loss.grad(a, model.targets()), f"dc/da^({L})"
        if model.loss.is_fused(g):
            out["sign_flipped"] = (-delta, f"{mine} is y - a^({L}), where delta^({L}) = a^({L}) - y.")
            return out
        if np.allclose(upstream, a - model.targets()):  # dc/da = a - y: the flipped sign is y - a
            out["sign_flipped"] = (-delta, f"{mine} uses y - a^({L}) where dc/da^({L}) = a^({L}) - y.")
    else:
        W_next = model.weights(l + 1)
        upstream, up = model.per_example("delta", l + 1) @ W_next.T, f"delta^({l + 1}) W^({l + 1})T"
        if W_next.shape[0] == W_next.shape[1]:
            without_t = model.per_example("delta", l + 1) @ W_next
            out["missing_transpose"] = (
                without_t * (g.prime(z, a) if g.elementwise else 1.0),
                f"{mine} uses delta^({l + 1}) W^({l + 1}) where its transpose is needed: the sum runs "
                f"over k in W_jk^({l + 1}), so delta^({l + 1}) @ W[{l + 1}].T.")
    if not g.elementwise:
        return out
    out["activation_instead_of_derivative"] = (
        upstream * g(z), f"{mine} is ({up}) * g_{l}(z^({l})): it multiplies by a^({l}) instead of g_{l}'(z^({l})).")
    out["missing_activation_derivative"] = (upstream, f"{mine} is {up}, without the factor g_{l}'(z^({l})).")
    out["derivative_at_activation"] = (
        upstream * g.prime(a), f"{mine} is ({up}) * g_{l}'(a^({l})): g' must be evaluated at z^({l}), "
                               f"not at a^({l}).")
    return out


def _close(u, v):
    scale = float(np.max(np.abs(v))) if v.size else 0.0
    return np.allclose(u, v, rtol=2e-3, atol=1e-3 * scale + 1e-12)


def _mistake_message(id, what, l, L):
    m = CATALOGUE[id]
    where = m.section("hidden" if l < L else None)
    place = f"{where.notebook}" + (f", \u201c{where.title}\u201d" if where.title else "")
    return f"Not yet: {m.name}. {what[0].upper() + what[1:]} Why: {m.explanation} Reread {place}."


def check(model, l, guess, example):
    """Feedback on a predicted delta^(l) (see :meth:`backprop_lab.stepper.DeltaSteps.check`)."""
    try:
        l = model.check_layer(l)
        example = model.check_example(example)
    except (TypeError, ValueError) as e:
        return Feedback(False, str(e))
    try:
        if np.iscomplexobj(np.asarray(guess)):
            return Feedback(False, f"your delta^({l}) holds complex numbers; delta^({l}) = dc/dz^({l}) is "
                                   f"real: give real numbers (an array of floats)")
        guess = np.asarray(guess, dtype=np.float64)
    except (TypeError, ValueError) as e:
        return Feedback(False, f"could not read your delta^({l}) as numbers ({e})")
    n, m = model.sizes[l], model.m
    rows = model.per_example("delta", l)
    variants = mistaken_deltas(model, l)
    if guess.shape == (m, n) and not (m == 1 and guess.ndim == 1):
        expected, what = rows, "for every example"
    elif guess.shape == (n,):
        pick = (lambda v: v.mean(axis=0)) if example is None else (lambda v: v[example])
        expected = pick(rows)
        what = "for the batch mean" if example is None else f"for example {example}"
        variants = {id: (pick(v), text) for id, (v, text) in variants.items()}
    else:
        hint = " It looks transposed: rows are examples, so try guess.T." if guess.shape == (n, m) else ""
        return Feedback(False, f"delta^({l}) has shape ({n},) for one example (or ({m}, {n}) for "
                               f"the batch), but your guess has shape {guess.shape}.{hint}")
    if not np.all(np.isfinite(guess)):
        return Feedback(False, f"your delta^({l}) contains nan or inf")
    if _close(guess, expected):
        return Feedback(True, f"Correct: delta^({l}) = {array_text(expected)} {what}.")
    for id, (v, text) in variants.items():
        if v.shape == expected.shape and _close(guess, v) and not _close(v, expected):
            return Feedback(False, _mistake_message(id, text, l, model.L), id)
    err = float(np.max(np.abs(guess - expected)))
    return Feedback(False, f"Not yet: your delta^({l}) is off by up to {sig(err)}. "
                           f"Recompute it from the equation of this step.")
