"""Readable at a glance (issue 16's browser checks), at the 1400x1000 window of its review.

1. After Run All, each live widget shows the state that its creating cell asked for (the
   constructor's arguments, or the class's defaults), not one that a later cell drove it to.
   This runs before any other test of the same notebook touches a widget (marker
   ``after_run_all``).
2. The DeltaStepper's picture fills at least three quarters of its output's width, and is not
   upscaled to do it (naturalWidth >= displayed width).
3. No typeset equation runs past the edge of its output (or Markdown cell) unless a scroll box
   right around it holds it: in every notebook's Markdown and outputs after Run All, and in every
   DeltaStepper's live equation at every step.
"""

from __future__ import annotations

import ast
import inspect
import re

import pytest
from browser_notebooks import ALL, REPO, STEPPER
from conftest import RESULTS
from test_browser_stepper import STATUS, button, status_of

if not ALL:
    pytest.skip("no notebooks yet", allow_module_level=True)

WIDGETS = ("DeltaStepper", "TrainingPanel", "VanishingGradientPanel")
MIN_FILL = 0.75


def _notebooks_creating_widgets():
    return [p for p in ALL if re.search(rf"\b({'|'.join(WIDGETS)})\(", (REPO / p).read_text(encoding="utf-8"))]


# ---- 1. the state the creating cell asked for -------------------------------------------------

def _asked_for(source: str):
    """(class name, {parameter: literal value}) of the widget a cell creates and shows, or None.

    The widget shown is the cell's last expression: a constructor call, or a name assigned from
    one in the same cell. Parameters the cell leaves out take the class's defaults; parameters
    given as non-literal expressions are left out (they cannot be read from the source).
    """
    tree = ast.parse(source)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    last = tree.body[-1].value
    call = None
    if isinstance(last, ast.Call):
        call = last
    elif isinstance(last, ast.Name):
        for node in tree.body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and any(isinstance(t, ast.Name) and t.id == last.id for t in node.targets)):
                call = node.value
    if call is None:
        return None
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    if name not in WIDGETS:
        return None
    import backprop_lab.widgets as w

    sig = inspect.signature(getattr(w, name))
    params = {k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}
    bound = sig.bind_partial(*[object()] * len(call.args))  # positional: not literals we check
    for k in bound.arguments:
        params.pop(k, None)
    for kw in call.keywords:
        try:
            params[kw.arg] = ast.literal_eval(kw.value)
        except ValueError:
            params.pop(kw.arg, None)
    return name, params


_CONTROLS_JS = """
root => {
    const text = s => (s || '').replace(/\\s+/g, ' ').trim();
    const out = {};
    for (const box of root.querySelectorAll('.widget-inline-hbox, .widget-inline-vbox')) {
        const label = box.querySelector(':scope > .widget-label, :scope > label');
        if (!label || !text(label.textContent)) continue;
        const key = text(label.textContent);
        const readout = box.querySelector('.widget-readout');
        const select = box.querySelector('select');
        const input = box.querySelector('input');
        if (readout) out[key] = text(readout.textContent);
        else if (select && select.multiple) out[key] = [...select.selectedOptions].map(o => text(o.textContent));
        else if (select) out[key] = text(select.selectedOptions[0] && select.selectedOptions[0].textContent);
        else if (input) out[key] = input.value;
    }
    const status = [...root.querySelectorAll('.widget-htmlmath')].map(e => text(e.textContent))
        .find(t => /^step \\d+\\/\\d+/.test(t));
    if (status) out.status = status;
    return out;
}
"""


def _expected_controls(name: str, params: dict) -> dict:
    """What the controls should read for these constructor arguments (keys as _CONTROLS_JS)."""
    from backprop_lab.formatting import sig
    from backprop_lab.widgets import VanishingGradientPanel

    exp = {}
    if name == "DeltaStepper":
        exp["status"] = re.compile(r"^step 0/\d+")
        if isinstance(params.get("example"), int):
            exp["example"] = str(params["example"])
    elif name == "TrainingPanel":
        for key, label, fmt in (("lr", "learning rate", sig), ("hidden", "hidden width", str),
                                ("activation", "activation", str), ("epochs", "epochs", str)):
            if key in params:
                exp[label] = fmt(params[key])
    elif name == "VanishingGradientPanel":
        if "activations" in params:
            exp["activations"] = list(params["activations"])
        if "init" in params:
            exp["init"] = next(lab for lab, v in VanishingGradientPanel.INITS if v == params["init"])
        if "depth" in params:
            exp["layers L"] = str(params["depth"])
        if "width" in params:
            exp["width"] = str(params["width"])
    return exp


