"""The exercise checks' HTML feedback uses semantic markup, and pass/fail is not carried by colour
alone (issue 15). The HTML is parsed, not matched as text.

- the status is stated in words in the card's text ("passed", "wrong", ...), not only by its colour
  or an icon glyph; an icon glyph, if any, is hidden from screen readers (aria-hidden);
- code and maths in plain text are in <code>; a worked example is in <pre>;
- the card's headline is a heading (h2..h6), so a screen-reader user can jump between cards;
- several places to revisit are a list (<ul>/<ol> of <li>), not a run of paragraphs.
"""

from html.parser import HTMLParser

import pytest

from backprop_lab.exercises.feedback import STATUSES, CheckResult
from backprop_lab.references import SECTIONS

HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


class Tree(HTMLParser):
    """Records every element as (tag, attrs, text inside it), and the page text outside tags."""

    def __init__(self, source):
        super().__init__()
        self.elements, self.stack, self.text = [], [], []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": [], "parent": self.stack[-1]["tag"] if self.stack else None}
        self.elements.append(el)
        if tag not in ("br", "img", "hr"):
            self.stack.append(el)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        hidden = any(e["attrs"].get("aria-hidden") == "true" for e in self.stack)
        for e in self.stack:
            e["text"].append(("", data) if not hidden else ("hidden", data))

    def all(self, *tags):
        return [e for e in self.elements if e["tag"] in tags]

    @staticmethod
    def read(el):
        """The text of an element that a screen reader reads (aria-hidden parts left out)."""
        return "".join(d for h, d in el["text"] if not h)


def _sections(n):
    return list(SECTIONS.values())[:n] if isinstance(SECTIONS, dict) else list(SECTIONS)[:n]


def _cards():
    two = _sections(2)
    return {
        "passed": CheckResult("E1", "passed", "every probe matches `delta_L`.", revisit=two[:1]),
        "wrong": CheckResult("E2", "wrong", "the values differ from `delta^(l)`.", equation="delta = a - y",
                             revisit=two, details="yours: [1, 2]\nright: [1, 3]"),
        "not_implemented": CheckResult("E3", "not_implemented", "replace `raise NotImplementedError()`."),
    }


ICONS = ("✔", "✘", "…")


@pytest.mark.parametrize("status", ["passed", "wrong", "not_implemented"])
def test_status_is_in_words_not_only_colour_or_icon(status):
    card = _cards()[status]
    tree = Tree(card._repr_html_())
    said = " ".join(Tree.read(e) for e in tree.elements if e["parent"] is None)
    assert STATUSES[status].lower() in said.lower(), f"{status}: the status is not in the card's words: {said!r}"


def test_code_and_worked_examples_are_marked_up():
    tree = Tree(_cards()["wrong"]._repr_html_())
    codes = [Tree.read(e) for e in tree.all("code")]
    assert "delta^(l)" in codes, codes
    assert any("right: [1, 3]" in Tree.read(e) for e in tree.all("pre"))


def test_headline_is_a_heading_and_its_icon_is_not_read_out():
    for status, card in _cards().items():
        tree = Tree(card._repr_html_())
        heads = [Tree.read(e) for e in tree.all(*HEADINGS)]
        assert any(card.check in h and STATUSES[status].lower() in h.lower() for h in heads), (status, heads)
        assert not any(icon in h for h in heads for icon in ICONS), (status, heads)


def test_several_places_to_revisit_are_a_list():
    card = _cards()["wrong"]
    tree = Tree(card._repr_html_())
    items = [e for e in tree.all("li") if e["parent"] in ("ul", "ol")]
    links = [e for e in tree.all("a") if e["parent"] == "li"]  # each place to reread: a list item's link
    assert len(links) == len(card.revisit) == 2 and len(items) >= len(links), (len(items), len(links))
