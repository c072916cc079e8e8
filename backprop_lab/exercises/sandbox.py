"""A submission's code in a separate process: the checks judge, the child only runs the student's code.

:class:`Sandbox` starts ``sandbox_child.py`` (a fresh Python that imports a pristine numpy and
backprop_lab, never the checks), executes the submission's solution cells there, and hands out
:class:`RemoteFunction` objects. A check calls one like the student's function: the arguments go
to the child (pickled: this direction is trusted), the child runs the function and sends back
its value as plain data (JSON, decoded here by :func:`decode`: never unpickled, so nothing the
child sends can run code here), or what it raised, and what it printed.

So nothing the student's code does can reach the judging process: patching numpy, the checks,
``CheckResult`` or this module in the child changes only the child. The time limit is enforced
by killing the child; the next call starts a fresh one.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import select
import struct
import subprocess
import sys
import tempfile
from types import SimpleNamespace

import numpy as np

from ..activations import Activation, get_activation
from ..layers import PerLayer
from .calling import StudentTimeout
from .shortcuts import ShortcutRefused

__all__ = ["Sandbox", "RemoteFunction", "RemoteError", "decode", "SETUP_TIMEOUT"]

CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sandbox_child.py")
SETUP_TIMEOUT = 20.0
"""Seconds for starting the child and running the submission's cells (imports included)."""


class RemoteError(Exception):
    """What the student's function raised in the child; ``description`` is already worded."""

    def __init__(self, type_name, description):
        super().__init__(description)
        self.type_name = type_name
        self.description = description


class Opaque:
    """A returned value that is not plain data (its type name only)."""

    def __init__(self, type_name):
        self.type_name = type_name


def decode(data):
    """Plain data from the child -> numbers, strings, arrays, lists, tuples, dicts, sets."""
    t = data.get("t") if isinstance(data, dict) else None
    if t == "none":
        return None
    if t == "num":
        return float(data["v"])
    if t == "str":
        return str(data["v"])
    if t == "array":
        values = [float(x) for x in data["data"]]
        return np.array(values, dtype=np.float64).reshape([int(n) for n in data["shape"]])
    if t in ("list", "tuple", "set"):
        items = [decode(v) for v in data["v"]]
        return {"list": list, "tuple": tuple, "set": lambda xs: set(_hashable(x) for x in xs)}[t](items)
    if t == "dict":
        return {_hashable(decode(k)): decode(v) for k, v in data["v"]}
    if t == "perlayer":
        return PerLayer("value", [decode(v) for v in data["v"]], first=int(data["first"]))
    if t == "grads":
        return SimpleNamespace(dW=decode(data["dW"]), db=decode(data["db"]))
    return Opaque(str(data.get("type", "object")) if isinstance(data, dict) else "object")


def _hashable(x):
    if isinstance(x, float) and x.is_integer():
        return int(x)  # dict keys and set members: layer numbers are ints
    return x if isinstance(x, (int, float, str, tuple)) else repr(x)


class _Pickler(pickle.Pickler):
    """Pickles an activation by its registered name (their functions are lambdas)."""

    def reducer_override(self, obj):
        if isinstance(obj, Activation):
            return get_activation, (obj.name,)
        return NotImplemented


def _dumps(message):
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(message)
    return buffer.getvalue()


