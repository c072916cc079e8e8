"""The widgets, driven headless: button.click(), slider.value = k, play.value = k, .next().

Each test asserts on state (step, layer, numbers equal to bl.backward's) or on content (the
figure's artists, the PNG sent to the Output widget, the equation text), never only that
something ran.
"""

import base64
import io

import numpy as np
import pytest
from matplotlib.colors import to_rgba

import backprop_lab as bl
from backprop_lab.formatting import sig
from backprop_lab.rendering import png_bytes, render_png
from backprop_lab.stepper import fmt_number
from backprop_lab.training_run import run_training
from backprop_lab.vanishing import depth_profile
from backprop_lab.widgets import DeltaStepper, TrainingPanel, VanishingGradientPanel

PIL = pytest.importorskip("PIL.Image")



def ends_with_result(line, number):
    """The line ends with "= number", or with "\\approx number" where the rounded terms shown
    give another last digit (issue 16: a student checking by hand is never contradicted)."""
    return line.endswith("= " + number) or line.endswith(r"\approx " + number)

def four_layer():
    """2-4-3-4-1 (non-square layers), a batch of 5."""
    net = bl.Network.random([2, 4, 3, 4, 1], ["tanh", "sigmoid", "tanh", "sigmoid"], seed=2)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 2))
    y = rng.uniform(0, 1, size=(5, 1))
    return net, x, y


@pytest.fixture
def stepper():
    net, x, y = four_layer()
    return DeltaStepper(net, x, y, prewarm=False)  # prewarming has its own test below


def shown_png(s):
    """The image in the Output widget, as an (h, w, 3) array."""
    (output,) = s.out.outputs
    assert output["output_type"] == "display_data"
    png = base64.b64decode(output["data"]["image/png"])
    return np.asarray(PIL.open(io.BytesIO(png)).convert("RGB"))


def face(sc):
    return np.array(sc.get_facecolor())


# ---- controls and state ----------------------------------------------------------------------------

def test_controls_are_the_ones_the_notebooks_and_browser_tests_use(stepper):
    assert stepper.prev_button.description == "Previous"
    assert stepper.next_button.description == "Next"
    assert stepper.reset_button.description == "Reset"
    assert stepper.play.max == stepper.slider.max == stepper.last == 2 * 4 + 2
    assert stepper.step == 0 and not stepper.done and stepper.layer is None
    assert stepper.prev_button.disabled and not stepper.next_button.disabled
    assert stepper.status.value == "step 0/10: the input, $a^{(0)} = x$"  # typeset, as the equations
    assert repr(stepper) == "DeltaStepper(sizes=[2, 4, 3, 4, 1], m=5, loss='squared_error', step=0/10)"


def test_clicking_next_walks_forward_then_backward_from_L_to_1(stepper):
    layers, statuses = [], []
    while not stepper.done:
        stepper.next_button.click()
        layers.append(stepper.layer)
        statuses.append(stepper.status.value)
    assert stepper.step == 10 and stepper.done
    assert layers == [None, None, None, None, None, 4, 3, 2, 1, None]
    assert statuses[5] == ("step 6/10: the output delta, "
                           r"$\delta^{(4)} = \frac{\partial c}{\partial a^{(4)}} \odot g_4'(z^{(4)})$")
    assert statuses[6] == (r"step 7/10: the recursion, layer 3, $\delta^{(3)} = \big(\delta^{(4)} W^{(4)T}\big) "
                           r"\odot g_3'(z^{(3)})$")
    assert statuses[7].startswith(r"step 8/10: the recursion, layer 2, $\delta^{(2)} =")
    assert stepper.next_button.disabled and not stepper.prev_button.disabled
    stepper.next()  # at the end nothing happens
    assert stepper.step == 10
    stepper.prev_button.click()
    assert stepper.step == 9 and stepper.layer == 1
    stepper.previous()
    assert stepper.layer == 2
    stepper.reset_button.click()
    assert stepper.step == 0 and stepper.layer is None and stepper.prev_button.disabled
    stepper.previous()  # at the start nothing happens
    assert stepper.step == 0


