"""The DeltaStepper's model (backprop_lab.stepper), without widgets.

The step sequence must follow the derivation (forward 1..L, cost, delta L..1, gradients),
every number it shows must be bl.backward's, and the equations must show those numbers.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop_lab as bl
from backprop_lab import formatting
from backprop_lab.mistakes import CATALOGUE
from backprop_lab.references import SECTIONS, section
from backprop_lab.stepper import DeltaSteps, delta_norms, fmt_number
from backprop_lab.stepper.feedback import mistaken_deltas



def ends_with_result(line, number):
    """The line ends with "= number", or with "\\approx number" where the rounded terms shown
    give another last digit (issue 16: a student checking by hand is never contradicted)."""
    return line.endswith("= " + number) or line.endswith(r"\approx " + number)

def small_net(seed=0, acts=("tanh", "tanh", "sigmoid")):
    """2-3-3-1 with a batch of 4 examples: W^(1) is 2x3, W^(2) 3x3, W^(3) 3x1."""
    net = bl.Network.random([2, 3, 3, 1], list(acts), seed=seed)
    x = np.array([[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8], [0.1, 0.1]])
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    return net, x, y


# ---- the sequence of steps -------------------------------------------------------------------

def test_steps_follow_the_derivation_order():
    net, x, y = small_net()
    s = DeltaSteps(net, x, y)
    L = net.L
    assert len(s) == 2 * L + 3 and s.last == 2 * L + 2
    kinds = [step.kind for step in s]
    assert kinds == ["input"] + ["forward"] * L + ["cost"] + ["delta"] * L + ["gradients"]
    assert [step.l for step in s if step.kind == "forward"] == [1, 2, 3]
    # the backward pass goes from the output layer down to layer 1
    assert [step.delta_layer for step in s if step.kind == "delta"] == [3, 2, 1]
    assert [step.delta_layer for step in s if step.kind != "delta"] == [None] * (L + 3)
    assert [step.index for step in s] == list(range(len(s)))
    assert s.step_of("delta", 2) == 6 and s.step_of("cost") == 4
    with pytest.raises(ValueError, match="no 'delta' step for layer 7"):
        s.step_of("delta", 7)


def test_the_batch_mean_is_shown_only_for_a_batch_of_several_examples():
    net, x, y = small_net()
    s = DeltaSteps(net, x, y)
    assert s.is_batch_mean(None) and not s.is_batch_mean(0) and not s.is_batch_mean(3)
    one = DeltaSteps(net, x[:1], y[:1])
    assert not one.is_batch_mean(None)  # with m = 1, the mean is that example: dc, not dC


def test_status_lines_name_the_equation_of_each_step():
    net, x, y = small_net()
    s = DeltaSteps(net, x, y)
    assert s.status(0) == "step 0/8: a^(0) = x, the input"
    assert s.status(2) == "step 2/8: a^(2) = g_2(z^(2)) with z^(2) = a^(1) W^(2) + b^(2)"
    assert s.status(4).startswith("step 4/8: the cost c(a^(3), y) for each example (squared_error)")
    assert s.status(5) == "step 5/8: delta^(3) = dc/da^(3) * g'(z^(3))"
    assert s.status(6) == "step 6/8: delta^(2) = (delta^(3) W^(3)T) * g'(z^(2))"
    assert s.status(7) == "step 7/8: delta^(1) = (delta^(2) W^(2)T) * g'(z^(1))"
    assert s.status(8).startswith("step 8/8: dC/dW^(l) = a^(l-1)T delta^(l) / m")
    assert (s[6].reference.notebook, s[6].reference.title) == ("03_backward_recursion.ipynb",
                                                               "Three ways to write the recursion")
    assert (s[5].reference.notebook, s[5].reference.title) == ("02_output_delta.ipynb",
                                                               "Step 2: an elementwise g collapses the sum")
    assert (s[8].reference.notebook, s[8].reference.title) == ("04_weight_bias_gradients.ipynb", "The whole algorithm")
    # every step cites a section of the one references module (its titles are checked against the
    # notebooks' headings in test_references.py)
    assert all(step.reference in SECTIONS.values() for step in s)


def test_fused_and_softmax_outputs_have_their_own_output_step():
    net = bl.Network.random([2, 3, 1], ["tanh", "sigmoid"], seed=1)
    x, y = np.array([[0.2, 0.4], [1.0, -1.0]]), np.array([[1.0], [0.0]])
    s = DeltaSteps(net, x, y, loss="binary_cross_entropy")
    assert "delta^(2) = a^(2) - y" in s[s.step_of("delta", 2)].title
    net = bl.Network.random([2, 3, 3], ["tanh", "softmax"], seed=1)
    y3 = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    s = DeltaSteps(net, x, y3, loss="mse")
    assert "J^T dc/da^(2)" in s[s.step_of("delta", 2)].title


# ---- the numbers are the core's -----------------------------------------------------------------

def test_every_number_equals_forward_and_backward():
    net, x, y = small_net()
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y, "mse")
    s = DeltaSteps(net, x, y)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(s.delta(l, None), bwd.db[l], rtol=1e-12, atol=0)
        for e in range(4):
            np.testing.assert_allclose(s.delta(l, e), bwd.delta[l][e], rtol=1e-12, atol=0)
            np.testing.assert_allclose(s.z(l, e), fwd.z[l][e], rtol=1e-12, atol=0)
            np.testing.assert_allclose(s.a(l, e), fwd.a[l][e], rtol=1e-12, atol=0)
    np.testing.assert_allclose(s.c, bl.cost(net, x, y, per_example=True), rtol=1e-12)
    assert s.C == pytest.approx(bl.cost(net, x, y))


def test_what_each_step_shows():
    net, x, y = small_net()
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y, "mse")
    s = DeltaSteps(net, x, y)
    # forward step 2: a^(0..2) known, a^(3) not yet; edges are the weights
    nodes = s.node_values(2, example=1)
    assert nodes[3] is None
    for l in range(3):
        np.testing.assert_allclose(nodes[l], fwd.a[l][1])
    for l, e in zip(range(1, 4), s.edge_values(2, example=1)):
        np.testing.assert_array_equal(e, net.W[l])
    assert s.highlight(2) == 2 and s.node_quantity(2) == "a" and s.edge_quantity(2) == "W"
    # the step computing delta^(2): delta^(3), delta^(2) known, delta^(1) not; the flow on layer 3's edges
    k = s.step_of("delta", 2)
    nodes = s.node_values(k, example=1)
    assert nodes[0] is None and nodes[1] is None
    np.testing.assert_allclose(nodes[2], bwd.delta[2][1])
    np.testing.assert_allclose(nodes[3], bwd.delta[3][1])
    edges = s.edge_values(k, example=1)
    assert edges[0] is None and edges[1] is None
    flow = edges[2]  # delta_k^(3) W_jk^(3), shape (n_2, n_3)
    assert flow.shape == (3, 1)
    np.testing.assert_allclose(flow, net.W[3] * bwd.delta[3][1][None, :])
    # summing the flow over k and multiplying by g'(z^(2)) gives delta^(2)
    np.testing.assert_allclose(flow.sum(axis=1) * (1 - np.tanh(fwd.z[2][1]) ** 2), bwd.delta[2][1])
    assert s.highlight(k) == 2 and s.node_quantity(k) == "delta" and s.edge_quantity(k) == "delta_k W_jk"
    bars = s.bars(k, example=1)
    assert bars[0] is None
    np.testing.assert_allclose(bars[1], bwd.delta[2][1])
    # before the backward pass no bars, at the end all of them
    assert s.bars(s.step_of("cost"), 0) == [None, None, None]
    assert all(b is not None for b in s.bars(s.last, 0))
    # gradients: edges are dC/dW (batch) or a_i delta_j (one example), neurons dC/db
    grads = s.edge_values(s.last, example=None)
    for l in range(1, 4):
        np.testing.assert_allclose(grads[l - 1], bwd.dW[l])
        np.testing.assert_allclose(s.node_values(s.last, None)[l], bwd.db[l])
        np.testing.assert_allclose(s.edge_values(s.last, 2)[l - 1], np.outer(fwd.a[l - 1][2], bwd.delta[l][2]))
    assert s.highlight(s.last) is None
    assert s.bar_limit(None) == pytest.approx(max(np.abs(bwd.db[l]).max() for l in range(1, 4)))


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5),
       m=st.integers(1, 4),
       act=st.sampled_from(["sigmoid", "tanh", "relu", "identity", "leaky_relu", "softplus"]),
       seed=st.integers(0, 1000))
def test_property_steps_match_backward_for_random_networks(sizes, m, act, seed):
    L = len(sizes) - 1
    net = bl.Network.random(sizes, [act] * L, seed=seed)
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((m, sizes[0])), rng.standard_normal((m, sizes[-1]))
    s = DeltaSteps(net, x, y)
    bwd = bl.backward(net, bl.forward(net, x), y)
    assert [st_.delta_layer for st_ in s if st_.kind == "delta"] == list(range(L, 0, -1))
    for k in range(len(s)):
        for e in [None] + list(range(m)):
            nodes, edges = s.node_values(k, e), s.edge_values(k, e)
            assert len(nodes) == L + 1 and len(edges) == L
            for l, v in enumerate(nodes):
                assert v is None or v.shape == (sizes[l],)
            for l, v in enumerate(edges, start=1):
                assert v is None or v.shape == (sizes[l - 1], sizes[l])
        for l in range(1, L + 1):
            j = sizes[l] - 1
            eq = s.equation(k, l, j, example=m - 1)
            assert eq.layer == l and eq.j == j
    last = s.step_of("delta", 1)
    for l in range(1, L + 1):
        np.testing.assert_allclose(s.node_values(last, None)[l], bwd.db[l], rtol=1e-12, atol=1e-15)
        # the last number of the substituted equation is delta_j^(l), rounded
        eq = s.equation(last, l, 0, example=0)
        assert ends_with_result(eq.lines[0], fmt_number(bwd.delta[l][0, 0]))


# ---- equations ------------------------------------------------------------------------------------

def test_fmt_number():
    assert fmt_number(0.123456) == "0.123"
    assert fmt_number(-0.000403) == "-0.000403"
    assert fmt_number(1.0) == "1"
    assert fmt_number(0.0) == "0"
    assert fmt_number(2.5e-7) == r"2.5\times10^{-7}"
    assert fmt_number(-1234567.0) == r"-1.23\times10^{6}"


def test_hand_worked_equations_of_a_1_1_1_network():
    # x = 1, W1 = 0.5, b1 = 0.25, g1 = identity: z1 = 1*0.5 + 0.25 = 0.75 = a1
    # W2 = 2, b2 = -1, g2 = identity: z2 = 0.75*2 - 1 = 0.5 = a2; y = 0: c = 0.5*0.25 = 0.125
    # delta2 = (a2 - y) * 1 = 0.5; delta1 = (delta2 * W2) * g1'(z1) = (0.5*2) * 1 = 1
    # dc/dW1 = a0 delta1 = 1; dc/dW2 = a1 delta2 = 0.375
    net = bl.Network([[[0.5]], [[2.0]]], [[0.25], [-1.0]], ["identity", "identity"])
    s = DeltaSteps(net, np.array([1.0]), np.array([0.0]))
    assert s.m == 1 and s.single
    eq = s.equation(s.step_of("forward", 1), 1, 0, example=0)
    assert eq.lines[0].endswith(r"= 1 \cdot 0.5 + 0.25 = 0.75")
    assert eq.lines[1].endswith(r"= 0.75 = 0.75")
    eq = s.equation(s.step_of("cost"), 2, 0, example=0)
    assert eq.lines[0].endswith(r"= \tfrac12\big((0.5 - 0)^2\big) = 0.125")
    assert eq.lines[1].endswith(r"= 0.5 - 0 = 0.5")
    eq = s.equation(s.step_of("delta", 2), 2, 0, example=0)
    assert eq.lines[0].endswith(r"= 0.5 \cdot 1 = 0.5")
    eq = s.equation(s.step_of("delta", 1), 1, 0, example=0)
    assert eq.lines[0].endswith(r"g_1'(z_{1}^{(1)}) = 1 \cdot 1 = 1")  # the product, then its factors:
    assert eq.lines[1] == r"\sum_k \delta_k^{(2)} W_{1,k}^{(2)} = 0.5 \cdot 2 = 1"
    assert eq.lines[2] == r"g_1'(z_{1}^{(1)}) = 1"  # neurons are numbered from 1: column 0 is z_1
    eq = s.equation(s.last, 2, 0, example=0)
    assert eq.lines[0].endswith(r"= \delta_{1}^{(2)} = 0.5")
    assert eq.lines[1].endswith(r"= 0.75 \cdot 0.5 = 0.375")
    # with one example the batch mean is that example
    assert s.equation(s.last, 1, 0, example=None).lines[1].endswith("= 1")


def test_hidden_delta_equation_shows_the_right_rounded_numbers():
    net, x, y = small_net()
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y, "mse")
    s = DeltaSteps(net, x, y)
    k = s.step_of("delta", 2)
    for e in range(4):
        for j in range(3):
            eq = s.equation(k, 2, j, example=e)
            text = eq.latex
            # every term delta_k^(3) W_jk^(3) of the sum, and g'(z) computed independently
            for kk in range(net.sizes[3]):
                assert fmt_number(bwd.delta[3][e, kk]).lstrip("-") in text
                assert fmt_number(net.W[3][j, kk]).lstrip("-") in text
            gprime = 1 - np.tanh(fwd.z[2][e, j]) ** 2
            assert fmt_number(gprime) in text
            assert ends_with_result(eq.lines[0], fmt_number(bwd.delta[2][e, j]))
            assert ends_with_result(eq.lines[2], fmt_number(gprime))
    # layer 1 sums over the three neurons of layer 2 (the sum has its own line)
    eq = s.equation(s.step_of("delta", 1), 1, 2, example=3)
    for kk in range(3):
        assert f"{fmt_number(bwd.delta[2][3, kk])}" in eq.lines[1]
        assert f"{fmt_number(net.W[2][2, kk])}" in eq.lines[1]


def test_batch_mean_equations_give_the_gradients():
    net, x, y = small_net()
    bwd = bl.backward(net, bl.forward(net, x), y, "mse")
    s = DeltaSteps(net, x, y)
    eq = s.equation(s.step_of("delta", 1), 1, 1, example=None)
    assert eq.example is None
    assert ends_with_result(eq.lines[0], fmt_number(bwd.db[1][1]))
    for e in range(4):
        assert fmt_number(bwd.delta[1][e, 1]).lstrip("-") in eq.lines[0]
    assert r"\partial C/\partial b_{2}^{(1)}" in eq.note  # column 1 is neuron 2
    eq = s.equation(s.last, 2, 1, example=None)
    assert ends_with_result(eq.lines[0], fmt_number(bwd.db[2][1]))
    for i in range(3):
        assert ends_with_result(eq.lines[1 + i], fmt_number(bwd.dW[2][i, 1]))
    eq = s.equation(s.step_of("cost"), None, 0, example=None)
    assert ends_with_result(eq.lines[0], fmt_number(bl.cost(net, x, y)))


def test_a_mean_that_cancels_is_shown_as_zero_not_as_rounding_noise():
    net = bl.Network.random([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    x = np.array([[-0.8, 1.0], [1.0, 0.7], [-1.1, 0.3], [0.9, 0.1]])  # column 0 sums to 0 (-2.8e-17 in floats)
    s = DeltaSteps(net, x, np.zeros((4, 1)))
    assert s.equation(0, 0, 0, example=None).lines[0].endswith("= 0")


def test_equations_before_a_quantity_is_known_say_when_it_will_be():
    net, x, y = small_net()
    s = DeltaSteps(net, x, y)
    eq = s.equation(1, 3, 0, example=0)
    assert eq.lines == (r"a_{1}^{(3)} = \ ?",) and "step 3" in eq.note
    eq = s.equation(s.step_of("delta", 3), 1, 2, example=0)
    assert eq.lines == (r"\delta_{3}^{(1)} = \ ?",) and r"needs $\delta^{(2)}$ first" in eq.note
    eq = s.equation(s.step_of("delta", 3), 0, 1, example=2)
    assert eq.lines == ("a_{2}^{(0)} = x_{2} = 0.8",) and r"no $\delta$" in eq.note
    # l=None follows the step: the layer it computes
    assert s.equation(s.step_of("delta", 2), None, 0, 0).layer == 2
    assert s.equation(s.step_of("forward", 1), None, 0, 0).layer == 1
    with pytest.raises(ValueError, match="neuron j = 3 does not exist in layer 2"):
        s.equation(6, 2, 3, 0)
    with pytest.raises(ValueError, match="example 4 does not exist"):
        s.equation(6, 2, 0, 4)


def test_fused_and_softmax_output_equations():
    x = np.array([[0.2, 0.4], [1.0, -1.0]])
    net = bl.Network.random([2, 3, 1], ["tanh", "sigmoid"], seed=1)
    y = np.array([[1.0], [0.0]])
    bwd = bl.backward(net, bl.forward(net, x), y, "binary_cross_entropy")
    s = DeltaSteps(net, x, y, loss="binary_cross_entropy")
    eq = s.equation(s.step_of("delta", 2), 2, 0, example=1)
    a = bl.forward(net, x).a[2][1, 0]
    assert eq.lines[0] == (rf"\delta_{{1}}^{{(2)}} = a_{{1}}^{{(2)}} - y_{{1}} = {fmt_number(a)} - 0"
                           rf" = {fmt_number(bwd.delta[2][1, 0])}")
    net = bl.Network.random([2, 3, 3], ["tanh", "softmax"], seed=1)
    y3 = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    bwd = bl.backward(net, bl.forward(net, x), y3, "mse")
    s = DeltaSteps(net, x, y3, loss="mse")
    for j in range(3):
        eq = s.equation(s.step_of("delta", 2), 2, j, example=0)
        assert ends_with_result(eq.lines[0], fmt_number(bwd.delta[2][0, j]))
        assert "not elementwise" in eq.note


def test_equation_html_for_htmlmath():
    net, x, y = small_net()
    s = DeltaSteps(net, x, y)
    html = s.equation(6, 2, 0, 0).html(header="<b>neuron</b>")
    box = "<div class='bl-equation' style='overflow-x:auto; overflow-y:hidden; max-width:100%'>"
    assert html.startswith("<b>neuron</b>\n" + box + "$$\\delta_{1}^{(2)}")
    # three display lines (the product, the sum, g'), each in a box that scrolls if it is too wide
    assert html.count("$$") == 6 and html.count(box) == 3


# ---- checking a prediction -------------------------------------------------------------------------

def test_check_accepts_the_right_delta_and_names_common_mistakes():
    net = bl.Network.random([2, 3, 3, 1], ["sigmoid", "sigmoid", "sigmoid"], seed=3)
    x = np.array([[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8], [0.1, 0.1]])
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    s = DeltaSteps(net, x, y)
    fwd = bl.forward(net, x)
    sig = bl.ACTIVATIONS["sigmoid"]
    d3 = s.delta(3, 0)
    upstream = d3 @ net.W[3].T
    right = upstream * sig.prime(fwd.z[2][0])
    fb = s.check(2, right, example=0)
    assert fb.ok and bool(fb) and fb.message.startswith("Correct: delta^(2) = [")
    # rounded to 5 significant digits is still right
    assert s.check(2, np.array([float(f"{v:.5g}") for v in right]), example=0).ok
    # the whole batch at once
    assert s.check(2, bl.backward(net, fwd, y).delta[2]).ok
    # the batch mean
    assert s.check(1, bl.backward(net, fwd, y).db[1]).ok
    assert fb.mistake is None
    cases = {  # the catalogue's id -> what the message says about this layer
        "missing_activation_derivative": (upstream, "without the factor g_2'(z^(2))"),
        "activation_instead_of_derivative": (upstream * sig(fwd.z[2][0]), "it multiplies by a^(2) instead of g_2'(z^(2))"),
        "derivative_at_activation": (upstream * sig.prime(fwd.a[2][0]), "g' must be evaluated at z^(2), not at a^(2)"),
    }
    for id, (guess, words) in cases.items():
        fb = s.check(2, guess, example=0)
        assert not fb.ok and fb.mistake == id and words in fb.message, (id, fb.message)
        # the message leads with the catalogue's name, explains, and says where to reread
        assert fb.message.startswith(f"Not yet: {CATALOGUE[id].name}.")
        assert CATALOGUE[id].explanation in fb.message
        assert CATALOGUE[id].section("hidden").notebook in fb.message
    # W instead of W^T: layer 1 (W^(2) is square, 3x3)
    d2 = s.delta(2, 0)
    fb = s.check(1, (d2 @ net.W[2]) * sig.prime(fwd.z[1][0]), example=0)
    assert not fb.ok and fb.mistake == "missing_transpose" and "where its transpose is needed" in fb.message
    # output layer: the sign of a - y
    fb = s.check(3, -s.delta(3, 1), example=1)
    assert not fb.ok and fb.mistake == "sign_flipped" and "y - a^(3) where dc/da^(3) = a^(3) - y" in fb.message
    # something else that is wrong
    fb = s.check(2, right + 1.0, example=0)
    assert not fb.ok and fb.mistake is None and "off by up to" in fb.message


def test_every_mistake_the_check_names_is_in_the_shared_catalogue():
    net, x, y = small_net(acts=("sigmoid", "sigmoid", "sigmoid"))
    s = DeltaSteps(net, x, y)
    for l in (1, 2, 3):
        for id, (v, words) in mistaken_deltas(s, l).items():
            assert id in CATALOGUE
            fb = s.check(l, v)
            assert fb.mistake == id and words[1:] in fb.message, (l, id, fb.message)


def test_check_gives_feedback_instead_of_raising():
    net, x, y = small_net()
    s = DeltaSteps(net, x, y)
    assert "could not read" in s.check(2, "abc").message
    fb = s.check(2, np.zeros((3, 4)))
    assert not fb.ok and "has shape (3,)" in fb.message and "guess.T" in fb.message
    assert "nan" in s.check(2, [np.nan, 0, 0]).message
    assert not s.check(0, [1.0, 2.0]).ok
    assert "layer 0 is the input" in s.check(0, [1.0, 2.0]).message
    assert "example 9 does not exist" in s.check(2, [0, 0, 0], example=9).message


# ---- bad input: the core's errors --------------------------------------------------------------------

def test_bad_shapes_raise_the_cores_value_error():
    net, x, y = small_net()
    with pytest.raises(ValueError, match="x has 3 columns but layer 1 expects n_0 = 2"):
        DeltaSteps(net, np.zeros((4, 3)), y)
    with pytest.raises(ValueError, match=r"y has shape \(4,\) but the output a\[L\] has shape \(4, 1\)"):
        DeltaSteps(net, x, y[:, 0])
    with pytest.raises(ValueError, match="unknown loss"):
        DeltaSteps(net, x, y, loss="hinge")


def test_delta_norms():
    net, x, y = small_net()
    bwd = bl.backward(net, bl.forward(net, x), y)
    np.testing.assert_allclose(delta_norms(net, x, y), [np.linalg.norm(bwd.db[l]) for l in (1, 2, 3)])
    np.testing.assert_allclose(delta_norms(net, x, y, average="examples"),
                               [np.mean(np.linalg.norm(bwd.delta[l], axis=1)) for l in (1, 2, 3)])
    with pytest.raises(ValueError, match="average must be"):
        delta_norms(net, x, y, average="max")


def test_fmt_number_is_the_one_formatter():
    for v in (0.123456, -0.000403, 2.5e-7, 0.0, -1234567.0):
        assert fmt_number(v) == formatting.latex(v)


def test_public_names_stay_importable_from_backprop_lab_stepper():
    import backprop_lab.stepper as stepper
    from backprop_lab import vanishing

    for name in ("Step", "Equation", "Feedback", "DeltaSteps", "fmt_number", "delta_norms", "depth_profile"):
        assert hasattr(stepper, name) and name in stepper.__all__
    assert stepper.delta_norms is vanishing.delta_norms and stepper.depth_profile is vanishing.depth_profile
    net, x, y = small_net()
    s = DeltaSteps(net, x, y, loss="mse")  # the alias of squared_error
    assert s.loss.name == "squared_error" and isinstance(s[0], stepper.Step)
    assert isinstance(s.equation(0), stepper.Equation) and isinstance(s.check(1, [0, 0, 0]), stepper.Feedback)
    assert s.equation(s.step_of("delta", 2), 2, 1, 0).neuron == 2  # column 1 is neuron 2
