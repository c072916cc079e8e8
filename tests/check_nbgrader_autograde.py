"""End to end through nbgrader: grades an instructor can trust (issue 13).

Run by `make test-exercises` (part of `make test`), which builds .venv-instructor (nbgrader); not
collected by a plain `pytest tests`. In a temporary course directory, the E1–E4 masters are
released with `nbgrader generate_assignment`; a set of submissions is made from the released
student versions by filling in their solution cells; `nbgrader autograde` grades them and
`nbgrader generate_feedback` writes the feedback. Then

* the correct submission gets full marks;
* each catalogued mistake that E1–E4 recognise gets 0, and the feedback names it;
* every cheat of issue 13 gets 0: np.allclose patched, ex.check_output_delta replaced,
  CheckResult.passed patched, the reference read out of the checks' internals, E4 through
  bl.backward or bl.numerical_gradients;
* an infinite loop gets 0 within the time limit.

A student notebook missing from a submission is given 0 by nbgrader without being run, so each
submission holds only the notebooks it tests. The whole run takes about two minutes.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
IVENV = ROOT / os.environ.get("IVENV", ".venv-instructor")
NOTEBOOKS = {"E1": "E1_output_delta", "E2": "E2_hidden_delta", "E3": "E3_weight_bias_gradients",
             "E4": "E4_full_backward"}
POINTS = {"E1": 2, "E2": 2, "E3": 3, "E4": 4}

RIGHT = {
    "E1_output_delta": "def output_delta(a_L, y, z_L, g):\n    return (a_L - y) * g.prime(z_L)\n",
    "E2_hidden_delta": "def hidden_delta(delta_next, W_next, z, g):\n"
                       "    return (delta_next @ W_next.T) * g.prime(z)\n",
    "E3_weight_gradient": "def weight_gradient(a_prev, delta):\n    return a_prev.T @ delta / len(delta)\n",
    "E3_bias_gradient": "def bias_gradient(delta):\n    return delta.sum(axis=0) / delta.shape[0]\n",
}


def backward(output="(fwd.a[L] - y) * net.g[L].prime(fwd.z[L])",
             hidden="(delta[l + 1] @ net.W[l + 1].T) * net.g[l].prime(fwd.z[l])",
             weight="fwd.a[l - 1].T @ delta[l] / m", bias="delta[l].mean(axis=0)", before=""):
    """A student's backward pass, with one of its pieces written differently."""
    return (f"{before}def backward_pass(net, fwd, y):\n"
            f"    L, m = net.L, len(y)\n"
            f"    delta = {{L: {output}}}\n"
            f"    for l in range(L - 1, 0, -1):\n"
            f"        delta[l] = {hidden}\n"
            f"    dW = {{l: {weight} for l in range(1, L + 1)}}\n"
            f"    db = {{l: {bias} for l in range(1, L + 1)}}\n"
            f"    return dW, db\n")


def od(expr, before=""):
    return f"{before}def output_delta(a_L, y, z_L, g):\n    return {expr}\n"


def hd(expr, before=""):
    return f"{before}def hidden_delta(delta_next, W_next, z, g):\n    return {expr}\n"


def wg(expr, before=""):
    return f"{before}def weight_gradient(a_prev, delta):\n    return {expr}\n"


def bg(expr, before=""):
    return f"{before}def bias_gradient(delta):\n    return {expr}\n"


