"""E8, L2 weight decay: ``fn(net, fwd, y, lam) -> dW[1..L]`` for C + (lam/2) sum_l ||W^(l)||_F^2.

net: a Network; fwd = bl.forward(net, x) with x: (m, n_0); y: (m, n_L); lam: a number >= 0.
C is the squared-error cost, a mean over the batch. The answer is one array per layer l = 1..L
(a list or tuple of the L arrays, a dict {l: array} or a PerLayer), dW[l]: (n_{l-1}, n_l).

The penalty depends on the weights only, not on any z, so every delta^(l) is unchanged and the
penalty adds its own gradient, lam W^(l), to each layer's dC/dW^(l): ``bwd.dW[l] + lam * W[l]``.

A penalty pushed into delta is recognised in any form, not only as one of the candidates: each
network is also tested with lam = 0, and an answer that is right there, while with lam > 0 each
dW[l] differs only by a^(l-1)T V / m (what a change of delta^(l) does), is named ``penalty_in_delta``.
"""

from __future__ import annotations

import numpy as np

from ..network import Network, backward
from .calling import function_name
from .derived import DerivedExercise
from .engine import Candidate, largest_difference, same
from .feedback import matrix_text, number_text
from .network_probes import NetworkCase, read_layers

__all__ = ["L2_GRADIENT_EQUATION", "EXERCISE", "check_l2_gradient", "right", "data_gradients",
           "with_penalty", "penalty_in_delta", "changed_only_through_delta", "PUSHED_INTO_DELTA"]

L2_GRADIENT_EQUATION = ("∂/∂W^(l) [C + (λ/2) Σ_l ‖W^(l)‖_F²] = ∂C/∂W^(l) + λ W^(l) = "
                        "a^(l−1)ᵀ δ^(l) / m + λ W^(l), with every δ^(l) as without the penalty")


def data_gradients(net, fwd, y):
    """∂C/∂W^(l) of the data term alone, l = 1..L, as a list."""
    return list(backward(net, fwd, y, "squared_error").dW)


def with_penalty(factor):
    """The candidate ∂C/∂W^(l) + factor(lam, m) · W^(l)."""
    def dW(net, fwd, y, lam):
        c = factor(lam, fwd.a[0].shape[0])
        return [d + c * net.W[l] for l, d in enumerate(data_gradients(net, fwd, y), start=1)]
    return dW


right = with_penalty(lambda lam, m: lam)


def penalty_in_delta(every_layer, also_in_dW):
    """A backward pass with λ Σ_i W_ij^(l) (the penalty's gradient summed to δ's shape) added to
    δ^(L) (or to every δ^(l)) before it is passed down; with or without λ W^(l) in dW as well."""
    def dW(net, fwd, y, lam):
        L, m = net.L, fwd.a[0].shape[0]
        delta = (fwd.a[L] - y) * net.g[L].prime(fwd.z[L])
        grads = {}
        for l in range(L, 0, -1):
            if l == L or every_layer:
                delta = delta + lam * net.W[l].sum(axis=0)
            grads[l] = fwd.a[l - 1].T @ delta / m + (lam * net.W[l] if also_in_dW else 0.0)
            if l > 1:
                delta = (delta @ net.W[l].T) * net.g[l - 1].prime(fwd.z[l - 1])
        return [grads[l] for l in range(1, L + 1)]
    return dW