def test_slider_and_play_are_linked_in_the_kernel(stepper):
    stepper.play.value = 8
    assert stepper.slider.value == 8 and stepper.step == 8 and stepper.layer == 2
    assert stepper.status.value.startswith(r"step 8/10: the recursion, layer 2, $\delta^{(2)}")
    stepper.slider.value = 3
    assert stepper.play.value == 3 and stepper.status.value.startswith("step 3/10: the forward pass, layer 3, $z^{(3)}")
    stepper.next()
    assert stepper.play.value == 4
    stepper.step = 7
    assert stepper.play.value == 7 and stepper.layer == 3
    stepper.play.playing = True
    stepper.reset()
    assert stepper.play.playing is False and stepper.play.value == 0
    with pytest.raises(ValueError, match="steps run 0..10"):
        stepper.step = 11
    with pytest.raises(TypeError):
        stepper.step = 2.5


# ---- numbers ----------------------------------------------------------------------------------------

def test_numbers_and_equations_equal_backward_at_every_delta_step(stepper):
    net, x, y = four_layer()
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y, "mse")
    stepper.example = 3
    seen = []
    stepper.reset()
    while not stepper.done:
        stepper.next()
        l = stepper.layer
        if l is None:
            continue
        seen.append(l)
        # the model's numbers are backward's, to the digit
        np.testing.assert_allclose(stepper.model.delta(l, 3), bwd.delta[l][3], rtol=1e-12, atol=0)
        # the bars show them
        np.testing.assert_allclose(stepper.bars.shown(l), bwd.delta[l][3], rtol=1e-12, atol=0)
        # the equation (following the step's layer) ends with the rounded delta_j^(l)
        for j in range(net.sizes[l]):
            stepper.select(None, j)
            assert stepper.selected == (l, j)
            assert ends_with_result(stepper.equation_latex.split(r" \\ ")[0], fmt_number(bwd.delta[l][3, j]))
            assert fmt_number(bwd.delta[l][3, j]) in stepper.equation.value
            if l < net.L:
                # each term of the sum: delta_k^(l+1) and W_jk^(l+1)
                for k in range(net.sizes[l + 1]):
                    assert fmt_number(bwd.delta[l + 1][3, k]) in stepper.equation.value
                    assert fmt_number(net.W[l + 1][j, k]) in stepper.equation.value
    assert seen == [4, 3, 2, 1]


def test_selected_neuron_and_batch_mean(stepper):
    net, x, y = four_layer()
    bwd = bl.backward(net, bl.forward(net, x), y, "mse")
    stepper.step = stepper.model.step_of("delta", 1)
    stepper.select(2, 1)
    assert stepper.selected == (2, 1)
    # code counts columns from 0, the neuron box and the equations count neurons from 1
    assert stepper.layer_select.value == 2 and stepper.index_select.value == 2
    assert "Neuron 2 of layer 2</b> (column 1 in code)" in stepper.equation.value
    assert r"\delta_{2}^{(2)}" in stepper.equation_latex
    assert ends_with_result(stepper.equation_latex.split(r" \\ ")[0], fmt_number(bwd.delta[2][0, 1]))
    example_colours = face(stepper.diagram.nodes[2])
    stepper.mode.value = "batch mean"
    assert stepper.example is None and stepper.example_select.disabled
    assert r"\overline{\delta_{2}^{(2)}}" in stepper.equation.value
    assert ends_with_result(stepper.equation_latex, fmt_number(bwd.db[2][1]))
    assert "the batch mean" in stepper.equation.value
    assert not np.allclose(face(stepper.diagram.nodes[2]), example_colours)
    np.testing.assert_allclose(stepper.bars.shown(2), bwd.db[2])
    stepper.example = 4
    assert stepper.mode.value == "one example" and stepper.example_select.value == 4
    assert ends_with_result(stepper.equation_latex.split(r" \\ ")[0], fmt_number(bwd.delta[2][4, 1]))
    # the ring marks the selected neuron
    np.testing.assert_allclose(stepper.diagram.ring.get_offsets()[0], stepper.diagram.pos[2][1])
    with pytest.raises(ValueError, match="neuron j = 3 does not exist"):
        stepper.select(2, 3)


def test_neuron_index_is_clamped_to_the_layer_that_follows_the_step(stepper):
    # the neuron box counts 1..n_l; selected is (l, column) with column = neuron - 1
    stepper.step = stepper.model.step_of("delta", 2)  # layer 2 has 3 neurons
    assert stepper.index_select.min == 1
    stepper.index_select.value = 3
    assert stepper.selected == (2, 2)
    stepper.next()  # layer 1 has 4 neurons
    assert stepper.selected == (1, 2) and stepper.index_select.max == 4
    stepper.previous()
    stepper.previous()  # layer 3, 4 neurons
    stepper.index_select.value = 4
    stepper.next()  # layer 2: neuron 4 does not exist, the box clamps to 3
    assert stepper.selected == (2, 2) and stepper.index_select.value == 3


