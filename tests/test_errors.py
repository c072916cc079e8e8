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


def test_ints_beyond_the_float_range_are_named_not_an_overflow_error(net):
    # float(10**400) overflows, and so did math.copysign(inf, 10**400) in the number checks
    x, y = np.zeros((4, 3)), np.zeros((4, 2))
    with pytest.raises(ValueError, match="lr \\(the learning rate\\) must be a positive number, got inf"):
        bl.train(net, x, y, lr=10**400)
    with pytest.raises(ValueError, match="lr \\(the learning rate\\) must be a positive number, got -inf"):
        bl.sgd_step(net, bl.backward(net, bl.forward(net, x), y), -10**400)
    with pytest.raises(ValueError, match="eps \\(the finite-difference step\\) must be a finite number, got -inf"):
        bl.gradient_check(net, x, y, eps=-10**400)


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


# --- issue 14: nothing silent -------------------------------------------------------------
# 1. writes into a network are checked when they are made

def test_writing_a_weight_of_the_wrong_shape_is_refused(net):
    with pytest.raises(ValueError, match=re.escape(
            "W[1] must have shape (n_0, n_1) = (3, 5), but the new value has shape (3, 4)")):
        net.W[1] = np.zeros((3, 4))
    with pytest.raises(ValueError, match=re.escape("b[2] must have shape (n_2,) = (2,), but the new value has "
                                                   "shape (2, 1)")):
        net.b[2] = np.zeros((2, 1))
    assert net.W[1].shape == (3, 5) and net.b[2].shape == (2,)  # nothing was written


@pytest.mark.parametrize("value,error,words", [
    (None, TypeError, "W[1] must contain real numbers, but it has dtype object, e.g. None"),
    ("abc", TypeError, "W[1] must contain real numbers, but it has dtype <U3"),
    ([[1, 2]], ValueError, "W[1] must have shape (n_0, n_1) = (3, 5)"),
    (np.full((3, 5), np.nan), ValueError, "W[1] contains 15 NaN and 0 infinite value(s)"),
    (np.full((3, 5), np.inf), ValueError, "W[1] contains 0 NaN and 15 infinite value(s)"),
])
def test_bad_weight_writes_are_refused_and_leave_the_network_alone(net, value, error, words):
    before = net.W[1].copy()
    with pytest.raises(error, match=re.escape(words)):
        net.W[1] = value
    np.testing.assert_array_equal(net.W[1], before)


def test_written_arrays_take_the_network_dtype_and_are_copied():
    net = bl.Network.random([3, 5, 2], ["tanh", "sigmoid"], seed=0)
    ints = np.arange(15).reshape(3, 5)
    net.W[1] = ints                                   # ints become floats of the network
    assert net.W[1].dtype == np.float64 and net.dtype == np.float64
    np.testing.assert_array_equal(net.W[1], ints)
    net.W[2] = np.ones((5, 2), dtype=np.float32)      # a float32 write does not make the net float32
    assert net.W[2].dtype == np.float64 and net.dtype == np.float64
    ints[0, 0] = 99                                   # the network holds a copy
    assert net.W[1][0, 0] == 0
    net.train_input = bl.train(net, np.ones((4, 3)), np.zeros((4, 2)), epochs=2)  # ints no longer break train
    net32 = bl.Network.random([3, 2], ["tanh"], seed=0, dtype=np.float32)
    net32.W[1] = np.ones((3, 2))                      # float64 into a float32 network: stays float32
    assert net32.dtype == np.float32 and net32.b[1].dtype == np.float32
    with pytest.raises(ValueError, match=re.escape("W[1][0, 0] = 1e+39 does not fit in the network's dtype float32")):
        net32.W[1] = np.full((3, 2), 1e39)


def test_activation_writes_take_names_and_refuse_the_rest(net):
    net.g[1] = "relu"                                 # a name is looked up, as in the constructor
    assert net.g[1] is bl.ACTIVATIONS["relu"]
    bl.forward(net, np.ones(3))
    with pytest.raises(ValueError, match=re.escape("g[1] = 'gelu': unknown activation 'gelu'; the valid names are")):
        net.g[1] = "gelu"
    with pytest.raises(TypeError, match=re.escape("g[2] = <ufunc 'tanh'>: an activation must be a name")):
        net.g[2] = np.tanh
    with pytest.raises(ValueError, match="layer 2 has a softmax over n_2 = 1 unit"):
        bl.Network.random([3, 4, 1], ["tanh", "softmax"])
    assert net.g[1].name == "relu" and net.g[2].name == "sigmoid"