# student -> {solution grade_id: code}; the notebooks of a student are those its cells belong to
SUBMISSIONS = {
    "correct": {**RIGHT, "E4_backward_pass": backward()},
    "mistakes1": {
        "E1_output_delta": od("(a_L - y) * g(z_L)"),
        "E2_hidden_delta": hd("(delta_next @ W_next) * g.prime(z)"),
        "E3_weight_gradient": wg("a_prev.T @ delta"),
        "E3_bias_gradient": bg("delta.mean(axis=1)"),
        "E4_backward_pass": backward(weight="fwd.a[l].T @ delta[l] / m"),
    },
    "mistakes2": {
        "E1_output_delta": od("a_L - y"),
        "E2_hidden_delta": hd("(delta_next @ W_next.T) * g.prime(g(z))"),
        "E3_weight_gradient": wg("delta.T @ a_prev / len(delta)"),
        "E3_bias_gradient": bg("delta"),
        "E4_backward_pass": backward(output="(y - fwd.a[L]) * net.g[L].prime(fwd.z[L])"),
    },
    "mistakes3": {
        "E1_output_delta": od("0.5 * (a_L - y) ** 2 * g.prime(z_L)"),
        "E2_hidden_delta": hd("(delta_next @ W_next.T) * g(z) * (1 - g(z))"),
    },
    "cheater1": {
        "E1_output_delta": od("np.zeros_like(a_L)", before=(
            "ex.check_output_delta = lambda fn, timeout=None: ex.CheckResult('check_output_delta', "
            "'passed', 'right')\n")),
        "E2_hidden_delta": hd("np.zeros((len(z), W_next.shape[0]))", before=(
            "ex.CheckResult.passed = property(lambda self: True)\n")),
        "E3_weight_gradient": wg("ex.gradients.WEIGHTS.candidates[0].fn(a_prev, delta)"),
        "E3_bias_gradient": bg("[o for o in ex.gradients.BIAS.expected() "
                               "if o.value['value'].shape == delta.shape[1:]][0].value['value']"),
        "E4_backward_pass": backward(output="0 * fwd.a[L]", hidden="0 * fwd.z[l]",
                                     before="np.allclose = lambda *a, **k: True\n"),
    },
    "cheater2": {
        "E1_output_delta": od("right(a_L, y, z_L, g)",
                              before="from backprop_lab.exercises.output_delta import right\n"),
        "E2_hidden_delta": hd("ex.hidden_delta.CANDIDATES[0].fn(delta_next, W_next, z, g)"),
        "E4_backward_pass": ("def backward_pass(net, fwd, y):\n"
                             "    bwd = bl.backward(net, fwd, y, loss='mse')\n"
                             "    return bwd.dW, bwd.db\n"),
    },
    "cheater3": {
        "E4_backward_pass": ("def backward_pass(net, fwd, y):\n"
                             "    num = bl.numerical_gradients(net, fwd.a[0], y, 'mse')\n"
                             "    return num['dW'], num['db']\n"),
    },
    "looper": {"E1_output_delta": "def output_delta(a_L, y, z_L, g):\n    while True:\n        pass\n"},
}

# student -> notebook -> the mistakes its feedback must name (by name in words and by id)
MISTAKES = {
    "mistakes1": {"E1": ["activation_instead_of_derivative"], "E2": ["missing_transpose"],
                  "E3": ["sum_instead_of_mean", "wrong_axis"], "E4": ["off_by_one_layer"]},
    "mistakes2": {"E1": ["missing_activation_derivative"], "E2": ["derivative_at_activation"],
                  "E3": ["transposed_gradient", "not_reduced"], "E4": ["sign_flipped"]},
    "mistakes3": {"E1": ["cost_instead_of_derivative"], "E2": ["hard_coded_sigmoid_derivative"]},
}


def _run(args, cwd, env):
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory: released, submitted, autograded, feedback generated. Returns
    (root, {student: {notebook: score}}, seconds autograde took)."""
    root = tmp_path_factory.mktemp("course")
    env = dict(os.environ, PATH=f"{IVENV / 'bin'}{os.pathsep}{os.environ['PATH']}")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'backprop'\n"
        "c.ExecutePreprocessor.timeout = 120\n", encoding="utf-8")
    source = root / "source" / "backprop"
    source.mkdir(parents=True)
    for name in NOTEBOOKS.values():
        shutil.copy(ROOT / "notebooks" / "exercises" / "source" / f"{name}.ipynb", source)
    nbgrader = str(IVENV / "bin" / "nbgrader")
    _run([nbgrader, "generate_assignment", "backprop", "--force"], root, env)
    for student, cells in SUBMISSIONS.items():
        folder = root / "submitted" / student / "backprop"
        folder.mkdir(parents=True)
        for key, name in NOTEBOOKS.items():
            nb = nbformat.read(root / "release" / "backprop" / f"{name}.ipynb", as_version=4)
            filled = 0
            for cell in nb.cells:
                gid = cell.metadata.get("nbgrader", {}).get("grade_id")
                if cell.metadata.get("nbgrader", {}).get("solution"):
                    code = cells.get(gid, RIGHT.get(gid))
                    filled += gid in cells
                    if code is not None:
                        cell.source = code
            if filled:
                nbformat.write(nb, folder / f"{name}.ipynb")
    start = time.monotonic()
    _run([nbgrader, "autograde", "backprop", "--create", "--force"], root, env)
    took = time.monotonic() - start
    _run([nbgrader, "generate_feedback", "backprop", "--force"], root, env)
    dump = ("import json\nfrom nbgrader.api import Gradebook\n"
            "with Gradebook('sqlite:///gradebook.db', 'backprop') as gb:\n"
            "    print(json.dumps({s: {nb.name: nb.score for nb in gb.find_submission('backprop', s).notebooks}\n"
            f"                      for s in {sorted(SUBMISSIONS)!r}}}))\n")
    scores = json.loads(_run([str(IVENV / "bin" / "python"), "-c", dump], root, env).stdout)
    print(f"\nnbgrader autograde of {sum(len(c) for c in SUBMISSIONS.values())} solution cells "
          f"in {len(SUBMISSIONS)} submissions took {took:.0f} s")
    return root, scores, took


def _score(scores, student, key):
    return scores[student][NOTEBOOKS[key]]


def _feedback(root, student, key):
    """The text of the student's HTML feedback for one notebook (tags removed, entities decoded)."""
    import html
    import re

    path = root / "feedback" / student / "backprop" / f"{NOTEBOOKS[key]}.html"
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def test_the_correct_submission_gets_full_marks(course):
    _, scores, _ = course
    for key in NOTEBOOKS:
        assert _score(scores, "correct", key) == POINTS[key], key