def test_check_uses_the_example_on_show(stepper):
    net, x, y = four_layer()
    fwd = bl.forward(net, x)
    stepper.example = 2
    d3 = bl.backward(net, fwd, y).delta[3][2]
    guess = (d3 @ net.W[3].T) * bl.ACTIVATIONS["sigmoid"].prime(fwd.z[2][2])
    assert stepper.check(2, guess).ok
    assert not stepper.check(2, guess, example=1).ok
    assert "is missing" in stepper.check(2, d3 @ net.W[3].T).message


# ---- what is drawn ---------------------------------------------------------------------------------

def test_the_picture_changes_with_every_step(stepper):
    d = stepper.diagram
    def not_computed(l):  # white, dashed outline, labelled "—"
        return (np.allclose(face(d.nodes[l]), to_rgba(d.EMPTY_FILL))
                and any(dashes for _, dashes in d.nodes[l].get_linestyle())
                and all(t.get_text() == "—" for t in d.labels[l]))

    assert not_computed(1)  # nothing computed yet
    assert d.highlights[0].get_visible() and not any(h.get_visible() for h in d.highlights[1:])
    images = [shown_png(stepper)]
    for k in range(1, stepper.last + 1):
        before = [face(sc).copy() for sc in d.nodes]
        edges_before = [np.array(lc.get_color()) for lc in d.edges]
        heights_before = [[r.get_height() for r in b] for b in stepper.bars.bars]
        title_before = d.title.get_text()
        stepper.next()
        s = stepper.current
        changed_nodes = any(not np.array_equal(b, face(sc)) for b, sc in zip(before, d.nodes))
        changed_edges = any(not np.array_equal(b, np.array(lc.get_color())) for b, lc in zip(edges_before, d.edges))
        changed_bars = heights_before != [[r.get_height() for r in b] for b in stepper.bars.bars]
        assert changed_nodes or changed_edges or changed_bars or s.kind == "cost", k
        assert d.title.get_text() != title_before
        hl = stepper.model.highlight(k)
        assert [h.get_visible() for h in d.highlights] == [l == hl for l in range(5)]
        if s.kind == "forward":
            assert not not_computed(s.l)  # a^(l) is coloured now
            assert d.labels[s.l][0].get_text() != ""
        if s.kind == "delta":
            # delta^(l) coloured, the layers below not computed yet, the current bars outlined
            assert not not_computed(s.l)
            assert all(not_computed(l) for l in range(0, s.l))
            assert stepper.bars.labels[s.l - 1].get_color() == "#9a4c00"
            assert not stepper.bars.notes[s.l - 1].get_visible()
            if s.l > 1:
                assert stepper.bars.notes[s.l - 2].get_visible()
            if s.l < 4:  # the flow delta_k W_jk is on the edges of layer l+1, the others grey
                flow = stepper.model.flow(s.l + 1, stepper.example)
                widths = d.edges[s.l].get_linewidths()
                assert np.argmax(widths) == np.argmax(np.abs(flow.reshape(-1)))
                assert all(np.allclose(d.edges[i].get_color(), to_rgba(d.GREY_EDGE))
                           for i in range(4) if i != s.l)
        images.append(shown_png(stepper))
        assert d.title.get_text().startswith(f"step {k}/10:")
    # every step sent a different picture to the Output widget
    for a, b in zip(images, images[1:]):
        assert a.shape == b.shape and np.abs(a.astype(int) - b.astype(int)).sum() > 0


def test_fast_png_matches_a_full_redraw_of_the_figure(stepper):
    for k in (0, 3, 6, 10):
        stepper.step = k
        fast = shown_png(stepper).astype(int)
        full = np.asarray(PIL.open(io.BytesIO(render_png(stepper.figure, stepper.dpi))).convert("RGB")).astype(int)
        assert fast.shape == full.shape
        # identical except for the anti-aliased edges of the texts pasted from the cache
        h = full.shape[0]
        inside_text = np.zeros(full.shape[:2], dtype=bool)
        renderer = stepper.figure.canvas.get_renderer()
        for t in stepper.picture_parts.dynamic_texts():
            if t.get_visible() and t.get_text():
                box = t.get_window_extent(renderer)
                inside_text[max(int(h - box.y1) - 3, 0):int(h - box.y0) + 3, max(int(box.x0) - 3, 0):int(box.x1) + 3] = True
        differs = np.any(fast != full, axis=-1)
        assert differs.sum() < 0.01 * differs.size
        assert not np.any(differs & ~inside_text)


