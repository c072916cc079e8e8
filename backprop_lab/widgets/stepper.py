"""The DeltaStepper: step through one forward and backward pass, with a picture and equations.

A view of :class:`backprop_lab.stepper.DeltaSteps` (the model: steps, numbers, equations,
feedback). The picture is drawn by :class:`backprop_lab.plotting.NetworkDiagram` and
:class:`backprop_lab.plotting.DeltaBars` and sent as a PNG by :class:`backprop_lab.rendering.BlitRenderer`.

>>> from backprop_lab.widgets import DeltaStepper
>>> stepper = DeltaStepper(net, x, y, loss="squared_error")   # doctest: +SKIP
>>> stepper                                                   # shows the widget in JupyterLab
"""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np

from ..rendering import BlitRenderer
from ..stepper import DeltaSteps
from .a11y import LiveStatus, play_controls, stepper_announcement, stepper_description
from .base import PictureView
from .stepper_picture import DPI, StepperPicture, key_captions, picture_title

__all__ = ["DeltaStepper", "MAX_NEURONS"]

MAX_NEURONS = 12  # the stepper draws every neuron; wider layers would be unreadable
FOLLOW = "step"   # the layer selector's value for "the layer this step computes"


def _controls(model, example, interval):
    """The stepper's controls, as a dict of widgets (the neuron box counts from 1, like the equations)."""
    L, last, m = model.L, model.last, model.m
    button = lambda description, icon, tooltip, width, **kw: widgets.Button(  # noqa: E731
        description=description, icon=icon, tooltip=tooltip, layout=widgets.Layout(width=width), **kw)
    return dict(
        status=widgets.HTMLMath(layout=widgets.Layout(width="auto", height="auto")),  # grows to fit a formula: no scroll region
        prev_button=button("Previous", "step-backward", "go back one step", "110px"),
        next_button=button("Next", "step-forward", "compute the next step", "110px", button_style="primary"),
        reset_button=button("Reset", "undo", "back to step 0", "100px"),
        play=widgets.Play(value=0, min=0, max=last, step=1, interval=interval, description="Play",
                          tooltip="advance automatically"),
        slider=widgets.IntSlider(value=0, min=0, max=last, step=1, description="step", continuous_update=True,
                                 layout=widgets.Layout(width="320px")),
        layer_select=widgets.Dropdown(
            options=[("layer of the step", FOLLOW), ("layer 0 (input)", 0)]
            + [(f"layer {l}" + (" (output)" if l == L else ""), l) for l in range(1, L + 1)],
            value=FOLLOW, description="neuron in", layout=widgets.Layout(width="230px")),
        index_select=widgets.BoundedIntText(value=1, min=1, max=max(model.sizes), description="neuron",
                                            tooltip="neuron 1..n_l, as the equations number them",
                                            layout=widgets.Layout(width="140px"),
                                            style={"description_width": "50px"}),
        mode=widgets.ToggleButtons(options=["one example", "batch mean"],
                                   value="batch mean" if example is None and m > 1 else "one example",
                                   disabled=m == 1, style={"button_width": "105px"},
                                   tooltips=["the numbers of one example", "their mean over the batch"]),
        example_select=widgets.BoundedIntText(value=0 if example is None else example, min=0, max=m - 1,
                                              description="example", disabled=m == 1,
                                              layout=widgets.Layout(width="170px"),
                                              style={"description_width": "initial"}),
        equation=widgets.HTMLMath(layout=widgets.Layout(min_height="110px", max_width="100%")),
        out=widgets.Output(layout=widgets.Layout(min_height="200px")),
    )


