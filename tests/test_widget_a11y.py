"""Accessibility of what the widgets send, without a browser: alt texts, the live status, the
named play controls, and show_figure. (The browser tests check the rendered page with axe-core.)
"""

import html
import re

import matplotlib
import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab.formatting import sig
from backprop_lab.rendering import img_html, show_figure
from backprop_lab.vanishing import depth_profile
from backprop_lab.widgets import DeltaStepper, TrainingPanel, VanishingGradientPanel

ALT = re.compile(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]*)"( width="\d+")?>')


def alt_of(view):
    (output,) = view.out.outputs
    m = ALT.fullmatch(output["data"]["text/html"])
    assert m, output["data"]["text/html"][:200]
    return html.unescape(m.group(1))


@pytest.fixture
def stepper():
    net = bl.Network.random([2, 3, 2], ["tanh", "sigmoid"], seed=1)
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((4, 2)), rng.uniform(0, 1, size=(4, 2))
    return DeltaStepper(net, x, y, example=1, prewarm=False), net, x, y


def test_stepper_picture_alt_names_the_step_the_layer_and_the_new_values(stepper):
    s, net, x, y = stepper
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y, "squared_error")
    seen = set()
    for k in range(s.last + 1):
        s.step = k
        alt = alt_of(s)
        seen.add(alt)
        assert f"step {k} of {s.last}" in alt and "example 1" in alt
        kind, l = s.current.kind, s.current.l
        if kind == "forward":
            new = fwd.a[l][1]
        elif kind == "delta":
            new = bwd.delta[l][1]
            assert f"layer {l} is outlined" in alt
        else:
            continue
        listed = "(" + ", ".join(sig(v) for v in new) + ")"
        assert "New at this step: " in alt and listed in alt, (k, alt)
    assert len(seen) == s.last + 1, "two steps have the same alt text"
    # the picture before the backward pass says which layers have no delta yet
    s.step = s.model.step_of("cost")
    assert "Bar charts below: no delta computed yet." in alt_of(s)


def test_the_gradient_picture_says_c_for_one_example_and_C_for_the_batch(stepper):
    # one example's picture shows its own dc/db = delta and dc/dW = a delta; only the batch mean is dC
    from backprop_lab.widgets.stepper_picture import picture_title
    s, net, x, y = stepper
    bwd = bl.backward(net, bl.forward(net, x), y, "squared_error")
    s.step = s.last
    alt, title = alt_of(s), picture_title(s.model, s.last, 1)
    assert "coloured by dc/db, edges by dc/dW" in alt and "this example's dc/db = delta" in alt
    assert r"$\partial c/\partial W^{(l)}$" in title and "(example 1)" in title
    assert "(" + ", ".join(sig(v) for v in bwd.delta[1][1]) + ")" in alt
    s.example = None
    alt, title = alt_of(s), picture_title(s.model, s.last, None)
    assert "coloured by dC/db, edges by dC/dW" in alt and "the bias gradients dC/db" in alt
    assert r"$\partial C/\partial W^{(l)}$" in title and "(batch mean)" in title
    assert "(" + ", ".join(sig(v) for v in bwd.db[1]) + ")" in alt


def test_stepper_announces_each_step_in_a_polite_live_region(stepper):
    s, *_ = stepper
    assert s.live in s.children and "jp-sr-only" in s.live._dom_classes
    assert 'role="status" aria-live="polite"' in s.live.value
    texts = []
    for _ in range(3):
        s.next_button.click()
        texts.append(s.live.text)
        # the status on show is typeset; what is read out is the same line in words
        assert texts[-1].startswith(s.model.status(s.step) + ". New: "), texts[-1]
    assert len(set(texts)) == 3


def test_play_is_driven_by_named_text_buttons(stepper):
    s, *_ = stepper
    assert s.play.layout.display == "none", "the icon-only Play buttons stay hidden"
    row = next(c for c in s.children if s.next_button in getattr(c, "children", ()))
    box = next(c for c in row.children if getattr(c, "play_toggle", None) is not None)
    toggle, repeat = box.play_toggle, box.repeat_toggle
    assert (toggle.description, repeat.description) == ("Play", "Repeat")
    toggle.value = True
    assert s.play.playing and toggle.description == "Pause"
    s.play.playing = False  # what the Play model does after the last step
    assert not toggle.value and toggle.description == "Play"
    repeat.value = True
    assert s.play.repeat
    toggle.value = True
    s.reset_button.click()  # Reset is the Stop
    assert not toggle.value and s.step == 0


def test_training_and_vanishing_alt_texts_carry_their_numbers():
    x, y = bl.datasets.moons(40, seed=0)
    p = TrainingPanel(x, y, hidden=3, activation="tanh", lr=0.5, epochs=20)
    alt = alt_of(p)
    h = p.history
    assert f"from {sig(h[0])} at epoch 0 to {sig(h[-1])} at epoch {len(h) - 1}" in alt
    assert "tanh network with 3 hidden units" in alt and f"{p.run.accuracy:.0%}" in alt
    v = VanishingGradientPanel(activations=("sigmoid",), depth=4, width=5, m=8)
    alt = alt_of(v)
    n = depth_profile("sigmoid", init="xavier", L=4, width=5, m=8, seed=0)
    assert f"sigmoid: {sig(n[-1])} at layer 4, {sig(n[0])} at layer 1" in alt
    v.activations.value = ()
    assert "no activation chosen" in alt_of(v)


def test_img_html_escapes_alt_and_refuses_an_empty_one():
    out = img_html(b"\x89PNG", 'a "quoted" <b>')
    assert out.endswith('alt="a &quot;quoted&quot; &lt;b&gt;">')
    for bad in ("", "   ", None):
        with pytest.raises(ValueError, match="alt must say"):
            img_html(b"\x89PNG", bad)


def test_show_figure_displays_an_img_with_alt_and_a_caption(monkeypatch):
    import base64

    import IPython.display
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    with matplotlib.rc_context({"backend": "agg"}):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        show_figure(fig, alt="A line falling from 1 to 0.", caption="Figure 1: a line")
        assert not plt.fignum_exists(fig.number), "the pyplot figure is closed, not shown twice"
    ((bundle, raw),) = shown
    assert raw and bundle["text/plain"] == "Figure 1: a line\nA line falling from 1 to 0."
    body = bundle["text/html"]
    assert body.startswith("<figure><img src=\"data:image/png;base64,")
    assert body.endswith('alt="A line falling from 1 to 0."><figcaption>Figure 1: a line</figcaption></figure>')
    # the same PNG also goes out as image/png, for front ends that show no HTML (GitHub, nbviewer)
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert f'src="data:image/png;base64,{bundle["image/png"]}"' in body


def test_display_picture_sends_the_picture_on_show_with_its_alt(stepper, monkeypatch):
    import base64

    import IPython.display

    s, *_ = stepper
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    s.next()
    s.display_picture()
    ((bundle, raw),) = shown
    assert raw and bundle["text/plain"] == s.alt == alt_of(s)
    assert base64.b64decode(bundle["image/png"]) == s.picture().data
    assert bundle["text/html"] == s.out.outputs[0]["data"]["text/html"]
