"""The DeltaStepper in a real JupyterLab: Run All, then press its buttons as a student does.

Next advances the status line ("step k/N: ...", typeset) and changes the picture (the PNG in the
widget's Output) after every click; Previous goes back to the same step and the same picture.
The click-to-picture latency (from the click event until the new <img> is in the DOM) is
measured and reported (artifacts/browser/stepper_latency.json and the terminal summary), never
asserted: speed is for benchmarks, not for tests.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest
from browser_notebooks import REPO, STEPPER
from conftest import ARTIFACTS, RESULTS

if not (REPO / STEPPER).exists():
    pytest.skip(f"{STEPPER} has not landed yet", allow_module_level=True)

CLICKS = 6  # Next presses measured (fewer if the stepper has fewer steps)
STATUS = re.compile(r"step (\d+)/(\d+)")
STATUS_SELECTOR = ".widget-htmlmath"  # the stepper's status line (typeset: it holds a formula)

# Installed in the page before a click: records when the button's click event fires and when
# the widget shows a different, non-empty picture (all <img> src in the widget, joined).
_ARM_JS = """
([root, button]) => {
    const pics = () => [...root.querySelectorAll('img')].map(i => i.src).join('|');
    const w = window.__stepper = {before: pics(), t_click: null, t_picture: null, picture: null};
    button.addEventListener('click', () => { w.t_click = performance.now(); },
                            {once: true, capture: true});
    const obs = new MutationObserver(() => {
        const now = pics();
        if (w.t_click !== null && now && now !== w.before) {
            w.t_picture = performance.now(); w.picture = now; obs.disconnect();
        }
    });
    obs.observe(root, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}
"""


def button(where, name):
    """The widget button labelled exactly ``name`` (its icon's glyph is part of the accessible
    name, so get_by_role(name=...) does not match it exactly)."""
    return where.locator("button.widget-button", has_text=re.compile(rf"^\s*{name}\s*$"))


def stepper_root(page):
    """The output area holding the first DeltaStepper: it has a "Next" button and a step label."""
    root = page.locator(".jp-NotebookPanel .jp-OutputArea-output").filter(
        has=button(page, "Next")).filter(has_text=STATUS).first
    root.scroll_into_view_if_needed()
    return root


def status_of(root):
    """(k, n, text) of the status line, an HTMLMath widget: "step k/n: ..." starts as plain text,
    its formula is typeset by MathJax."""
    label = root.locator(STATUS_SELECTOR, has_text=STATUS).first.text_content()
    k, n = map(int, STATUS.search(label).groups())
    return k, n, label


def picture_of(root):
    return "|".join(img.get_attribute("src") or "" for img in root.locator("img").all())


def press(page, root, name):
    """Click the button ``name``; return (new status, new picture, click-to-picture ms)."""
    btn = button(root, name)
    k_before = status_of(root)[0]
    page.evaluate(_ARM_JS, [root.element_handle(), btn.element_handle()])
    btn.click()
    page.wait_for_function("() => window.__stepper.t_picture !== null", timeout=15_000)
    w = page.evaluate("() => window.__stepper")
    # the label is another widget's message; wait for it too
    page.wait_for_function(
        """([root, k]) => {
            const label = [...root.querySelectorAll('.widget-htmlmath')]
                .find(e => /step \\d+\\/\\d+/.test(e.textContent));
            return label && !label.textContent.startsWith(`step ${k}/`);
        }""",
        arg=[root.element_handle(), k_before], timeout=15_000)
    return status_of(root), w["picture"], w["t_picture"] - w["t_click"]


@pytest.mark.parametrize("notebook", [STEPPER])
def test_stepper_next_and_previous_change_the_picture(lab, notebook):
    nb = lab.run_all(notebook)
    page = nb.page
    root = stepper_root(page)
    if status_of(root)[0] != 0:
        (k, n, _), _, _ = press(page, root, "Reset")
        assert k == 0, "Reset did not go back to step 0"
    k, n, label = status_of(root)
    assert n >= 3, f"a stepper with {n} steps is too short to test: {label!r}"
    pictures = {0: picture_of(root)}
    assert pictures[0], "the stepper shows no picture before any click"
    latencies = []
    for _ in range(min(CLICKS, n)):
        (k_new, _, label), pic, ms = press(page, root, "Next")
        assert k_new == k + 1, f"Next went from step {k} to {k_new} ({label!r})"
        assert pic != pictures[k], f"the picture did not change from step {k} to {k_new}"
        k, pictures[k_new] = k_new, pic
        latencies.append(ms)
    for _ in range(2):
        (k_new, _, label), pic, _ = press(page, root, "Previous")
        assert k_new == k - 1, f"Previous went from step {k} to {k_new} ({label!r})"
        assert pic == pictures[k_new], (
            f"Previous went back to step {k_new} but the picture differs from the one shown there before")
        k = k_new
    report = {
        "clicks": len(latencies),
        "median_ms": round(statistics.median(latencies), 1),
        "min_ms": round(min(latencies), 1),
        "max_ms": round(max(latencies), 1),
        "all_ms": [round(t, 1) for t in latencies],
    }
    RESULTS["stepper click-to-picture latency"] = (
        f"median {report['median_ms']} ms, range {report['min_ms']}-{report['max_ms']} ms "
        f"over {report['clicks']} Next clicks")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    Path(ARTIFACTS / "stepper_latency.json").write_text(json.dumps(report, indent=2) + "\n")
    errors = nb.page_errors + nb.unexpected_console_errors()
    assert not errors, f"errors in the page while clicking: {errors}"