CANDIDATES = [
    Candidate(None, "∂C/∂W^(l) + λ W^(l)", right),
    Candidate("penalty_half_forgotten", "∂C/∂W^(l) + 2λ W^(l)", with_penalty(lambda lam, m: 2 * lam)),
    Candidate("penalty_divided_by_m", "∂C/∂W^(l) + λ W^(l) / m", with_penalty(lambda lam, m: lam / m)),
    Candidate("penalty_sign_flipped", "∂C/∂W^(l) − λ W^(l)", with_penalty(lambda lam, m: -lam)),
    Candidate("penalty_left_out", "∂C/∂W^(l), without the penalty", with_penalty(lambda lam, m: 0.0)),
    Candidate("penalty_in_delta", "λ Σ_i W_ij^(L) added to δ^(L) and passed down (and λ W^(l) in every dW)",
              penalty_in_delta(every_layer=False, also_in_dW=True)),
    Candidate("penalty_in_delta", "λ Σ_i W_ij^(L) added to δ^(L) and passed down",
              penalty_in_delta(every_layer=False, also_in_dW=False)),
    Candidate("penalty_in_delta",
              "λ Σ_i W_ij^(l) added to every δ^(l) and passed down (and λ W^(l) in every dW)",
              penalty_in_delta(every_layer=True, also_in_dW=True)),
    Candidate("penalty_in_delta", "λ Σ_i W_ij^(l) added to every δ^(l) and passed down",
              penalty_in_delta(every_layer=True, also_in_dW=False)),
]


# Each network is tested with a λ > 0 and again with λ = 0, where the penalty vanishes: the pair tells a
# penalty pushed into δ (of any form) from a backward pass that is wrong anyway (see L2Exercise.explain).
SPECS = [([3, 3, 3], ["tanh", "sigmoid"], 4, 0.1),
         ([4, 3, 2], ["sigmoid", "tanh"], 1, 0.5),
         ([2, 5, 3, 2], ["tanh", "leaky_relu", "sigmoid"], 3, 0.03),
         ([3, 4, 2], ["softplus", "identity"], 2, 1.0)]


def make_probes():
    probes = []
    for lams in ((spec[3] for spec in SPECS), (0.0 for _ in SPECS)):
        for k, ((sizes, acts, m, _), lam) in enumerate(zip(SPECS, lams)):
            rng = np.random.default_rng(1300 + k)
            net = Network.random(sizes, acts, seed=1310 + k, init="normal")
            x = rng.normal(0.0, 1.0, (m, sizes[0]))
            y = rng.uniform(-1.0, 1.0, (m, sizes[-1]))
            square = len(set(sizes)) == 1
            probes.append(NetworkCase(f"sizes {sizes}, {', '.join(acts)}, m = {m}, λ = {lam:g}"
                                      + (" (all layers square)" if square else ""), net, x, y, square,
                                      extra=(lam,), extra_names=("lam",)))
    return probes


PUSHED_INTO_DELTA = Candidate("penalty_in_delta", "a backward pass in which λ changes δ (right with λ = 0; "
                              "with λ > 0 each dW[l] differs from ∂C/∂W^(l), or from "
                              "∂C/∂W^(l) + λ W^(l), "
                              "by a^(l−1)ᵀ V / m for some V: a change that only δ^(l) can make)", right)
"""Named by :meth:`L2Exercise.explain` from the shape of the student's answers, not by its fn."""


def changed_only_through_delta(probe, dW, tol=1e-7):
    """(True if every layer's dW[l] is ∂C/∂W^(l) + c λ W^(l), c in {0, 1}, plus a^(l−1)ᵀ V for some V;
    True if some such V is nonzero where it says something, i.e. where a^(l−1)ᵀ does not span
    all of R^(n_(l−1))). dW: the student's L arrays on a probe with λ > 0."""
    net, fwd, y, lam = probe.args()
    data = data_gradients(net, fwd, y)
    informative = False
    for l in range(1, net.L + 1):
        if dW[l - 1].shape != data[l - 1].shape:
            return False, False
        A = fwd.a[l - 1].T  # (n_(l−1), m): dW^(l) = A δ^(l) / m, so a change through δ^(l) is A V
        outside = np.eye(A.shape[0]) - A @ np.linalg.pinv(A)  # projects onto what A cannot reach
        residuals = [dW[l - 1] - data[l - 1] - c * lam * net.W[l] for c in (0.0, 1.0)]
        fits = [r for r in residuals if np.abs(outside @ r).max() <= tol * (1 + np.abs(r).max())]
        if not fits:
            return False, False
        if np.linalg.matrix_rank(A) < A.shape[0] and min(np.abs(r).max() for r in fits) > tol:
            informative = True
    return True, informative


