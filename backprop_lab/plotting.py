"""Matplotlib helpers shared by the notebooks and the widgets. Each takes an ``ax``.

:func:`draw_network` draws layers 0..L left to right, neuron j of layer l at
column l, row j, with edge (i, j) of layer l drawn from neuron i of layer l-1 to
neuron j of layer l, the seed's W_ij^(l).

:class:`NetworkDiagram` and :class:`DeltaBars` (in ``backprop_lab/live_diagrams.py``, re-exported
here) draw the same pictures once and then update their artists in place (colours, labels, bar
heights), which is what the widgets need to redraw fast. :func:`plot_delta_norms` and :func:`plot_loss_curve` are plain plots.

The derivation's pictures (:func:`draw_output_paths`, :func:`draw_fan_out`,
:func:`draw_weight_edge`, :func:`draw_chain_paths`, :func:`draw_neuron_gates`,
:func:`draw_gradient_descent`, :func:`draw_activation`, :func:`plot_work_count`, :func:`plot_backprop_timing`) live in ``backprop_lab/diagrams.py`` and are re-exported here.
"""

from __future__ import annotations

import numpy as np

from .diagrams import (CONTEXT, HIGHLIGHT, SECOND, draw_activation, draw_chain_paths, draw_fan_out,
                       draw_gradient_descent, draw_neuron_gates, draw_output_paths, draw_weight_edge,
                       plot_backprop_timing, plot_work_count)
from .live_diagrams import DeltaBars, NetworkDiagram, check_layer_values, layer_sizes

__all__ = ["draw_network", "plot_decision_boundary", "scatter_classes", "plain_log_ticks", "factor_text",
           "CLASS_COLOURS", "CLASS_MARKERS", "network_positions", "NetworkDiagram",
           "DeltaBars", "plot_delta_norms", "plot_loss_curve", "short_number", "sup",
           "draw_output_paths", "draw_fan_out", "draw_weight_edge", "draw_chain_paths",
           "draw_neuron_gates", "draw_gradient_descent", "draw_activation", "plot_work_count",
           "plot_backprop_timing"]


def network_positions(sizes):
    """(x, y) of every neuron: a list over l = 0..L of arrays of shape (n_l, 2).

    Layer l sits at x = l; its neurons are centred vertically, neuron 0 on top.
    """
    sizes = layer_sizes(sizes)
    pos = []
    for l, n in enumerate(sizes):
        y = (n - 1) / 2 - np.arange(n)
        pos.append(np.c_[np.full(n, float(l)), y])
    return pos


