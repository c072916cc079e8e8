"""Tests of backprop_lab.exercises: the checks recognise and name the student's mistakes.

The buggy implementations below are written the way students write them (matrix form, einsum,
loops in the exercise's index form), independently of the candidate formulas inside the package.
Every one must be recognised by its catalogue id; every correct style must pass. Besides the
public API (``ex.check_*``), the tests use the public names of the package's internal modules
(each exercise's ``EXERCISE``, its candidates and probes), never a private name.
"""

import ast
import re
import subprocess
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab import exercises as ex
from backprop_lab.exercises import backward, by_hand, gradients, hidden_delta, output_delta, questions
from backprop_lab.exercises.engine import Candidate
from backprop_lab.mistakes import CATALOGUE
from backprop_lab.references import SECTIONS

import test_exercises_new  # E7–E11 (tests/ is on sys.path, as for helpers)

# ---------------------------------------------------------------------------------------------
# E1: output delta, fn(a_L, y, z_L, g) -> delta_L
# ---------------------------------------------------------------------------------------------


def od_matrix(a_L, y, z_L, g):
    return (a_L - y) * g.prime(z_L)


def od_loops(a_L, y, z_L, g):
    m, n = z_L.shape
    delta = np.zeros((m, n))
    for x in range(m):
        for j in range(n):
            dc_da = a_L[x, j] - y[x, j]
            delta[x, j] = dc_da * g.prime(np.array(z_L[x, j]))
    return delta


def od_einsum(a_L, y, z_L, g):
    return np.einsum("mj,mj->mj", a_L - y, g.prime(z_L))


def od_prime_with_a(a_L, y, z_L, g):
    return (a_L - y) * g.prime(z_L, a_L)  # g'(z) computed from a = g(z): still g'(z)


def od_multiply(a_L, y, z_L, g):
    return np.multiply(np.subtract(a_L, y), g.prime(z_L)).tolist()  # a list is fine too


CORRECT_OUTPUT_DELTA = [od_matrix, od_loops, od_einsum, od_prime_with_a, od_multiply]

BUGGY_OUTPUT_DELTA = {
    "activation_instead_of_derivative": [
        lambda a_L, y, z_L, g: (a_L - y) * g(z_L),
        lambda a_L, y, z_L, g: (a_L - y) * a_L,  # a = g(z): the seed's da/dz = g(z)
        lambda a_L, y, z_L, g: np.array([[(a_L[x, j] - y[x, j]) * g(z_L[x, j]) for j in range(z_L.shape[1])]
                                         for x in range(z_L.shape[0])]),
    ],
    "missing_activation_derivative": [
        lambda a_L, y, z_L, g: a_L - y,
        lambda a_L, y, z_L, g: np.einsum("mj->mj", a_L - y),
    ],
    "derivative_at_activation": [
        lambda a_L, y, z_L, g: (a_L - y) * g.prime(a_L),
        lambda a_L, y, z_L, g: (a_L - y) * g.prime(g(z_L)),
    ],
    "sign_flipped": [
        lambda a_L, y, z_L, g: (y - a_L) * g.prime(z_L),
        lambda a_L, y, z_L, g: -od_matrix(a_L, y, z_L, g),
    ],
    "cost_instead_of_derivative": [
        lambda a_L, y, z_L, g: 0.5 * (a_L - y) ** 2 * g.prime(z_L),
        lambda a_L, y, z_L, g: 0.5 * np.sum((a_L - y) ** 2, axis=1, keepdims=True) * g.prime(z_L),
    ],
    "hard_coded_sigmoid_derivative": [
        lambda a_L, y, z_L, g: (a_L - y) * a_L * (1 - a_L),
        lambda a_L, y, z_L, g: (a_L - y) * bl.ACTIVATIONS["sigmoid"].prime(z_L),
    ],
}

# ---------------------------------------------------------------------------------------------
# E2: hidden delta, fn(delta_next, W_next, z, g) -> delta
# ---------------------------------------------------------------------------------------------


def hd_matrix(delta_next, W_next, z, g):
    return (delta_next @ W_next.T) * g.prime(z)


def hd_einsum(delta_next, W_next, z, g):
    return np.einsum("mk,jk->mj", delta_next, W_next) * g.prime(z)


def hd_loops(delta_next, W_next, z, g):
    # delta_j = sum_k delta_k W_jk g'(z_j), the seed's index form
    m, n_l = z.shape
    n_next = delta_next.shape[1]
    delta = np.zeros((m, n_l))
    for x in range(m):
        for j in range(n_l):
            total = 0.0
            for k in range(n_next):
                total += delta_next[x, k] * W_next[j, k]
            delta[x, j] = total * g.prime(z[x, j])
    return delta


def hd_transpose_first(delta_next, W_next, z, g):
    return (W_next @ delta_next.T).T * g.prime(z)


CORRECT_HIDDEN_DELTA = [hd_matrix, hd_einsum, hd_loops, hd_transpose_first]


def hd_loops_missing_transpose(delta_next, W_next, z, g):
    m, n_l = z.shape
    delta = np.zeros((m, n_l))
    for x in range(m):
        for j in range(n_l):
            # the seed's W_kj read without the T: an IndexError when W is not square
            total = sum(delta_next[x, k] * W_next[k, j] for k in range(delta_next.shape[1]))
            delta[x, j] = total * g.prime(z[x, j])
    return delta


BUGGY_HIDDEN_DELTA = {
    "missing_transpose": [
        lambda delta_next, W_next, z, g: (delta_next @ W_next) * g.prime(z),
        lambda delta_next, W_next, z, g: np.einsum("mk,kj->mj", delta_next, W_next) * g.prime(z),
        lambda delta_next, W_next, z, g: np.dot(delta_next, W_next) * g.prime(z),
        hd_loops_missing_transpose,
    ],
    "activation_instead_of_derivative": [
        lambda delta_next, W_next, z, g: (delta_next @ W_next.T) * g(z),
        lambda delta_next, W_next, z, g: np.einsum("mk,jk,mj->mj", delta_next, W_next, g(z)),
    ],
    "missing_activation_derivative": [
        lambda delta_next, W_next, z, g: delta_next @ W_next.T,
    ],
    "derivative_at_activation": [
        lambda delta_next, W_next, z, g: (delta_next @ W_next.T) * g.prime(g(z)),
    ],
    "sign_flipped": [
        lambda delta_next, W_next, z, g: -(delta_next @ W_next.T) * g.prime(z),
    ],
    "hard_coded_sigmoid_derivative": [
        lambda delta_next, W_next, z, g: (delta_next @ W_next.T) * g(z) * (1 - g(z)),
    ],
}

