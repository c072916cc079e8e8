"""The exercise masters (notebooks/exercises/source/) are well-formed nbgrader notebooks.

Their outputs are checked by strict nbval (`make test-notebooks`); the student versions by
tests/check_exercise_notebooks.py (`make test-exercises`). This file needs neither nbgrader nor
a kernel: it reads the masters' JSON.
"""

import re
from pathlib import Path

import nbformat
import pytest

from backprop_lab.exercises.grade import KERNEL_ONLY

SOURCE = Path(__file__).resolve().parent.parent / "notebooks" / "exercises" / "source"
MASTERS = sorted(SOURCE.glob("*.ipynb"))
NAMES = ["E1_output_delta.ipynb", "E2_hidden_delta.ipynb", "E3_weight_bias_gradients.ipynb",
         "E4_full_backward.ipynb", "E5_spot_the_mistake.ipynb", "E6_derivation_self_check.ipynb",
         "E7_input_gradient.ipynb", "E8_weight_decay.ipynb", "E9_swish.ipynb", "E10_logcosh.ipynb",
         "E11_tied_weights.ipynb"]


def test_the_masters_exist():
    assert [m.name for m in MASTERS] == sorted(NAMES)


@pytest.mark.parametrize("path", MASTERS, ids=[m.stem for m in MASTERS])
def test_master_has_nbgrader_metadata_and_is_executed(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"] == {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    assert "backprop_lab" not in nb.metadata, "masters are executed; only student versions are unexecuted"
    ids, points, solutions = [], 0, 0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        has_marker = "BEGIN SOLUTION" in cell.source
        if has_marker:
            assert meta and meta["solution"], f"solution region outside a solution cell: {cell.source[:60]}"
            assert cell.source.count("### BEGIN SOLUTION") == cell.source.count("### END SOLUTION") == 1
        if "BEGIN HIDDEN TESTS" in cell.source:
            assert meta and meta["grade"] and meta["locked"]
        if cell.cell_type == "code":
            assert cell.execution_count is not None, "masters are committed executed"
            assert not any(o.output_type == "error" for o in cell.outputs)
        if not meta:
            continue
        assert meta["schema_version"] == 3 and meta["grade_id"]
        ids.append(meta["grade_id"])
        if meta["solution"]:
            solutions += 1
            assert has_marker and not meta["locked"]
            assert not meta["grade"] or cell.cell_type == "markdown"
        if meta["grade"] and cell.cell_type == "markdown":
            # a manually graded answer (E7–E11's derivation on paper): nbgrader requires a Markdown
            # answer to be both solution and grade; the model answer sits between the markers
            assert meta["solution"] and meta["points"] > 0
            points += meta["points"]
        elif meta["grade"]:
            assert meta["locked"] and meta["points"] > 0
            points += meta["points"]
            # the visible part of a graded cell runs a check and shows its result; the hidden test
            # (removed for students) fails the cell, so nbgrader gives 0 points, if the check failed
            # in the kernel, or if it fails when re-run in a fresh process on the notebook's code
            # (grade.regrade): a pass must hold where nothing done in the kernel can reach
            assert re.search(r"^result = ex\.check_\w+\(", cell.source, re.M)
            # display(), not a trailing expression: nbgrader would try to read an execute_result
            # as a partial-credit number (and warns that it may treat it as an error one day)
            assert "\ndisplay(result)\n" in cell.source
            hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1]
            assert hidden.startswith("\nassert result.passed, result")
            if meta["grade_id"] not in KERNEL_ONLY:
                assert f'\nregrade("{meta["grade_id"]}")' in hidden
            text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            assert ": passed" in text, f"{meta['grade_id']}: the master's own solution does not pass"
    assert len(ids) == len(set(ids)), "grade_id must be unique within a notebook"
    assert solutions >= 1 and points >= 1


DERIVATION = {"01_forward_pass.ipynb", "02_output_delta.ipynb", "03_backward_recursion.ipynb",
              "04_weight_bias_gradients.ipynb"}


def test_links_to_the_derivation_notebooks_resolve_from_the_masters():
    """The masters link ../../0X_*.ipynb; `make student` makes that ../0X_*.ipynb for the student
    versions, one folder up (tests/check_exercise_notebooks.py checks the result is in sync)."""
    found = 0
    for path in MASTERS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for target in re.findall(r"\]\(([^)#]+\.ipynb)", cell.source):
                assert target.startswith("../../") and target[6:] in DERIVATION, target
                found += 1
    assert found >= len(MASTERS)


def test_the_instructor_guide_lists_every_catalogued_mistake_and_every_exercise():
    from backprop_lab.exercises import MISTAKES

    guide = (SOURCE.parent / "README.md").read_text(encoding="utf-8")
    for mistake in MISTAKES:
        assert f"| `{mistake}` |" in guide, f"README.md's catalogue lacks {mistake}"
    for name in NAMES:
        assert name.split("_")[0] in guide


def _call_of(cell_source):
    """check name, positional arguments and keyword arguments of `result = ex.check_...(...)`."""
    import ast

    line = next(l for l in cell_source.splitlines() if l.startswith("result = ex.check_"))
    call = ast.parse(line).body[0].value
    def arg(node):
        if isinstance(node, ast.Name):
            return ("name", node.id)
        if isinstance(node, ast.List):
            return [arg(e) for e in node.elts]
        return ast.literal_eval(node)
    return call.func.attr, [arg(a) for a in call.args], {k.arg: arg(k.value) for k in call.keywords}


def test_the_grader_checks_each_graded_cell_as_the_master_does():
    """grade.GRADED (what summative grading runs, never read from a submission) is each master's
    graded cell: the same check, the same student functions and literals, the same points."""
    from backprop_lab.exercises.grade import GRADED, Student, e4_problem

    def expect(a):
        if isinstance(a, Student):
            return ("name", a.name)
        if isinstance(a, list):
            return [expect(x) for x in a]
        return a

    seen = set()
    for path in MASTERS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade") or cell.cell_type != "code" or meta["grade_id"] in KERNEL_ONLY:
                continue  # a derivation on paper is graded by hand
            gid = meta["grade_id"]
            graded = GRADED[gid]
            seen.add(gid)
            check, args, kwargs = _call_of(cell.source)
            assert graded.check == check and graded.points == meta["points"], gid
            extra = [("name", n) for n in ("net", "x", "y")] if graded.problem else []
            assert [expect(a) for a in graded.args] + extra == args, gid
            assert {k: expect(v) for k, v in graded.kwargs.items()} == kwargs, gid
            if graded.problem:  # E4's network and batch: the same seeds as the notebook's cell
                assert "seed=4" in "".join(c.source for c in nb.cells) and e4_problem()[0].sizes == [3, 4, 3, 2]
    assert seen == set(GRADED)
