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
    "timed_out": "your function did not finish in time",
    "refused": "a library shortcut was refused",
    "not_implemented": "not implemented yet",
}
"""status -> the words of the headline."""

NOTEBOOK_LINK_BASE = "../"
"""How the HTML feedback links to the derivation notebooks: relative to notebooks/exercises/."""

_ICONS = {"passed": "✔", "not_implemented": "…"}
_WORDS = {"passed": "Passed", "mistake": "Not yet"}
_BORDER = {"passed": "solid #2e7d32", "not_implemented": "dotted #757575"}
"""The card's left border: its style (solid, dotted, double) says the status as well as its colour."""
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
    status : "passed", "mistake", "wrong", "wrong_shape", "error", "timed_out", "refused" or
        "not_implemented".
    feedback : what the check found (the evidence).
    hint : what to think about first (for a recognised mistake, its explanation); "" if none.
    message : the plain-text feedback: the hint, the evidence, then the equation on a passed
        check (only there: the answer is not given away) or the sections to reread on a failed one.
    details : a small worked example of where the answer differs ("" if none).
    revisit : list of :class:`backprop_lab.references.Section`, the places to reread.
    equation : the equation the check tests; shown on a passed card, and behind an explicit
        "Show the solution" fold on a failed one (never on a stub).
    output : what the student's function printed (at most a few KB), "" if nothing.
    steps : for ``check_by_hand``, a dict step -> CheckResult; else None.
    """

    def __init__(self, check, status, message, *, mistake=None, details="", revisit=(),
                 equation="", steps=None, hint="", output="", headline=None):
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
        self.hint = hint
        self.output = output
        self._headline = headline

    @property
    def passed(self):
        return self.status == "passed"

    @property
    def message(self):
        lines = ([f"Hint: {self.hint}"] if self.hint else []) + [self.feedback]
        if self.passed:
            lines += [f"Equation: {self.equation}"] if self.equation else []
        else:
            lines += [f"Revisit: {_where(s)}" for s in self.revisit]
        return "\n".join(lines)

    @property
    def mistake_name(self):
        """The mistake's name in words (:attr:`backprop_lab.mistakes.Mistake.name`), or ""."""
        return CATALOGUE[self.mistake].name if self.mistake else ""

    @property
    def headline(self):
        head = self._headline or STATUSES[self.status]
        if self.status == "mistake" and self.mistake:
            head += f": {self.mistake_name} [{self.mistake}]"
        return f"{self.check}: {head}"

    def __repr__(self):
        text = self.headline + "\n" + self.message
        if self.details:
            text += "\n\n" + self.details
        if self.output:
            text += "\n\nWhat your function printed:\n" + self.output
        return text

    def _repr_html_(self):
        import html  # here, not at the top: it loads html.entities (2 ms), and only Jupyter needs it

        esc = html.escape
        icon = f'<span aria-hidden="true">{_ICONS.get(self.status, "✘")}</span>'  # the words say it too
        word = _WORDS.get(self.status, "")
        if self.status == "mistake" and self.mistake:
            title = (f"{icon} {word}: {esc(self.mistake_name)} "
                     f'<small style="font-weight: normal;">(mistake id <code>{esc(self.mistake)}</code>; '
                     f"<code>{esc(self.check)}</code>)</small>")
        else:
            head = word if self.status in _WORDS else self._headline or STATUSES[self.status]
            title = (f"{icon} {esc(head[:1].upper() + head[1:])} "
                     f'<small style="font-weight: normal;">(<code>{esc(self.check)}</code>)</small>')
        parts = [f'<h4 style="margin: 0.3em 0;">{title}</h4>']
        if self.hint:
            parts.append(f"<p><strong>Hint:</strong> {_code_spans(esc(self.hint))}</p>")
        parts += [f"<p>{_code_spans(esc(line))}</p>" for line in self.feedback.split("\n") if line]
        if self.revisit and not self.passed:
            links = []
            for s in self.revisit:
                href = NOTEBOOK_LINK_BASE + s.notebook + ("#" + s.title.replace(" ", "-") if s.title else "")
                label = f"{s.notebook}, “{s.title}”" if s.title else s.notebook
                links.append(f'<li><a href="{esc(href, quote=True)}">{esc(label)}</a></li>')
            parts.append("<p><strong>Reread:</strong></p><ul>" + "".join(links) + "</ul>")
        if self.details:
            parts.append(f"<details><summary>A small example</summary><pre>{esc(self.details)}</pre>"
                         "</details>")
        if self.equation and self.status != "not_implemented":
            eq = _equation_html(self.equation)
            parts.append(f"<p><strong>The equation:</strong></p>{eq}" if self.passed else
                         f"<details><summary>Show the solution (the equation)</summary>{eq}</details>")
        if self.output:
            parts.append(f"<details><summary>What your function printed</summary>"
                         f"<pre>{esc(self.output)}</pre></details>")
        style = f"border-left: 6px {_BORDER.get(self.status, 'double #c62828')}; padding: 0.2em 0.8em;"
        return (f'<section class="backprop-lab-check backprop-lab-check-{self.status}" '
                f'aria-label="{esc(self.headline, quote=True)}" style="{style}">'
                + "".join(parts) + "</section>")


def _equation_html(equation):
    """The equation as a list of its parts (split at '; '), each kept on one line."""
    import html

    items = "".join(f'<li><span style="white-space: nowrap;">{html.escape(part)}</span></li>'
                    for part in equation.split("; "))
    return f'<ul class="backprop-lab-equation">{items}</ul>'
