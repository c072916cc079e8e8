"""Tests for backprop_lab.derivation: the index-form helpers the derivation notebooks use.

Three kinds, as everywhere in the project:
1. a hand-worked example with the arithmetic in comments;
2. independent oracles: the package's vectorised forward/backward AND central differences;
3. properties over random depths, widths (non-square), batch sizes, activations and losses.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_lab as bl
from backprop_lab import derivation as bd

ELEMENTWISE = [name for name, g in bl.ACTIVATIONS.items() if g.elementwise]
ALL = list(bl.ACTIVATIONS)
FD_TOL = 1e-6      # central differences with eps = 1e-6 in float64: relative errors ~1e-9 on
#                    gradients of ordinary size, so 1e-6 is generous ...
FD_ATOL = 1e-8     # ... but their absolute rounding floor is ~ 1e-16 |c| / eps ~ 1e-10 per entry, which is
#                    a large RELATIVE error when a gradient is itself tiny (1e-5 after two leaky_relu
#                    slopes of 0.01). An absolute 1e-8 still catches any real mistake (a wrong factor or
#                    a transpose changes an entry by about its own size).
EXACT_TOL = 1e-12  # two exact formulas computed in a different order

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw, hidden=ELEMENTWISE):
    """A random network (depth 1-4, widths 1-6), a batch (or one 1-D example), targets and a loss."""
    L = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 6), min_size=L + 1, max_size=L + 1))
    acts = [draw(st.sampled_from(hidden)) for _ in range(L - 1)]
    loss = draw(st.sampled_from(["mse", "binary_cross_entropy", "cross_entropy"]))
    if loss == "binary_cross_entropy":
        acts.append("sigmoid")
    elif loss == "cross_entropy":
        acts.append("softmax")
    else:
        acts.append(draw(st.sampled_from(ALL)))
    # a softmax over one unit is refused (its gradients are always 0): give it two
    sizes = sizes[:1] + [max(n, 2) if g == "softmax" else n for n, g in zip(sizes[1:], acts)]
    seed = draw(st.integers(0, 2**16))
    single = draw(st.booleans())
    m = draw(st.integers(1, 6))
    rng = np.random.default_rng(seed)
    net = bl.Network.random(sizes, acts, seed=seed, init="normal")
    x = rng.standard_normal(sizes[0] if single else (m, sizes[0]))
    shape = (sizes[-1],) if single else (m, sizes[-1])
    if loss == "cross_entropy":
        y = rng.dirichlet(np.ones(sizes[-1]), size=None if single else m)
    else:
        y = rng.uniform(0, 1, size=shape)
    return net, x, y, loss


def far_from_saturation(aL, loss, margin):
    """True unless a log loss sees an output within ``margin`` of its singularity
    (a = 0 for cross-entropy; a = 0 or 1 for binary cross-entropy)."""
    if loss == "mse":
        return True
    if loss == "cross_entropy":
        return bool(np.min(aL) > margin)
    return bool(np.min(aL) > margin and np.max(aL) < 1 - margin)


# --- 1. hand-worked ---------------------------------------------------------------------------

def test_hand_worked_2_2_1():
    # a^(0) = x = (1, 2); W^(1) = [[1, -1], [0.5, 2]] (row i = input neuron, column j = hidden neuron)
    # z_1 = 1*1 + 2*0.5 + 0.5 = 2.5 ; z_2 = 1*(-1) + 2*2 - 1 = 2
    x = np.array([1.0, 2.0])
    W1, b1 = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([0.5, -1.0])
    assert np.array_equal(bd.layer_forward_loops(x, W1, b1), [2.5, 2.0])
    # identity layers, output W^(2) = [[2], [-1]], b = 0: a^(2) = 2*2.5 - 2 = 3. MSE with y = 1:
    # delta^(2) = (a - y) * 1 = 2 ; delta^(1)_j = delta^(2) W_j1 * 1 = (4, -2)
    # dc/dW^(2) = a^(1) delta^(2) = (5, 4)^T ; dc/dW^(1)_ij = x_i delta^(1)_j = [[4, -2], [8, -4]]
    net = bl.Network([W1, np.array([[2.0], [-1.0]])], [b1, np.zeros(1)], "identity")
    fwd = bd.forward_loops(net, x)
    bwd = bd.backward_loops(net, fwd, np.array([1.0]), "mse")
    assert np.array_equal(fwd.a[2], [3.0])
    assert np.array_equal(bwd.delta[2], [2.0])
    assert np.array_equal(bwd.delta[1], [4.0, -2.0])
    assert np.array_equal(bwd.dW[2], [[5.0], [4.0]])
    assert np.array_equal(bwd.dW[1], [[4.0, -2.0], [8.0, -4.0]])
    assert np.array_equal(bwd.db[1], [4.0, -2.0])
    for form in (bd.hidden_delta_loops, bd.hidden_delta_einsum, bd.hidden_delta_matrix):
        assert np.array_equal(form([2.0], net.W[2], fwd.z[1], "identity"), [4.0, -2.0])


def test_weight_gradients_divide_by_the_number_of_examples():
    # two examples: a = (1), (3); delta = (2), (4): dC/dW = (1*2 + 3*4) / 2 = 7, dC/db = (2 + 4) / 2 = 3
    dW, db = bd.weight_bias_gradients_loops(np.array([[1.0], [3.0]]), np.array([[2.0], [4.0]]))
    assert np.array_equal(dW, [[7.0]]) and np.array_equal(db, [3.0])


# --- 2. against the package and against central differences ------------------------------------

@SETTINGS
@given(problems(hidden=ALL))
def test_loops_match_package_forward_and_backward(problem):
    net, x, y, loss = problem
    fwd, fwd_loops = bl.forward(net, x), bd.forward_loops(net, x)
    assert fwd_loops.single == fwd.single
    for l in range(net.L + 1):
        assert fwd_loops.a[l].shape == fwd.a[l].shape
        assert bd.agree(fwd_loops.a[l], fwd.a[l], EXACT_TOL)
    if not far_from_saturation(fwd.a[net.L], loss, 1e-4):
        # backward_loops uses the general dc/da * g'(z) (or J^T dc/da). For the log losses dc/da
        # divides by a (and 1 - a), which has lost its digits when the output saturates; the
        # package's a - y does not. That is why the package uses a - y; here we compare where
        # the general formula is still accurate to ~1e-12.
        return
    bwd, bwd_loops = bl.backward(net, fwd, y, loss), bd.backward_loops(net, fwd, y, loss)
    for l in range(1, net.L + 1):
        assert bwd_loops.delta[l].shape == bwd.delta[l].shape
        assert bwd_loops.dW[l].shape == bwd.dW[l].shape and bwd_loops.db[l].shape == bwd.db[l].shape
        # loose only because backward_loops uses the general J^T dc/da where the package uses a - y
        for ours, theirs in ((bwd_loops.delta[l], bwd.delta[l]), (bwd_loops.dW[l], bwd.dW[l]),
                             (bwd_loops.db[l], bwd.db[l])):
            assert bd.agree(ours, theirs, 1e-9)


@SETTINGS
@given(problems(hidden=ALL))
def test_numerical_delta_and_dc_da_match_backward(problem):
    net, x, y, loss = problem
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y, loss)
    for l in range(1, net.L + 1):
        num = bd.numerical_delta(net, x, y, loss, l=l)
        assert num.shape == bwd.delta[l].shape
        assert bd.agree(num, bwd.delta[l], FD_TOL, FD_ATOL)
    # dc/da^(L) is the loss's own derivative. The log losses are singular at a = 0 (and BCE at
    # a = 1); a central difference with step eps is only accurate where a is much farther than
    # eps from the singularity, so check outputs at least 1e-2 away from it ((eps/a)^2 <= 1e-8).
    aL = fwd.a[net.L]
    if far_from_saturation(aL, loss, 1e-2):
        dc_da = bd.numerical_dc_da(net, x, y, loss)
        assert bd.agree(dc_da, bl.get_loss(loss).grad(aL, y), FD_TOL, FD_ATOL)


@SETTINGS
@given(problems())
def test_numerical_param_gradient_matches_backward(problem):
    net, x, y, loss = problem
    bwd = bl.backward(net, bl.forward(net, x), y, loss)
    for l in range(1, net.L + 1):
        assert bd.agree(bd.numerical_param_gradient(net, x, y, loss, l=l, which="W"), bwd.dW[l], FD_TOL, FD_ATOL)
        assert bd.agree(bd.numerical_param_gradient(net, x, y, loss, l=l, which="b"), bwd.db[l], FD_TOL, FD_ATOL)


def test_numerical_param_gradient_is_the_mean_over_examples():
    net = bl.Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=3)
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((5, 3)), rng.uniform(size=(5, 2))
    per_example = [bd.numerical_param_gradient(net, x[k], y[k], "mse", l=1) for k in range(5)]
    assert bd.agree(bd.numerical_param_gradient(net, x, y, "mse", l=1), np.mean(per_example, axis=0), 1e-9)


@pytest.mark.parametrize("name", ALL)
def test_activation_jacobian_matches_central_differences(name):
    g = bl.ACTIVATIONS[name]
    z = np.array([-1.3, 0.4, 2.1, -0.2])     # no entry near relu's kink at 0
    J = bd.activation_jacobian(g, z)
    assert J.shape == (4, 4)
    assert bd.agree(bl.numerical_jacobian(g, z), J, FD_TOL, FD_ATOL)
    if g.elementwise:
        assert np.array_equal(J, np.diag(np.diag(J)))   # only k = j survives


@pytest.mark.parametrize("loss, out", [("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")])
def test_output_delta_loops_gives_a_minus_y_for_the_matched_pairs(loss, out):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 3))
    a = bl.ACTIVATIONS[out](z)
    y = bl.datasets.one_hot([0, 2, 1, 1], 3)
    delta = bd.output_delta_loops(out, z, bl.get_loss(loss).grad(a, y))
    assert bd.agree(delta, a - y, 1e-12)


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 5), st.booleans(),
       st.sampled_from(ELEMENTWISE), st.integers(0, 2**16))
def test_three_forms_of_the_recursion_agree(n_l, n_next, m, single, g, seed):
    rng = np.random.default_rng(seed)
    shape = (n_next,) if single else (m, n_next)
    delta_next, W_next = rng.standard_normal(shape), rng.standard_normal((n_l, n_next))
    z = rng.standard_normal(shape[:-1] + (n_l,))
    loops = bd.hidden_delta_loops(delta_next, W_next, z, g)
    assert loops.shape == z.shape
    # the matrix form, written out independently here
    expected = (delta_next @ W_next.T) * bl.ACTIVATIONS[g].prime(z)
    for form in (loops, bd.hidden_delta_einsum(delta_next, W_next, z, g),
                 bd.hidden_delta_matrix(delta_next, W_next, z, g)):
        assert form.shape == z.shape
        assert bd.agree(form, expected, EXACT_TOL)


@SETTINGS
@given(problems())
def test_recursion_forms_reproduce_package_deltas(problem):
    net, x, y, loss = problem
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y, loss)
    for l in range(1, net.L):
        for form in (bd.hidden_delta_loops, bd.hidden_delta_einsum, bd.hidden_delta_matrix):
            ours = form(bwd.delta[l + 1], net.W[l + 1], fwd.z[l], net.g[l])
            assert bd.agree(ours, bwd.delta[l], 1e-12)


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**16))
def test_weight_bias_gradients_loops_match_matrix_form(n_prev, n, m, seed):
    rng = np.random.default_rng(seed)
    a_prev, delta = rng.standard_normal((m, n_prev)), rng.standard_normal((m, n))
    dW, db = bd.weight_bias_gradients_loops(a_prev, delta)
    assert dW.shape == (n_prev, n) and db.shape == (n,)
    assert bd.agree(dW, a_prev.T @ delta / m, EXACT_TOL)
    assert bd.agree(db, delta.mean(axis=0), EXACT_TOL)
    # one example: the outer product a delta^T
    dW1, db1 = bd.weight_bias_gradients_loops(a_prev[0], delta[0])
    assert bd.agree(dW1, np.outer(a_prev[0], delta[0]), EXACT_TOL)
    assert np.array_equal(db1, delta[0])


# --- notation translators ----------------------------------------------------------------------

@SETTINGS
@given(problems())
def test_nielsen_translation_round_trip_and_backprop(problem):
    net, x, y, loss = problem
    weights, biases = bd.to_nielsen(net)
    for l in range(1, net.L + 1):
        assert weights[l - 1].shape == (net.sizes[l], net.sizes[l - 1])   # his w is our W transposed
        assert np.array_equal(weights[l - 1], net.W[l].T)
        assert biases[l - 1].shape == (net.sizes[l], 1)
    back = bd.from_nielsen(weights, biases, list(net.g))
    for l in range(1, net.L + 1):
        assert np.array_equal(back.W[l], net.W[l]) and np.array_equal(back.b[l], net.b[l])
    x1 = np.atleast_2d(x)[0]
    y1 = np.atleast_2d(y)[0]
    if not net.g[net.L].elementwise:  # Nielsen's recursion uses an elementwise g'
        with pytest.raises(TypeError, match="not elementwise"):
            bd.nielsen_backprop(weights, biases, list(net.g), x1.reshape(-1, 1), y1.reshape(-1, 1), loss)
        return
    fwd = bl.forward(net, x1)
    if not far_from_saturation(fwd.a[net.L], loss, 1e-4):
        return  # the general dc/da * g'(z) has lost its digits (see test_loops_match_package_...)
    bwd = bl.backward(net, fwd, y1, loss)
    nabla_w, nabla_b = bd.nielsen_backprop(weights, biases, list(net.g), x1.reshape(-1, 1),
                                           y1.reshape(-1, 1), loss)
    for l in range(1, net.L + 1):
        assert bd.agree(nabla_w[l - 1], bwd.dW[l].T, 1e-10)
        assert bd.agree(nabla_b[l - 1][:, 0], bwd.db[l], 1e-10)


@SETTINGS
@given(problems())
def test_column_backward_is_the_transpose_of_ours(problem):
    net, x, y, loss = problem
    x2, y2 = np.atleast_2d(x), np.atleast_2d(y)
    fwd = bl.forward(net, x2)
    if not net.g[net.L].elementwise:  # the column recursion uses an elementwise g'
        with pytest.raises(TypeError, match="not elementwise"):
            bd.column_backward([W.T for W in net.W], list(net.g), [a.T for a in fwd.a],
                               [z.T for z in fwd.z], y2.T, loss)
        return
    if not far_from_saturation(fwd.a[net.L], loss, 1e-4):
        return  # the general dc/da * g'(z) has lost its digits (see test_loops_match_package_...)
    bwd = bl.backward(net, fwd, y2, loss)
    deltas, dWs, dbs = bd.column_backward([W.T for W in net.W], list(net.g), [a.T for a in fwd.a],
                                          [z.T for z in fwd.z], y2.T, loss)
    for l in range(1, net.L + 1):
        assert bd.agree(deltas[l - 1], bwd.delta[l].T, 1e-10)
        assert bd.agree(dWs[l - 1], bwd.dW[l].T, 1e-10)
        assert bd.agree(dbs[l - 1], bwd.db[l], 1e-10)


# --- errors and display --------------------------------------------------------------------------

def test_recursion_refuses_softmax_and_bad_shapes():
    with pytest.raises(TypeError, match="softmax is not elementwise"):
        bd.hidden_delta_loops(np.ones(2), np.ones((3, 2)), np.ones(3), "softmax")
    with pytest.raises(ValueError, match=r"W_next \(2, 3\)"):
        bd.hidden_delta_matrix(np.ones(2), np.ones((2, 3)), np.ones(3), "tanh")
    with pytest.raises(ValueError, match=r"W \(3, 2\)"):
        bd.layer_forward_loops(np.ones(2), np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="same m"):
        bd.weight_bias_gradients_loops(np.ones((2, 3)), np.ones((4, 3)))
    net = bl.Network.random([2, 2], ["tanh"], seed=0)
    with pytest.raises(ValueError, match="layer 0 has no z"):
        bd.cost_from_z(net, 0, np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="'W' or 'b'"):
        bd.numerical_param_gradient(net, np.ones(2), np.ones(2), which="z")


def test_translators_check_every_shape_with_a_value_error():
    net = bl.Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=0)
    weights, biases = bd.to_nielsen(net)
    x, y = np.ones((3, 1)), np.ones((2, 1))
    g = list(net.g)
    with pytest.raises(ValueError, match=r"x must be a column \(n_0, 1\), got shape \(3,\)"):
        bd.nielsen_backprop(weights, biases, g, np.ones(3), y)
    with pytest.raises(ValueError, match=r"weights\[1\] .* has shape \(3, 2\)"):
        bd.nielsen_backprop([weights[0], np.ones((3, 2))], biases, g, x, y)
    with pytest.raises(ValueError, match=r"biases\[0\] must be a column \(4, 1\).*shape \(4,\)"):
        bd.nielsen_backprop(weights, [biases[0][:, 0], biases[1]], g, x, y)
    with pytest.raises(ValueError, match=r"y must be a column \(2, 1\).*shape \(1, 2\)"):
        bd.nielsen_backprop(weights, biases, g, x, y.T)
    with pytest.raises(ValueError, match="2 weight matrices but 1 activations"):
        bd.nielsen_backprop(weights, biases, g[:1], x, y)
    fwd = bl.forward(net, np.ones((5, 3)))
    W_cols, a_cols, z_cols = [W.T for W in net.W], [a.T for a in fwd.a], [z.T for z in fwd.z]
    with pytest.raises(ValueError, match=r"y_cols must have the output's shape \(2, 5\).*\(5, 2\)"):
        bd.column_backward(W_cols, g, a_cols, z_cols, np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"z_cols\[0\] and a_cols\[1\] must have shape \(4, 5\)"):
        bd.column_backward(W_cols, g, a_cols, [z_cols[0].T, z_cols[1]], np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"weights\[1\] \(W\^\[2\]\) must have shape \(n_2, 4\), got \(2, 3\)"):
        bd.column_backward([W_cols[0], np.ones((2, 3))], g, a_cols, z_cols, np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"L\+1 a's"):
        bd.column_backward(W_cols, g, a_cols[1:], z_cols, np.ones((2, 5)))


def test_translator_checks_survive_python_O():
    """The checks are exceptions, not asserts, so ``python -O`` (which strips asserts) keeps them."""
    code = ("import numpy as np, backprop_lab as bl\n"
            "from backprop_lab import derivation as bd\n"
            "net = bl.Network.random([3, 2], ['tanh'], seed=0)\n"
            "w, b = bd.to_nielsen(net)\n"
            "try:\n"
            "    bd.nielsen_backprop(w, b, list(net.g), np.ones(3), np.ones((2, 1)))\n"
            "except ValueError as e:\n"
            "    print('ValueError:', e)\n")
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("ValueError: x must be a column (n_0, 1)"), out.stdout + out.stderr


def test_try_matmul_explains_a_shape_error_in_one_line():
    out, msg = bd.try_matmul(np.ones((1, 2)), np.ones((3, 2)), "delta", "W")
    assert out is None
    assert msg == ("delta @ W fails: delta has shape (1, 2) and W has shape (3, 2), "
                   "so the inner sizes 2 and 3 do not match")
    out, msg = bd.try_matmul(np.ones((1, 2)), np.ones((2, 3)), "delta", "W.T")
    assert out.shape == (1, 3) and msg.endswith("-> (1, 3)")


def test_latex_matrix_and_array_table():
    assert bd.latex_matrix([[1, -0.0001], [2.5, 3]], decimals=2) == \
        r"\begin{pmatrix} 1.00 & 0.00 \\ 2.50 & 3.00 \end{pmatrix}"
    assert bd.latex_matrix([1, 2], decimals=0, name="a") == r"a = \begin{pmatrix} 1 & 2 \end{pmatrix}"
    table = bd.array_table(np.array([[1.0, 2.0]]), decimals=1)      # labels count from 1, as the maths
    assert table.splitlines() == ["| | j = 1 | j = 2 |", "|---|---|---|", "| **i = 1** | 1.0 | 2.0 |"]
    assert bd.array_table([3.0], start=0, row_label="x", col_label="k").splitlines()[0] == "| | k = 0 |"
    with pytest.raises(ValueError, match="2 column names"):
        bd.array_table(np.ones((1, 3)), col_names=["a", "b"])


def test_agree():
    assert bd.agree([1.0, 2.0], [1.0, 2.0 + 1e-12])
    assert not bd.agree([1.0, 2.0], [1.0, 2.1])
    assert not bd.agree([1.0, 2.0], [[1.0, 2.0]])   # shapes differ


def test_the_package_re_exports_every_name_of_its_four_modules():
    from backprop_lab.derivation import display, loops, oracles, translators

    names = [n for m in (loops, oracles, translators, display) for n in m.__all__]
    assert sorted(names) == sorted(bd.__all__) and len(set(names)) == len(names)
    for m in (loops, oracles, translators, display):
        for n in m.__all__:
            assert getattr(bd, n) is getattr(m, n)