# ---------------------------------------------------------------------------------------------
# E3: weight and bias gradients
# ---------------------------------------------------------------------------------------------


def wg_matrix(a_prev, delta):
    return a_prev.T @ delta / a_prev.shape[0]


def wg_einsum(a_prev, delta):
    return np.einsum("mi,mj->ij", a_prev, delta) / len(a_prev)


def wg_loops(a_prev, delta):
    m, n_prev = a_prev.shape
    n = delta.shape[1]
    dW = np.zeros((n_prev, n))
    for x in range(m):
        for i in range(n_prev):
            for j in range(n):
                dW[i, j] += a_prev[x, i] * delta[x, j] / m  # dc/dW_ij = a_i delta_j, averaged
    return dW


def wg_outer_mean(a_prev, delta):
    return np.mean([np.outer(a, d) for a, d in zip(a_prev, delta)], axis=0)


CORRECT_WEIGHT_GRADIENT = [wg_matrix, wg_einsum, wg_loops, wg_outer_mean]

BUGGY_WEIGHT_GRADIENT = {
    "sum_instead_of_mean": [
        lambda a_prev, delta: a_prev.T @ delta,
        lambda a_prev, delta: np.einsum("mi,mj->ij", a_prev, delta),
        lambda a_prev, delta: sum(np.outer(a, d) for a, d in zip(a_prev, delta)),
    ],
    "transposed_gradient": [
        lambda a_prev, delta: delta.T @ a_prev / len(a_prev),
        lambda a_prev, delta: np.einsum("mi,mj->ji", a_prev, delta) / len(a_prev),
        lambda a_prev, delta: delta.T @ a_prev,
    ],
    "wrong_axis": [
        lambda a_prev, delta: a_prev.T @ delta / delta.shape[1],
        lambda a_prev, delta: np.mean(a_prev[:, :, None] * delta[:, None, :], axis=1),
    ],
    "not_reduced": [
        lambda a_prev, delta: np.einsum("mi,mj->mij", a_prev, delta),
        lambda a_prev, delta: np.array([np.outer(a, d) for a, d in zip(a_prev, delta)]),
    ],
    "sign_flipped": [
        lambda a_prev, delta: -a_prev.T @ delta / len(a_prev),
    ],
}


def bg_mean(delta):
    return delta.mean(axis=0)


def bg_loops(delta):
    m, n = delta.shape
    db = np.zeros(n)
    for x in range(m):
        for j in range(n):
            db[j] += delta[x, j] / m
    return db


def bg_einsum(delta):
    return np.einsum("mj->j", delta) / delta.shape[0]


CORRECT_BIAS_GRADIENT = [bg_mean, bg_loops, bg_einsum, lambda delta: np.sum(delta, axis=0) / len(delta)]

BUGGY_BIAS_GRADIENT = {
    "sum_instead_of_mean": [
        lambda delta: delta.sum(axis=0),
        lambda delta: np.einsum("mj->j", delta),
    ],
    "wrong_axis": [
        lambda delta: delta.mean(axis=1),
        lambda delta: np.mean(delta),
        lambda delta: delta.sum(axis=1),
    ],
    "not_reduced": [
        lambda delta: delta,
        lambda delta: [row for row in delta],
    ],
    "sign_flipped": [
        lambda delta: -delta.mean(axis=0),
    ],
}

# ---------------------------------------------------------------------------------------------
# E4: the whole backward pass, fn(net, fwd, y) -> (dW, db)
# ---------------------------------------------------------------------------------------------


def bw_matrix(net, fwd, y):
    L, m = net.L, fwd.a[0].shape[0]
    delta = {L: (fwd.a[L] - y) * net.g[L].prime(fwd.z[L])}
    for l in range(L - 1, 0, -1):
        delta[l] = (delta[l + 1] @ net.W[l + 1].T) * net.g[l].prime(fwd.z[l])
    dW = {l: fwd.a[l - 1].T @ delta[l] / m for l in range(1, L + 1)}
    db = {l: delta[l].mean(axis=0) for l in range(1, L + 1)}
    return dW, db


def bw_einsum_lists(net, fwd, y):
    L = net.L
    deltas = [None] * (L + 1)
    deltas[L] = np.einsum("mj,mj->mj", fwd.a[L] - y, net.g[L].prime(fwd.z[L]))
    for l in range(L - 1, 0, -1):
        deltas[l] = np.einsum("mk,jk->mj", deltas[l + 1], net.W[l + 1]) * net.g[l].prime(fwd.z[l])
    dW = [np.einsum("mi,mj->ij", fwd.a[l - 1], deltas[l]) / len(y) for l in range(1, L + 1)]
    db = [np.einsum("mj->j", deltas[l]) / len(y) for l in range(1, L + 1)]
    return dW, db  # plain lists of the L layers


def bw_loops(net, fwd, y):
    L = net.L
    m = fwd.a[0].shape[0]
    n = net.sizes
    delta = {}
    delta[L] = np.zeros((m, n[L]))
    for x in range(m):
        for j in range(n[L]):
            delta[L][x, j] = (fwd.a[L][x, j] - y[x, j]) * net.g[L].prime(fwd.z[L][x, j])
    for l in range(L - 1, 0, -1):
        delta[l] = np.zeros((m, n[l]))
        for x in range(m):
            for j in range(n[l]):
                s = sum(delta[l + 1][x, k] * net.W[l + 1][j, k] for k in range(n[l + 1]))
                delta[l][x, j] = s * net.g[l].prime(fwd.z[l][x, j])
    dW, db = [], []
    for l in range(1, L + 1):
        w = np.zeros((n[l - 1], n[l]))
        b = np.zeros(n[l])
        for x in range(m):
            for j in range(n[l]):
                b[j] += delta[l][x, j] / m
                for i in range(n[l - 1]):
                    w[i, j] += fwd.a[l - 1][x, i] * delta[l][x, j] / m
        dW.append(w)
        db.append(b)
    return bl.PerLayer("dW", dW), bl.PerLayer("db", db)


