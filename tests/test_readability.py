"""The stepper's picture as a student sees it (issue 16, item 1).

In a 1400 x 1000 JupyterLab window the stepper's output is about 970 CSS px wide. The picture
must fill at least 3/4 of it without being upscaled, and every text in it must be at least 11 CSS
px tall. A text's height in CSS px is its font size in points * dpi / 72 (pixels in the PNG)
times the displayed scale (the <img>'s CSS width / the PNG's width).
"""

import base64
import io
import re

import numpy as np
import pytest
from matplotlib.text import Text

import backprop_lab as bl
from backprop_lab.widgets import DeltaStepper

PIL = pytest.importorskip("PIL.Image")

OUTPUT_WIDTH = 970  # CSS px: the stepper's output at a 1400 x 1000 window
MIN_TEXT = 11.0     # CSS px


def networks():
    rng = np.random.default_rng(0)
    yield "2-4-3-4-1, tests", bl.Network.random([2, 4, 3, 4, 1], ["tanh", "sigmoid", "tanh", "sigmoid"], seed=2), \
        rng.standard_normal((5, 2)), rng.uniform(0, 1, (5, 1))
    yield "05's 2-3-3-1", bl.Network.random([2, 3, 3, 1], ["tanh", "tanh", "sigmoid"], seed=1), \
        np.array([[-1.0, -0.8], [-0.9, 1.0], [1.0, -1.1], [0.8, 0.9]]), np.array([[0.0], [1.0], [1.0], [0.0]])
    yield "05's deeper 2-4-4-4-4-1", bl.Network.random([2, 4, 4, 4, 4, 1], "sigmoid", seed=0), \
        rng.standard_normal((4, 2)), rng.uniform(0, 1, (4, 1))
    yield "12 wide, L = 6", bl.Network.random([3, 12, 12, 12, 12, 12, 2], "tanh", seed=3), \
        rng.standard_normal((3, 3)), rng.uniform(0, 1, (3, 2))


def shown(s):
    """(natural width of the PNG, the CSS width it is shown at) of the stepper's picture."""
    (output,) = s.out.outputs
    png = base64.b64decode(output["data"]["image/png"])
    natural = PIL.open(io.BytesIO(png)).size[0]
    css = output["metadata"]["image/png"]["width"]
    return natural, css


