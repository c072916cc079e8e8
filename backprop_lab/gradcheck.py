"""Finite-difference oracles: check backpropagation's numbers without using its formulas.

The central difference ``(f(p + eps) - f(p - eps)) / (2 eps)`` approximates df/dp with
an error of order eps^2 (truncation) plus machine-epsilon / eps (rounding).
:func:`gradient_check` applies it to every W[l], b[l] (the dataset cost C) and every
delta[l] (the per-example cost c, perturbing z[l]) and compares with :func:`backward`.

Relative error of a quantity (W[2], delta[1], ...)::

    max_i |num_i - ana_i| / max_i (|num_i| + |ana_i|)

i.e. the worst absolute disagreement, measured against the size of the quantity. This
is robust to entries that are tiny or exactly zero, where an entrywise relative error is
all rounding noise.

A gradient far smaller than the cost (a deep network at initialisation, say) cannot be
resolved to a relative 1e-7: the rounding noise of c(p + eps) - c(p - eps) is about
machine-epsilon * |c| / eps. Such a quantity, and only when its relative error fails, is
judged by absolute error against that noise instead, and the report marks it.

relu and leaky_relu have a kink at 0. A perturbation that moves some z across a kink
gives a finite difference that is not a derivative, so those entries are detected (the
sign of z - kink changes between the perturbed and unperturbed passes), named in the
report, and left out.
"""

from __future__ import annotations

import math
import time

import numpy as np

from .layers import PerLayer
from .losses import get_loss
from ._checks import as_batch, as_numeric, check_count, check_finite, check_number
from .network import Network, backward, check_network, cost, forward

__all__ = ["gradient_check", "GradientCheckReport", "numerical_gradient", "numerical_jacobian",
           "numerical_gradients", "relative_error"]

DEFAULT_TOL = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-3}
MAX_PARAMS = 100_000  # gradient_check's default limit: about a minute at most for the network sizes it is for


def relative_error(numerical, analytic):
    """max_i |num_i - ana_i| / max_i (|num_i| + |ana_i|); 0.0 when both are all zero."""
    numerical = np.asarray(numerical, dtype=np.float64)
    analytic = np.asarray(analytic, dtype=np.float64)
    if numerical.shape != analytic.shape:
        raise ValueError(f"cannot compare arrays of shapes {numerical.shape} and {analytic.shape}")
    if numerical.size == 0:
        return 0.0
    scale = np.max(np.abs(numerical) + np.abs(analytic))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(numerical - analytic)) / scale)


def _point(x, eps):
    """x as a float64 copy to perturb, and eps checked: a finite number > 0."""
    eps = check_number(eps, "eps (the finite-difference step)", minimum=0, strictly=True)
    x = np.array(as_numeric(x, "x"), dtype=np.float64)
    check_finite(x, "x")
    return x, eps


def _check_callable(f):
    if not callable(f):
        raise TypeError(f"f must be a function of x, not {type(f).__name__}")


