"""The derivation's pictures show what the notebooks' text says they show.

Each test reads the artists actually on the axes (arrows by their gid and colour, texts by
their content), not only the dict the function returns.
"""

import re

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

import backprop_lab as bl
from backprop_lab.plotting import (CONTEXT, HIGHLIGHT, SECOND, draw_activation, draw_chain_paths,
                                   draw_fan_out, draw_gradient_descent, draw_network, draw_neuron_gates,
                                   draw_output_paths, draw_weight_edge, plot_backprop_timing,
                                   plot_work_count)


def new_ax():
    return Figure(figsize=(8, 5)).add_subplot()


def arrows(ax, prefix):
    """{gid: colour} of every arrow on ax whose gid starts with prefix."""
    return {p.get_gid(): to_rgba(p.get_edgecolor()) for p in ax.patches
            if isinstance(p, FancyArrowPatch) and (p.get_gid() or "").startswith(prefix)}


def pairs(gids):
    """'W 2->1' or 'z 2->a 1' -> (2, 1)."""
    return {tuple(int(n) for n in re.findall(r"\d+", g)) for g in gids}


def highlighted(ax, prefix):
    return {g for g, c in arrows(ax, prefix).items() if np.allclose(c, to_rgba(HIGHLIGHT))}


def texts(ax):
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize("n", [2, 3, 5])
def test_output_paths_one_to_one_for_elementwise_all_pairs_for_softmax(n):
    ax = new_ax()
    out = draw_output_paths(ax, n, softmax=False, j=1)
    drawn = arrows(ax, "z ")
    assert pairs(drawn) == {(k, k) for k in range(n)} == set(out["paths"])
    assert pairs(highlighted(ax, "z ")) == {(1, 1)}
    assert highlighted(ax, "a ") == {"a 1->c"}             # and on to c along a_2 only
    assert len(arrows(ax, "a ")) == n
    ax = new_ax()
    out = draw_output_paths(ax, n, softmax=True, j=1)
    drawn = arrows(ax, "z ")
    assert pairs(drawn) == {(j, k) for j in range(n) for k in range(n)} and len(drawn) == n * n
    assert pairs(highlighted(ax, "z ")) == {(1, k) for k in range(n)} == set(out["highlighted"])
    assert len(highlighted(ax, "a ")) == n                 # z_2 reaches c through every a_k
    with pytest.raises(ValueError, match="j must be a 0-based index"):
        draw_output_paths(new_ax(), 3, j=3)


@pytest.mark.parametrize("j", [0, 2, 3])
def test_fan_out_highlights_exactly_the_edges_from_j_with_their_deltas(j):
    rng = np.random.default_rng(0)
    W_next, delta_next = rng.standard_normal((4, 3)), rng.standard_normal(3)
    ax = new_ax()
    out = draw_fan_out(ax, W_next, delta_next, j=j, l=2)
    assert len(arrows(ax, "W ")) == 4 * 3                  # every edge of the layer is drawn
    assert pairs(highlighted(ax, "W ")) == {(j, k) for k in range(3)} == set(out["highlighted"])
    shown = texts(ax)
    for k in range(3):
        # each highlighted edge names W_jk = (W^T)_kj (numbered from 1) with its value
        # and the exercise's transposed name, with its layer: W_kj^(3)T
        label = f"$W^{{(3)}}_{{{j + 1}{k + 1}}} = W^{{(3)T}}_{{{k + 1}{j + 1}}} = {W_next[j, k]:.2f}$"
        assert label in shown and out["edge_labels"][(j, k)].get_text() == label
        # and neuron k carries its delta back
        assert f"$\\delta^{{(3)}}_{{{k + 1}}} = {delta_next[k]:.4f}$" in shown
    total = delta_next @ W_next[j]
    assert out["sum"] == pytest.approx(total)
    # what neuron j collects is dc/da_j, named as such (its delta still needs g'), not delta_j
    label = out["sum_label"].get_text()
    assert label in shown and f"= {total:.4f}$" in label and "\\sum_k" in label
    assert label.startswith(f"$\\partial c / \\partial a^{{(2)}}_{{{j + 1}}}") and "before" in label
    assert "delta" not in label.split("=")[0]
    with pytest.raises(ValueError, match="shapes"):
        draw_fan_out(new_ax(), W_next, delta_next[:2], j=0)


