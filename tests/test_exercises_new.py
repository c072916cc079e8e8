"""Tests of the checks of E7–E11, the exercises that ask students to derive what the notebooks don't give.

The student implementations below are written the way students write them (matrix form, einsum,
loops over the indices, their own backward pass), independently of the candidate formulas inside
the package. Every correct one must pass; every buggy one must be named by its catalogue id. The
right answers of the probes are checked against central differences (an independent oracle).
"""

import math
import subprocess
import sys

import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab import exercises as ex
from backprop_lab.activations import ACTIVATIONS
from backprop_lab.exercises import input_gradient, logcosh, swish, tied_weights, weight_decay
from backprop_lab.mistakes import CATALOGUE
from backprop_lab.references import SECTIONS


def my_deltas(net, fwd, y, sign=1.0):
    """A student's own backward pass for c = 1/2 ||a - y||^2: {l: delta^(l)}."""
    L = net.L
    delta = {L: sign * (fwd.a[L] - y) * net.g[L].prime(fwd.z[L])}
    for l in range(L - 1, 0, -1):
        delta[l] = (delta[l + 1] @ net.W[l + 1].T) * net.g[l].prime(fwd.z[l])
    return delta


def my_dW(net, fwd, y):
    delta = my_deltas(net, fwd, y)
    return {l: fwd.a[l - 1].T @ delta[l] / len(y) for l in range(1, net.L + 1)}


# ---------------------------------------------------------------------------------------------
# E7: the input gradient, fn(net, fwd, y) -> dc/dx, (m, n_0)
# ---------------------------------------------------------------------------------------------

def ig_matrix(net, fwd, y):
    return bl.backward(net, fwd, y, "mse").delta[1] @ net.W[1].T


def ig_einsum(net, fwd, y):
    return np.einsum("mj,ij->mi", my_deltas(net, fwd, y)[1], net.W[1])


def ig_loops(net, fwd, y):
    d1, W = my_deltas(net, fwd, y)[1], net.W[1]
    m, n0 = fwd.a[0].shape
    dx = np.zeros((m, n0))
    for x in range(m):
        for i in range(n0):
            dx[x, i] = sum(d1[x, j] * W[i, j] for j in range(W.shape[1]))  # dc/dx_i = sum_j delta_j W_ij
    return dx


def ig_chain_down(net, fwd, y):
    dc_da = fwd.a[net.L] - y                     # dc/da^(L)
    for l in range(net.L, 0, -1):
        dc_dz = dc_da * net.g[l].prime(fwd.z[l])  # delta^(l)
        dc_da = dc_dz @ net.W[l].T                # dc/da^(l-1); a^(0) = x
    return dc_da


CORRECT_INPUT_GRADIENT = [ig_matrix, ig_einsum, ig_loops, ig_chain_down]

BUGGY_INPUT_GRADIENT = {
    "input_gradient_is_delta": [
        lambda net, fwd, y: bl.backward(net, fwd, y).delta[1],
        lambda net, fwd, y: my_deltas(net, fwd, y)[1],
    ],
    "missing_transpose": [
        lambda net, fwd, y: my_deltas(net, fwd, y)[1] @ net.W[1],
        lambda net, fwd, y: np.einsum("mj,ji->mi", my_deltas(net, fwd, y)[1], net.W[1]),
    ],
    "activation_derivative_at_input": [
        lambda net, fwd, y: ig_matrix(net, fwd, y) * net.g[1].prime(fwd.a[0]),  # "delta^(0)"
        lambda net, fwd, y: ig_einsum(net, fwd, y) * net.g[1].prime(fwd.z[1]),
    ],
    "per_example_averaged": [
        lambda net, fwd, y: ig_matrix(net, fwd, y).mean(axis=0),
        lambda net, fwd, y: np.mean(ig_loops(net, fwd, y), axis=0, keepdims=True),
        lambda net, fwd, y: ig_matrix(net, fwd, y) / len(y),
        lambda net, fwd, y: ig_einsum(net, fwd, y).sum(axis=0),
    ],
    "sign_flipped": [
        lambda net, fwd, y: my_deltas(net, fwd, y, sign=-1.0)[1] @ net.W[1].T,
    ],
}