def test_picture_is_the_image_in_the_output_widget(stepper):
    stepper.step = 7
    pic = stepper.picture()
    assert pic.format == "png"
    assert base64.b64encode(pic.data).decode("ascii") == stepper.out.outputs[0]["data"]["image/png"]
    x, y = bl.datasets.xor(40, seed=0)
    panel = TrainingPanel(x, y, hidden=3, epochs=10)
    assert base64.b64encode(panel.picture().data).decode("ascii") == panel.out.outputs[0]["data"]["image/png"]


def test_prewarming_changes_nothing_on_show():
    net, x, y = four_layer()
    warm, cold = DeltaStepper(net, x, y), DeltaStepper(net, x, y, prewarm=False)
    assert warm.renderer.cached > cold.renderer.cached  # every step's texts are cached
    cached = warm.renderer.cached
    for k in range(warm.last + 1):
        warm.step = cold.step = k
        assert warm.status.value == cold.status.value and warm.equation.value == cold.equation.value
        np.testing.assert_array_equal(shown_png(warm), shown_png(cold))
    assert warm.renderer.cached == cached  # nothing new had to be drawn while stepping


def test_png_bytes_round_trip():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    np.testing.assert_array_equal(np.asarray(PIL.open(io.BytesIO(png_bytes(img)))), img)
    rgba = rng.integers(0, 256, size=(4, 9, 4), dtype=np.uint8)
    np.testing.assert_array_equal(np.asarray(PIL.open(io.BytesIO(png_bytes(rgba)))), rgba)


def test_single_example_and_fused_output():
    net = bl.Network.random([2, 3, 1], ["relu", "sigmoid"], seed=0)
    s = DeltaStepper(net, [0.5, -0.2], [1.0], loss="binary_cross_entropy")
    assert s.model.m == 1 and s.mode.disabled and s.example == 0
    s.step = s.model.step_of("delta", 2)
    assert "a^{(2)} - y" in s.status.value
    a = bl.forward(net, [0.5, -0.2]).a[2][0]
    assert s.equation_latex == rf"\delta_{{1}}^{{(2)}} = a_{{1}}^{{(2)}} - y_{{1}} = {fmt_number(a)} - 1 = {fmt_number(a - 1)}"


def test_bad_input_raises_the_cores_clear_errors():
    net, x, y = four_layer()
    with pytest.raises(ValueError, match="x has 3 columns but layer 1 expects n_0 = 2 inputs"):
        DeltaStepper(net, np.zeros((5, 3)), y)
    with pytest.raises(ValueError, match=r"y has shape \(5,\) but the output a\[L\] has shape \(5, 1\)"):
        DeltaStepper(net, x, y[:, 0])
    with pytest.raises(ValueError, match="at most 12 neurons"):
        DeltaStepper(bl.Network.random([2, 30, 1], "tanh", seed=0), x, y)
    with pytest.raises(ValueError, match="example 7 does not exist"):
        DeltaStepper(net, x, y, example=7)


# ---- training panel ---------------------------------------------------------------------------------

def test_run_training_is_bl_train_after_a_gradient_check():
    x, y = bl.datasets.xor(80, seed=1)
    run = run_training(x, y, hidden=6, activation="tanh", lr=0.5, epochs=50, seed=3)
    twin = bl.Network.random([2, 6, 1], ["tanh", "sigmoid"], seed=3, init="xavier")
    history = bl.train(twin, x, y, "binary_cross_entropy", lr=0.5, epochs=50, seed=3)
    np.testing.assert_allclose(run.history, history)
    for l in (1, 2):
        np.testing.assert_allclose(run.net.W[l], twin.W[l])
    assert run.check.passed and run.loss == "binary_cross_entropy"
    predictions = bl.forward(twin, x).a[2][:, 0] > 0.5
    assert run.accuracy == pytest.approx(np.mean(predictions == (y[:, 0] > 0.5)))
    spiral_x, spiral_y = bl.datasets.spirals(60, seed=0)
    run = run_training(spiral_x, spiral_y, hidden=5, activation="relu", epochs=5)
    assert run.net.sizes == [2, 5, 3] and run.loss == "cross_entropy" and run.net.g[2].name == "softmax"


