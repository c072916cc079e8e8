"""Matplotlib helpers shared by the notebooks and the widgets. Each takes an ``ax``.

:func:`draw_network` draws layers 0..L left to right, neuron j of layer l at
column l, row j, with edge (i, j) of layer l drawn from neuron i of layer l-1 to
neuron j of layer l, the seed's W_ij^(l).

:class:`NetworkDiagram` and :class:`DeltaBars` (in ``backprop_lab/live_diagrams.py``, re-exported
here) draw the same pictures once and then update their artists in place (colours, labels, bar
heights), which is what the widgets need to redraw fast. :func:`plot_delta_norms` and :func:`plot_loss_curve` are plain plots.

The derivation's pictures (:func:`draw_output_paths`, :func:`draw_fan_out`,
:func:`draw_weight_edge`, :func:`draw_chain_paths`, :func:`draw_neuron_gates`,
:func:`plot_backprop_timing`) live in ``backprop_lab/diagrams.py`` and are re-exported here.
"""

from __future__ import annotations

import numpy as np

from .live_diagrams import DeltaBars, NetworkDiagram
from .diagrams import (CONTEXT, HIGHLIGHT, SECOND, draw_chain_paths, draw_fan_out, draw_neuron_gates, draw_output_paths,
                        draw_weight_edge, plot_backprop_timing)

__all__ = ["draw_network", "plot_decision_boundary", "network_positions", "NetworkDiagram",
           "DeltaBars", "plot_delta_norms", "plot_loss_curve", "short_number", "sup",
           "draw_output_paths", "draw_fan_out", "draw_weight_edge", "draw_chain_paths",
           "draw_neuron_gates", "plot_backprop_timing"]


def _sizes(net_or_sizes):
    sizes = getattr(net_or_sizes, "sizes", net_or_sizes)
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"need layer sizes [n_0, ..., n_L] with every n_l >= 1, got {sizes}")
    return sizes


def network_positions(sizes):
    """(x, y) of every neuron: a list over l = 0..L of arrays of shape (n_l, 2).

    Layer l sits at x = l; its neurons are centred vertically, neuron 0 on top.
    """
    sizes = _sizes(sizes)
    pos = []
    for l, n in enumerate(sizes):
        y = (n - 1) / 2 - np.arange(n)
        pos.append(np.c_[np.full(n, float(l)), y])
    return pos


def _check_layers(values, sizes, first, name, shape_of):
    if values is None:
        return [None] * (len(sizes) - first)
    values = list(values)
    if len(values) != len(sizes) - first:
        raise ValueError(f"{name} must have one entry per layer l = {first}..{len(sizes) - 1} "
                         f"({len(sizes) - first} entries), got {len(values)}")
    out = []
    for k, v in enumerate(values):
        l = k + first
        if v is None:
            out.append(None)
            continue
        v = np.asarray(v, dtype=float)
        if v.shape != shape_of(l):
            raise ValueError(f"{name}[{l}] has shape {v.shape} but layer {l} needs shape {shape_of(l)}")
        out.append(v)
    return out


def draw_network(ax, net_or_sizes, node_values=None, edge_values=None, highlight=None,
                 node_labels=True, edge_labels=False, fmt="{:.2f}", cmap="coolwarm",
                 node_title=None, edge_title=None, layer_gap=1.0):
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
    Returns a dict with the artists: ``"nodes"`` (list per layer), ``"edges"`` (list per
    layer of LineCollections), ``"highlight"`` (a patch or None) and ``"edge_labels"``
    (a dict (l, i, j) -> Text, the label of edge (i, j) of layer l, 0-based i and j).
    """
    from matplotlib import colormaps
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import FancyBboxPatch

    sizes = _sizes(net_or_sizes)
    L = len(sizes) - 1
    nodes = _check_layers(node_values, sizes, 0, "node_values", lambda l: (sizes[l],))
    edges = _check_layers(edge_values, sizes, 1, "edge_values", lambda l: (sizes[l - 1], sizes[l]))
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
    artists = {"nodes": [], "edges": [], "highlight": None, "edge_labels": {}}
    placed = [tuple(p) for layer in pos for p in layer]  # label spots taken, neurons first
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
    return artists


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


def plot_decision_boundary(ax, net, x, y=None, resolution=200, margin=0.5, cmap="RdBu_r"):
    """Shade the network's output over the plane of a 2-input network, and scatter the data.

    x: (m, 2). y: (m, 1) labels in [0, 1] or one-hot (m, k), or None. For one output the
    shading is a^(L) and the 0.5 contour is drawn; for k outputs it is the argmax class.
    Returns the ``contourf`` artist.
    """
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
        cs = ax.contourf(gx, gy, field, levels=np.linspace(0, 1, 11) if field.min() >= 0 and field.max() <= 1 else 20,
                         cmap=cmap, alpha=0.6)
        ax.contour(gx, gy, field, levels=[0.5], colors="k", linewidths=1)
    else:
        field = out.argmax(axis=1).reshape(gx.shape)
        cs = ax.contourf(gx, gy, field, levels=np.arange(out.shape[1] + 1) - 0.5, cmap="tab10", alpha=0.35)
    if y is not None:
        y = np.asarray(y)
        labels = y[:, 0] if y.shape[1] == 1 else y.argmax(axis=1)
        ax.scatter(x[:, 0], x[:, 1], c=labels, cmap=cmap if y.shape[1] == 1 else "tab10",
                   edgecolors="k", s=18, zorder=3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return cs


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


def plot_delta_norms(ax, norms, label=None, layers=None, reference=None, **kwargs):
    """||delta^(l)|| against the layer l, on a log scale.

    norms : (L,), e.g. from :func:`backprop_lab.stepper.delta_norms`; layers : the l of each
    entry (default 1..L). reference : a factor r per layer, drawn as a dashed guide line
    norms[-1] * r^(L - l) (e.g. 0.25 for "4x smaller per layer back"). Returns the Line2D.
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
                    label=f"×{reference:g} per layer" + (f" ({label})" if label else ""))
    ax.set_xlabel("layer $l$ (the backward pass runs right to left)")
    ax.set_ylabel(r"$\|\delta^{(l)}\|$")
    ax.set_xticks(layers)
    return line


def plot_loss_curve(ax, history, label=None, **kwargs):
    """The cost C after each epoch (history[0] before training), on a log scale. Returns the Line2D."""
    history = np.asarray(history, dtype=float)
    if history.ndim != 1 or history.size == 0:
        raise ValueError(f"history must be a 1-D list of costs, got shape {history.shape}")
    (line,) = ax.semilogy(np.arange(history.size), history, label=label, **kwargs)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost $C$")
    return line