# ---------------------------------------------------------------------------------------------
# E8: L2 weight decay, fn(net, fwd, y, lam) -> dW[1..L]
# ---------------------------------------------------------------------------------------------


def l2_matrix(net, fwd, y, lam):
    bwd = bl.backward(net, fwd, y, "mse")
    return [bwd.dW[l] + lam * net.W[l] for l in range(1, net.L + 1)]


def l2_dict_own_backward(net, fwd, y, lam):
    return {l: dW + lam * net.W[l] for l, dW in my_dW(net, fwd, y).items()}


def l2_einsum(net, fwd, y, lam):
    delta = my_deltas(net, fwd, y)
    return tuple(np.einsum("mi,mj->ij", fwd.a[l - 1], delta[l]) / len(y) + lam * net.W[l]
                 for l in range(1, net.L + 1))


def l2_loops(net, fwd, y, lam):
    delta, m = my_deltas(net, fwd, y), len(y)
    grads = []
    for l in range(1, net.L + 1):
        n_in, n_out = net.W[l].shape
        g = np.zeros((n_in, n_out))
        for i in range(n_in):
            for j in range(n_out):
                g[i, j] = sum(fwd.a[l - 1][x, i] * delta[l][x, j] for x in range(m)) / m \
                    + lam * net.W[l][i, j]  # d/dW_ij of (lam/2) W_ij^2 is lam W_ij
        grads.append(g)
    return grads


def l2_per_layer(net, fwd, y, lam):
    bwd = bl.backward(net, fwd, y, "mse")
    for l in range(1, net.L + 1):
        bwd.dW[l] = bwd.dW[l] + lam * net.W[l]
    return bwd.dW  # a PerLayer


CORRECT_L2 = [l2_matrix, l2_dict_own_backward, l2_einsum, l2_loops, l2_per_layer]


def l2_delta_pushed(net, fwd, y, lam):
    """A student who adds the penalty to delta^(L) (summed to its shape) and backpropagates it."""
    L, m = net.L, len(y)
    delta = {L: (fwd.a[L] - y) * net.g[L].prime(fwd.z[L]) + lam * np.sum(net.W[L], axis=0)}
    for l in range(L - 1, 0, -1):
        delta[l] = (delta[l + 1] @ net.W[l + 1].T) * net.g[l].prime(fwd.z[l])
    return [fwd.a[l - 1].T @ delta[l] / m + lam * net.W[l] for l in range(1, L + 1)]


def l2_delta_pushed_every_layer(net, fwd, y, lam):
    L, m = net.L, len(y)
    grads = [None] * L
    d = (fwd.a[L] - y) * net.g[L].prime(fwd.z[L])
    for l in range(L, 0, -1):
        d = d + lam * net.W[l].sum(axis=0)
        grads[l - 1] = np.einsum("mi,mj->ij", fwd.a[l - 1], d) / m
        if l > 1:
            d = (d @ net.W[l].T) * net.g[l - 1].prime(fwd.z[l - 1])
    return grads


def l2_delta_scaled(net, fwd, y, lam):
    """A student who "decays" delta^(L) by (1 + lam): not one of the package's candidates."""
    L, m = net.L, len(y)
    delta = (1 + lam) * (fwd.a[L] - y) * net.g[L].prime(fwd.z[L])
    grads = {}
    for l in range(L, 0, -1):
        grads[l] = fwd.a[l - 1].T @ delta / m + lam * net.W[l]
        if l > 1:
            delta = (delta @ net.W[l].T) * net.g[l - 1].prime(fwd.z[l - 1])
    return grads


def l2_activity_penalty(net, fwd, y, lam):
    """A student who penalises the outputs, dc/da = a - y + lam a: not one of the candidates."""
    delta = {net.L: (fwd.a[net.L] - y + lam * fwd.a[net.L]) * net.g[net.L].prime(fwd.z[net.L])}
    for l in range(net.L - 1, 0, -1):
        delta[l] = (delta[l + 1] @ net.W[l + 1].T) * net.g[l].prime(fwd.z[l])
    return [fwd.a[l - 1].T @ delta[l] / len(y) for l in range(1, net.L + 1)]