def test_training_panel_retrains_with_the_controls():
    x, y = bl.datasets.moons(100, seed=0)
    panel = TrainingPanel(x, y, hidden=4, epochs=40, lr=0.3)
    assert panel.net.sizes == [2, 4, 1] and len(panel.history) == 41
    assert panel.status.value.startswith("gradient check passed")
    first_png = panel.out.outputs[0]["data"]["image/png"]
    loss_line = panel.ax_loss.get_lines()[0]
    np.testing.assert_allclose(loss_line.get_ydata(), panel.history)
    panel.hidden.value = 7
    panel.activation.value = "relu"
    panel.epochs.value = 120
    panel.train_button.click()
    assert panel.net.sizes == [2, 7, 1] and panel.net.g[1].name == "relu" and len(panel.history) == 121
    assert panel.history[-1] < panel.history[0]
    np.testing.assert_allclose(panel.ax_loss.get_lines()[0].get_ydata(), panel.history)
    assert panel.out.outputs[0]["data"]["image/png"] != first_png
    assert "relu, 7 hidden" in panel.ax_boundary.get_title()
    with pytest.raises(ValueError, match=r"shape \(m, 2\)"):
        TrainingPanel(np.zeros((10, 3)), np.zeros((10, 1)))


# ---- vanishing gradients ---------------------------------------------------------------------------

def test_vanishing_gradient_panel_plots_depth_profiles():
    panel = VanishingGradientPanel(activations=("sigmoid", "relu"), init="xavier", depth=5, width=10, m=16)
    assert set(panel.profiles) == {"sigmoid", "relu"}
    np.testing.assert_allclose(panel.profiles["sigmoid"],
                               depth_profile("sigmoid", init="xavier", L=5, width=10, m=16, seed=0))
    lines = [ln for ln in panel.ax.get_lines() if ln.get_label() in ("sigmoid", "relu")]
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_ydata(), panel.profiles["sigmoid"])
    np.testing.assert_array_equal(lines[0].get_xdata(), np.arange(1, 6))
    panel.depth.value = 9
    assert len(panel.profiles["relu"]) == 9
    panel.activations.value = ("tanh",)
    assert list(panel.profiles) == ["tanh"]
    panel.init.value = "normal"
    np.testing.assert_allclose(panel.profiles["tanh"],
                               depth_profile("tanh", init="normal", L=9, width=10, m=16, seed=0))
    assert panel.status.value.startswith(r"$\|\partial C/\partial b^{(1)}\| / \|\partial C/\partial b^{(9)}\|$: tanh ")  # typeset
    assert panel.out.outputs[0]["data"]["image/png"]


def test_neuron_labels_and_equations_use_the_same_number_format(stepper):
    net, x, y = four_layer()
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y)
    stepper.example = 1
    stepper.step = stepper.model.step_of("forward", 2)
    for j in range(net.sizes[2]):
        stepper.select(2, j)
        label = stepper.diagram.labels[2][j].get_text()
        assert label == sig(fwd.a[2][1, j])
        assert ends_with_result(stepper.equation_latex, label)  # the same digits as the equation
    stepper.step = stepper.model.step_of("delta", 3)
    stepper.select(3, 2)
    label = stepper.diagram.labels[3][2].get_text()
    assert label == sig(bwd.delta[3][1, 2])
    assert ends_with_result(stepper.equation_latex.split(r" \\ ")[0], fmt_number(bwd.delta[3][1, 2]))


def test_the_header_cites_the_section_of_the_equation_on_show(stepper):
    stepper.step = stepper.model.step_of("delta", 2)  # a hidden layer's step
    stepper.select(4, 0)  # the output layer's delta: derived in 02
    assert "Derived in 02_output_delta.ipynb" in stepper.equation.value
    stepper.select(2, 0)  # the recursion: derived in 03
    assert "Derived in 03_backward_recursion.ipynb" in stepper.equation.value


def test_widgets_share_one_picture_method():
    from backprop_lab.widgets.base import PictureView

    for view in (DeltaStepper, TrainingPanel, VanishingGradientPanel):
        assert issubclass(view, PictureView) and view.picture is PictureView.picture


