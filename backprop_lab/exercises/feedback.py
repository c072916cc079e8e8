"""What a check says to the student: :class:`CheckResult`, as plain text and as HTML.

A result has a status (passed, a recognised mistake, wrong, wrong shape, an error, or not
implemented yet), a message, the equation, the sections of the derivation notebooks to reread
(:class:`backprop_lab.references.Section`), and optionally a small worked example (``details``).
"""

from __future__ import annotations

import re

import numpy as np

from ..formatting import array_text
from ..mistakes import CATALOGUE

__all__ = ["CheckResult", "STATUSES", "NOTEBOOK_LINK_BASE", "matrix_text", "number_text"]

STATUSES = {
    "passed": "passed",
    "mistake": "mistake recognised",
    "wrong": "wrong",
    "wrong_shape": "wrong shape",
    "error": "your function raised an error",
    "not_implemented": "not implemented yet",
}
"""status -> the words of the headline."""

NOTEBOOK_LINK_BASE = "../"
"""How the HTML feedback links to the derivation notebooks: relative to notebooks/exercises/."""

_COLOURS = {"passed": "#2e7d32", "not_implemented": "#757575"}
_ICONS = {"passed": "✔", "not_implemented": "…"}
_CODE = re.compile(r"`([^`]+)`")


def number_text(x):
    """A number or a small array with 4 decimals, the same on every machine: [0.1235, -0.0456]."""
    return array_text(x, 4, "fixed")


def matrix_text(x, indent="    "):
    """A small array, one row per line, each row indented."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim < 2:
        return indent + number_text(arr)
    return "\n".join(indent + number_text(row) for row in arr.reshape(-1, arr.shape[-1]))


def _code_spans(text):
    """`x` -> <code>x</code> in already escaped HTML."""
    return _CODE.sub(r"<code>\1</code>", text)


def _where(section):
    """'notebooks/NB, section "T"' (or the whole notebook)."""
    if section.title:
        return f'notebooks/{section.notebook}, section "{section.title}"'
    return f"notebooks/{section.notebook}"


class CheckResult:
    """The outcome of one check.

    passed : bool, True only if the answer is right on every probe.
    mistake : None, or an id of the mistake catalogue (:data:`backprop_lab.mistakes.CATALOGUE`).
    message : the feedback, naming the equation and the notebook section to revisit.
    status : "passed", "mistake", "wrong", "wrong_shape", "error" or "not_implemented".
    details : a small worked example of where the answer differs ("" if none).
    revisit : list of :class:`backprop_lab.references.Section`, the places to reread.
    steps : for ``check_by_hand``, a dict step -> CheckResult; else None.
    feedback : the message without its Equation and Revisit lines.
    """

    def __init__(self, check, status, message, *, mistake=None, details="", revisit=(),
                 equation="", steps=None):
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; the statuses are {', '.join(STATUSES)}")
        if mistake is not None and mistake not in CATALOGUE:
            raise ValueError(f"unknown mistake id {mistake!r}")
        self.check = check
        self.status = status
        self.mistake = mistake
        self.details = details
        self.equation = equation
        self.revisit = []
        for section in revisit:
            if section is not None and section not in self.revisit:
                self.revisit.append(section)
        self.steps = steps
        self.feedback = message
        lines = [message] + ([f"Equation: {equation}"] if equation else [])
        self.message = "\n".join(lines + [f"Revisit: {_where(s)}" for s in self.revisit])

    @property
    def passed(self):
        return self.status == "passed"

    @property
    def headline(self):
        head = STATUSES[self.status]
        if self.status == "mistake":
            head += f": {self.mistake}"
        return f"{self.check}: {head}"

    def __repr__(self):
        text = self.headline + "\n" + self.message
        if self.details:
            text += "\n\n" + self.details
        return text

    def _repr_html_(self):
        import html  # here, not at the top: it loads html.entities (2 ms), and only Jupyter needs it

        colour = _COLOURS.get(self.status, "#c62828")
        icon = _ICONS.get(self.status, "✘")
        lines = [f"<p>{_code_spans(html.escape(line))}</p>" for line in self.feedback.split("\n")]
        if self.equation:
            lines.append(f"<p><b>Equation:</b> <code>{html.escape(self.equation)}</code></p>")
        for s in self.revisit:
            href = NOTEBOOK_LINK_BASE + s.notebook + ("#" + s.title.replace(" ", "-") if s.title else "")
            label = f"{s.notebook}, “{s.title}”" if s.title else s.notebook
            lines.append(f'<p><b>Revisit:</b> <a href="{html.escape(href, quote=True)}">'
                         f"{html.escape(label)}</a></p>")
        if self.details:
            lines.append(f"<pre>{html.escape(self.details)}</pre>")
        return (f'<div style="border-left: 6px solid {colour}; padding: 0.2em 0.8em;">'
                f'<p style="color: {colour};"><b>{icon} {html.escape(self.headline)}</b></p>'
                + "".join(lines) + "</div>")