BUGGY_L2 = {
    "penalty_half_forgotten": [
        lambda net, fwd, y, lam: [dW + 2 * lam * net.W[l] for l, dW in my_dW(net, fwd, y).items()],
        lambda net, fwd, y, lam: [d + lam * 2 * w for d, w in zip(bl.backward(net, fwd, y).dW, net.W)],
    ],
    "penalty_divided_by_m": [
        lambda net, fwd, y, lam: [dW + lam * net.W[l] / len(y) for l, dW in my_dW(net, fwd, y).items()],
        lambda net, fwd, y, lam: [d + (lam / fwd.a[0].shape[0]) * w
                                  for d, w in zip(bl.backward(net, fwd, y).dW, net.W)],
    ],
    "penalty_sign_flipped": [
        lambda net, fwd, y, lam: [dW - lam * net.W[l] for l, dW in my_dW(net, fwd, y).items()],
    ],
    "penalty_left_out": [
        lambda net, fwd, y, lam: list(bl.backward(net, fwd, y).dW),
        lambda net, fwd, y, lam: my_dW(net, fwd, y),
    ],
    "penalty_in_delta": [l2_delta_pushed, l2_delta_pushed_every_layer, l2_delta_scaled, l2_activity_penalty],
}

# ---------------------------------------------------------------------------------------------
# E9: swish, fn(z) -> g'(z) for g(z) = z sigma(z)
# ---------------------------------------------------------------------------------------------


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sw_sum_of_terms(z):
    s = sigmoid(z)
    return s + z * s * (1 - s)


def sw_factored(z):
    s = sigmoid(z)
    return s * (1 + z * (1 - s))


def sw_from_g(z):
    g, s = z * sigmoid(z), sigmoid(z)
    return g + s * (1 - g)  # sigma + z sigma - z sigma^2 = g + sigma (1 - g)


def sw_loops(z):
    out = np.empty_like(z)
    for idx, v in np.ndenumerate(z):
        s = 1 / (1 + math.exp(-v))
        out[idx] = s + v * s * (1 - s)
    return out


def sw_tanh(z):
    s = 0.5 * (1 + np.tanh(z / 2))  # sigma(z) = (1 + tanh(z/2)) / 2
    return s + z * s * (1 - s)


CORRECT_SWISH = [sw_sum_of_terms, sw_factored, sw_from_g, sw_loops, sw_tanh]

BUGGY_SWISH = {
    "product_rule_forgotten": [
        lambda z: sigmoid(z) * (1 - sigmoid(z)),
        lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
    ],
    "product_rule_one_term": [
        lambda z: sigmoid(z),                           # d/dz of z, times sigma
        lambda z: z * sigmoid(z) * (1 - sigmoid(z)),   # z times d/dz of sigma
        lambda z: np.vectorize(lambda v: v * math.exp(-v) / (1 + math.exp(-v)) ** 2)(z),
    ],
    "activation_instead_of_derivative": [
        lambda z: z * sigmoid(z),
        lambda z: z / (1 + np.exp(-z)),
    ],
}

# ---------------------------------------------------------------------------------------------
# E10: log-cosh, fn(a_L, y, z_L, g) -> delta_L
# ---------------------------------------------------------------------------------------------


def lc_matrix(a_L, y, z_L, g):
    return np.tanh(a_L - y) * g.prime(z_L)


def lc_sinh_cosh(a_L, y, z_L, g):
    u = a_L - y
    return np.sinh(u) / np.cosh(u) * g.prime(z_L)  # d/du log cosh u = sinh u / cosh u


def lc_loops(a_L, y, z_L, g):
    m, n = z_L.shape
    delta = np.zeros((m, n))
    for x in range(m):
        for j in range(n):
            delta[x, j] = math.tanh(a_L[x, j] - y[x, j]) * g.prime(np.array(z_L[x, j]))
    return delta


def lc_einsum(a_L, y, z_L, g):
    return np.einsum("mj,mj->mj", np.tanh(a_L - y), g.prime(z_L))