@pytest.mark.parametrize("name, net, x, y", list(networks()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_text_is_at_least_11_css_px_and_the_picture_fills_three_quarters(name, net, x, y):
    s = DeltaStepper(net, x, y, prewarm=False)
    for example in (0, None):
        s.example = example
        for k in range(s.last + 1):
            s.step = k
            natural, css = shown(s)
            assert css <= natural, "never upscaled"
            assert css >= 0.75 * OUTPUT_WIDTH and css <= OUTPUT_WIDTH
            scale = css / natural
            renderer = s.figure.canvas.get_renderer()
            fig_box = s.figure.bbox
            texts = [t for t in s.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
            assert len(texts) > 2 * sum(net.sizes[:1])  # labels, captions, keys, ticks: all of them
            for t in texts:
                px = t.get_fontsize() * s.figure.dpi / 72 * scale
                assert px >= MIN_TEXT, (name, k, t.get_text(), px)
                box = t.get_window_extent(renderer)  # inside the picture, not cut off
                assert box.x0 >= fig_box.x0 - 1 and box.x1 <= fig_box.x1 + 1, (name, k, t.get_text())
                assert box.y0 >= fig_box.y0 - 1 and box.y1 <= fig_box.y1 + 1, (name, k, t.get_text())


def test_node_labels_fit_inside_their_neurons():
    _, net, x, y = next(networks())
    s = DeltaStepper(net, x, y, prewarm=False)
    renderer = s.figure.canvas.get_renderer()
    for k in range(s.last + 1):
        s.step = k
        for l, labels in enumerate(s.diagram.labels):
            for j, t in enumerate(labels):
                cx, cy = s.ax_net.transData.transform(s.diagram.pos[l][j])
                half_width = s.diagram.node_width / 72 * s.figure.dpi / 2
                box = t.get_window_extent(renderer)
                assert cx - half_width < box.x0 and box.x1 < cx + half_width, (k, t.get_text())


# ---- the plots of 06 and 07 (items 9-11) -----------------------------------------------------------

def _drawn_labels(ax, axis="y"):
    ax.figure.canvas.draw()
    target = ax.yaxis if axis == "y" else ax.xaxis
    return [t.get_text() for t in target.get_ticklabels() if t.get_text()]


def test_log_axes_have_plain_tick_labels():
    from matplotlib.figure import Figure

    from backprop_lab.plotting import plot_delta_norms, plot_loss_curve

    ax = Figure().add_subplot()
    plot_loss_curve(ax, [0.69, 0.5, 0.4, 0.35])  # less than one decade: the case of "6×10⁻¹"
    labels = _drawn_labels(ax)
    assert labels and all(re.fullmatch(r"\d+(\.\d+)?", t) for t in labels), labels  # plain: 0.5, 0.2
    ax = Figure().add_subplot()
    plot_delta_norms(ax, np.logspace(-9, 2, 10))  # eleven decades: powers of ten only
    labels = _drawn_labels(ax)
    assert labels and not any("×" in t or "times" in t for t in labels)
    assert all(t.startswith("$10^") or float(t) in (0.0001, 0.001, 0.01, 0.1, 1, 10, 100) for t in labels)


def test_decision_boundaries_say_which_colour_is_which():
    from matplotlib.colors import to_rgb
    from matplotlib.figure import Figure

    from backprop_lab.plotting import CLASS_COLOURS, plot_decision_boundary

    x, y = bl.datasets.moons(60, noise=0.15, seed=0)
    net = bl.Network.random([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    fig = Figure()
    ax = fig.add_subplot()
    plot_decision_boundary(ax, net, x, y)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["y = 0", "y = 1"]
    assert len(fig.axes) == 2 and "a^{(L)}" in fig.axes[1].get_ylabel()  # the colour bar and its label
    # the points are the colours of their side of the shading, darker: never dark dots on dark shading
    shade = ax.collections[0].get_cmap()
    for end, colour in ((0.0, CLASS_COLOURS[0]), (1.0, CLASS_COLOURS[1])):
        region = np.array(shade(end)[:3])
        assert np.argmax(region) == np.argmax(to_rgb(colour)) and region.min() > 0.5
    xs, ys = bl.datasets.spirals(60, classes=3, noise=0.2, seed=0)
    net3 = bl.Network.random([2, 8, 3], ["relu", "softmax"], seed=0)
    ax = Figure().add_subplot()
    plot_decision_boundary(ax, net3, xs, ys)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]
    regions = ax.collections[0].get_cmap()
    for c in range(3):  # region c is a light shade of the colour of class c's points
        region, point = np.array(regions(c)[:3]), np.array(to_rgb(CLASS_COLOURS[c]))
        np.testing.assert_allclose(1 - region, 0.3 * (1 - point), atol=1e-6)


def test_the_factor_per_layer_is_written_one_way():
    from matplotlib.figure import Figure

    from backprop_lab.plotting import factor_text, plot_delta_norms

    assert factor_text(0.25) == "× 1/4" and factor_text(0.5) == "× 1/2" and factor_text(0.3) == "× 0.3"
    ax = Figure().add_subplot()
    plot_delta_norms(ax, [0.01, 0.04, 0.16], label="sigmoid", reference=0.25)
    assert ax.get_lines()[1].get_label() == "× 1/4 per layer (sigmoid)"


@pytest.mark.parametrize("make", ["training", "vanishing"])
def test_the_panels_texts_are_at_least_11_css_px_and_never_upscaled(make):
    from backprop_lab.widgets import TrainingPanel, VanishingGradientPanel

    if make == "training":
        x, y = bl.datasets.moons(60, noise=0.15, seed=0)
        panel = TrainingPanel(x, y, hidden=4, epochs=20)
    else:
        panel = VanishingGradientPanel(depth=6, width=10, m=8)
    natural, css = shown(panel)
    assert css <= natural <= OUTPUT_WIDTH
    texts = [t for t in panel.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(texts) > 5
    for t in texts:
        px = t.get_fontsize() * panel.figure.dpi / 72 * css / natural
        assert px >= MIN_TEXT, (make, t.get_text(), px)
