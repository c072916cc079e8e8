"""Every activation and loss in the registries, against finite differences; numerical stability."""

import re

import numpy as np
import pytest

import backprop_lab as bl

Z = np.random.default_rng(0).standard_normal((4, 5)) * 2
ELEMENTWISE = [g for g in bl.ACTIVATIONS.values() if g.elementwise]


def away_from_kinks(g, z):
    for k in g.kinks:
        z = np.where(np.abs(z - k) < 1e-3, z + 0.01, z)
    return z


def test_registry_holds_the_documented_activations_and_losses():
    assert list(bl.ACTIVATIONS) == ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "softmax"]
    assert list(bl.LOSSES) == ["squared_error", "binary_cross_entropy", "cross_entropy"]
    assert bl.get_loss("mse") is bl.LOSSES["squared_error"]  # the usual name is an alias
    for name, g in bl.ACTIVATIONS.items():
        assert g.name == name and bl.get_activation(name) is g and bl.get_activation(g) is g
        assert g.formula and g.prime_formula


@pytest.mark.parametrize("g", ELEMENTWISE, ids=lambda g: g.name)
def test_prime_is_the_derivative(g):
    z = away_from_kinks(g, Z)
    # elementwise: d g(z_ij) / d z_ij, one entry at a time
    numeric = bl.numerical_gradient(lambda t: np.sum(g(t)), z, eps=1e-6)
    np.testing.assert_allclose(g.prime(z), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("g", ELEMENTWISE, ids=lambda g: g.name)
def test_prime_from_the_cached_output_is_the_same(g):
    np.testing.assert_allclose(g.prime(Z, a=g(Z)), g.prime(Z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("g", list(bl.ACTIVATIONS.values()), ids=lambda g: g.name)
def test_vjp_is_the_jacobian_transpose_times_v(g):
    z = away_from_kinks(g, Z[0])
    v = np.linspace(-1, 1, z.size)
    J = bl.numerical_jacobian(g, z, eps=1e-6)  # J[k, j] = da_k / dz_j
    np.testing.assert_allclose(g.vjp(z, v), J.T @ v, rtol=1e-6, atol=1e-9)
    # and with the cached a = g(z), as backward calls it, the same, leaving z, a and v intact
    a, z_before, v_before = g(z), z.copy(), v.copy()
    a_before = a.copy()
    np.testing.assert_allclose(g.vjp(z, v, a), J.T @ v, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(z, z_before)
    np.testing.assert_array_equal(a, a_before)
    np.testing.assert_array_equal(v, v_before)


def test_the_values_are_the_textbook_functions():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    g = bl.ACTIVATIONS
    np.testing.assert_allclose(g["sigmoid"](z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(g["tanh"](z), np.tanh(z), rtol=1e-15)
    np.testing.assert_array_equal(g["relu"](z), [0, 0, 0, 0.5, 2])
    np.testing.assert_allclose(g["leaky_relu"](z), [-0.02, -0.005, 0, 0.5, 2], rtol=1e-15)
    np.testing.assert_allclose(g["softplus"](z), np.log1p(np.exp(z)), rtol=1e-15)
    np.testing.assert_array_equal(g["identity"](z), z)
    s = g["softmax"](z)
    np.testing.assert_allclose(s, np.exp(z) / np.exp(z).sum(), rtol=1e-15)


def test_softmax_is_not_elementwise_and_says_so():
    sm = bl.ACTIVATIONS["softmax"]
    assert not sm.elementwise
    with pytest.raises(TypeError, match="softmax is not elementwise.*softmax.jacobian"):
        sm.prime(Z)
    J = sm.jacobian(Z)
    assert J.shape == (4, 5, 5)
    a = sm(Z)
    np.testing.assert_allclose(J[1], np.diag(a[1]) - np.outer(a[1], a[1]), rtol=1e-15, atol=1e-17)


def test_softmax_takes_logits_of_plus_minus_1000():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0], [1000.0, 1000.0, 1000.0]])
    a = bl.ACTIVATIONS["softmax"](z)
    assert np.all(np.isfinite(a))
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(a[1], np.exp([-1, -1, 0]) / np.exp([-1, -1, 0]).sum(), rtol=1e-12)
    np.testing.assert_allclose(a[2], [1 / 3] * 3, rtol=1e-15)


def test_sigmoid_and_softplus_do_not_overflow():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = bl.ACTIVATIONS["sigmoid"](z)
        p = bl.ACTIVATIONS["softplus"](z)
    np.testing.assert_array_equal(s[[0, 2, 4]], [0.0, 0.5, 1.0])
    assert 0 < s[1] < 1e-17
    np.testing.assert_allclose(p, [0.0, np.exp(-40), np.log(2), 40.0, 1000.0], rtol=1e-15)


@pytest.mark.parametrize("name", list(bl.LOSSES))
def test_loss_grad_is_dc_da(name):
    rng = np.random.default_rng(1)
    loss = bl.LOSSES[name]
    a = rng.uniform(0.05, 0.95, size=(3, 4))
    a = a / a.sum(axis=1, keepdims=True) if name == "cross_entropy" else a
    y = rng.uniform(0, 1, size=(3, 4))
    y = y / y.sum(axis=1, keepdims=True) if name == "cross_entropy" else y
    numeric = bl.numerical_gradient(lambda t: np.sum(loss(t, y)), a, eps=1e-7)
    np.testing.assert_allclose(loss.grad(a, y), numeric, rtol=1e-6)
    assert loss(a, y).shape == (3,)


def test_mse_is_half_the_squared_error():
    a, y = np.array([[0.5, 2.0]]), np.array([[1.0, 0.0]])
    np.testing.assert_array_equal(bl.LOSSES["squared_error"](a, y), [0.5 * (0.25 + 4.0)])


class Unfused(bl.Loss):
    """The same loss without the a - y shortcut: delta^(L) from the general dc/da * g'(z) / J^T dc/da."""

    def __init__(self, base):
        self.base, self.name = base, base.name

    def __call__(self, a, y):
        return self.base(a, y)

    def grad(self, a, y):
        return self.base.grad(a, y)


@pytest.mark.parametrize("loss,output", [("binary_cross_entropy", "sigmoid"), ("cross_entropy", "softmax")])
def test_a_minus_y_shortcut_agrees_with_the_general_formula(loss, output):
    rng = np.random.default_rng(3)
    net = bl.Network.random([3, 4, 3], ["tanh", output], seed=3)
    x = rng.standard_normal((6, 3))
    y = rng.uniform(0, 1, size=(6, 3))
    if loss == "cross_entropy":
        y /= y.sum(axis=1, keepdims=True)
    fwd = bl.forward(net, x)
    fused = bl.backward(net, fwd, y, loss=loss)
    general = bl.backward(net, fwd, y, loss=Unfused(bl.LOSSES[loss]))
    assert bl.LOSSES[loss].is_fused(net.g[2]) and not Unfused(bl.LOSSES[loss]).is_fused(net.g[2])
    np.testing.assert_allclose(fused.delta[2], fwd.a[2] - y, rtol=0, atol=0)
    for l in (1, 2):
        np.testing.assert_allclose(fused.delta[l], general.delta[l], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(fused.dW[l], general.dW[l], rtol=1e-9, atol=1e-12)


def saturated(output, n_out, z_value):
    """A one-layer network whose output pre-activation is exactly z_value for input 1."""
    W = np.zeros((1, n_out))
    W[0, 0] = z_value
    return bl.Network([W], [np.zeros(n_out)], [output])


def test_binary_cross_entropy_at_a_saturated_sigmoid_is_large_and_finite():
    net = saturated("sigmoid", 1, 1000.0)  # a = sigmoid(1000) == 1.0 in float64
    x = np.array([[1.0]])
    assert bl.forward(net, x).a[1][0, 0] == 1.0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        c_wrong = bl.cost(net, x, [[0.0]], loss="binary_cross_entropy")
        c_right = bl.cost(net, x, [[1.0]], loss="binary_cross_entropy")
        bwd = bl.backward(net, bl.forward(net, x), [[0.0]], loss="binary_cross_entropy")
    # c = log(1 + e^z) - y z: for y = 0 that is 1000 (to rounding), for y = 1 it is log(1 + e^-1000) = 0
    assert c_wrong == pytest.approx(1000.0, rel=1e-12)
    assert c_right == 0.0
    np.testing.assert_array_equal(bwd.delta[1], [[1.0]])
    assert np.all(np.isfinite(bwd.dW[1]))
    # from a alone (no z), the clipped log still gives a large finite cost
    assert 30 < float(bl.LOSSES["binary_cross_entropy"](np.array([1.0]), np.array([0.0]))) < 1000


def test_cross_entropy_at_logits_of_1000_is_finite():
    net = saturated("softmax", 3, 1000.0)
    x = np.array([[1.0], [-1.0]])  # logits (1000, 0, 0) and (-1000, 0, 0)
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        c = bl.cost(net, x, y, loss="cross_entropy", per_example=True)
        bwd = bl.backward(net, bl.forward(net, x), y, loss="cross_entropy")
    # c = logsumexp(z) - y.z: 1000 - 0 and log(2 + e^-1000) - (-1000)
    np.testing.assert_allclose(c, [1000.0, 1000.0 + np.log(2)], rtol=1e-12)
    assert np.all(np.isfinite(bwd.delta[1])) and np.all(np.isfinite(bwd.dW[1]))
    np.testing.assert_allclose(bwd.delta[1], [[1.0, -1.0, 0.0], [-1.0, 0.5, 0.5]], atol=1e-15)


def test_deep_saturated_network_keeps_gradients_finite():
    net = bl.Network.random([4] + [16] * 6 + [3], ["sigmoid"] * 6 + ["softmax"], seed=0, init=30.0)
    x = np.random.default_rng(0).standard_normal((8, 4)) * 100
    y = bl.datasets.one_hot(np.arange(8) % 3, 3)
    with np.errstate(over="raise", invalid="raise"):
        bwd = bl.backward(net, bl.forward(net, x), y, loss="cross_entropy")
    for l in range(1, net.L + 1):
        assert np.all(np.isfinite(bwd.delta[l])) and np.all(np.isfinite(bwd.dW[l]))
    assert np.isfinite(bl.cost(net, x, y, loss="cross_entropy"))


# --- issue 14, class 8: cross_entropy takes integer class labels ----------------------------

def test_cross_entropy_class_labels_give_the_one_hot_cost_and_gradients():
    net = bl.Network.random([4, 6, 3], ["tanh", "softmax"], seed=2)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((7, 4))
    labels = rng.integers(0, 3, size=7)
    one_hot = np.eye(3)[labels]  # built here with numpy, not with the package's conversion
    assert bl.cost(net, x, labels, "cross_entropy") == bl.cost(net, x, one_hot, "cross_entropy")
    np.testing.assert_array_equal(bl.cost(net, x, labels, "cross_entropy", per_example=True),
                                  bl.cost(net, x, one_hot, "cross_entropy", per_example=True))
    fwd = bl.forward(net, x)
    by_label = bl.backward(net, fwd, labels, "cross_entropy")
    by_row = bl.backward(net, fwd, one_hot, "cross_entropy")
    for l in (1, 2):
        np.testing.assert_array_equal(by_label.dW[l], by_row.dW[l])
        np.testing.assert_array_equal(by_label.db[l], by_row.db[l])
        np.testing.assert_array_equal(by_label.delta[l], by_row.delta[l])
    # one example: a single int
    single = bl.backward(net, bl.forward(net, x[3]), int(labels[3]), "cross_entropy")
    np.testing.assert_array_equal(single.delta[2], bl.backward(net, bl.forward(net, x[3]), one_hot[3],
                                                               "cross_entropy").delta[2])
    assert bl.cost(net, x[3], int(labels[3]), "cross_entropy") == pytest.approx(
        -np.log(bl.forward(net, x[3]).a[2][labels[3]]), rel=1e-12)
    # training and the gradient check take them too
    assert bl.gradient_check(net, x, labels, "cross_entropy").passed
    h_labels = bl.train(net.copy(), x, labels, "cross_entropy", lr=0.5, epochs=5)
    assert h_labels == bl.train(net.copy(), x, one_hot, "cross_entropy", lr=0.5, epochs=5)


def test_cross_entropy_labels_out_of_range_or_float_are_refused():
    net = bl.Network.random([2, 3], ["softmax"], seed=0)
    with pytest.raises(ValueError, match=re.escape("y holds class labels, which must be integers from 0 to "
                                                   "n_L - 1 = 2 (the output has 3 units), but y[1] = 3")):
        bl.cost(net, np.zeros((2, 2)), np.array([0, 3]), "cross_entropy")
    with pytest.raises(ValueError, match=re.escape("but y = -1")):
        bl.cost(net, np.zeros(2), -1, "cross_entropy")
    with pytest.raises(ValueError, match=re.escape("(or be integer class labels of shape (2,); these have dtype "
                                                   "float64: use y.astype(int))")):
        bl.cost(net, np.zeros((2, 2)), np.array([0.0, 1.0]), "cross_entropy")
    sig = bl.Network.random([2, 1], ["sigmoid"], seed=0)  # only cross_entropy reads labels
    with pytest.raises(ValueError, match=re.escape("y has shape (2,) but the output a[L] has shape (2, 1)")):
        bl.cost(sig, np.zeros((2, 2)), np.array([0, 1]), "binary_cross_entropy")