CORRECT_LOGCOSH = [lc_matrix, lc_sinh_cosh, lc_loops, lc_einsum]

BUGGY_LOGCOSH = {
    "squared_error_habit": [
        lambda a_L, y, z_L, g: (a_L - y) * g.prime(z_L),
    ],
    "missing_activation_derivative": [
        lambda a_L, y, z_L, g: np.tanh(a_L - y),
    ],
    "sign_flipped": [
        lambda a_L, y, z_L, g: np.tanh(y - a_L) * g.prime(z_L),
        lambda a_L, y, z_L, g: -lc_loops(a_L, y, z_L, g),
    ],
    "differentiated_twice": [
        lambda a_L, y, z_L, g: (1 - np.tanh(a_L - y) ** 2) * g.prime(z_L),
        lambda a_L, y, z_L, g: g.prime(z_L) / np.cosh(a_L - y) ** 2,  # sech^2 = tanh'
    ],
    "activation_instead_of_derivative": [
        lambda a_L, y, z_L, g: np.tanh(a_L - y) * g(z_L),
    ],
    "derivative_at_activation": [
        lambda a_L, y, z_L, g: np.tanh(a_L - y) * g.prime(a_L),
    ],
}

# ---------------------------------------------------------------------------------------------
# E11: tied weights, fn(net, fwd, y) -> dC/dW, (n_0, n_1), with W^(2) = W^(1)T
# ---------------------------------------------------------------------------------------------


def tw_matrix(net, fwd, y):
    bwd = bl.backward(net, fwd, y, "mse")
    return bwd.dW[1] + bwd.dW[2].T


def tw_einsum(net, fwd, y):
    delta, m = my_deltas(net, fwd, y), len(y)
    first = np.einsum("mi,mj->ij", fwd.a[0], delta[1]) / m    # W_ij as W^(1)_ij
    second = np.einsum("mj,mi->ij", fwd.a[1], delta[2]) / m   # W_ij as W^(2)_ji
    return first + second


def tw_loops(net, fwd, y):
    delta, m = my_deltas(net, fwd, y), len(y)
    n0, n1 = net.W[1].shape
    dW = np.zeros((n0, n1))
    for i in range(n0):
        for j in range(n1):
            for x in range(m):
                dW[i, j] += (fwd.a[0][x, i] * delta[1][x, j]      # the path through W^(1)_ij
                             + fwd.a[1][x, j] * delta[2][x, i]) / m  # the path through W^(2)_ji
    return dW


CORRECT_TIED = [tw_matrix, tw_einsum, tw_loops]

BUGGY_TIED = {
    "shared_weight_one_use": [
        lambda net, fwd, y: bl.backward(net, fwd, y).dW[1],
        lambda net, fwd, y: np.transpose(bl.backward(net, fwd, y).dW[2]),
        lambda net, fwd, y: my_dW(net, fwd, y)[1],
    ],
    "shared_weight_not_transposed": [
        lambda net, fwd, y: bl.backward(net, fwd, y).dW[1] + bl.backward(net, fwd, y).dW[2],
    ],
    "shared_weight_averaged": [
        lambda net, fwd, y: (tw_matrix(net, fwd, y)) / 2,
        lambda net, fwd, y: np.mean([my_dW(net, fwd, y)[1], my_dW(net, fwd, y)[2].T], axis=0),
    ],
}

# ---------------------------------------------------------------------------------------------
# Every buggy implementation is named by its id; every correct one passes
# ---------------------------------------------------------------------------------------------

BUGGY = {ex.check_input_gradient: BUGGY_INPUT_GRADIENT, ex.check_l2_gradient: BUGGY_L2,
         ex.check_swish_prime: BUGGY_SWISH, ex.check_logcosh_output_delta: BUGGY_LOGCOSH,
         ex.check_tied_gradient: BUGGY_TIED}
CASES = [(check, mid, f) for check, bugs in BUGGY.items() for mid, fs in bugs.items() for f in fs]
MISTAKE_IDS_TESTED = sorted({mid for _, mid, _ in CASES})
"""The ids named by a buggy implementation here (tests/test_exercises.py counts them too)."""

