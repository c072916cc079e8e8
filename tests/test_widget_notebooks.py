"""After Run All, each live widget in notebooks 05-07 shows the state its creating cell asked for:
no later cell drives a widget that a cell displayed (those cells drive a second, undisplayed one)."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WIDGETS = ("DeltaStepper", "TrainingPanel", "VanishingGradientPanel")


def code_cells(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def driving(name):
    """A statement that changes the state of the widget ``name``."""
    n = re.escape(name)
    return re.compile(rf"\b{n}\.(next|previous|reset|select|train|update)\(|\b{n}\.(step|example)\s*=(?!=)"
                      rf"|\b{n}\.\w+\.value\s*=(?!=)|\b{n}\.\w+\.click\(|\b{n}\.play\.playing\s*=")


@pytest.mark.parametrize("notebook", ["05_delta_stepper.ipynb", "06_training.ipynb", "07_vanishing_gradients.ipynb"])
def test_no_cell_drives_a_widget_an_earlier_cell_displayed(notebook):
    cells = code_cells(NOTEBOOKS / notebook)
    displayed = []
    for i, src in enumerate(cells):
        lines = [ln for ln in src.strip().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        created = {m.group(1) for m in re.finditer(rf"^(\w+)\s*=\s*(?:{'|'.join(WIDGETS)})\(", src, re.M)}
        if lines and lines[-1].strip() in created:  # the cell creates the widget and shows it
            displayed.append((i, lines[-1].strip()))
    assert displayed, f"{notebook} displays no widget"
    for i, name in displayed:
        for k, later in enumerate(cells[i + 1:], start=i + 1):
            assert not driving(name).search(later), (
                f"{notebook}: code cell {k} drives {name!r}, which code cell {i} displays; after Run All "
                f"the live widget would not show what cell {i} asked for")
