"""Plotting helpers (backprop_lab.plotting): each takes an ax; assert on the artists they make."""

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import backprop_lab as bl
from backprop_lab.plotting import (DeltaBars, NetworkDiagram, draw_network, plot_decision_boundary,
                                   plot_delta_norms, plot_loss_curve, short_number)


def new_ax():
    return Figure().add_subplot()


def test_short_number():
    assert short_number(0.1234) == "0.12"
    assert short_number(-0.031) == "-0.03"
    assert short_number(0.0004) == "4e-4"
    assert short_number(-0.00042) == "-4e-4"
    assert short_number(0) == "0"
    assert short_number(12.34) == "12.3"
    assert short_number(2600.0) == "3e3"


def test_draw_network_keeps_its_signature_and_artists():
    net = bl.Network.random([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    fwd = bl.forward(net, [0.5, -1.0])
    ax = new_ax()
    art = draw_network(ax, net, node_values=list(fwd.a), edge_values=list(net.W), highlight=1,
                       node_labels=True, edge_labels=True, fmt="{:.2f}")
    assert set(art) == {"nodes", "edges", "highlight", "edge_labels", "neuron_names", "colorbars"}
    assert len(art["nodes"]) == 3 and len(art["edges"]) == 2 and art["highlight"] is not None
    texts = {t.get_text() for t in ax.texts}
    assert "{:.2f}".format(fwd.a[1][0]) in texts and "{:.2f}".format(net.W[2][2, 0]) in texts
    with pytest.raises(ValueError, match=r"node_values\[1\] has shape \(2,\) but layer 1 needs shape \(3,\)"):
        draw_network(new_ax(), net, node_values=[None, [1.0, 2.0], None])


def test_network_diagram_updates_colours_labels_highlight_and_ring():
    sizes = [2, 3, 2]
    ax = new_ax()
    d = NetworkDiagram(ax, sizes)
    empty = to_rgba(NetworkDiagram.EMPTY_FILL)  # not computed: white, dashed outline, "—"
    assert all(np.allclose(sc.get_facecolor(), empty) for sc in d.nodes)
    assert [lc.get_segments().__len__() for lc in d.edges] == [6, 6]
    a1 = np.array([-1.0, 0.0, 1.0])
    W2 = np.array([[0.5, -0.5], [0.0, 0.1], [2.0, -2.0]])
    d.update([None, a1, None], [None, W2], highlight=1, selected=(1, 2), title="forward")
    colours = np.array(d.nodes[1].get_facecolor())
    # blue for negative, red for positive, on one symmetric scale
    assert colours[0][2] > colours[0][0] and colours[2][0] > colours[2][2]
    assert np.allclose(colours[0], d.cmap(0.0)) and np.allclose(colours[2], d.cmap(1.0))
    assert np.allclose(d.nodes[0].get_facecolor(), empty) and np.allclose(d.nodes[2].get_facecolor(), empty)
    assert d.nodes[0].get_linestyle()[0][1] and not d.nodes[1].get_linestyle()[0][1]  # dashed: not computed
    assert [t.get_text() for t in d.labels[1]] == ["−1", "0", "1"]  # the equations' digits
    assert [t.get_text() for t in d.labels[0]] == ["—", "—"]
    # segments of layer 2 run in the order of W[2].reshape(-1); the widest is |W| = 2
    widths = d.edges[1].get_linewidths()
    assert np.argmax(widths) in (4, 5) and widths[2] == min(widths)
    np.testing.assert_allclose(d.edges[1].get_segments()[4], [d.pos[1][2], d.pos[2][0]])
    assert [h.get_visible() for h in d.highlights] == [False, True, False]
    assert d.ring.get_visible()
    np.testing.assert_allclose(d.ring.get_offsets()[0], d.pos[1][2])
    assert d.title.get_text() == "forward"
    d.update(None, None, highlight=None, selected=None)
    assert not d.ring.get_visible() and not any(h.get_visible() for h in d.highlights)
    assert np.allclose(d.edges[1].get_color(), to_rgba(NetworkDiagram.GREY_EDGE))
    with pytest.raises(ValueError, match="highlight must be a layer number 0..2"):
        d.update(highlight=5)
    with pytest.raises(ValueError, match=r"edge_values\[2\] has shape \(2, 3\)"):
        d.update(edge_values=[None, W2.T])


def test_delta_bars_share_one_scale_and_show_what_is_known():
    ax = new_ax()
    bars = DeltaBars(ax, [2, 3, 1])
    bars.set_limit(0.5, "example 0")
    assert [t.get_text() for t in bars.ticks] == ["+0.5", "0", "−0.5"]  # the scale, written out
    assert "example 0: ±0.5" in bars.title.get_text()
    bars.update([None, np.array([-0.25])], current=2)
    assert list(bars.shown(1)) == [0, 0, 0]
    assert bars.notes[0].get_visible() and not bars.notes[1].get_visible()
    assert list(bars.shown(2)) == [-0.25]
    assert [r.get_height() for r in bars.bars[1]] == [-0.5]  # drawn in units of the limit
    assert "0.25" in bars.labels[1].get_text() and bars.labels[1].get_color() == "#9a4c00"
    assert bars.labels[0].get_color() == "black"
    bars.update([np.array([0.1, -0.2, 0.3]), np.array([0.5])])
    np.testing.assert_allclose(bars.shown(1), [0.1, -0.2, 0.3])
    assert bars.labels[1].get_color() == "black"
    # a positive bar is red, a negative one blue
    c_pos, c_neg = bars.bars[0][2].get_facecolor(), bars.bars[0][1].get_facecolor()
    assert c_pos[0] > c_pos[2] and c_neg[2] > c_neg[0]


def test_plot_delta_norms_and_loss_curve():
    ax = new_ax()
    norms = np.array([0.001, 0.004, 0.016, 0.064])
    line = plot_delta_norms(ax, norms, label="sigmoid", reference=0.25)
    np.testing.assert_allclose(line.get_ydata(), norms)
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
    assert ax.get_yscale() == "log"
    guide = ax.get_lines()[1]
    np.testing.assert_allclose(guide.get_ydata(), 0.064 * 0.25 ** np.array([3, 2, 1, 0]))
    with pytest.raises(ValueError, match="one entry per layer"):
        plot_delta_norms(new_ax(), np.zeros((2, 2)))
    assert ax.get_ylabel() == r"$\|\delta^{(l)}\|$"  # one example's delta, unless told what the norms are
    ax = new_ax()
    plot_delta_norms(ax, norms, ylabel=r"$\|\partial C/\partial b^{(l)}\|$")
    assert ax.get_ylabel() == r"$\|\partial C/\partial b^{(l)}\|$"
    ax = new_ax()
    line = plot_loss_curve(ax, [1.0, 0.5, 0.25])
    np.testing.assert_allclose(line.get_ydata(), [1.0, 0.5, 0.25])
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2])
    with pytest.raises(ValueError, match="history must be"):
        plot_loss_curve(new_ax(), [])


def test_plot_decision_boundary_shades_the_output():
    x, y = bl.datasets.xor(40, seed=0)
    net = bl.Network.random([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    ax = new_ax()
    cs = plot_decision_boundary(ax, net, x, y, resolution=30)
    assert cs is not None and len(ax.collections) >= 2  # the shading and the data points
    with pytest.raises(ValueError, match="2 inputs"):
        plot_decision_boundary(new_ax(), bl.Network.random([3, 1], "sigmoid", seed=0), np.zeros((4, 3)))
