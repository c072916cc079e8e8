"""Bad input gets a ValueError or TypeError that names the shapes or values involved,
raised before numpy can raise its own message or broadcast silently."""

import re

import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab import derivation as bd


@pytest.fixture
def net():
    return bl.Network.random([3, 5, 2], ["tanh", "sigmoid"], seed=0)


def test_x_with_the_wrong_width(net):
    with pytest.raises(ValueError, match=re.escape(
            "x has 4 columns but layer 1 expects n_0 = 3 inputs (W[1] has shape (3, 5))")):
        bl.forward(net, np.zeros((2, 4)))
    with pytest.raises(ValueError, match=re.escape("x has 2 entries but layer 1 expects n_0 = 3")):
        bl.forward(net, np.zeros(2))


def test_transposed_x_gets_a_hint(net):
    with pytest.raises(ValueError, match=re.escape("did you mean x.T?")):
        bl.forward(net, np.zeros((3, 7)))


def test_three_dimensional_x(net):
    with pytest.raises(ValueError, match=re.escape("got a 3-D array of shape (2, 2, 3)")):
        bl.forward(net, np.zeros((2, 2, 3)))


def test_empty_batch(net):
    with pytest.raises(ValueError, match="no examples"):
        bl.forward(net, np.zeros((0, 3)))


@pytest.mark.parametrize("x", [["a", "b", "c"], np.array([1, 2, 3], dtype=object), [1 + 2j, 0, 1]])
def test_non_numeric_x(net, x):
    with pytest.raises(TypeError, match="x must contain real numbers, but it has dtype"):
        bl.forward(net, x)


def test_ragged_x(net):
    with pytest.raises(ValueError, match="rows have different lengths"):
        bl.forward(net, [[1.0, 2.0, 3.0], [1.0]])


@pytest.mark.parametrize("bad,word", [(np.nan, "1 NaN and 0 infinite"), (np.inf, "0 NaN and 1 infinite")])
def test_nan_or_inf_in_x(net, bad, word):
    x = np.zeros((2, 3))
    x[1, 2] = bad
    with pytest.raises(ValueError, match=re.escape(f"x contains {word} value(s); the first is x[1, 2]")):
        bl.forward(net, x)


def test_y_with_the_wrong_shape(net):
    fwd = bl.forward(net, np.zeros((4, 3)))
    with pytest.raises(ValueError, match=re.escape("y has shape (4, 3) but the output a[L] has shape (4, 2)")):
        bl.backward(net, fwd, np.zeros((4, 3)))
    with pytest.raises(ValueError, match=re.escape("did you mean y.T?")):
        bl.backward(net, fwd, np.zeros((2, 4)))


def test_y_of_shape_m_for_one_output_warns_about_broadcasting():
    net = bl.Network.random([3, 1], ["sigmoid"], seed=0)
    fwd = bl.forward(net, np.zeros((5, 3)))
    with pytest.raises(ValueError, match=re.escape("use y.reshape(-1, 1)")):
        bl.backward(net, fwd, np.zeros(5))


def test_nan_in_y(net):
    y = np.zeros((1, 2))
    y[0, 1] = np.nan
    with pytest.raises(ValueError, match=re.escape("y contains 1 NaN")):
        bl.backward(net, bl.forward(net, np.zeros((1, 3))), y)


def test_unknown_loss_lists_the_valid_names(net):
    fwd = bl.forward(net, np.zeros((1, 3)))
    with pytest.raises(ValueError, match="unknown loss 'l2'; the valid names are 'squared_error' \\(also 'mse'\\), "
                                         "'binary_cross_entropy', 'cross_entropy'"):
        bl.backward(net, fwd, np.zeros((1, 2)), loss="l2")
    with pytest.raises(TypeError, match="a loss must be a name"):
        bl.cost(net, np.zeros((1, 3)), np.zeros((1, 2)), loss=3)


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown activation 'gelu'; the valid names are 'identity', "
                                         "'sigmoid', 'tanh', 'relu', 'leaky_relu', 'softplus', 'softmax'"):
        bl.Network.random([2, 3, 1], ["gelu", "sigmoid"])
    with pytest.raises(TypeError, match="an activation must be a name"):
        bl.Network([np.ones((2, 1))], [np.zeros(1)], [np.tanh])


