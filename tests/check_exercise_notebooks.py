"""The student versions of the exercises: in sync with their masters, and runnable.

Run by `make test-exercises` (part of `make test`), not by `pytest tests`: the sync test
regenerates the student versions with nbgrader, which lives in its own environment,
.venv-instructor (`make student` creates it; nbgrader must stay out of the students' .venv).
The file name does not start with test_ so that a plain `pytest tests` does not collect it.

1. Every committed student version is exactly what `make student` makes from its master today
   (cell sources, cell metadata, cell ids, notebook metadata). Otherwise: run `make student`.
2. Every student version runs top to bottom in a fresh kernel without a traceback, and every
   graded check in it says "not implemented yet".
"""

import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "notebooks" / "exercises"
MASTERS = sorted((EXERCISES / "source").glob("*.ipynb"))
STUDENT_NAMES = ["E1_output_delta.ipynb", "E2_hidden_delta.ipynb", "E3_weight_bias_gradients.ipynb",
                 "E4_full_backward.ipynb", "E5_spot_the_mistake.ipynb", "E6_derivation_self_check.ipynb",
                 "E7_input_gradient.ipynb", "E8_weight_decay.ipynb", "E9_swish.ipynb", "E10_logcosh.ipynb",
                 "E11_tied_weights.ipynb"]


def test_every_master_has_its_student_version_and_nothing_else():
    assert [m.name for m in MASTERS] == sorted(STUDENT_NAMES)
    assert sorted(p.name for p in EXERCISES.glob("*.ipynb")) == sorted(STUDENT_NAMES)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The student versions made afresh from the masters by `make student` (nbgrader)."""
    out = tmp_path_factory.mktemp("student")
    make = os.environ.get("MAKE", "make")
    proc = subprocess.run([make, "--no-print-directory", "student", f"STUDENT_DIR={out}"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, f"make student failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def _cells(nb):
    return [(c.get("id"), c.cell_type, c.source, c.metadata) for c in nb.cells]


@pytest.mark.parametrize("name", STUDENT_NAMES)
def test_committed_student_version_is_in_sync_with_its_master(regenerated, name):
    fresh = nbformat.read(regenerated / name, as_version=4)
    committed = nbformat.read(EXERCISES / name, as_version=4)
    assert committed.metadata == fresh.metadata, f"{name}: notebook metadata differs; run `make student`"
    for i, (a, b) in enumerate(zip(_cells(committed), _cells(fresh))):
        assert a == b, (f"{name}: cell {i} differs from what `make student` makes from "
                        f"notebooks/exercises/source/{name}; run `make student` and commit the result")
    assert len(committed.cells) == len(fresh.cells), f"{name}: number of cells differs; run `make student`"


@pytest.mark.parametrize("name", STUDENT_NAMES)
def test_student_version_holds_no_solution_and_no_output(name):
    nb = nbformat.read(EXERCISES / name, as_version=4)
    assert nb.metadata["backprop_lab"] == {"unexecuted": True}
    assert nb.metadata["kernelspec"]["name"] == "python3"
    solutions = 0
    for cell in nb.cells:
        assert "BEGIN SOLUTION" not in cell.source and "HIDDEN TESTS" not in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            if cell.metadata.get("nbgrader", {}).get("solution"):
                solutions += 1
                assert "raise NotImplementedError()" in cell.source
    assert solutions >= 1


@pytest.mark.parametrize("name", STUDENT_NAMES)
def test_student_version_runs_top_to_bottom_and_says_not_implemented_yet(name):
    nb = nbformat.read(EXERCISES / name, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(EXERCISES)}})
    client.execute()
    errors, graded = [], 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        text = ""
        for out in cell.outputs:
            if out.output_type == "error":
                errors.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream":
                if "Traceback" in out.text:
                    errors.append(f"cell {i}: a traceback on {out.name}")
                text += out.text
            else:
                text += out.get("data", {}).get("text/plain", "")
        if cell.metadata.get("nbgrader", {}).get("grade"):
            graded += 1
            assert "not implemented yet" in text, f"{name} cell {i}: the check does not say " \
                                                  f"'not implemented yet':\n{text}"
    assert not errors, f"{name}: " + "; ".join(errors)
    assert graded >= 1
