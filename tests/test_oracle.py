"""Backpropagation against an independent oracle: central differences.

Tolerance: relative error <= 1e-7 in float64, where the relative error of a quantity is
max_i |num_i - ana_i| / max_i (|num_i| + |ana_i|) (see backprop_lab.gradcheck).
"""

import numpy as np
import pytest

import backprop_lab as bl
from helpers import HIDDEN, LOSS_OUTPUTS, random_case

TOL = 1e-7
CASES = [(loss, out) for loss, outs in LOSS_OUTPUTS.items() for out in outs]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("loss,output", CASES)
def test_gradient_check_every_activation_and_loss(hidden, loss, output):
    for seed in range(3):
        net, x, y = random_case([3, 5, 4, 3], [hidden, hidden, output], loss, m=6, seed=seed)
        # nonzero biases: with b = 0, an example whose relu layer is all 0 puts the next z exactly on
        # the kink, and a quantity whose every entry sits on a kink cannot be checked (nor pass)
        rng = np.random.default_rng(seed)
        for l in net.b.layers:
            net.b[l] = 0.1 * rng.standard_normal(net.sizes[l])
        report = bl.gradient_check(net, x, y, loss=loss)
        assert report.tol == TOL
        assert report.passed, report.table()
        assert report.max_error <= TOL
        assert [r["quantity"] for r in report.rows] == [
            f"{q}[{l}]" for l in (1, 2, 3) for q in ("W", "b", "delta")]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_single_example_gradient_check(hidden):
    net, x, y = random_case([4, 3, 2], [hidden, "identity"], "mse", m=0, seed=1)
    assert x.ndim == 1
    report = bl.gradient_check(net, x, y)
    assert report.passed, report.table()


def test_dW_matches_a_plain_finite_difference_of_cost():
    """The oracle written out without gradient_check: perturb W[l] and call bl.cost."""
    net, x, y = random_case([3, 4, 2], ["tanh", "sigmoid"], "binary_cross_entropy", m=5, seed=7)
    bwd = bl.backward(net, bl.forward(net, x), y, loss="binary_cross_entropy")
    for l in (1, 2):
        def C_of_W(W, l=l):
            probe = net.copy()
            probe.W[l] = W
            return bl.cost(probe, x, y, loss="binary_cross_entropy")

        def C_of_b(b, l=l):
            probe = net.copy()
            probe.b[l] = b
            return bl.cost(probe, x, y, loss="binary_cross_entropy")

        assert bl.relative_error(bl.numerical_gradient(C_of_W, net.W[l], eps=1e-5), bwd.dW[l]) < TOL
        assert bl.relative_error(bl.numerical_gradient(C_of_b, net.b[l], eps=1e-5), bwd.db[l]) < TOL


def test_delta_matches_a_plain_finite_difference_of_c():
    """delta^(l) = dc/dz^(l): perturb z^(l) of one example and run the rest of the network."""
    net, x, y = random_case([3, 4, 4, 2], ["softplus", "leaky_relu", "identity"], "mse", m=0, seed=3)
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y)
    for l in (1, 2, 3):
        def c_of_z(z, l=l):
            a = net.g[l](z)
            for k in range(l + 1, net.L + 1):
                a = net.g[k](a @ net.W[k] + net.b[k])
            return 0.5 * np.sum((a - y) ** 2)

        assert bl.relative_error(bl.numerical_gradient(c_of_z, fwd.z[l]), bwd.delta[l]) < TOL


def test_gradient_check_catches_a_wrong_backward(monkeypatch):
    """The oracle is not a rubber stamp: a backward pass with g(z) in place of g'(z) fails it."""
    net, x, y = random_case([3, 4, 2], ["tanh", "identity"], "mse", m=4, seed=0)
    tanh = net.g[1]
    monkeypatch.setattr(tanh, "prime", lambda z, a=None: np.tanh(z))  # the seed's student mistake
    report = bl.gradient_check(net, x, y)
    assert not report.passed
    failed = {r["quantity"] for r in report.rows if not r["passed"]}
    # the error enters at delta^(1) and flows into W[1] and b[1]; layer 2 is untouched
    assert failed == {"W[1]", "b[1]", "delta[1]"}