@pytest.mark.parametrize("student", sorted(MISTAKES))
def test_each_catalogued_mistake_gets_0_and_is_named_in_the_feedback(course, student):
    from backprop_lab.mistakes import CATALOGUE

    root, scores, _ = course
    for key, mistakes in MISTAKES[student].items():
        assert _score(scores, student, key) == 0, (student, key)
        page = _feedback(root, student, key)
        for m in mistakes:
            assert f"[{m}]" in page and CATALOGUE[m].name in page, (student, key, m)


# (student, notebook, what stops the cheat: the fresh-process re-check, or the kernel's own check)
CHEATS = [
    ("cheater1", "E1", "not passed when re-checked in a fresh process"),  # ex.check_output_delta replaced
    ("cheater1", "E2", "not passed when re-checked in a fresh process"),  # CheckResult.passed patched
    ("cheater1", "E3", "not passed when re-checked in a fresh process"),  # the checks' internals read
    ("cheater1", "E4", "not passed when re-checked in a fresh process"),  # np.allclose patched
    ("cheater2", "E1", "not passed when re-checked in a fresh process"),  # the right formula imported
    ("cheater2", "E2", "not passed when re-checked in a fresh process"),  # the candidates' list read
    ("cheater2", "E4", "is not available while your backward pass is checked"),  # bl.backward
    ("cheater3", "E4", "is not available while your backward pass is checked"),  # bl.numerical_gradients
]


@pytest.mark.parametrize("student,key,stopped_by", CHEATS, ids=[f"{s}-{k}" for s, k, _ in CHEATS])
def test_every_cheat_gets_0(course, student, key, stopped_by):
    root, scores, _ = course
    assert _score(scores, student, key) == 0
    assert stopped_by in _feedback(root, student, key)


def test_the_kernel_was_fooled_where_the_issue_says_it_was(course):
    """The cheats of the kernel still show "passed" in the student's visible cell: it is the
    hidden re-check that gives 0, which is the point."""
    root, _, _ = course
    nb = nbformat.read(root / "autograded" / "cheater1" / "backprop" / "E1_output_delta.ipynb", as_version=4)
    shown = [o for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "E1_check"
             for o in c.outputs]
    assert any("passed" in o.get("data", {}).get("text/plain", "") for o in shown)
    assert any(o.output_type == "error" for o in shown)


def test_e4_shortcuts_are_refused_with_the_reason(course):
    root, _, _ = course
    for student in ("cheater2", "cheater3"):
        page = _feedback(root, student, "E4")
        assert "is not available while your backward pass is checked" in page, student


def test_an_infinite_loop_gets_0_within_the_time_limit(course):
    root, scores, took = course
    assert _score(scores, "looper", "E1") == 0
    page = _feedback(root, "looper", "E1")
    assert "did not finish within the time limit of 5 s" in page
    nb = nbformat.read(root / "autograded" / "looper" / "backprop" / "E1_output_delta.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [e.ename for e in errors] == ["AssertionError"]  # the check's limit, not nbgrader's cell timeout
