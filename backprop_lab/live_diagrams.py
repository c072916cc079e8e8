"""The DeltaStepper's picture: a network, a colour key and bar plots, drawn once and updated in place.

* :class:`NetworkDiagram` - neurons coloured and labelled by value, edges coloured by value;
* :class:`ColourKey` - a colour bar with its scale and what it shows (the scale changes with the
  step, and between one example and the batch mean: the key says so);
* :class:`DeltaBars` - delta^(l) of every layer computed so far, on one scale;
* :func:`text_colour_on`, :func:`contrast_ratio` - black or white text, whichever reads better on a fill.

How the picture reads without colour: every neuron shows its number (its sign included); a negative
edge is dashed, a positive one solid; a bar points up or down; a neuron not computed yet is white,
outlined with a dashed line and labelled "—" (never a pale colour, which is what a tiny value looks
like; hatching read as well but cost 1.2 ms per layer and frame). Numbers are :func:`backprop_lab.formatting.unicode`: the equations' digits.
"""

from __future__ import annotations

import numpy as np

from .formatting import unicode

__all__ = ["NetworkDiagram", "ColourKey", "DeltaBars", "text_colour_on", "contrast_ratio",
           "relative_luminance", "CMAP", "NOT_COMPUTED", "CURRENT", "CURRENT_PANEL"]

CMAP = "coolwarm"        # blue negative, red positive; the middle is a light grey
NOT_COMPUTED = "—"       # the label of a neuron whose value is not computed yet
FONTSIZE = 9             # points: the smallest text of the picture
CURRENT = "#9a4c00"      # the current layer's caption: dark orange, 5.4:1 on its orange panel
CURRENT_PANEL = (1.0, 0.65, 0.0, 0.18)


def layer_sizes(net_or_sizes):
    """The sizes [n_0, ..., n_L] of a Network, or the sizes themselves, checked."""
    sizes = [int(n) for n in getattr(net_or_sizes, "sizes", net_or_sizes)]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"need layer sizes [n_0, ..., n_L] with every n_l >= 1, got {sizes}")
    return sizes


def check_layer_values(values, sizes, first, name, shape_of):
    """One array (or None) per layer l = first..L, each of shape shape_of(l); ValueError otherwise."""
    if values is None:
        return [None] * (len(sizes) - first)
    values = list(values)
    if len(values) != len(sizes) - first:
        raise ValueError(f"{name} must have one entry per layer l = {first}..{len(sizes) - 1} "
                         f"({len(sizes) - first} entries), got {len(values)}")
    out = []
    for k, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        v = np.asarray(v, dtype=float)
        if v.shape != shape_of(k + first):
            raise ValueError(f"{name}[{k + first}] has shape {v.shape} but layer {k + first} needs "
                             f"shape {shape_of(k + first)}")
        out.append(v)
    return out


