"""Network construction, sgd_step, train, the toy datasets and the plotting helpers' inputs."""

import re

import numpy as np
import pytest

import backprop_lab as bl


def test_network_copies_its_parameters_and_reports_its_shape():
    W1, b1 = np.ones((2, 3)), np.zeros(3)
    net = bl.Network([W1, np.ones((3, 1))], [b1, np.zeros(1)], ["tanh", "sigmoid"])
    W1[0, 0] = 99.0
    assert net.W[1][0, 0] == 1.0
    assert net.L == 2 and net.sizes == [2, 3, 1] and net.dtype == np.float64
    assert [g.name for g in net.g] == ["tanh", "sigmoid"]
    assert repr(net) == "Network(sizes=[2, 3, 1], activations=['tanh', 'sigmoid'], dtype=float64)"
    twin = net.copy()
    twin.W[1][0, 0] = -5.0
    assert net.W[1][0, 0] == 1.0


def test_one_activation_name_for_every_layer_and_int_weights():
    net = bl.Network([[[1, 2]], [[3], [4]]], [[0, 0], [0]], "relu")
    assert [g.name for g in net.g] == ["relu", "relu"] and net.dtype == np.float64
    np.testing.assert_array_equal(net.predict([2.0]), [2 * 3 + 4 * 4])


@pytest.mark.parametrize("init,std", [("xavier", np.sqrt(2 / (200 + 300))), ("he", np.sqrt(2 / 200)),
                                      ("normal", 1.0), (0.05, 0.05)])
def test_random_init_has_the_documented_spread(init, std):
    net = bl.Network.random([200, 300, 1], ["tanh", "identity"], seed=0, init=init)
    assert net.W[1].std() == pytest.approx(std, rel=0.02)
    assert abs(net.W[1].mean()) < 0.05 * std
    assert (net.b[1].std() > 0.9) if init == "normal" else np.all(net.b[1] == 0)


def test_random_is_reproducible_and_seeded():
    a = bl.Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=5)
    b = bl.Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=5)
    c = bl.Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=6)
    assert all(np.array_equal(u, v) for u, v in zip(a.W, b.W))
    assert not np.array_equal(a.W[1], c.W[1])
    assert bl.Network.random([3, 2], ["tanh"], dtype=np.float32).W[1].dtype == np.float32


def test_forward_on_one_example_is_row_of_batch():
    net = bl.Network.random([3, 4, 2], ["tanh", "softmax"], seed=1)
    x = np.random.default_rng(1).standard_normal((5, 3))
    batch, single = bl.forward(net, x), bl.forward(net, x[2])
    assert single.single and single.m == 1 and batch.m == 5
    for l in range(0, 3):
        np.testing.assert_allclose(single.a[l], batch.a[l][2], rtol=1e-14)  # BLAS may round a row differently
    assert "one example" in repr(single)


def test_sgd_step_moves_against_the_gradient_and_keeps_old_arrays():
    net = bl.Network.random([2, 3, 1], ["tanh", "identity"], seed=0)
    x, y = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1.0], [0.0]])
    C_before = bl.cost(net, x, y)
    bwd = bl.backward(net, bl.forward(net, x), y)
    W1_old, b2_old = net.W[1], net.b[2]
    W1_copy = W1_old.copy()
    out = bl.sgd_step(net, bwd, 0.1)
    assert out is net
    np.testing.assert_array_equal(net.W[1], W1_copy - 0.1 * bwd.dW[1])
    np.testing.assert_array_equal(net.b[2], b2_old - 0.1 * bwd.db[2])
    np.testing.assert_array_equal(W1_old, W1_copy)  # the old array was not modified
    # a small step along -gradient lowers C (first-order Taylor)
    assert bl.cost(net, x, y) < C_before


def test_train_learns_xor_and_is_reproducible():
    x, y = bl.datasets.xor(m=100, noise=0.1, seed=0)
    histories = []
    for _ in range(2):
        net = bl.Network.random([2, 8, 1], ["tanh", "sigmoid"], seed=0)
        histories.append(bl.train(net, x, y, loss="binary_cross_entropy", lr=0.5, epochs=200,
                                  batch_size=20, seed=1))
    h = histories[0]
    assert h == histories[1]
    assert len(h) == 201 and h[0] == pytest.approx(bl.cost(bl.Network.random([2, 8, 1], ["tanh", "sigmoid"], seed=0),
                                                          x, y, loss="binary_cross_entropy"))
    assert h[-1] < 0.1 * h[0]
    accuracy = np.mean((net.predict(x) > 0.5) == (y > 0.5))
    assert accuracy >= 0.97


def test_full_batch_training_is_plain_gradient_descent():
    x, y = bl.datasets.moons(m=40, seed=2)
    net = bl.Network.random([2, 5, 1], ["tanh", "sigmoid"], seed=2)
    manual = net.copy()
    bl.train(net, x, y, loss="mse", lr=0.3, epochs=3)
    for _ in range(3):
        bl.sgd_step(manual, bl.backward(manual, bl.forward(manual, x), y), 0.3)
    for l in (1, 2):
        np.testing.assert_allclose(net.W[l], manual.W[l], rtol=1e-14)


def test_spirals_train_with_softmax_and_cross_entropy():
    x, y = bl.datasets.spirals(m=150, classes=3, seed=0)
    net = bl.Network.random([2, 32, 3], ["relu", "softmax"], seed=0, init="he")
    h = bl.train(net, x, y, loss="cross_entropy", lr=1.0, epochs=300, seed=0)
    assert h[-1] < 0.5 * h[0]


