"""Hygiene of every notebook under notebooks/ (including ones added later by anyone).

For each notebooks/**/*.ipynb:
- it is valid nbformat and names the python3 kernel (so JupyterLab never asks which kernel);
- unless it is a student version (notebook metadata {"backprop_lab": {"unexecuted": true}}):
  every non-empty code cell has been executed (execution_count set) and no error output is stored;
- every relative link in a Markdown cell to a .ipynb or .md file points to a file that exists,
  and a #anchor on a link to a notebook names a heading (or an <a id=...>) in that notebook.

Strict nbval (make test-notebooks) then checks that the stored outputs are reproduced.
"""

import html
import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(p for p in NOTEBOOK_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]


def read(path):
    return nbformat.read(path, as_version=4)


def is_student_version(nb):
    return bool(nb.metadata.get("backprop_lab", {}).get("unexecuted", False))


# --- links ----------------------------------------------------------------------------------------

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
# a link destination may hold balanced parentheses, as in #Common-mistake:-g(z)-instead-of-g'(z)
_MD_LINK = re.compile(r"\[[^\]]*\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_LINK = re.compile(r"""<a\s[^>]*href\s*=\s*["']([^"']+)["']""", re.I)
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_HTML_ANCHOR = re.compile(r"""<a\s[^>]*(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)


def markdown_links(source):
    """Every link target in a Markdown text, code blocks and code spans left out."""
    text = _CODE_SPAN.sub("", _FENCE.sub("", source))
    html_links = [html.unescape(t) for t in _HTML_LINK.findall(text)]
    return _MD_LINK.findall(text) + html_links + _REF_DEF.findall(text)


def local_file_target(target):
    """(path, anchor) for a relative link to a .ipynb or .md file, else None."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return None  # http:, https:, mailto:, in-page anchors, absolute paths
    path, _, anchor = target.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path.endswith((".ipynb", ".md")):
        return None
    return path, unquote(anchor)


def _slug_forms(heading):
    """The anchors a heading gets: JupyterLab's (spaces -> '-') and GitHub's style."""
    plain = re.sub(r"<[^>]+>", "", heading).strip()
    lab = plain.replace(" ", "-")
    github = re.sub(r"[^\w\- ]", "", plain.lower()).replace(" ", "-")
    return {lab, github}


def notebook_anchors(nb):
    anchors = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for heading in _HEADING.findall(cell.source):
                anchors |= _slug_forms(heading)
            anchors |= set(_HTML_ANCHOR.findall(cell.source))
    return anchors


def test_link_parser_on_examples():
    # a self-check of the parser, so that a link test that finds nothing cannot pass by accident
    src = ("See [03](03_backward_recursion.ipynb#Common-mistake:-the-missing-transpose), "
           "[web](https://example.org/x.ipynb), [here](#top), `[code](not_a_link.ipynb)`, "
           "<a href='exercises/README.md'>ex</a> and [sp](my%20file.md), "
           "[02](02_output_delta.ipynb#Common-mistake:-g(z)-instead-of-g'(z)).\n"
           "```\n[fenced](nope.md)\n```\n[ref]: ../README.md\n")
    targets = [local_file_target(t) for t in markdown_links(src)]
    assert [t for t in targets if t] == [
        ("03_backward_recursion.ipynb", "Common-mistake:-the-missing-transpose"),
        ("my file.md", ""), ("02_output_delta.ipynb", "Common-mistake:-g(z)-instead-of-g'(z)"),
        ("exercises/README.md", ""), ("../README.md", "")]
    assert "Common-mistake:-the-missing-transpose" in _slug_forms("Common mistake: the missing transpose")


# --- the checks, per notebook -------------------------------------------------------------------

if not NOTEBOOKS:
    pytest.skip("no notebooks under notebooks/", allow_module_level=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_valid_nbformat_and_python3_kernel(path):
    nb = read(path)
    nbformat.validate(nb)
    spec = nb.metadata.get("kernelspec", {})
    # "Python 3 (ipykernel)" is what JupyterLab writes: any other display name is rewritten when
    # the notebook opens, which marks it modified and asks a student who only read it to save.
    assert spec == {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}, (
        f"{path.name}: kernelspec must be {{'name': 'python3', 'display_name': 'Python 3 (ipykernel)', "
        f"'language': 'python'}}, got {spec!r}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_executed_without_errors(path):
    nb = read(path)
    if is_student_version(nb):
        pytest.skip("student version (metadata backprop_lab.unexecuted): stored without outputs")
    code = [(k, c) for k, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    not_run = [k for k, c in code if c.get("execution_count") is None]
    assert not not_run, f"{path.name}: code cells {not_run} (0-based over all cells) were never executed"
    errors = [(k, o.get("ename"), o.get("evalue")) for k, c in code for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: stored error outputs (cell, exception, message): {errors}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_relative_links_resolve(path):
    nb = read(path)
    broken = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for target in markdown_links(cell.source):
            local = local_file_target(target)
            if local is None:
                continue
            rel, anchor = local
            dest = (path.parent / rel).resolve()
            if not dest.is_file():
                broken.append(f"cell {k}: {target} (no file {dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest})")
            elif anchor and dest.suffix == ".ipynb" and anchor not in notebook_anchors(read(dest)):
                broken.append(f"cell {k}: {target} (no heading with anchor #{anchor} in {rel})")
    assert not broken, f"{path.name} has broken links:\n" + "\n".join(broken)


# --- sections that exercises and other notebooks point students to ---------------------------------
# Exercise feedback says e.g. "revisit notebook 03, section 'Common mistake: the missing transpose'" and
# links to the anchors JupyterLab makes from these titles, so they must stay exactly as written.
REQUIRED_SECTIONS = {
    "02_output_delta.ipynb": [
        "Step 1: the chain rule at the output layer", "Step 2: an elementwise g collapses the sum",
        "Softmax: when the sum does not collapse", "Why g' cancels: delta = a - y",
        "Common mistake: g(z) instead of g'(z)"],
    "03_backward_recursion.ipynb": [
        "Step 1: how z^(l+1) depends on a^(l)", "Step 2: the recursion in index form",
        "The exercise's W^T notation", "Three ways to write the recursion",
        "Notation translator: Nielsen and column vectors", "Common mistake: the missing transpose",
        "Common mistake: g' evaluated at a instead of z"],
    "04_weight_bias_gradients.ipynb": [
        "Step 1: dc/dW for one example", "Step 2: dc/db for one example",
        "From one example to the dataset: the 1/|D|", "Common mistake: forgetting the 1/|D|",
        "The whole algorithm", "Gradient check on every activation"],
}


@pytest.mark.parametrize("name", sorted(REQUIRED_SECTIONS))
def test_required_section_headings_exist(name):
    path = NOTEBOOK_DIR / name
    assert path.is_file(), f"{name} is missing"
    headings = {h.strip() for cell in read(path).cells if cell.cell_type == "markdown"
                for h in re.findall(r"^##\s+(.*?)\s*$", cell.source, re.M)}
    missing = [h for h in REQUIRED_SECTIONS[name] if h not in headings]
    assert not missing, f"{name} lacks the ## sections {missing}"
