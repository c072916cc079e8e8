"""Matplotlib helpers shared by the notebooks and the widgets. Each takes an ``ax``.

:func:`draw_network` draws layers 0..L left to right, neuron j of layer l at
column l, row j, with edge (i, j) of layer l drawn from neuron i of layer l-1 to
neuron j of layer l, the seed's W_ij^(l).

:class:`NetworkDiagram` and :class:`DeltaBars` draw the same pictures once and then
update their artists in place (colours, labels, bar heights), which is what the widgets
need to redraw fast. :func:`plot_delta_norms` and :func:`plot_loss_curve` are plain plots.

The derivation's pictures (:func:`draw_output_paths`, :func:`draw_fan_out`,
:func:`draw_weight_edge`, :func:`draw_chain_paths`, :func:`draw_neuron_gates`,
:func:`draw_gradient_descent`, :func:`draw_activation`, :func:`plot_work_count`, :func:`plot_backprop_timing`) live in ``backprop_lab/diagrams.py`` and are re-exported here.
"""

from __future__ import annotations

import numpy as np

from .diagrams import (CONTEXT, HIGHLIGHT, SECOND, draw_activation, draw_chain_paths, draw_fan_out,
                        draw_gradient_descent,
                        draw_neuron_gates, draw_output_paths, draw_weight_edge, plot_backprop_timing,
                        plot_work_count)

__all__ = ["draw_network", "plot_decision_boundary", "network_positions", "NetworkDiagram",
           "DeltaBars", "plot_delta_norms", "plot_loss_curve", "short_number", "sup",
           "draw_output_paths", "draw_fan_out", "draw_weight_edge", "draw_chain_paths",
           "draw_neuron_gates", "draw_gradient_descent", "draw_activation", "plot_work_count",
           "plot_backprop_timing"]


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