@pytest.mark.after_run_all
@pytest.mark.parametrize("notebook", _notebooks_creating_widgets())
def test_widgets_show_the_state_their_cell_asked_for(lab, notebook):
    nb = lab.run_all(notebook)
    cells = nb.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
    checked, wrong = [], []
    for i, (kind, source) in enumerate(nb.cells):
        if kind != "code":
            continue
        try:
            asked = _asked_for(source)
        except SyntaxError:  # IPython magics
            continue
        if asked is None:
            continue
        root = cells.nth(i).locator(".jp-OutputArea-output").filter(has=nb.page.locator(".widget-vbox")).first
        if root.count() == 0:
            continue  # created but not shown live here
        root.scroll_into_view_if_needed()
        name, params = asked
        shown = root.evaluate(_CONTROLS_JS)
        for key, want in _expected_controls(name, params).items():
            got = shown.get(key)
            ok = bool(want.search(got or "")) if isinstance(want, re.Pattern) else got == want
            checked.append(f"cell {i} {name} {key}")
            if not ok:
                want_text = want.pattern if isinstance(want, re.Pattern) else want
                wrong.append(f"cell {i}: {name}'s {key!r} shows {got!r}, its cell asked for {want_text!r}")
    assert checked, f"{notebook}: no live widget found to check"
    RESULTS[f"widget state after Run All, {notebook}"] = f"{len(checked)} controls checked"
    assert not wrong, f"{notebook}: after Run All, widgets show another state than their cell asked for:\n" + \
        "\n".join(wrong)


# ---- 2. the stepper's picture: wide enough, not upscaled ---------------------------------------

_PICTURE_SIZE_JS = """
root => {
    const img = root.querySelector('.widget-output img');
    const area = root.getBoundingClientRect();
    if (!img) return null;
    const r = img.getBoundingClientRect();
    return {shown: r.width, natural: img.naturalWidth, output: area.width, dpr: window.devicePixelRatio};
}
"""


@pytest.mark.parametrize("notebook", [STEPPER] if (REPO / STEPPER).exists() else [])
def test_stepper_picture_fills_its_output_without_upscaling(lab, notebook):
    nb = lab.run_all(notebook)
    roots = nb.page.locator(".jp-NotebookPanel .jp-OutputArea-output").filter(
        has=button(nb.page, "Next")).filter(has_text=STATUS)
    assert roots.count() > 0, "no DeltaStepper on show"
    sizes = []
    for i in range(roots.count()):
        root = roots.nth(i)
        root.scroll_into_view_if_needed()
        nb.page.wait_for_function("r => { const i = r.querySelector('.widget-output img'); "
                                  "return i && i.complete && i.naturalWidth > 0; }", arg=root.element_handle())
        s = root.evaluate(_PICTURE_SIZE_JS)
        sizes.append(s)
        assert s["shown"] >= MIN_FILL * s["output"], (
            f"stepper {i + 1}: its picture is {s['shown']:.0f} px wide in an output {s['output']:.0f} px wide "
            f"({s['shown'] / s['output']:.0%}; at least {MIN_FILL:.0%} wanted)")
        assert s["natural"] >= s["shown"] * s["dpr"] - 0.5, (
            f"stepper {i + 1}: its picture is upscaled: {s['natural']} px drawn, shown {s['shown']:.0f} CSS px")
    RESULTS["stepper picture width"] = "; ".join(
        f"{s['shown']:.0f}/{s['output']:.0f} px ({s['shown'] / s['output']:.0%}), natural {s['natural']} px"
        for s in sizes)


# ---- 3. equations inside their output ----------------------------------------------------------

