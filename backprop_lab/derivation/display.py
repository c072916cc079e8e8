"""Small display helpers for the derivation notebooks: arrays as LaTeX and Markdown, and a matrix
product that explains why it does not fit instead of raising. Numbers go through
:func:`backprop_lab.formatting.fixed`, the package's one fixed-decimals formatter.
"""

from __future__ import annotations

import numpy as np

from ..formatting import fixed

__all__ = ["latex_matrix", "array_table", "try_matmul"]


def latex_matrix(arr, decimals=3, name=None):
    """A 1-D or 2-D array as a LaTeX ``pmatrix`` (1-D arrays as a row), rounded, for
    ``IPython.display.Math``. With ``name`` the result is ``name = \\begin{pmatrix}...``."""
    arr = np.asarray(arr, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"latex_matrix shows 1-D or 2-D arrays, got shape {arr.shape}")
    rows = [" & ".join(fixed(v, decimals) for v in row) for row in arr]
    body = r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"
    return f"{name} = {body}" if name else body


def array_table(arr, row_label="i", col_label="j", decimals=3, start=1, row_names=None, col_names=None):
    """A 2-D array as a Markdown table with labelled rows and columns (for
    ``IPython.display.Markdown``). Rows are named ``row_label = start, start+1, ...`` (the
    maths counts neurons from 1, so ``start=1`` by default) unless ``row_names`` is given;
    likewise the columns. A 1-D array is shown as one row."""
    arr = np.asarray(arr, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"array_table shows 1-D or 2-D arrays, got shape {arr.shape}")
    rn = row_names or [f"{row_label} = {r + start}" for r in range(arr.shape[0])]
    cn = col_names or [f"{col_label} = {c + start}" for c in range(arr.shape[1])]
    if len(rn) != arr.shape[0] or len(cn) != arr.shape[1]:
        raise ValueError(f"got {len(rn)} row names and {len(cn)} column names for an array of shape {arr.shape}")
    lines = ["| | " + " | ".join(cn) + " |", "|---|" + "---|" * arr.shape[1]]
    lines += [f"| **{r}** | " + " | ".join(fixed(v, decimals) for v in row) + " |" for r, row in zip(rn, arr)]
    return "\n".join(lines)


def try_matmul(A, B, a_name="A", b_name="B"):
    """Compute ``A @ B``; if the shapes do not chain, return a friendly one-line explanation
    instead of raising. Returns (product or None, message)."""
    A, B = np.asarray(A), np.asarray(B)
    try:
        out = A @ B
    except ValueError:
        return None, (f"{a_name} @ {b_name} fails: {a_name} has shape {A.shape} and {b_name} has shape "
                      f"{B.shape}, so the inner sizes {A.shape[-1]} and "
                      f"{B.shape[-2] if B.ndim > 1 else B.shape[0]} do not match")
    return out, f"{a_name} @ {b_name} works: {A.shape} @ {B.shape} -> {out.shape}"