def _value(f, x, what):
    """f(x) as a finite float: f must return one real number."""
    value = f(x)
    if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0 or \
            np.asarray(value).dtype.kind not in "iuf":
        raise TypeError(f"f must return one real number (a cost), but {what} returned "
                        f"{type(value).__name__} {np.shape(value) if np.ndim(value) else ''}{value!r:.60}; "
                        f"for an array-valued f use numerical_jacobian")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"f must return a finite number, but {what} = {value}")
    return value


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of a scalar function: df/dx, same shape as x.

    f : callable taking an array shaped like x and returning one real number (TypeError otherwise).
    x : real numbers, finite. eps : the step, a finite number > 0.
    x is not modified (a float64 copy is perturbed).
    """
    _check_callable(f)
    x, eps = _point(x, eps)
    _value(f, x, "f(x)")
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        f_plus = _value(f, x, f"f(x + eps) at x{list(idx)}")
        x[idx] = old - eps
        f_minus = _value(f, x, f"f(x - eps) at x{list(idx)}")
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def _array_value(f, x, shape, what):
    out = as_numeric(f(x), f"the result of {what}")
    if shape is not None and out.shape != shape:
        raise ValueError(f"f must return arrays of one shape, but f(x) has shape {shape} and {what} {out.shape}")
    check_finite(out.astype(np.float64), f"the result of {what}")
    return np.array(out, dtype=np.float64)


def numerical_jacobian(f, x, eps=1e-6):
    """Central differences of an array function: J[out_idx + in_idx] = d f(x)[out_idx] / d x[in_idx].

    f : callable taking an array shaped like x and returning an array of real numbers.
    Returns an array of shape f(x).shape + x.shape.
    """
    _check_callable(f)
    x, eps = _point(x, eps)
    out_shape = _array_value(f, x, None, "f(x)").shape
    jac = np.zeros(out_shape + x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        f_plus = _array_value(f, x, out_shape, f"f(x + eps) at x{list(idx)}")
        x[idx] = old - eps
        f_minus = _array_value(f, x, out_shape, f"f(x - eps) at x{list(idx)}")
        x[idx] = old
        jac[(Ellipsis,) + idx] = (f_plus - f_minus) / (2 * eps)
    return jac


def run_from_z(net, l, z, y, loss):
    """Run layers l..L from z^(l): the per-example c, and which side of its kink every kinked
    unit of those layers is on (a list of boolean arrays, for kink detection). Unchecked: the
    one runner behind every finite difference here and in ``backprop_lab.derivation``.

    z: (m, n_l) or (n_l,); y: the output's shape. c is computed from z^(L) for the fused pairs,
    so it stays accurate when the output saturates.
    """
    sides = []
    for k in range(l, net.L + 1):
        if k > l:
            z = a @ net.W[k] + net.b[k]
        g = net.g[k]
        for kink in g.kinks:
            sides.append(z > kink)
        a = g(z)
    c = loss.value_from_z(z, y) if loss.is_fused(net.g[net.L]) else loss(a, y)
    return c, sides


class _Oracle:
    """Runs the network forward (in float64) from a perturbed quantity, recording kinks."""

    def __init__(self, net, x2, y2, loss):
        self.net = Network([w.astype(np.float64) for w in net.W],
                           [b.astype(np.float64) for b in net.b], list(net.g))
        self.x2 = x2.astype(np.float64)
        self.y2 = y2.astype(np.float64)
        self.loss = loss
        self.L = net.L

    def run_from(self, l, zl):
        """Per-example c, and the kink sides of every kinked unit in layers l..L, from z^(l)."""
        return run_from_z(self.net, l, zl, self.y2, self.loss)

    def run(self):
        return self.run_from(1, self.x2 @ self.net.W[1] + self.net.b[1])


def _crossed(sides, base, m):
    """Per example (m of them): did any kinked unit change side of its kink?"""
    crossed = np.zeros(m, dtype=bool)
    for s, s0 in zip(sides, base):
        crossed |= np.any(s != s0, axis=1)
    return crossed


def _check_size(net, x2, max_params, oracle):
    """ValueError with an estimate of the time, if the check would perturb more than max_params
    parameters (max_params None: no limit)."""
    if max_params is None:
        return
    max_params = check_count(max_params, "max_params", minimum=0)
    n = sum(W.size + b.size for W, b in zip(net.W, net.b))
    if n <= max_params:
        return
    start = time.perf_counter()
    oracle.run()
    seconds = 2 * n * (time.perf_counter() - start)  # two runs per parameter, at most from layer 1
    raise ValueError(
        f"the network has {n:,} parameters, more than max_params = {max_params:,}: a check perturbs them "
        f"one at a time (2 passes each), which would take up to about {_duration(seconds)} here; check a "
        f"smaller network or fewer examples, or pass max_params=None (or a larger number) to run it anyway")


def _duration(seconds):
    if seconds < 1:
        return "a second"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.0f} hours"


def numerical_gradients(net, x, y, loss="mse", eps=1e-5, max_params=MAX_PARAMS):
    """Central-difference estimates of every dW[l], db[l] and delta[l], computed in float64.

    x: (m, n_0) or (n_0,); y: the shape of the output. eps: the step, a finite number > 0.
    max_params: refuse (ValueError, with an estimate of the time) a network with more parameters;
    None for no limit.
    Returns a dict with PerLayer entries ``"dW"``, ``"db"``, ``"delta"`` (shaped as in
    :class:`backprop_lab.Backward`) and ``"kinks"``: a PerLayer of dicts mapping each quantity
    ("dW", "db", "delta") to a boolean mask of the entries whose finite difference crossed a
    relu kink, and which are therefore not derivatives.
    """
    check_network(net)
    loss = get_loss(loss)
    loss.check_output(net.g[net.L])
    eps = check_number(eps, "eps (the finite-difference step)", minimum=0, strictly=True)
    x2, y2, single = as_batch(net, x, y, loss)
    oracle = _Oracle(net, x2, y2, loss)
    _check_size(net, x2, max_params, oracle)
    onet = oracle.net
    _, base = oracle.run()
    a = [oracle.x2]  # the unperturbed activations a[0..L], in float64
    for W, b, g in zip(onet.W, onet.b, onet.g):
        a.append(g(a[-1] @ W + b))
    dW, db, delta, kinks = [], [], [], []
    for l in range(1, net.L + 1):
        W, b, a_prev = onet.W[l], onet.b[l], a[l - 1]
        # the kink sides recorded by run_from(l, ...) start with layer l's
        base_l = base[sum(len(onet.g[k].kinks) for k in range(1, l)):]

        def cost_and_kinks(sign, kind, index):
            Wp, bp = W, b
            if kind == "W":
                Wp = W.copy()
                Wp[index] += sign * eps
            else:
                bp = b.copy()
                bp[index] += sign * eps
            c, sides = oracle.run_from(l, a_prev @ Wp + bp)
            return c, _crossed(sides, base_l, a_prev.shape[0])

        # dC/dp = (C(p + eps) - C(p - eps)) / (2 eps), with C the mean of the per-example c;
        # differencing c per example before averaging loses less to rounding.
        gW = np.zeros_like(W)
        kW = np.zeros(W.shape, dtype=bool)
        for idx in np.ndindex(W.shape):
            cp, xp = cost_and_kinks(+1, "W", idx)
            cm, xm = cost_and_kinks(-1, "W", idx)
            gW[idx] = np.mean(cp - cm) / (2 * eps)
            kW[idx] = bool(np.any(xp | xm))
        gb = np.zeros_like(b)
        kb = np.zeros(b.shape, dtype=bool)
        for j in range(b.shape[0]):
            cp, xp = cost_and_kinks(+1, "b", j)
            cm, xm = cost_and_kinks(-1, "b", j)
            gb[j] = np.mean(cp - cm) / (2 * eps)
            kb[j] = bool(np.any(xp | xm))
        # delta_j^(l) = dc/dz_j^(l) for each example: perturb column j of z^(l) for every
        # example at once (examples do not interact), and difference the per-example costs.
        zl = a_prev @ W + b
        gd = np.zeros_like(zl)
        kd = np.zeros(zl.shape, dtype=bool)
        for j in range(zl.shape[1]):
            zp = zl.copy()
            zp[:, j] += eps
            cp, sp = oracle.run_from(l, zp)
            zp[:, j] -= 2 * eps
            cm, sm = oracle.run_from(l, zp)
            gd[:, j] = (cp - cm) / (2 * eps)
            kd[:, j] = _crossed(sp, base_l, zl.shape[0]) | _crossed(sm, base_l, zl.shape[0])
        if single:
            gd, kd = gd[0], kd[0]
        dW.append(gW)
        db.append(gb)
        delta.append(gd)
        kinks.append({"dW": kW, "db": kb, "delta": kd})
    return {"dW": PerLayer("dW", dW), "db": PerLayer("db", db), "delta": PerLayer("delta", delta),
            "kinks": PerLayer("kinks", kinks)}


class GradientCheckReport:
    """The outcome of :func:`gradient_check`: one row per quantity (W[1], b[1], delta[1], ...).

    Attributes: ``rows`` (list of dicts with ``quantity``, ``error`` (relative), ``abs_error``,
    ``checked``, ``left_out``, ``resolvable``, ``judged`` ("relative", "absolute" or "not checked"), ``passed``),
    ``excluded`` (names of the entries left out at relu kinks), ``passed``, ``max_error``, ``tol``,
    ``atol``, ``eps``.
    """

    def __init__(self, rows, excluded, tol, eps, dtype, atol):
        self.rows = rows
        self.excluded = excluded
        self.tol = tol
        self.atol = atol
        self.eps = eps
        self.dtype = dtype

    @property
    def passed(self):
        return all(r["passed"] for r in self.rows)

    @property
    def max_error(self):
        """The largest relative error among the quantities judged by relative error."""
        return max((r["error"] for r in self.rows if r["judged"] == "relative"), default=0.0)

    def error(self, quantity):
        """The relative error of one quantity, e.g. report.error("W[2]")."""
        for r in self.rows:
            if r["quantity"] == quantity:
                return r["error"]
        raise KeyError(f"no quantity {quantity!r}; the report has "
                       + ", ".join(r["quantity"] for r in self.rows))

    def table(self, errors=True):
        """The report as plain text. ``errors=False`` leaves out the error figures, which
        vary in their last digits between machines, and keeps the verdicts."""
        lines = [f"gradient check: central differences, eps = {self.eps:g}, tolerance {self.tol:g} "
                 f"(relative error, {self.dtype})"]
        header = f"{'quantity':<10}" + (f"{'rel. error':>12}" if errors else "") + \
                 f"{'checked':>9}{'left out':>10}  result"
        lines.append(header)
        for r in self.rows:
            line = f"{r['quantity']:<10}"
            if errors:
                line += f"{r['error']:>12.1e}"
            line += f"{r['checked']:>9}{r['left_out']:>10}  {_verdict(r)}"
            lines.append(line)
        if any(r["judged"] == "absolute" for r in self.rows):
            lines.append(f"* too small for central differences to resolve to {self.tol:g}: compared by "
                         f"absolute error <= {self.atol:.0e}, the method's rounding noise")
        if self.excluded:
            shown = ", ".join(self.excluded[:8]) + (" ..." if len(self.excluded) > 8 else "")
            lines.append(f"left out, because the finite difference crossed a relu kink: {shown}")
        lines.append(self._summary())
        return "\n".join(lines)

    def _summary(self):
        verdict = "PASSED" if self.passed else "FAILED"
        line = f"{verdict}: {sum(r['passed'] for r in self.rows)} of {len(self.rows)} quantities within tolerance"
        unchecked = [r["quantity"] for r in self.rows if r["judged"] == "not checked"]
        if unchecked:
            line += (f"; not checked: {', '.join(unchecked)} (every entry's finite difference crossed a relu "
                     f"kink), so the check cannot pass: try another x or seed")
        return line

    def __repr__(self):
        return self.table()

    def _repr_html_(self):
        head = "".join(f"<th>{h}</th>" for h in ("quantity", "rel. error", "checked", "left out", "result"))
        body = "".join(
            f"<tr><td><code>{r['quantity']}</code></td><td>{r['error']:.1e}</td><td>{r['checked']}</td>"
            f"<td>{r['left_out']}</td><td>{'✅ ' if r['passed'] else '❌ '}{_verdict(r)}</td></tr>"
            for r in self.rows)
        note = ""
        if self.excluded:
            note = (f"<p>Left out at relu kinks: <code>{', '.join(self.excluded[:8])}"
                    f"{' ...' if len(self.excluded) > 8 else ''}</code></p>")
        return (f"<p>Gradient check (central differences, eps = {self.eps:g}, tolerance {self.tol:g}): "
                f"<b>{self._summary()}</b></p><table><tr>{head}</tr>{body}</table>{note}")


def _verdict(row):
    if row["judged"] == "not checked":
        return "not checked"
    if not row["passed"]:
        return "FAIL"
    return "ok" if row["judged"] == "relative" else "ok*"


def _entry_name(quantity, idx):
    return f"{quantity}[{', '.join(str(int(i)) for i in idx)}]"


def gradient_check(net, x, y, loss="mse", eps=1e-5, tol=None, max_params=MAX_PARAMS):
    """Compare :func:`backward` with central differences for every W[l], b[l] and delta[l].

    x: (m, n_0) or (n_0,); y: the shape of the output; loss: as in :func:`backward`.
    eps : the finite-difference step (the oracle runs in float64).
    tol : the largest relative error that passes (see the module docstring), a number >= 0;
        default 1e-7 for float64 networks and 1e-3 for float32 ones.
    max_params : the check perturbs every parameter twice, which for millions of them takes hours;
        a network with more than ``max_params`` parameters (default 100,000) is refused with an
        estimate of the time. ``max_params=None`` runs any size.

    A quantity passes when its relative error is at most ``tol``. Only when that fails and the
    quantity is too small for central differences to resolve to that tolerance is it judged by
    absolute error instead, against the rounding noise of the method,
    ``atol = 100 * (machine_eps / eps + machine_eps_of_net) * max|c|`` (e.g. the tiny gradients of
    a deep network at initialisation). Such rows are marked "ok*" in the report.

    Returns a :class:`GradientCheckReport`. Entries whose finite difference crossed a relu
    kink are named in the report and left out, so a kink never causes a false failure; a quantity
    with every entry left out is "not checked", and then the report does not pass.
    """
    check_network(net)
    dtype = net.dtype
    eps = check_number(eps, "eps (the finite-difference step)", minimum=0, strictly=True)
    tol = DEFAULT_TOL.get(dtype, 1e-3) if tol is None else check_number(tol, "tol (the tolerance)", minimum=0)
    bwd = backward(net, forward(net, x), y, loss)
    num = numerical_gradients(net, x, y, loss, eps, max_params=max_params)
    # rounding noise of (c(p + eps) - c(p - eps)) / (2 eps) is about machine_eps * |c| / eps
    c_max = float(np.max(np.abs(cost(net, x, y, loss, per_example=True))))
    atol = 100 * (np.finfo(np.float64).eps / eps + np.finfo(dtype).eps) * c_max
    rows, excluded = [], []
    for l in range(1, net.L + 1):
        for quantity, label in (("dW", "W"), ("db", "b"), ("delta", "delta")):
            numerical = num[quantity][l]
            analytic = getattr(bwd, quantity)[l]
            kink = num["kinks"][l][quantity]
            keep = ~kink
            name = f"{label}[{l}]"
            err = relative_error(numerical[keep], analytic[keep])
            abs_err = float(np.max(np.abs(numerical[keep] - analytic[keep]), initial=0.0))
            resolvable = float(np.max(np.abs(numerical[keep]) + np.abs(analytic[keep]), initial=0.0)) * tol > atol
            judged = "relative" if err <= tol or resolvable else "absolute"
            passed = bool(err <= tol if judged == "relative" else abs_err <= atol)
            if not keep.any():
                judged, passed = "not checked", False
            rows.append({"quantity": name, "error": err, "abs_error": abs_err, "checked": int(keep.sum()),
                         "left_out": int(kink.sum()), "resolvable": resolvable, "judged": judged,
                         "passed": passed})
            excluded += [_entry_name(name, idx) for idx in np.argwhere(kink)]
    return GradientCheckReport(rows, excluded, tol, eps, dtype, atol)
