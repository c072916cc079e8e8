"""Probes for the exercises whose student function takes a whole network: ``fn(net, fwd, y, ...)``.

:class:`NetworkCase` is E4's :class:`.backward.NetworkProbe` with two additions the one-array wording
of :mod:`.engine` needs: extra arguments after ``y`` (E8's ``lam``) and :meth:`NetworkCase.inputs_text`
for the small worked example. :func:`read_layers` reads a per-layer answer (E8's dW[1..L]).
"""

from __future__ import annotations

from .backward import NetworkProbe, layers_from
from .calling import BadReturn
from .feedback import matrix_text, number_text

__all__ = ["NetworkCase", "read_layers"]


class NetworkCase(NetworkProbe):
    """A network, a batch x: (m, n_0), targets y: (m, n_L), and extra arguments after y.

    extra: values passed after (net, fwd, y); extra_names: their names, for the feedback.
    """

    def __init__(self, label, net, x, y, square=False, extra=(), extra_names=()):
        super().__init__(label, net, x, y, square)
        self.extra = tuple(extra)
        self.extra_names = tuple(extra_names)

    def args(self):
        """A fresh network, its forward pass, y and the extra arguments."""
        return super().args() + self.extra

    def call_text(self):
        """'net, fwd, y' (and the extra arguments): the engine follows it with the label."""
        return "net, fwd, y" + "".join(f", {n} = {v:g}" for n, v in zip(self.extra_names, self.extra))

    def inputs_text(self):
        lines = [f"  a network of sizes {self.net.sizes}, activations "
                 f"{', '.join(g.name for g in self.net.g)}"]
        for l in range(1, self.net.L + 1):
            lines.append(f"  W[{l}] =\n{matrix_text(self.net.W[l])}")
        lines.append(f"  x =\n{matrix_text(self.x)}")
        lines.append(f"  y =\n{matrix_text(self.y)}")
        lines += [f"  {n} = {number_text(v)}" for n, v in zip(self.extra_names, self.extra)]
        return "\n".join(lines)


def read_layers(L, name):
    """value -> a list of L float arrays (see :func:`.backward.layers_from`, the one reader of
    per-layer answers); raises :class:`BadReturn` otherwise."""
    def read(value):
        if value is None:
            raise BadReturn(f"returned None: did you forget the `return {name}` statement?")
        return layers_from(value, name, L)
    return read
