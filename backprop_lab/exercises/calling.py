"""Calling the student's code safely: every call of a student's function goes through :func:`call`.

A student's bug becomes feedback, never a traceback out of the checker: :func:`call` turns what the
function did into an :class:`Outcome`,

* ``ok``: it returned a value that ``read`` could turn into an answer (``outcome.value``);
* ``raised``: it raised an exception (``outcome.error``);
* ``not_implemented``: it still holds nbgrader's stub, ``raise NotImplementedError()``;
* ``bad_return``: it returned something that is not an answer (None, a string, ...).

KeyboardInterrupt and SystemExit are not caught. A time limit, capturing what the function prints,
or copying its arguments would each be added in :func:`call`, the one place that runs student code.
"""

from __future__ import annotations

import os
import traceback

import numpy as np

__all__ = ["Outcome", "BadReturn", "call", "answer_array", "describe_exception", "stub_text",
           "function_name", "not_a_function_text"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # backprop_lab/
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))


class Outcome:
    """What one call gave: kind "ok" (value), "raised", "not_implemented" or "bad_return" (error)."""

    __slots__ = ("kind", "value", "error")

    def __init__(self, kind, value=None, error=None):
        self.kind = kind
        self.value = value
        self.error = error

    @property
    def ok(self):
        return self.kind == "ok"

    def __repr__(self):
        return f"Outcome({self.kind!r}, {self.value if self.ok else self.error!r})"


class BadReturn(Exception):
    """Raised by a ``read`` function: the value returned is not an answer; the text says why."""


def call(fn, args, read):
    """Call ``fn(*args)`` and ``read`` its value into an answer. Never raises an Exception.

    fn: the student's function (or a candidate formula); args: a tuple, fresh for this call;
    read: value -> answer, raising :class:`BadReturn` if the value is not an answer.
    """
    try:
        with np.errstate(all="ignore"):
            value = fn(*args)
    except NotImplementedError as e:
        return Outcome("not_implemented", error=e)
    except Exception as e:  # the student's bug becomes feedback, not a traceback
        return Outcome("raised", error=e)
    try:
        return Outcome("ok", read(value))
    except BadReturn as e:
        return Outcome("bad_return", error=e)


def answer_array(value):
    """Read a returned value as an array of floats (a list of numbers is fine too)."""
    if value is None:
        raise BadReturn("returned None: did you forget the `return` statement?")
    if isinstance(value, (str, bytes)):
        raise BadReturn(f"returned the string {value!r}, not an array of numbers")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise BadReturn(f"returned a {type(value).__name__} that is not an array of numbers") from None


def _own_frames(error):
    """The traceback frames of the student's own code (not backprop_lab's, not numpy's)."""
    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    return [f for f in frames if not os.path.abspath(f.filename).startswith((_PACKAGE_DIR, _NUMPY_DIR))]


def describe_exception(e):
    """'ValueError: ... (in your line `...`)', pointing at the student's own line of code."""
    text = f"{type(e).__name__}: {e}"
    if len(text) > 400:
        text = text[:400] + " ..."
    own = _own_frames(e)
    if own and own[-1].line:
        text += f" (in your line `{own[-1].line.strip()}`)"
    return text


def function_name(fn):
    return getattr(fn, "__name__", "your function")


def stub_text(fn, error, todo="Replace `raise NotImplementedError()` with your code and run this "
                                "cell again."):
    """'not implemented yet: ...', naming the function that still holds the stub.

    If ``fn`` calls another of the student's functions that is still a stub (E6's stages reuse
    the earlier ones), that function is named instead of ``fn``.
    """
    name = function_name(fn)
    own = _own_frames(error)
    if own and own[-1].name not in (name, "<lambda>", "<module>"):
        return (f"not implemented yet: `{name}` calls `{own[-1].name}`, which still raises "
                f"NotImplementedError. Write `{own[-1].name}` first.")
    return f"not implemented yet: `{name}` still raises NotImplementedError. {todo}"


def not_a_function_text(check_name, value):
    """What to say when a check is given a value instead of a function."""
    return (f"the check needs your function itself, but got a {type(value).__name__}; pass the "
            f"function's name without calling it, e.g. {check_name}(my_function).")