class DeltaStepper(PictureView, widgets.VBox):
    """Step through one forward and backward pass, layer by layer, with pictures and equations.

    net : a :class:`backprop_lab.Network` with at most 12 neurons per layer.
    x : (m, n_0) or (n_0,). y : (m, n_L) or (n_L,). loss : a name from ``bl.LOSSES``.
    example : the example shown first (0..m-1), or None for the batch mean.
    neuron : (l, j) to select a neuron instead of following the step's layer (j: the column,
        0-based; the equations and the neuron box show it as neuron j + 1).
    prewarm : render every step's texts once while the widget is built (see :meth:`prewarm`).

    API: ``next()``, ``previous()``, ``reset()``; ``step`` (int, settable), ``layer`` (the l whose
    delta is on show, or None outside the backward pass), ``done``, ``figure``, ``select(l, j)``
    (j 0-based as in code), ``selected`` ((l, j), j 0-based), ``example`` (settable; None is the
    batch mean), ``check(l, guess)``, ``current_equation``, ``equation_latex``, ``current`` (the
    Step), ``last``, ``picture()``, ``prewarm()``. Controls: ``prev_button``, ``next_button``,
    ``reset_button``, ``play``, ``slider`` (linked in the kernel), ``layer_select``,
    ``index_select`` (the neuron number, 1..n_l), ``mode``, ``example_select``; views: ``status``
    (Label), ``equation`` (HTMLMath), ``out`` (Output with the PNG).
    """

    def __init__(self, net, x, y, loss="squared_error", example=0, neuron=None, interval=1500, dpi=DPI,
                 prewarm=True):
        model = DeltaSteps(net, x, y, loss)  # the core's ValueError for bad shapes
        if max(model.sizes) > MAX_NEURONS:
            raise ValueError(
                f"the stepper draws every neuron, so it takes layers of at most {MAX_NEURONS} "
                f"neurons; this network has sizes {model.sizes}. Use a smaller network here, "
                f"and backprop_lab.vanishing.delta_norms for a large one")
        model.check_example(example)
        self.model, self._busy = model, False
        for name, w in _controls(model, example, interval).items():
            setattr(self, name, w)
        self._link = widgets.link((self.play, "value"), (self.slider, "value"))

        # the figure: the network, its colour keys, one bar plot of delta^(l) per layer
        self.picture_parts = pic = StepperPicture(model.sizes, dpi)
        self.dpi, self.figure = dpi, pic.figure
        self.ax_net, self.ax_bars = pic.ax_net, pic.ax_bars
        self.diagram, self.bars = pic.diagram, pic.bars
        self.renderer = BlitRenderer(self.figure, pic.dynamic_artists, pic.dynamic_texts)
        self._limit_for = object()  # the example the bar scale was set for
        if neuron is not None:
            if isinstance(neuron, (str, bytes)) or not hasattr(neuron, "__len__") or len(neuron) != 2:
                raise TypeError(f"neuron must be a pair (l, j): layer l = 0..{model.L} and column j "
                                f"(0-based; the equations show neuron j + 1), not {neuron!r}")
            self.select(*neuron, render=False)

        # wiring: every control changes state; one render draws it
        self.next_button.on_click(lambda _: self.next())
        self.prev_button.on_click(lambda _: self.previous())
        self.reset_button.on_click(lambda _: self.reset())
        for w in (self.slider, self.layer_select, self.index_select, self.mode, self.example_select):
            w.observe(self._on_change, names="value")
        buttons = widgets.HBox([self.prev_button, self.next_button, self.reset_button, play_controls(self.play),
                                self.slider])
        chooser = widgets.HBox([self.layer_select, self.index_select, self.mode, self.example_select])
        self.live = LiveStatus()  # announces each step to screen readers
        super().__init__(children=[self.status, buttons, chooser, self.equation, self.out, self.live])
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

    last = property(lambda self: self.model.last, doc="The index of the last step (2L + 2).")
    current = property(lambda self: self.model[self.step], doc="The current Step.")
    layer = property(lambda self: self.current.delta_layer,
                     doc="The l whose delta^(l) is computed at this step, or None outside the backward pass.")
    done = property(lambda self: self.step == self.model.last, doc="True at the last step.")

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
            if self.model.m > 1:
                self.mode.value = "batch mean"
            return
        e = self.model.check_example(e)
        with self._quiet():
            self.example_select.value = e
            self.mode.value = "one example"
        self._render()

    @property
    def selected(self):
        """The neuron whose equation is shown: (l, j), j the column (0-based; neuron j + 1)."""
        l = self.layer_select.value
        l = self.model.follow_layer(self.step) if l == FOLLOW else l
        return l, min(self.index_select.value, self.model.sizes[l]) - 1

    def select(self, l=None, j=0, render=True):
        """Show the equation of column j (neuron j + 1) of layer l (l=None: the layer each step computes)."""
        if l is not None:
            l = self.model.check_layer(l, first=0)
        j = self.model.check_neuron(self.model.follow_layer(self.step) if l is None else l, j)
        with self._quiet():
            self.layer_select.value = FOLLOW if l is None else l
            self.index_select.max = self.model.sizes[self.model.follow_layer(self.step) if l is None else l]
            self.index_select.value = j + 1
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
        every Next as fast as a revisit. Leaves the picture as it was.
        """
        ex = self.example
        with np.errstate(over="ignore", invalid="ignore"):
            for k in range(len(self.model)):
                l = self.model.follow_layer(k) if self.layer_select.value == FOLLOW else self.layer_select.value
                self._draw(k, ex, l, min(self.index_select.value, self.model.sizes[l]) - 1)
                self.renderer.warm()
            self._draw(self.step, ex, *self.selected)

    def render_png(self):
        """The current picture as PNG bytes (only what changes is redrawn)."""
        return self.renderer.png()

    # --- drawing ----------------------------------------------------------------------------------

    @contextmanager
    def _quiet(self):
        """A context in which control changes do not re-render."""
        self._busy = True
        try:
            yield
        finally:
            self._busy = False

    def _on_change(self, change):
        if not self._busy:
            self._render()

    def _render(self):
        """Bring every view in line with the state: picture, status, buttons, equation."""
        model, k, ex = self.model, self.step, self.example
        with self._quiet():
            l = self.selected[0]
            if self.index_select.max != model.sizes[l]:
                self.index_select.max = model.sizes[l]  # clamps the value
            j = self.index_select.value - 1
            self.example_select.disabled = model.m == 1 or ex is None
        with np.errstate(over="ignore", invalid="ignore"):  # products of huge values show as ∞
            self._show_state(k, ex, l, j)

    def _show_state(self, k, ex, l, j):
        model = self.model
        # the picture first: it is what the student waits for
        self._draw(k, ex, l, j)
        self.show(self.render_png(), stepper_description(model, k, ex), self.picture_parts.pixels[0])
        self.live.announce(stepper_announcement(model, k, ex))
        self.status.value = model.status_html(k)
        self.prev_button.disabled = k == 0
        self.next_button.disabled = k == model.last
        self._equation = eq = model.equation(k, l, j, ex)
        who = "the batch mean" if model.is_batch_mean(ex) else f"example {ex or 0}"
        ref = eq.reference
        header = (f"<b>Neuron {j + 1} of layer {l}</b> (column {j} in code), {who}. "
                  f"<span style='color:#555'>Derived in {ref.notebook}, &ldquo;{ref.title}&rdquo;.</span>")
        self.equation.value = eq.html(header)

    def _draw(self, k, ex, l, j):
        model, s = self.model, self.model[k]
        if self._limit_for != ex:
            who = "batch mean" if model.is_batch_mean(ex) else f"example {ex or 0}"
            self.bars.set_limit(model.bar_limit(ex), who)  # the scale's texts say whose it is
            self._limit_for = ex
        pic = self.picture_parts
        self.diagram.update(model.node_values(k, ex), model.edge_values(k, ex), model.highlight(k),
                            selected=(l, j), title=picture_title(model, k, ex))
        node_caption, edge_caption = key_captions(model, k, ex)
        pic.node_key.update(node_caption, self.diagram.node_scale)
        pic.edge_key.update(edge_caption, self.diagram.edge_scale)
        self.bars.update(model.bars(k, ex), current=s.delta_layer)

    def __repr__(self):
        return (f"DeltaStepper(sizes={self.model.sizes}, m={self.model.m}, "
                f"loss={self.model.loss.name!r}, step={self.step}/{self.model.last})")
