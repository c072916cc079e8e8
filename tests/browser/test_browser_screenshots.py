"""Screenshots after Run All, for people to look at: one per notebook
(artifacts/browser/notebooks/<path>.png, at its first widget or figure), and the index, a
derivation notebook and the stepper (artifacts/browser/*.png). None is committed; CI keeps
artifacts/browser/ as a build artifact. `make screenshots` copies stepper.png and index.png to
docs/images/ for the README.

Each test also checks what the picture is meant to show, so a screenshot of an error page or of
an empty widget cannot pass silently.
"""

from __future__ import annotations

import re

import pytest
from browser_notebooks import ALL, DERIVATION, INDEX, REPO, STEPPER
from conftest import ARTIFACTS
from test_browser_stepper import STATUS, press, status_of, stepper_root


def _hide_left_sidebar(page):
    """More room for the notebook: collapse the file browser if it is open."""
    if page.locator("#jp-left-stack").is_visible():
        # clicking the open side-bar tab (the file browser's) collapses it
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
        page.locator("#jp-left-stack").wait_for(state="hidden")


def _shot(page, name, element=None):
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # let scrolling and MathJax settle
    (element or page).screenshot(path=str(path))
    assert path.stat().st_size > 10_000, f"{path} is suspiciously small"
    return path


@pytest.mark.parametrize("notebook", [INDEX] if (REPO / INDEX).exists() else [])
def test_screenshot_index(lab, notebook):
    nb = lab.run_all(notebook)
    _hide_left_sidebar(nb.page)
    first = nb.page.locator(".jp-NotebookPanel .jp-Cell").first
    first.scroll_into_view_if_needed()
    assert first.locator("h1").count() == 1, "the index should open on its title"
    _shot(nb.page, "index")


# the derivation notebook shown: the backward recursion if it has landed, else the first one there is
_DERIVATION_SHOT = [p for p in DERIVATION if "03_" in p][:1] or DERIVATION[:1]


@pytest.mark.parametrize("notebook", _DERIVATION_SHOT)
def test_screenshot_derivation(lab, notebook):
    nb = lab.run_all(notebook)
    page = nb.page
    _hide_left_sidebar(page)
    # start at the first Markdown cell with a display formula
    display = [i for i, (kind, src) in enumerate(nb.cells) if kind == "markdown" and "$$" in src]
    assert display, f"{notebook} has no display formula to show"
    cell = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(display[0])
    cell.evaluate("c => c.scrollIntoView({block: 'start'})")
    assert cell.locator("mjx-container").count() > 0
    _shot(page, "derivation")


@pytest.mark.parametrize("notebook", [STEPPER] if (REPO / STEPPER).exists() else [])
def test_screenshot_stepper(lab, notebook):
    """The stepper in the backward pass, at a hidden layer's delta (the recursion at work)."""
    nb = lab.run_all(notebook)
    page = nb.page
    _hide_left_sidebar(page)
    root = stepper_root(page)
    hidden_delta = re.compile(r"step \d+/\d+: the recursion, layer \d+")
    k, n, label = status_of(root)
    for _ in range(n + 1):
        if hidden_delta.search(label):
            break
        (k, n, label), _, _ = press(page, root, "Next" if k < n else "Reset")
    assert hidden_delta.search(label), f"never reached a hidden layer's delta; last status {label!r}"
    root.evaluate("r => r.scrollIntoView({block: 'start'})")
    _shot(page, "stepper_page")
    # the widget (about 900 px tall) whole, clear of JupyterLab's status bar: a taller window
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], 1300)})
    root.evaluate("r => r.scrollIntoView({block: 'start'})")
    _shot(page, "stepper", element=root)
    page.set_viewport_size(size)
    assert STATUS.search(root.inner_text())


@pytest.mark.parametrize("notebook", ALL)
def test_screenshot_notebook(lab, notebook):
    """One screenshot per notebook: the window at its first widget or figure (else its top)."""
    nb = lab.run_all(notebook)
    page = nb.page
    _hide_left_sidebar(page)
    outputs = page.locator(".jp-NotebookPanel .jp-OutputArea-output").filter(
        has=page.locator(".widget-vbox, img"))
    target = outputs.first if outputs.count() else page.locator(".jp-NotebookPanel .jp-Cell").first
    # twice: pictures and formulas above may still change height after the first scroll
    for _ in range(2):
        target.evaluate("o => o.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
    name = notebook.removeprefix("notebooks/").removesuffix(".ipynb").replace("/", "-")
    _shot(page, f"notebooks/{name}")