def test_containers_cannot_be_replaced_and_layers_are_checked(net):
    with pytest.raises(TypeError, match=re.escape("net.W cannot be replaced as a whole: set one layer at a time")):
        net.W = [np.zeros((3, 5)), np.zeros((5, 2))]
    with pytest.raises(ValueError, match=re.escape("W[3] does not exist")):  # an IndexError and a ValueError
        net.W[3] = np.zeros((2, 2))
    with pytest.raises(IndexError):
        net.b[0] = np.zeros(3)


def test_an_in_place_nan_is_named_by_forward(net):
    net.W[2][1, 0] = np.nan  # in place: not a checked write
    with pytest.raises(ValueError, match=re.escape("W[2] contains 1 NaN and 0 infinite value(s); the first is "
                                                   "W[2][1, 0] = nan: it was changed in place")):
        bl.forward(net, np.ones(3))


# 2. non-finite results raise, naming where

def test_overflowing_weights_are_named_by_forward():
    net = bl.Network([np.full((2, 3), 1e200), np.full((3, 1), 1e200)], [np.zeros(3), np.zeros(1)],
                     ["identity", "identity"])
    with pytest.raises(ValueError, match=re.escape("z[2] = a[1] @ W[2] + b[2] overflowed")) as info:
        bl.forward(net, np.ones(2))
    assert "try a smaller lr" in str(info.value)
    with pytest.raises(ValueError, match=re.escape("z[2] = a[1] @ W[2] + b[2] overflowed")):
        bl.cost(net, np.ones((1, 2)), np.ones((1, 1)))


def test_a_saturating_activation_does_not_hide_an_overflowing_z():
    net = bl.Network([np.full((1, 1), 1e308)], [np.zeros(1)], ["tanh"])
    with pytest.raises(ValueError, match=re.escape("z[1] contains 0 NaN and 1 infinite value(s)")):
        bl.forward(net, [10.0])  # tanh(inf) = 1 would look fine


def test_overflowing_gradient_is_named_by_backward():
    # z and a are finite, but dc/da = a - y = 1e200 times a^(0) = 1e200 overflows dW[1]
    net = bl.Network([np.ones((1, 1))], [np.zeros(1)], ["identity"])
    fwd = bl.forward(net, [[1e200]])
    with pytest.raises(ValueError, match=re.escape("dW[1] contains 0 NaN and 1 infinite value(s)")):
        bl.backward(net, fwd, [[0.0]])


def test_an_activation_that_overflows_is_named():
    exp = bl.Activation("exp", np.exp, np.exp)
    net = bl.Network([np.ones((1, 1))], [np.zeros(1)], [exp])
    with pytest.raises(ValueError, match=re.escape("a[1] = g_1(z[1]) overflowed, with g_1 = 'exp'")):
        bl.forward(net, [1000.0])


def test_float32_input_is_checked_after_the_cast():
    net = bl.Network.random([2, 1], ["identity"], seed=0, dtype=np.float32)
    with pytest.raises(ValueError, match=re.escape("x[0, 1] = 1e+39 does not fit in the network's dtype float32")):
        bl.forward(net, np.array([[1.0, 1e39]]))
    with pytest.raises(ValueError, match=re.escape("y[0, 0] = 1e+39 does not fit")):
        bl.cost(net, np.ones((1, 2)), np.array([[1e39]]))


# 3. aliasing

def test_forward_keeps_a_copy_of_x(net):
    x = np.ones((2, 3))
    fwd = bl.forward(net, x)
    bwd_before = bl.backward(net, fwd, np.zeros((2, 2)))
    x[:] = 5.0  # the caller reuses its array
    np.testing.assert_array_equal(fwd.a[0], np.ones((2, 3)))
    bwd_after = bl.backward(net, fwd, np.zeros((2, 2)))
    np.testing.assert_array_equal(bwd_after.dW[1], bwd_before.dW[1])


class ReturnsA(bl.Loss):
    """A loss whose dc/da hands back a itself (c = 1/2 sum a^2): backward must not write into it."""
    name = "half_square"

    def __call__(self, a, y):
        return 0.5 * np.sum(a * a, axis=-1)

    def grad(self, a, y):
        return a


