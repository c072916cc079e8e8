"""Widgets for the notebooks: the DeltaStepper, a training panel and a vanishing-gradient explorer.

Each widget is a view. The numbers come from pure code that is tested without widgets
(:mod:`backprop_lab.stepper`, :func:`run_training`, :func:`backprop_lab.stepper.depth_profile`);
a widget only holds the controls, asks that code, and redraws one reused matplotlib Figure.
The picture is sent to an ``ipywidgets.Output`` from the kernel side (its ``outputs`` are
replaced by a PNG), never with ``with out:``, so notebooks stay reproducible under strict nbval.

>>> from backprop_lab.widgets import DeltaStepper
>>> stepper = DeltaStepper(net, x, y, loss="mse")   # doctest: +SKIP
>>> stepper                                         # shows the widget in JupyterLab
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .gradcheck import gradient_check
from .network import Network, cost, forward, train
from .plotting import (DeltaBars, NetworkDiagram, plot_decision_boundary, plot_delta_norms, plot_loss_curve,
                       sup)
from .stepper import DeltaSteps, depth_profile

__all__ = ["DeltaStepper", "TrainingPanel", "TrainingRun", "run_training", "VanishingGradientPanel",
           "render_png", "show_png"]

MAX_NEURONS = 12  # the stepper draws every neuron; wider layers would be unreadable
FOLLOW = "step"   # the layer selector's value for "the layer this step computes"


def render_png(fig, dpi=None):
    """The figure as PNG bytes (drawn by Agg at ``dpi``, default the figure's own)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def show_png(out, png, text="figure"):
    """Replace what ``out`` (an ipywidgets.Output) shows by one PNG image, from the kernel side.

    The same as ``out.outputs = (); out.append_display_data(Image(png))``, with ``text`` as
    the text/plain alternative.
    """
    out.outputs = ({
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": text},
        "metadata": {},
    },)


def png_bytes(rgb):
    """A (h, w, 3) or (h, w, 4) uint8 image as PNG bytes, fast: no row filters, zlib level 1."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, c = rgb.shape
    raw = np.empty((h, w * c + 1), dtype=np.uint8)
    raw[:, 0] = 0  # filter type 0 (none) for every row
    raw[:, 1:] = rgb.reshape(h, w * c)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    colour_type = {3: 2, 4: 6}[c]
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


class BlitRenderer:
    """PNGs of a figure whose static parts are drawn once, and whose texts are drawn once each.

    ``dynamic`` is a callable returning the non-text artists that change between frames, in
    drawing order; ``texts`` returns the Text artists that change (labels drawn on top of
    everything else). The first :meth:`png` (and the first after :meth:`invalidate`) draws the
    figure without them and keeps that background. Each :meth:`png` restores the background,
    draws the dynamic artists on it, then pastes each text from a cache of rendered texts
    (keyed by the artist, its string, colour and weight; a new one is rendered once on a
    transparent scratch canvas). FreeType glyph rendering is what makes a full redraw slow.

    The artists stay ordinary (not animated) between frames, so ``display(fig)`` and
    ``fig.savefig`` still draw everything the usual way.
    """

    def __init__(self, fig, dynamic, texts=lambda: ()):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.dynamic, self.texts = dynamic, texts
        self.background = None
        self._scratch = None
        self._sprites = {}

    def invalidate(self):
        """Redraw the background next time (after a static part, e.g. an axis scale, changed)."""
        self.background = None

    def _sprite(self, text):
        key = (id(text), text.get_text(), text.get_color(), text.get_fontweight())
        sprite = self._sprites.get(key)
        if sprite is None:
            from matplotlib.backends.backend_agg import RendererAgg

            w, h = self.canvas.get_width_height()
            if self._scratch is None:
                self._scratch = RendererAgg(w, h, self.fig.dpi)
            r = self._scratch
            r.clear()
            text.draw(r)
            box = text.get_window_extent(r)
            x0, x1 = max(int(box.x0) - 2, 0), min(int(np.ceil(box.x1)) + 2, w)
            y0, y1 = max(int(h - box.y1) - 2, 0), min(int(np.ceil(h - box.y0)) + 2, h)  # rows run down
            pix = np.asarray(r.buffer_rgba())[y0:y1, x0:x1]
            alpha = pix[..., 3:4].astype(np.float32) / 255.0
            sprite = (y0, x0, pix[..., :3].astype(np.float32) * alpha, 1.0 - alpha)
            if len(self._sprites) > 5000:
                self._sprites.clear()
            self._sprites[key] = sprite
        return sprite

    def warm(self):
        """Render the texts on show into the cache, without making a picture."""
        for t in self.texts():
            if t.get_visible() and t.get_text():
                self._sprite(t)

    def png(self):
        artists, texts = list(self.dynamic()), list(self.texts())
        if self.background is None:
            for a in artists + texts:
                a.set_animated(True)
            try:
                self.canvas.draw()
            finally:
                for a in artists + texts:
                    a.set_animated(False)
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self.background)
        for a in artists:
            self.fig.draw_artist(a)
        frame = np.array(np.asarray(self.canvas.buffer_rgba())[..., :3])
        for t in texts:
            if t.get_visible() and t.get_text():
                y0, x0, premultiplied, keep = self._sprite(t)
                region = frame[y0:y0 + keep.shape[0], x0:x0 + keep.shape[1]]
                region[...] = (premultiplied + region * keep + 0.5).astype(np.uint8)
        return png_bytes(frame)


def _picture_title(model, k, ex):
    """What the picture of step k shows, in a few words (plain Unicode: fast to draw; also the static PNG's title)."""
    s, L = model[k], model.L
    if s.kind == "input":
        return "the input a⁽⁰⁾ = x"
    if s.kind == "forward":
        return f"forward: a{sup(s.l)} = g(z{sup(s.l)}); neurons a, edges W"
    if s.kind == "cost":
        c = model.C if ex is None else model.c[ex]
        return f"the cost, {'C' if ex is None else 'c'} = {c:.3g}; neurons a, edges W"
    if s.kind == "delta" and s.l == L:
        return f"output delta δ{sup(L)} = ∂c/∂z{sup(L)}; neurons δ"
    if s.kind == "delta":
        l = s.l
        return f"δ{sup(l)} = (δ{sup(l + 1)} W{sup(l + 1)}ᵀ) ⊙ g′(z{sup(l)}); neurons δ, edges δₖ Wⱼₖ"
    if ex is None:
        return "gradients; neurons ∂C/∂b, edges ∂C/∂W"
    return "gradients; neurons ∂c/∂b = δ, edges ∂c/∂W = a δ"


def _figure(width, height, dpi):
    """A Figure outside pyplot: never shown by the inline backend unless displayed, never closed."""
    fig = Figure(figsize=(width, height), dpi=dpi)
    return fig


# =================================================================================================
# DeltaStepper
# =================================================================================================

class DeltaStepper(widgets.VBox):
    """Step through one forward and backward pass, layer by layer, with pictures and equations.

    net : a :class:`backprop_lab.Network` with at most 12 neurons per layer.
    x : (m, n_0) or (n_0,). y : (m, n_L) or (n_L,). loss : a name from ``bl.LOSSES``.
    example : the example shown first (0..m-1), or None for the batch mean.
    neuron : (l, j) to select a neuron instead of following the step's layer.
    prewarm : render every step's texts once while the widget is built (see :meth:`prewarm`), so
        that the first pass through the steps is as fast as later ones.

    The steps are those of :class:`backprop_lab.stepper.DeltaSteps` (``self.model``):
    the input, a^(1)..a^(L), the cost, delta^(L)..delta^(1), the gradients.

    API: ``next()``, ``previous()``, ``reset()``; ``step`` (int, settable), ``layer`` (the l whose
    delta is on show, or None outside the backward pass), ``done`` (True at the last step),
    ``figure`` (the matplotlib Figure on show), ``select(l, j)``, ``example`` (settable; None is
    the batch mean), ``check(l, guess)`` (feedback on a predicted delta^(l)), ``current_equation``
    (an Equation, typeset when displayed), ``equation_latex``, ``current`` (the Step), ``last``,
    ``picture()`` (the image on show, for ``display``), ``prewarm()``.
    Controls: ``prev_button``, ``next_button``, ``reset_button``, ``play``, ``slider`` (linked
    in the kernel), ``layer_select``, ``index_select``, ``mode``, ``example_select``; views:
    ``status`` (Label), ``equation`` (HTMLMath), ``out`` (Output with the PNG).
    """

    def __init__(self, net, x, y, loss="mse", example=0, neuron=None, interval=1500, dpi=80, prewarm=True):
        model = DeltaSteps(net, x, y, loss)  # the core's ValueError for bad shapes
        if max(model.sizes) > MAX_NEURONS:
            raise ValueError(
                f"the stepper draws every neuron, so it takes layers of at most {MAX_NEURONS} "
                f"neurons; this network has sizes {model.sizes}. Use a smaller network here, "
                f"and backprop_lab.stepper.delta_norms for a large one")
        self.model = model
        self._busy = False
        L, last, m = model.L, model.last, model.m

        # --- controls
        self.status = widgets.Label(layout=widgets.Layout(width="auto"))
        self.prev_button = widgets.Button(description="Previous", icon="step-backward",
                                          tooltip="go back one step", layout=widgets.Layout(width="110px"))
        self.next_button = widgets.Button(description="Next", icon="step-forward", button_style="primary",
                                          tooltip="compute the next step", layout=widgets.Layout(width="110px"))
        self.reset_button = widgets.Button(description="Reset", icon="undo", tooltip="back to step 0",
                                           layout=widgets.Layout(width="100px"))
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=interval,
                                 description="Play", tooltip="advance automatically")
        self.slider = widgets.IntSlider(value=0, min=0, max=last, step=1, description="step",
                                        continuous_update=True, layout=widgets.Layout(width="320px"))
        self._link = widgets.link((self.play, "value"), (self.slider, "value"))
        self.layer_select = widgets.Dropdown(
            options=[("layer of the step", FOLLOW), ("layer 0 (input)", 0)]
            + [(f"layer {l}" + (" (output)" if l == L else ""), l) for l in range(1, L + 1)],
            value=FOLLOW, description="neuron in", layout=widgets.Layout(width="230px"))
        self.index_select = widgets.BoundedIntText(value=0, min=0, max=max(model.sizes) - 1,
                                                   description="j =", layout=widgets.Layout(width="120px"),
                                                   style={"description_width": "30px"})
        self.mode = widgets.ToggleButtons(options=["one example", "batch mean"],
                                          value="batch mean" if example is None and m > 1 else "one example",
                                          disabled=m == 1, style={"button_width": "105px"},
                                          tooltips=["the numbers of one example", "their mean over the batch"])
        self.example_select = widgets.BoundedIntText(value=0 if example is None else example, min=0,
                                                     max=m - 1, description="example",
                                                     disabled=m == 1, layout=widgets.Layout(width="170px"),
                                                     style={"description_width": "initial"})
        if example is not None:
            model._check_example(example)
        self.equation = widgets.HTMLMath(layout=widgets.Layout(min_height="110px"))
        self.out = widgets.Output(layout=widgets.Layout(min_height="200px"))

        # --- the figure: the network on top, one bar plot of delta^(l) per layer below
        sizes = model.sizes
        net_h = 0.55 * max(sizes) + 1.4
        width = max(7.0, 1.7 * (L + 1))
        self.dpi = dpi
        self.figure = fig = _figure(width, net_h + 1.9, dpi)
        gs = fig.add_gridspec(2, 1, height_ratios=[net_h, 1.5], left=0.07, right=0.98, bottom=0.08,
                              top=0.93, hspace=0.22)
        self.ax_net = fig.add_subplot(gs[0])
        self.ax_bars = fig.add_subplot(gs[1])
        self.diagram = NetworkDiagram(self.ax_net, sizes)
        self.bars = DeltaBars(self.ax_bars, sizes)
        self._blitter = BlitRenderer(fig, lambda: self.diagram.dynamic_artists() + self.bars.dynamic_artists(),
                                     lambda: self.diagram.dynamic_texts() + self.bars.dynamic_texts())
        self._limit_for = object()  # the example the bar scale was set for

        if neuron is not None:
            self.select(*neuron, render=False)

        # --- wiring: every control changes state; one render draws it
        self.next_button.on_click(lambda _: self.next())
        self.prev_button.on_click(lambda _: self.previous())
        self.reset_button.on_click(lambda _: self.reset())
        for w in (self.slider, self.layer_select, self.index_select, self.mode, self.example_select):
            w.observe(self._on_change, names="value")

        buttons = widgets.HBox([self.prev_button, self.next_button, self.reset_button, self.play, self.slider])
        chooser = widgets.HBox([self.layer_select, self.index_select, self.mode, self.example_select])
        super().__init__(children=[self.status, buttons, chooser, self.equation, self.out])
        if prewarm:
            self.prewarm()
        self._render()

    # --- the API --------------------------------------------------------------------------------

    @property
    def step(self):
        """The current step, 0..last (the slider's value)."""
        return self.slider.value

    @step.setter
    def step(self, k):
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"step must be an int 0..{self.model.last}, not {type(k).__name__}")
        if not 0 <= k <= self.model.last:
            raise ValueError(f"step {k} does not exist: steps run 0..{self.model.last}")
        self.slider.value = int(k)

    @property
    def last(self):
        """The index of the last step (2L + 2)."""
        return self.model.last

    @property
    def current(self):
        """The current :class:`backprop_lab.stepper.Step`."""
        return self.model[self.step]

    @property
    def layer(self):
        """The l whose delta^(l) is computed at this step, or None outside the backward pass."""
        return self.current.delta_layer

    @property
    def done(self):
        """True at the last step."""
        return self.step == self.model.last

    def next(self):
        """Go one step forward (nothing happens at the last step)."""
        if not self.done:
            self.slider.value = self.step + 1

    def previous(self):
        """Go one step back (nothing happens at step 0)."""
        if self.step > 0:
            self.slider.value = self.step - 1

    def reset(self):
        """Stop playing and go back to step 0."""
        self.play.playing = False
        self.slider.value = 0

    @property
    def example(self):
        """The example shown (0..m-1), or None for the batch mean."""
        return None if self.mode.value == "batch mean" else self.example_select.value

    @example.setter
    def example(self, e):
        if e is None:
            if self.model.m == 1:
                return
            self.mode.value = "batch mean"
            return
        e = self.model._check_example(e)
        self._busy = True
        try:
            self.example_select.value = e
            self.mode.value = "one example"
        finally:
            self._busy = False
        self._render()

    @property
    def selected(self):
        """The neuron whose equation is shown: (l, j)."""
        l = self.layer_select.value
        l = self.model.follow_layer(self.step) if l == FOLLOW else l
        return l, min(self.index_select.value, self.model.sizes[l] - 1)

    def select(self, l=None, j=0, render=True):
        """Show the equation of neuron j of layer l (l=None: the layer each step computes)."""
        if l is not None:
            l = self.model._check_layer(l, first=0)
        n = self.model.sizes[self.model.follow_layer(self.step) if l is None else l]
        if isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, np.integer)) or not 0 <= j < n:
            raise ValueError(f"neuron j = {j!r} does not exist in that layer: it has {n} neuron(s), "
                             f"j = 0..{n - 1}")
        self._busy = True
        try:
            self.layer_select.value = FOLLOW if l is None else l
            self.index_select.max = n - 1
            self.index_select.value = int(j)
        finally:
            self._busy = False
        if render:
            self._render()

    @property
    def current_equation(self):
        """The :class:`backprop_lab.stepper.Equation` on show (typesets itself in a notebook)."""
        return self._equation

    @property
    def equation_latex(self):
        """The equation on show, as LaTeX lines joined by ' \\\\ '."""
        return self._equation.latex

    def check(self, l, guess, example="shown"):
        """Feedback on a predicted delta^(l) (see :meth:`backprop_lab.stepper.DeltaSteps.check`).

        example : the example the guess is for; by default the one on show (None: batch mean).
        """
        return self.model.check(l, guess, self.example if example == "shown" else example)

    def prewarm(self):
        """Render the texts of every step, for the example on show, into the picture cache.

        Drawing text is most of the cost of a first visit to a step; doing it here, once, makes
        every Next as fast as a revisit. Changing the example or the selected neuron later still
        works, at first-visit speed for the new texts. Leaves the picture as it was.
        """
        ex = self.example
        for k in range(len(self.model)):
            l = self.model.follow_layer(k) if self.layer_select.value == FOLLOW else self.layer_select.value
            self._draw(k, ex, l, min(self.index_select.value, self.model.sizes[l] - 1))
            self._blitter.warm()
        l, j = self.selected
        self._draw(self.step, ex, l, j)

    def picture(self):
        """The picture on show in the widget, as an ``IPython.display.Image`` (for static copies:
        ``display(stepper.picture())`` shows exactly what the widget shows, without redrawing)."""
        from IPython.display import Image

        return Image(data=self._png, format="png")

    def render_png(self):
        """The current picture as PNG bytes (only what changes is redrawn)."""
        return self._blitter.png()

    # --- drawing ----------------------------------------------------------------------------------

    def _on_change(self, change):
        if not self._busy:
            self._render()

    def _render(self):
        """Bring every view in line with the state: status, buttons, equation, figure."""
        model, k, ex = self.model, self.step, self.example
        s = model[k]
        self._busy = True
        try:
            l, _ = self.selected
            n = model.sizes[l]
            if self.index_select.max != n - 1:
                self.index_select.max = n - 1  # clamps the value
            j = self.index_select.value
            self.example_select.disabled = model.m == 1 or ex is None
        finally:
            self._busy = False
        # the picture first: it is what the student waits for (the front end gets the
        # messages in this order, and the equation's typesetting takes the browser a while)
        self._draw(k, ex, l, j)
        self._png = self.render_png()
        show_png(self.out, self._png, text=f"DeltaStepper figure, {model.status(k)}")
        self.status.value = model.status(k)
        self.prev_button.disabled = k == 0
        self.next_button.disabled = k == model.last
        eq = model.equation(k, l, j, ex)
        self._equation = eq
        who = "the batch mean" if ex is None and model.m > 1 else f"example {ex or 0}"
        file, section = s.reference
        header = (f"<b>Neuron j = {j} of layer {l}</b>, {who}. "
                  f"<span style='color:#555'>Derived in {file}, &ldquo;{section}&rdquo;.</span>")
        self.equation.value = eq.html(header)

    def _draw(self, k, ex, l, j):
        model, s = self.model, self.model[k]
        if self._limit_for != ex:
            self.bars.set_limit(model.bar_limit(ex))  # new y ticks: a new background
            self._blitter.invalidate()
            self._limit_for = ex
        who = "batch mean" if ex is None and model.m > 1 else f"example {ex or 0}"
        title = f"step {k}: " + _picture_title(model, k, ex) + f"  ({who})"
        self.diagram.update(model.node_values(k, ex), model.edge_values(k, ex), model.highlight(k),
                            selected=(l, j), title=title)
        self.bars.update(model.bars(k, ex), current=s.delta_layer)

    def __repr__(self):
        return (f"DeltaStepper(sizes={self.model.sizes}, m={self.model.m}, "
                f"loss={self.model.loss.name!r}, step={self.step}/{self.model.last})")


