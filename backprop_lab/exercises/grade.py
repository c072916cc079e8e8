"""Summative grading: re-check a submitted notebook's functions in a fresh process.

    python -m backprop_lab.exercises.grade submission.ipynb [more.ipynb ...] [--json] [--timeout S]

reads each notebook's solution cells (the cells with nbgrader metadata ``"solution": true``), runs
them in a sandbox process (:mod:`.sandbox`: a fresh Python with a pristine numpy and backprop_lab,
never the checks), and runs the checks here, in this process, on the student's functions called
through the sandbox. It prints one line per graded cell (points, the check's headline) and the
feedback of every cell that did not pass, and a total per notebook.

What is graded comes from :data:`GRADED` (grade_id -> the check, the functions it takes, the
points), never from the submitted notebook's own cells, so editing a locked cell changes nothing.
Nothing the student's code does in their kernel (or in the sandbox) can change a verdict: the
kernel is not involved, and the sandbox only ever sends back plain data.

nbgrader's hidden tests call :func:`regrade` (``regrade("E1_check")``), which runs this module in
a subprocess on the notebook being autograded and fails the cell unless the check passed there.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

__all__ = ["Graded", "Student", "GRADED", "KERNEL_ONLY", "kernel_only_ids", "Verdict", "solution_cells", "grade_notebook", "regrade", "main"]


@dataclass(frozen=True)
class Graded:
    """One graded cell: ``check(*args, **kwargs)`` of :mod:`backprop_lab.exercises`.

    args: each a literal, or ``Student("name")`` for the submission's function, or a list of those;
    problem: a function of no arguments giving more arguments (built here, e.g. E4's network);
    refuse: whether the library's backward passes are unavailable to the student's code (E4).
    """

    check: str
    args: tuple
    points: int
    kwargs: dict = field(default_factory=dict)
    problem: object = None
    refuse: bool = False


@dataclass(frozen=True)
class Student:
    """The submission's function called ``name``."""

    name: str


def e4_problem():
    """The network and batch of E4's gradient-check cell (the same seeds as the notebook)."""
    import numpy as np

    import backprop_lab as bl

    net = bl.Network.random([3, 4, 3, 2], ["tanh", "softplus", "sigmoid"], seed=4)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(6, 3))
    y = rng.uniform(size=(6, 2))
    return net, x, y


GRADED = {
    "E1_check": Graded("check_output_delta", (Student("output_delta"),), 2),
    "E2_check": Graded("check_hidden_delta", (Student("hidden_delta"),), 2),
    "E3_weight_check": Graded("check_weight_gradient", (Student("weight_gradient"),), 2),
    "E3_bias_check": Graded("check_bias_gradient", (Student("bias_gradient"),), 1),
    "E4_check": Graded("check_backward", (Student("backward_pass"),), 3, refuse=True),
    "E4_gradient_check": Graded("check_backward_numerically", (Student("backward_pass"),), 1,
                                problem=e4_problem, refuse=True),
    **{f"E5_{k}_check": Graded("check_answer", (f"E5.{k}", Student(f"answer_E5_{k}")), 1)
       for k in (1, 2, 3, 4, 6, 7)},
    "E5_5_check": Graded("check_hidden_delta", (Student("hidden_delta_index_form"),), 2),
    "E6_forward_check": Graded("check_by_hand", ("forward", Student("forward_by_hand")), 1),
    "E6_output_delta_check": Graded("check_by_hand", ("output_delta", Student("output_delta_by_hand")), 1,
                                    {"earlier": [Student("forward_by_hand")]}),
    "E6_hidden_delta_check": Graded("check_by_hand", ("hidden_delta", Student("hidden_delta_by_hand")), 1,
                                    {"earlier": [Student("forward_by_hand"), Student("output_delta_by_hand")]}),
    "E6_gradients_check": Graded("check_by_hand", ("gradients", Student("gradients_by_hand")), 1,
                                 {"earlier": [Student("forward_by_hand"), Student("output_delta_by_hand"),
                                              Student("hidden_delta_by_hand")]}),
    "E7_check": Graded("check_input_gradient", (Student("input_gradient"),), 2),
    "E8_check": Graded("check_l2_gradient", (Student("l2_gradient"),), 2),
    "E9_check_prime": Graded("check_swish_prime", (Student("swish_prime"),), 2),
    "E10_check": Graded("check_logcosh_output_delta", (Student("logcosh_output_delta"),), 2),
    "E11_check": Graded("check_tied_gradient", (Student("tied_gradient"),), 2),
}
"""grade_id -> what that graded cell checks, and its points (the masters' cells, checked by a test)."""

KERNEL_ONLY = {
    "E9_check_activation": "the student's function returns an activation object, which is code, "
                           "not data, so it cannot be sent back from the sandbox; the check runs in the "
                           "student's kernel only",
}
"""grade_id -> why that graded cell is not re-checked in a fresh process (its grade is the kernel's)."""


@dataclass
class Verdict:
    """The outcome of one graded cell."""

    grade_id: str
    points: int
    score: int
    status: str
    headline: str
    feedback: str

    @property
    def passed(self):
        return self.status == "passed"


def solution_cells(nb):
    """The source of every code cell of a notebook (a dict as read by json) that the student's
    functions may need, in order: the solution cells and the setup cells, every code cell but the
    graded ones (whose checks this module runs itself).

    Lines of IPython syntax (``%magic``, ``!shell``) are dropped: the sandbox runs plain Python.
    """
    cells = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and not meta.get("grade"):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            cells.append("\n".join(line for line in source.splitlines()
                                   if not line.lstrip().startswith(("%", "!"))))
    return cells