def test_weight_edge_highlights_one_edge_and_says_why():
    ax = new_ax()
    out = draw_weight_edge(ax, 4, 3, i=1, j=2, l=2, a_prev=np.array([0.1, -0.5, 0.3, 0.9]))
    assert len(arrows(ax, "W ")) == 12
    assert pairs(highlighted(ax, "W ")) == {(1, 2)} == set(out["highlighted"])
    shown = texts(ax)
    assert "$W^{(2)}_{23}$" in shown
    assert "$\\partial z_{3} / \\partial W_{23} = a_{2}$" in shown
    assert sum(t.endswith("W_{23} = 0$") for t in shown) == 2  # the two other z_k do not move
    assert "-0.50" in shown


def test_chain_paths_two_coloured_paths_with_their_numbers():
    local = {"dv1/du": 2.0, "dc/dv1": 0.5, "dv2/du": -1.0, "dc/dv2": 3.0}
    ax = new_ax()
    out = draw_chain_paths(ax, local)
    colours = arrows(ax, "")
    assert {g for g, c in colours.items() if np.allclose(c, to_rgba(HIGHLIGHT))} == {"u->v1", "v1->c"}
    assert {g for g, c in colours.items() if np.allclose(c, to_rgba(SECOND))} == {"u->v2", "v2->c"}
    assert out["edge_labels"]["dc/dv2"].get_text().endswith("= 3.000")
    assert ax.get_legend() is not None and len(ax.get_legend().get_texts()) == 2
    with pytest.raises(ValueError, match="exactly the keys"):
        draw_chain_paths(new_ax(), {"dv1/du": 1.0})


def test_neuron_gates_gradients_are_upstream_times_local_and_match_finite_differences():
    g, y = bl.ACTIVATIONS["tanh"], 0.3
    x, W, b = np.array([1.0, 2.0]), np.array([0.5, -0.8]), 0.1
    fig = Figure(figsize=(9, 5))
    ax = fig.add_subplot()
    out = draw_neuron_gates(ax, x, W, b, g, y)

    def c(x1, W1, x2, W2, b):
        return 0.5 * (np.tanh(x1 * W1 + x2 * W2 + b) - y) ** 2

    args = {"x1": x[0], "W1": W[0], "x2": x[1], "W2": W[1], "b": b}
    eps = 1e-6
    for name in args:
        up, down = dict(args), dict(args)
        up[name] += eps
        down[name] -= eps
        assert out["grad"][name] == pytest.approx((c(**up) - c(**down)) / (2 * eps), abs=1e-8)
    # the walk starts at dc/dc = 1; the cost gate's local gradient is a - y
    assert out["grad"]["c"] == 1.0 and out["value"]["c"] == pytest.approx(c(**args))
    assert out["grad"]["a"] == pytest.approx(np.tanh(x @ W + b) - y)
    # add distributes, multiply swaps
    assert out["grad"]["p1"] == out["grad"]["p2"] == out["grad"]["b"] == out["grad"]["z"]
    assert out["grad"]["W1"] == pytest.approx(out["grad"]["z"] * x[0])
    assert out["grad"]["x2"] == pytest.approx(out["grad"]["z"] * W[1])
    # the picture writes those numbers on the wires, c's too, and names the cost gate's gradient
    shown = texts(ax)
    for name in ("x1", "W1", "b", "z", "a", "c"):
        assert f"{out['grad'][name]:.3f}" in shown and f"{out['value'][name]:.2f}" in shown
        up_text, down_text = out["labels"][name]
        assert down_text.get_text() == f"{out['grad'][name]:.3f}"
        assert np.allclose(to_rgba(down_text.get_color()), to_rgba(HIGHLIGHT))
    assert out["labels"]["c"][1].get_text() == "1.000"
    assert any("a - y" in t for t in shown)
    # inputs are x_1, x_2 (the output is a): no letter means two things
    assert {"$x_1$", "$x_2$"} <= set(shown) and "$a_1$" not in shown
    # no two number labels overlap, so each number belongs to one wire
    fig.canvas.draw()
    boxes = [(n, t.get_window_extent()) for n, pair in out["labels"].items() for t in pair]
    clashes = [(n1, n2) for a, (n1, b1) in enumerate(boxes) for n2, b2 in boxes[a + 1:]
               if b1.overlaps(b2)]
    assert not clashes, clashes


