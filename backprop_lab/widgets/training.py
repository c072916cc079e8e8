"""The training panel of notebook 06: learning rate, hidden width, activation, epochs, Train.

A view of :func:`backprop_lab.training_run.run_training`: it holds the controls, asks for a run,
and draws the loss curve and the decision boundary.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._checks import check_positive_number
from ..formatting import sig
from ..rendering import new_figure, render_png
from ..plotting import plot_decision_boundary, plot_loss_curve
from ..training_run import run_training
from .a11y import training_description
from .base import PictureView, check_choice, check_count

__all__ = ["TrainingPanel", "LEARNING_RATES"]

ACTIVATIONS = ("tanh", "sigmoid", "relu", "leaky_relu")
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)


class TrainingPanel(PictureView, widgets.VBox):
    """Train a small network on a 2-D toy dataset: learning rate, hidden width, activation, Train.

    x : (m, 2); y : (m, 1) labels or (m, k) one-hot. The panel trains once when created.
    API: ``train()`` (what the Train button does), ``run`` (the last
    :class:`~backprop_lab.training_run.TrainingRun`), ``net``, ``history``, ``figure`` (loss curve
    and decision boundary), ``picture()``. Controls: ``lr``, ``hidden``, ``activation``,
    ``epochs``, ``train_button``; views: ``status``, ``out``.
    """

    def __init__(self, x, y, hidden=8, activation="tanh", lr=0.5, epochs=300, depth=1, loss=None,
                 batch_size=None, seed=0, dpi=100):
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if self.x.ndim != 2 or self.x.shape[1] != 2:
            raise ValueError(f"TrainingPanel draws the decision boundary in the plane, so x must have "
                             f"shape (m, 2); got {self.x.shape}")
        self.depth, self.loss, self.batch_size, self.seed, self.dpi = depth, loss, batch_size, seed, dpi
        # every setting is honoured (a slider widens to take it) or refused by name: never clamped
        check_choice("activation", activation, ACTIVATIONS)
        hidden, epochs = check_count("hidden", hidden, 1), check_count("epochs", epochs, 1)
        lr = check_positive_number(lr, "lr (the learning rate)")
        # round learning rates (and the one asked for), so the slider shows exactly the value in use
        rates = sorted(set(LEARNING_RATES) | {float(lr)})
        self.lr = widgets.SelectionSlider(options=[(sig(r), r) for r in rates], value=float(lr),
                                          description="learning rate", style={"description_width": "90px"})
        self.hidden = widgets.IntSlider(value=hidden, min=1, max=max(32, hidden), description="hidden width",
                                        style={"description_width": "90px"})
        self.activation = widgets.Dropdown(options=list(ACTIVATIONS), value=activation, description="activation",
                                           style={"description_width": "90px"})
        self.epochs = widgets.IntSlider(value=epochs, min=min(10, epochs), max=max(3000, epochs), step=1,
                                        description="epochs", style={"description_width": "90px"})
        self.train_button = widgets.Button(description="Train", icon="play", button_style="success")
        self.status = widgets.Label()
        self.out = widgets.Output()
        self.figure = new_figure(9.0, 3.8, dpi)
        # fixed places: no tight_layout per redraw; the colour bar has its own axes
        self.ax_loss = self.figure.add_axes((0.08, 0.14, 0.36, 0.77))
        self.ax_boundary = self.figure.add_axes((0.53, 0.14, 0.33, 0.77))
        self.ax_colorbar = self.figure.add_axes((0.875, 0.14, 0.018, 0.77))
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
        png = render_png(self.figure, self.dpi)
        self.show(png, training_description(self.run, self.x, self.activation.value, self.hidden.value,
                                            self.lr.value), int(round(9.0 * self.dpi)))

    @property
    def net(self):
        return self.run.net

    @property
    def history(self):
        return self.run.history

    def _draw(self):
        for ax in (self.ax_loss, self.ax_boundary, self.ax_colorbar):
            ax.clear()
        self.ax_colorbar.set_visible(True)
        plot_loss_curve(self.ax_loss, self.run.history)
        self.ax_loss.set_title(f"cost ({self.run.loss})", fontsize=10)
        plot_decision_boundary(self.ax_boundary, self.run.net, self.x, self.y, resolution=120,
                               cax=self.ax_colorbar)
        self.ax_boundary.set_title(
            f"{self.activation.value}, {self.hidden.value} hidden, lr {sig(self.lr.value)}: "
            f"accuracy {self.run.accuracy:.0%}", fontsize=10)

    def __repr__(self):
        return (f"TrainingPanel(m={self.x.shape[0]}, hidden={self.hidden.value}, "
                f"activation={self.activation.value!r}, lr={sig(self.lr.value)}, epochs={self.epochs.value})")
