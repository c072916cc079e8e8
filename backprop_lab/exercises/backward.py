"""E4, the whole backward pass: ``fn(net, fwd, y) -> (dW, db)`` for c = 1/2 ||a - y||^2.

net: a Network; fwd = bl.forward(net, x) with x: (m, n_0); y: (m, n_L). dW and db are per-layer
containers indexed l = 1..L (a PerLayer, a dict {l: array}, or a list of the L layers in order),
dW[l]: (n_{l-1}, n_l), db[l]: (n_l,), both means over the batch.

The answer has two parts, dW and db, and the engine (:mod:`.engine`) explains each part by a
candidate. Every candidate is the backward pass :func:`assemble`\\ d from E1–E3's own formulas
(:mod:`.output_delta`, :mod:`.hidden_delta`, :mod:`.gradients`) and three functions that pick each
step's arguments from the right layers; a catalogued mistake swaps one of those pieces.
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import numerical_gradients, relative_error
from ..layers import PerLayer
from ..mistakes import CATALOGUE
from ..network import Network, forward
from ..references import section
from . import gradients as e3
from . import hidden_delta as e2
from . import output_delta as e1
from .calling import BadReturn, call, describe_exception, function_name, stub_text
from .shortcuts import is_refusal, refused
from .engine import Candidate, Exercise, same, sentence
from .feedback import CheckResult, matrix_text

__all__ = ["BACKWARD_EQUATION", "EXERCISE", "NetworkProbe", "assemble", "check_backward",
           "check_backward_numerically", "layers_from", "read_per_layer"]

BACKWARD_EQUATION = ("δ^(L) = (a^(L) − y) ∘ g_L′(z^(L)); δ^(l) = (δ^(l+1) W^(l+1)ᵀ) ∘ g_l′(z^(l)); "
                     "∂C/∂W^(l) = a^(l−1)ᵀ δ^(l) / m; ∂C/∂b^(l) = mean of δ^(l) over the examples")


# --- the backward pass, from pieces ------------------------------------------------------------

def output_args(net, fwd, y):
    """E1's arguments: a^(L), y, z^(L), g_L."""
    return fwd.a[net.L], y, fwd.z[net.L], net.g[net.L]


def hidden_args(net, fwd, delta, l):
    """E2's arguments for layer l: δ^(l+1), W^(l+1), z^(l), g_l."""
    return delta[l + 1], net.W[l + 1], fwd.z[l], net.g[l]


def weight_args(fwd, delta, l):
    """E3's arguments for layer l: a^(l−1), δ^(l)."""
    return fwd.a[l - 1], delta[l]


def assemble(output=e1.right, hidden=e2.right, weights=e3.weights_right, bias=e3.bias_right, *,
             output_args=output_args, hidden_args=hidden_args, weight_args=weight_args):
    """The backward pass made of E1's ``output``, E2's ``hidden``, E3's ``weights`` and ``bias``
    formulas, each called with the arguments its ``*_args`` function picks from the network.

    Returns fn(net, fwd, y) -> (dW, db), lists of the L layers' arrays. A piece whose shapes clash
    raises, as the student's code would.
    """
    def backward_pass(net, fwd, y):
        L = net.L
        delta = {L: output(*output_args(net, fwd, y))}
        for l in range(L - 1, 0, -1):
            delta[l] = hidden(*hidden_args(net, fwd, delta, l))
        dW = [weights(*weight_args(fwd, delta, l)) for l in range(1, L + 1)]
        db = [bias(delta[l]) for l in range(1, L + 1)]
        return dW, db
    return backward_pass


def _in_every_output_and_hidden_layers(mistake, what, output, hidden):
    """Three candidates for a mistake that E1's ``output`` and E2's ``hidden`` formulas both make:
    in every layer, in the output layer only, in the hidden layers only."""
    return [Candidate(mistake, f"{what} in every layer", assemble(output=output, hidden=hidden)),
            Candidate(mistake, f"{what} in the output layer L", assemble(output=output)),
            Candidate(mistake, f"{what} in the hidden layers l < L", assemble(hidden=hidden))]


