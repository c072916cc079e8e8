"""Accessibility (WCAG 2.1 AA, issue 15) of what backprop-lab renders, checked in the browser.

1. axe-core (bundled by axe-playwright-python, nothing downloaded) scans every notebook's rendered
   Markdown and output areas (figures, widgets, feedback HTML) after Run All, with the WCAG 2.0/2.1
   A and AA rules. No serious or critical violation may remain there. JupyterLab's own chrome
   (toolbar, menus, cell prompts) is outside the scan: it is not what the package renders. The
   whole axe report of each notebook is saved to artifacts/browser/axe/<notebook>.json and a
   summary to artifacts/browser/axe_summary.json.
2. Keyboard: the DeltaStepper, TrainingPanel and VanishingGradientPanel are operated with Tab,
   Enter, Space and the arrow keys only: Tab reaches every control in reading order, and the keys
   change what the picture shows.
3. Math: MathJax's assistive MathML (what screen readers and braille displays read) is on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_notebooks import ALL, REPO, STEPPER
from conftest import ARTIFACTS, RESULTS
from test_browser_stepper import STATUS, button, picture_of, status_of, stepper_root

if not ALL:
    pytest.skip("no notebooks yet", allow_module_level=True)

AXE_CONTEXT = {"include": [[".jp-OutputArea-output"], [".jp-RenderedMarkdown"]]}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
BLOCKING = ("serious", "critical")

# Violations inside the scanned areas that come from a library's markup which the package cannot
# change from Python, each with the reason. Anything else serious or critical fails the test.
#   (rule id, regex the node's HTML must match, why it is excused)
UPSTREAM: list[tuple[str, str, str]] = [
    ("aria-input-field-name", r'^<div class="noUi-handle[ "][^>]*role="slider"',
     "ipywidgets 8.1's sliders (IntSlider, SelectionSlider) draw a noUiSlider handle "
     "(role=slider) without aria-label or aria-labelledby, and do not pass noUiSlider's "
     "handleAttributes option; no widget trait reaches the handle. The slider's visible "
     "description and its aria-valuetext are there, and every slider in the package's widgets has "
     "a keyboard alternative or is itself keyboard operable (arrow keys); fixed upstream only."),
]


def _excused(rule: str, node: dict) -> str | None:
    for rid, pattern, why in UPSTREAM:
        if rule == rid and re.search(pattern, node.get("html", "")):
            return why
    return None


def _slug(path: str) -> str:
    return path.removeprefix("notebooks/").removesuffix(".ipynb").replace("/", "-")


@pytest.fixture(scope="session", autouse=True)
def _fresh_axe_summary():
    """artifacts/browser/axe_summary.json holds this run's notebooks only (session scope: the
    tests are regrouped by notebook, so a module-scoped fixture would be set up again and again)."""
    (ARTIFACTS / "axe_summary.json").unlink(missing_ok=True)


@pytest.mark.parametrize("notebook", ALL)
def test_axe_no_serious_or_critical_violation_in_what_the_package_renders(lab, notebook):
    from axe_playwright_python.sync_playwright import Axe

    nb = lab.run_all(notebook)
    page = nb.page
    # every output is attached and has had its MathJax typeset pass
    page.wait_for_timeout(500)
    response = Axe().run(page, context=AXE_CONTEXT, options=AXE_OPTIONS).response
    out_dir = ARTIFACTS / "axe"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{_slug(notebook)}.json").write_text(json.dumps(response, indent=1) + "\n")

    blocking, excused, minor = [], [], []
    for v in response["violations"]:
        for node in v["nodes"]:
            impact = node.get("impact") or v.get("impact")
            entry = {"rule": v["id"], "impact": impact, "target": node.get("target"),
                     "html": node.get("html", "")[:200], "help": v["help"]}
            if impact not in BLOCKING:
                minor.append(entry)
            elif (why := _excused(v["id"], node)) is not None:
                excused.append(dict(entry, excused=why))
            else:
                blocking.append(entry)
    summary_file = ARTIFACTS / "axe_summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    summary[notebook] = {
        "axe_version": response.get("testEngine", {}).get("version"),
        "blocking": len(blocking), "excused_upstream": len(excused), "moderate_or_minor": len(minor),
        "by_rule": {f"{e['rule']} ({e['impact']})": sum(1 for f in blocking + excused + minor
                                                         if f["rule"] == e["rule"])
                    for e in blocking + excused + minor},
    }
    summary_file.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    RESULTS[f"axe {notebook}"] = (f"{len(blocking)} serious/critical, {len(excused)} excused upstream, "
                                  f"{len(minor)} moderate/minor")
    assert not blocking, (
        f"{notebook}: {len(blocking)} serious or critical WCAG violations in what the package renders "
        f"(report: {out_dir / (_slug(notebook) + '.json')}):\n"
        + "\n".join(f"  {e['rule']} ({e['impact']}): {e['target']} {e['html']}" for e in blocking))


# ---- keyboard ---------------------------------------------------------------------------------

# The name of the focused control, as a sighted keyboard user reads it next to the control.
_FOCUSED_JS = """
root => {
    const e = document.activeElement;
    if (!e || !root.contains(e)) return null;
    const widget = e.closest('.widget-inline-hbox, .widget-inline-vbox')
        || e.closest('.jupyter-widgets:not(.widget-box)') || e;
    const label = widget.querySelector(':scope > .widget-label, :scope > label');
    const text = s => (s || '').replace(/\\s+/g, ' ').trim();
    if (e.classList.contains('noUi-handle')) return 'slider ' + text(label && label.textContent);
    // a slider's value, editable as text (Enter sets it)
    if (e.classList.contains('widget-readout')) return 'readout ' + text(label && label.textContent);
    if (e.tagName === 'BUTTON') return text(e.innerText || e.getAttribute('aria-label') || e.title);
    if (e.tagName === 'SELECT') return (e.multiple ? 'list ' : 'dropdown ') + text(label && label.textContent);
    if (e.tagName === 'INPUT') return 'box ' + text(label && label.textContent);
    return e.tagName.toLowerCase() + ' ' + text(e.className);
}
"""


def tab_order(page, root, first, limit=40):
    """Focus ``first`` (a locator in ``root``), then press Tab until the focus leaves ``root``;
    return the names of the controls focused on the way."""
    first.focus()
    seen = [page.evaluate(_FOCUSED_JS, root.element_handle())]
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(_FOCUSED_JS, root.element_handle())
        if name is None:
            return seen
        seen.append(name)
    raise AssertionError(f"the focus never left the widget after {limit} Tabs: {seen}")


def widget_root(page, has_text):
    root = page.locator(".jp-NotebookPanel .jp-OutputArea-output").filter(
        has=page.locator(".widget-vbox")).filter(has_text=has_text).first
    root.scroll_into_view_if_needed()
    return root


def _wait_for_new_picture(page, root, before, timeout=30_000):
    page.wait_for_function(
        """([root, before]) => {
            const now = [...root.querySelectorAll('img')].map(i => i.src).join('|');
            return now && now !== before; }""",
        arg=[root.element_handle(), before], timeout=timeout)


@pytest.mark.parametrize("notebook", [STEPPER] if (REPO / STEPPER).exists() else [])
def test_keyboard_operates_the_delta_stepper(lab, notebook):
    nb = lab.run_all(notebook)
    page = nb.page
    root = stepper_root(page)
    if status_of(root)[0] != 0:
        button(root, "Reset").click()
        page.wait_for_function("r => /step 0\\//.test(r.innerText)", arg=root.element_handle())
    # at step 0 Previous is disabled (not focusable): the first control is Next
    order = tab_order(page, root, button(root, "Next"))
    expected_start = ["Next", "Reset", "Play", "Repeat", "slider step", "readout step",
                      "dropdown neuron in", "box neuron"]
    assert order[:len(expected_start)] == expected_start, f"Tab order in the stepper: {order}"
    rest = order[len(expected_start):]
    # then the mode buttons (when the batch has more than one example) and the example box
    assert all(r in ("one example", "batch mean", "box example") for r in rest), f"Tab order: {order}"

    # Enter and Space on the focused Next each advance one step and change the picture
    for key in ("Enter", "Space"):
        k, n, _ = status_of(root)
        before = picture_of(root)
        button(root, "Next").focus()
        page.keyboard.press(key)
        _wait_for_new_picture(page, root, before)
        page.wait_for_function("([r, k]) => !r.innerText.includes(`step ${k}/`)",
                               arg=[root.element_handle(), k])
        assert status_of(root)[0] == k + 1, f"{key} on Next: step {k} -> {status_of(root)[0]}"
    # Shift+Tab from Next reaches Previous (enabled now), and Enter on it goes back
    button(root, "Next").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(_FOCUSED_JS, root.element_handle()) == "Previous"
    k = status_of(root)[0]
    before = picture_of(root)
    page.keyboard.press("Enter")
    _wait_for_new_picture(page, root, before)
    page.wait_for_function("([r, k]) => !r.innerText.includes(`step ${k}/`)", arg=[root.element_handle(), k])
    assert status_of(root)[0] == k - 1
    # the slider's handle: the right arrow key moves one step on
    handle = root.locator(".widget-slider .noUi-handle").first
    k = status_of(root)[0]
    before = picture_of(root)
    handle.focus()
    page.keyboard.press("ArrowRight")
    _wait_for_new_picture(page, root, before)
    page.wait_for_function("([r, k]) => !r.innerText.includes(`step ${k}/`)", arg=[root.element_handle(), k])
    assert status_of(root)[0] == k + 1
    # the live region says the same step as the status line
    live = root.locator('[role="status"][aria-live="polite"]')
    assert live.count() == 1, "the stepper has no polite live region"
    # (its text is plain words, the status line's is typeset: compare the "step k/n" they start with)
    said = STATUS.search(live.text_content())
    assert said and said.start() == 0 and tuple(map(int, said.groups())) == status_of(root)[:2], (
        live.text_content(), status_of(root)[2])
    RESULTS["keyboard: DeltaStepper Tab order"] = " > ".join(order)


def _notebooks_with(cls: str) -> list[str]:
    return [p for p in ALL if cls in (REPO / p).read_text(encoding="utf-8")]


@pytest.mark.parametrize("notebook", _notebooks_with("TrainingPanel(")[:1])
def test_keyboard_operates_the_training_panel(lab, notebook):
    nb = lab.run_all(notebook)
    page = nb.page
    root = widget_root(page, re.compile(r"gradient check"))
    train = button(root, "Train")
    order = tab_order(page, root, root.locator(".noUi-handle").first)
    assert order == ["slider learning rate", "readout learning rate", "slider hidden width",
                     "readout hidden width", "dropdown activation", "slider epochs", "readout epochs",
                     "Train"], f"Tab order in the TrainingPanel: {order}"
    # change the hidden width with the arrow key, then Train with Enter: a new picture
    hidden = root.locator(".widget-slider", has_text="hidden width")
    readout = hidden.locator(".widget-readout")
    width = int(readout.text_content())
    hidden.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowLeft" if width > 1 else "ArrowRight")
    new_width = width - 1 if width > 1 else 2
    page.wait_for_function("([r, v]) => r.textContent.trim() === String(v)",
                           arg=[readout.element_handle(), new_width])
    before = picture_of(root)
    train.focus()
    page.keyboard.press("Enter")
    _wait_for_new_picture(page, root, before, timeout=60_000)
    img_alt = root.locator("img").first.get_attribute("alt")
    assert f"{new_width} hidden units" in img_alt, img_alt
    RESULTS["keyboard: TrainingPanel Tab order"] = " > ".join(order)


@pytest.mark.parametrize("notebook", _notebooks_with("VanishingGradientPanel(")[:1])
def test_keyboard_operates_the_vanishing_gradient_panel(lab, notebook):
    nb = lab.run_all(notebook)
    page = nb.page
    # found by its slider's label: its status line is typeset now (no plain "||delta^(1)||" in it)
    root = widget_root(page, "layers L")
    order = tab_order(page, root, root.locator("select").first)
    assert order == ["list activations", "dropdown init", "slider layers L", "readout layers L",
                     "slider width", "readout width"], (
        f"Tab order in the VanishingGradientPanel: {order}")
    depth = root.locator(".widget-slider", has_text="layers L")
    before_l = int(depth.locator(".widget-readout").text_content())
    before = picture_of(root)
    depth.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    _wait_for_new_picture(page, root, before, timeout=60_000)
    alt = root.locator("img").first.get_attribute("alt")
    assert f"layer l = 1 to {before_l + 1}" in alt, alt
    # a <select multiple> is operated with the arrow keys and Space: choose only the first option
    sel = root.locator("select[multiple]")
    before = picture_of(root)
    sel.focus()
    page.keyboard.press("Home")
    _wait_for_new_picture(page, root, before, timeout=60_000)
    chosen = sel.evaluate("s => [...s.selectedOptions].map(o => o.textContent)")
    alt = root.locator("img").first.get_attribute("alt")
    assert len(chosen) == 1 and f"{chosen[0]}:" in alt, (chosen, alt)
    RESULTS["keyboard: VanishingGradientPanel Tab order"] = " > ".join(order)


# ---- math -------------------------------------------------------------------------------------

_MATH_A11Y_JS = """
() => {
    const md = [...document.querySelectorAll('.jp-NotebookPanel .jp-RenderedMarkdown mjx-container')];
    const withMml = md.filter(c => c.querySelector('mjx-assistive-mml math'));
    const hidden = md.filter(c => {
        const a = c.querySelector('mjx-assistive-mml');
        return a && getComputedStyle(a).display === 'none';
    });
    return {containers: md.length, assistive: withMml.length, hidden: hidden.length};
}
"""


@pytest.mark.parametrize("notebook", [p for p in ALL if re.search(r"/0[23]_", p)][:1])
def test_mathjax_assistive_mathml_is_on(lab, notebook):
    """Every typeset formula carries MathJax's assistive MathML (read by screen readers and
    braille displays), and it is not display:none'd away."""
    nb = lab.open(notebook)
    got = nb.page.evaluate(_MATH_A11Y_JS)
    assert got["containers"] > 0, f"{notebook}: no typeset formula to check"
    assert got["assistive"] == got["containers"], (
        f"{notebook}: {got['containers'] - got['assistive']} of {got['containers']} formulas have no "
        "assistive MathML (MathJax menu > Accessibility > Assistive MathML is off?)")
    assert got["hidden"] == 0, f"{notebook}: assistive MathML hidden with display:none in {got['hidden']}"
    RESULTS["MathJax assistive MathML"] = f"{got['assistive']}/{got['containers']} formulas in {notebook}"