class NetworkDiagram:
    """A network picture drawn once on ``ax`` and then recoloured in place with :meth:`update`.

    sizes : [n_0, ..., n_L] (or a Network). The layout is :func:`draw_network`'s: layer l at
    x = l, neuron j of layer l at row j (neuron 0 on top), edge (i, j) of layer l from neuron i
    of layer l-1 to neuron j of layer l.

    Artists (for tests and for the widgets): ``nodes[l]`` (a PathCollection per layer l = 0..L),
    ``edges[l - 1]`` (a LineCollection per layer l = 1..L, segments in the order of
    ``W[l].reshape(-1)``), ``labels[l][j]`` (Text), ``highlights[l]`` (a patch per layer,
    visible when highlighted), ``ring`` (the selected neuron's marker) and ``title``.
    """

    GREY_NODE = (0.88, 0.88, 0.88, 1.0)
    GREY_EDGE = (0.85, 0.85, 0.85, 1.0)

    def __init__(self, ax, net_or_sizes, cmap="coolwarm", node_size=None, fontsize=7):
        from matplotlib import colormaps
        from matplotlib.collections import LineCollection
        from matplotlib.patches import FancyBboxPatch

        self.ax = ax
        self.sizes = sizes = _sizes(net_or_sizes)
        self.L = L = len(sizes) - 1
        self.cmap = colormaps[cmap]
        self.pos = pos = network_positions(sizes)
        node_size = 900 if node_size is None else node_size
        self.edges, self.nodes, self.labels, self.highlights = [], [], [], []
        for l in range(1, L + 1):
            segs = [(pos[l - 1][i], pos[l][j]) for i in range(sizes[l - 1]) for j in range(sizes[l])]
            lc = LineCollection(segs, colors=[self.GREY_EDGE], linewidths=0.8, zorder=1)
            ax.add_collection(lc)
            self.edges.append(lc)
        top = (max(sizes) - 1) / 2
        for l in range(L + 1):
            h = (sizes[l] - 1) / 2
            patch = FancyBboxPatch((l - 0.3, -h - 0.45), 0.6, 2 * h + 0.9, boxstyle="round,pad=0.05",
                                   fc=(1.0, 0.65, 0.0, 0.12), ec="tab:orange", lw=2.5, zorder=2,
                                   visible=False)
            ax.add_patch(patch)
            self.highlights.append(patch)
            sc = ax.scatter(pos[l][:, 0], pos[l][:, 1], s=node_size, c=[self.GREY_NODE] * sizes[l],
                            edgecolors="0.25", linewidths=1.0, zorder=3)
            self.nodes.append(sc)
            self.labels.append([ax.text(px, py, "", fontsize=fontsize, ha="center", va="center", zorder=5)
                                for px, py in pos[l]])
            ax.text(l, top + 0.75, f"layer {l}" if l else "input (0)", ha="center", va="bottom",
                    fontsize=8)
        self.ring = ax.scatter([0.0], [0.0], s=node_size * 1.9, facecolors="none", edgecolors="k",
                               linewidths=2.0, zorder=4, visible=False)
        self.title = ax.set_title("", fontsize=9, y=1.0)
        ax.set_xlim(-0.5, L + 0.5)
        ax.set_ylim(-top - 0.7, top + 1.2)
        ax.axis("off")

    def _norm(self, arrays):
        from matplotlib.colors import Normalize
        vmax = max([float(np.max(np.abs(v))) for v in arrays if v is not None and v.size] + [1e-12])
        return Normalize(-vmax, vmax)

    def update(self, node_values=None, edge_values=None, highlight=None, selected=None, title=None,
               node_labels=True):
        """Recolour the picture.

        node_values : one entry per layer l = 0..L, each None (grey) or (n_l,). Colours share
            one symmetric scale over all layers (blue negative, red positive).
        edge_values : one entry per layer l = 1..L, each None (grey) or (n_{l-1}, n_l); colour
            and width follow the value.
        highlight : a layer to outline, or None. selected : (l, j) to ring, or None.
        """
        sizes, L = self.sizes, self.L
        nodes = _check_layers(node_values, sizes, 0, "node_values", lambda l: (sizes[l],))
        edges = _check_layers(edge_values, sizes, 1, "edge_values", lambda l: (sizes[l - 1], sizes[l]))
        if highlight is not None and not 0 <= highlight <= L:
            raise ValueError(f"highlight must be a layer number 0..{L}, got {highlight}")
        node_norm, edge_norm = self._norm(nodes), self._norm(edges)
        for l, v in enumerate(nodes):
            if v is None:
                self.nodes[l].set_facecolor([self.GREY_NODE] * sizes[l])
                for t in self.labels[l]:
                    t.set_text("")
            else:
                scaled = node_norm(v)
                self.nodes[l].set_facecolor(self.cmap(scaled))
                for t, val, sv in zip(self.labels[l], v, scaled):
                    t.set_text(short_number(val) if node_labels else "")
                    t.set_color("white" if abs(sv - 0.5) > 0.35 else "black")
        for l, v in enumerate(edges, start=1):
            lc = self.edges[l - 1]
            if v is None:
                lc.set_color([self.GREY_EDGE])
                lc.set_linewidth(0.8)
            else:
                flat = v.reshape(-1)
                lc.set_color(self.cmap(edge_norm(flat)))
                lc.set_linewidth(0.6 + 4.0 * np.abs(flat) / edge_norm.vmax)
        for l, patch in enumerate(self.highlights):
            patch.set_visible(l == highlight)
        if selected is None:
            self.ring.set_visible(False)
        else:
            l, j = selected
            self.ring.set_offsets([self.pos[l][j]])
            self.ring.set_visible(True)
        self.title.set_text(title or "")

    def dynamic_artists(self):
        """Every artist but text that :meth:`update` may change, in drawing order (for blitting)."""
        return list(self.edges) + list(self.highlights) + list(self.nodes) + [self.ring]

    def dynamic_texts(self):
        """Every Text :meth:`update` may change; they are drawn on top of everything else."""
        return [t for layer in self.labels for t in layer] + [self.title]