@pytest.mark.parametrize("output", ["identity", "tanh", "softmax"])
def test_backward_never_writes_into_the_forward_pass(output):
    net = bl.Network.random([3, 4, 3], ["relu", output], seed=1)
    fwd = bl.forward(net, np.random.default_rng(0).standard_normal((5, 3)))
    saved = [v.copy() for v in list(fwd.a) + list(fwd.z)]
    bl.backward(net, fwd, np.zeros((5, 3)), loss=ReturnsA())
    for before, after in zip(saved, list(fwd.a) + list(fwd.z)):
        np.testing.assert_array_equal(after, before)


def test_changing_a_weight_in_place_between_forward_and_backward_is_detected(net):
    fwd = bl.forward(net, np.ones((2, 3)))
    net.W[2][0, 0] += 1.0  # in place, not through a write
    with pytest.raises(ValueError, match=re.escape("net has changed since fwd was computed (W[2] changed in "
                                                   "place), so backward would mix old and new values")):
        bl.backward(net, fwd, np.zeros((2, 2)))
    fwd = bl.forward(net, np.ones((2, 3)))
    net.b[1] = net.b[1] + 1.0  # a write
    with pytest.raises(ValueError, match=re.escape("(b[1] replaced)")):
        bl.backward(net, fwd, np.zeros((2, 2)))
    fwd = bl.forward(net, np.ones((2, 3)))
    net.W[2] -= 0.5  # in place, then written back: both
    with pytest.raises(ValueError, match=re.escape("(W[2] replaced)")):
        bl.backward(net, fwd, np.zeros((2, 2)))
    fwd = bl.forward(net, np.ones((2, 3)))
    net.W[2][[0, 1]] = net.W[2][[1, 0]]  # two rows swapped: the sum is the same, the checksum is not
    with pytest.raises(ValueError, match="W\\[2\\] changed in place"):
        bl.backward(net, fwd, np.zeros((2, 2)))


def test_a_deep_copy_and_a_pickled_network_keep_their_checks(net):
    import copy
    import pickle

    from backprop_lab.exercises import sandbox

    twin = copy.deepcopy(net)
    fwd = bl.forward(twin, np.ones((2, 3)))
    twin.W[1] = twin.W[1] * 2  # a write to the copy is counted by the copy, not by the original
    with pytest.raises(ValueError, match=re.escape("(W[1] replaced)")):
        bl.backward(twin, fwd, np.zeros((2, 2)))
    bl.backward(net, bl.forward(net, np.ones((2, 3))), np.zeros((2, 2)))
    sent, fwd_sent = pickle.loads(sandbox._dumps((net, bl.forward(net, np.ones((2, 3))))))
    assert fwd_sent.net is sent
    with pytest.raises(ValueError, match=re.escape("W[1] must have shape (n_0, n_1) = (3, 5)")):
        sent.W[1] = np.zeros((5, 3))
    sent.b[1] = sent.b[1] + 1.0
    with pytest.raises(ValueError, match=re.escape("(b[1] replaced)")):
        bl.backward(sent, fwd_sent, np.zeros((2, 2)))


def test_version_counts_checked_writes_and_names_them(net):
    v = net.version
    net.W[1][0, 0] += 1.0  # in place: not a write
    assert net.version == v and net.written_since(v) == []
    net.b[2] = net.b[2] + 1.0
    net.g[1] = "relu"
    net.W[2] = net.W[2] * 2.0
    assert net.version == v + 3
    assert net.written_since(v) == ["W[2]", "b[2]", "g[1]"]
    assert net.written_since(v + 2) == ["W[2]"]
    bl.sgd_step(net, bl.backward(net, bl.forward(net, np.ones(3)), np.zeros(2)), 0.1)
    assert net.version == v + 3 + 2 * net.L


def test_forward_of_another_network_of_the_same_sizes_is_refused(net):
    twin = net.copy()
    with pytest.raises(ValueError, match=re.escape("fwd was computed by another network (of the same sizes)")):
        bl.backward(twin, bl.forward(net, np.ones(3)), np.zeros(2))


# 4. sgd_step checks its Backward

