"""Input checks that speak the learner's language.

Every public function validates its arguments here, at the boundary, so that a
mistake raises a ValueError or TypeError naming the shapes or values involved,
before numpy can raise its own, less helpful, message (or silently broadcast).
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def as_numeric(value, name):
    """np.asarray(value), refusing anything that is not real numbers (TypeError)."""
    try:
        arr = np.asarray(value)
    except ValueError as e:  # a ragged nested list
        raise ValueError(f"{name} could not be made into an array, since its rows have different "
                         f"lengths (numpy says: {e})") from None
    if arr.dtype.kind not in "biuf":
        example = ""
        if arr.size:
            example = f", e.g. {arr.flat[0]!r}"
        raise TypeError(f"{name} must contain real numbers, but it has dtype {arr.dtype}{example}")
    return arr


def check_finite(arr, name):
    """Raise ValueError naming where arr has NaN or inf."""
    if math.isfinite(arr.sum()):
        return  # a finite sum means no NaN or inf (either would make the sum NaN or inf)
    finite = np.isfinite(arr)
    if finite.all():
        return
    bad = np.argwhere(~finite)[0]
    value = arr[tuple(bad)]
    n_nan = int(np.isnan(arr).sum())
    n_inf = int(np.isinf(arr).sum())
    where = ", ".join(str(int(i)) for i in bad)
    raise ValueError(f"{name} contains {n_nan} NaN and {n_inf} infinite value(s); the first is "
                     f"{name}[{where}] = {value}")


def check_positive_number(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, not {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value}")
    return float(value)


def check_count(value, name, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)