CANDIDATES = [
    Candidate(None, "the backward pass", assemble()),
    *_in_every_output_and_hidden_layers("activation_instead_of_derivative", "g(z) in place of g′(z)",
                                        e1.with_g, e2.with_g),
    *_in_every_output_and_hidden_layers("missing_activation_derivative", "no factor g′(z)",
                                        e1.without_g_prime, e2.without_g_prime),
    *_in_every_output_and_hidden_layers("derivative_at_activation", "g′(a) in place of g′(z)",
                                        e1.g_prime_at_a, e2.g_prime_at_a),
    Candidate("sign_flipped", "∂c/∂a = y − a", assemble(output=e1.sign_flipped)),
    Candidate("cost_instead_of_derivative", "½ (a − y)² in place of ∂c/∂a = a − y",
              assemble(output=e1.cost_not_derivative)),
    Candidate("missing_transpose", "δ^(l+1) W^(l+1) without the transpose",
              assemble(hidden=e2.without_transpose)),
    Candidate("missing_transpose", "δ^(l+1) W^(l+1) without the transpose, and g(z) in place of g′(z)",
              assemble(output=e1.with_g, hidden=e2.without_transpose_with_g),
              also=("activation_instead_of_derivative",)),
    Candidate("missing_transpose", "δ^(l+1) W^(l+1) without the transpose, and g(z) in place of g′(z) "
              "in the hidden layers", assemble(hidden=e2.without_transpose_with_g),
              also=("activation_instead_of_derivative",)),
    Candidate("sum_instead_of_mean", "sums over the batch without the 1/m",
              assemble(weights=e3.weights_summed, bias=e3.bias_summed)),
    Candidate("transposed_gradient", "δ^(l)ᵀ a^(l−1), the transposed ∂C/∂W",
              assemble(weights=e3.weights_transposed)),
    Candidate("wrong_axis", "averages over the units instead of over the examples",
              assemble(weights=e3.weights_over_units, bias=e3.bias_over_units)),
    Candidate("not_reduced", "per-example gradients, not averaged over the batch",
              assemble(weights=e3.weights_per_example, bias=e3.bias_per_example)),
    Candidate("off_by_one_layer", "a^(l) in place of a^(l−1) in ∂C/∂W^(l)",
              assemble(weight_args=lambda fwd, delta, l: (fwd.a[l], delta[l]))),
    Candidate("off_by_one_layer", "g_l′(z^(l+1)) in place of g_l′(z^(l)) in the recursion",
              assemble(hidden_args=lambda net, fwd, delta, l: (delta[l + 1], net.W[l + 1], fwd.z[l + 1],
                                                               net.g[l]))),
    Candidate("off_by_one_layer", "g_L′(z^(L−1)) in place of g_L′(z^(L)) in δ^(L)",
              assemble(output_args=lambda net, fwd, y: (fwd.a[net.L], y, fwd.z[net.L - 1], net.g[net.L]))),
    Candidate("off_by_one_layer", "W^(l) in place of W^(l+1) in the recursion",
              assemble(hidden_args=lambda net, fwd, delta, l: (delta[l + 1], net.W[l], fwd.z[l], net.g[l]))),
    Candidate("off_by_one_layer", "a^(L−1) in place of a^(L) in ∂c/∂a",
              assemble(output_args=lambda net, fwd, y: (fwd.a[net.L - 1], y, fwd.z[net.L], net.g[net.L]))),
    Candidate("off_by_one_layer", "the activation g_(l+1) of the next layer in place of g_l",
              assemble(hidden_args=lambda net, fwd, delta, l: (delta[l + 1], net.W[l + 1], fwd.z[l],
                                                               net.g[l + 1]))),
    Candidate("hard_coded_sigmoid_derivative", "σ′ = a (1 − a) in every layer, whatever g is",
              assemble(output=e1.sigmoid_shortcut, hidden=e2.sigmoid_shortcut)),
]


# --- the probes and the student's answer ------------------------------------------------------

