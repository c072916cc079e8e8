"""Calling the student's code safely: every call of a student's function goes through :func:`call`.

A student's bug becomes feedback, never a traceback out of the checker, and never a hung kernel:
:func:`call` turns what the function did into an :class:`Outcome`,

* ``ok``: it returned a value that ``read`` could turn into an answer (``outcome.value``);
* ``raised``: it raised an exception (``outcome.error``), SystemExit and KeyboardInterrupt included;
* ``not_implemented``: it still holds nbgrader's stub, ``raise NotImplementedError()``;
* ``bad_return``: it returned something that is not an answer (None, a string, ...);
* ``timed_out``: it did not finish within its time limit.

How a call is guarded:

* **Copies.** The function gets deep copies of its arguments, activation objects and networks
  included, so nothing it does to them (``g.prime = ...``, ``W += 1``) outlives the call.
* **A time limit.** The function runs in a worker thread while the calling (main) thread waits at
  most ``timeout`` seconds. Past the limit, the worker is stopped by an exception raised inside it
  (:class:`StudentTimeout`): that ends any loop of Python code; a single long numpy operation ends
  when numpy returns. The kernel's own interrupt (the stop button, a real SIGINT) is delivered to
  the waiting main thread and still stops the check: the worker is stopped, and the interrupt goes on.
* **Its output.** What it prints to ``sys.stdout``/``sys.stderr`` is captured; the first
  :data:`OUTPUT_LIMIT` characters are kept (``outcome.output``), the rest is counted and dropped.
* **Refused functions.** ``refuse`` (see :mod:`.shortcuts`) makes library functions unavailable
  while the student's code runs (E4 refuses ``bl.backward``).

``call(fn, args, read, trusted=True)`` runs one of the package's own candidate formulas: directly,
without a thread, still on copies of the arguments.
"""

from __future__ import annotations

import copy
import ctypes
import os
import sys
import threading
import time
import traceback

import numpy as np

__all__ = ["Outcome", "BadReturn", "StudentTimeout", "OutputSink", "call", "answer_array",
           "describe_exception", "stub_text", "function_name", "not_a_function_text",
           "DEFAULT_TIMEOUT", "OUTPUT_LIMIT", "Deadline"]

DEFAULT_TIMEOUT = 5.0
"""Seconds a check gives the student's function over all its test cases (``timeout=`` changes it)."""

OUTPUT_LIMIT = 2000
"""Characters of what the student's function prints that a check keeps and shows."""

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # backprop_lab/
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))


class Outcome:
    """What one call gave: kind "ok" (value), "raised", "not_implemented", "bad_return" (error)
    or "timed_out"; ``output``: what the function printed (at most :data:`OUTPUT_LIMIT` characters)."""

    __slots__ = ("kind", "value", "error", "output")

    def __init__(self, kind, value=None, error=None, output=""):
        self.kind = kind
        self.value = value
        self.error = error
        self.output = output

    @property
    def ok(self):
        return self.kind == "ok"

    def __repr__(self):
        return f"Outcome({self.kind!r}, {self.value if self.ok else self.error!r})"


class BadReturn(Exception):
    """Raised by a ``read`` function: the value returned is not an answer; the text says why."""


class StudentTimeout(BaseException):
    """Raised inside the student's function when it runs past its time limit.

    A BaseException, so that the student's own ``except Exception`` does not swallow it.
    """


class Deadline:
    """A time budget shared by the calls of one check: ``remaining()`` seconds are left."""

    def __init__(self, seconds):
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {seconds!r}")
        self.seconds = float(seconds)
        self.end = time.monotonic() + self.seconds

    def remaining(self):
        return max(0.0, self.end - time.monotonic())