def bw_object(net, fwd, y):
    from types import SimpleNamespace

    dW, db = bw_matrix(net, fwd, y)
    return SimpleNamespace(dW=bl.PerLayer("dW", [dW[l] for l in range(1, net.L + 1)]),
                           db=db)  # an object with .dW and .db, like bl.backward's


CORRECT_BACKWARD = [bw_matrix, bw_einsum_lists, bw_loops, bw_object]


def make_buggy_backward(bug):
    """A student's backward pass (loop over layers, matrix form) with one bug switched on."""

    def backward_pass(net, fwd, y):
        L, m = net.L, fwd.a[0].shape[0]
        a, z, W, g = fwd.a, fwd.z, net.W, net.g

        def gp(l, zz):
            hidden = l < L
            if bug == "g_everywhere" or (bug == "g_output" and not hidden):
                return g[l](zz)
            if bug == "g_hidden" and hidden:
                return g[l](zz)
            if bug == "no_gprime" or (bug == "no_gprime_hidden" and hidden):
                return 1.0
            if bug == "no_gprime_output" and not hidden:
                return 1.0
            if bug == "gprime_at_a":
                return g[l].prime(g[l](zz))
            if bug == "next_g" and hidden:
                return g[l + 1].prime(zz)
            return g[l].prime(zz)

        if bug == "y_minus_a":
            dc_da = y - a[L]
        elif bug == "cost":
            dc_da = 0.5 * (a[L] - y) ** 2
        elif bug == "a_prev_in_dcda":
            dc_da = a[L - 1] - y
        else:
            dc_da = a[L] - y
        zL = z[L - 1] if bug == "z_prev_output" else z[L]
        delta = {L: dc_da * gp(L, zL)}
        for l in range(L - 1, 0, -1):
            Wn = W[l] if bug == "W_same_layer" else W[l + 1]
            back = delta[l + 1] @ (Wn if bug == "no_transpose" else Wn.T)
            zl = {"z_next_hidden": lambda: z[l + 1], "z_prev_hidden": lambda: z[l - 1]}.get(bug, lambda: z[l])()
            delta[l] = back * gp(l, zl)
        dW, db = {}, {}
        for l in range(1, L + 1):
            ap = a[l] if bug == "a_same_layer" else a[l - 1]
            if bug == "sum":
                dW[l], db[l] = ap.T @ delta[l], delta[l].sum(axis=0)
            elif bug == "sum_db_only":
                dW[l], db[l] = ap.T @ delta[l] / m, delta[l].sum(axis=0)
            elif bug == "transposed":
                dW[l], db[l] = delta[l].T @ ap / m, delta[l].mean(axis=0)
            elif bug == "wrong_axis":
                dW[l], db[l] = ap.T @ delta[l] / delta[l].shape[1], delta[l].mean(axis=1)
            elif bug == "wrong_axis_db_only":
                dW[l], db[l] = ap.T @ delta[l] / m, delta[l].mean(axis=1)
            elif bug == "not_reduced":
                dW[l], db[l] = np.einsum("mi,mj->mij", ap, delta[l]), delta[l]
            else:
                dW[l], db[l] = ap.T @ delta[l] / m, delta[l].mean(axis=0)
        return dW, db

    backward_pass.__name__ = f"backward_pass_{bug}"
    return backward_pass


BUGGY_BACKWARD = {
    "activation_instead_of_derivative": ["g_everywhere", "g_output", "g_hidden"],
    "missing_activation_derivative": ["no_gprime", "no_gprime_hidden", "no_gprime_output"],
    "derivative_at_activation": ["gprime_at_a"],
    "sign_flipped": ["y_minus_a"],
    "cost_instead_of_derivative": ["cost"],
    "missing_transpose": ["no_transpose"],
    "sum_instead_of_mean": ["sum", "sum_db_only"],
    "transposed_gradient": ["transposed"],
    "wrong_axis": ["wrong_axis", "wrong_axis_db_only"],
    "not_reduced": ["not_reduced"],
    "off_by_one_layer": ["a_same_layer", "z_next_hidden", "z_prev_hidden", "z_prev_output",
                         "W_same_layer", "a_prev_in_dcda", "next_g"],
}

CASES = (
    [(ex.check_output_delta, mid, f) for mid, fs in BUGGY_OUTPUT_DELTA.items() for f in fs]
    + [(ex.check_hidden_delta, mid, f) for mid, fs in BUGGY_HIDDEN_DELTA.items() for f in fs]
    + [(ex.check_weight_gradient, mid, f) for mid, fs in BUGGY_WEIGHT_GRADIENT.items() for f in fs]
    + [(ex.check_bias_gradient, mid, f) for mid, fs in BUGGY_BIAS_GRADIENT.items() for f in fs]
    + [(ex.check_backward, mid, make_buggy_backward(b)) for mid, bs in BUGGY_BACKWARD.items() for b in bs]
)


def _case_id(case):
    check, mid, f = case
    return f"{check.__name__}-{mid}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_buggy_implementation_is_recognised_by_its_id(case):
    check, mistake, fn = case
    result = check(fn)
    assert not result.passed
    assert result.status == "mistake", repr(result)
    assert result.mistake == mistake, repr(result)
    assert result.headline.endswith(f": {CATALOGUE[mistake].name} [{mistake}]")
    assert CATALOGUE[mistake].explanation[1:] in result.message
    assert "Revisit: notebooks/" in result.message
    assert "Equation: " not in result.message  # the answer is not given away
    assert "Show the solution" in result._repr_html_()


