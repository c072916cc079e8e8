"""The DeltaStepper's picture: its layout in inches, its titles and its colour keys.

The figure is ``WIDTH`` inches wide at ``DPI``: a PNG of ``WIDTH * DPI`` = 840 pixels, shown at
exactly that CSS width (the <img> never exceeds its natural size). In a 1400 x 1000 JupyterLab
window the stepper's output is about 970 px wide, so the picture fills about 87 % of it. Every text
is at least ``FONTSIZE`` = 9 pt, which is 9 * 100 / 72 = 12.5 px at that scale.
"""

from __future__ import annotations

from ..formatting import unicode
from ..live_diagrams import FONTSIZE, ColourKey, DeltaBars, NetworkDiagram
from ..rendering import new_figure

__all__ = ["StepperPicture", "picture_title", "WIDTH", "DPI", "FONTSIZE"]

WIDTH = 8.4     # inches
DPI = 100       # pixels per inch: the PNG is WIDTH * DPI pixels wide
ROW = 0.6       # inches between two neurons of a layer
TITLE, KEY, BARS_TITLE, BARS, BARS_CAPTION = 0.42, 0.8, 0.32, 1.3, 0.5  # heights, inches
LEFT, RIGHT = 0.75, 0.15  # margins, inches (the bars' scale is written in the left one)


def picture_title(model, k, ex):
    """What the picture of step k shows, with its maths typeset (mathtext), as in the equations."""
    s, L = model[k], model.L
    head = f"step {k}/{model.last}: "
    who = "  (batch mean)" if model.is_batch_mean(ex) else f"  (example {ex or 0})"
    if s.kind == "input":
        return head + r"the input $a^{(0)} = x$" + who
    if s.kind == "forward":
        return head + rf"the forward pass, $a^{{({s.l})}} = g_{s.l}(z^{{({s.l})}})$" + who
    if s.kind == "cost":
        c = model.C if ex is None else model.c[ex]
        return head + ("the cost " + (f"$C$ = {unicode(c)}" if ex is None else f"$c$ = {unicode(c)}")) + who
    if s.kind == "delta" and s.l == L:
        return head + rf"the output delta $\delta^{{({L})}} = \partial c / \partial z^{{({L})}}$" + who
    if s.kind == "delta":
        l = s.l
        return (head + rf"$\delta^{{({l})}} = (\delta^{{({l + 1})}} W^{{({l + 1})T}}) \odot g_{l}'(z^{{({l})}})$"
                + who)
    c = "C" if model.is_batch_mean(ex) else "c"  # one example's picture shows its own dc/dW = a delta
    return head + rf"the gradients $\partial {c}/\partial W^{{(l)}}$, $\partial {c}/\partial b^{{(l)}}$" + who


_NODE_CAPTION = {"a": r"$a^{(l)}$", "delta": r"$\delta^{(l)}$", "dC/db": r"$\partial C/\partial b^{(l)}$"}
_EDGE_CAPTION = {"W": r"$W^{(l)}$", "delta_k W_jk": r"$\delta_k^{(l+1)} W_{jk}^{(l+1)}$",
                 "dC/dW": r"$\partial C/\partial W^{(l)}$"}


def key_captions(model, k, ex):
    """(neuron key caption, edge key caption) of step k: what the colours show, for whom."""
    who = "batch mean" if model.is_batch_mean(ex) else f"example {ex or 0}"
    node_q, edge_q = model.node_quantity(k), model.edge_quantity(k)
    if node_q == "dC/db" and ex is not None:
        node = r"$\partial c/\partial b^{(l)} = \delta^{(l)}$"
    else:
        node = _NODE_CAPTION[node_q]
    if edge_q == "dC/dW" and ex is not None:
        edge = r"$\partial c/\partial W_{ij}^{(l)} = a_i^{(l-1)} \delta_j^{(l)}$"
    else:
        edge = _EDGE_CAPTION.get(edge_q)
    node_caption = f"neuron colour: {node}, {who}"
    if edge is None:
        edge_caption = "edge colour: none at this step (dotted grey)"
    else:  # the weights are the same for every example
        edge_caption = f"edge colour: {edge}" + ("" if edge_q == "W" else f", {who}") + "; dashed < 0"
    return node_caption, edge_caption


class StepperPicture:
    """The figure of a DeltaStepper for layer sizes ``sizes``: network, two colour keys, bars.

    Artists: ``figure``, ``diagram`` (:class:`~backprop_lab.live_diagrams.NetworkDiagram`),
    ``node_key`` and ``edge_key`` (:class:`~backprop_lab.live_diagrams.ColourKey`), ``bars``
    (:class:`~backprop_lab.live_diagrams.DeltaBars`). ``dpi`` is the figure's dots per inch.
    """

    def __init__(self, sizes, dpi=DPI):
        L = len(sizes) - 1
        net_h = ROW * max(sizes) + 0.45
        H = TITLE + net_h + KEY + BARS_TITLE + BARS + BARS_CAPTION
        self.dpi = dpi
        self.figure = fig = new_figure(WIDTH, H, dpi)
        inner = WIDTH - LEFT - RIGHT

        def axes(left, bottom, width, height):
            return fig.add_axes((left / WIDTH, bottom / H, width / WIDTH, height / H))

        y = BARS_CAPTION
        self.ax_bars = axes(LEFT, y, inner, BARS)
        y += BARS + BARS_TITLE
        key_w = (inner - 0.5) / 2
        self.ax_node_key = axes(LEFT, y + 0.26, key_w, 0.14)
        self.ax_edge_key = axes(LEFT + key_w + 0.5, y + 0.26, key_w, 0.14)
        y += KEY
        self.ax_net = axes(0.1, y, WIDTH - 0.2, net_h)
        pitch = (WIDTH - 0.2) / (L + 1) * 72  # points between layers
        self.diagram = NetworkDiagram(self.ax_net, sizes, node_width=min(60.0, 0.8 * pitch),
                                      node_height=min(28.0, 0.7 * ROW * 72))
        self.node_key, self.edge_key = ColourKey(self.ax_node_key), ColourKey(self.ax_edge_key)
        self.bars = DeltaBars(self.ax_bars, sizes)

    def dynamic_artists(self):
        return (self.diagram.dynamic_artists() + self.node_key.dynamic_artists() + self.edge_key.dynamic_artists()
                + self.bars.dynamic_artists())

    def dynamic_texts(self):
        return (self.diagram.dynamic_texts() + self.node_key.dynamic_texts() + self.edge_key.dynamic_texts()
                + self.bars.dynamic_texts())

    def texts(self):
        """Every Text of the figure (static ones too), for tests of their size."""
        from matplotlib.text import Text

        return [t for t in self.figure.findobj(Text) if t.get_text()]

    @property
    def pixels(self):
        """(width, height) of the PNG in pixels."""
        w, h = self.figure.get_size_inches() * self.dpi
        return int(round(w)), int(round(h))