CORRECT = ([(ex.check_input_gradient, f) for f in CORRECT_INPUT_GRADIENT]
           + [(ex.check_l2_gradient, f) for f in CORRECT_L2]
           + [(ex.check_swish_prime, f) for f in CORRECT_SWISH]
           + [(ex.check_logcosh_output_delta, f) for f in CORRECT_LOGCOSH]
           + [(ex.check_tied_gradient, f) for f in CORRECT_TIED])

NEW_CHECKS = list(BUGGY)


@pytest.mark.parametrize("check,mistake,fn", CASES,
                         ids=[f"{c.__name__}-{mid}-{i}" for i, (c, mid, _) in enumerate(CASES)])
def test_buggy_implementation_is_named_by_its_id(check, mistake, fn):
    result = check(fn)
    assert result.status == "mistake" and not result.passed, repr(result)
    assert result.mistake == mistake, repr(result)
    assert result.headline.endswith(f"[{mistake}]") and CATALOGUE[mistake].name in result.headline
    assert CATALOGUE[mistake].explanation[1:] in result.message
    assert "Revisit: notebooks/" in result.message
    assert "Equation: " not in result.message and "Show the solution" in result._repr_html_()


@pytest.mark.parametrize("check,fn", CORRECT, ids=[f"{c.__name__}-{f.__name__}" for c, f in CORRECT])
def test_correct_answer_passes_in_every_style(check, fn):
    result = check(fn)
    assert result.passed and result.status == "passed" and result.mistake is None, repr(result)


@pytest.mark.parametrize("check", NEW_CHECKS)
def test_three_styles_at_least_per_check(check):
    assert sum(c is check for c, _ in CORRECT) >= 3


REQUIRED = {  # the mistakes the issue lists for each check
    ex.check_input_gradient: {"input_gradient_is_delta", "missing_transpose", "activation_derivative_at_input",
                              "per_example_averaged"},
    ex.check_l2_gradient: {"penalty_half_forgotten", "penalty_divided_by_m", "penalty_sign_flipped",
                           "penalty_left_out", "penalty_in_delta"},
    ex.check_swish_prime: {"product_rule_forgotten", "product_rule_one_term", "activation_instead_of_derivative"},
    ex.check_logcosh_output_delta: {"squared_error_habit", "missing_activation_derivative", "sign_flipped",
                                    "differentiated_twice"},
    ex.check_tied_gradient: {"shared_weight_one_use", "shared_weight_not_transposed"},
}

EXERCISES = {ex.check_input_gradient: input_gradient.EXERCISE, ex.check_l2_gradient: weight_decay.EXERCISE,
             ex.check_swish_prime: swish.EXERCISE, ex.check_logcosh_output_delta: logcosh.EXERCISE,
             ex.check_tied_gradient: tied_weights.EXERCISE}


@pytest.mark.parametrize("check", NEW_CHECKS)
def test_every_listed_mistake_is_a_candidate_and_tested(check):
    ids = {c.mistake for c in EXERCISES[check].candidates} - {None}
    assert REQUIRED[check] <= ids
    assert ids == set(BUGGY[check]), "every candidate's id is named by a buggy implementation here"


CANDIDATES = [(check, c) for check, e in EXERCISES.items() for c in e.candidates]


@pytest.mark.parametrize("check,cand", CANDIDATES,
                         ids=[f"{ch.__name__}-{i}-{c.mistake or 'right'}" for i, (ch, c) in enumerate(CANDIDATES)])
def test_every_candidate_run_as_a_student_answer_is_named_by_its_own_id(check, cand):
    """No two catalogued mistakes (nor a mistake and the right answer) look alike on the probes."""
    result = check(cand.fn)
    if cand.mistake is None:
        assert result.passed, repr(result)
    else:
        assert result.mistake == cand.mistake, (cand.formula, repr(result))


def test_the_new_mistakes_are_catalogued_with_a_name_an_explanation_and_a_section():
    new = set(MISTAKE_IDS_TESTED) - {"missing_transpose", "sign_flipped", "activation_instead_of_derivative",
                                     "missing_activation_derivative", "derivative_at_activation"}
    assert len(new) == 15
    for mid in new:
        m = CATALOGUE[mid]
        assert m.name and len(m.explanation) > 80 and m.section() in SECTIONS.values()
        assert ex.MISTAKES[mid] == m.explanation


