"""E3, the weight and bias gradients, means over the batch.

* ``fn(a_prev, delta) -> dC/dW`` = a_prev.T @ delta / m; a_prev: (m, n_{l-1}), delta: (m, n_l)
  -> (n_{l-1}, n_l);
* ``fn(delta) -> dC/db`` = delta.mean(axis=0); delta: (m, n_l) -> (n_l,).

E4's backward pass is assembled from the same candidate functions (:mod:`.backward`).
"""

from __future__ import annotations

import numpy as np

from .engine import ArrayProbe, Candidate, Exercise

__all__ = ["WEIGHT_GRADIENT_EQUATION", "BIAS_GRADIENT_EQUATION", "WEIGHTS", "BIAS",
           "check_weight_gradient", "check_bias_gradient",
           "weights_right", "weights_summed", "weights_transposed", "weights_over_units",
           "weights_per_example", "bias_right", "bias_summed", "bias_over_units", "bias_sum_over_units", "bias_per_example"]

WEIGHT_GRADIENT_EQUATION = ("∂C/∂W_ij^(l) = (1/|D|) Σ_x a_i^(l−1) δ_j^(l); in matrix form "
                            "a^(l−1)ᵀ δ^(l) / m")
BIAS_GRADIENT_EQUATION = "∂C/∂b_j^(l) = (1/|D|) Σ_x δ_j^(l), the mean of δ^(l) over the examples"


def per_example(a, d):
    """a_i δ_j for each example: (m, n_(l−1), n_l)."""
    return a[:, :, None] * d[:, None, :]


def weights_right(a, d):
    """a^(l−1)ᵀ δ^(l) / m."""
    return a.T @ d / a.shape[0]


def weights_summed(a, d):
    """sum_instead_of_mean: a^(l−1)ᵀ δ^(l)."""
    return a.T @ d


def weights_transposed(a, d):
    """transposed_gradient: δ^(l)ᵀ a^(l−1) / m."""
    return d.T @ a / a.shape[0]


def weights_over_units(a, d):
    """wrong_axis: a^(l−1)ᵀ δ^(l) / n_l."""
    return a.T @ d / d.shape[1]


def weights_per_example(a, d):
    """not_reduced: one matrix a_i δ_j per example."""
    return per_example(a, d)


WEIGHT_CANDIDATES = [
    Candidate(None, "a^(l−1)ᵀ δ^(l) / m", weights_right),
    Candidate("sum_instead_of_mean", "a^(l−1)ᵀ δ^(l), the sum over the batch without the 1/m",
              weights_summed),
    Candidate("transposed_gradient", "δ^(l)ᵀ a^(l−1) / m, of shape (n_l, n_(l−1))", weights_transposed),
    Candidate("transposed_gradient", "δ^(l)ᵀ a^(l−1), transposed (and without the 1/m)",
              lambda a, d: d.T @ a),
    Candidate("wrong_axis", "a^(l−1)ᵀ δ^(l) / n_l, divided by the number of units n_l instead of m",
              weights_over_units),
    Candidate("wrong_axis", "a^(l−1)ᵀ δ^(l) / n_(l−1), divided by the number of units n_(l−1) instead of m",
              lambda a, d: a.T @ d / a.shape[1]),
    Candidate("wrong_axis", "the per-example a_i δ_j averaged over i (axis 1, the units) instead of the examples",
              lambda a, d: per_example(a, d).mean(axis=1)),
    Candidate("wrong_axis", "the per-example a_i δ_j averaged over j (axis 2, the units) instead of the examples",
              lambda a, d: per_example(a, d).mean(axis=2)),
    Candidate("not_reduced", "one matrix a_i δ_j per example, shape (m, n_(l−1), n_l)", weights_per_example),
    Candidate("not_reduced", "one matrix a_i δ_j / m per example, shape (m, n_(l−1), n_l)",
              lambda a, d: per_example(a, d) / a.shape[0]),
    Candidate("sign_flipped", "−a^(l−1)ᵀ δ^(l) / m", lambda a, d: -(a.T @ d) / a.shape[0]),
]


def make_weight_probes():
    specs = [(3, 4, 2), (1, 3, 3), (4, 2, 2), (2, 3, 5), (5, 3, 3)]
    probes = []
    for k, (m, n_prev, n) in enumerate(specs):
        rng = np.random.default_rng(700 + k)
        probes.append(ArrayProbe(
            f"m = {m}, n_(l−1) = {n_prev}, n_l = {n}" + (" (a square W)" if n == n_prev else ""),
            (rng.normal(0.0, 1.0, (m, n_prev)), rng.normal(0.0, 1.0, (m, n))),
            ("a_prev", "delta"), square=(n == n_prev)))
    return probes