def test_learning_rate_slider_shows_the_rate_in_use():
    x, y = bl.datasets.xor(40, seed=0)
    panel = TrainingPanel(x, y, hidden=3, epochs=10, lr=1.5)
    labels = dict((v, label) for label, v in panel.lr.options)
    assert panel.lr.value == 1.5 and labels[1.5] == "1.5"
    assert "lr 1.5:" in panel.ax_boundary.get_title()
    panel = TrainingPanel(x, y, hidden=3, epochs=10, lr=0.07)  # not a round rate: added to the options
    assert panel.lr.value == 0.07 and panel.run.net.sizes == [2, 3, 1]
    panel.lr.value = 10.0
    panel.train_button.click()
    assert "lr 10:" in panel.ax_boundary.get_title()


def test_png_bytes_refuses_an_image_that_is_not_rgb_or_rgba():
    with pytest.raises(ValueError, match=r"\(h, w, 3\) or \(h, w, 4\).*\(2, 2, 2\)"):
        png_bytes(np.zeros((2, 2, 2), dtype=np.uint8))


# ---- settings are honoured or refused by name, never clamped silently (issue 14) ---------------------

def test_training_panel_honours_every_setting_or_names_the_allowed_ones():
    x, y = bl.datasets.xor(40, seed=0)
    panel = TrainingPanel(x, y, hidden=64, epochs=5, lr=100.0)
    assert panel.hidden.value == 64 and panel.epochs.value == 5 and panel.lr.value == 100.0
    assert panel.run.net.sizes == [2, 64, 1] and len(panel.history) == 6  # what ran is what was asked
    assert "lr 100:" in panel.ax_boundary.get_title()
    for lr in (0, -1, float("nan"), 10**400):
        with pytest.raises(ValueError, match="lr .* must be a positive number"):
            TrainingPanel(x, y, hidden=3, epochs=10, lr=lr)
    with pytest.raises(ValueError, match="activation must be one of 'tanh', 'sigmoid', 'relu', 'leaky_relu'; "
                                         "got 'softplus'"):
        TrainingPanel(x, y, hidden=3, epochs=10, activation="softplus")
    with pytest.raises(ValueError, match="hidden must be at least 1; got 0"):
        TrainingPanel(x, y, hidden=0, epochs=10)
    with pytest.raises(TypeError, match="epochs must be an int, not float"):
        TrainingPanel(x, y, hidden=3, epochs=2.5)


def test_vanishing_panel_honours_every_setting_or_names_the_allowed_ones():
    panel = VanishingGradientPanel(activations=("relu",), depth=30, width=500, m=8)
    assert panel.depth.value == 30 and panel.width.value == 500
    assert panel.profiles["relu"].shape == (30,)
    np.testing.assert_allclose(panel.profiles["relu"], depth_profile("relu", init="xavier", L=30, width=500,
                                                                     m=8, seed=0))
    with pytest.raises(ValueError, match="init must be one of 'xavier', 'he', 'normal', 0.1, 1.0; got 'glorot'"):
        VanishingGradientPanel(init="glorot")
    with pytest.raises(ValueError, match="each activation must be one of 'sigmoid', 'tanh', 'relu', "
                                         "'leaky_relu'; got 'softplus'"):
        VanishingGradientPanel(activations=("sigmoid", "softplus"))
    with pytest.raises(ValueError, match="depth must be at least 2; got 1"):
        VanishingGradientPanel(depth=1)