def kinked_case(activation):
    """A network where z_1^(1) of the first example is 1e-7, within eps = 1e-5 of relu's kink."""
    net = bl.Network.random([2, 3, 1], [activation, "identity"], seed=0)
    x = np.array([[0.3, -0.2], [1.0, 0.5]])
    z = x @ net.W[1] + net.b[1]
    b1 = net.b[1].copy()
    b1[0] -= z[0, 0] - 1e-7
    net.b[1] = b1
    return net, x, np.array([[1.0], [0.0]])


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_gradient_check_leaves_out_kinks_and_names_them(activation):
    net, x, y = kinked_case(activation)
    assert bl.forward(net, x).z[1][0, 0] == pytest.approx(1e-7)
    report = bl.gradient_check(net, x, y)
    assert report.passed, report.table()
    # perturbing W_i1^(1), b_1^(1) or z_1^(1) of example 0 crosses the kink
    assert report.excluded == ["W[1][0, 0]", "W[1][1, 0]", "b[1][0]", "delta[1][0, 0]"]
    assert "relu kink" in report.table()
    rows = {r["quantity"]: r for r in report.rows}
    assert rows["W[1]"]["left_out"] == 2 and rows["W[1]"]["checked"] == 4
    # ...and leaving them out was needed: across the kink the finite difference is far off
    num = bl.numerical_gradients(net, x, y)
    bwd = bl.backward(net, bl.forward(net, x), y)
    assert abs(num["delta"][1][0, 0] - bwd.delta[1][0, 0]) > 0.1 * abs(bwd.delta[1][0, 0])


def test_float32_network_checks_against_float64_oracle():
    net, x, y = random_case([3, 5, 2], ["tanh", "sigmoid"], "binary_cross_entropy", m=8, seed=2,
                            dtype=np.float32)
    report = bl.gradient_check(net, x, y, loss="binary_cross_entropy")
    assert report.tol == 1e-3
    assert report.passed, report.table()


def test_report_text_and_html():
    net, x, y = random_case([2, 3, 1], ["tanh", "identity"], "mse", m=3, seed=0)
    report = bl.gradient_check(net, x, y)
    text = report.table(errors=False)
    assert "e-" not in text.split("\n", 2)[2]  # no error figures in the machine-independent table
    assert text.endswith("PASSED: 6 of 6 quantities within tolerance")
    assert "rel. error" in repr(report)
    assert "<table>" in report._repr_html_()
    assert report.error("W[2]") == report.rows[3]["error"]
    with pytest.raises(KeyError, match="W\\[1\\]"):
        report.error("W[9]")


def test_numerical_jacobian_of_softmax():
    z = np.array([0.3, -1.2, 2.0])
    J = bl.numerical_jacobian(bl.ACTIVATIONS["softmax"], z)
    assert J.shape == (3, 3)
    assert bl.relative_error(J, bl.ACTIVATIONS["softmax"].jacobian(z)) < TOL


def test_gradients_below_finite_difference_resolution_are_compared_absolutely():
    """Tiny gradients (here through layers with weights ~1e-4) cannot be resolved to 1e-7 by
    central differences: the rounding noise of c(p+eps) - c(p-eps) is ~1e-11. The check says
    so, compares them absolutely at that noise level, and does not report a false failure."""
    net = bl.Network.random([2, 3, 3, 1], "identity", seed=0, init=1e-4)
    x, y = np.array([[0.5, -1.0], [2.0, 1.0]]), np.array([[1.0], [0.5]])
    bwd = bl.backward(net, bl.forward(net, x), y)
    assert np.max(np.abs(bwd.dW[1])) < 1e-7
    report = bl.gradient_check(net, x, y)
    rows = {r["quantity"]: r for r in report.rows}
    assert not rows["W[1]"]["resolvable"] and rows["W[1]"]["error"] > 1e-7
    assert rows["W[1]"]["abs_error"] <= report.atol < 1e-8
    assert rows["b[3]"]["resolvable"] and rows["b[3]"]["error"] <= 1e-7
    assert report.passed and not report.excluded
    assert "ok*" in report.table() and "too small for central differences" in report.table()