# =================================================================================================
# Training panel
# =================================================================================================

@dataclass
class TrainingRun:
    """The result of :func:`run_training`."""

    net: Network
    history: list
    check: object  # a GradientCheckReport, run before training
    accuracy: float
    loss: str

    def summary(self):
        """One line: gradient check, cost before and after, accuracy."""
        verdict = (f"passed (every relative error < {self.check.tol:g})" if self.check.passed
                   else f"FAILED (max relative error {self.check.max_error:.1e})")
        return (f"gradient check {verdict}; "
                f"C: {self.history[0]:.3f} -> {self.history[-1]:.3f} in {len(self.history) - 1} epochs; "
                f"training accuracy {self.accuracy:.0%}")


def accuracy(net, x, y):
    """The fraction of examples classified right: a^(L) > 0.5 for one output, argmax for one-hot."""
    out = forward(net, x).a[net.L]
    y = np.asarray(y)
    if out.shape[1] == 1:
        return float(np.mean((out[:, 0] > 0.5) == (y[:, 0] > 0.5)))
    return float(np.mean(out.argmax(axis=1) == y.argmax(axis=1)))


def run_training(x, y, hidden=8, activation="tanh", lr=0.5, epochs=300, depth=1, loss=None,
                 batch_size=None, seed=0):
    """Build a network for (x, y), check its gradients, train it with :func:`backprop_lab.train`.

    x : (m, n_0). y : (m, 1) 0/1 labels (sigmoid output, binary cross-entropy) or one-hot (m, k)
    (softmax output, cross-entropy). ``depth`` hidden layers of ``hidden`` neurons with
    ``activation`` (He initialisation for relu-like, Xavier otherwise).
    The gradient check runs on the first 8 examples before training.
    Returns a :class:`TrainingRun`.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"y must be a column (m, 1) of labels or one-hot rows (m, k), got shape {y.shape}")
    k = y.shape[1]
    out_act = "sigmoid" if k == 1 else "softmax"
    if loss is None:
        loss = "binary_cross_entropy" if k == 1 else "cross_entropy"
    init = "he" if activation in ("relu", "leaky_relu") else "xavier"
    sizes = [x.shape[1]] + [int(hidden)] * int(depth) + [k]
    net = Network.random(sizes, [activation] * int(depth) + [out_act], seed=seed, init=init)
    check = gradient_check(net, x[:8], y[:8], loss)
    history = train(net, x, y, loss, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)
    return TrainingRun(net, history, check, accuracy(net, x, y), loss)


class TrainingPanel(widgets.VBox):
    """Train a small network on a 2-D toy dataset: learning rate, hidden width, activation, Train.

    x : (m, 2); y : (m, 1) labels or (m, k) one-hot. The panel trains once when created.
    API: ``train()`` (what the Train button does), ``run`` (the last :class:`TrainingRun`),
    ``net``, ``history``, ``figure`` (loss curve and decision boundary), ``picture()``. Controls: ``lr``,
    ``hidden``, ``activation``, ``epochs``, ``train_button``; views: ``status``, ``out``.
    """

    def __init__(self, x, y, hidden=8, activation="tanh", lr=0.5, epochs=300, depth=1, loss=None,
                 batch_size=None, seed=0, dpi=80):
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if self.x.ndim != 2 or self.x.shape[1] != 2:
            raise ValueError(f"TrainingPanel draws the decision boundary in the plane, so x must have "
                             f"shape (m, 2); got {self.x.shape}")
        self.depth, self.loss, self.batch_size, self.seed, self.dpi = depth, loss, batch_size, seed, dpi
        self.lr = widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1,
                                         description="learning rate", readout_format=".3g",
                                         style={"description_width": "90px"})
        self.hidden = widgets.IntSlider(value=hidden, min=1, max=32, description="hidden width",
                                        style={"description_width": "90px"})
        self.activation = widgets.Dropdown(options=["tanh", "sigmoid", "relu", "leaky_relu"],
                                           value=activation, description="activation",
                                           style={"description_width": "90px"})
        self.epochs = widgets.IntSlider(value=epochs, min=10, max=3000, step=10, description="epochs",
                                        style={"description_width": "90px"})
        self.train_button = widgets.Button(description="Train", icon="play", button_style="success")
        self.status = widgets.Label()
        self.out = widgets.Output()
        self.figure = _figure(9.0, 3.6, dpi)
        self.ax_loss, self.ax_boundary = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.91, wspace=0.25)  # fixed: no tight_layout per redraw
        self.train_button.on_click(lambda _: self.train())
        super().__init__(children=[
            widgets.HBox([widgets.VBox([self.lr, self.hidden]), widgets.VBox([self.activation, self.epochs]),
                          self.train_button]),
            self.status, self.out])
        self.train()

    def train(self):
        """Train a fresh network with the current settings and redraw."""
        self.train_button.disabled = True
        self.status.value = "training..."
        try:
            self.run = run_training(self.x, self.y, hidden=self.hidden.value,
                                    activation=self.activation.value, lr=self.lr.value,
                                    epochs=self.epochs.value, depth=self.depth, loss=self.loss,
                                    batch_size=self.batch_size, seed=self.seed)
        finally:
            self.train_button.disabled = False
        self.status.value = self.run.summary()
        self._draw()
        self._png = render_png(self.figure, self.dpi)
        show_png(self.out, self._png, text=f"TrainingPanel figure: {self.status.value}")

    def picture(self):
        """The picture on show, as an ``IPython.display.Image`` (for static copies)."""
        from IPython.display import Image

        return Image(data=self._png, format="png")

    @property
    def net(self):
        return self.run.net

    @property
    def history(self):
        return self.run.history

    def _draw(self):
        for ax in (self.ax_loss, self.ax_boundary):
            ax.clear()
        plot_loss_curve(self.ax_loss, self.run.history)
        self.ax_loss.set_title(f"cost ({self.run.loss})", fontsize=9)
        plot_decision_boundary(self.ax_boundary, self.run.net, self.x, self.y, resolution=120)
        self.ax_boundary.set_title(
            f"{self.activation.value}, {self.hidden.value} hidden, lr {self.lr.value:.3g}: "
            f"accuracy {self.run.accuracy:.0%}", fontsize=9)

    def __repr__(self):
        return (f"TrainingPanel(m={self.x.shape[0]}, hidden={self.hidden.value}, "
                f"activation={self.activation.value!r}, lr={self.lr.value:.3g}, epochs={self.epochs.value})")


# =================================================================================================
# Vanishing gradients
# =================================================================================================

class VanishingGradientPanel(widgets.VBox):
    """||delta^(l)|| against the layer l, for chosen activations, initialisation, depth and width.

    Every line is :func:`backprop_lab.stepper.depth_profile` of a fresh random network, on random
    inputs, at initialisation. API: ``update()``, ``profiles`` (activation -> norms (L,)),
    ``figure``, ``picture()``. Controls: ``activations`` (SelectMultiple), ``init`` (Dropdown), ``depth``,
    ``width`` (IntSliders); views: ``status``, ``out``.
    """

    INITS = [("xavier", "xavier"), ("he", "he"), ("normal: N(0, 1)", "normal"), ("std 0.1", 0.1),
             ("std 1.0, no bias", 1.0)]

    def __init__(self, activations=("sigmoid", "tanh", "relu"), init="xavier", depth=8, width=30,
                 m=64, seed=0, dpi=80):
        self.m, self.seed, self.dpi = m, seed, dpi
        self.activations = widgets.SelectMultiple(options=["sigmoid", "tanh", "relu", "leaky_relu"],
                                                  value=tuple(activations), description="activations",
                                                  rows=4)
        self.init = widgets.Dropdown(options=self.INITS, value=init, description="init")
        self.depth = widgets.IntSlider(value=depth, min=2, max=20, description="layers L")
        self.width = widgets.IntSlider(value=width, min=2, max=100, description="width")
        self.status = widgets.Label()
        self.out = widgets.Output()
        self.figure = _figure(7.5, 3.8, dpi)
        self.ax = self.figure.add_subplot(1, 1, 1)
        self.figure.subplots_adjust(left=0.11, right=0.98, bottom=0.14, top=0.91)
        for w in (self.activations, self.init, self.depth, self.width):
            w.observe(lambda _: self.update(), names="value")
        super().__init__(children=[
            widgets.HBox([self.activations, widgets.VBox([self.init, self.depth, self.width])]),
            self.status, self.out])
        self.update()

    def update(self):
        """Recompute every profile and redraw."""
        L, width, init = self.depth.value, self.width.value, self.init.value
        self.profiles = {g: depth_profile(g, init=init, L=L, width=width, m=self.m, seed=self.seed)
                         for g in self.activations.value}
        ax = self.ax
        ax.clear()
        for g, norms in self.profiles.items():
            # the guide: 4 times smaller per layer back, the factor sigmoid' <= 1/4 gives
            plot_delta_norms(ax, norms, label=g, reference=0.25 if g == "sigmoid" else None)
        if self.profiles:
            ax.legend(fontsize=8)
        ax.set_title(f"$\\|\\delta^{{(l)}}\\|$ at initialisation: L = {L} layers of width {width}, "
                     f"init {init}", fontsize=9)
        self.status.value = "; ".join(f"{g}: ||delta^(1)|| / ||delta^({L})|| = {n[0] / n[-1]:.3g}"
                                      for g, n in self.profiles.items())
        self._png = render_png(self.figure, self.dpi)
        show_png(self.out, self._png, text="VanishingGradientPanel figure")

    def picture(self):
        """The picture on show, as an ``IPython.display.Image`` (for static copies)."""
        from IPython.display import Image

        return Image(data=self._png, format="png")

    def __repr__(self):
        return (f"VanishingGradientPanel(activations={list(self.activations.value)}, "
                f"init={self.init.value!r}, L={self.depth.value}, width={self.width.value})")