class NetworkProbe:
    """A network, a batch x: (m, n_0) and targets y: (m, n_L) to call ``fn(net, fwd, y)`` with."""

    def __init__(self, label, net, x, y, square=False):
        self.label = label
        self.net = net
        self.x = x
        self.y = y
        self.square = square

    def args(self):
        """A fresh network, its forward pass and y, so that the student cannot change the originals."""
        net = self.net.copy()
        return net, forward(net, self.x.copy()), self.y.copy()

    @property
    def m(self):
        return self.x.shape[0]

    @property
    def size(self):
        return sum(w.size for w in self.net.W) + self.x.size

    def call_text(self):
        return (f"a network of sizes {self.net.sizes} ({', '.join(g.name for g in self.net.g)}) "
                f"and a batch of m = {self.m}")


def make_probes():
    specs = [([3, 3, 3], ["tanh", "sigmoid"], 4),
             ([4, 3, 2], ["sigmoid", "tanh"], 1),
             ([3, 3, 3, 3], ["softplus", "tanh", "sigmoid"], 3),
             ([2, 5, 3, 2], ["tanh", "leaky_relu", "sigmoid"], 2)]
    probes = []
    for k, (sizes, acts, m) in enumerate(specs):
        rng = np.random.default_rng(900 + k)
        net = Network.random(sizes, acts, seed=910 + k, init="normal")
        x = rng.normal(0.0, 1.0, (m, sizes[0]))
        lowest = max(net.g[net.L].output_range[0], -1.0)  # targets the output layer can reach
        y = rng.uniform(lowest, 1.0, (m, sizes[-1]))
        square = len(set(sizes)) == 1
        probes.append(NetworkProbe(f"sizes {sizes}, {', '.join(acts)}, m = {m}"
                                   + (" (all layers square)" if square else ""), net, x, y, square))
    return probes


def layers_from(value, name, L):
    """A per-layer answer as a list of L float arrays: a list or tuple of the L layers (or of L + 1
    with None first), a dict {l: array} for l = 1..L, or a PerLayer. Anything else raises
    :class:`BadReturn` saying what is wrong (E4's dW and db, E8's dW)."""
    if isinstance(value, PerLayer):
        items = list(value)
        if len(items) != L:
            raise BadReturn(f"returned a PerLayer {name} of {len(items)} layers, but the network has "
                            f"L = {L} layers")
    elif isinstance(value, dict):
        if set(value) != set(range(1, L + 1)):
            raise BadReturn(f"returned a dict {name} with keys {sorted(value, key=repr)}; it needs the keys "
                            f"1..{L}, one per layer l = 1..L")
        items = [value[l] for l in range(1, L + 1)]
    elif isinstance(value, (list, tuple)):
        items = list(value)
        if len(items) == L + 1 and items[0] is None:
            items = items[1:]
        if len(items) != L:
            raise BadReturn(f"returned {len(items)} entries in {name}, but the network has L = {L} "
                            f"layers: {name} needs one array per layer l = 1..L (a layer is missing "
                            f"or extra: check your loop's range)")
    else:
        raise BadReturn(f"returned {name} as a {type(value).__name__}; return one array per layer "
                        f"l = 1..L, as a list, a dict {{l: array}} or a PerLayer")
    try:
        return [np.array(v, dtype=np.float64) for v in items]
    except (TypeError, ValueError):
        raise BadReturn(f"returned a {name} whose entries are not arrays of numbers") from None


def read_per_layer(L):
    """value -> {"dW": [L arrays], "db": [L arrays]}, for a network of L layers."""
    def read(value):
        if value is None:
            raise BadReturn("returned None: did you forget the `return dW, db` statement?")
        if hasattr(value, "dW") and hasattr(value, "db"):
            dW, db = value.dW, value.db
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            dW, db = value
        else:
            raise BadReturn(f"returned a {type(value).__name__}; it should return the pair (dW, db)")
        return {"dW": layers_from(dW, "dW", L), "db": layers_from(db, "db", L)}
    return read


# --- the check, worded for a per-layer answer ---------------------------------------------------

