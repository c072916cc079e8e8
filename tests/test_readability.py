"""The stepper's picture as a student sees it (issue 16, item 1).

In a 1400 x 1000 JupyterLab window the stepper's output is about 970 CSS px wide. The picture
must fill at least 3/4 of it without being upscaled, and every text in it must be at least 11 CSS
px tall. A text's height in CSS px is its font size in points * dpi / 72 (pixels in the PNG)
times the displayed scale (the <img>'s CSS width / the PNG's width).
"""

import base64
import io

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