def test_gradient_descent_steps_follow_the_update_rule_down_the_curve():
    cost = lambda w: (w - 2.0) ** 2 + 1.0
    slope = lambda w: 2 * (w - 2.0)
    ax = new_ax()
    out = draw_gradient_descent(ax, cost, slope, w0=-1.0, eta=0.2, steps=5)
    w = out["w"]
    assert len(w) == 6 and w[0] == -1.0
    for t in range(5):
        assert w[t + 1] == pytest.approx(w[t] - 0.2 * slope(w[t]))
    assert np.all(np.diff(out["C"]) < 0)                   # a small enough eta goes downhill
    np.testing.assert_allclose(out["points"].get_xdata(), w)
    np.testing.assert_allclose(out["points"].get_ydata(), [cost(v) for v in w])
    xs = out["curve"].get_xdata()
    np.testing.assert_allclose(out["curve"].get_ydata(), [cost(v) for v in xs])
    # one arrow per step, from (w_t, C_t) to (w_t+1, C_t+1)
    steps = [p for p in ax.patches if (p.get_gid() or "").startswith("step ")]
    assert len(steps) == 5 == len(out["arrows"])
    tx, ty = out["tangent"].get_data()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(slope(-1.0))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("\\eta = 0.2" in t for t in legend)
    # the tangent is drawn above the curve, long enough to leave it (a third of the range each
    # side here), and the slope triangle has a run of 1 and a rise of dC/dw
    assert out["tangent"].get_zorder() > out["curve"].get_zorder()
    assert tx[1] - tx[0] >= 0.5 * (xs[-1] - xs[0])
    rx, ry = out["triangle"].get_data()
    assert rx[1] - rx[0] == pytest.approx(1.0) and ry[1] == ry[0]
    assert ry[2] - ry[1] == pytest.approx(slope(-1.0)) and rx[2] == rx[1]
    assert f"{slope(-1.0):.3g} per 1" in texts(ax)
    assert out["inset"] is None
    # too large a learning rate overshoots: the cost goes up
    big = draw_gradient_descent(new_ax(), cost, slope, w0=-1.0, eta=1.1, steps=3)
    assert big["C"][1] > big["C"][0]
    with pytest.raises(ValueError, match="learning rate"):
        draw_gradient_descent(new_ax(), cost, slope, 0.0, eta=-1.0, steps=3)


def test_gradient_descent_zoom_numbers_the_crowded_steps():
    cost = lambda w: (w - 2.0) ** 2 + 1.0
    slope = lambda w: 2 * (w - 2.0)
    ax = new_ax()
    out = draw_gradient_descent(ax, cost, slope, w0=-1.0, eta=0.2, steps=8, zoom=(1.5, 2.5))
    inset = out["inset"]
    assert inset is not None and inset.get_xlim() == (1.5, 2.5)
    # the inset shows exactly the iterates inside the zoom, numbered by their step t
    inside = np.flatnonzero((out["w"] >= 1.5) & (out["w"] <= 2.5))
    assert len(inside) >= 3                                # the crowded ones near the minimum
    (steps,) = [line for line in inset.get_lines() if line.get_gid() == "zoomed steps"]
    np.testing.assert_allclose(steps.get_xdata(), out["w"][inside])
    np.testing.assert_allclose(steps.get_ydata(), out["C"][inside])
    assert sorted(t.get_text() for t in inset.texts) == sorted(str(t) for t in inside)
    # the legend moves below the axes, out of the inset's way
    assert ax.get_legend().get_bbox_to_anchor().y0 < ax.bbox.y0
    with pytest.raises(ValueError, match="zoom"):
        draw_gradient_descent(new_ax(), cost, slope, 0.0, eta=0.1, steps=3, zoom=(2.0, 1.0))


@pytest.mark.parametrize("name", [n for n, g in bl.ACTIVATIONS.items() if g.elementwise])
def test_activation_picture_draws_g_and_its_derivative(name):
    g = bl.ACTIVATIONS[name]
    ax = new_ax()
    out = draw_activation(ax, g, z_range=(-4.0, 4.0))
    z = out["z"]
    assert z[0] == -4.0 and z[-1] == 4.0
    np.testing.assert_allclose(out["g"].get_ydata(), g(z))
    # g' is the derivative: central differences of the drawn g, away from any kink
    drawn = np.asarray(out["prime"].get_ydata(), dtype=float)
    eps = 1e-6
    away = np.all([np.abs(z - k) > 1e-3 for k in g.kinks], axis=0) if g.kinks else np.ones(z.shape, bool)
    np.testing.assert_allclose(drawn[away], ((g(z + eps) - g(z - eps)) / (2 * eps))[away], atol=1e-6)
    # at a kink g' is left undefined (a gap, not a vertical line)
    for k in g.kinks:
        assert np.isnan(drawn[np.isclose(z, k)]).all()
    assert np.allclose(to_rgba(out["g"].get_color()), to_rgba(SECOND))
    assert np.allclose(to_rgba(out["prime"].get_color()), to_rgba(HIGHLIGHT))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["$g(z)$", "$g'(z)$"]
    if g.kinks:
        assert out["peak"] is None
    else:
        assert out["peak"][1] == pytest.approx(np.nanmax(drawn))
        assert f"{out['peak'][1]:.3g}" in out["peak_label"].get_text()