class L2Exercise(DerivedExercise):
    """E8: a one-part answer that is a list of L arrays, worded layer by layer; a penalty pushed
    into δ is recognised in any form (:func:`changed_only_through_delta`), not only as a candidate."""

    def read(self, probe):
        return lambda value: {"value": read_layers(probe.net.L, "dW")(value)}

    def explain(self, student):
        verdict = super().explain(student)
        if verdict or not all(s.ok for s in student):
            return verdict
        expected = self.expected()
        with_penalty = [(p, s) for p, s in zip(self.probes, student) if p.extra[0] > 0]
        without = [(s, e) for p, s, e in zip(self.probes, student, expected) if p.extra[0] == 0]
        if not without or not all(same(s.value["value"], e.value["value"]) for s, e in without):
            return None  # wrong even without the penalty: the backward pass itself is wrong
        found = [changed_only_through_delta(p, s.value["value"]) for p, s in with_penalty]
        if all(fits for fits, _ in found) and any(informative for _, informative in found):
            return {"value": PUSHED_INTO_DELTA}
        return None

    def wrong_shape(self, fn, probe, part, position, got, expected):
        l = position + 1
        return self.result("wrong_shape", f"for {probe.call_text()} ({probe.label}), your dW[{l}] has "
                           f"shape {got}, but it must have the shape of W[{l}], {expected}: the penalty's "
                           f"gradient λ W[{l}] has W[{l}]'s shape, and so does ∂C/∂W[{l}].")

    def wrong(self, fn, probes, student, expected):
        ok = [same(s.value["value"], e.value["value"]) for s, e in zip(student, expected)]
        msg = (f"Your dW is wrong on {ok.count(False)} of {len(probes)} test cases, and it does not "
               f"match any mistake in the catalogue. The example below shows which layers differ.")
        right_on = [p.label for p, k in zip(probes, ok) if k]
        if right_on:
            msg += f" It is right for: {'; '.join(right_on)}. What is different about the others?"
        i = min((j for j in range(len(probes)) if not ok[j]), key=lambda j: probes[j].size)
        return self.result("wrong", msg, details=self.example(fn, i, student[i]))

    def example(self, fn, i, outcome):
        """Layer by layer, on one probe: which dW[l] are right, and the first that is not."""
        probe, expected, got = self.probes[i], self.expected()[i].value["value"], outcome.value["value"]
        lines = [f"A small example ({probe.label}), layer by layer from the output:"]
        first = None
        for l in range(probe.net.L, 0, -1):
            x, e = got[l - 1], expected[l - 1]
            ok = same(x, e)
            lines.append(f"  dW[{l}]: " + ("right" if ok else f"wrong shape {x.shape}"
                                            if x.shape != e.shape else "differs"))
            if not ok and first is None:
                first = (l, x, e)
        if first:
            l, x, e = first
            lines.append(f"W[{l}] =\n{matrix_text(probe.net.W[l])}\nexpected dW[{l}] =\n{matrix_text(e)}\n"
                         f"your {function_name(fn)} returned dW[{l}] =\n{matrix_text(x)}")
            if x.shape == e.shape:
                idx, sv, ev = largest_difference(x, e)
                lines.append(f"largest difference at [{', '.join(str(int(k)) for k in idx)}]: "
                             f"expected {number_text(ev)}, got {number_text(sv)}")
        return "\n".join(lines)


EXERCISE = L2Exercise("check_l2_gradient", "dW", L2_GRADIENT_EQUATION, "weight_gradient", make_probes,
                      CANDIDATES)


def check_l2_gradient(fn, timeout=None):
    """Check ``fn(net, fwd, y, lam) -> dW``, the gradients of C + (lam/2) sum_l ||W^(l)||_F^2 with
    C the squared-error cost (a batch mean): dW[l] = dC/dW^(l) + lam W^(l), (n_{l-1}, n_l), l = 1..L.

    dW: a list or tuple of the L arrays, a dict {l: array} or a PerLayer.
    Returns a :class:`CheckResult`.
    """
    return EXERCISE.check(fn, timeout)
