"""Matplotlib helpers shared by the notebooks and the widgets. Each takes an ``ax``.

:func:`draw_network` draws layers 0..L left to right, neuron j of layer l at
column l, row j, with edge (i, j) of layer l drawn from neuron i of layer l-1 to
neuron j of layer l, the seed's W_ij^(l).
"""

from __future__ import annotations

import numpy as np

__all__ = ["draw_network", "plot_decision_boundary", "network_positions"]


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
                 node_title=None, edge_title=None):
    """Draw a fully connected network on ``ax``.

    net_or_sizes : a Network, or the sizes [n_0, ..., n_L].
    node_values : None, or one entry per layer l = 0..L, each None (not computed yet: drawn
        grey) or an array of shape (n_l,): e.g. ``fwd.a`` for one example. Neurons are
        coloured by value (blue negative, red positive) and labelled with it.
    edge_values : None, or one entry per layer l = 1..L, each None or an array of shape
        (n_{l-1}, n_l): e.g. ``net.W``. Edge (i, j) of layer l is coloured by its value and
        its width grows with |value|.
    highlight : a layer number l to outline, or None.
    node_labels, edge_labels : write the values on neurons / edges.
    Returns a dict with the artists: ``"nodes"`` (list per layer), ``"edges"`` (list per
    layer of LineCollections) and ``"highlight"`` (a patch or None).
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
    pos = network_positions(sizes)
    cm = colormaps[cmap]

    def norm_for(arrays):
        vmax = max([float(np.max(np.abs(v))) for v in arrays if v is not None and v.size] + [1e-12])
        return Normalize(-vmax, vmax)

    node_norm, edge_norm = norm_for(nodes), norm_for(edges)
    edge_max = edge_norm.vmax
    artists = {"nodes": [], "edges": [], "highlight": None}
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
                for (p, q), val in zip(segs, flat):
                    mid = 0.35 * np.asarray(p) + 0.65 * np.asarray(q)
                    ax.text(mid[0], mid[1], fmt.format(val), fontsize=7, ha="center", va="center",
                            zorder=4, bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
        ax.add_collection(lc)
        artists["edges"].append(lc)
    for l in range(L + 1):
        v = nodes[l]
        colors = ["0.85"] * sizes[l] if v is None else [cm(node_norm(val)) for val in v]
        sc = ax.scatter(pos[l][:, 0], pos[l][:, 1], s=900, c=colors, edgecolors="0.2", zorder=3)
        artists["nodes"].append(sc)
        if node_labels and v is not None:
            for (px, py), val in zip(pos[l], v):
                ax.text(px, py, fmt.format(val), fontsize=8, ha="center", va="center", zorder=5)
        ax.text(l, (max(sizes) - 1) / 2 + 0.8, f"layer {l}" if l else "input", ha="center",
                va="bottom", fontsize=9)
    if highlight is not None:
        h = (sizes[highlight] - 1) / 2
        patch = FancyBboxPatch((highlight - 0.3, -h - 0.45), 0.6, 2 * h + 0.9,
                               boxstyle="round,pad=0.05", fc="none", ec="tab:orange", lw=2.5, zorder=2)
        ax.add_patch(patch)
        artists["highlight"] = patch
    top = (max(sizes) - 1) / 2
    ax.set_xlim(-0.6, L + 0.6)
    ax.set_ylim(-top - 0.8, top + 1.4)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    if node_title or edge_title:
        ax.set_title(" · ".join(t for t in (node_title, edge_title) if t), fontsize=10)
    return artists


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