def graded_ids(nb):
    """The grade_ids of the notebook's graded cells that :data:`GRADED` knows, in order."""
    ids = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id") in GRADED:
            ids.append(meta["grade_id"])
    return ids


def kernel_only_ids(path):
    """The grade_ids of a notebook file's graded cells that are not re-checked (:data:`KERNEL_ONLY`)."""
    with open(path, encoding="utf-8") as f:
        cells = json.load(f).get("cells", [])
    return [c["metadata"]["nbgrader"]["grade_id"] for c in cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") in KERNEL_ONLY]


def _resolve(arg, sandbox, refuse=False):
    if isinstance(arg, Student):
        return sandbox.function(arg.name, refuse)
    if isinstance(arg, list):
        return [_resolve(a, sandbox, refuse) for a in arg]
    return arg


def _missing(graded, sandbox):
    """The submission's functions this check needs that the notebook does not define."""
    names = [a.name for a in graded.args if isinstance(a, Student)]
    names += [a.name for v in graded.kwargs.values() if isinstance(v, list) for a in v]
    return [n for n in names if not sandbox.has(n)]


def grade_one(grade_id, sandbox, timeout=None):
    """Run the check of ``grade_id`` on the sandbox's functions -> :class:`Verdict`."""
    from backprop_lab import exercises as ex

    graded = GRADED[grade_id]
    missing = _missing(graded, sandbox)
    if missing:
        setup = sandbox.setup or {}
        why = (f" Running your solution cells gave: {setup['text']}" if setup.get("kind") not in (None, "ok")
               else "")
        return Verdict(grade_id, graded.points, 0, "error", f"{grade_id}: not graded",
                       f"the notebook defines no function {', '.join(f'`{n}`' for n in missing)}.{why}")
    if sandbox.process is None or sandbox.process.poll() is not None:
        sandbox.start()  # killed at the time limit of an earlier check
    check = getattr(ex, graded.check)
    args = [_resolve(a, sandbox, graded.refuse) for a in graded.args]
    args += list(graded.problem() if graded.problem else ())
    kwargs = {k: _resolve(v, sandbox, graded.refuse) for k, v in graded.kwargs.items()}
    if timeout is not None and "timeout" in inspect.signature(check).parameters:
        kwargs["timeout"] = timeout
    result = check(*args, **kwargs)
    text = result.message + (f"\n\n{result.details}" if result.details else "")
    return Verdict(grade_id, graded.points, graded.points if result.passed else 0, result.status,
                   result.headline, text)


def grade_notebook(path, only=None, timeout=None):
    """Grade one notebook file: a list of :class:`Verdict`, one per graded cell (or ``only`` those)."""
    from .sandbox import Sandbox

    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    ids = [g for g in graded_ids(nb) if only is None or g in only]
    if not ids:
        return []
    with Sandbox(solution_cells(nb)) as sandbox:
        return [grade_one(g, sandbox, timeout) for g in ids]


def regrade(grade_id, notebook=None, timeout=None):
    """For nbgrader's hidden tests: grade ``grade_id`` in a fresh process; AssertionError unless passed.

    notebook: the file to read (default: the notebook in the working directory that has a graded
    cell ``grade_id``, which is where nbgrader's autograder runs it).
    """
    path = notebook or _find_notebook(grade_id)
    command = [sys.executable, "-m", "backprop_lab.exercises.grade", path, "--only", grade_id, "--json"]
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise AssertionError(f"{grade_id}: the grader failed:\n{proc.stderr[-2000:]}")
    verdicts = json.loads(proc.stdout)[0]["verdicts"]
    if not verdicts or not verdicts[0]["passed"]:
        raise AssertionError(f"{grade_id}: not passed when re-checked in a fresh process:\n"
                             + (verdicts[0]["headline"] + "\n" + verdicts[0]["feedback"] if verdicts
                                else "no such graded cell"))


def _find_notebook(grade_id):
    for name in sorted(os.listdir(".")):
        if name.endswith(".ipynb"):
            try:
                with open(name, encoding="utf-8") as f:
                    if grade_id in graded_ids(json.load(f)):
                        return name
            except (OSError, ValueError):
                continue
    raise AssertionError(f"no notebook in {os.getcwd()} has the graded cell {grade_id}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m backprop_lab.exercises.grade",
                                     description="Re-check submitted exercise notebooks in a fresh process.")
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    parser.add_argument("--only", action="append", help="grade only this grade_id (repeatable)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per check for the student's function (default: the checks' own)")
    args = parser.parse_args(argv)
    report, all_passed = [], True
    for path in args.notebooks:
        verdicts = grade_notebook(path, args.only, args.timeout)
        all_passed &= all(v.passed for v in verdicts)
        report.append({"notebook": path, "score": sum(v.score for v in verdicts),
                       "points": sum(v.points for v in verdicts),
                       "verdicts": [dict(vars(v), passed=v.passed) for v in verdicts]})
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        for path, nb in zip(args.notebooks, report):
            print(f"{nb['notebook']}: {nb['score']}/{nb['points']}")
            for v in nb["verdicts"]:
                print(f"  {v['score']}/{v['points']}  {v['headline']}")
                if not v["passed"]:
                    print("      " + v["feedback"].replace("\n", "\n      "))
            for gid in kernel_only_ids(path):
                print(f"  not re-checked: {gid} ({KERNEL_ONLY[gid]})")
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
