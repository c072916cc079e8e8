"""E9, a new activation, swish (SiLU): g(z) = z sigma(z).

* ``check_swish_prime(fn)``: ``fn(z) -> g'(z)`` = sigma(z) + z sigma(z) (1 - sigma(z)), elementwise,
  z of any shape -> the same shape;
* ``check_swish_activation(fn)``: ``fn() -> g``, a ``bl.Activation`` called "swish" that ``fn`` has
  registered in ``bl.ACTIVATIONS``; the check runs ``bl.backward`` through it on a network that uses
  it by name and compares with central differences (``bl.gradient_check``).

z enters g(z) = z sigma(z) twice, as the factor z and inside sigma(z): the product rule is the
chain rule's sum over two paths.
"""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS, Activation
from ..gradcheck import gradient_check
from ..network import Network
from ..references import section
from .calling import call, describe_exception, function_name, stub_text
from .derived import DerivedExercise
from .engine import ArrayProbe, Candidate
from .feedback import CheckResult

__all__ = ["SWISH_PRIME_EQUATION", "EXERCISE", "check_swish_prime", "check_swish_activation", "right",
           "sigma", "swish", "NAME"]

SWISH_PRIME_EQUATION = "g′(z) = σ(z) + z σ(z)(1 − σ(z)) for g(z) = z σ(z), by the product rule"
NAME = "swish"
"""The name the student registers the activation under."""

sigma = ACTIVATIONS["sigmoid"]


def swish(z):
    """g(z) = z σ(z), elementwise."""
    return z * sigma(z)


def right(z):
    """σ(z) + z σ(z)(1 − σ(z))."""
    s = sigma(z)
    return s + z * s * (1 - s)


CANDIDATES = [
    Candidate(None, "σ(z) + z σ(z)(1 − σ(z))", right),
    Candidate("product_rule_forgotten", "σ(z)(1 − σ(z)) = σ′(z), the derivative of σ alone",
              lambda z: sigma.prime(z)),
    Candidate("product_rule_one_term", "σ(z), the first term of the product rule alone", lambda z: sigma(z)),
    Candidate("product_rule_one_term",
              "z σ(z)(1 − σ(z)) = z σ′(z), the second term of the product rule alone",
              lambda z: z * sigma.prime(z)),
    Candidate("activation_instead_of_derivative", "z σ(z) = g(z) itself", swish),
]


def make_probes():
    shapes = [(3, 4), (1, 5), (7,), (4, 2), (2, 3)]
    probes = []
    for k, shape in enumerate(shapes):
        rng = np.random.default_rng(1400 + k)
        z = rng.normal(0.0, 2.5 if k % 2 else 1.0, shape)
        probes.append(ArrayProbe(f"z of shape {shape}, |z| up to {np.abs(z).max():.1f}", (z,), ("z",),
                                 square=True))
    return probes


def _shape_reason(probe, got):
    return "g′ is applied elementwise, like g: g′(z) has the shape of z."


EXERCISE = DerivedExercise("check_swish_prime", "g′(z)", SWISH_PRIME_EQUATION, "two_paths", make_probes,
                           CANDIDATES, shape_reason=_shape_reason)


def check_swish_prime(fn, timeout=None):
    """Check ``fn(z) -> g'(z)`` for swish, g(z) = z sigma(z): sigma(z) + z sigma(z)(1 - sigma(z)).

    z: any shape -> the same shape, elementwise. Returns a :class:`CheckResult`.
    """
    return EXERCISE.check(fn, timeout)


# --- the activation, registered, in a network --------------------------------------------------

def _network_case():
    """A network that uses the registered swish by name in two layers, a batch and targets."""
    net = Network.random([3, 4, 3, 2], [NAME, NAME, "identity"], seed=1450, init="normal")
    rng = np.random.default_rng(1451)
    return net, rng.normal(0.0, 1.0, (5, 3)), rng.normal(0.0, 1.0, (5, 2))


def check_swish_activation(fn):
    """Check ``fn() -> g``: a ``bl.Activation`` for swish, registered in ``bl.ACTIVATIONS`` as
    "swish", whose value is z sigma(z) and whose derivative passes :func:`check_swish_prime`; then
    ``bl.backward`` on a network that uses "swish" must agree with central differences.

    Returns a :class:`CheckResult`.
    """
    name = "check_swish_activation"
    home = [section("gradient_check")]

    def result(status, message, **kw):
        kw.setdefault("revisit", home)
        return CheckResult(name, status, message, **kw)

    if not callable(fn):
        return result("error", f"the check needs your function itself, but got a {type(fn).__name__}; "
                               f"pass the function's name without calling it, e.g. {name}(register_swish).")
    out = call(fn, (), lambda value: value)
    if out.kind == "not_implemented":
        return result("not_implemented", stub_text(fn, out.error))
    if out.kind == "raised":
        return result("error", f"`{function_name(fn)}()` raised {describe_exception(out.error)}.")
    g = out.value
    if not isinstance(g, Activation):
        return result("error", f"`{function_name(fn)}()` returned a {type(g).__name__}; it should return "
                               f"the activation, bl.Activation({NAME!r}, ...).")
    if ACTIVATIONS.get(NAME) is not g:
        return result("wrong", f"the activation is not registered under the name {NAME!r}: after "
                               f"`{function_name(fn)}()`, bl.ACTIVATIONS[{NAME!r}] should be the activation "
                               f"it returns, so that a network can use it by name.")
    z = np.linspace(-6.0, 6.0, 25).reshape(5, 5)
    value = call(g, (z,), np.asarray)
    if not (value.ok and value.value.shape == z.shape and np.allclose(value.value, swish(z), rtol=1e-5)):
        got = "raised " + describe_exception(value.error) if value.kind == "raised" else "is not z σ(z)"
        return result("wrong", f"your activation's value g(z) {got}: swish is g(z) = z σ(z), elementwise.")
    prime = check_swish_prime(g.prime)
    if not prime.passed:
        return result(prime.status, "your activation's g.prime is not right yet. " + prime.feedback,
                      mistake=prime.mistake, details=prime.details, revisit=prime.revisit,
                      equation=prime.equation)
    net, x, y = _network_case()
    report = gradient_check(net, x, y, loss="squared_error")
    table = report.table(errors=False)
    if not report.passed:
        return result("wrong", "bl.backward through your activation disagrees with central differences "
                               "of the cost, although g.prime passed its own check: does g.prime depend "
                               "on anything but z?", details=table)
    return result("passed", f"swish is registered as {NAME!r}; g(z) = z σ(z), g′ is right, and "
                            f"bl.backward through a network {net.sizes} with two swish layers agrees with "
                            f"central differences of the cost.", details=table,
                  equation=SWISH_PRIME_EQUATION)
