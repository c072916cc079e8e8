"""Summative grading (issue 13): a notebook's functions re-checked in a fresh process.

`python -m backprop_lab.exercises.grade` runs a submission's cells in a sandbox process that never
loads the checks, and judges here. These tests grade small submissions made from the masters
(only the solution cells change) without nbgrader; tests/check_nbgrader_autograde.py does the same
through nbgrader end to end.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop_lab import exercises as ex
from backprop_lab.exercises import grade
from backprop_lab.exercises.sandbox import Sandbox, decode

SOURCE = Path(__file__).resolve().parent.parent / "notebooks" / "exercises" / "source"


def submission(tmp_path, master, cells, name=None):
    """The master with some solution cells (by grade_id) replaced: a student's notebook."""
    nb = nbformat.read(SOURCE / master, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in cells:
            cell.source = cells[gid]
    path = tmp_path / (name or master)
    nbformat.write(nb, path)
    return path


def scores(verdicts):
    return {v.grade_id: v.score for v in verdicts}


def test_the_masters_get_full_marks_from_the_command_line():
    paths = [str(SOURCE / n) for n in ("E1_output_delta.ipynb", "E4_full_backward.ipynb")]
    proc = subprocess.run([sys.executable, "-m", "backprop_lab.exercises.grade", *paths, "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [(r["score"], r["points"]) for r in report] == [(2, 2), (4, 4)]
    text = subprocess.run([sys.executable, "-m", "backprop_lab.exercises.grade", paths[0]],
                          capture_output=True, text=True).stdout
    assert "E1_output_delta.ipynb: 2/2" in text and "2/2  check_output_delta: passed" in text


def test_a_mistake_gets_0_and_is_named(tmp_path):
    path = submission(tmp_path, "E1_output_delta.ipynb", {
        "E1_output_delta": "def output_delta(a_L, y, z_L, g):\n    return (a_L - y) * g(z_L)\n"})
    [v] = grade.grade_notebook(path)
    assert v.score == 0 and v.status == "mistake"
    assert "[activation_instead_of_derivative]" in v.headline and "g(z) instead of g'(z)" in v.headline
    proc = subprocess.run([sys.executable, "-m", "backprop_lab.exercises.grade", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "0/2" in proc.stdout and "Hint:" in proc.stdout


# Every cheat of issue 13, as the solution code of one submission: the cells run in one sandbox, in
# order (the patches at the top stay in force), and each cheat's function is checked here.
PATCHES = """
import json, sys
from backprop_lab import exercises as ex
np.allclose = lambda *a, **k: True
ex.check_output_delta = lambda fn, timeout=None: None
ex.CheckResult.passed = property(lambda self: True)
"""
CHEATS = {
    "np.allclose patched, all-zero gradients": ("check_backward", """
def cheat(net, fwd, y):
    return [0 * W for W in net.W], [0 * b for b in net.b]
"""),
    "the check replaced, CheckResult.passed patched": ("check_output_delta", """
def cheat(a_L, y, z_L, g):
    return 0 * a_L
"""),
    "the candidates read": ("check_output_delta", """
def cheat(a_L, y, z_L, g):
    return ex.output_delta.CANDIDATES[0].fn(a_L, y, z_L, g)
"""),
    "the right formula imported": ("check_output_delta", """
def cheat(a_L, y, z_L, g):
    from backprop_lab.exercises.output_delta import right
    return right(a_L, y, z_L, g)
"""),
    "the checks' module imported as a file": ("check_output_delta", """
def cheat(a_L, y, z_L, g):
    import output_delta as od
    return od.right(a_L, y, z_L, g)
"""),
    "the reference read from the caller's frames": ("check_output_delta", """
def cheat(a_L, y, z_L, g):
    for f in sys._current_frames().values():
        while f is not None:
            for v in f.f_locals.values():
                if hasattr(v, "right") or hasattr(v, "expected"):
                    return getattr(v, "right", None)
            f = f.f_back
    return 0 * a_L
"""),
    "the weight probes read": ("check_weight_gradient", """
def cheat(a_prev, delta):
    return ex.gradients.WEIGHTS.expected()[0].value["value"]
"""),
    "bl.backward": ("check_backward", """
def cheat(net, fwd, y):
    bwd = bl.backward(net, fwd, y)
    return bwd.dW, bwd.db
"""),
    "bl.numerical_gradients": ("check_backward", """
def cheat(net, fwd, y):
    num = bl.numerical_gradients(net, fwd.a[0], y, "mse")
    return num["dW"], num["db"]
"""),
    "the sandbox's reply faked": ("check_bias_gradient", """
def cheat(delta):
    json.dumps = lambda *a, **k: '{"kind": "ok", "value": {"t": "array", "shape": [0], "data": []}}'
    return 0
"""),
}
NAMES = {cheat: f"cheat_{i}" for i, cheat in enumerate(sorted(CHEATS))}


@pytest.fixture(scope="module")
def cheats_sandbox():
    cells = [PATCHES] + [CHEATS[c][1].replace("def cheat(", f"def {NAMES[c]}(") for c in sorted(CHEATS)]
    with Sandbox(cells) as sb:
        yield sb


@pytest.mark.parametrize("cheat", sorted(CHEATS))
def test_every_cheat_gets_0(cheats_sandbox, cheat):
    if cheats_sandbox.process is None:
        cheats_sandbox.start()
    check, _ = CHEATS[cheat]
    result = getattr(ex, check)(cheats_sandbox.function(NAMES[cheat], refuse=check == "check_backward"))
    assert not result.passed, result
    if cheat.startswith("bl."):
        assert result.status == "refused"
        assert "is not available while your backward pass is checked" in result.message


def test_the_cheats_cells_ran_in_the_sandbox(cheats_sandbox):
    """The patches ran (and failed where they touch the checks, which the sandbox does not have)."""
    assert all(cheats_sandbox.has(NAMES[c]) for c in CHEATS)
    assert "the checks are not available to the code being graded" in cheats_sandbox.setup["text"]


def test_the_shortcut_is_refused_in_e4_only(tmp_path):
    """E7, E8 and E11 build on bl.backward by design; E4 may not use it."""
    e7 = grade.grade_notebook(SOURCE / "E7_input_gradient.ipynb")
    assert scores(e7) == {"E7_check": 2}
    master, _ = "E4_full_backward.ipynb", None
    path = submission(tmp_path, master, {"E4_backward_pass": CHEATS["bl.backward"][1].replace("cheat", "backward_pass")})
    assert [v.status for v in grade.grade_notebook(path)] == ["refused", "refused"]


def test_a_cheat_in_a_submission_gets_0(tmp_path):
    path = submission(tmp_path, "E4_full_backward.ipynb", {"E4_backward_pass": (
        "np.allclose = lambda *a, **k: True\n"
        "def backward_pass(net, fwd, y):\n"
        "    return [0 * W for W in net.W], [0 * b for b in net.b]\n")})
    assert scores(grade.grade_notebook(path)) == {"E4_check": 0, "E4_gradient_check": 0}


def test_an_infinite_loop_gets_0_within_the_time_limit(tmp_path):
    path = submission(tmp_path, "E1_output_delta.ipynb", {"E1_output_delta": (
        "def output_delta(a_L, y, z_L, g):\n"
        "    while True:\n"
        "        try:\n            pass\n"
        "        except BaseException:\n            pass\n")})  # even one that swallows everything
    start = time.monotonic()
    [v] = grade.grade_notebook(path, timeout=1.0)
    assert time.monotonic() - start < 10
    assert v.score == 0 and v.status == "timed_out" and "time limit of 1 s" in v.feedback


def test_a_cell_that_never_ends_gets_0_and_the_others_are_still_graded(tmp_path):
    path = submission(tmp_path, "E3_weight_bias_gradients.ipynb", {
        "E3_bias_gradient": "while True:\n    pass\n"})
    from backprop_lab.exercises import sandbox

    saved, sandbox.SETUP_TIMEOUT = sandbox.SETUP_TIMEOUT, 1.0
    try:
        verdicts = grade.grade_notebook(path)
    finally:
        sandbox.SETUP_TIMEOUT = saved
    assert scores(verdicts) == {"E3_weight_check": 0, "E3_bias_check": 0}
    assert "the time limit was reached" in verdicts[1].feedback


def test_sys_exit_and_output_in_the_submission(tmp_path):
    path = submission(tmp_path, "E3_weight_bias_gradients.ipynb", {
        "E3_weight_gradient": "print('x' * 10_000_000)\nimport sys\n"
                              "def weight_gradient(a_prev, delta):\n    print('y' * 10_000_000)\n    sys.exit(1)\n"})
    verdicts = grade.grade_notebook(path)
    assert scores(verdicts) == {"E3_weight_check": 0, "E3_bias_check": 1}
    assert "SystemExit(1)" in verdicts[0].feedback and len(verdicts[0].feedback) < 5000


def test_a_missing_function_is_named(tmp_path):
    path = submission(tmp_path, "E1_output_delta.ipynb", {"E1_output_delta": "def delta_out(a, y, z, g):\n    pass\n"})
    [v] = grade.grade_notebook(path)
    assert v.score == 0 and "defines no function `output_delta`" in v.feedback


def test_nothing_the_sandbox_sends_is_unpickled():
    """Replies are decoded from JSON into numbers, strings, arrays and containers only."""
    value = decode({"t": "tuple", "v": [{"t": "array", "shape": [2], "data": [1.0, "nan"]},
                                        {"t": "dict", "v": [[{"t": "num", "v": 1.0}, {"t": "none"}]]},
                                        {"t": "other", "type": "Evil"}]})
    assert np.isnan(value[0][1]) and value[1] == {1: None} and type(value[2]).__name__ == "Opaque"
    with Sandbox(["class Evil:\n    def __reduce__(self):\n        return (print, ('pwned',))\n"
                  "def f(*args):\n    return Evil()\n"]) as sb:
        result = ex.check_output_delta(sb.function("f"))
    assert result.status == "error" and "Evil" in result.message


def test_regrade_fails_the_cell_unless_the_fresh_process_passes(tmp_path, monkeypatch):
    good = submission(tmp_path, "E1_output_delta.ipynb", {}, name="good.ipynb")
    grade.regrade("E1_check", notebook=str(good))  # no exception: passed
    bad = submission(tmp_path, "E1_output_delta.ipynb", {
        "E1_output_delta": "def output_delta(a_L, y, z_L, g):\n    return a_L - y\n"}, name="bad.ipynb")
    with pytest.raises(AssertionError, match="missing_activation_derivative"):
        grade.regrade("E1_check", notebook=str(bad))
    monkeypatch.chdir(tmp_path / "..")
    with pytest.raises(AssertionError, match="no notebook"):
        grade.regrade("E1_check")


def test_what_is_graded_comes_from_the_table_not_from_the_submission(tmp_path):
    """A student who edits the locked check cell (to check another, easier function) gains nothing."""
    nb = nbformat.read(SOURCE / "E1_output_delta.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "E1_check":
            cell.source = "result = ex.check_bias_gradient(lambda d: d.mean(axis=0))\n"
            meta["points"] = 100
        if meta.get("grade_id") == "E1_output_delta":
            cell.source = "def output_delta(a_L, y, z_L, g):\n    return a_L - y\n"
    path = tmp_path / "edited.ipynb"
    nbformat.write(nb, path)
    [v] = grade.grade_notebook(path)
    assert v.grade_id == "E1_check" and v.points == 2 and v.score == 0
