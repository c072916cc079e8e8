"""Widgets for the notebooks: views only. The numbers come from models tested without widgets.

* :class:`DeltaStepper` (:mod:`.stepper`) - a view of :class:`backprop_lab.stepper.DeltaSteps`;
* :class:`TrainingPanel` (:mod:`.training`) - a view of :func:`backprop_lab.training_run.run_training`;
* :class:`VanishingGradientPanel` (:mod:`.vanishing`) - a view of
  :func:`backprop_lab.vanishing.depth_profile`.

Each holds its controls, asks its model, and redraws one reused matplotlib Figure, sent as a PNG to
an ``ipywidgets.Output`` from the kernel side (:mod:`backprop_lab.rendering`), never with
``with out:``, so notebooks stay reproducible under strict nbval. ``picture()`` (shared, in
:mod:`.base`) returns the image on show for static copies.

>>> from backprop_lab.widgets import DeltaStepper, TrainingPanel, VanishingGradientPanel
"""

from .stepper import DeltaStepper
from .training import TrainingPanel
from .vanishing import VanishingGradientPanel

__all__ = ["DeltaStepper", "TrainingPanel", "VanishingGradientPanel"]