# ---------------------------------------------------------------------------------------------
# Feedback, not tracebacks; no equation before the student has an answer
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("check", NEW_CHECKS)
def test_stub_says_not_implemented_yet_without_giving_the_answer(check):
    def student(*args):
        # YOUR CODE HERE
        raise NotImplementedError()

    result = check(student)
    assert result.status == "not_implemented" and "not implemented yet" in repr(result)
    assert result.equation == "" and "Equation:" not in result.message


@pytest.mark.parametrize("check", NEW_CHECKS)
def test_crash_gets_feedback_naming_the_line(check):
    def student(*args):
        return undefined_name * 2  # noqa: F821, a typo

    result = check(student)
    assert result.status == "error" and "NameError" in result.message
    assert "in your line `return undefined_name * 2" in result.message
    assert "Equation:" not in result.message


@pytest.mark.parametrize("check", NEW_CHECKS)
@pytest.mark.parametrize("returned", [None, "dW", 3.5])
def test_nonsense_return_gets_feedback(check, returned):
    result = check(lambda *args: returned)
    assert result.status in ("error", "wrong_shape"), repr(result)
    assert not result.passed and "Traceback" not in result.message


@pytest.mark.parametrize("check", NEW_CHECKS)
def test_passing_a_value_instead_of_the_function(check):
    result = check(np.zeros(3))
    assert result.status == "error" and "function" in result.message


def test_wrong_shapes_are_explained():
    r = ex.check_input_gradient(lambda net, fwd, y: ig_matrix(net, fwd, y).T)
    assert r.status == "wrong_shape" and "shape of x" in r.message
    r = ex.check_tied_gradient(lambda net, fwd, y: tw_matrix(net, fwd, y).T)
    assert r.status == "wrong_shape" and "shape of W^(2)" in r.message
    r = ex.check_l2_gradient(lambda net, fwd, y, lam: [w.T for w in l2_matrix(net, fwd, y, lam)])
    assert r.status == "wrong_shape" and "must have the shape of W[" in r.message
    r = ex.check_logcosh_output_delta(lambda a_L, y, z_L, g: lc_matrix(a_L, y, z_L, g).sum(axis=1))
    assert r.status == "wrong_shape" and "nothing is summed" in r.message
    r = ex.check_swish_prime(lambda z: sw_factored(z).ravel())
    assert r.status == "wrong_shape" and "shape of z" in r.message


def test_feedback_words_fit_the_exercise_they_are_shown_in():
    # found by a cold read: dividing each row by m was called "averaged"; the sign-flip hint spoke only
    # of the squared error (also shown in E10, log-cosh); "a - y is ..." was capitalised into "A - y"
    r = ex.check_input_gradient(lambda net, fwd, y: ig_matrix(net, fwd, y) / len(y))
    assert r.mistake == "per_example_averaged" and "each row is divided by m" in r.message
    r = ex.check_logcosh_output_delta(lambda a_L, y, z_L, g: np.tanh(y - a_L) * g.prime(z_L))
    assert r.mistake == "sign_flipped" and "tanh(a - y) for log-cosh" in r.message
    r = ex.check_logcosh_output_delta(lambda a_L, y, z_L, g: (a_L - y) * g.prime(z_L))
    assert r.mistake == "squared_error_habit" and "The term a - y is dc/da" in r.message
    assert "A - y" not in r.message


def test_l2_wrong_answer_is_located_by_layer_and_a_missing_layer_is_named():
    def wrong_lower_layer(net, fwd, y, lam):
        grads = l2_matrix(net, fwd, y, lam)
        grads[0] = 3 * grads[0]
        return grads

    r = ex.check_l2_gradient(wrong_lower_layer)
    assert r.status == "wrong" and "dW[1]: differs" in r.details and f"dW[2]: right" in r.details
    r = ex.check_l2_gradient(lambda net, fwd, y, lam: l2_matrix(net, fwd, y, lam)[1:])
    assert r.status == "error" and "a layer is missing" in r.message
    r = ex.check_l2_gradient(lambda net, fwd, y, lam: {0: 1})
    assert r.status == "error" and "keys 1.." in r.message