class DeltaBars:
    """Bar plots of delta^(l), one group of bars per layer l = 1..L, side by side on one ``ax``.

    All layers share one y scale (:meth:`set_limit`), so sizes compare across layers: the
    picture of a vanishing gradient is a row of shrinking groups. :meth:`update` sets the
    heights in place. Artists: ``bars[l - 1]`` (layer l's BarContainer, bar j is delta_j^(l)),
    ``notes[l - 1]`` ("not yet" text), ``labels[l - 1]`` (the group's caption with the norm) and
    ``panels[l - 1]`` (the group's background, orange when it is the current layer).
    """

    GAP = 1.0  # space between groups, in bar widths

    def __init__(self, ax, net_or_sizes, cmap="coolwarm", quantity="δ"):
        from matplotlib import colormaps
        from matplotlib.patches import Rectangle

        self.ax = ax
        self.sizes = sizes = _sizes(net_or_sizes)
        self.L = L = len(sizes) - 1
        self.quantity, self.cmap = quantity, colormaps[cmap]
        self.bars, self.notes, self.labels, self.panels, self.centres = [], [], [], [], []
        x0 = 0.0
        for l in range(1, L + 1):
            n = sizes[l]
            pad = max(0.0, (3 - n) / 2)  # groups are at least 3 bars wide, so captions fit
            x0 += pad
            xs = x0 + np.arange(n)
            centre = x0 + (n - 1) / 2
            panel = Rectangle((x0 - 0.5 - pad, -1.0), n + 2 * pad, 2.0, fc="0.96", ec="none", zorder=0)
            ax.add_patch(panel)
            self.panels.append(panel)
            self.bars.append(ax.bar(xs, np.zeros(n), width=0.7, color="0.7", edgecolor="0.3",
                                    linewidth=0.5, zorder=2))
            self.notes.append(ax.text(centre, 0.35, "not yet", ha="center", va="center", fontsize=7,
                                      color="0.45", zorder=3))
            self.labels.append(ax.text(centre, -1.02, "", ha="center", va="top", fontsize=8, zorder=3))
            self.centres.append(centre)
            x0 += n + pad + self.GAP
        self.zero_line = ax.axhline(0, xmin=0.01, color="0.3", lw=0.6, zorder=1)  # clear of the spine
        ax.set_xlim(-0.6 - 0.3, x0 - self.GAP - 0.4 + 0.3)
        ax.set_xticks([])
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        ax.tick_params(labelsize=7, length=2, pad=1)
        self.title = ax.set_title(f"{quantity}⁽ˡ⁾ of every layer computed so far, on one scale",
                                  fontsize=8, y=1.0)
        self.set_limit(1.0)

    def set_limit(self, limit):
        """Put every group on the y scale [-limit, limit] (the largest |delta| of the pass)."""
        limit = float(limit) if limit and np.isfinite(limit) and limit > 0 else 1.0
        self.ax.set_ylim(-1.25 * limit, 1.1 * limit)
        self.ax.set_yticks([-limit, 0, limit], [short_number(-limit), "0", short_number(limit)])
        for panel in self.panels:
            panel.set_y(-1.05 * limit)
            panel.set_height(2.1 * limit)
        for label in self.labels:
            label.set_y(-1.07 * limit)
        for note in self.notes:
            note.set_y(0.35 * limit)
        self.limit = limit

    def update(self, values, current=None):
        """values : one entry per layer l = 1..L, None (not computed) or (n_l,). current : a layer to mark."""
        from matplotlib.colors import Normalize

        values = _check_layers(values, self.sizes, 1, "values", lambda l: (self.sizes[l],))
        norm = Normalize(-self.limit, self.limit)
        for l, (v, bars, note, label, panel) in enumerate(
                zip(values, self.bars, self.notes, self.labels, self.panels), start=1):
            heights = np.zeros(self.sizes[l]) if v is None else v
            colors = self.cmap(norm(heights))
            for rect, h, c in zip(bars, heights, colors):
                rect.set_height(h)
                rect.set_facecolor(c)
            note.set_visible(v is None)
            text = f"{self.quantity}{sup(l)}"
            if v is not None:
                text += f"   ‖{self.quantity}‖ = {short_number(np.linalg.norm(v))}"
            label.set_text(text)
            is_current = l == current
            label.set_color("tab:orange" if is_current else "black")
            label.set_fontweight("bold" if is_current else "normal")
            panel.set_facecolor((1.0, 0.65, 0.0, 0.18) if is_current else "0.96")

    def dynamic_artists(self):
        """Every artist but text that :meth:`update` may change, in drawing order (for blitting)."""
        return list(self.panels) + [self.zero_line] + [r for bars in self.bars for r in bars]

    def dynamic_texts(self):
        """Every Text :meth:`update` may change; they are drawn on top of everything else."""
        return list(self.notes) + list(self.labels)


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