def test_every_catalogued_mistake_is_exercised():
    """Each id of the catalogue is recognised in at least one buggy implementation (here or in
    the E6 tests below); the number per id is what the closing note reports."""
    counts = Counter(mid for _, mid, _ in CASES)
    counts.update(mid for mid, *_ in BY_HAND_BUGS)
    counts.update(test_exercises_new.MISTAKE_IDS_TESTED)  # E7–E11's buggy implementations
    missing = set(ex.MISTAKES) - set(counts)
    assert not missing, f"no buggy implementation tested for {missing}"
    required = {"activation_instead_of_derivative", "missing_activation_derivative",
                "derivative_at_activation", "sign_flipped", "cost_instead_of_derivative",
                "missing_transpose", "sum_instead_of_mean", "transposed_gradient", "wrong_axis",
                "not_reduced", "off_by_one_layer"}
    assert required <= set(ex.MISTAKES)


CORRECT = ([(ex.check_output_delta, f) for f in CORRECT_OUTPUT_DELTA]
           + [(ex.check_hidden_delta, f) for f in CORRECT_HIDDEN_DELTA]
           + [(ex.check_weight_gradient, f) for f in CORRECT_WEIGHT_GRADIENT]
           + [(ex.check_bias_gradient, f) for f in CORRECT_BIAS_GRADIENT]
           + [(ex.check_backward, f) for f in CORRECT_BACKWARD])


@pytest.mark.parametrize("check,fn", CORRECT, ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(CORRECT)])
def test_correct_implementations_pass_in_every_style(check, fn):
    result = check(fn)
    assert result.passed, repr(result)
    assert result.mistake is None
    assert result.status == "passed"


ALL_CHECKS = [ex.check_output_delta, ex.check_hidden_delta, ex.check_weight_gradient,
              ex.check_bias_gradient, ex.check_backward]


@pytest.mark.parametrize("check", ALL_CHECKS)
def test_stub_reports_not_implemented_yet(check):
    def student(*args):
        # YOUR CODE HERE
        raise NotImplementedError()

    result = check(student)
    assert not result.passed and result.status == "not_implemented" and result.mistake is None
    assert "not implemented yet" in repr(result)
    assert "not implemented yet" in result._repr_html_()


@pytest.mark.parametrize("check", ALL_CHECKS)
def test_crashing_function_gets_feedback_not_a_traceback(check):
    def student(*args):
        return undefined_name * 2  # noqa: F821, a typo

    result = check(student)
    assert result.status == "error" and not result.passed
    assert "NameError" in result.message and "undefined_name" in result.message
    assert "in your line `return undefined_name * 2" in result.message


@pytest.mark.parametrize("check", ALL_CHECKS)
@pytest.mark.parametrize("returned", [None, "delta"])
def test_a_function_returning_nonsense_gets_feedback(check, returned):
    result = check(lambda *args: returned)
    assert result.status == "error"
    assert ("forget" in result.message) if returned is None else ("string" in result.message
                                                                   or "pair" in result.message)


@pytest.mark.parametrize("check", ALL_CHECKS)
def test_passing_the_result_instead_of_the_function(check):
    result = check(np.zeros(3))
    assert result.status == "error" and "function" in result.message




def test_wrong_answer_shows_where_it_differs_on_a_small_example():
    result = ex.check_output_delta(lambda a_L, y, z_L, g: 2 * (a_L - y) * g.prime(z_L))
    assert result.status == "wrong" and result.mistake is None
    assert "does not match any mistake" in result.message
    assert "expected δ^(L) =" in result.details and "largest difference at" in result.details
    # the example shown is the smallest probe: one example (m = 1)
    assert "m = 1" in result.details


def test_wrong_answer_that_is_right_on_some_cases_says_which():
    # right for 2-D inputs with m > 1, wrong for m = 1 (a student special-casing shapes)
    def student(a_prev, delta):
        if len(a_prev) == 1:
            return np.zeros((a_prev.shape[1], delta.shape[1]))
        return a_prev.T @ delta / len(a_prev)

    result = ex.check_weight_gradient(student)
    assert result.status == "wrong"
    assert "It is right for:" in result.message


def test_wrong_shape_is_explained():
    result = ex.check_bias_gradient(lambda delta: delta.mean(axis=0, keepdims=True))
    assert result.status == "wrong_shape"
    assert "(n_l,)" in result.message and "keepdims" in result.message
    result = ex.check_hidden_delta(lambda d, W, z, g: ((d @ W.T) * g.prime(z)).T)
    assert result.status == "wrong_shape"
    assert "shape of z^(l)" in result.message and "transpose" in result.message


def test_backward_wrong_shape_and_missing_layer():
    def one_layer_short(net, fwd, y):
        dW, db = bw_matrix(net, fwd, y)
        return [dW[l] for l in range(1, net.L)], [db[l] for l in range(1, net.L)]

    result = ex.check_backward(one_layer_short)
    assert result.status == "error" and "layer is missing" in result.message


@pytest.mark.parametrize("value,words", [
    (lambda L: bl.layers.PerLayer("dW", [np.zeros((2, 2))] * (L - 1)), "a PerLayer dW of 1 layers, but the network has L = 2"),
    (lambda L: {0: 1, 1: 2}, "a dict dW with keys [0, 1]; it needs the keys 1..2"),
    (lambda L: [np.zeros(2)] * (L + 2), "returned 4 entries in dW, but the network has L = 2 layers"),
    (lambda L: "dW", "returned dW as a str; return one array per layer l = 1..L"),
    (lambda L: [["a"], ["b"]], "returned a dW whose entries are not arrays of numbers"),
])
def test_one_reader_of_per_layer_answers_says_what_is_wrong(value, words):
    # E4's dW and db and E8's dW are read by the same function, with the same words
    from backprop_lab.exercises.calling import BadReturn
    from backprop_lab.exercises.network_probes import read_layers
    for read in (lambda v: backward.layers_from(v, "dW", 2), read_layers(2, "dW")):
        with pytest.raises(BadReturn, match=re.escape(words)):
            read(value(2))
    got = backward.layers_from([None, [[1]], [[2, 3]]], "dW", 2)  # None first: the l = 0 slot
    assert [g.tolist() for g in got] == [[[1.0]], [[2.0, 3.0]]] and got[0].dtype == np.float64