@pytest.mark.parametrize("penalty", [np.square, np.sign, np.ones_like], ids=["W**2", "sign(W)", "ones"])
def test_a_penalty_that_is_wrong_but_not_through_delta_is_not_called_penalty_in_delta(penalty):
    r = ex.check_l2_gradient(lambda net, fwd, y, lam: [d + lam * penalty(w)
                                                        for d, w in zip(bl.backward(net, fwd, y).dW, net.W)])
    assert r.status == "wrong" and r.mistake is None, repr(r)


def test_a_backward_pass_wrong_without_the_penalty_is_not_called_penalty_in_delta():
    r = ex.check_l2_gradient(lambda net, fwd, y, lam: [3 * d + lam * w
                                                        for d, w in zip(bl.backward(net, fwd, y).dW, net.W)])
    assert r.status == "wrong" and r.mistake is None, repr(r)


def test_each_l2_network_is_also_tested_without_the_penalty():
    lams = [p.extra[0] for p in weight_decay.EXERCISE.probes]
    assert lams.count(0.0) == len(lams) // 2 and all(lam > 0 for lam in lams[:len(lams) // 2])
    for fits, informative in (weight_decay.changed_only_through_delta(p, r.value["value"])
                              for p, r in zip(weight_decay.EXERCISE.probes, weight_decay.EXERCISE.expected())
                              if p.extra[0] > 0):
        assert fits and not informative  # the right answer: changed only by the direct λ W^(l)


def test_wrong_answer_shows_a_small_worked_example():
    r = ex.check_input_gradient(lambda net, fwd, y: 3 * ig_matrix(net, fwd, y))
    assert r.status == "wrong" and "expected ∂c/∂x =" in r.details and "W[1] =" in r.details
    assert "m = 1" in r.details  # the smallest probe


# ---------------------------------------------------------------------------------------------
# The probes: an independent oracle, and enough variety to tell the mistakes apart
# ---------------------------------------------------------------------------------------------