def test_sizes_that_do_not_match_the_activations():
    with pytest.raises(ValueError, match=re.escape(
            "sizes [2, 3, 4, 1] describe L = 3 layer(s) (n_0 is the input), so they need 3 "
            "activation(s), but 2 were given")):
        bl.Network.random([2, 3, 4, 1], ["tanh", "sigmoid"])
    with pytest.raises(ValueError, match="got 2 weight matrices but 1 activations"):
        bl.Network([np.ones((2, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(1)], ["tanh"])


def test_weights_that_do_not_chain():
    with pytest.raises(ValueError, match=re.escape(
            "W[1] and W[2] do not chain: W[1] has shape (2, 3), so layer 1 has n_1 = 3 neurons, "
            "but W[2] has shape (4, 1) and expects n_1 = 4 inputs")):
        bl.Network([np.ones((2, 3)), np.ones((4, 1))], [np.zeros(3), np.zeros(1)], ["tanh", "identity"])


def test_bias_of_the_wrong_size():
    with pytest.raises(ValueError, match=re.escape(
            "b[2] has shape (2,) but layer 2 has n_2 = 1 neurons, so b[2] must have shape (1,)")):
        bl.Network([np.ones((2, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(2)], ["tanh", "identity"])
    with pytest.raises(ValueError, match=re.escape("b[1] has shape (1, 3)")):
        bl.Network([np.ones((2, 3))], [np.zeros((1, 3))], ["tanh"])


def test_weight_that_is_not_a_matrix():
    with pytest.raises(ValueError, match=re.escape("W[1] must be a matrix of shape (n_0, n_1), but it has shape (3,)")):
        bl.Network([np.ones(3)], [np.zeros(3)], ["tanh"])


def test_layer_of_size_zero():
    with pytest.raises(ValueError, match=re.escape("sizes[2] (n_2) must be at least 1, got 0")):
        bl.Network.random([2, 3, 0], ["tanh", "sigmoid"])
    with pytest.raises(ValueError, match=re.escape("W[1] has shape (2, 0): every layer needs at least one neuron")):
        bl.Network([np.ones((2, 0))], [np.zeros(0)], ["tanh"])


def test_bad_lists_and_parameters():
    with pytest.raises(TypeError, match="weights must be a list of weight matrices"):
        bl.Network(np.ones((2, 3)), [np.zeros(3)], ["tanh"])
    with pytest.raises(ValueError, match="got 1 weight matrices but 2 bias vectors"):
        bl.Network([np.ones((2, 3))], [np.zeros(3), np.zeros(3)], ["tanh"])
    with pytest.raises(ValueError, match="needs at least one layer"):
        bl.Network([], [], [])
    with pytest.raises(ValueError, match=re.escape("W[1] contains 1 NaN")):
        bl.Network([np.array([[np.nan]])], [np.zeros(1)], ["tanh"])
    with pytest.raises(TypeError, match="W\\[1\\] must contain real numbers"):
        bl.Network([np.array([["x"]])], [np.zeros(1)], ["tanh"])
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        bl.Network.random([2, 1], ["tanh"], init="glorot")
    with pytest.raises(TypeError, match="dtype must be a floating type"):
        bl.Network.random([2, 1], ["tanh"], dtype=np.int32)
    with pytest.raises(ValueError, match="at least n_0 and n_1"):
        bl.Network.random([2], [])


def test_binary_cross_entropy_targets_outside_0_1():
    net = bl.Network.random([2, 1], ["sigmoid"], seed=0)
    with pytest.raises(ValueError, match=re.escape(
            "binary_cross_entropy targets must lie in [0, 1], but y has 1 value(s) outside it, e.g. 2 (min 0, max 2)")):
        bl.cost(net, np.zeros((3, 2)), np.array([[0.0], [1.0], [2.0]]), loss="binary_cross_entropy")


def test_cross_entropy_targets_must_be_distributions():
    net = bl.Network.random([2, 3], ["softmax"], seed=0)
    with pytest.raises(ValueError, match=re.escape("row 1 of y sums to 2")):
        bl.cost(net, np.zeros((2, 2)), np.array([[1.0, 0, 0], [1.0, 1.0, 0]]), loss="cross_entropy")


def test_loss_and_output_activation_must_fit():
    tanh_out = bl.Network.random([2, 3], ["tanh"], seed=0)
    with pytest.raises(ValueError, match="cross_entropy needs a softmax output layer.*'tanh'"):
        bl.cost(tanh_out, np.zeros((1, 2)), np.array([[1.0, 0, 0]]), loss="cross_entropy")
    with pytest.raises(ValueError, match="binary_cross_entropy needs a sigmoid output layer.*'tanh'"):
        bl.backward(tanh_out, bl.forward(tanh_out, np.zeros((1, 2))), np.zeros((1, 3)),
                    loss="binary_cross_entropy")
    softmax_out = bl.Network.random([2, 3], ["softmax"], seed=0)
    with pytest.raises(ValueError, match="or 'cross_entropy' with a softmax output"):
        bl.cost(softmax_out, np.zeros((1, 2)), np.array([[1.0, 0, 0]]), loss="binary_cross_entropy")


def test_forward_from_another_network(net):
    other = bl.Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match=re.escape("fwd was computed by a network with sizes [3, 4, 2], "
                                                   "but net has sizes [3, 5, 2]")):
        bl.backward(net, bl.forward(other, np.zeros(3)), np.zeros(2))
    with pytest.raises(TypeError, match="fwd must be the result of bl.forward"):
        bl.backward(net, {"a": 1}, np.zeros(2))
    with pytest.raises(TypeError, match="net must be a backprop_lab.Network"):
        bl.forward("net", np.zeros(3))


def test_training_arguments(net):
    x, y = np.zeros((4, 3)), np.zeros((4, 2))
    with pytest.raises(ValueError, match="lr \\(the learning rate\\) must be a positive number, got -0.1"):
        bl.train(net, x, y, lr=-0.1)
    with pytest.raises(TypeError, match="epochs must be an int"):
        bl.train(net, x, y, epochs=2.5)
    with pytest.raises(ValueError, match="batch_size = 8 is larger than the dataset \\(m = 4 examples\\)"):
        bl.train(net, x, y, batch_size=8)
    with pytest.raises(ValueError, match="train needs a batch x"):
        bl.train(net, np.zeros(3), np.zeros(2))
    bwd = bl.backward(net, bl.forward(net, x), y)
    small = bl.Network.random([3, 2], ["sigmoid"], seed=0)
    with pytest.raises(ValueError, match="bwd holds gradients of shapes"):
        bl.sgd_step(small, bwd, 0.1)


def test_layer_index_outside_1_to_L(net):
    fwd = bl.forward(net, np.zeros(3))
    bwd = bl.backward(net, fwd, np.zeros(2))
    with pytest.raises(IndexError, match=re.escape("delta[0] does not exist: delta is defined for l = 1..2 "
                                                   "(layer 0 is the input: it has no z, so no delta = dc/dz)")):
        bwd.delta[0]
    with pytest.raises(IndexError, match=re.escape("W[3] does not exist: W is defined for l = 1..2")):
        net.W[3]
    with pytest.raises(TypeError, match="takes a layer number"):
        fwd.a[1.0]
    assert fwd.a[0] is fwd.a[-3] and net.W[-1] is net.W[2]


def test_no_numpy_error_leaks_from_plain_mistakes(net):
    """Each of these would otherwise surface as a numpy broadcasting/matmul error or IndexError."""
    cases = [
        lambda: bl.forward(net, np.zeros((3, 2))),
        lambda: bl.backward(net, bl.forward(net, np.zeros((4, 3))), np.zeros((4,))),
        lambda: bl.cost(net, np.zeros((4, 3)), np.zeros((3, 2))),
        lambda: bl.Network([np.ones((2, 3)), np.ones((2, 1))], [np.zeros(3), np.zeros(1)], ["tanh", "tanh"]),
        lambda: bl.gradient_check(net, np.zeros((2, 5)), np.zeros((2, 2))),
    ]
    for case in cases:
        with pytest.raises((ValueError, TypeError)) as info:
            case()
        assert "operands could not be broadcast" not in str(info.value)
        assert "matmul" not in str(info.value)


NOT_A_NETWORK = [
    ("bl.forward", lambda n: bl.forward(n, np.zeros(3))),
    ("bl.backward", lambda n: bl.backward(n, None, np.zeros(2))),
    ("bl.cost", lambda n: bl.cost(n, np.zeros(3), np.zeros(2))),
    ("bl.sgd_step", lambda n: bl.sgd_step(n, None, 0.1)),
    ("bl.train", lambda n: bl.train(n, np.zeros((2, 3)), np.zeros((2, 2)))),
    ("bl.gradient_check", lambda n: bl.gradient_check(n, np.zeros(3), np.zeros(2))),
    ("bl.numerical_gradients", lambda n: bl.numerical_gradients(n, np.zeros(3), np.zeros(2))),
    ("bd.forward_loops", lambda n: bd.forward_loops(n, np.zeros(3))),
    ("bd.backward_loops", lambda n: bd.backward_loops(n, None, np.zeros(2))),
    ("bd.cost_from_z", lambda n: bd.cost_from_z(n, 1, np.zeros(2), np.zeros(2))),
    ("bd.cost_from_a", lambda n: bd.cost_from_a(n, 1, np.zeros(2), np.zeros(2))),
    ("bd.numerical_delta", lambda n: bd.numerical_delta(n, np.zeros(3), np.zeros(2))),
    ("bd.numerical_dc_da", lambda n: bd.numerical_dc_da(n, np.zeros(3), np.zeros(2))),
    ("bd.numerical_param_gradient", lambda n: bd.numerical_param_gradient(n, np.zeros(3), np.zeros(2))),
    ("bd.to_nielsen", lambda n: bd.to_nielsen(n)),
]


@pytest.mark.parametrize("call", [c for _, c in NOT_A_NETWORK], ids=[n for n, _ in NOT_A_NETWORK])
def test_every_function_taking_a_network_refuses_something_else(call):
    with pytest.raises(TypeError, match="net must be a backprop_lab.Network, not list"):
        call([np.zeros((3, 2))])