def relative_luminance(rgb):
    """WCAG 2.1 relative luminance of an sRGB colour (components 0..1)."""
    c = np.asarray(rgb, dtype=float)[..., :3]
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a, b):
    """WCAG 2.1 contrast ratio (1..21) of two sRGB colours."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def text_colour_on(fill):
    """"black" or "white": whichever has the higher contrast on ``fill`` (at least 4.58:1 for any fill)."""
    return "black" if contrast_ratio(fill, (0, 0, 0)) >= contrast_ratio(fill, (1, 1, 1)) else "white"


def _scaled(values, vmax):
    """values / vmax, mapped to 0..1 for the colormap, without overflow for huge values."""
    return np.clip(0.5 + 0.5 * (np.asarray(values, dtype=float) / vmax), 0.0, 1.0)


def _vmax(arrays):
    finite = [float(np.max(np.abs(v))) for v in arrays if v is not None and v.size]
    vmax = max(finite + [0.0])
    return vmax if vmax > 0 and np.isfinite(vmax) else 1.0


def _ellipse(aspect):
    from matplotlib.path import Path

    circle = Path.unit_circle()
    return Path(circle.vertices * [1.0, aspect], circle.codes)


class NetworkDiagram:
    """A network picture drawn once on ``ax`` and then recoloured in place with :meth:`update`.

    sizes : [n_0, ..., n_L] (or a Network). Layer l at x = l, neuron j of layer l at row j
    (neuron 0 on top), edge (i, j) of layer l from neuron i of layer l-1 to neuron j of layer l.
    node_width, node_height : the neurons' size in points (an ellipse wide enough for a label).

    Artists: ``nodes[l]`` (a PathCollection per layer l = 0..L), ``edges[l - 1]`` (a
    LineCollection per layer l = 1..L, segments in the order of ``W[l].reshape(-1)``),
    ``labels[l][j]`` (Text), ``highlights[l]`` (a patch per layer, visible when highlighted),
    ``ring`` (the selected neuron's marker) and ``title``. After :meth:`update`, ``node_scale``
    and ``edge_scale`` are the largest |value| on show (the colour keys' ends).
    """

    EMPTY_FILL = (1.0, 1.0, 1.0, 1.0)
    EMPTY_EDGE = (0.35, 0.35, 0.35, 1.0)
    GREY_EDGE = (0.80, 0.80, 0.80, 1.0)

    def __init__(self, ax, net_or_sizes, cmap=CMAP, node_width=58.0, node_height=28.0, fontsize=FONTSIZE):
        from matplotlib import colormaps
        from matplotlib.collections import LineCollection
        from matplotlib.patches import FancyBboxPatch

        self.ax = ax
        self.sizes = sizes = layer_sizes(net_or_sizes)
        self.L = L = len(sizes) - 1
        self.cmap = colormaps[cmap]
        self.pos = pos = [np.c_[np.full(n, float(l)), (n - 1) / 2 - np.arange(n)] for l, n in enumerate(sizes)]
        self.node_width, self.node_height = node_width, node_height
        marker, s = _ellipse(node_height / node_width), node_width ** 2
        self.edges, self.nodes, self.labels, self.highlights = [], [], [], []
        for l in range(1, L + 1):
            segs = [(pos[l - 1][i], pos[l][j]) for i in range(sizes[l - 1]) for j in range(sizes[l])]
            lc = LineCollection(segs, colors=[self.GREY_EDGE], linewidths=0.8, linestyles=":", zorder=1)
            ax.add_collection(lc)
            self.edges.append(lc)
        top = (max(sizes) - 1) / 2
        for l in range(L + 1):
            h = (sizes[l] - 1) / 2
            patch = FancyBboxPatch((l - 0.36, -h - 0.4), 0.72, 2 * h + 0.8, boxstyle="round,pad=0.04",
                                   fc=(1.0, 0.65, 0.0, 0.12), ec="tab:orange", lw=2.5, zorder=2, visible=False)
            ax.add_patch(patch)
            self.highlights.append(patch)
            sc = ax.scatter(pos[l][:, 0], pos[l][:, 1], s=s, marker=marker, c=[self.EMPTY_FILL] * sizes[l],
                            edgecolors=[self.EMPTY_EDGE], linewidths=1.0, zorder=3)
            self.nodes.append(sc)
            self.labels.append([ax.text(px, py, "", fontsize=fontsize, ha="center", va="center", zorder=5)
                                for px, py in pos[l]])
            ax.text(l, top + 0.5, f"layer {l}" if l else "input (layer 0)", ha="center", va="bottom",
                    fontsize=fontsize)
        self.ring = ax.scatter([0.0], [0.0], s=(node_width + 9) ** 2, marker=marker, facecolors="none",
                               edgecolors="k", linewidths=2.2, zorder=4, visible=False)
        self.title = ax.set_title("", fontsize=fontsize + 1, y=1.0, loc="left")
        ax.set_xlim(-0.5, L + 0.5)
        ax.set_ylim(-top - 0.55, top + 0.9)
        ax.axis("off")
        self.node_scale = self.edge_scale = None

    def update(self, node_values=None, edge_values=None, highlight=None, selected=None, title=None,
               node_labels=True):
        """Recolour the picture.

        node_values : one entry per layer l = 0..L, each None (not computed: white, dashed, "—") or
            (n_l,). Colours share one symmetric scale over all layers (blue negative, red positive).
        edge_values : one entry per layer l = 1..L, each None (grey, dotted) or (n_{l-1}, n_l);
            colour and width follow the value, a negative edge is dashed.
        highlight : a layer to outline, or None. selected : (l, j) to ring, or None.
        """
        sizes, L = self.sizes, self.L
        nodes = check_layer_values(node_values, sizes, 0, "node_values", lambda l: (sizes[l],))
        edges = check_layer_values(edge_values, sizes, 1, "edge_values", lambda l: (sizes[l - 1], sizes[l]))
        if highlight is not None and not 0 <= highlight <= L:
            raise ValueError(f"highlight must be a layer number 0..{L}, got {highlight}")
        node_max, edge_max = _vmax(nodes), _vmax(edges)
        self.node_scale = node_max if any(v is not None for v in nodes) else None
        self.edge_scale = edge_max if any(v is not None for v in edges) else None
        for l, v in enumerate(nodes):
            sc = self.nodes[l]
            if v is None:
                sc.set_facecolor([self.EMPTY_FILL] * sizes[l])
                sc.set_edgecolor([self.EMPTY_EDGE])
                sc.set_linestyle("--")
                for t in self.labels[l]:
                    t.set_text(NOT_COMPUTED if node_labels else "")
                    t.set_color("black")
            else:
                fills = self.cmap(_scaled(v, node_max))
                sc.set_facecolor(fills)
                sc.set_edgecolor([(0.25, 0.25, 0.25, 1.0)])
                sc.set_linestyle("-")
                for t, val, fill in zip(self.labels[l], v, fills):
                    t.set_text(unicode(val) if node_labels else "")
                    t.set_color(text_colour_on(fill))
        for l, v in enumerate(edges, start=1):
            lc = self.edges[l - 1]
            if v is None:
                lc.set_color([self.GREY_EDGE])
                lc.set_linewidth(0.8)
                lc.set_linestyle(":")
            else:
                flat = v.reshape(-1)
                lc.set_color(self.cmap(_scaled(flat, edge_max)))
                lc.set_linewidth(0.6 + 4.0 * np.minimum(np.abs(flat) / edge_max, 1.0))
                lc.set_linestyle(["--" if f < 0 else "-" for f in flat])
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


class ColourKey:
    """A horizontal colour bar on its own ``ax``: what the colour shows, and its scale -v..0..+v.

    :meth:`update` sets the caption and the scale (None: nothing coloured, the key says so).
    Artists: ``caption``, ``low``, ``zero``, ``high`` (Text), ``image`` (the gradient).
    """

    def __init__(self, ax, cmap=CMAP, fontsize=FONTSIZE):
        self.ax = ax
        gradient = np.linspace(0, 1, 256)[None, :]
        from matplotlib.patches import Rectangle

        self.image = ax.imshow(gradient, aspect="auto", cmap=cmap, extent=(-1, 1, 0, 1))
        # drawn over the gradient where nothing is coloured (cheaper per frame than redrawing the image)
        self.cover = ax.add_patch(Rectangle((-1.01, -0.05), 2.02, 1.1, fc="white", ec="none", zorder=5,
                                           visible=False, clip_on=False))
        ax.set_xlim(-1, 1)
        ax.set_ylim(0, 1)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():  # the gradient is redrawn per frame: nothing may sit on it
            spine.set_visible(False)
        kw = dict(fontsize=fontsize, transform=ax.transAxes)
        self.caption = ax.text(0.0, 1.15, "", ha="left", va="bottom", **kw)
        self.low = ax.text(0.0, -0.2, "", ha="left", va="top", **kw)
        self.zero = ax.text(0.5, -0.2, "0", ha="center", va="top", **kw)
        self.high = ax.text(1.0, -0.2, "", ha="right", va="top", **kw)
        self.scale = None

    def update(self, caption, scale):
        """caption : what the colour shows; scale : the largest |value| (the ends), or None."""
        self.scale = scale
        self.cover.set_visible(scale is None)  # no colour scale where nothing is coloured
        self.caption.set_text(caption)
        self.low.set_text("" if scale is None else unicode(-scale))
        self.high.set_text("" if scale is None else "+" + unicode(scale))
        self.zero.set_text("" if scale is None else "0")

    def dynamic_artists(self):
        return [self.cover]

    def dynamic_texts(self):
        return [self.caption, self.low, self.zero, self.high]


class DeltaBars:
    """Bar plots of delta^(l), one group of bars per layer l = 1..L, side by side on one ``ax``.

    All layers share one y scale (:meth:`set_limit`), so sizes compare across layers: the
    picture of a vanishing gradient is a row of shrinking groups. Heights are drawn in units of
    the limit (so no value overflows the axes) and the scale is written as text. Artists:
    ``bars[l - 1]`` (layer l's BarContainer, bar j is delta_j^(l) / limit), ``notes[l - 1]``
    ("not yet"), ``labels[l - 1]`` (the group's caption with the norm), ``panels[l - 1]`` (the
    group's background, orange when it is the current layer), ``ticks`` (the scale's texts: +limit,
    0, -limit) and ``title``.
    """

    GAP = 1.0  # space between groups, in bar widths

    def __init__(self, ax, net_or_sizes, cmap=CMAP, fontsize=FONTSIZE):
        from matplotlib import colormaps
        from matplotlib.patches import Rectangle

        self.ax = ax
        self.sizes = sizes = layer_sizes(net_or_sizes)
        self.L = L = len(sizes) - 1
        self.cmap = colormaps[cmap]
        self.bars, self.notes, self.labels, self.panels, self.centres = [], [], [], [], []
        x0 = 0.0
        for l in range(1, L + 1):
            n = sizes[l]
            pad = max(0.0, (3 - n) / 2)  # groups are at least 3 bars wide, so captions fit
            x0 += pad
            xs = x0 + np.arange(n)
            centre = x0 + (n - 1) / 2
            panel = Rectangle((x0 - 0.5 - pad, -1.05), n + 2 * pad, 2.1, fc="0.96", ec="none", zorder=0)
            ax.add_patch(panel)
            self.panels.append(panel)
            # the bars' geometry and heights (the API); one PolyCollection draws them all (fast)
            self.bars.append(ax.bar(xs, np.zeros(n), width=0.7, color="0.7", edgecolor="0.3",
                                    linewidth=0.5, zorder=2, visible=False))
            self.notes.append(ax.text(centre, 0.35, "not yet", ha="center", va="center", fontsize=fontsize,
                                      color="0.25", zorder=3))
            # the last group's caption ends at its panel's right edge, so it stays inside the picture
            ha, cx = ("right", x0 + n - 0.5 + pad) if l == L and n < 6 else ("center", centre)
            self.labels.append(ax.text(cx, -1.08, "", ha=ha, va="top", fontsize=fontsize, zorder=3))
            self.centres.append(centre)
            x0 += n + pad + self.GAP
        from matplotlib.collections import PolyCollection

        self.shapes = PolyCollection([], edgecolors="0.3", linewidths=0.5, zorder=2)
        ax.add_collection(self.shapes, autolim=False)
        self.zero_line = ax.axhline(0, xmin=0.01, color="0.3", lw=0.6, zorder=1)  # clear of the spine
        ax.set_xlim(-0.9, x0 - self.GAP - 0.1)
        ax.set_ylim(-1.1, 1.1)
        ax.set_xticks([])
        ax.set_yticks([-1, 0, 1], ["", "", ""])
        ax.tick_params(length=3, pad=1)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        kw = dict(fontsize=fontsize, ha="right", va="center", transform=ax.get_yaxis_transform())
        self.ticks = [ax.text(-0.012, y, "", **kw) for y in (1.0, 0.0, -1.0)]
        self.title = ax.set_title("", fontsize=fontsize, y=1.02, loc="left")
        self.set_limit(1.0)

    def set_limit(self, limit, who=""):
        """Put every group on the scale [-limit, limit] (the largest |delta| of the pass).

        who : whose numbers they are ("example 0", "batch mean"), written in the title.
        """
        limit = float(limit) if limit and np.isfinite(limit) and limit > 0 else 1.0
        self.limit = limit
        for t, v in zip(self.ticks, (limit, 0.0, -limit)):
            t.set_text(("+" if v > 0 else "") + unicode(v))
        self.title.set_text(r"$\delta^{(l)}$ of every layer computed so far, on one scale"
                            + (f" ({who}: ±{unicode(limit)})" if who else ""))

    def update(self, values, current=None):
        """values : one entry per layer l = 1..L, None (not computed) or (n_l,). current : a layer to mark."""
        values = check_layer_values(values, self.sizes, 1, "values", lambda l: (self.sizes[l],))
        polys, faces = [], []
        for l, (v, bars, note, label, panel) in enumerate(
                zip(values, self.bars, self.notes, self.labels, self.panels), start=1):
            heights = np.zeros(self.sizes[l]) if v is None else np.clip(v / self.limit, -1.0, 1.0)
            colors = self.cmap(np.clip(0.5 + 0.5 * heights, 0, 1))
            for rect, h, c in zip(bars, heights, colors):
                rect.set_height(h)
                rect.set_facecolor(c)
                x0, w = rect.get_x(), rect.get_width()
                polys.append(np.array([(x0, 0), (x0 + w, 0), (x0 + w, h), (x0, h)]) if h else np.zeros((0, 2)))
                faces.append(c)
            note.set_visible(v is None)
            text = rf"$\delta^{{({l})}}$"
            if v is not None:
                norm = float(np.sqrt(np.sum((v / self.limit) ** 2))) * self.limit  # no overflow
                text += "\n" + rf"$\|\delta^{{({l})}}\|$ = {unicode(norm)}"
            label.set_text(text)
            is_current = l == current
            label.set_color(CURRENT if is_current else "black")
            label.set_fontweight("bold" if is_current else "normal")
            panel.set_facecolor(CURRENT_PANEL if is_current else "0.96")
        self.shapes.set_verts([p for p in polys if len(p)])
        self.shapes.set_facecolor([c for p, c in zip(polys, faces) if len(p)])

    def shown(self, l):
        """The values the bars of layer l show, in the data's units: heights times the limit (n_l,)."""
        return np.array([r.get_height() for r in self.bars[l - 1]]) * self.limit

    def dynamic_artists(self):
        """Every artist but text that :meth:`update` may change, in drawing order (for blitting)."""
        return list(self.panels) + [self.zero_line, self.shapes]

    def dynamic_texts(self):
        """Every Text :meth:`update` and :meth:`set_limit` may change; drawn on top of everything else."""
        return list(self.notes) + list(self.labels) + list(self.ticks) + [self.title]