def test_backward_wrong_is_located_by_layer():
    def wrong_hidden(net, fwd, y):
        dW, db = bw_matrix(net, fwd, y)
        dW[1] = dW[1] * 3.0
        return dW, db

    result = ex.check_backward(wrong_hidden)
    assert result.status == "wrong"
    assert "dW[1]: differs" in result.details and f"dW[2]: right" in result.details


def test_backward_index_error_from_a_missing_layer_is_off_by_one():
    def student(net, fwd, y):
        dW, db = bw_matrix(net, fwd, y)
        _ = fwd.z[0]  # z of the input layer does not exist
        return dW, db

    result = ex.check_backward(student)
    assert result.mistake == "off_by_one_layer" and "z[0] does not exist" in result.message


# ---------------------------------------------------------------------------------------------
# The probes tell every catalogued mistake apart, and their right answers are right
# ---------------------------------------------------------------------------------------------

EXERCISES = [output_delta.EXERCISE, hidden_delta.EXERCISE, gradients.WEIGHTS, gradients.BIAS,
             backward.EXERCISE]
CHECK_OF = {output_delta.EXERCISE: ex.check_output_delta, hidden_delta.EXERCISE: ex.check_hidden_delta,
            gradients.WEIGHTS: ex.check_weight_gradient, gradients.BIAS: ex.check_bias_gradient,
            backward.EXERCISE: ex.check_backward}
CANDIDATES = [(e, c) for e in EXERCISES for c in e.candidates]


@pytest.mark.parametrize("exercise,cand", CANDIDATES,
                         ids=[f"{e.name}-{i}-{c.mistake or 'right'}"
                              for e in EXERCISES for i, c in enumerate(e.candidates)])
def test_every_candidate_formula_run_as_a_student_answer_is_named_by_its_own_id(exercise, cand):
    """No two catalogued mistakes (nor a mistake and the right answer) look alike on the probes."""
    result = CHECK_OF[exercise](cand.fn)
    if cand.mistake is None:
        assert result.passed, repr(result)
    else:
        assert result.mistake == cand.mistake, (cand.formula, repr(result))


def test_output_delta_probes_agree_with_finite_differences():
    exercise = output_delta.EXERCISE
    for p, right in zip(exercise.probes, exercise.expected()):
        a, y, z, g = p.args()

        def c_of_z(zz, y=y, g=g):
            return np.sum(0.5 * (g(zz) - y) ** 2)  # summed over examples: row x gives dc(x)/dz(x)

        assert np.allclose(bl.numerical_gradient(c_of_z, z), right.value["value"], atol=1e-7)


def test_hidden_and_weight_probes_agree_with_the_library():
    exercise = hidden_delta.EXERCISE
    for p, right in zip(exercise.probes, exercise.expected()):
        d, W, z, g = p.args()
        assert np.allclose(right.value["value"], (d @ W.T) * g.prime(z))
    net = bl.Network.random([3, 4, 2], ["tanh", "identity"], seed=3)
    x = np.random.default_rng(4).normal(size=(5, 3))
    y = np.random.default_rng(5).normal(size=(5, 2))
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y, "mse")
    assert np.allclose(hidden_delta.right(bwd.delta[2], net.W[2], fwd.z[1], net.g[1]), bwd.delta[1])
    assert np.allclose(gradients.weights_right(fwd.a[0], bwd.delta[1]), bwd.dW[1])
    assert np.allclose(gradients.bias_right(bwd.delta[1]), bwd.db[1])
    assert np.allclose(output_delta.right(fwd.a[2], y, fwd.z[2], net.g[2]), bwd.delta[2])


def test_backward_probes_agree_with_numerical_gradients():
    exercise = backward.EXERCISE
    for p, right in zip(exercise.probes, exercise.expected()):
        dW, db = right.value["dW"], right.value["db"]
        num = bl.numerical_gradients(p.net, p.x, p.y, "mse")
        for l in range(1, p.net.L + 1):
            keep_W, keep_b = ~num["kinks"][l]["dW"], ~num["kinks"][l]["db"]
            assert bl.relative_error(num["dW"][l][keep_W], dW[l - 1][keep_W]) < 1e-7
            assert bl.relative_error(num["db"][l][keep_b], db[l - 1][keep_b]) < 1e-7


def test_probes_cover_square_and_non_square_shapes_odd_and_even_batches():
    for exercise in (hidden_delta.EXERCISE, gradients.WEIGHTS, backward.EXERCISE):
        assert any(p.square for p in exercise.probes) and any(not p.square for p in exercise.probes)
    batch = {p.m for e in EXERCISES[:4] for p in e.probes}
    assert 1 in batch and any(m % 2 == 0 for m in batch) and any(m % 2 == 1 and m > 1 for m in batch)
    assert len({p.args()[3].name for p in output_delta.EXERCISE.probes}) >= 3
    assert {p.m for p in backward.EXERCISE.probes} >= {1, 2, 3}


def test_a_candidate_must_name_a_catalogued_mistake():
    with pytest.raises(ValueError, match="unknown mistake id"):
        Candidate("not_a_mistake", "", output_delta.right)


# ---------------------------------------------------------------------------------------------
# The package's shape: lazy, one idea per module, no private names across modules
# ---------------------------------------------------------------------------------------------

PACKAGE = Path(ex.__file__).parent


