"""Accessibility for the widget views: text alternatives, a live status, named play controls.

What a screen-reader user gets from a widget, besides the controls' own labels:

* every picture is an ``<img>`` whose ``alt`` says what it shows (:func:`stepper_description`,
  :func:`training_description`, :func:`vanishing_description`; sent by
  :func:`backprop_lab.rendering.show_png`);
* :class:`LiveStatus` - a visually hidden ``role="status"`` (``aria-live="polite"``) region that
  announces each new step of the DeltaStepper;
* :func:`play_controls` - ``ipywidgets.Play`` draws icon-only buttons with no accessible name; this
  shows text buttons "Play" and "Repeat" in their place, driving the same Play model.

Every function here only reads the models' public API; the views call each in one line.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..formatting import sig

__all__ = ["LiveStatus", "play_controls", "stepper_description", "stepper_announcement",
           "training_description", "vanishing_description", "values_text"]

MAX_LISTED = 12  # numbers listed per array in a description; longer arrays are summarised


def values_text(v):
    """An array as a short list of numbers, e.g. "(0.5, -0.25)"; a long one by its range."""
    v = np.ravel(np.asarray(v, dtype=float))
    if v.size <= MAX_LISTED:
        return "(" + ", ".join(sig(x) for x in v) + ")"
    return f"{v.size} values from {sig(v.min())} to {sig(v.max())}"


def _who(model, example):
    return "the batch mean" if model.is_batch_mean(example) else f"example {example or 0}"


def _new_values(model, k, example):
    """What step k computes, in words with its numbers (the values that change at this step)."""
    s, L = model[k], model.L
    if s.kind == "input":
        return f"a^(0) = x = {values_text(model.a(0, example))}"
    if s.kind == "forward":
        return f"a^({s.l}) = {values_text(model.a(s.l, example))}"
    if s.kind == "cost":
        return f"the cost {'C' if example is None else 'c'} = {sig(model.C if example is None else model.c[example])}"
    if s.kind == "delta":
        return f"delta^({s.l}) = {values_text(model.delta(s.l, example))}"
    nodes = model.node_values(k, example)
    what = "the bias gradients dC/db" if model.is_batch_mean(example) else "this example's dc/db = delta"
    return f"{what}, " + "; ".join(f"layer {l}: {values_text(nodes[l])}" for l in range(1, L + 1))


def _quantity(name, model, example):
    """The name of a coloured quantity, with one example's c for the batch's C ("dC/db" -> "dc/db")."""
    return name if name is None or model.is_batch_mean(example) else name.replace("dC/", "dc/")


def stepper_announcement(model, k, example):
    """The short text the live region announces at step k: the status and the new numbers."""
    return f"{model.status(k)}. New: {_new_values(model, k, example)}."


def stepper_description(model, k, example):
    """The DeltaStepper picture of step k, in words: its ``alt`` text.

    Which step and equation, the layer computed, the values that change, what the neurons and
    edges are coloured by, and which layers are not computed yet.
    """
    s, L = model[k], model.L
    nodes = model.node_values(k, example)
    # the input layer has no delta: in the backward pass its neurons are blank, not "not yet"
    unknown = [str(l) for l, v in enumerate(nodes) if v is None and not (l == 0 and s.kind in ("delta", "gradients"))]
    edges = _quantity(model.edge_quantity(k), model, example)
    layer = model.highlight(k)
    parts = [
        f"Picture of step {k} of {model.last}, for {_who(model, example)}: {s.title}.",
        f"Network of layers with {', '.join(map(str, model.sizes))} neurons (layers 0 to {L})"
        + (f"; layer {layer} is outlined." if layer is not None else "."),
        f"New at this step: {_new_values(model, k, example)}.",
        f"Neurons are coloured by {_quantity(model.node_quantity(k), model, example)}"
        + (f", edges by {edges}." if edges else ", edges are not coloured."),
    ]
    if unknown:
        parts.append(f"Not computed yet: layer{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}.")
    known = [l for l, v in enumerate(model.bars(k, example), start=1) if v is not None]
    parts.append("Bar charts below: delta^(l) for layer " + ", ".join(map(str, known)) + "."
                 if known else "Bar charts below: no delta computed yet.")
    return " ".join(parts)


def training_description(run, x, activation, hidden, lr):
    """The TrainingPanel picture in words: the cost curve and the decision boundary."""
    h = run.history
    classes = 2 if run.net.sizes[-1] == 1 else run.net.sizes[-1]
    return (f"Two plots. Left: the cost ({run.loss}) against the epoch, from {sig(h[0])} at epoch 0 "
            f"to {sig(h[-1])} at epoch {len(h) - 1}. Right: the decision boundary of a {activation} "
            f"network with {hidden} hidden units trained with learning rate {sig(lr)}, over the "
            f"{len(x)} training points of {classes} classes in the plane; training accuracy "
            f"{run.accuracy:.0%}.")


def vanishing_description(profiles, L, width, init):
    """The VanishingGradientPanel picture in words: one line of ||dC/db^(l)|| per activation."""
    if not profiles:
        return f"An empty plot of ||dC/db^(l)|| against the layer l (L = {L}): no activation chosen."
    lines = "; ".join(f"{g}: {sig(n[-1])} at layer {L}, {sig(n[0])} at layer 1 "
                      f"(ratio {sig(n[0] / n[-1])})" for g, n in profiles.items())
    return (f"Log-scale plot of the size ||dC/db^(l)|| (the batch mean of delta^(l)) against the layer "
            f"l = 1 to {L}, at initialisation ({init}, {L - 1} hidden layers of width {width} and a linear "
            f"output), one line per activation. {lines}.")


class LiveStatus(widgets.HTML):
    """A visually hidden live region (``role="status"``, ``aria-live="polite"``).

    :meth:`announce` puts a new text in it; screen readers read it out without moving the focus.
    It is hidden with JupyterLab's ``jp-sr-only`` class (off screen, still read).
    """

    def __init__(self, text=""):
        super().__init__()
        self.add_class("jp-sr-only")
        self.announce(text)

    def announce(self, text):
        self.value = (f'<div role="status" aria-live="polite" aria-atomic="true">'
                      f"{html.escape(text)}</div>")

    @property
    def text(self):
        """The text last announced."""
        return html.unescape(self.value.split(">", 1)[1].rsplit("</div>", 1)[0])


def play_controls(play):
    """Text buttons "Play" (a toggle; "Pause" while playing) and "Repeat" for ``play``.

    ``ipywidgets.Play`` draws three icon-only buttons with no accessible name (axe: button-name,
    critical). Its model still runs the timer, so it stays, hidden; these toggles are linked to
    its ``playing`` and ``repeat`` (in the kernel, so Python sees the links too). Stop is the
    views' own Reset. Returns an HBox of the two toggles and the hidden Play.
    """
    play.layout.display = "none"
    toggle = widgets.ToggleButton(value=play.playing, description="Play", icon="play",
                                  tooltip=f"advance one step every {play.interval / 1000:g} s",
                                  layout=widgets.Layout(width="90px"))
    repeat = widgets.ToggleButton(value=play.repeat, description="Repeat", icon="retweet",
                                  tooltip="start again at step 0 after the last step",
                                  layout=widgets.Layout(width="100px"))

    def show_state(_=None):
        toggle.description, toggle.icon = ("Pause", "pause") if toggle.value else ("Play", "play")

    toggle.observe(show_state, names="value")
    box = widgets.HBox([toggle, repeat, play])
    box._a11y_links = (widgets.link((toggle, "value"), (play, "playing")),
                       widgets.link((repeat, "value"), (play, "repeat")))
    box.play_toggle, box.repeat_toggle = toggle, repeat
    return box