def test_sgd_step_refuses_foreign_stale_or_broken_gradients(net):
    x, y = np.ones((4, 3)), np.zeros((4, 2))
    bwd = bl.backward(net, bl.forward(net, x), y)
    with pytest.raises(ValueError, match=re.escape("bwd holds the gradients of another network")):
        bl.sgd_step(net.copy(), bwd, 0.1)
    with pytest.raises(ValueError, match=re.escape("bwd holds the gradients of the loss 'squared_error', not of "
                                                   "'binary_cross_entropy'")):
        bl.sgd_step(net, bwd, 0.1, loss="binary_cross_entropy")
    bl.sgd_step(net, bwd, 0.1, loss="mse")
    with pytest.raises(ValueError, match=re.escape("net has changed since the forward pass that bwd comes from "
                                                   "(W[1], W[2], b[1], b[2] replaced)")):
        bl.sgd_step(net, bwd, 0.1)  # the same gradients twice
    bwd = bl.backward(net, bl.forward(net, x), y)
    bwd.db[1] = np.zeros((4, 5))  # a (m, n) db would broadcast b to (m, n)
    with pytest.raises(ValueError, match=re.escape("db[1] must have the shape of b[1], (5,)")):
        bl.sgd_step(net, bwd, 0.1)
    bwd.db[1] = np.full(5, np.nan)
    with pytest.raises(ValueError, match=re.escape("bwd.db[1] contains 5 NaN")):
        bl.sgd_step(net, bwd, 0.1)
    assert all(np.isfinite(b).all() for b in net.b)


def test_sgd_step_uses_a_gradient_set_to_a_list_as_the_array_it_checked(net):
    # found by tests/test_attack.py: db[1] set to a list of the right length passed the checks, then
    # the step computed b - lr * [..] and Python refused to multiply a list by a float
    bwd = bl.backward(net, bl.forward(net, np.ones((4, 3))), np.zeros((4, 2)))
    bwd.db[1] = [1.0, 2.0, 3.0, 4.0, 5.0]
    b1, W1 = net.b[1].copy(), net.W[1].copy()
    bl.sgd_step(net, bwd, 0.5)
    np.testing.assert_allclose(net.b[1], b1 - 0.5 * np.array([1.0, 2.0, 3.0, 4.0, 5.0]), rtol=0, atol=0)
    np.testing.assert_allclose(net.W[1], W1 - 0.5 * bwd.dW[1], rtol=0, atol=0)


def test_sgd_step_keeps_a_float32_network_float32():
    net = bl.Network.random([3, 2], ["tanh"], seed=0, dtype=np.float32)
    x = np.ones((2, 3), dtype=np.float32)
    bwd = bl.backward(net, bl.forward(net, x), np.zeros((2, 2)))
    bwd.dW[1] = bwd.dW[1].astype(np.float64)
    bl.sgd_step(net, bwd, 0.1)
    assert net.W[1].dtype == np.float32 and net.dtype == np.float32


def test_sgd_step_that_overflows_changes_nothing(net):
    bwd = bl.backward(net, bl.forward(net, np.ones((2, 3))), np.full((2, 2), 1000.0))
    before = [w.copy() for w in net.W]
    with pytest.raises(ValueError, match="the step W <- W - lr dW with lr = 1e[+]308 overflows: .*use a smaller lr"):
        bl.sgd_step(net, bwd, 1e308)
    for w, old in zip(net.W, before):
        np.testing.assert_array_equal(w, old)


# 5. gradient_check checks its arguments

@pytest.mark.parametrize("kwargs,error,words", [
    ({"eps": 0}, ValueError, "eps (the finite-difference step) must be > 0, got 0"),
    ({"eps": -1e-5}, ValueError, "eps (the finite-difference step) must be > 0"),
    ({"eps": float("nan")}, ValueError, "eps (the finite-difference step) must be a finite number"),
    ({"eps": "a"}, TypeError, "eps (the finite-difference step) must be a number, not str"),
    ({"tol": -1e-7}, ValueError, "tol (the tolerance) must be >= 0"),
    ({"tol": [1e-7]}, TypeError, "tol (the tolerance) must be a number, not list"),
    ({"max_params": 10}, ValueError, "the network has 32 parameters, more than max_params = 10"),
])
def test_gradient_check_arguments(net, kwargs, error, words):
    with pytest.raises(error, match=re.escape(words)):
        bl.gradient_check(net, np.ones((2, 3)), np.zeros((2, 2)), **kwargs)


