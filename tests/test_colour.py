"""The stepper's colours (issue 15's colour rules): readable labels, sign not by colour alone, and
positive vs negative apart under colour-vision deficiencies.

* Contrast: WCAG 2.1 contrast ratio of a neuron's label against its fill, over the colormap's full
  range, at least 4.5:1 (black or white text is chosen per fill).
* Colour vision: the Machado, Oliveira and Fernandes (2009) matrices for protanopia and
  deuteranopia at severity 1.0, applied in linear RGB; the simulated colours of +v and -v must stay
  at least a CIELAB Delta E (CIE76) apart.
"""

import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

import backprop_lab as bl
from backprop_lab.live_diagrams import CMAP, NetworkDiagram, contrast_ratio, text_colour_on
from backprop_lab.widgets import DeltaStepper

# Machado et al. 2009, Table 1, severity 1.0 (linear RGB)
MACHADO = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}


def to_linear(c):
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(linear_rgb):
    """CIELAB (D65) of a linear-RGB colour."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear_rgb
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def simulated(rgb, kind):
    return np.clip(MACHADO[kind] @ to_linear(rgb[:3]), 0.0, 1.0)


def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast_ratio((1, 1, 1), (1, 1, 1)) == pytest.approx(1.0)
    assert contrast_ratio(to_rgb("#767676"), (1, 1, 1)) == pytest.approx(4.54, abs=0.01)  # the AA grey


def test_node_labels_reach_4_5_to_1_over_the_whole_colormap():
    cmap = colormaps[CMAP]
    for v in np.linspace(0.0, 1.0, 1001):
        fill = cmap(v)
        text = to_rgb(text_colour_on(fill))
        assert contrast_ratio(text, fill) >= 4.5, (v, fill, text)


def test_labels_drawn_by_the_stepper_reach_4_5_to_1_at_every_step():
    net = bl.Network.random([2, 4, 3, 4, 1], ["tanh", "sigmoid", "tanh", "sigmoid"], seed=2)
    rng = np.random.default_rng(0)
    s = DeltaStepper(net, rng.standard_normal((5, 2)), rng.uniform(0, 1, (5, 1)), prewarm=False)
    for example in (0, None):
        s.example = example
        for k in range(s.last + 1):
            s.step = k
            for sc, labels in zip(s.diagram.nodes, s.diagram.labels):
                for fill, t in zip(sc.get_facecolor(), labels):
                    assert contrast_ratio(to_rgb(t.get_color()), fill) >= 4.5
                    # the sign is in the number, not only in the colour
                    if t.get_text() not in ("0", "—"):
                        assert t.get_text()[0] in "−0123456789"
            # a negative edge is dashed, a positive one solid
            for lc, v in zip(s.diagram.edges, s.model.edge_values(k, s.example)):
                if v is None:
                    continue
                dashed = [bool(dashes) for _, dashes in lc.get_linestyle()]
                assert dashed == list(v.reshape(-1) < 0)


def test_not_computed_neurons_do_not_look_like_a_small_value():
    d = NetworkDiagram(Figure().add_subplot(), [2, 3, 1])
    d.update([np.array([1e-9, -1e-9]), None, None])
    tiny = d.nodes[0].get_facecolor()
    empty = d.nodes[1].get_facecolor()
    dashed = [any(dashes for _, dashes in sc.get_linestyle()) for sc in d.nodes]
    assert dashed == [False, True, True]  # a dashed outline marks "not computed yet"
    assert [t.get_text() for t in d.labels[1]] == ["—"] * 3
    assert [t.get_text() for t in d.labels[0]] == ["1×10⁻⁹", "−1×10⁻⁹"]
    assert np.all(np.abs(np.asarray(tiny)[:, :3] - np.asarray(empty)[0, :3]).max(axis=1) > 0.05)
    assert contrast_ratio((0, 0, 0), d.EMPTY_FILL) >= 4.5  # the "—" on white


@pytest.mark.parametrize("kind", sorted(MACHADO))
def test_positive_and_negative_stay_apart_under_colour_vision_deficiency(kind):
    cmap = colormaps[CMAP]
    # Delta E 10 is an obvious difference; coolwarm gives 16-18 at a tenth of the scale
    for r, minimum in ((0.1, 10.0), (0.25, 25.0), (0.5, 40.0), (0.75, 50.0), (1.0, 50.0)):
        pos, neg = cmap(0.5 + 0.5 * r), cmap(0.5 - 0.5 * r)
        delta_e = np.linalg.norm(lab(simulated(pos, kind)) - lab(simulated(neg, kind)))
        assert delta_e >= minimum, (kind, r, delta_e)


def test_the_bar_captions_and_notes_reach_4_5_to_1_on_their_panels():
    from backprop_lab.live_diagrams import CURRENT, CURRENT_PANEL

    *rgb, alpha = CURRENT_PANEL
    panel = [1 - alpha * (1 - c) for c in rgb]  # the panel over the white figure
    assert contrast_ratio(to_rgb(CURRENT), panel) >= 4.5
    assert contrast_ratio((0, 0, 0), (0.96,) * 3) >= 4.5       # captions on a grey panel
    assert contrast_ratio((0.25,) * 3, (0.96,) * 3) >= 4.5      # "not yet"
