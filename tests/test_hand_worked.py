"""A 2-2-1 network worked by hand, checked to the digit.

Every number below is a short binary fraction, so float64 holds it exactly and the
comparisons can be exact.

Network (seed's notation, z_j = sum_i a_i W_ij + b_j):
    x = a^(0) = (1, 2)
    W^(1) = [[0.5, -1.0],      b^(1) = (0, -0.5),   g_1 = relu
             [0.25, 0.5]]
    W^(2) = [[2.0],            b^(2) = (-2,),       g_2 = sigmoid
             [3.0]]
    y = (1,)
"""

import numpy as np
import pytest

import backprop_lab as bl

X = np.array([1.0, 2.0])
Y = np.array([1.0])


def hand_net():
    W1 = np.array([[0.5, -1.0], [0.25, 0.5]])
    b1 = np.array([0.0, -0.5])
    W2 = np.array([[2.0], [3.0]])
    b2 = np.array([-2.0])
    return bl.Network([W1, W2], [b1, b2], ["relu", "sigmoid"])


def test_forward_by_hand():
    fwd = bl.forward(hand_net(), X)
    # z_1^(1) = 1*0.5 + 2*0.25 + 0    = 1.0   -> a_1^(1) = relu(1.0)  = 1.0
    # z_2^(1) = 1*(-1) + 2*0.5 - 0.5  = -0.5  -> a_2^(1) = relu(-0.5) = 0.0
    np.testing.assert_array_equal(fwd.z[1], [1.0, -0.5])
    np.testing.assert_array_equal(fwd.a[1], [1.0, 0.0])
    # z_1^(2) = 1.0*2 + 0.0*3 - 2 = 0  -> a^(2) = sigmoid(0) = 1/2
    np.testing.assert_array_equal(fwd.z[2], [0.0])
    np.testing.assert_array_equal(fwd.a[2], [0.5])
    assert fwd.a[0] is not None and np.array_equal(fwd.a[0], X)


def test_mse_backward_by_hand():
    net = hand_net()
    fwd = bl.forward(net, X)
    bwd = bl.backward(net, fwd, Y, loss="mse")
    # c = 1/2 (0.5 - 1)^2 = 0.125
    assert bl.cost(net, X, Y, loss="mse") == 0.125
    # delta^(2) = dc/da * sigmoid'(0) = (0.5 - 1) * (0.5 * 0.5) = -0.5 * 0.25 = -0.125
    np.testing.assert_array_equal(bwd.delta[2], [-0.125])
    # delta_j^(1) = sum_k delta_k^(2) W_jk^(2) relu'(z_j^(1)):
    #   j=1: -0.125 * 2.0 * 1 = -0.25;   j=2: -0.125 * 3.0 * 0 = 0
    np.testing.assert_array_equal(bwd.delta[1], [-0.25, 0.0])
    # dc/dW_ij^(2) = a_i^(1) delta_j^(2): (1.0 * -0.125, 0.0 * -0.125)
    np.testing.assert_array_equal(bwd.dW[2], [[-0.125], [0.0]])
    np.testing.assert_array_equal(bwd.db[2], [-0.125])
    # dc/dW_ij^(1) = x_i delta_j^(1): row i=1: (1*-0.25, 1*0), row i=2: (2*-0.25, 2*0)
    np.testing.assert_array_equal(bwd.dW[1], [[-0.25, 0.0], [-0.5, 0.0]])
    np.testing.assert_array_equal(bwd.db[1], [-0.25, 0.0])


def test_binary_cross_entropy_backward_by_hand():
    net = hand_net()
    fwd = bl.forward(net, X)
    bwd = bl.backward(net, fwd, Y, loss="binary_cross_entropy")
    # c = -[1 * log(0.5) + 0 * log(0.5)] = log 2
    assert bl.cost(net, X, Y, loss="binary_cross_entropy") == pytest.approx(np.log(2), rel=1e-15)
    # sigmoid + binary cross-entropy: delta^(2) = a - y = 0.5 - 1 = -0.5
    np.testing.assert_array_equal(bwd.delta[2], [-0.5])
    # delta^(1) = (-0.5 * 2.0 * 1, -0.5 * 3.0 * 0) = (-1, 0)
    np.testing.assert_array_equal(bwd.delta[1], [-1.0, 0.0])
    np.testing.assert_array_equal(bwd.dW[1], [[-1.0, 0.0], [-2.0, 0.0]])
    np.testing.assert_array_equal(bwd.dW[2], [[-0.5], [0.0]])


def test_batch_gradients_are_the_mean_of_the_examples():
    # A second example x' = (0, 2) with y' = 0.5 gives, by hand:
    #   z^(1) = (0*0.5 + 2*0.25 + 0, 0*(-1) + 2*0.5 - 0.5) = (0.5, 0.5), a^(1) = (0.5, 0.5)
    #   z^(2) = 0.5*2 + 0.5*3 - 2 = 0.5;  identity output: a^(2) = 0.5 = y', so c' = 0 and delta' = 0.
    # With an identity output the first example has a^(2) = 0, delta^(2) = 0 - 1 = -1,
    #   delta^(1) = (-1*2*1, -1*3*0) = (-2, 0), dW^(1) = [[-2, 0], [-4, 0]], dW^(2) = [[-1], [0]].
    # The batch gradient is the mean over the 2 examples: half of the first example's.
    W1 = np.array([[0.5, -1.0], [0.25, 0.5]])
    net = bl.Network([W1, np.array([[2.0], [3.0]])], [np.array([0.0, -0.5]), np.array([-2.0])],
                     ["relu", "identity"])
    x = np.array([[1.0, 2.0], [0.0, 2.0]])
    y = np.array([[1.0], [0.5]])
    bwd = bl.backward(net, bl.forward(net, x), y)
    np.testing.assert_array_equal(bwd.delta[2], [[-1.0], [0.0]])
    np.testing.assert_array_equal(bwd.delta[1], [[-2.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(bwd.dW[1], [[-1.0, 0.0], [-2.0, 0.0]])
    np.testing.assert_array_equal(bwd.dW[2], [[-0.5], [0.0]])
    np.testing.assert_array_equal(bwd.db[2], [-0.5])
    # C = (1/2)(1/2 * 1^2 + 0) = 0.25
    assert bl.cost(net, x, y) == 0.25