@pytest.mark.parametrize("notebook", [STEPPER] if (REPO / STEPPER).exists() else [])
def test_keyboard_play_and_pause_the_stepper(lab, notebook):
    """The named Play toggle (in place of ipywidgets.Play's icon-only buttons) drives the same
    timer: Enter on Play advances the steps by itself, Enter on Pause stops them."""
    nb = lab.run_all(notebook)
    page = nb.page
    root = stepper_root(page)

    def toggle(name):
        return root.locator("button.widget-toggle-button", has_text=re.compile(rf"^\s*{name}\s*$"))

    button(root, "Reset").click()
    page.wait_for_function("r => /step 0\\//.test(r.innerText)", arg=root.element_handle())
    toggle("Play").focus()
    page.keyboard.press("Enter")
    # two steps on their own (the interval is 1.5 s)
    page.wait_for_function("r => { const m = r.innerText.match(/step (\\d+)\\//); return m && +m[1] >= 2; }",
                           arg=root.element_handle(), timeout=15_000)
    pause = toggle("Pause")
    assert pause.count() == 1, "while playing, the toggle reads Pause"
    pause.focus()
    page.keyboard.press("Enter")
    toggle("Play").wait_for(timeout=5_000)
    k = status_of(root)[0]
    page.wait_for_timeout(2_500)  # longer than the interval: nothing moves any more
    assert status_of(root)[0] == k, f"the stepper went on after Pause: step {k} -> {status_of(root)[0]}"