def test_importing_the_exercises_builds_no_probe_and_a_check_keeps_none():
    """Probes and reference answers are made at check time, and dropped when the check returns:
    no module global holds them between checks (issue 13)."""
    code = ("import backprop_lab.exercises as ex\n"
            "from backprop_lab.exercises import backward, by_hand, gradients, hidden_delta, output_delta\n"
            "es = [output_delta.EXERCISE, hidden_delta.EXERCISE, gradients.WEIGHTS, gradients.BIAS, backward.EXERCISE]\n"
            "print(sum(e.running is not None for e in es), by_hand.step_candidates.cache_info().currsize)\n"
            "print(ex.check_bias_gradient(lambda d: d.mean(axis=0)).passed)\n"
            "print(sum(e.running is not None for e in es))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "0", "True", "0"]


def test_no_module_of_the_package_imports_another_modules_private_names():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = set()  # names bound to modules by `from . import x as y`
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"
                if node.module is None:
                    modules |= {a.asname or a.name for a in node.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in modules:
                assert not node.attr.startswith("_"), f"{path.name} uses {node.value.id}.{node.attr}"


def test_no_module_is_over_600_lines_and_none_branches_on_an_activation_name():
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 600, path.name
        assert ".name ==" not in text and ".name in" not in text, path.name


# ---------------------------------------------------------------------------------------------
# The result object
# ---------------------------------------------------------------------------------------------

def test_result_reprs_name_the_equation_and_the_section():
    result = ex.check_output_delta(BUGGY_OUTPUT_DELTA["activation_instead_of_derivative"][0])
    text = repr(result)
    assert text.startswith("check_output_delta: mistake recognised: g(z) instead of g'(z) "
                           "[activation_instead_of_derivative]\nHint: g(z) is used where g'(z) belongs.")
    assert 'Revisit: notebooks/02_output_delta.ipynb, section "Common mistake: g(z) instead of g\'(z)"' in text
    assert "Equation:" not in text and "δ_j^(L) =" not in text  # the answer is not given away
    page = result._repr_html_()
    assert 'href="../02_output_delta.ipynb#Common-mistake:-g(z)-instead-of-g&#x27;(z)"' in page
    assert "<pre>" in page and "✘" in page


@pytest.mark.parametrize("mistake", sorted(ex.MISTAKES))
def test_every_mistake_is_the_catalogue_s_with_an_explanation_and_a_section(mistake):
    assert ex.MISTAKES[mistake] == CATALOGUE[mistake].explanation and len(ex.MISTAKES[mistake]) > 40
    for context in (None, "output", "hidden", "weights", "bias"):
        assert CATALOGUE[mistake].section(context) in SECTIONS.values()


def test_every_section_a_result_cites_is_a_reference():
    """Titles live only in backprop_lab.references (whose test checks them against the notebooks)."""
    results = [check(fn) for check, _, fn in CASES] + [check(fn) for check, fn in CORRECT]
    results += [ex.check_answer(qid, lambda: "A") for qid in ex.QUESTIONS]
    V = hand_values()
    for stage, steps in ex.BY_HAND_STAGES.items():
        result = ex.check_by_hand(stage, _stage_fn({s: V[s] for s in steps}))
        results += [result] + list(result.steps.values())
    cited = {s for r in results for s in r.revisit}
    assert cited <= set(SECTIONS.values()) and len(cited) >= 10


def test_check_result_refuses_unknown_status_and_mistake():
    with pytest.raises(ValueError):
        ex.CheckResult("x", "maybe", "")
    with pytest.raises(ValueError):
        ex.CheckResult("x", "mistake", "", mistake="not_a_mistake")


# ---------------------------------------------------------------------------------------------
# E4: the numerical check of the student's backward pass
# ---------------------------------------------------------------------------------------------

def test_check_backward_numerically():
    net = bl.Network.random([2, 3, 2], ["tanh", "sigmoid"], seed=1)
    x = np.random.default_rng(2).normal(size=(4, 2))
    y = np.random.default_rng(3).uniform(size=(4, 2))
    good = ex.check_backward_numerically(bw_matrix, net, x, y)
    assert good.passed, repr(good)
    assert "W[1]: ok" in good.details and "b[2]: ok" in good.details
    bad = ex.check_backward_numerically(make_buggy_backward("sum"), net, x, y)
    assert bad.status == "wrong" and "FAIL" in bad.details
    stub = ex.check_backward_numerically(lambda net, fwd, y: (_ for _ in ()).throw(NotImplementedError()),
                                         net, x, y)
    assert stub.status == "not_implemented"


# ---------------------------------------------------------------------------------------------
# E5: the spot-the-mistake questions
# ---------------------------------------------------------------------------------------------

def passing_choices(q):
    """Every choice (one letter, or a set of letters) that check_answer accepts."""
    sizes = range(1, len(q.options) + 1) if q.multiple else (1,)
    choices = [set(c) for n in sizes for c in combinations(sorted(q.options), n)]
    return [c for c in choices if ex.check_answer(q.qid, lambda c=c: c).passed]


@pytest.mark.parametrize("qid", sorted(ex.QUESTIONS))
def test_every_question_has_one_key_and_every_option_its_own_explanation(qid):
    q = ex.question(qid)
    (key,) = passing_choices(q)  # exactly one choice passes
    right = ex.check_answer(qid, lambda: key)
    for letter, option in q.options.items():
        assert option.text and len(option.explanation) >= 30, f"{qid} {letter}"
        if letter in key:
            assert option.explanation in right.message  # the key is explained too, once answered
            continue
        result = ex.check_answer(qid, lambda letter=letter: {letter} if q.multiple else letter)
        assert not result.passed
        assert option.explanation in result.message
        assert result.mistake == option.mistake
    assert "$$" in q._repr_markdown_() and qid in repr(q)
    stored = [v for v in vars(q).values() if isinstance(v, (str, set, frozenset))]
    assert all(v != key and v != "".join(sorted(key)) for v in stored)  # not stored as letters


def _length(text):
    """Roughly what a student reads: LaTeX commands and braces do not count."""
    import re
    return len(re.sub(r"\\[a-zA-Z]+|[{}$^_]", "", text))


@pytest.mark.parametrize("qid", sorted(ex.QUESTIONS))
def test_the_key_is_not_given_away_by_its_length(qid):
    q = ex.question(qid)
    (key,) = passing_choices(q)
    keyed = [_length(q.options[k].text) for k in key]
    others = [_length(o.text) for k, o in q.options.items() if k not in key]
    assert max(others) >= 0.85 * max(keyed), (qid, keyed, others)
    assert np.mean(keyed) <= 1.25 * np.mean(others), (qid, keyed, others)


def test_e5_1_keeps_the_definition_a_equals_g_of_z_true():
    q = ex.question("E5.1")
    (key,) = passing_choices(q)
    (letter,) = key
    text = q.options[letter].text + q.options[letter].explanation
    assert "2nd and 3rd" in text and "first = is true" in text
    for other in set(q.options) - key:  # an option saying the first = is false is a wrong one
        if "1st" in q.options[other].text:
            assert "first = is the definition" in q.options[other].explanation


def test_e5_credits_the_answer_s_one_correct_line_and_says_exercise_not_seed():
    q = ex.question("E5.3")
    assert any("∂c/∂a_i^(L−1) = Σ_k" in o.explanation for o in q.options.values())
    for q in ex.QUESTIONS.values():
        text = repr(q) + "".join(o.explanation for o in q.options.values())
        assert "seed" not in text.lower(), q.qid


def test_a_key_is_stored_as_a_digest_of_its_letters():
    q = ex.question("E5.3")
    (key,) = passing_choices(q)
    digest = questions.key_digest("E5.3", key)
    assert digest == questions.key_digest("E5.3", sorted(key, reverse=True))  # order does not matter
    assert digest != questions.key_digest("E5.3", set(key) - {"A"})
    with pytest.raises(ValueError, match="unknown mistake id"):
        questions.Option("text", "explanation", mistake="not_a_mistake")


def test_answers_are_read_leniently_and_named_mistakes_are_recognised():
    assert ex.check_answer("E5.1", lambda: " b. ").passed
    assert ex.check_answer("E5.3", lambda: "A, B, C, D").passed
    assert ex.check_answer("E5.3", lambda: ["d", "c", "b", "a"]).passed
    partial = ex.check_answer("E5.3", lambda: {"A", "B"})
    assert not partial.passed and "2 more statements are true" in partial.message
    assert ex.check_answer("E5.4", lambda: "A").mistake == "missing_transpose"
    assert ex.check_answer("E5.4", lambda: "B").mistake == "activation_instead_of_derivative"
    assert ex.check_answer("E5.4", lambda: "D").mistake == "derivative_at_activation"
    assert ex.check_answer("E5.4", lambda: "E").mistake == "missing_activation_derivative"
    assert ex.check_answer("E5.1", lambda: "Z").status == "wrong"
    assert ex.check_answer("E5.1", lambda: 3).status == "error"


def test_question_stub_and_crash():
    def stub():
        raise NotImplementedError()

    assert ex.check_answer("E5.2", stub).status == "not_implemented"
    assert "not implemented yet" in repr(ex.check_answer("E5.2", stub))
    assert ex.check_answer("E5.2", lambda: 1 / 0).status == "error"
    with pytest.raises(ValueError, match="unknown question"):
        ex.check_answer("E9.9", lambda: "A")


# ---------------------------------------------------------------------------------------------
# E6: the hand computation
# ---------------------------------------------------------------------------------------------

def hand_values():
    """The E6 numbers, worked out step by step with plain floats (no matrix products)."""
    import math
    P = ex.by_hand_problem()
    x, W1, b1, W2, b2, y = (P[k] for k in ("x", "W1", "b1", "W2", "b2", "y"))
    # z1_j = x_0 W1_0j + x_1 W1_1j + b1_j:
    #   z1_0 = 1.0 * 0.6 + (-2.0) * (-0.1) + 0.1 = 0.9,  z1_1 = 1.0 * (-0.2) + (-2.0) * 0.3 - 0.2 = -1.0
    z1 = [x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j] for j in range(2)]
    assert abs(z1[0] - 0.9) < 1e-12 and abs(z1[1] - -1.0) < 1e-12
    a1 = [math.tanh(v) for v in z1]                          # about [0.7163, -0.7616]
    z2 = [a1[0] * W2[0][j] + a1[1] * W2[1][j] + b2[j] for j in range(2)]
    a2 = [1 / (1 + math.exp(-v)) for v in z2]
    dc_da2 = [a2[j] - y[j] for j in range(2)]
    gprime2 = [a2[j] * (1 - a2[j]) for j in range(2)]
    delta2 = [dc_da2[j] * gprime2[j] for j in range(2)]
    gprime1 = [1 - a1[j] ** 2 for j in range(2)]
    delta1 = [sum(delta2[k] * W2[j][k] for k in range(2)) * gprime1[j] for j in range(2)]
    return {
        "z1": z1, "a1": a1, "z2": z2, "a2": a2,
        "dc_da2": dc_da2, "gprime2": gprime2, "delta2": delta2,
        "gprime1": gprime1, "delta1": delta1,
        "dW2": [[a1[i] * delta2[j] for j in range(2)] for i in range(2)], "db2": delta2,
        "dW1": [[x[i] * delta1[j] for j in range(2)] for i in range(2)], "db1": delta1,
    }


def test_hand_values_agree_with_the_library():
    V = hand_values()
    P = ex.by_hand_problem()
    fwd = bl.forward(P["net"], P["x"])
    bwd = bl.backward(P["net"], fwd, P["y"], "mse")
    assert np.allclose(V["a2"], fwd.a[2]) and np.allclose(V["delta1"], bwd.delta[1])
    assert np.allclose(V["dW1"], bwd.dW[1]) and np.allclose(V["dW2"], bwd.dW[2])


def _stage_fn(values):
    return lambda: dict(values)


def test_by_hand_right_values_pass_each_stage_even_rounded_to_3_decimals():
    V = hand_values()
    rounded = {k: np.round(np.asarray(v), 3).tolist() for k, v in V.items()}
    for stage, steps in ex.BY_HAND_STAGES.items():
        for values in (V, rounded):
            result = ex.check_by_hand(stage, _stage_fn({s: values[s] for s in steps}))
            assert result.passed, repr(result)
            assert set(result.steps) == set(steps)


def _with(step, value):
    V = hand_values()
    V[step] = value
    return V


def _v(key):
    return np.asarray(hand_values()[key])


def _sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z)))