def draw_network(ax, net_or_sizes, node_values=None, edge_values=None, highlight=None,
                 node_labels=True, edge_labels=False, fmt="{:.2f}", cmap="coolwarm",
                 node_title=None, edge_title=None, layer_gap=1.0, neuron_names=False,
                 colorbars=False):
    """Draw a fully connected network on ``ax``.

    net_or_sizes : a Network, or the sizes [n_0, ..., n_L].
    node_values : None, or one entry per layer l = 0..L, each None (not computed yet: drawn
        grey) or an array of shape (n_l,): e.g. ``fwd.a`` for one example. Neurons are
        coloured by value (blue negative, red positive) and labelled with it.
    edge_values : None, or one entry per layer l = 1..L, each None or an array of shape
        (n_{l-1}, n_l): e.g. ``net.W``. Edge (i, j) of layer l is coloured by its value and
        its width grows with |value|.
    highlight : a layer number l to outline, or None.
    node_labels, edge_labels : write the values on neurons / edges. An edge's label sits on
        its edge, turned along it and framed in the edge's colour, at the point of the edge
        farthest from the labels already placed (so that no two labels overlap).
    layer_gap : the horizontal distance between layers (1.0: as wide as neurons are apart);
        wider gaps leave more room for edge labels.
    neuron_names : write each neuron's name in the maths' numbering beside it: x_j for the
        input, a_j^(l) for layer l, with j counted from 1 (code row j - 1).
    colorbars : add a colour bar under the picture for the neurons' values and one for the
        edges' values (each symmetric about 0), so that colour reads as a number: the hue is
        the sign, the depth the size.
    Edge labels also keep away from the points where two edges of a layer cross.
    Returns a dict with the artists: ``"nodes"`` (list per layer), ``"edges"`` (list per
    layer of LineCollections), ``"highlight"`` (a patch or None), ``"edge_labels"``
    (a dict (l, i, j) -> Text, the label of edge (i, j) of layer l, 0-based i and j),
    ``"neuron_names"`` (a dict (l, j) -> Text, 0-based j) and ``"colorbars"`` (a dict with
    ``"nodes"`` and ``"edges"`` Colorbars, or empty).
    """
    from matplotlib import colormaps
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import FancyBboxPatch

    sizes = layer_sizes(net_or_sizes)
    L = len(sizes) - 1
    nodes = check_layer_values(node_values, sizes, 0, "node_values", lambda l: (sizes[l],))
    edges = check_layer_values(edge_values, sizes, 1, "edge_values", lambda l: (sizes[l - 1], sizes[l]))
    if highlight is not None and not 0 <= highlight <= L:
        raise ValueError(f"highlight must be a layer number 0..{L}, got {highlight}")
    if not layer_gap > 0:
        raise ValueError(f"layer_gap must be a positive number, got {layer_gap!r}")
    pos = [p * [layer_gap, 1.0] for p in network_positions(sizes)]
    cm = colormaps[cmap]

    def norm_for(arrays):
        vmax = max([float(np.max(np.abs(v))) for v in arrays if v is not None and v.size] + [1e-12])
        return Normalize(-vmax, vmax)

    node_norm, edge_norm = norm_for(nodes), norm_for(edges)
    edge_max = edge_norm.vmax
    artists = {"nodes": [], "edges": [], "highlight": None, "edge_labels": {}, "neuron_names": {},
               "colorbars": {}}
    placed = [tuple(p) for layer in pos for p in layer]  # label spots taken, neurons first
    name_spot = {(l, j): pos[l][j] + [0.0, 0.3] for l in range(L + 1) for j in range(sizes[l])}
    if neuron_names:
        placed += [tuple(p) for p in name_spot.values()]
    for l in range(1, L + 1):  # where two edges of a layer cross, a label would sit on both
        segs = [(pos[l - 1][i], pos[l][j]) for i in range(sizes[l - 1]) for j in range(sizes[l])]
        placed += [tuple(c) for c in _crossings(segs)]
    for l in range(1, L + 1):
        segs = [(pos[l - 1][i], pos[l][j]) for i in range(sizes[l - 1]) for j in range(sizes[l])]
        v = edges[l - 1]
        if v is None:
            lc = LineCollection(segs, colors="0.8", linewidths=0.8, zorder=1)
        else:
            flat = v.reshape(-1)
            lc = LineCollection(segs, colors=cm(edge_norm(flat)),
                                linewidths=0.5 + 3.5 * np.abs(flat) / edge_max, zorder=1)
            if edge_labels:
                colours = cm(edge_norm(flat))
                for n_seg, ((p, q), val) in enumerate(zip(segs, flat)):
                    i, j = divmod(n_seg, sizes[l])
                    spot = _free_spot(np.asarray(p), np.asarray(q), placed)
                    placed.append(tuple(spot))
                    angle = np.degrees(np.arctan2(q[1] - p[1], q[0] - p[0]))
                    artists["edge_labels"][(l, i, j)] = ax.text(
                        spot[0], spot[1], fmt.format(val), fontsize=9, ha="center", va="center",
                        rotation=angle, rotation_mode="anchor", transform_rotates_text=True, zorder=4,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=colours[n_seg], lw=1.2))
        ax.add_collection(lc)
        artists["edges"].append(lc)
    for l in range(L + 1):
        v = nodes[l]
        colors = ["0.85"] * sizes[l] if v is None else [cm(node_norm(val)) for val in v]
        sc = ax.scatter(pos[l][:, 0], pos[l][:, 1], s=900, c=colors, edgecolors="0.2", zorder=3)
        artists["nodes"].append(sc)
        if node_labels and v is not None:
            for (px, py), val in zip(pos[l], v):
                dark = abs(node_norm(val) - 0.5) > 0.35  # white text on the darkest colours
                ax.text(px, py, fmt.format(val), fontsize=9, ha="center", va="center", zorder=5,
                        color="white" if dark else "black")
        if neuron_names:
            for j in range(sizes[l]):
                name = f"$x_{{{j + 1}}}$" if l == 0 else f"$a^{{({l})}}_{{{j + 1}}}$"
                spot = name_spot[(l, j)]
                artists["neuron_names"][(l, j)] = ax.text(
                    spot[0], spot[1], name, fontsize=9, ha="center", va="bottom", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
        ax.text(l * layer_gap, (max(sizes) - 1) / 2 + 0.7, f"layer {l}" if l else "input",
                ha="center", va="bottom", fontsize=10)
    if highlight is not None:
        h = (sizes[highlight] - 1) / 2
        patch = FancyBboxPatch((highlight * layer_gap - 0.3, -h - 0.45), 0.6, 2 * h + 0.9,
                               boxstyle="round,pad=0.05", fc="none", ec="tab:orange", lw=2.5, zorder=2)
        ax.add_patch(patch)
        artists["highlight"] = patch
    top = (max(sizes) - 1) / 2
    ax.set_xlim(-0.6, L * layer_gap + 0.6)
    ax.set_ylim(-top - 0.6, top + 1.1)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    if node_title or edge_title:
        ax.set_title(" · ".join(t for t in (node_title, edge_title) if t), fontsize=10)
    if colorbars:
        from matplotlib.cm import ScalarMappable
        for key, norm, label, left in (("nodes", node_norm, "neuron value", 0.05),
                                       ("edges", edge_norm, "edge value (weight)", 0.55)):
            cax = ax.inset_axes([left, -0.06, 0.4, 0.035])
            bar = ax.figure.colorbar(ScalarMappable(norm=norm, cmap=cm), cax=cax,
                                     orientation="horizontal")
            bar.set_label(label, fontsize=9)
            bar.ax.tick_params(labelsize=9)
            artists["colorbars"][key] = bar
    return artists


def _crossings(segs):
    """The points where two of the segments [(p, q), ...] cross away from their ends."""
    out = []
    for a in range(len(segs)):
        for b in range(a + 1, len(segs)):
            (p, q), (r, t) = (np.asarray(v, dtype=float) for v in segs[a]), \
                             (np.asarray(v, dtype=float) for v in segs[b])
            d1, d2 = q - p, t - r
            den = d1[0] * d2[1] - d1[1] * d2[0]
            if abs(den) < 1e-12:
                continue
            s_ = ((r - p)[0] * d2[1] - (r - p)[1] * d2[0]) / den
            u_ = ((r - p)[0] * d1[1] - (r - p)[1] * d1[0]) / den
            if 1e-6 < s_ < 1 - 1e-6 and 1e-6 < u_ < 1 - 1e-6:
                out.append(p + s_ * d1)
    return out


def _free_spot(p, q, placed, box=(0.2, 0.09)):
    """The point of the segment p-q (away from its ends) farthest from every point in ``placed``.

    Distances are measured in units of a label's half width and half height (``box``), so the
    spot chosen is where a label overlaps least with the labels and neurons already there; ties
    go to the middle of the edge.
    """
    ts = np.linspace(0.25, 0.75, 21)
    spots = p + ts[:, None] * (q - p)
    if not placed:
        return spots[len(ts) // 2]
    others = np.asarray(placed, dtype=float)
    d = (spots[:, None, :] - others[None, :, :]) / np.asarray(box)
    clearance = np.sqrt((d ** 2).sum(axis=2)).min(axis=1)
    score = np.minimum(clearance, 4.0) - 0.2 * np.abs(ts - 0.5)
    return spots[int(np.argmax(score))]


# Okabe-Ito colours (colour-blind safe): class k is CLASS_COLOURS[k] with marker CLASS_MARKERS[k];
# for 0/1 labels, y = 0 is blue and y = 1 vermillion
CLASS_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
CLASS_MARKERS = ("o", "^", "s", "D", "v", "P", "X", "*")


def _light(colour, keep=0.3):
    """``colour`` mixed with white (``keep`` of the colour): a region's shade behind its points."""
    from matplotlib.colors import to_rgb

    return tuple(1 - keep * (1 - c) for c in to_rgb(colour))


def scatter_classes(ax, x, labels, names=None, s=22):
    """Points coloured and shaped by class, white-edged, with a legend saying which is which.

    x: (m, 2). labels: (m,) ints 0..k-1. names: k legend entries (default "y = 0", "y = 1" for two
    classes, "class 0", ... otherwise). Returns the list of PathCollections, one per class.
    """
    labels = np.asarray(labels).astype(int)
    k = int(labels.max()) + 1 if labels.size else 0
    if k > len(CLASS_COLOURS):
        raise ValueError(f"scatter_classes draws at most {len(CLASS_COLOURS)} classes, got {k}")
    if names is None:
        names = [f"y = {c}" for c in range(k)] if k <= 2 else [f"class {c}" for c in range(k)]
    out = [ax.scatter(x[labels == c, 0], x[labels == c, 1], color=CLASS_COLOURS[c], marker=CLASS_MARKERS[c],
                      edgecolors="white", linewidths=0.6, s=s, zorder=3, label=names[c]) for c in range(k)]
    ax.legend(handles=out, fontsize=9, loc="upper right", framealpha=0.9)
    return out


def plot_decision_boundary(ax, net, x, y=None, resolution=200, margin=0.5, colorbar=True, cax=None):
    """Shade the network's output over the plane of a 2-input network, and scatter the data.

    x: (m, 2). y: (m, 1) labels in [0, 1] or one-hot (m, k), or None. For one output the
    shading is a^(L), light blue (near 0) to light vermillion (near 1), the colours of the points
    y = 0 and y = 1, with the 0.5 contour and a colour bar (``colorbar``; in ``cax`` if given); for
    k outputs each region is the light shade of its class's point colour. A legend says which
    colour is which class. Returns the ``contourf`` artist.
    """
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap

    from .network import forward

    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2 or net.sizes[0] != 2:
        raise ValueError(f"plot_decision_boundary needs a network with 2 inputs and x of shape (m, 2); "
                         f"got x of shape {x.shape} and a network with n_0 = {net.sizes[0]}")
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out = forward(net, np.c_[gx.ravel(), gy.ravel()]).a[net.L]
    if out.shape[1] == 1:
        field = out[:, 0].reshape(gx.shape)
        shade = LinearSegmentedColormap.from_list(
            "output", [_light(CLASS_COLOURS[0], 0.4), (1, 1, 1), _light(CLASS_COLOURS[1], 0.4)])
        inside = field.min() >= 0 and field.max() <= 1
        cs = ax.contourf(gx, gy, field, levels=np.linspace(0, 1, 11) if inside else 20, cmap=shade)
        ax.contour(gx, gy, field, levels=[0.5], colors="k", linewidths=1)
        if colorbar or cax is not None:
            bar = ax.figure.colorbar(cs, ax=None if cax is not None else ax, cax=cax)
            bar.set_label("network output $a^{(L)}$ (0.5: the black line)", fontsize=9)
            bar.ax.tick_params(labelsize=9)
    else:
        k = out.shape[1]
        field = out.argmax(axis=1).reshape(gx.shape)
        regions = ListedColormap([_light(CLASS_COLOURS[c]) for c in range(k)])
        cs = ax.contourf(gx, gy, field, levels=np.arange(k + 1) - 0.5, cmap=regions)
        if cax is not None:
            cax.set_visible(False)
    if y is not None:
        y = np.asarray(y)
        labels = (y[:, 0] > 0.5).astype(int) if y.shape[1] == 1 else y.argmax(axis=1)
        names = None
        if y.shape[1] > 1:
            names = [f"class {c}" for c in range(y.shape[1])]
        scatter_classes(ax, x, labels, names)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return cs


def _plain_log_label(axis, v):
    """A log axis's label for v: plain (0.2, 0.5, 1) between 1e-4 and 1e5, a power of ten
    elsewhere; the 2 and 5 of a decade only when the axis spans at most 3 decades."""
    if v <= 0:
        return ""
    k = np.log10(v)
    decade = abs(k - round(k)) < 1e-9
    lo, hi = sorted(axis.get_view_interval())
    if not decade and lo > 0 and np.log10(hi / lo) > 3:
        return ""
    if 1e-4 <= v < 1e5:
        return f"{v:g}"
    return f"$10^{{{int(round(k))}}}$" if decade else ""


def plain_log_ticks(ax, axis="y"):
    """Tick labels of a log axis as plain numbers (0.2, 0.5, 1) where they are between 1e-4 and
    1e5, powers of ten (10^-9) elsewhere; never "6×10^-1". Minor ticks get no label."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=40))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: _plain_log_label(target, v)))
    target.set_minor_formatter(NullFormatter())


def factor_text(r):
    """A factor per layer as the notebooks write it: 0.25 -> '× 1/4', 0.5 -> '× 1/2', 0.3 -> '× 0.3'."""
    from fractions import Fraction

    f = Fraction(float(r)).limit_denominator(100)
    if f.numerator == 1 and f.denominator > 1 and abs(float(f) - r) < 1e-12:
        return f"× 1/{f.denominator}"
    return f"× {r:g}"


_SUPERSCRIPT = str.maketrans("0123456789-T", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ")


def sup(l):
    """The layer superscript in Unicode: sup(2) -> '⁽²⁾' (plain text renders much faster than mathtext)."""
    return "⁽" + str(l).translate(_SUPERSCRIPT) + "⁾"


def short_number(v):
    """A number short enough for a neuron label: 0.12, -0.03, 4e-4, 0, 12.3, 2e+3."""
    v = float(v)
    if v == 0:
        return "0"
    if 0.01 <= abs(v) < 100:
        return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"
    s = f"{v:.0e}"  # e.g. 4e-04
    mant, exp = s.split("e")
    return f"{mant}e{int(exp)}"


def plot_delta_norms(ax, norms, label=None, layers=None, reference=None, ylabel=r"$\|\delta^{(l)}\|$",
                     **kwargs):
    r"""||delta^(l)|| against the layer l, on a log scale.

    norms : (L,), e.g. from :func:`backprop_lab.vanishing.delta_norms`; layers : the l of each
    entry (default 1..L). reference : a factor r per layer, drawn as a dashed guide line
    norms[-1] * r^(L - l) (e.g. 0.25 for "4x smaller per layer back"). ylabel : what the norms
    are (e.g. ``r"$\|\partial C/\partial b^{(l)}\|$"`` for the batch means of delta_norms).
    Returns the Line2D.
    """
    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 1 or norms.size == 0:
        raise ValueError(f"norms must be a 1-D array with one entry per layer, got shape {norms.shape}")
    layers = np.arange(1, norms.size + 1) if layers is None else np.asarray(layers)
    if layers.shape != norms.shape:
        raise ValueError(f"layers has shape {layers.shape} but norms has shape {norms.shape}")
    kwargs.setdefault("marker", "o")
    (line,) = ax.semilogy(layers, norms, label=label, **kwargs)
    if reference is not None:
        guide = norms[-1] * float(reference) ** (layers[-1] - layers)
        ax.semilogy(layers, guide, ls="--", color=line.get_color(), alpha=0.6, lw=1,
                    label=f"{factor_text(reference)} per layer" + (f" ({label})" if label else ""))
    ax.set_xlabel("layer $l$ (the backward pass runs right to left)")
    ax.set_ylabel(ylabel)
    ax.set_xticks(layers)
    plain_log_ticks(ax)
    return line


def plot_loss_curve(ax, history, label=None, **kwargs):
    """The cost C after each epoch (history[0] before training), on a log scale. Returns the Line2D."""
    history = np.asarray(history, dtype=float)
    if history.ndim != 1 or history.size == 0:
        raise ValueError(f"history must be a 1-D list of costs, got shape {history.shape}")
    (line,) = ax.semilogy(np.arange(history.size), history, label=label, **kwargs)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost $C$")
    plain_log_ticks(ax)
    return line