def central_difference(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps
        grad[idx] = (f(up) - f(down)) / (2 * eps)
    return grad


def test_input_gradient_probes_agree_with_central_differences_of_each_example_s_cost():
    e = input_gradient.EXERCISE
    for p, r in zip(e.probes, e.expected()):
        for x_row, y_row, want in zip(p.x, p.y, r.value["value"]):
            c = lambda v, y_row=y_row: 0.5 * np.sum((p.net.predict(v) - y_row) ** 2)
            assert np.allclose(central_difference(c, x_row), want, atol=1e-7)


def test_l2_probes_agree_with_central_differences_of_the_regularised_cost():
    e = weight_decay.EXERCISE
    for p, r in zip(e.probes, e.expected()):
        lam = p.extra[0]
        for l in range(1, p.net.L + 1):
            def cost(W, l=l):
                net = p.net.copy()
                net.W[l] = W
                return bl.cost(net, p.x, p.y, "mse") + lam / 2 * sum(np.sum(w ** 2) for w in net.W)
            assert np.allclose(central_difference(cost, p.net.W[l]), r.value["value"][l - 1], atol=1e-6)


def test_swish_probes_agree_with_central_differences_of_g():
    e = swish.EXERCISE
    for p, r in zip(e.probes, e.expected()):
        (z,) = p.args()
        num = (swish.swish(z + 1e-6) - swish.swish(z - 1e-6)) / 2e-6
        assert np.allclose(num, r.value["value"], atol=1e-7)


def test_logcosh_probes_agree_with_central_differences_of_the_cost():
    e = logcosh.EXERCISE
    for p, r in zip(e.probes, e.expected()):
        a, y, z, g = p.args()
        c_of_z = lambda zz: np.sum(np.log(np.cosh(g(zz) - y)))  # summed: row x gives dc(x)/dz(x)
        keep = np.abs(z) > 1e-4  # leaky relu's kink at 0
        assert np.allclose(central_difference(c_of_z, z)[keep], r.value["value"][keep], atol=1e-6)
        assert np.allclose(logcosh.logcosh(a, y), np.sum(np.log(np.cosh(a - y)), axis=-1))


def test_tied_probes_are_tied_and_agree_with_central_differences_of_the_shared_matrix():
    e = tied_weights.EXERCISE
    for p, r in zip(e.probes, e.expected()):
        net, fwd, y = p.args()
        assert net.L == 2 and np.array_equal(net.W[2], net.W[1].T)

        def cost(W):
            tied = bl.Network([W, W.T], list(p.net.b), list(p.net.g))
            return bl.cost(tied, p.x, p.y, "mse")
        assert np.allclose(central_difference(cost, p.net.W[1]), r.value["value"], atol=1e-6)


def test_probes_cover_batch_sizes_shapes_and_activations():
    for e in (input_gradient.EXERCISE, weight_decay.EXERCISE, tied_weights.EXERCISE):
        ms = {p.m for p in e.probes}
        assert 1 in ms and any(m > 1 for m in ms)
        assert any(p.square for p in e.probes) and any(not p.square for p in e.probes)
        assert len({g.name for p in e.probes for g in p.net.g}) >= 3
    assert len({p.values[3].name for p in logcosh.EXERCISE.probes}) >= 4
    assert {p.m for p in logcosh.EXERCISE.probes} >= {1, 2, 3}
    assert len({p.values[0].ndim for p in swish.EXERCISE.probes}) == 2  # 1-D and 2-D z


def test_importing_builds_no_probe():
    code = ("from backprop_lab.exercises import input_gradient, weight_decay, swish, logcosh, tied_weights\n"
            "es = [m.EXERCISE for m in (input_gradient, weight_decay, swish, logcosh, tied_weights)]\n"
            "print(sum('probes' in vars(e) for e in es))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0"]


# ---------------------------------------------------------------------------------------------
# E9's second check: the registered activation, through bl.backward
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def registry(monkeypatch):
    """bl.ACTIVATIONS, restored after the test."""
    monkeypatch.delitem(ACTIVATIONS, "swish", raising=False)
    yield ACTIVATIONS
    ACTIVATIONS.pop("swish", None)


def registering(prime, value=lambda z: z * sigmoid(z), name="swish", register=True):
    def register_swish():
        g = bl.Activation(name, value, prime, formula=r"g(z) = z\,\sigma(z)")
        if register:
            bl.ACTIVATIONS[name] = g
        return g
    return register_swish


def test_a_registered_swish_passes_and_backward_agrees_with_central_differences(registry):
    result = ex.check_swish_activation(registering(sw_factored))
    assert result.passed, repr(result)
    assert "W[1]" in result.details and "ok" in result.details
    assert registry["swish"].name == "swish"


def test_the_activation_check_names_a_wrong_derivative(registry):
    result = ex.check_swish_activation(registering(lambda z: sigmoid(z) * (1 - sigmoid(z))))
    assert result.status == "mistake" and result.mistake == "product_rule_forgotten"
    assert result.check == "check_swish_activation" and "g.prime is not right" in result.message


def test_the_activation_check_wants_it_registered_and_right(registry):
    r = ex.check_swish_activation(registering(sw_factored, register=False))
    assert r.status == "wrong" and "not registered" in r.message
    r = ex.check_swish_activation(registering(sw_factored, value=lambda z: sigmoid(z)))
    assert r.status == "wrong" and "is not z σ(z)" in r.message
    r = ex.check_swish_activation(lambda: "swish")
    assert r.status == "error" and "bl.Activation" in r.message


def test_the_activation_check_stub_and_crash(registry):
    def register_swish():
        raise NotImplementedError()

    r = ex.check_swish_activation(register_swish)
    assert r.status == "not_implemented" and "not implemented yet" in repr(r)

    def stub_prime(z):
        raise NotImplementedError()

    r = ex.check_swish_activation(registering(stub_prime))
    assert r.status == "not_implemented"
    r = ex.check_swish_activation(lambda: 1 / 0)
    assert r.status == "error" and "ZeroDivisionError" in r.message
    assert ex.check_swish_activation("swish").status == "error"
