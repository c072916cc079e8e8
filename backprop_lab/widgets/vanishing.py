"""The vanishing-gradient explorer of notebook 07: ||delta^(l)|| against l, for chosen settings.

A view of :func:`backprop_lab.vanishing.depth_profile`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..activations import get_activation

from ..formatting import sig
from ..rendering import new_figure, render_png
from ..plotting import plot_delta_norms
from ..vanishing import depth_profile
from .a11y import vanishing_description
from .base import PictureView, check_choice, check_count

__all__ = ["VanishingGradientPanel"]

_Z = np.linspace(-10.0, 10.0, 2001)  # includes z = 0, where the sigmoid's g' peaks at 1/4


DCDB = r"$\|\partial C/\partial b^{(l)}\|$"  # what depth_profile measures: the batch mean of delta


class VanishingGradientPanel(PictureView, widgets.VBox):
    """||delta^(l)|| against the layer l, for chosen activations, initialisation, depth and width.

    Every line is :func:`backprop_lab.vanishing.depth_profile` of a fresh random network, on random
    inputs, at initialisation. API: ``update()``, ``profiles`` (activation -> norms (L,)),
    ``figure``, ``picture()``. Controls: ``activations`` (SelectMultiple), ``init`` (Dropdown), ``depth``,
    ``width`` (IntSliders); views: ``status``, ``out``.
    """

    ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
    INITS = [("xavier", "xavier"), ("he", "he"), ("normal: N(0, 1)", "normal"), ("std 0.1", 0.1),
             ("std 1.0, no bias", 1.0)]

    def __init__(self, activations=("sigmoid", "tanh", "relu"), init="xavier", depth=8, width=30,
                 m=64, seed=0, dpi=100):
        self.m, self.seed, self.dpi = m, seed, dpi
        # every setting is honoured (a slider widens to take it) or refused by name: never clamped
        if isinstance(activations, str):
            activations = (activations,)
        for g in activations:
            check_choice("each activation", g, self.ACTIVATIONS)
        check_choice("init", init, [value for _, value in self.INITS])
        depth, width = check_count("depth", depth, 2), check_count("width", width, 1)
        self.activations = widgets.SelectMultiple(options=list(self.ACTIVATIONS), value=tuple(activations),
                                                  description="activations", rows=4)
        self.init = widgets.Dropdown(options=self.INITS, value=init, description="init")
        self.depth = widgets.IntSlider(value=depth, min=2, max=max(20, depth), description="layers L")
        self.width = widgets.IntSlider(value=width, min=1, max=max(100, width), description="width")
        self.status = widgets.HTMLMath()
        self.out = widgets.Output()
        self.figure = new_figure(7.5, 3.8, dpi)
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
            # the guide: the factor max g' per layer back, where it is below 1 (1/4 for the sigmoid)
            bound = float(np.max(get_activation(g).prime(_Z)))
            plot_delta_norms(ax, norms, label=g, reference=bound if bound < 1 else None, ylabel=DCDB)
        if self.profiles:
            ax.legend(fontsize=9)
        ax.set_title(f"$\\|\\partial C/\\partial b^{{(l)}}\\|$ at initialisation: {L - 1} hidden layers of "
                     f"width {width}, linear output, init {init}", fontsize=10)
        # typeset, short: the ratio once, then one number per activation
        self.status.value = (f"$\\|\\partial C/\\partial b^{{(1)}}\\| / \\|\\partial C/\\partial b^{{({L})}}\\|$: "
                             + "; ".join(f"{g} {sig(n[0] / n[-1])}" for g, n in self.profiles.items()))
        self.show(render_png(self.figure, self.dpi), vanishing_description(self.profiles, L, width, init),
                  int(round(7.5 * self.dpi)))

    def __repr__(self):
        return (f"VanishingGradientPanel(activations={list(self.activations.value)}, "
                f"init={self.init.value!r}, L={self.depth.value}, width={self.width.value})")
