"""Which notebooks the browser tests open, and what their Markdown should typeset to."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NB_DIR = REPO / "notebooks"


def _rel(p: Path) -> str:
    return p.relative_to(REPO).as_posix()


def _is_student_version(path: Path) -> bool:
    """An nbgrader student version: it has solution cells but no solution markers left."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    has_solution_cell = any(c.get("metadata", {}).get("nbgrader", {}).get("solution") for c in cells)
    has_markers = any("BEGIN SOLUTION" in "".join(c["source"]) for c in cells)
    return has_solution_cell and not has_markers


def _all() -> list[Path]:
    return sorted(p for p in NB_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


# notebooks/*.ipynb: the course, 00_index first
MAIN = [_rel(p) for p in _all() if p.parent == NB_DIR]
# notebooks/exercises/**: the masters (with solutions) and the student versions
EXERCISES = [_rel(p) for p in _all() if p.parent != NB_DIR]
STUDENT = [p for p in EXERCISES if _is_student_version(REPO / p)]
ALL = MAIN + EXERCISES
# notebooks 01-04 derive the equations: the issue asks for every formula there to be typeset
DERIVATION = [p for p in MAIN if re.match(r"notebooks/0[1-4]_", p)]
INDEX = "notebooks/00_index.ipynb"
STEPPER = "notebooks/05_delta_stepper.ipynb"


_FENCED = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.S | re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
# what JupyterLab hands to MathJax: $$...$$, \[...\], \(...\), \begin{env}...\end{env}, $...$
_MATH = re.compile(
    r"\$\$.+?\$\$"
    r"|\\\[.+?\\\]"
    r"|\\\(.+?\\\)"
    r"|\\begin\{([A-Za-z]+\*?)\}.+?\\end\{\1\}"
    r"|\$[^$]+?\$",
    re.S,
)


def math_in_markdown(source: str) -> list[str]:
    """The formulas in a Markdown cell's source (code spans and fenced code left out)."""
    text = _FENCED.sub("", source)
    text = _CODE_SPAN.sub("", text)
    text = text.replace(r"\$", "")
    return [m.group(0) for m in _MATH.finditer(text)]