def test_activation_picture_marks_the_largest_slopes_of_sigmoid_and_tanh():
    sig = draw_activation(new_ax(), bl.ACTIVATIONS["sigmoid"])
    assert sig["peak"] == pytest.approx((0.0, 0.25))                  # sigma' <= 1/4, at z = 0
    assert "0.25" in sig["peak_label"].get_text()
    assert draw_activation(new_ax(), bl.ACTIVATIONS["tanh"])["peak"] == pytest.approx((0.0, 1.0))
    with pytest.raises(ValueError, match="elementwise"):
        draw_activation(new_ax(), bl.ACTIVATIONS["softmax"])


def test_work_count_guides_have_slopes_1_and_2_on_log_log_axes():
    P = np.array([10.0, 100.0, 1000.0])
    ax = new_ax()
    lines = plot_work_count(ax, P, 2 * P ** 2, 3 * P, guides=True)
    assert len(lines) == 4
    two, one = lines[2], lines[3]
    for line, p in ((two, 2), (one, 1)):
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        np.testing.assert_allclose(np.diff(np.log10(y)) / np.diff(np.log10(x)), p)
        assert f"slope {p}" in line.get_label() and line.get_gid() == f"slope {p}"
    # each guide lies below its series (a factor 10 under the first point)
    assert two.get_ydata()[0] == pytest.approx(2 * 10 ** 2 / 10)
    assert one.get_ydata()[0] == pytest.approx(3 * 10 / 10)
    assert len(plot_work_count(new_ax(), P, 2 * P ** 2, 3 * P)) == 2


def test_work_count_is_log_log_with_its_legend():
    ax = new_ax()
    fd, bp = plot_work_count(ax, [10, 100], [2e3, 2e5], [30, 300])
    assert ax.get_xscale() == ax.get_yscale() == "log"
    np.testing.assert_allclose(fd.get_ydata(), [2e3, 2e5])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "2P runs" in legend[0] and "P^2" in legend[0] and "forward + one backward" in legend[1]
    with pytest.raises(ValueError, match="one length"):
        plot_work_count(new_ax(), [1, 2], [1], [1, 2])


def test_backprop_timing_is_log_log_with_both_series():
    ax = new_ax()
    fd, bp = plot_backprop_timing(ax, [10, 100, 1000], [1e-3, 1e-2, 1e-1], [1e-4, 2e-4, 5e-4])
    assert ax.get_xscale() == ax.get_yscale() == "log"
    np.testing.assert_allclose(fd.get_ydata(), [1e-3, 1e-2, 1e-1])
    np.testing.assert_allclose(bp.get_xdata(), [10, 100, 1000])
    # the legend says exactly what was timed
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["finite differences, measured: 2P runs of the whole network",
                      "backpropagation, measured: one forward + one backward pass"]
    ax = new_ax()
    lines = plot_backprop_timing(ax, [10, 100, 1000], [1e-3, np.nan, np.nan], [1e-4, 2e-4, 5e-4],
                                 t_predicted=[1e-3, 1e-2, 1e-1])
    assert len(lines) == 3 and "2P × measured time of one run" in lines[2].get_label()
    with pytest.raises(ValueError, match="one length"):
        plot_backprop_timing(new_ax(), [1, 2], [1], [1, 2])


def crossings(segs):
    """Where two segments cross inside both: solve p + s (q - p) = r + u (t - r)."""
    out = []
    for a, (p, q) in enumerate(segs):
        for r, t in segs[a + 1:]:
            A = np.column_stack([q - p, r - t])
            if abs(np.linalg.det(A)) < 1e-12:
                continue
            s, u = np.linalg.solve(A, r - p)
            if 0.01 < s < 0.99 and 0.01 < u < 0.99:
                out.append(p + s * (q - p))
    return out