@pytest.mark.parametrize("make", [bl.datasets.xor, bl.datasets.moons, bl.datasets.spirals])
def test_datasets_are_seeded_and_shaped(make):
    x1, y1 = make(m=60, seed=3)
    x2, y2 = make(m=60, seed=3)
    x3, _ = make(m=60, seed=4)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    assert x1.shape == (60, 2) and y1.shape[0] == 60
    assert set(np.unique(y1)) <= {0.0, 1.0}
    assert np.all(y1.sum(axis=1) == 1) if y1.shape[1] > 1 else True


def test_a_dataset_too_large_to_hold_names_the_arguments_at_fault():
    with pytest.raises(ValueError, match=re.escape(
            "m = 300 examples of 3333334 numbers each (x and y, classes = 3333332) would need 8 GB; "
            "use a smaller m or classes")):
        bl.datasets.spirals(classes=3333332)
    with pytest.raises(ValueError, match=re.escape(
            "m = 1000000000 examples of 3 numbers each (x and y) would need 24 GB; use a smaller m")):
        bl.datasets.moons(m=10**9)


def test_xor_labels_follow_the_corners():
    x, y = bl.datasets.xor(m=50, noise=0.0, seed=0)
    np.testing.assert_array_equal(y[:, 0], (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(float))


def test_one_hot():
    np.testing.assert_array_equal(bl.datasets.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="does not fit in k = 2"):
        bl.datasets.one_hot(np.array([2]), 2)
    with pytest.raises(ValueError, match="noise must be >= 0, got -1"):
        bl.datasets.moons(noise=-1)


def test_draw_network_checks_its_inputs_and_returns_artists():
    import matplotlib.pyplot as plt

    net = bl.Network.random([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    fwd = bl.forward(net, np.array([0.5, -1.0]))
    fig, ax = plt.subplots()
    art = bl.plotting.draw_network(ax, net, node_values=list(fwd.a), edge_values=list(net.W), highlight=1)
    assert len(art["nodes"]) == 3 and len(art["edges"]) == 2 and art["highlight"] is not None
    labels = {t.get_text() for t in ax.texts}
    assert f"{fwd.a[2][0]:.2f}" in labels and "layer 1" in labels
    with pytest.raises(ValueError, match=r"node_values\[1\] has shape \(2,\) but layer 1 needs shape \(3,\)"):
        bl.plotting.draw_network(ax, net, node_values=[fwd.a[0], np.zeros(2), fwd.a[2]])
    with pytest.raises(ValueError, match="one entry per layer l = 1..2"):
        bl.plotting.draw_network(ax, net, edge_values=[net.W[1]])
    plt.close(fig)


# --- issue 14 ---------------------------------------------------------------------------------

def test_train_stops_at_the_first_non_finite_cost_and_restores_the_network():
    net = bl.Network.random([2, 8, 1], ["relu", "identity"], seed=0, init="he")
    x, y = bl.datasets.moons(m=40, seed=0)
    reference = net.copy()
    history = bl.train(reference, x, y, lr=30.0, epochs=1)  # one epoch still finite
    with pytest.raises(bl.TrainingDiverged) as info:
        bl.train(net, x, y, lr=30.0, epochs=50)
    error = info.value
    assert isinstance(error, ValueError)
    assert f"training diverged in epoch {error.epoch} of 50" in str(error)
    assert "try a smaller lr than 30, e.g. lr=3" in str(error)
    assert len(error.history) == error.epoch and all(np.isfinite(error.history))
    assert error.history[:2] == history
    # the network is left as it was after the last finite epoch: its cost is the last one recorded
    assert bl.cost(net, x, y) == pytest.approx(error.history[-1], rel=1e-12)
    assert all(np.isfinite(w).all() for w in net.W)


def test_bwd_cost_is_the_batch_cost_without_a_second_forward_pass():
    for sizes, acts, loss, y in [([3, 4, 2], ["tanh", "sigmoid"], "binary_cross_entropy", [[1.0, 0.0], [0.0, 1.0]]),
                                 ([3, 4, 3], ["relu", "softmax"], "cross_entropy", [2, 0]),
                                 ([3, 4, 2], ["tanh", "identity"], "mse", [[0.5, -1.0], [2.0, 0.0]])]:
        net = bl.Network.random(sizes, acts, seed=4)
        x = np.array([[0.2, -1.0, 0.5], [1.5, 0.3, -0.7]])
        bwd = bl.backward(net, bl.forward(net, x), y, loss)
        assert bwd.cost == bl.cost(net, x, y, loss)
        single = bl.backward(net, bl.forward(net, x[1]), np.asarray(y)[1], loss)
        assert single.cost == bl.cost(net, x[1], np.asarray(y)[1], loss)
    with pytest.raises(ValueError, match="this Backward does not hold its forward pass"):
        bl.Backward([np.zeros(2)], [np.zeros((3, 2))], [np.zeros(2)], bl.get_loss("mse")).cost


def test_set_parameters_is_all_or_nothing():
    net = bl.Network.random([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    before = [w.copy() for w in net.W] + [b.copy() for b in net.b]
    with pytest.raises(ValueError, match=re.escape("b[2] contains 1 NaN")):
        net.set_parameters([np.ones((2, 3)), np.ones((3, 1))], [np.ones(3), np.array([np.nan])])
    for p, old in zip(list(net.W) + list(net.b), before):
        np.testing.assert_array_equal(p, old)
    net.set_parameters([np.ones((2, 3)), np.ones((3, 1))], [np.ones(3), np.ones(1)])
    assert net.W[2].sum() == 3.0
