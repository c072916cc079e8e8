"""Every section that the stepper, the exercise feedback and the mistake catalogue cite is a ``##``
heading of its notebook, spelled exactly as in :mod:`backprop_lab.references` (one heading parser,
used for all of them)."""

import re
from pathlib import Path

import nbformat
import pytest

from backprop_lab.mistakes import CATALOGUE
from backprop_lab.references import SECTIONS, section

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def headings(notebook):
    """The ``##`` (and deeper) headings of a notebook's markdown cells, stripped."""
    nb = nbformat.read(NOTEBOOK_DIR / notebook, as_version=4)
    return {h.strip() for cell in nb.cells if cell.cell_type == "markdown"
            for h in re.findall(r"^#{2,}\s+(.*?)\s*$", cell.source, re.M)}


@pytest.mark.parametrize("key", sorted(SECTIONS))
def test_every_section_is_a_heading_of_its_notebook(key):
    s = SECTIONS[key]
    assert (NOTEBOOK_DIR / s.notebook).is_file(), f"{key}: no notebook {s.notebook}"
    assert s.title is None or s.title in headings(s.notebook), f"{s.notebook} has no heading {s.title!r}"


@pytest.mark.parametrize("id", sorted(CATALOGUE))
def test_every_mistake_points_to_a_known_section_in_every_context(id):
    m = CATALOGUE[id]
    assert m.id == id and m.name and m.explanation
    for context in m.sections:
        assert m.section(context) in SECTIONS.values()


def test_an_unknown_key_names_the_valid_ones():
    with pytest.raises(KeyError, match="no section 'nope'; the sections are"):
        section("nope")
