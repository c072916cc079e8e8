"""A student checking the stepper's equations by hand is never contradicted (issue 16, item 3).

For every equation at every step of a few networks, each "lhs = rhs" whose left side is plain
arithmetic on the numbers shown (+, -, \\cdot, parentheses, \\frac{1}{m}) and whose right side is one
number must hold to the digits shown: the left side, computed from the rounded numbers on show,
rounds to the number on the right. Where it does not, the equation must write \\approx instead.
Segments with functions (\\tanh, \\log, powers) are the activation's or the loss's own lines and
are not parsed here; sums with terms left out ("\\dots") cannot be checked by hand and are skipped.
"""

import re

import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab.formatting import sig
from backprop_lab.stepper import DeltaSteps

NUMBER = r"-?\d+(?:\.\d+)?(?:\\times10\^\{-?\d+\})?"


def networks():
    rng = np.random.default_rng(0)
    yield bl.Network.random([2, 4, 3, 4, 1], ["tanh", "sigmoid", "tanh", "sigmoid"], seed=2), \
        rng.standard_normal((5, 2)), rng.uniform(0, 1, (5, 1)), "squared_error"
    yield bl.Network.random([2, 3, 3, 1], ["tanh", "tanh", "sigmoid"], seed=1), \
        np.array([[-1.0, -0.8], [-0.9, 1.0], [1.0, -1.1], [0.8, 0.9]]), np.array([[0.0], [1.0], [1.0], [0.0]]), \
        "squared_error"
    yield bl.Network.random([2, 4, 4, 4, 4, 1], "sigmoid", seed=0), rng.standard_normal((4, 2)), \
        rng.uniform(0, 1, (4, 1)), "squared_error"
    yield bl.Network.random([3, 5, 2], ["relu", "sigmoid"], seed=4), rng.standard_normal((3, 3)), \
        rng.integers(0, 2, (3, 2)).astype(float), "binary_cross_entropy"
    yield bl.Network.random([2, 3, 3], ["tanh", "softmax"], seed=1), rng.standard_normal((4, 2)), \
        np.eye(3)[[0, 2, 1, 1]], "cross_entropy"


def evaluate(segment):
    """The value of a segment of plain arithmetic on shown numbers, or None if it is not one."""
    s = segment.strip()
    s = s.replace(r"\big(", "(").replace(r"\big)", ")").replace(r"\Big(", "(").replace(r"\Big)", ")")
    s = re.sub(r"\\frac\{1\}\{(\d+)\}", r"(1/\1)", s)
    s = s.replace(r"\cdot", "*").replace(r"\,", " ")
    s = re.sub(r"(\d(?:\.\d+)?)\\times10\^\{(-?\d+)\}", r"\1e\2", s)
    if not re.fullmatch(r"[\d.e+\-*/() ]+", s) or not re.search(r"\d", s):
        return None
    s = re.sub(r"([\d)])\s*\(", r"\1*(", s)  # a(b - c): implicit multiplication
    try:
        return float(eval(s, {"__builtins__": {}}))  # only digits, operators and parentheses
    except SyntaxError:
        return None


def shown_number(segment):
    """The number a segment shows, as the equations print it, or None if it is not one number."""
    s = segment.strip()
    return s if re.fullmatch(NUMBER, s) else None


def check_line(line):
    """How many relations of the line were checked (asserting each one)."""
    if r"\dots" in line:
        return 0
    parts = re.split(r"\s(=|\\approx)\s", line)
    segments, relations = parts[0::2], parts[1::2]
    checked = 0
    for left, relation, right in zip(segments, relations, segments[1:]):
        number, value = shown_number(right), evaluate(left)
        if number is None or value is None or shown_number(left) is not None:
            continue
        expected = float(number.replace(r"\times10^{", "e").replace("}", ""))
        numbers = [abs(float(v)) for v in re.findall(r"\d+(?:\.\d+)?", left)]
        if abs(value) <= 1e-12 * max(numbers):
            value = 0.0  # a sum of shown numbers that cancels, up to float rounding
        if relation == "=":
            assert sig(value) == sig(expected), (line, left, value, number)
        checked += 1
    return checked


def test_the_parser_reads_what_the_equations_write():
    assert evaluate(r"0.126 \cdot 0.109 + (-0.132) \cdot 1.04 + 0") == pytest.approx(0.126 * 0.109 - 0.132 * 1.04)
    assert evaluate(r"\frac{1}{4}\big(0.0203 + (-0.0105)\big)") == pytest.approx((0.0203 - 0.0105) / 4)
    assert evaluate(r"0.3\big(0.5 - 0.2\big)") == pytest.approx(0.09)
    assert evaluate(r"2.37\times10^{-5} \cdot 2") == pytest.approx(4.74e-5)
    assert evaluate(r"\tanh(0.3)") is None and evaluate(r"\delta_{1}^{(2)}") is None
    with pytest.raises(AssertionError):
        check_line(r"x = 0.244 \cdot 0.14 = 0.0341")  # 0.03416 is shown as 0.0342
    assert check_line(r"x = 0.244 \cdot 0.14 \approx 0.0341") == 1


@pytest.mark.parametrize("net, x, y, loss", list(networks()))
def test_every_shown_equation_holds_to_the_digits_shown_or_says_approx(net, x, y, loss):
    model = DeltaSteps(net, x, y, loss)
    checked = approx = 0
    for example in (0, 1, None):
        for k in range(model.last + 1):
            for l in range(model.L + 1):
                for j in range(model.sizes[l]):
                    for line in model.equation(k, l, j, example).lines:
                        checked += check_line(line)
                        approx += r"\approx" in line
    assert checked > 50  # the check really ran over the equations
    assert approx > 0    # and some of them needed the \approx
