"""Small seeded toy datasets for the notebooks: no downloads.

Each returns ``x`` of shape (m, 2) (rows are examples) and ``y``: a column (m, 1) of
0/1 labels for the two-class sets (use a sigmoid output with binary cross-entropy or
MSE), or one-hot rows (m, k) for :func:`spirals` (softmax with cross-entropy).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_numeric, check_count, check_number, rng_from

__all__ = ["xor", "moons", "spirals", "one_hot"]


def _noise(value):
    noise = check_number(value, "noise", minimum=0)
    if noise > 1e150:  # the points are noise * N(0, 1): beyond this their squares, or they, overflow
        raise ValueError(f"noise = {noise:g} is too large: the points would overflow; use noise <= 1e150")
    return noise


def _size(m, n, **widths):
    """m (a count) checked, and small enough for an (m, n) array of floats. ``widths`` names the other
    arguments that set n (spirals: classes=k), so that the message names every argument at fault."""
    m = check_count(m, "m")
    if m * n > 10**9:
        why = "".join(f", {name} = {value}" for name, value in widths.items())
        fix = "a smaller " + " or ".join(["m", *widths])
        raise ValueError(f"m = {m} examples of {n} numbers each (x and y{why}) would need "
                         f"{m * n * 8 / 1e9:.3g} GB; use {fix}")
    return m


def xor(m=200, noise=0.1, seed=0):
    """Points around the four corners (+-1, +-1); label 1 where exactly one coordinate is positive.

    Returns x (m, 2) and y (m, 1).
    """
    m = _size(m, 3)
    noise = _noise(noise)
    rng = rng_from(seed)
    corners = rng.integers(0, 2, size=(m, 2))
    x = 2.0 * corners - 1.0 + noise * rng.standard_normal((m, 2))
    y = (corners[:, 0] ^ corners[:, 1]).astype(np.float64).reshape(m, 1)
    return x, y


def moons(m=200, noise=0.1, seed=0):
    """Two interleaving half circles (as in scikit-learn's make_moons). Returns x (m, 2), y (m, 1)."""
    m = _size(m, 3)
    noise = _noise(noise)
    rng = rng_from(seed)
    label = np.arange(m) % 2
    t = rng.uniform(0, np.pi, size=m)
    x = np.where(label[:, None] == 0,
                 np.c_[np.cos(t), np.sin(t)],
                 np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    x = x + noise * rng.standard_normal((m, 2))
    return x, label.astype(np.float64).reshape(m, 1)


def spirals(m=300, classes=3, noise=0.2, seed=0):
    """``classes`` interleaved spiral arms (CS231n's classic). Returns x (m, 2) and one-hot y (m, classes)."""
    classes = check_count(classes, "classes", minimum=2)
    m = _size(m, 2 + classes, classes=classes)
    noise = _noise(noise)
    rng = rng_from(seed)
    label = np.arange(m) % classes
    r = rng.uniform(0.05, 1.0, size=m)
    theta = label * 2 * np.pi / classes + 4.0 * r + noise * rng.standard_normal(m)
    x = np.c_[r * np.sin(theta), r * np.cos(theta)]
    return x, one_hot(label, classes)


def one_hot(labels, k=None):
    """Integer labels (m,) -> one-hot rows (m, k) (k: default the largest label + 1)."""
    labels = as_numeric(labels, "labels")
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be a 1-D array of ints, got shape {labels.shape} and dtype {labels.dtype}")
    if labels.size and labels.min() < 0:
        raise ValueError(f"labels must be >= 0, got {labels.min()}")
    if k is None and not labels.size:
        raise ValueError("labels is empty, so k (the number of classes) must be given")
    k = int(labels.max()) + 1 if k is None else check_count(k, "k")
    if labels.size * k > 10**9:
        raise ValueError(f"{labels.size} labels of k = {k} classes would need {labels.size * k * 8 / 1e9:.3g} GB")
    if labels.size and labels.max() >= k:
        raise ValueError(f"label {labels.max()} does not fit in k = {k} classes")
    out = np.zeros((labels.size, k))
    out[np.arange(labels.size), labels] = 1.0
    return out