_P = ex.by_hand_problem()
W1, W2, X, Y = (np.array(_P[k]) for k in ("W1", "W2", "x", "y"))
B1, B2 = np.array(_P["b1"]), np.array(_P["b2"])

# (mistake, step, the student's wrong value computed from the true earlier values)
BY_HAND_BUGS = [
    ("transposed_weights", "z1", lambda: X @ W1.T + B1),
    ("missing_bias", "z1", lambda: X @ W1),
    ("missing_bias", "z2", lambda: _v("a1") @ W2),
    ("transposed_weights", "z2", lambda: _v("a1") @ W2.T + B2),
    ("off_by_one_layer", "z2", lambda: _v("z1") @ W2 + B2),
    ("sign_flipped", "dc_da2", lambda: Y - _v("a2")),
    ("cost_instead_of_derivative", "dc_da2", lambda: 0.5 * (_v("a2") - Y) ** 2),
    ("activation_instead_of_derivative", "gprime2", lambda: _v("a2")),
    ("derivative_at_activation", "gprime2", lambda: _sigmoid(_v("a2")) * (1 - _sigmoid(_v("a2")))),
    ("missing_activation_derivative", "delta2", lambda: _v("dc_da2")),
    ("activation_instead_of_derivative", "delta2", lambda: _v("dc_da2") * _v("a2")),
    ("sign_flipped", "delta2", lambda: -_v("delta2")),
    ("activation_instead_of_derivative", "gprime1", lambda: _v("a1")),
    ("derivative_at_activation", "gprime1", lambda: 1 - np.tanh(_v("a1")) ** 2),
    ("hard_coded_sigmoid_derivative", "gprime1", lambda: _v("a1") * (1 - _v("a1"))),
    ("missing_transpose", "delta1", lambda: (_v("delta2") @ W2) * _v("gprime1")),
    ("missing_activation_derivative", "delta1", lambda: _v("delta2") @ W2.T),
    ("activation_instead_of_derivative", "delta1", lambda: (_v("delta2") @ W2.T) * _v("a1")),
    ("off_by_one_layer", "delta1", lambda: (_v("delta2") @ W2.T) * _v("gprime2")),
    ("transposed_gradient", "dW2", lambda: np.outer(_v("delta2"), _v("a1"))),
    ("off_by_one_layer", "dW2", lambda: np.outer(_v("a2"), _v("delta2"))),
    ("transposed_gradient", "dW1", lambda: np.outer(_v("delta1"), X)),
    ("off_by_one_layer", "dW1", lambda: np.outer(_v("a1"), _v("delta1"))),
    ("off_by_one_layer", "db1", lambda: _v("delta2")),
]