def test_stepper_refuses_a_diverged_network_in_words():
    big = bl.Network([np.full((2, 3), 1e200), np.full((3, 1), 1e200)], [np.zeros(3), np.zeros(1)],
                     ["identity", "identity"])
    # the core names the overflow before the stepper's own check can (issue 14)
    with pytest.raises(ValueError, match=r"z\[2\] .*infinite.*overflowed \(the largest \|a\[1\]\| or \|W\[2\]\| is 1e\+200\)"):
        DeltaStepper(big, [0.5, 0.1], [1.0])
    net = bl.Network.random([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    net.W[1][0, 0] = np.nan  # what a diverged training run leaves behind
    with pytest.raises(ValueError, match=r"W\[1\] contains 1 NaN .*W\[1\]\[0, 0\] = nan: it was changed in place"):
        DeltaStepper(net, [0.5, 0.1], [1.0])


def test_a_huge_but_finite_delta_is_drawn_and_every_line_stays_short():
    import warnings

    net = bl.Network([np.ones((2, 1)), np.ones((1, 1))], [np.zeros(1), np.zeros(1)], ["identity", "identity"])
    # a delta of 1.5e308 makes the cost 1/2 delta^2 overflow, and the core refuses it in words (issue 14)
    with pytest.raises(ValueError, match=r"overflow"):
        DeltaStepper(net, [1.5e308, 0.0], [0.0])
    # the largest delta whose cost and gradients are finite: 1e150 (cost 5e299, dW 1e300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings reach the student either
        s = DeltaStepper(net, [1e150, 0.0], [0.0])
        for example in (0, None):
            s.example = example
            for k in range(s.last + 1):
                s.step = k
                assert shown_png(s).shape[0] > 0
                assert len(s.status.value) < 300
                assert all(len(t.get_text()) < 120 for t in s.picture_parts.texts())
                assert all(len(line) < 600 for line in s.current_equation.lines)
    assert s.diagram.labels[2][0].get_text() == "1×10¹⁵⁰"
    x, y = bl.datasets.xor(40, seed=0)
    panel = TrainingPanel(x, y, hidden=3, epochs=30, lr=1000.0)  # may diverge: the line stays short
    assert len(panel.status.value) < 200


def test_check_refuses_a_complex_guess_and_neuron_must_be_a_pair(stepper):
    feedback = stepper.check(2, np.array([1 + 1j, 0, 0]))
    assert not feedback.ok and "complex" in feedback.message and "real" in feedback.message
    net, x, y = four_layer()
    with pytest.raises(TypeError, match=r"neuron must be a pair \(l, j\).*not 3"):
        DeltaStepper(net, x, y, neuron=3, prewarm=False)


def test_the_bars_drawn_are_the_bars_heights(stepper):
    stepper.step = stepper.model.step_of("delta", 3)
    drawn = stepper.bars.shapes.get_paths()
    heights = [r.get_height() for bars in stepper.bars.bars for r in bars if r.get_height()]
    assert len(drawn) == len(heights) == 4 + 1  # delta^(4) (1 neuron) and delta^(3) (4 neurons)
    for path, h in zip(drawn, heights):
        ys = path.vertices[:, 1]
        assert min(ys) == pytest.approx(min(0, h)) and max(ys) == pytest.approx(max(0, h))
    # and they are in the picture: the pixels of the tallest bar are coloured, not the panel's grey
    png = shown_png(stepper)
    path = drawn[int(np.argmax(np.abs(heights)))]
    x, y = stepper.ax_bars.transData.transform(path.vertices.mean(axis=0))
    pixel = png[png.shape[0] - int(y), int(x)].astype(int)
    assert np.ptp(pixel) > 60  # a saturated red or blue


def test_at_the_cost_step_the_forward_values_stay_on_show(stepper):
    stepper.step = stepper.model.step_of("cost")
    for l, labels in enumerate(stepper.diagram.labels):
        a = stepper.model.a(l, stepper.example)
        assert [t.get_text() for t in labels] == [bl.formatting.unicode(v) for v in a]
        assert not any(dashes for _, dashes in stepper.diagram.nodes[l].get_linestyle())


def test_the_colour_keys_say_whose_numbers_and_their_scale(stepper):
    keys = stepper.picture_parts
    stepper.step = stepper.model.step_of("delta", 2)
    stepper.example = 0
    caption, high = keys.node_key.caption.get_text(), keys.node_key.high.get_text()
    assert "example 0" in caption and r"\delta" in caption
    limit = max(float(np.max(np.abs(stepper.model.delta(l, 0)))) for l in (2, 3, 4))
    assert high == "+" + bl.formatting.unicode(limit)
    stepper.example = None  # the batch mean: another scale, and the key says so
    assert "batch mean" in keys.node_key.caption.get_text()
    limit_mean = max(float(np.max(np.abs(stepper.model.delta(l)))) for l in (2, 3, 4))
    assert keys.node_key.high.get_text() == "+" + bl.formatting.unicode(limit_mean) != high
    assert "batch mean" in stepper.bars.title.get_text()
    assert stepper.bars.ticks[0].get_text() == "+" + bl.formatting.unicode(stepper.model.bar_limit(None))