def _weight_shape_reason(probe, got):
    m, n_prev = probe.values[0].shape
    n = probe.values[1].shape[1]
    text = (f"(n_(l−1), n_l) = ({n_prev}, {n}), the shape of W^(l), because gradient descent "
            f"updates W ← W − η ∂C/∂W entry by entry. The batch axis (m = {m}) is averaged away.")
    if got == (n, n_prev):
        text += " Yours is the transpose: i (the row) indexes layer l−1, j (the column) layer l."
    elif len(got) == 3:
        text += " Yours keeps one matrix per example: average them over the examples."
    return text


WEIGHTS = Exercise("check_weight_gradient", "∂C/∂W^(l)", WEIGHT_GRADIENT_EQUATION, "weight_gradient",
                   make_weight_probes, WEIGHT_CANDIDATES, context="weights",
                   shape_reason=_weight_shape_reason)


def check_weight_gradient(fn, timeout=None):
    """Check ``fn(a_prev, delta) -> dC/dW`` = a_prev.T @ delta / m, the batch mean.

    a_prev: (m, n_{l-1}); delta: (m, n_l) -> (n_{l-1}, n_l). timeout: seconds for all test cases
    together. Returns a :class:`CheckResult`.
    """
    return WEIGHTS.check(fn, timeout)


def bias_right(d):
    """The mean of δ^(l) over the examples."""
    return d.mean(axis=0)


def bias_summed(d):
    """sum_instead_of_mean: Σ_x δ^(l)."""
    return d.sum(axis=0)


def bias_over_units(d):
    """wrong_axis: δ^(l) averaged over the units, one number per example."""
    return d.mean(axis=1)


def bias_sum_over_units(d):
    """wrong_axis: Σ_x δ^(l) / n_l, divided by the number of units instead of m."""
    return d.sum(axis=0) / d.shape[1]


def bias_per_example(d):
    """not_reduced: δ^(l) itself."""
    return d


BIAS_CANDIDATES = [
    Candidate(None, "the mean of δ^(l) over the examples", bias_right),
    Candidate("sum_instead_of_mean", "Σ_x δ^(l), the sum over the batch without the 1/m", bias_summed),
    Candidate("wrong_axis", "δ^(l) averaged over the units (axis 1): one number per example", bias_over_units),
    Candidate("wrong_axis", "δ^(l) summed over the units (axis 1): one number per example",
              lambda d: d.sum(axis=1)),
    Candidate("wrong_axis", "δ^(l) averaged over both axes: one number", lambda d: d.mean()),
    Candidate("wrong_axis", "Σ_x δ^(l) / n_l, the sum over the examples divided by the number of units "
              "n_l instead of m", bias_sum_over_units),
    Candidate("not_reduced", "δ^(l) itself, one row per example", bias_per_example),
    Candidate("sign_flipped", "−(the mean of δ^(l) over the examples)", lambda d: -d.mean(axis=0)),
]


def make_bias_probes():
    specs = [(3, 2), (1, 3), (4, 4), (2, 5), (5, 3)]
    probes = []
    for k, (m, n) in enumerate(specs):
        rng = np.random.default_rng(800 + k)
        probes.append(ArrayProbe(f"m = {m}, n_l = {n}", (rng.normal(0.0, 1.0, (m, n)),), ("delta",),
                                 square=(m == n)))
    return probes


def _bias_shape_reason(probe, got):
    m, n = probe.values[0].shape
    text = (f"(n_l,) = ({n},), the shape of b^(l), because gradient descent updates b ← b − η ∂C/∂b "
            f"entry by entry. The batch axis (m = {m}) is averaged away.")
    if got == (1, n):
        text += " Yours keeps the batch axis with length 1 (keepdims=True?): drop it."
    return text


BIAS = Exercise("check_bias_gradient", "∂C/∂b^(l)", BIAS_GRADIENT_EQUATION, "bias_gradient",
                make_bias_probes, BIAS_CANDIDATES, context="bias", shape_reason=_bias_shape_reason)


def check_bias_gradient(fn, timeout=None):
    """Check ``fn(delta) -> dC/db`` = delta.mean(axis=0). delta: (m, n_l) -> (n_l,).

    timeout: seconds for all test cases together. Returns a :class:`CheckResult`.
    """
    return BIAS.check(fn, timeout)