class BackwardExercise(Exercise):
    """E4: the engine of :class:`.engine.Exercise`, with a two-part answer (dW, db) per layer.

    While the student's function runs, the library's own backward passes and gradient checks are
    refused (:mod:`.shortcuts`).
    """

    parts = ("dW", "db")
    refuse = staticmethod(refused)

    def read(self, probe):
        return read_per_layer(probe.net.L)

    def passed(self, probes):
        return self.result("passed", f"dW[l] and db[l] are right for every layer on all {len(probes)} "
                           f"networks ({'; '.join(p.label for p in probes)}).")

    def mistake(self, fn, probes, student, verdict):
        n = len(probes)
        dW, db = verdict["dW"], verdict["db"]
        if dW is not None and db is not None and dW.mistake == db.mistake:
            msg = (f"On all {n} test networks your dW and db are what the backward pass gives with "
                   f"{dW.formula}" + ("." if dW is db else f" (dW) and with {db.formula} (db)."))
        else:
            msg = f"On all {n} test networks " + "; ".join(
                f"your {part} is right" if v is None else
                f"your {part} is what the backward pass gives with {v.formula}"
                for part, v in verdict.items()) + "."
        raised = [(p, s) for p, s in zip(probes, student) if s.kind == "raised"]
        if raised:
            p, s = raised[0]
            msg += (f" On {p.label} your function raised {describe_exception(s.error)}, and so does "
                    f"that mistake there.")
        mistakes = list(dict.fromkeys(v.mistake for v in verdict.values() if v is not None))
        msg += "".join(f"\nAlso the mistake {CATALOGUE[m].name} [{m}]: {CATALOGUE[m].explanation}"
                       for m in mistakes[1:])
        return self.result("mistake", msg, mistake=mistakes[0], hint=sentence(CATALOGUE[mistakes[0]].explanation),
                           details=self.layer_table(student),
                           revisit=[CATALOGUE[m].section(self.context) for m in mistakes] + [self.home])

    def raised(self, fn, probes, student, raised):
        i = raised[0]
        err = student[i].error
        msg = f"`{function_name(fn)}` raised {describe_exception(err)} for {probes[i].call_text()}."
        mistake = None
        if isinstance(err, IndexError) and "does not exist" in str(err):  # PerLayer's index message
            mistake = CATALOGUE["off_by_one_layer"]
            msg += " That index is one layer off."
        others = len(probes) - len(raised)
        if others:
            msg += f" (It ran on {others} other {'network' if others == 1 else 'networks'}.)"
        if mistake:
            return self.result("mistake", msg, mistake=mistake.id, hint=sentence(mistake.explanation),
                               revisit=[mistake.section(), self.home])
        return self.result("error", msg)

    def wrong_shape(self, fn, probe, part, position, got, expected):
        l, what = position + 1, part[1:]
        return self.result("wrong_shape", f"for {probe.call_text()}, your {part}[{l}] has shape {got}, "
                           f"but it must have the shape of {what}[{l}], {expected}: gradient descent "
                           f"updates {what}[{l}] ← {what}[{l}] − η {part}[{l}] entry by entry, and the "
                           f"batch axis is averaged away.")

    def wrong(self, fn, probes, student, expected):
        return self.result("wrong", "Your gradients are wrong and do not match any mistake in the "
                           "catalogue. The example below shows which layers differ: the first wrong "
                           "layer, counted from the output, is where to look.",
                           details=self.layer_table(student),
                           revisit=[self.home, section("hidden_delta")])

    def layer_table(self, student):
        """Layer by layer, from the output: which of dW[l], db[l] are right, on the smallest network."""
        cases = [(p, s, r) for p, s, r in zip(self.probes, student, self.expected())
                 if s.ok and not all(same(s.value[q], r.value[q]) for q in self.parts)]
        if not cases:
            return ""
        p, s, r = min(cases, key=lambda c: c[0].size)
        lines = [f"On {p.call_text()}:"]
        first = None
        for l in range(p.net.L, 0, -1):
            for part in self.parts:
                x, e = s.value[part][l - 1], r.value[part][l - 1]
                ok = same(x, e)
                lines.append(f"  {part}[{l}]: " + ("right" if ok else f"wrong shape {x.shape}"
                                                    if x.shape != e.shape else "differs"))
                if not ok and first is None:
                    first = (part, l, x, e)
        if first:
            part, l, x, e = first
            lines.append(f"expected {part}[{l}] =\n{matrix_text(e)}\nyours =\n{matrix_text(x)}")
        return "\n".join(lines)


