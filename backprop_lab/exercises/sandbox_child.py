"""The child process of :mod:`.sandbox`: runs a submission's code, and nothing of the checks.

Started as a script (``python .../sandbox_child.py FD_IN FD_OUT``), not as a module of the package,
so that ``backprop_lab.exercises`` (the checks, their candidate formulas and probes) is never loaded
here; importing it from the student's code raises ImportError. It imports a pristine numpy and
backprop_lab, executes the submission's solution code, and then answers calls:

* from the parent (trusted): pickled ``("setup", source)`` and ``("call", name, args, refuse)``;
* to the parent (untrusted, so never pickle): JSON, the student's returned value encoded as plain
  data (:func:`encode`), or what the function raised, and what it printed.

The parent (:mod:`.sandbox`) enforces the time limit by killing this process. With ``refuse``
(E4), the library's backward passes and gradient code are refused while the student's function
runs (``shortcuts.py``, loaded from its file).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import json
import os
import pickle
import struct
import sys
import traceback

MAX_ELEMENTS = 1_000_000
OUTPUT_LIMIT = 2000
HERE = os.path.dirname(os.path.abspath(__file__))
BLOCKED = ("backprop_lab.exercises",)


class _Blocker(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Keeps the checks away from the code being graded.

    ``from backprop_lab import exercises as ex`` (the notebooks' setup cells) gives an empty
    stand-in whose every attribute raises; importing a module of the checks raises ImportError.
    """

    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED:
            return importlib.util.spec_from_loader(name, self)
        if any(name.startswith(b + ".") for b in BLOCKED):
            raise ImportError(f"{name} (the checks) is not available to the code being graded")
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        def __getattr__(attr):
            raise AttributeError(f"backprop_lab.exercises.{attr}: the checks are not available to the "
                                 f"code being graded")
        module.__getattr__ = __getattr__
        module.__path__ = []


class _Sink:
    def __init__(self):
        self.parts, self.kept, self.dropped = [], 0, 0

    def write(self, text):
        text = str(text)
        room = OUTPUT_LIMIT - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def text(self):
        return "".join(self.parts) + (f"\n[... {self.dropped} more characters not shown]"
                                      if self.dropped else "")


def encode(value, depth=0, budget=None):
    """The student's value as plain JSON data; arrays as {"t": "array", "shape", "data"}."""
    import numpy as np

    budget = budget if budget is not None else [MAX_ELEMENTS]
    if depth > 8:
        return {"t": "other", "type": "a structure nested too deeply"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, str):
        return {"t": "str", "v": value[:200]}
    if isinstance(value, (bool, int, float, np.number)) and not isinstance(value, np.ndarray):
        try:
            return {"t": "num", "v": float(value)}
        except (TypeError, ValueError, OverflowError):
            return {"t": "other", "type": type(value).__name__}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[encode(k, depth + 1, budget), encode(v, depth + 1, budget)]
                                   for k, v in list(value.items())[:1000]]}
    if isinstance(value, (list, tuple, set, frozenset)):
        kind = {list: "list", tuple: "tuple"}.get(type(value), "set" if isinstance(value, (set, frozenset))
                                                   else "list")
        items = sorted(value, key=repr) if kind == "set" else list(value)
        return {"t": kind, "v": [encode(v, depth + 1, budget) for v in items[:10_000]]}
    if hasattr(value, "dW") and hasattr(value, "db"):
        return {"t": "grads", "dW": encode(value.dW, depth + 1, budget),
                "db": encode(value.db, depth + 1, budget)}
    if type(value).__name__ == "PerLayer" and hasattr(value, "first"):
        return {"t": "perlayer", "first": int(value.first),
                "v": [encode(v, depth + 1, budget) for v in list(value)]}
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return {"t": "other", "type": type(value).__name__}
    budget[0] -= arr.size
    if budget[0] < 0:
        return {"t": "other", "type": f"an array too large to check ({arr.size} numbers)"}
    return {"t": "array", "shape": list(arr.shape),
            "data": [x if x == x and abs(x) != float("inf") else repr(x) for x in arr.ravel().tolist()]}


def describe(error):
    """'ValueError: ... (in your line `...`)', as calling.describe_exception words it."""
    if isinstance(error, SystemExit):
        text = f"SystemExit({error.code!r}) (sys.exit() or exit() was called)"
    elif isinstance(error, KeyboardInterrupt):
        text = "KeyboardInterrupt (raised by your code, not by the stop button)"
    else:
        text = f"{type(error).__name__}: {error}"
    if len(text) > 400:
        text = text[:400] + " ..."
    package = os.path.dirname(HERE)
    import numpy as np
    own = [f for f in traceback.extract_tb(error.__traceback__)
           if not os.path.abspath(f.filename).startswith((package, os.path.dirname(np.__file__)))
           and f.filename != __file__]
    if own and own[-1].line:
        text += f" (in your line `{own[-1].line.strip()}`)"
    return text


def _read_exactly(fd, n):
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _receive(fd):
    (n,) = struct.unpack("!Q", _read_exactly(fd, 8))
    return pickle.loads(_read_exactly(fd, n))


def _send(fd, message):
    data = json.dumps(message).encode()
    os.write(fd, struct.pack("!Q", len(data)) + data)


def _load_refusal():
    spec = importlib.util.spec_from_file_location("backprop_lab_refusal", os.path.join(HERE, "shortcuts.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(fn, args, refusal, refuse=False):
    sink = _Sink()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = sink
    try:
        import copy

        import numpy as np
        args = copy.deepcopy(args)  # the registry's activations arrive as themselves: copy them
        from contextlib import nullcontext

        with (refusal.refused(fn) if refuse else nullcontext()), np.errstate(all="ignore"):
            value = fn(*args)
        reply = {"kind": "ok", "value": encode(value)}
    except NotImplementedError as e:
        reply = {"kind": "not_implemented", "text": describe(e), "where": _where(e)}
    except refusal.ShortcutRefused as e:
        reply = {"kind": "refused", "text": describe(e)}
    except BaseException as e:  # SystemExit and KeyboardInterrupt raised by the student's code too
        reply = {"kind": "raised", "type": type(e).__name__, "text": describe(e)}
    finally:
        sys.stdout, sys.stderr = saved
    reply["output"] = sink.text()
    return reply


def _where(error):
    """The name of the innermost function of the student's code in the traceback."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == "<submission>"]
    return frames[-1].name if frames else ""


def main(fd_in, fd_out):
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]  # no `import calling`
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # what the code writes to the file descriptors goes nowhere
    os.dup2(devnull, 2)
    sys.meta_path.insert(0, _Blocker())
    for name in [m for m in sys.modules if m.startswith(BLOCKED)]:
        del sys.modules[name]
    import numpy as np

    import backprop_lab as bl

    refusal = _load_refusal()
    namespace = {"__name__": "__main__", "np": np, "bl": bl}
    while True:
        try:
            message = _receive(fd_in)
        except EOFError:
            return
        if message[0] == "setup":
            reply = _run(lambda: exec(compile(message[1], "<submission>", "exec"), namespace), (), refusal)
            reply["names"] = sorted(k for k, v in namespace.items() if callable(v))
        else:
            _, name, args, refuse = message
            fn = namespace.get(name)
            reply = (_run(fn, args, refusal, refuse) if callable(fn) else
                     {"kind": "missing", "text": f"the notebook defines no function `{name}`", "output": ""})
        _send(fd_out, reply)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