# Every typeset formula in the Markdown and outputs: its drawn extent (mjx-math, which a display
# formula's block container may be narrower than) against its area's edges. It is held if the
# nearest element around it that clips or scrolls (the container included) scrolls horizontally,
# lies inside the area, and holds no controls, pictures or widget boxes.
_OVERFLOW_JS = """
([scope, slack]) => {
    const areas = scope.matches('.jp-OutputArea-output, .jp-RenderedMarkdown') ? [scope]
        : [...scope.querySelectorAll('.jp-OutputArea-output, .jp-RenderedMarkdown')];
    const bad = [];
    let n = 0;
    for (const area of areas) {
        const a = area.getBoundingClientRect();
        for (const c of area.querySelectorAll('mjx-container')) {
            const m = c.querySelector('mjx-math') || c;
            const r = m.getBoundingClientRect();
            if (r.width === 0) continue;
            n++;
            if (r.right <= a.right + slack && r.left >= a.left - slack) continue;
            // the nearest ancestor that does not let it overflow visibly: a scroll box "right
            // around" the formula scrolls, lies inside the area and holds only text and maths
            // (a whole widget that scrolls sideways, controls and picture included, does not count)
            let held = false;
            for (let e = m.parentElement; e && e !== area; e = e.parentElement) {
                const ox = getComputedStyle(e).overflowX;
                if (ox === 'visible') continue;
                const b = e.getBoundingClientRect();
                held = (ox === 'auto' || ox === 'scroll') && b.right <= a.right + slack && b.left >= a.left - slack
                    && !e.querySelector('button, input, select, img, .widget-box, .noUi-handle');
                break;
            }
            if (!held) bad.push({past: Math.round(Math.max(r.right - a.right, a.left - r.left)),
                                 text: (c.querySelector('mjx-assistive-mml') || c).textContent.slice(0, 80)});
        }
    }
    return {n, bad};
}
"""
SLACK = 1  # px: sub-pixel rounding


def _overflowing(page, scope):
    return page.evaluate(_OVERFLOW_JS, [scope.element_handle(), SLACK])


@pytest.mark.parametrize("notebook", ALL)
def test_no_equation_runs_past_its_output(lab, notebook):
    nb = lab.run_all(notebook)
    got = _overflowing(nb.page, nb.page.locator(".jp-NotebookPanel .jp-Notebook"))
    RESULTS[f"equations measured, {notebook}"] = f"{got['n']}, {len(got['bad'])} past the edge"
    assert not got["bad"], f"{notebook}: equations cut off at the output's edge:\n" + "\n".join(
        f"  {b['past']} px past: {b['text']}" for b in got["bad"])


@pytest.mark.parametrize("notebook", [STEPPER] if (REPO / STEPPER).exists() else [])
def test_stepper_equations_stay_inside_at_every_step(lab, notebook):
    nb = lab.run_all(notebook)
    page = nb.page
    roots = page.locator(".jp-NotebookPanel .jp-OutputArea-output").filter(
        has=button(page, "Next")).filter(has_text=STATUS)
    bad, measured = [], 0
    for i in range(roots.count()):
        root = roots.nth(i)
        root.scroll_into_view_if_needed()
        if status_of(root)[0] != 0:
            button(root, "Reset").click()
            page.wait_for_function("r => /step 0\\//.test(r.innerText)", arg=root.element_handle())
        while True:
            k, n, _ = status_of(root)
            # the equation is typeset after the step's message: wait for MathJax to have run
            page.wait_for_function(
                "r => { const h = r.querySelector('.widget-htmlmath-content'); "
                "return h && h.querySelector('mjx-container') && !/\\\\\\(|\\$\\$/.test(h.textContent); }",
                arg=root.element_handle(), timeout=15_000)
            page.wait_for_timeout(100)
            got = _overflowing(page, root)
            measured += got["n"]
            bad += [f"stepper {i + 1}, step {k}/{n}: {b['past']} px past: {b['text']}" for b in got["bad"]]
            if k == n:
                break
            button(root, "Next").click()
            page.wait_for_function("([r, k]) => !r.innerText.includes(`step ${k}/`)",
                                   arg=[root.element_handle(), k])
    RESULTS["stepper equations measured"] = f"{measured} over every step, {len(bad)} past the edge"
    assert not bad, "stepper equations cut off at the output's edge:\n" + "\n".join(bad)