def _stage_of(step):
    return next(stage for stage, steps in ex.BY_HAND_STAGES.items() if step in steps)


@pytest.mark.parametrize("mistake,step,value", BY_HAND_BUGS, ids=[f"{s}-{m}" for m, s, _ in BY_HAND_BUGS])
def test_by_hand_mistakes_are_named_at_the_step_that_went_wrong(mistake, step, value):
    stage = _stage_of(step)
    V = _with(step, np.asarray(value()).tolist())
    result = ex.check_by_hand(stage, _stage_fn({s: V[s] for s in ex.BY_HAND_STAGES[stage]}))
    assert not result.passed
    assert result.mistake == mistake, repr(result)
    assert result.steps[step].mistake == mistake
    assert f"the first step that went wrong is {step}" in result.message
    assert all(result.steps[s].passed for s in ex.BY_HAND_STAGES[stage] if s != step)


def test_by_hand_error_carried_forward_from_an_earlier_stage():
    V = hand_values()
    wrong_delta2 = (np.asarray(V["delta2"]) * 2).tolist()   # an arithmetic slip in stage 2
    own_delta1 = ((np.asarray(wrong_delta2) @ W2.T) * np.asarray(V["gprime1"])).tolist()
    earlier = _stage_fn({"dc_da2": V["dc_da2"], "gprime2": V["gprime2"], "delta2": wrong_delta2})
    result = ex.check_by_hand("hidden_delta", _stage_fn({"gprime1": V["gprime1"], "delta1": own_delta1}),
                              earlier=[earlier])
    assert not result.passed and result.steps["gprime1"].passed
    assert "follows correctly from your delta2" in result.steps["delta1"].message
    assert "carried forward" in result.message
    # without the earlier stage, the same value is just wrong
    alone = ex.check_by_hand("hidden_delta", _stage_fn({"gprime1": V["gprime1"], "delta1": own_delta1}))
    assert alone.status == "wrong" and "matches no catalogued mistake" in alone.message


def test_by_hand_partial_stub_and_bad_values():
    V = hand_values()
    partial = ex.check_by_hand("forward", _stage_fn({"z1": V["z1"], "a1": V["a1"]}))
    assert partial.status == "not_implemented" and "2 of 4" in partial.message
    assert "z2, a2" in partial.message

    def stub():
        raise NotImplementedError()

    assert "not implemented yet" in repr(ex.check_by_hand("gradients", stub))
    shape = ex.check_by_hand("gradients", _stage_fn({"dW2": V["delta2"], "db2": V["db2"], "dW1": V["dW1"],
                                                      "db1": V["db1"]}))
    assert shape.steps["dW2"].status == "wrong_shape" and "2 × 2" in shape.steps["dW2"].message
    text = ex.check_by_hand("forward", _stage_fn({"z1": "minus 0.4", "a1": V["a1"]}))
    assert text.steps["z1"].status == "error"
    assert ex.check_by_hand("forward", lambda: [1, 2]).status == "error"
    with pytest.raises(ValueError, match="unknown stage"):
        ex.check_by_hand("backward", stub)


def test_by_hand_candidates_are_told_apart_beyond_the_rounding_tolerance():
    truth = by_hand.true_values()
    for step, cands in by_hand.step_candidates().items():
        values = [np.asarray(f(truth)) for _, _, f in cands]
        for i in range(len(cands)):
            for j in range(i + 1, len(cands)):
                if cands[i][0] == cands[j][0]:
                    continue  # two ways of writing the same thing
                if values[i].shape == values[j].shape:
                    assert not by_hand.close(values[i], values[j]), (step, cands[i][1], cands[j][1])


def test_by_hand_stage_that_calls_an_unfinished_earlier_stage_names_it():
    def forward_by_hand():
        # YOUR CODE HERE
        raise NotImplementedError()

    def output_delta_by_hand():
        a2 = forward_by_hand()["a2"]
        return {"dc_da2": a2}

    result = ex.check_by_hand("output_delta", output_delta_by_hand, earlier=[forward_by_hand])
    assert result.status == "not_implemented"
    assert "`output_delta_by_hand` calls `forward_by_hand`, which still raises" in result.message
