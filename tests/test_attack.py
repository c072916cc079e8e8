"""An attack on every public entry point (issue 14): random bad values, one argument at a time.

The rule under test: a call either succeeds with finite results (and changes no setting the caller
did not ask to change), or raises a ValueError or TypeError raised by backprop_lab itself (the
innermost frame of the traceback is in the package, not in numpy) whose message names the argument.
An overflow is reported where it happens, so a message naming a quantity of the passes (z[l], a[l],
delta[l], dW[l], db[l], the cost) also counts as naming it: a finite but huge x is a legal input whose
z overflows. Never another exception type, never a silent NaN or inf.
"""

import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import backprop_lab as bl

PACKAGE = os.path.dirname(bl.__file__)
RESULTS = ("z[", "a[", "delta[", "dW[", "db[", "cost", "c(x)", "the step")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

# --- bad values ------------------------------------------------------------------------------

ODD_NUMBERS = st.sampled_from([0.0, -0.0, 1e-320, 1e-300, 1e300, -1e300, 1e308, 3.5e38, 1e39, np.nan, np.inf, -np.inf])
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), ODD_NUMBERS,
                    st.integers(-10**20, 10**20))
ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.float16, np.int64, np.int8, np.uint8, np.bool_]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    elements=None, fill=st.nothing())