EXERCISE = BackwardExercise("check_backward", "dW and db", BACKWARD_EQUATION, "algorithm", make_probes,
                            CANDIDATES)


def check_backward(fn, timeout=None):
    """Check ``fn(net, fwd, y) -> (dW, db)``, the whole backward pass for c = 1/2 ||a - y||^2.

    net: a Network; fwd = bl.forward(net, x) with x: (m, n_0); y: (m, n_L).
    dW, db: per-layer containers indexed l = 1..L (PerLayer, dict {l: array} or a list of the L
    layers), dW[l]: (n_{l-1}, n_l), db[l]: (n_l,), both means over the batch, like ``bl.backward``.
    While ``fn`` runs, ``bl.backward``, ``bl.numerical_gradients`` and the library's other
    gradient code are unavailable to it (:mod:`.shortcuts`). timeout: seconds for all the test
    networks together. Returns a :class:`CheckResult`.
    """
    return EXERCISE.check(fn, timeout)


def check_backward_numerically(fn, net, x, y, eps=1e-5, tol=1e-7, timeout=None):
    """Compare the student's ``fn(net, fwd, y) -> (dW, db)`` with central differences of C (MSE).

    The oracle is :func:`backprop_lab.numerical_gradients`, which never uses backpropagation's
    formulas. x: (m, n_0); y: (m, n_L). Returns a :class:`CheckResult` with one line per W[l], b[l].
    """
    name = "check_backward_numerically"
    home = [section("algorithm")]
    probe = NetworkProbe("", net, np.asarray(x, float), np.asarray(y, float))
    out = call(fn, probe.args(), read_per_layer(net.L), timeout=timeout, refuse=refused)
    printed = out.output
    if out.kind == "not_implemented":
        return CheckResult(name, "not_implemented", stub_text(fn, out.error), revisit=home)
    if out.kind == "timed_out":
        return CheckResult(name, "timed_out", f"`{function_name(fn)}` did not finish within the time "
                           f"limit; look for a loop that never ends.", revisit=home, output=printed)
    if out.kind == "raised" and is_refusal(out.error):
        return CheckResult(name, "refused", f"`{function_name(fn)}` {describe_exception(out.error)}.",
                           revisit=home, output=printed)
    if out.kind in ("raised", "bad_return"):
        what = f"raised {describe_exception(out.error)}" if out.kind == "raised" else str(out.error)
        return CheckResult(name, "error", f"`{function_name(fn)}` {what}.", revisit=home, output=printed,
                           headline=None if out.kind == "raised" else
                           "your function returned something that is not an answer")
    num = numerical_gradients(net, x, y, "squared_error", eps)
    lines, ok = [], True
    for l in range(1, net.L + 1):
        for part, label in (("dW", "W"), ("db", "b")):
            mine, ref, kink = out.value[part][l - 1], num[part][l], num["kinks"][l][part]
            if mine.shape != ref.shape:
                lines.append(f"{label}[{l}]: wrong shape {mine.shape}, expected {ref.shape}")
                ok = False
                continue
            err = relative_error(ref[~kink], mine[~kink])
            ok &= err <= tol
            lines.append(f"{label}[{l}]: " + (f"ok (relative error below {tol:g})" if err <= tol
                                              else f"FAIL (relative error {err:.1e})"))
    table = "\n".join(lines)
    if ok:
        return CheckResult(name, "passed", "Your gradients agree with central differences of C for "
                           "every W[l] and b[l].", details=table, revisit=home, output=printed)
    return CheckResult(name, "wrong", "Your gradients disagree with central differences of C; run "
                       "check_backward(your_function) to find out why.", details=table, revisit=home,
                       output=printed)
