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
from .base import PictureView

__all__ = ["VanishingGradientPanel"]

_Z = np.linspace(-10.0, 10.0, 2001)  # includes z = 0, where the sigmoid's g' peaks at 1/4


class VanishingGradientPanel(PictureView, widgets.VBox):
    """||delta^(l)|| against the layer l, for chosen activations, initialisation, depth and width.

    Every line is :func:`backprop_lab.vanishing.depth_profile` of a fresh random network, on random
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
            plot_delta_norms(ax, norms, label=g, reference=bound if bound < 1 else None)
        if self.profiles:
            ax.legend(fontsize=8)
        ax.set_title(f"$\\|\\delta^{{(l)}}\\|$ at initialisation: L = {L} layers of width {width}, "
                     f"init {init}", fontsize=9)
        self.status.value = "; ".join(f"{g}: ||delta^(1)|| / ||delta^({L})|| = {sig(n[0] / n[-1])}"
                                      for g, n in self.profiles.items())
        self.show(render_png(self.figure, self.dpi), vanishing_description(self.profiles, L, width, init))

    def __repr__(self):
        return (f"VanishingGradientPanel(activations={list(self.activations.value)}, "
                f"init={self.init.value!r}, L={self.depth.value}, width={self.width.value})")