class OutputSink:
    """A write-only text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit=OUTPUT_LIMIT):
        self.limit = limit
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def write(self, text):
        if not isinstance(text, str):
            text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"

    def text(self):
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n[... {self.dropped} more characters not shown]"
        return out


def _stop(thread):
    """Raise :class:`StudentTimeout` inside ``thread`` (at its next Python instruction)."""
    if thread.ident is not None and thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                                   ctypes.py_object(StudentTimeout))


def _run_in_worker(fn, args, read, timeout, sink, refuse):
    """Run ``read(fn(*args))`` in a worker thread; the main thread waits at most ``timeout`` s."""
    box = {}

    def work():
        try:
            with np.errstate(all="ignore"):
                value = fn(*args)
                box["answer"] = read(value)
        except StudentTimeout:
            box["timed_out"] = True
        except BaseException as e:  # SystemExit and KeyboardInterrupt raised by the student's code too
            box["error"] = e

    worker = threading.Thread(target=work, name="backprop-lab student code", daemon=True)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = sink
    try:
        with refuse(fn):
            worker.start()
            try:
                worker.join(timeout)  # a real SIGINT interrupts this wait in the main thread
            except BaseException:
                _stop(worker)
                worker.join(0.5)
                raise
            if worker.is_alive():
                for _ in range(10):  # a loop that catches the first StopTimeout gets more
                    _stop(worker)
                    worker.join(0.05)
                    if not worker.is_alive():
                        break
                box = {"timed_out": True}
    finally:
        sys.stdout, sys.stderr = saved
    return box


def _no_refusal(fn=None):
    from contextlib import nullcontext
    return nullcontext()


def call(fn, args, read, *, timeout=None, trusted=False, refuse=None, sink=None):
    """Call ``fn(*args)`` and ``read`` its value into an answer. Never raises for the student's sake.

    fn: the student's function (or, with ``trusted=True``, one of the package's candidate
    formulas); args: a tuple (deep-copied here); read: value -> answer, raising
    :class:`BadReturn` if the value is not an answer. timeout: seconds (default
    :data:`DEFAULT_TIMEOUT`); refuse: ``refuse(fn)``, a context manager active while the function runs;
    sink: an :class:`OutputSink` to collect what it prints (a fresh one by default).
    A real interrupt of the kernel (KeyboardInterrupt in the main thread) is not swallowed.
    """
    args = copy.deepcopy(tuple(args))
    if trusted:
        with np.errstate(all="ignore"):
            try:
                value = fn(*args)
            except NotImplementedError as e:
                return Outcome("not_implemented", error=e)
            except Exception as e:
                return Outcome("raised", error=e)
        try:
            return Outcome("ok", read(value))
        except BadReturn as e:
            return Outcome("bad_return", error=e)
    sink = OutputSink() if sink is None else sink
    before = sink.kept
    box = _run_in_worker(fn, args, read, DEFAULT_TIMEOUT if timeout is None else timeout, sink,
                         refuse or _no_refusal)
    output = "".join(sink.parts)[before:] if sink.kept > before else ""
    if box.get("timed_out"):
        return Outcome("timed_out", error=StudentTimeout(timeout), output=output)
    error = box.get("error")
    if error is None:
        return Outcome("ok", box["answer"], output=output)
    if isinstance(error, BadReturn):
        return Outcome("bad_return", error=error, output=output)
    if isinstance(error, NotImplementedError):
        return Outcome("not_implemented", error=error, output=output)
    return Outcome("raised", error=error, output=output)


def answer_array(value):
    """Read a returned value as a fresh array of floats (a list of numbers is fine too)."""
    if value is None:
        raise BadReturn("returned None: did you forget the `return` statement?")
    if isinstance(value, (str, bytes)):
        raise BadReturn(f"returned the string {value!r}, not an array of numbers")
    if isinstance(value, dict):
        raise BadReturn(f"returned a dict (keys {sorted(map(repr, value))[:5]}), not an array of numbers")
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        kind = getattr(value, "type_name", None) or type(value).__name__  # type_name: from a sandbox
        raise BadReturn(f"returned a {kind} that is not an array of numbers") from None


def _own_frames(error):
    """The traceback frames of the student's own code (not backprop_lab's, not numpy's)."""
    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    return [f for f in frames if not os.path.abspath(f.filename).startswith((_PACKAGE_DIR, _NUMPY_DIR))]


def describe_exception(e):
    """'ValueError: ... (in your line `...`)', pointing at the student's own line of code."""
    if isinstance(getattr(e, "description", None), str):  # worded where it was raised (a sandbox)
        return e.description
    if isinstance(e, SystemExit):
        text = f"SystemExit({e.code!r}) (sys.exit() or exit() was called)"
    elif isinstance(e, KeyboardInterrupt):
        text = "KeyboardInterrupt (raised by your code, not by the stop button)"
    else:
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
