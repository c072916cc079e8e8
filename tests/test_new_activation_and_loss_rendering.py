"""An activation or a loss writes its own LaTeX with numbers, so a new one works in the stepper with
no other edit, and no module outside activations.py and losses.py branches on their names."""

import re
from pathlib import Path

import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab import formatting
from backprop_lab.activations import ACTIVATIONS, Activation
from backprop_lab.mistakes import CATALOGUE
from backprop_lab.stepper import DeltaSteps

PACKAGE = Path(bl.__file__).resolve().parent



def ends_with_result(line, number):
    """The line ends with "= number", or with "\\approx number" where the rounded terms shown
    give another last digit (issue 16: a student checking by hand is never contradicted)."""
    return line.endswith("= " + number) or line.endswith(r"\approx " + number)

def softsign():
    """g(z) = z / (1 + |z|), g'(z) = 1 / (1 + |z|)^2: not one of the built-ins."""
    return Activation("softsign", lambda z: z / (1 + np.abs(z)), lambda z: 1 / (1 + np.abs(z)) ** 2,
                      formula=r"g(z) = \frac{z}{1+|z|}", prime_formula=r"g'(z) = \frac{1}{(1+|z|)^2}")


@pytest.fixture
def registered(monkeypatch):
    g = softsign()
    monkeypatch.setitem(ACTIVATIONS, g.name, g)
    return g


def test_a_registered_activation_works_in_the_stepper_equations(registered):
    net = bl.Network.random([2, 3, 2, 1], ["softsign", "softsign", "identity"], seed=4)
    x = np.array([[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8]])
    y = np.array([[1.0], [0.0], [0.5]])
    s = DeltaSteps(net, x, y, loss="squared_error")
    fwd = bl.forward(net, x)
    bwd = bl.backward(net, fwd, y)
    # forward: a_2^(1) = g_1(z_2^(1)) = \frac{(z)}{1+|(z)|} = a, with the numbers of example 1
    z, a = fwd.z[1][1, 1], fwd.a[1][1, 1]
    assert a == pytest.approx(z / (1 + abs(z)))
    line = s.equation(s.step_of("forward", 1), 1, 1, example=1).lines[1]
    zs = formatting.latex(z)
    assert line == rf"a_{{2}}^{{(1)}} = g_1(z_{{2}}^{{(1)}}) = \frac{{({zs})}}{{1+|({zs})|}} = {formatting.latex(a)}"
    assert "g(" not in line.split("=", 2)[2]  # never a bare g(z) for a new activation
    # backward: the g' line substitutes z into the prime formula and ends with g'(z)
    z2, d2 = fwd.z[2][0, 0], bwd.delta[2][0, 0]
    eq = s.equation(s.step_of("delta", 2), 2, 0, example=0)
    z2s = formatting.latex(z2)
    assert eq.lines[2] == (rf"g_2'(z_{{1}}^{{(2)}}) = \frac{{1}}{{(1+|({z2s})|)^2}} = "
                           rf"{formatting.latex(1 / (1 + abs(z2)) ** 2)}")
    assert ends_with_result(eq.lines[0], formatting.latex(d2))


def test_a_registered_activation_works_in_the_stepper_check(registered):
    net = bl.Network.random([2, 3, 3, 1], ["softsign", "softsign", "identity"], seed=5)
    x = np.array([[0.5, -1.0], [1.0, 0.2]])
    y = np.array([[1.0], [0.0]])
    s = DeltaSteps(net, x, y)
    fwd = bl.forward(net, x)
    z1 = fwd.z[1][0]
    upstream = s.delta(2, 0) @ net.W[2].T
    right = upstream / (1 + np.abs(z1)) ** 2
    assert s.check(1, right, example=0).ok
    cases = {"activation_instead_of_derivative": upstream * z1 / (1 + np.abs(z1)),
             "missing_activation_derivative": upstream,
             "derivative_at_activation": upstream / (1 + np.abs(fwd.a[1][0])) ** 2,
             "missing_transpose": (s.delta(2, 0) @ net.W[2]) / (1 + np.abs(z1)) ** 2}
    for id, guess in cases.items():
        fb = s.check(1, guess, example=0)
        assert not fb.ok and fb.mistake == id and fb.message.startswith(f"Not yet: {CATALOGUE[id].name}.")


def test_an_activation_without_formulas_shows_its_name_not_g():
    g = Activation("cube", lambda z: z ** 3, lambda z: 3 * z ** 2)
    assert g.latex_value(-0.5) == r"\mathrm{cube}(-0.5)"
    assert g.latex_prime(-0.5) == "0.75"


@pytest.mark.parametrize("name", sorted(g for g in ACTIVATIONS if ACTIVATIONS[g].elementwise))
def test_every_builtin_activation_writes_its_value_and_derivative(name):
    g = ACTIVATIONS[name]
    for z in (-1.3, 0.4):
        gp = float(g.prime(np.array([z]))[0])
        assert formatting.latex(z) in g.latex_value(z)
        rhs = g.latex_prime(z)
        # ends with g'(z), unless it is exactly 1 or 0 / 0.01 "since z ..." (a piecewise-linear g)
        assert ends_with_result(rhs, formatting.latex(gp)) or rhs.split(" ")[0] == formatting.latex(gp), rhs


@pytest.mark.parametrize("name", sorted(bl.LOSSES))
def test_every_loss_writes_its_value_and_gradient_with_numbers(name):
    loss = bl.LOSSES[name]
    a, y = np.array([0.2, 0.7, 0.1]), np.array([0.0, 1.0, 0.0])
    c = float(loss(a, y))
    line = loss.latex_value(a, y, 3)
    assert line.startswith(loss.formula.replace("a_j", "a_j^{(3)}")) or line.startswith("c = ")
    assert ends_with_result(line, formatting.latex(c))
    for j in range(3):
        g = float(loss.grad(a[None], y[None])[0, j])
        grad_line = loss.latex_grad(a, y, j, 3)
        assert grad_line.startswith(rf"\frac{{\partial c}}{{\partial a_{{{j + 1}}}^{{(3)}}}} = ")  # from 1
        assert ends_with_result(grad_line, formatting.latex(g))
        assert formatting.latex(a[j]) in grad_line


NAME_BRANCH = re.compile(r"""(\.name\s*(==|!=|in\b)|(==|!=)\s*["'](identity|sigmoid|tanh|relu|leaky_relu|softplus|"""
                         r"""softmax|mse|squared_error|binary_cross_entropy|cross_entropy)["']|"""
                         r"""in\s*\(\s*["'](identity|sigmoid|tanh|relu|leaky_relu|softplus|softmax)["'])""")


@pytest.mark.parametrize("module", ["stepper", "widgets", "rendering.py", "vanishing.py", "training_run.py"])
def test_no_branch_on_an_activation_or_loss_name(module):
    path = PACKAGE / module
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    hits = [f"{f.name}:{i}: {line.strip()}" for f in files
            for i, line in enumerate(f.read_text().splitlines(), start=1) if NAME_BRANCH.search(line)]
    assert not hits, hits