def test_a_quantity_with_every_entry_on_a_kink_is_not_checked_and_does_not_pass():
    net = bl.Network([np.ones((2, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(1)], ["relu", "identity"])
    report = bl.gradient_check(net, np.zeros((2, 2)), np.ones((2, 1)))  # every z^(1) is exactly 0
    rows = {r["quantity"]: r for r in report.rows}
    assert rows["b[1]"]["checked"] == 0 and rows["b[1]"]["judged"] == "not checked"
    assert "not checked" in report.table() and "ok" not in report.table().splitlines()[3]
    assert not report.passed


def test_a_big_gradient_check_gives_an_estimate_unless_told_to_run():
    big = bl.Network.random([300, 400, 1], ["tanh", "identity"], seed=0)
    with pytest.raises(ValueError, match=r"120,801 parameters.*about .*(s|minutes|hours).*max_params=None"):
        bl.gradient_check(big, np.ones((1, 300)), np.ones((1, 1)))


# 7. other cases

def test_masked_arrays_are_refused_unless_nothing_is_masked(net):
    x = np.ma.masked_array(np.ones((2, 3)), mask=[[0, 1, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match=re.escape("x is a masked array with 1 masked value(s); backprop_lab "
                                                   "does not honour masks")):
        bl.forward(net, x)
    np.testing.assert_array_equal(bl.forward(net, np.ma.masked_array(np.ones((2, 3)))).a[2],
                                  bl.forward(net, np.ones((2, 3))).a[2])


def test_a_fresh_softmax_or_your_own_sigmoid_is_recognised():
    from backprop_lab.activations import Softmax
    soft = bl.Network([np.ones((2, 3))], [np.zeros(3)], [Softmax()])
    y = np.array([[1.0, 0, 0]])
    assert bl.cost(soft, np.ones((1, 2)), y, "cross_entropy") == pytest.approx(np.log(3))
    my_sigmoid = bl.Activation("sigmoid", lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
    mine = bl.Network([np.ones((2, 1))], [np.zeros(1)], [my_sigmoid])
    builtin = bl.Network([np.ones((2, 1))], [np.zeros(1)], ["sigmoid"])
    x, t = np.array([[0.3, -0.1]]), np.array([[1.0]])
    bwd_mine = bl.backward(mine, bl.forward(mine, x), t, "binary_cross_entropy")
    bwd_builtin = bl.backward(builtin, bl.forward(builtin, x), t, "binary_cross_entropy")
    np.testing.assert_allclose(bwd_mine.dW[1], bwd_builtin.dW[1], rtol=1e-14)
    liar = bl.Activation("sigmoid", np.tanh, lambda z: 1 - np.tanh(z) ** 2)  # named sigmoid, computes tanh
    with pytest.raises(ValueError, match="binary_cross_entropy needs a sigmoid output layer"):
        bl.cost(bl.Network([np.ones((2, 1))], [np.zeros(1)], [liar]), x, t, "binary_cross_entropy")


@pytest.mark.parametrize("seed,error,words", [
    ("abc", TypeError, "seed must be None, an int >= 0 or a numpy Generator, not str ('abc')"),
    (-1, ValueError, "seed must be an int >= 0 (or None), got -1"),
    (1.5, TypeError, "seed must be None, an int >= 0 or a numpy Generator, not float"),
])
def test_seeds_are_checked_everywhere(seed, error, words):
    for call in (lambda: bl.Network.random([2, 1], ["tanh"], seed=seed),
                 lambda: bl.train(bl.Network.random([2, 1], ["tanh"]), np.ones((2, 2)), np.ones((2, 1)), seed=seed),
                 lambda: bl.datasets.xor(seed=seed), lambda: bl.datasets.spirals(seed=seed)):
        with pytest.raises(error, match=re.escape(words)):
            call()


def test_numerical_gradient_needs_a_function_returning_one_number():
    with pytest.raises(TypeError, match=re.escape("f must return one real number (a cost), but f(x) returned "
                                                  "ndarray (3,)")):
        bl.numerical_gradient(lambda v: v * 2, np.ones(3))
    with pytest.raises(ValueError, match=re.escape("f must return a finite number, but f(x) = nan")):
        bl.numerical_gradient(lambda v: float("nan"), np.ones(3))
    with pytest.raises(ValueError, match=re.escape("eps (the finite-difference step) must be > 0, got 0")):
        bl.numerical_gradient(lambda v: float(v.sum()), np.ones(3), eps=0)
    np.testing.assert_allclose(bl.numerical_gradient(lambda v: float(np.sum(v ** 2)), np.arange(3.0)),
                               [0.0, 2.0, 4.0], atol=1e-8)


def test_dtype_and_init_mistakes_get_our_messages():
    with pytest.raises(TypeError, match=re.escape("dtype must be a floating type such as float64 or float32, "
                                                  "not 'abc'")):
        bl.Network.random([2, 1], ["tanh"], dtype="abc")
    with pytest.raises(ValueError, match=re.escape("more than this machine can hold")):
        bl.Network.random([10**7, 10**7], ["tanh"])
