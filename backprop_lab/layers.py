"""PerLayer: a container indexed by the layer number l, exactly as the derivation writes it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["PerLayer", "LayerIndexError"]


class LayerIndexError(IndexError, ValueError):
    """A layer number outside l = first..last. An IndexError, as for a list (so iteration works),
    and a ValueError, like every other bad argument (numpy's AxisError does the same)."""

_HINTS = {
    ("z", 0): "layer 0 is the input: it has an activation a[0] = x but no z",
    ("delta", 0): "layer 0 is the input: it has no z, so no delta = dc/dz",
    ("W", 0): "layer 0 is the input: weights start at W[1], which maps a[0] to z[1]",
    ("b", 0): "layer 0 is the input: biases start at b[1]",
    ("g", 0): "layer 0 is the input: activations start at g[1]",
    ("dW", 0): "layer 0 is the input: weight gradients start at dW[1]",
    ("db", 0): "layer 0 is the input: bias gradients start at db[1]",
}


class PerLayer(Sequence):
    """One entry per layer, indexed by l as in the notes.

    ``W``, ``b``, ``z``, ``delta``, ``dW`` and ``db`` run over l = 1..L; ``a`` runs over
    l = 0..L, with a[0] the input. Negative indices count from the end, as for a list
    (``W[-1]`` is W[L]). Iterating yields the entries in order of l; :meth:`items`
    yields ``(l, entry)`` pairs.

    ``check``, if given, guards writes: ``per_layer[l] = value`` stores ``check(l, value)``, which
    may convert the value or raise (a network's W, b and g are checked this way).
    """

    __slots__ = ("name", "first", "_items", "_check")

    def __init__(self, name, items, first=1, check=None):
        self.name = name
        self.first = first
        self._items = list(items)
        self._check = check

    @property
    def last(self):
        return self.first + len(self._items) - 1

    @property
    def layers(self):
        """The valid l, in order: range(first, last + 1)."""
        return range(self.first, self.last + 1)

    def _position(self, l):
        if isinstance(l, (bool, np.bool_)) or not isinstance(l, (int, np.integer)):
            raise TypeError(
                f"{self.name}[...] takes a layer number l (an int), not {type(l).__name__}")
        l = int(l)
        if l < 0:
            l += self.last + 1
        if not self.first <= l <= self.last:
            msg = f"{self.name}[{l}] does not exist: {self.name} is defined for l = {self.first}..{self.last}"
            hint = _HINTS.get((self.name, l))
            raise LayerIndexError(msg + (f" ({hint})" if hint else ""))
        return l - self.first

    def __getitem__(self, l):
        if type(l) is int and self.first <= l < self.first + len(self._items):
            return self._items[l - self.first]  # the common case: a valid layer number
        return self._items[self._position(l)]

    def __setitem__(self, l, value):
        position = self._position(l)
        if self._check is not None:
            value = self._check(position + self.first, value)
        self._items[position] = value

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def items(self):
        """(l, entry) pairs in order of l."""
        return zip(self.layers, self._items)

    def __repr__(self):
        parts = []
        for l, v in self.items():
            shape = getattr(v, "shape", None)
            parts.append(f"{l}: {shape}" if shape is not None else f"{l}: {v!r}")
        return f"<{self.name}[l] for l = {self.first}..{self.last}: " + ", ".join(parts) + ">"