def test_network_edge_labels_sit_on_their_edges_and_do_not_overlap():
    W1 = np.array([[0.5, -1.0, 0.3], [0.8, 0.2, -0.6]])
    W2 = np.array([[1.0, -0.5], [-0.7, 0.4], [0.6, 0.9]])
    net = bl.Network(weights=[W1, W2], biases=[np.zeros(3), np.zeros(2)], activations=["tanh", "sigmoid"])
    fig = Figure(figsize=(7.5, 4.6))
    ax = fig.add_subplot()
    art = draw_network(ax, net, node_values=list(bl.forward(net, np.array([1.0, 2.0])).a),
                       edge_values=list(net.W), edge_labels=True, layer_gap=2.2)
    pos = [p * [2.2, 1.0] for p in bl.plotting.network_positions(net.sizes)]
    assert len(art["edge_labels"]) == 12
    for (l, i, j), text in art["edge_labels"].items():
        assert text.get_text() == f"{net.W[l][i, j]:.2f}"
        # the label's centre lies on the segment from neuron i of layer l-1 to neuron j of layer l
        p, q, s = pos[l - 1][i], pos[l][j], np.asarray(text.get_position())
        cross = (q - p)[0] * (s - p)[1] - (q - p)[1] * (s - p)[0]
        assert abs(cross) < 1e-9 and 0.2 < (s - p)[0] / (q - p)[0] < 0.8
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in art["edge_labels"].values()]
    overlaps = [(a, b) for a in range(12) for b in range(a + 1, 12) if boxes[a].overlaps(boxes[b])]
    assert not overlaps, f"{len(overlaps)} pairs of edge labels overlap"
    # no label sits where two edges cross (it would seem to belong to both)
    for l in (1, 2):
        segs = [(pos[l - 1][i], pos[l][j]) for i in range(net.sizes[l - 1]) for j in range(net.sizes[l])]
        for cross in crossings(segs):
            for (ll, i, j), text in art["edge_labels"].items():
                if ll == l:
                    assert np.linalg.norm(np.asarray(text.get_position()) - cross) > 0.15, (l, i, j)


def test_network_names_its_neurons_from_1_and_explains_its_colours():
    net = bl.Network.random([2, 3, 2], ["tanh", "sigmoid"], seed=0)
    values = list(bl.forward(net, np.array([1.0, 2.0])).a)
    fig = Figure(figsize=(7.5, 4.6))
    ax = fig.add_subplot()
    art = draw_network(ax, net, node_values=values, edge_values=list(net.W), neuron_names=True,
                       colorbars=True)
    names = {k: t.get_text() for k, t in art["neuron_names"].items()}
    assert names[(0, 0)] == "$x_{1}$" and names[(0, 1)] == "$x_{2}$"
    assert names[(1, 0)] == "$a^{(1)}_{1}$" and names[(2, 1)] == "$a^{(2)}_{2}$"
    pos = bl.plotting.network_positions(net.sizes)
    for (l, j), t in art["neuron_names"].items():   # each name just above its own neuron
        x, y = t.get_position()
        assert x == pytest.approx(pos[l][j][0]) and 0 < y - pos[l][j][1] < 0.5
    # a colour bar per kind of value, symmetric about 0 and reaching the largest |value|
    node_max = max(np.abs(v).max() for v in values)
    edge_max = max(np.abs(W).max() for W in net.W)
    for key, top in (("nodes", node_max), ("edges", edge_max)):
        norm = art["colorbars"][key].mappable.norm
        assert norm.vmin == pytest.approx(-top) and norm.vmax == pytest.approx(top)
    plain = draw_network(new_ax(), net, node_values=values)
    assert plain["neuron_names"] == {} and plain["colorbars"] == {}


# the notebooks store these pictures as PNG outputs of the cells that draw them
PICTURES_IN_NOTEBOOKS = {
    "01_forward_pass.ipynb": ["draw_network", "draw_activation", "draw_gradient_descent",
                              "draw_neuron_gates", "draw_chain_paths"],
    "02_output_delta.ipynb": ["draw_output_paths", "draw_gradient_descent"],
    "03_backward_recursion.ipynb": ["draw_fan_out"],
    "04_weight_bias_gradients.ipynb": ["draw_weight_edge", "plot_work_count", "plot_backprop_timing"],
}


@pytest.mark.parametrize("name", sorted(PICTURES_IN_NOTEBOOKS))
def test_notebooks_store_each_picture_as_png(name):
    from pathlib import Path

    import nbformat
    nb = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / name, as_version=4)
    for function in PICTURES_IN_NOTEBOOKS[name]:
        cells = [c for c in nb.cells if c.cell_type == "code" and f"bl.plotting.{function}(" in c.source]
        assert cells, f"{name} never calls bl.plotting.{function}"
        assert any("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", [])), (
            f"{name}: the cell calling {function} stores no PNG output")