class Sandbox:
    """The submission's solution cells, run in a child process; ``function(name)`` to call them.

    cells: the source of each solution cell, executed in order, each on its own (a cell that
    raises does not stop the next). ``setup`` records what that gave: {"kind", "text", "names"}.
    """

    def __init__(self, cells, setup_timeout=None):
        self.cells = [str(c) for c in cells]
        self.setup_timeout = SETUP_TIMEOUT if setup_timeout is None else setup_timeout
        self.process = None
        self.setup = None

    # --- the child -------------------------------------------------------------------------

    def start(self):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.workdir = tempfile.TemporaryDirectory(prefix="backprop-lab-grade-")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONSTARTUP", "PYTHONINSPECT")}
        here = os.path.dirname(os.path.dirname(os.path.dirname(CHILD)))  # the same backprop_lab as ours
        env["PYTHONPATH"] = os.pathsep.join([here] + [p for p in [os.environ.get("PYTHONPATH")] if p])
        self.process = subprocess.Popen(
            [sys.executable, "-u", CHILD, str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w), cwd=self.workdir.name, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.to_child, self.from_child = to_child_w, from_child_r
        replies = []
        for cell in self.cells:
            replies.append(self.ask(("setup", cell), self.setup_timeout))
            if replies[-1]["kind"] == "timed_out":
                break
        failed = [r for r in replies if r["kind"] not in ("ok", "raised")] or \
                 [r for r in replies if r["kind"] != "ok"]
        self.setup = failed[0] if failed else replies[-1] if replies else {"kind": "ok", "names": []}
        self.setup["output"] = "".join(r.get("output", "") for r in replies)
        if failed and failed[0]["kind"] == "timed_out":
            return
        self.setup["names"] = replies[-1].get("names", []) if replies else []

    def ask(self, message, timeout):
        """Send one message and wait at most ``timeout`` s for the reply; kill the child past it."""
        if self.process is None or self.process.poll() is not None:
            return {"kind": "timed_out", "text": "the previous call did not finish", "output": ""}
        data = _dumps(message)
        try:
            os.write(self.to_child, struct.pack("!Q", len(data)) + data)
            return json.loads(self._read_reply(timeout))
        except BaseException as e:  # the time limit (StudentTimeout), a real interrupt, a dead child
            self.close()
            if isinstance(e, (TimeoutError, EOFError, OSError, ValueError)):
                return {"kind": "timed_out" if isinstance(e, TimeoutError) else "crashed",
                        "text": str(e), "output": ""}
            raise

    def _read_reply(self, timeout):
        import time

        end = time.monotonic() + timeout
        header = self._read(8, end)
        (n,) = struct.unpack("!Q", header)
        if n > 200_000_000:
            raise ValueError("the reply is too large")
        return self._read(n, end)

    def _read(self, n, end):
        import time

        data = b""
        while len(data) < n:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("the time limit was reached")
            ready, _, _ = select.select([self.from_child], [], [], min(left, 0.05))
            if ready:
                chunk = os.read(self.from_child, n - len(data))
                if not chunk:
                    raise EOFError("the process running the submission ended")
                data += chunk
        return data

    def close(self):
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            for fd in (self.to_child, self.from_child):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.workdir.cleanup()
            self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # --- the student's functions -----------------------------------------------------------

    def function(self, name, refuse=False):
        """A callable that runs the submission's ``name`` in the child; with ``refuse``, the
        library's backward passes are unavailable to it (E4, :mod:`.shortcuts`)."""
        return RemoteFunction(self, name, refuse)

    def has(self, name):
        return name in (self.setup or {}).get("names", [])


class RemoteFunction:
    """The student's function ``name``, run in the sandbox's child process when called.

    Returns the decoded value, or raises what the function raised (NotImplementedError for the
    stub, :class:`.shortcuts.ShortcutRefused`, else :class:`RemoteError`); past the time limit of
    the check (a :class:`.calling.StudentTimeout` raised into the waiting thread) the child is killed.
    """

    def __init__(self, sandbox, name, refuse=False):
        self.sandbox = sandbox
        self.__name__ = name
        self.refuse = bool(refuse)

    def __call__(self, *args):
        if self.sandbox.process is None or self.sandbox.process.poll() is not None:
            raise StudentTimeout()  # killed at an earlier time limit: this call cannot run either
        reply = self.sandbox.ask(("call", self.__name__, args, self.refuse), timeout=3600)
        output = reply.get("output", "")
        if output:
            print(output, end="")  # into the check's captured output
        kind = reply["kind"]
        if kind == "ok":
            return decode(reply["value"])
        if kind == "not_implemented":
            raise NotImplementedError(reply["text"])
        if kind == "refused":
            raise ShortcutRefused(reply["text"].split(": ", 1)[-1])
        if kind == "timed_out":
            raise StudentTimeout()
        raise RemoteError(reply.get("type", "Error"), reply["text"])