@st.composite
def odd_arrays(draw):
    """Arrays of any small shape and dtype, with NaN, inf and huge values mixed in."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    values = draw(st.lists(st.one_of(ODD_NUMBERS, st.floats(-3, 3)), min_size=int(np.prod(shape)),
                           max_size=int(np.prod(shape))))
    arr = np.array(values, dtype=np.float64).reshape(shape)
    dtype = draw(st.sampled_from([np.float64, np.float32, np.float16]))
    with np.errstate(all="ignore"):
        return arr.astype(dtype)


def masked(arr):
    m = np.zeros(np.shape(arr), dtype=bool)
    if m.size:
        m.flat[0] = True
    return np.ma.masked_array(arr, mask=m)


with warnings.catch_warnings():  # np.matrix is deprecated, but users still pass it
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    MATRIX = np.matrix([[1.0, 2.0]])

BAD = st.one_of(
    st.none(), st.booleans(), NUMBERS, st.text(max_size=4), st.binary(max_size=3),
    st.just([]), st.just([[1.0], [1.0, 2.0]]), st.just({"a": 1}), st.just(lambda v: v), st.just(object()),
    st.just(np.array([1 + 2j, 0])), st.just(np.array(["a", "b"])), st.just(np.array([None, 1.0], dtype=object)),
    st.just(MATRIX), ARRAYS, odd_arrays(), odd_arrays().map(masked),
    st.lists(st.one_of(NUMBERS, st.none(), st.text(max_size=2)), max_size=4),
)


# --- what a call may do ----------------------------------------------------------------------

def finite(value):
    """True if every number in value (arrays, lists, PerLayers, Forward/Backward objects) is finite."""
    if isinstance(value, bl.Forward):
        return all(map(finite, list(value.a) + list(value.z)))
    if isinstance(value, bl.Backward):
        return all(map(finite, list(value.delta) + list(value.dW) + list(value.db)))
    if isinstance(value, bl.Network):
        return all(map(finite, list(value.W) + list(value.b)))
    if isinstance(value, (list, tuple, bl.PerLayer)):
        return all(map(finite, value))
    if isinstance(value, dict):
        return all(map(finite, value.values()))
    if isinstance(value, bl.GradientCheckReport):
        return all(math.isfinite(r["error"]) and math.isfinite(r["abs_error"]) for r in value.rows)
    arr = np.asarray(value)
    return arr.dtype.kind not in "fc" or bool(np.isfinite(arr).all())


def attempt(call, *names):
    """Run call(); it must return finite results, or raise our ValueError/TypeError naming one of names."""
    try:
        out = call()
    except (ValueError, TypeError) as e:
        tb = e.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        where = tb.tb_frame.f_code.co_filename
        assert where.startswith(PACKAGE), f"{type(e).__name__} raised in {where}, not by backprop_lab: {e}"
        message = str(e)
        assert any(n in message for n in names + RESULTS), f"message does not name {names}: {message}"
        return None
    assert finite(out), f"a non-finite result without an error: {out!r}"
    return out


# --- the entry points ------------------------------------------------------------------------

def good_net(seed=0):
    return bl.Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=seed)


X, Y = np.linspace(-1, 1, 6).reshape(2, 3), np.array([[0.0, 1.0], [1.0, 0.5]])


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["net", "x"]))
def test_forward(bad, which):
    net = good_net()
    args = {"net": net, "x": X, which: bad}
    attempt(lambda: bl.forward(args["net"], args["x"]), which)


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["net", "fwd", "y", "loss"]))
def test_backward(bad, which):
    net = good_net()
    args = {"net": net, "fwd": bl.forward(net, X), "y": Y, "loss": "binary_cross_entropy", which: bad}
    attempt(lambda: bl.backward(args["net"], args["fwd"], args["y"], args["loss"]), which, "activation")


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["net", "x", "y", "loss", "per_example"]))
def test_cost(bad, which):
    args = {"net": good_net(), "x": X, "y": Y, "loss": "mse", "per_example": False, which: bad}
    attempt(lambda: bl.cost(**args), which)


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["net", "x", "y", "loss", "lr", "epochs", "batch_size", "seed"]))
def test_train(bad, which):
    net = good_net()
    before = (net.dtype, net.sizes)
    args = {"net": net, "x": X, "y": Y, "loss": "mse", "lr": 0.1, "epochs": 2, "batch_size": None, "seed": 0,
            which: bad}
    attempt(lambda: bl.train(**args), which)
    assert (net.dtype, net.sizes) == before and finite(net)


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["net", "bwd", "lr", "loss", "dW", "db"]))
def test_sgd_step(bad, which):
    net = good_net()
    bwd = bl.backward(net, bl.forward(net, X), Y)
    args = {"net": net, "bwd": bwd, "lr": 0.1, "loss": None}
    if which in ("dW", "db"):
        try:
            getattr(bwd, which)[1] = bad
        except (ValueError, TypeError):
            return
        names = (f"bwd.{which}[1]", f"{which}[1]", "bwd holds gradients")
    else:
        args[which] = bad
        names = (which,)
    attempt(lambda: bl.sgd_step(**args), *names)
    assert net.dtype == np.float64 and finite(net)


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["net", "x", "y", "loss", "eps", "tol", "max_params"]))
def test_gradient_check(bad, which):
    args = {"net": good_net(), "x": X, "y": Y, "loss": "mse", "eps": 1e-5, "tol": None, "max_params": 100,
            which: bad}
    attempt(lambda: bl.gradient_check(**args), which, "parameters")


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["f", "x", "eps"]))
def test_numerical_gradient(bad, which):
    def f(v):
        with np.errstate(over="ignore"):  # a huge x overflows v * v: f returns inf, which must be refused
            return float(np.sum(v * v))

    args = {"f": f, "x": np.array([0.5, -1.0]), "eps": 1e-6, which: bad}
    attempt(lambda: bl.numerical_gradient(**args), which)


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["net", "x", "y", "loss", "eps"]))
def test_numerical_gradients(bad, which):
    args = {"net": good_net(), "x": X, "y": Y, "loss": "mse", "eps": 1e-5, which: bad}
    attempt(lambda: bl.numerical_gradients(**args), which)


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["weights", "biases", "activations", "W[1]", "b[2]", "g[1]"]))
def test_network_constructor(bad, which):
    args = {"weights": [np.ones((3, 4)), np.ones((4, 2))], "biases": [np.zeros(4), np.zeros(2)],
            "activations": ["tanh", "sigmoid"]}
    names = (which,)
    if which in ("weights", "biases", "activations"):
        args[which] = bad
        names += ("W[", "b[", "activation", "softmax", "weight matrices", "bias vectors", "layer")
    else:
        key, l = {"W": ("weights", 0), "b": ("biases", 1), "g": ("activations", 0)}[which[0]], None
        args[key[0]][key[1]] = bad
        names += ("activation", "chain", "softmax")
    net = attempt(lambda: bl.Network(**args), *names)
    if net is not None:
        assert net.dtype.kind == "f" and net.L >= 1


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["sizes", "activations", "seed", "init", "dtype"]))
def test_network_random(bad, which):
    if which == "sizes" and isinstance(bad, np.ndarray) and bad.size and np.issubdtype(bad.dtype, np.integer) \
            and np.prod(np.abs(bad.astype(float))) > 1e7:
        return  # a legal but enormous network: not an attack on the checks
    args = {"sizes": [3, 4, 2], "activations": ["tanh", "sigmoid"], "seed": 0, "init": "xavier",
            "dtype": np.float64, which: bad}
    attempt(lambda: bl.Network.random(**args), which, "n_", "activation", "softmax")


@SETTINGS
@given(bad=BAD, name=st.sampled_from(["W", "b", "g"]), l=st.sampled_from([1, 2, -1, 0, 3, 1.0, True]))
def test_per_layer_writes(bad, name, l):
    net = good_net()
    before = (net.dtype, net.sizes, [p.copy() for p in list(net.W) + list(net.b)], list(net.g))
    container = getattr(net, name)
    try:
        container[l] = bad
    except (ValueError, TypeError) as e:  # LayerIndexError is both an IndexError and a ValueError
        assert f"{name}[" in str(e), str(e)
        assert (net.dtype, net.sizes) == before[:2]
        for p, old in zip(list(net.W) + list(net.b), before[2]):
            np.testing.assert_array_equal(p, old)  # a refused write changes nothing
        return
    assert (net.dtype, net.sizes) == before[:2] and finite(net)  # the network's settings are kept
    written = container[l]
    if name != "g":
        np.testing.assert_array_equal(written, np.asarray(bad, dtype=net.dtype))
        bl.backward(net, bl.forward(net, X), Y)  # and the network still works


@SETTINGS
@given(bad=BAD, make=st.sampled_from(["xor", "moons", "spirals"]), which=st.sampled_from(["m", "noise", "seed",
                                                                                             "classes"]))
def test_datasets(bad, make, which):
    if which == "classes" and make != "spirals":
        which = "noise"
    if which == "m" and isinstance(bad, (int, np.integer)) and not isinstance(bad, bool) and bad > 10**5:
        bad = 10**12  # a legal size too big to hold: refused with our message, not numpy's MemoryError
    args = {which: bad}
    attempt(lambda: getattr(bl.datasets, make)(**args), which)


@SETTINGS
@given(bad=BAD, which=st.sampled_from(["labels", "k"]))
def test_one_hot(bad, which):
    args = {"labels": np.array([0, 2, 1]), "k": 3, which: bad}
    attempt(lambda: bl.datasets.one_hot(**args), which, "label")


@pytest.mark.parametrize("x", [np.full((2, 3), 1e200), np.full((2, 3), 3e38)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_huge_inputs_never_give_a_silent_nan(x, dtype):
    net = bl.Network.random([3, 4, 2], ["relu", "identity"], seed=0, dtype=dtype)
    for call in (lambda: bl.forward(net, x), lambda: bl.cost(net, x, Y),
                 lambda: bl.backward(net, bl.forward(net, x), Y), lambda: bl.train(net, x, Y, lr=1.0, epochs=3)):
        attempt(call, "x", "y", "training diverged")
