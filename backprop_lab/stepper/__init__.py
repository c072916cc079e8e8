"""The DeltaStepper's model, without widgets: one forward and backward pass cut into steps.

* :mod:`~backprop_lab.stepper.steps` - the steps, in the order a student computes them;
* :mod:`~backprop_lab.stepper.model` - :class:`DeltaSteps`: the numbers of each step and what
  its picture shows;
* :mod:`~backprop_lab.stepper.equations` - the equation of a step for one neuron, with numbers;
* :mod:`~backprop_lab.stepper.feedback` - feedback on a student's prediction of delta^(l).

Neurons are numbered from 1 in every displayed equation; in code, neuron j + 1 is column j.
:func:`delta_norms` and :func:`depth_profile` live in :mod:`backprop_lab.vanishing` and are
importable from here too.
"""

from ..formatting import latex as fmt_number
from ..vanishing import delta_norms, depth_profile
from .equations import Equation
from .feedback import Feedback
from .model import DeltaSteps
from .steps import KINDS, Step

__all__ = ["Step", "Equation", "Feedback", "DeltaSteps", "fmt_number", "delta_norms", "depth_profile", "KINDS"]
