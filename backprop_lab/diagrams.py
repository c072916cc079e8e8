"""The derivation's pictures: each draws one equation before the notebooks derive it.

Re-exported by :mod:`backprop_lab.plotting`. Every function takes an ``ax`` and returns a dict
of what it drew, so that tests can check that the picture shows what the text says. Every
edge is a ``FancyArrowPatch`` whose gid names it (e.g. ``"W 2->1"``), and highlighted edges
are drawn in :data:`HIGHLIGHT`; tests read the artists on the axes, not only the dict.

Indices: the functions take code (0-based) indices, like ``W[l][i, j]``; every label they
write is in the maths' numbering, from 1 (neuron j is drawn as ``j + 1``).

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and
wherever colour carries meaning a legend or a label says what it means.
"""

from __future__ import annotations

import numpy as np

__all__ = ["HIGHLIGHT", "SECOND", "CONTEXT", "draw_output_paths", "draw_fan_out",
           "draw_weight_edge", "draw_chain_paths", "draw_neuron_gates", "draw_gradient_descent",
           "draw_activation", "plot_work_count", "plot_backprop_timing"]

HIGHLIGHT = "#D55E00"  # vermillion: what the text is about
SECOND = "#0072B2"     # blue: a second path, or forward values
CONTEXT = "0.72"       # grey: the rest of the network
_FONT = 10


def _node(ax, xy, text, gid, fc="white", ec="0.25", r=0.26, fontsize=_FONT, lw=1.2):
    from matplotlib.patches import Circle
    circle = Circle(xy, r, fc=fc, ec=ec, lw=lw, zorder=3, gid=gid)
    ax.add_patch(circle)
    ax.text(xy[0], xy[1], text, ha="center", va="center", fontsize=fontsize, zorder=4)
    return circle


def _edge(ax, p, q, gid, color=CONTEXT, lw=1.0, arrow="-|>", shrink=17, zorder=1):
    """An arrow from p to q (data coordinates), stopping short of the node circles."""
    from matplotlib.patches import FancyArrowPatch
    patch = FancyArrowPatch(p, q, arrowstyle=arrow, mutation_scale=12, color=color, lw=lw,
                            shrinkA=shrink, shrinkB=shrink, zorder=zorder, gid=gid)
    ax.add_patch(patch)
    return patch


def _label(ax, xy, text, color="black", fontsize=_FONT, **kw):
    kw.setdefault("ha", "center")
    kw.setdefault("va", "center")
    return ax.text(xy[0], xy[1], text, fontsize=fontsize, color=color, zorder=5,
                   bbox=dict(boxstyle="round,pad=0.2", fc=(1, 1, 1, 0.75), ec=color, lw=0.8), **kw)


def _column(n, x):
    """Positions of n neurons at x, centred on y = 0, neuron 0 on top."""
    return np.c_[np.full(n, float(x)), (n - 1) / 2 - np.arange(n)]


def _finish(ax, xlim, ylim, title=None):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=_FONT + 1)


def _check_index(name, value, n, what):
    if not isinstance(value, (int, np.integer)) or not 0 <= value < n:
        raise ValueError(f"{name} must be a 0-based index of a neuron of {what} (0..{n - 1}), "
                         f"got {value!r}")


def draw_output_paths(ax, n, softmax=False, j=0):
    """How z_j^(L) reaches the cost c: through a_j alone (elementwise g_L) or every a_k (softmax).

    n : neurons in the output layer. j : the 0-based neuron whose paths are highlighted.
    Draws z_1..z_n, a_1..a_n and c; an edge z_j -> a_j' wherever a_j' depends on z_j (j' is a
    second neuron of the same layer; gid ``"z j->a j'"``, 0-based), and a_j' -> c for every j'.
    Returns {"paths": [(j, j') for every edge z_j -> a_j' drawn], "highlighted": the (j, j') of
    the highlighted edges, "edges": {(j, j'): patch}}.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive number of output neurons, got {n!r}")
    _check_index("j", j, n, "the output layer")
    zs, as_, c = _column(n, 0.0), _column(n, 1.6), np.array([3.0, 0.0])
    paths, highlighted, edges = [], [], {}
    for jj in range(n):
        for k in range(n):
            if softmax or jj == k:
                on = jj == j
                edges[(jj, k)] = _edge(ax, zs[jj], as_[k], f"z {jj}->a {k}",
                                       color=HIGHLIGHT if on else CONTEXT, lw=2.4 if on else 1.0,
                                       zorder=2 if on else 1)
                paths.append((jj, k))
                if on:
                    highlighted.append((jj, k))
    for k in range(n):
        on = (j, k) in edges
        _edge(ax, as_[k], c, f"a {k}->c", color=HIGHLIGHT if on else CONTEXT, lw=2.4 if on else 1.0)
    for k in range(n):
        _node(ax, zs[k], f"$z_{k + 1}$", f"z {k}", fc="#FBE3D6" if k == j else "white")
        _node(ax, as_[k], f"$a_{k + 1}$", f"a {k}")
    _node(ax, c, "$c$", "c")
    what = (r"softmax: $z_{%d}$ reaches $c$ through every $a_{j'}$" % (j + 1) if softmax else
            r"elementwise $g_L$: $z_{%d}$ reaches $c$ only through $a_{%d}$" % (j + 1, j + 1))
    from matplotlib.lines import Line2D
    ax.legend(handles=[Line2D([], [], color=HIGHLIGHT, lw=2.4, label=f"paths from $z_{j + 1}$ to $c$"),
                       Line2D([], [], color=CONTEXT, lw=1.0, label="other dependencies")],
              loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=_FONT - 1, frameon=False, ncol=2)
    _finish(ax, (-0.5, 3.5), (-(n - 1) / 2 - 0.5, (n - 1) / 2 + 0.5), what)
    return {"paths": paths, "highlighted": highlighted, "edges": edges}


def draw_fan_out(ax, W_next, delta_next, j, l=1):
    """Neuron j of layer l feeding every neuron k of layer l+1: the picture of the sum over k.

    W_next : (n_l, n_{l+1}), the weights W^(l+1). delta_next : (n_{l+1},), delta^(l+1) of one
    example. j : 0-based neuron of layer l. The edges (j, k) for every k are highlighted, each
    labelled with its weight W_jk^(l+1) = W_kj^(l+1)T (the exercise's
    transposed form, with its layer), and each neuron k of layer l+1 with its delta_k,
    which travels back along the edge; neuron j collects sum_k delta_k W_jk, which is
    dc/da_j^(l) (its delta needs the factor g'(z_j) still), and the label says so.
    Returns {"highlighted": [(j, k), ...], "edge_labels": {(j, k): Text},
    "delta_labels": {k: Text}, "sum": sum_k delta_k W_jk, "sum_label": Text,
    "edges": {(i, k): patch}}.
    """
    W_next = np.asarray(W_next, dtype=float)
    delta_next = np.asarray(delta_next, dtype=float)
    if W_next.ndim != 2 or delta_next.shape != (W_next.shape[1],):
        raise ValueError(f"W_next must be (n_l, n_{{l+1}}) and delta_next (n_{{l+1}},); got shapes "
                         f"{W_next.shape} and {delta_next.shape}")
    n_l, n_next = W_next.shape
    _check_index("j", j, n_l, f"layer {l}")
    gap = 4.6
    left, right = _column(n_l, 0.0), _column(n_next, gap)
    edges, highlighted, edge_labels, delta_labels = {}, [], {}, {}
    for i in range(n_l):
        for k in range(n_next):
            on = i == j
            # the highlighted edges point backwards: delta_k travels from k to j
            p, q = (right[k], left[i]) if on else (left[i], right[k])
            edges[(i, k)] = _edge(ax, p, q, f"W {i}->{k}", color=HIGHLIGHT if on else CONTEXT,
                                  lw=2.4 if on else 0.8, arrow="-|>" if on else "-", zorder=2 if on else 1)
            if on:
                highlighted.append((i, k))
    up = f"^{{({l + 1})}}"
    for k in range(n_next):
        spot = left[j] + 0.5 * (right[k] - left[j])
        edge_labels[(j, k)] = _label(
            ax, spot, f"$W{up}_{{{j + 1}{k + 1}}} = W^{{({l + 1})T}}_{{{k + 1}{j + 1}}} = {W_next[j, k]:.2f}$",
            color=HIGHLIGHT)
        delta_labels[k] = _label(ax, right[k] + [0.45, 0], f"$\\delta{up}_{{{k + 1}}} = {delta_next[k]:.4f}$",
                                 ha="left")
    total = float(delta_next @ W_next[j])
    for i in range(n_l):
        _node(ax, left[i], f"${j + 1}$" if i == j else f"${i + 1}$", f"layer {l} neuron {i}",
              fc="#FBE3D6" if i == j else "white")
    for k in range(n_next):
        _node(ax, right[k], f"${k + 1}$", f"layer {l + 1} neuron {k}")
    here = f"^{{({l})}}_{{{j + 1}}}"
    sum_label = _label(ax, left[j] - [0.45, 0],
                       f"$\\partial c / \\partial a{here} = \\sum_k \\delta{up}_k W{up}_{{{j + 1}k}} = {total:.4f}$"
                       "\n(before the factor $g'$)", color=HIGHLIGHT, ha="right")
    top = max(n_l, n_next) / 2
    ax.text(0, top + 0.1, f"layer $l = {l}$", ha="center", fontsize=_FONT)
    ax.text(gap, top + 0.1, f"layer $l+1 = {l + 1}$", ha="center", fontsize=_FONT)
    _finish(ax, (-3.6, gap + 2.0), (-top - 0.3, top + 0.5),
            f"neuron $j = {j + 1}$ of layer {l} feeds every neuron $k$ of layer {l + 1}; "
            f"each $\\delta_k$ comes back along its edge")
    return {"highlighted": highlighted, "edge_labels": edge_labels, "delta_labels": delta_labels,
            "sum": total, "sum_label": sum_label, "edges": edges}


def draw_weight_edge(ax, n_prev, n, i, j, l=1, a_prev=None):
    """W_ij^(l) as the single edge from neuron i of layer l-1 to neuron j of layer l.

    n_prev, n : sizes of layers l-1 and l. i, j : 0-based. a_prev : optional (n_prev,) values
    a^(l-1) to print. Every other edge is grey. Neuron j is marked "dz_j/dW_ij = a_i" and every
    other neuron k of layer l "dz_k/dW_ij = 0".
    Returns {"highlighted": [(i, j)], "edges": {(i', j'): patch}, "edge_label": Text,
    "notes": {k: Text}}.
    """
    _check_index("i", i, n_prev, f"layer {l - 1}")
    _check_index("j", j, n, f"layer {l}")
    gap = 3.0
    left, right = _column(n_prev, 0.0), _column(n, gap)
    edges = {}
    for ii in range(n_prev):
        for jj in range(n):
            on = (ii, jj) == (i, j)
            edges[(ii, jj)] = _edge(ax, left[ii], right[jj], f"W {ii}->{jj}",
                                    color=HIGHLIGHT if on else CONTEXT, lw=2.6 if on else 0.8,
                                    zorder=2 if on else 1)
    edge_label = _label(ax, left[i] + 0.5 * (right[j] - left[i]),
                        f"$W^{{({l})}}_{{{i + 1}{j + 1}}}$", color=HIGHLIGHT)
    for ii in range(n_prev):
        text = f"$a^{{({l - 1})}}_{{{ii + 1}}}$"
        _node(ax, left[ii], text, f"layer {l - 1} neuron {ii}", fc="#FBE3D6" if ii == i else "white",
              fontsize=_FONT - 1, r=0.3)
        if a_prev is not None:
            ax.text(left[ii][0] - 0.4, left[ii][1], f"{float(a_prev[ii]):.2f}", ha="right", va="center",
                    fontsize=_FONT)
    notes = {}
    for jj in range(n):
        _node(ax, right[jj], f"$z^{{({l})}}_{{{jj + 1}}}$", f"layer {l} neuron {jj}",
              fc="#FBE3D6" if jj == j else "white", fontsize=_FONT - 1, r=0.3)
        if jj == j:
            text = (f"$\\partial z_{{{jj + 1}}} / \\partial W_{{{i + 1}{j + 1}}} = a_{{{i + 1}}}$")
            notes[jj] = _label(ax, right[jj] + [0.45, 0], text, color=HIGHLIGHT, ha="left")
        else:
            notes[jj] = ax.text(right[jj][0] + 0.45, right[jj][1],
                                f"$\\partial z_{{{jj + 1}}} / \\partial W_{{{i + 1}{j + 1}}} = 0$",
                                ha="left", va="center", fontsize=_FONT, color="0.35")
    top = max(n_prev, n) / 2
    ax.text(0, top + 0.05, f"layer {l - 1}", ha="center", fontsize=_FONT)
    ax.text(gap, top + 0.05, f"layer {l}", ha="center", fontsize=_FONT)
    _finish(ax, (-1.2, gap + 2.4), (-top - 0.2, top + 0.45),
            f"$W^{{({l})}}_{{{i + 1}{j + 1}}}$ is one edge: it enters only $z^{{({l})}}_{{{j + 1}}}$")
    return {"highlighted": [(i, j)], "edges": edges, "edge_label": edge_label, "notes": notes}


def draw_chain_paths(ax, local=None):
    """u changes c through v1 and through v2: two paths, whose contributions add.

    local : optional dict with the four local derivatives "dv1/du", "dc/dv1", "dv2/du",
    "dc/dv2" (numbers), written on the edges. Path 1 (u -> v1 -> c) is drawn in HIGHLIGHT,
    path 2 (u -> v2 -> c) in SECOND, with a legend giving each path's product.
    Returns {"paths": {1: [patch, patch], 2: [patch, patch]}, "edge_labels": {name: Text}}.
    """
    names = ("dv1/du", "dc/dv1", "dv2/du", "dc/dv2")
    if local is not None and set(local) != set(names):
        raise ValueError(f"local must have exactly the keys {names}, got {sorted(local)}")
    u, v1, v2, c = np.array([0.0, 0.0]), np.array([2.0, 1.0]), np.array([2.0, -1.0]), np.array([4.0, 0.0])
    paths = {1: [_edge(ax, u, v1, "u->v1", HIGHLIGHT, 2.4), _edge(ax, v1, c, "v1->c", HIGHLIGHT, 2.4)],
             2: [_edge(ax, u, v2, "u->v2", SECOND, 2.4), _edge(ax, v2, c, "v2->c", SECOND, 2.4)]}
    tex = {"dv1/du": r"\partial v_1/\partial u", "dc/dv1": r"\partial c/\partial v_1",
           "dv2/du": r"\partial v_2/\partial u", "dc/dv2": r"\partial c/\partial v_2"}
    where = {"dv1/du": (u, v1, HIGHLIGHT, 0.3), "dc/dv1": (v1, c, HIGHLIGHT, 0.3),
             "dv2/du": (u, v2, SECOND, -0.3), "dc/dv2": (v2, c, SECOND, -0.3)}
    labels = {}
    for name, (p, q, colour, dy) in where.items():
        text = f"${tex[name]}$" + ("" if local is None else f" = {float(local[name]):.3f}")
        first = name.startswith("dv")  # the u -> v edges: label left of the middle, else right
        labels[name] = ax.text((p[0] + q[0]) / 2 + (-0.15 if first else 0.15), (p[1] + q[1]) / 2 + dy,
                               text, ha="right" if first else "left", va="center", fontsize=_FONT,
                               color=colour)
    for xy, name in ((u, "u"), (v1, "v_1"), (v2, "v_2"), (c, "c")):
        _node(ax, xy, f"${name}$", name.replace("_", ""))
    from matplotlib.lines import Line2D
    ax.legend(handles=[
        Line2D([], [], color=HIGHLIGHT, lw=2.4,
               label=r"path 1: $\frac{\partial c}{\partial v_1}\frac{\partial v_1}{\partial u}$"),
        Line2D([], [], color=SECOND, lw=2.4,
               label=r"path 2: $\frac{\partial c}{\partial v_2}\frac{\partial v_2}{\partial u}$")],
        loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=2, fontsize=_FONT, frameon=False)
    _finish(ax, (-0.9, 4.9), (-1.6, 1.6),
            r"$dc/du$ = path 1 + path 2: one term per path from $u$ to $c$")
    return {"paths": paths, "edge_labels": labels}


def draw_neuron_gates(ax, x, W, b, g, y):
    """One neuron as a computational graph of gates: two multiplies, an add, g and the cost.

    x, W : the neuron's two inputs x_1, x_2 and their weights W_1, W_2 (length 2); b : the
    bias; g : an activation object (``g(z)`` and ``g.prime(z)``); y : the target of the cost
    c = (a - y)^2 / 2, where a = g(z) is the neuron's output.
    Every wire carries its forward value (blue) and, going back, the gradient dc/d(.)
    (vermillion), computed gate by gate as upstream x local, starting from dc/dc = 1 at c: the
    cost gate's local gradient is a - y, the g gate's g'(z), the add gate hands its upstream
    gradient to every input, a multiply gate hands each input the other input's value.
    The bias enters the add gate from below, so that no two wires' labels meet.
    Returns {"value": {name: float}, "grad": {name: float}, "labels": {name: (Text, Text)}},
    with names "x1", "W1", "x2", "W2", "b", "p1", "p2" (the products), "z", "a", "c".
    """
    x, W = np.asarray(x, dtype=float), np.asarray(W, dtype=float)
    if x.shape != (2,) or W.shape != (2,):
        raise ValueError(f"x and W must each hold 2 numbers, got shapes {x.shape} and {W.shape}")
    value = {"x1": x[0], "W1": W[0], "x2": x[1], "W2": W[1], "b": float(b)}
    value["p1"], value["p2"] = x[0] * W[0], x[1] * W[1]
    value["z"] = value["p1"] + value["p2"] + value["b"]
    value["a"] = float(g(np.array([value["z"]]))[0])
    value["c"] = 0.5 * (value["a"] - float(y)) ** 2
    grad = {"c": 1.0}                                                      # dc/dc = 1
    grad["a"] = grad["c"] * (value["a"] - float(y))                        # cost gate: a - y
    grad["z"] = grad["a"] * float(g.prime(np.array([value["z"]]))[0])      # g gate: times g'(z)
    grad["p1"] = grad["p2"] = grad["b"] = grad["z"]                        # add: copies
    grad["x1"], grad["W1"] = grad["p1"] * W[0], grad["p1"] * x[0]         # multiply: swaps
    grad["x2"], grad["W2"] = grad["p2"] * W[1], grad["p2"] * x[1]
    value = {k: float(v) for k, v in value.items()}
    grad = {k: float(v) for k, v in grad.items()}
    pos = {"x1": (0, 3.2), "W1": (0, 2.0), "x2": (0, 0.4), "W2": (0, -0.8), "b": (4.0, -1.6),
           "p1": (2.0, 2.6), "p2": (2.0, -0.2), "z": (4.0, 0.6), "a": (5.8, 0.6), "c": (7.6, 0.6)}
    pos = {k: np.asarray(v, dtype=float) for k, v in pos.items()}
    wires = [("x1", "p1"), ("W1", "p1"), ("x2", "p2"), ("W2", "p2"), ("p1", "z"), ("p2", "z"),
             ("b", "z"), ("z", "a"), ("a", "c")]
    labels = {}

    def pair(name, xy, ha, va_up="bottom", va_down="top", dy=0.2):
        up = ax.text(xy[0], xy[1] + dy, f"{value[name]:.2f}", ha=ha, va=va_up, fontsize=_FONT,
                     color=SECOND)
        down = ax.text(xy[0], xy[1] - dy, f"{grad[name]:.3f}", ha=ha, va=va_down, fontsize=_FONT,
                       color=HIGHLIGHT)
        labels[name] = (up, down)

    for src, dst in wires:
        p, q = pos[src], pos[dst]
        _edge(ax, p, q, f"{src}->{dst}", color="0.45", lw=1.2)
        if src in ("x1", "W1", "x2", "W2"):          # inputs: the pair left of the leaf
            pair(src, p - [0.35, 0.0], "right", "center", "center")
        elif src == "b":                             # the bias wire is vertical: right of it
            pair(src, p + [0.2, 0.75], "left", "center", "center")
        elif src in ("p1", "p2"):                    # a product: close to its own gate
            pair(src, p + 0.3 * (q - p) + [0.15, 0.05], "left")
        else:                                        # z and a: above and below the wire
            pair(src, p + 0.5 * (q - p), "center", dy=0.25)
    pair("c", pos["c"] + [0.4, 0.0], "left", "bottom", "top", dy=0.05)
    leaf = {"x1": "$x_1$", "W1": "$W_1$", "x2": "$x_2$", "W2": "$W_2$", "b": "$b$"}
    for k, text in leaf.items():
        _node(ax, pos[k], text, k, fc="#EEEEEE", r=0.3)
    _node(ax, pos["p1"], r"$\times$", "p1", r=0.3)
    _node(ax, pos["p2"], r"$\times$", "p2", r=0.3)
    _node(ax, pos["z"], "$+$", "z", r=0.3)
    _node(ax, pos["a"], "$g$", "a", r=0.3)
    _node(ax, pos["c"], "$c$", "c", r=0.3)
    notes = {"add": (pos["z"] + [0.1, 0.6], "add: copies\nthe gradient", "left", "bottom"),
             "multiply": (pos["p1"] + [0.0, 0.45], "multiply: swaps", "center", "bottom"),
             "g": (pos["a"] + [0.0, -0.55], "times $g'(z)$", "center", "top"),
             "cost": (pos["c"] + [0.0, -0.55], "cost: local\ngradient $a - y$", "center", "top")}
    for xy, text, ha, va in notes.values():
        ax.text(xy[0], xy[1], text, ha=ha, va=va, fontsize=_FONT - 1, color="0.3")
    from matplotlib.lines import Line2D
    ax.legend(handles=[Line2D([], [], color=SECOND, marker="s", ls="", label="forward value"),
                       Line2D([], [], color=HIGHLIGHT, marker="s", ls="",
                              label=r"gradient $\partial c/\partial(\cdot)$ = upstream × local")],
              loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=_FONT, frameon=False)
    _finish(ax, (-1.4, 8.4), (-2.2, 3.7),
            r"one neuron as gates: $z = x_1W_1 + x_2W_2 + b$, $a = g(z)$, $c = \frac{1}{2}(a - y)^2$")
    return {"value": value, "grad": grad, "labels": labels}


def draw_gradient_descent(ax, cost, slope, w0, eta, steps, w_range=None, name="w",
                          cost_name="C", zoom=None):
    """Gradient descent on a cost of one parameter: the curve C(w) and the steps down it.

    cost, slope : functions of a float, C(w) and dC/dw. Starting from w0, each step is
    w <- w - eta * dC/dw, drawn as an arrow from (w_t, C(w_t)) to (w_{t+1}, C(w_{t+1})). The
    first step's slope is drawn as a tangent, long enough to leave the curve and drawn above it,
    with a slope triangle (a run of 1 along w and the rise, dC/dw, labelled with its number).
    w_range : (lo, hi) for the curve (default: the steps' span, widened). name, cost_name : the
    parameter's and the cost's symbols (LaTeX). zoom : optional (lo, hi) of w: an inset, upper
    right, magnifies the curve and the iterates there, each numbered t = 0, 1, ... (for steps
    that crowd together near a minimum); the legend then goes below the axes.
    Returns {"w": (steps + 1,) the iterates, "C": their costs, "curve": Line2D,
    "points": Line2D, "arrows": [patch per step], "tangent": Line2D, "triangle": Line2D,
    "inset": the inset Axes or None}.
    """
    from matplotlib.patches import FancyArrowPatch
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive whole number, got {steps!r}")
    if not (isinstance(eta, (int, float, np.floating)) and eta > 0):
        raise ValueError(f"eta (the learning rate) must be a positive number, got {eta!r}")
    if zoom is not None and not (len(zoom) == 2 and zoom[0] < zoom[1]):
        raise ValueError(f"zoom must be (lo, hi) with lo < hi, got {zoom!r}")
    w = [float(w0)]
    for _ in range(steps):
        w.append(w[-1] - eta * float(slope(w[-1])))
    w = np.array(w)
    C = np.array([float(cost(v)) for v in w])
    if w_range is None:
        lo, hi = w.min(), w.max()
        pad = 0.3 * (hi - lo) + 0.5
        w_range = (lo - pad, hi + pad)
    grid = np.linspace(w_range[0], w_range[1], 300)
    curve_C = np.array([float(cost(v)) for v in grid])
    (curve,) = ax.plot(grid, curve_C, color="0.3", lw=1.6, label=f"${cost_name}({name})$")
    s0 = float(slope(w[0]))
    # the tangent: long enough to leave the curve, above it (zorder), in its own colour
    half = 0.3 * (w_range[1] - w_range[0])
    (tangent,) = ax.plot([w[0] - half, w[0] + half], [C[0] - s0 * half, C[0] + s0 * half],
                         color=SECOND, lw=2.0, ls="--", zorder=2.5,
                         label=f"tangent at the start: slope $d{cost_name}/d{name}$ = {s0:.3g}")
    # the slope triangle: run 1 along w, then the rise s0 down (or up) to the tangent
    (triangle,) = ax.plot([w[0], w[0] + 1.0, w[0] + 1.0], [C[0], C[0], C[0] + s0],
                          color=SECOND, lw=1.2, zorder=2.5)
    ax.text(w[0] + 1.08, C[0] + s0 / 2, f"{s0:.3g} per 1", ha="left", va="center",
            fontsize=_FONT - 1, color=SECOND)
    arrows = []
    for t in range(steps):
        arrow = FancyArrowPatch((w[t], C[t]), (w[t + 1], C[t + 1]), arrowstyle="-|>",
                                mutation_scale=12, color=HIGHLIGHT, lw=1.8, zorder=3,
                                shrinkA=0, shrinkB=0, gid=f"step {t}")
        ax.add_patch(arrow)
        arrows.append(arrow)
    (points,) = ax.plot(w, C, "o", color=HIGHLIGHT, ms=5, zorder=4,
                        label=rf"steps ${name} \leftarrow {name} - \eta\, d{cost_name}/d{name}$, "
                              rf"$\eta = {eta:g}$")
    ax.set_xlabel(f"${name}$", fontsize=_FONT)
    ax.set_ylabel(f"${cost_name}$", fontsize=_FONT)
    ax.grid(True, alpha=0.3)
    inset = None
    if zoom is not None:
        ax.legend(fontsize=_FONT - 1, loc="upper center", bbox_to_anchor=(0.5, -0.16))
        inset = ax.inset_axes([0.56, 0.5, 0.42, 0.46])
        inside = (grid >= zoom[0]) & (grid <= zoom[1])
        fine = np.linspace(zoom[0], zoom[1], 200)
        inset.plot(fine, [float(cost(v)) for v in fine], color="0.3", lw=1.4)
        shown = np.flatnonzero((w >= zoom[0]) & (w <= zoom[1]))
        inset.plot(w[shown], C[shown], "o-", color=HIGHLIGHT, ms=5, lw=1.2, gid="zoomed steps")
        for n, t in enumerate(shown):
            inset.annotate(f"{t}", (w[t], C[t]), xytext=(0, 7 if n % 2 == 0 else -13),
                           textcoords="offset points", ha="center", fontsize=_FONT - 1,
                           color=HIGHLIGHT)
        lo_C, hi_C = curve_C[inside].min(), curve_C[inside].max()
        pad = 0.15 * (hi_C - lo_C) + 1e-12
        inset.set_xlim(*zoom)
        inset.set_ylim(lo_C - pad, hi_C + pad)
        inset.tick_params(labelsize=_FONT - 2)
        inset.set_title(f"zoom: step $t$ = 0, 1, ...", fontsize=_FONT - 1)
        inset.grid(True, alpha=0.3)
        ax.indicate_inset_zoom(inset, edgecolor="0.4")
    else:
        ax.legend(fontsize=_FONT - 1)
    return {"w": w, "C": C, "curve": curve, "points": points, "arrows": arrows, "tangent": tangent,
            "triangle": triangle, "inset": inset}


def draw_activation(ax, g, z_range=(-5.0, 5.0), title=None):
    """An activation g and its derivative g' on one axes: the curve and its slope.

    g : an elementwise activation object (``g(z)``, ``g.prime(z)``, ``g.kinks``, ``g.name``).
    z_range : (lo, hi) of z. title : the axes' title (default: the activation's name).
    g(z) is drawn solid in SECOND, g'(z) dashed in HIGHLIGHT; at a kink of g (relu at 0) the
    derivative is left undefined, so g' shows a gap there, not a vertical line. Where g' has
    its largest value at a single point (no kinks), that point is marked and labelled
    "largest g' = ... at z = ...".
    Returns {"z": the grid, "g": Line2D, "prime": Line2D, "peak": (z, g'(z)) or None,
    "peak_label": Text or None}.
    """
    if not getattr(g, "elementwise", False):
        raise ValueError(f"draw_activation needs an elementwise activation; "
                         f"{getattr(g, 'name', g)!r} is not one")
    if not (len(z_range) == 2 and z_range[0] < z_range[1]):
        raise ValueError(f"z_range must be (lo, hi) with lo < hi, got {z_range!r}")
    z = np.linspace(z_range[0], z_range[1], 401)
    value = np.asarray(g(z), dtype=float)
    prime = np.asarray(g.prime(z), dtype=float)
    for kink in g.kinks:                    # g' is undefined at a kink: a gap in its curve
        prime[np.isclose(z, kink, atol=1e-12)] = np.nan
    (g_line,) = ax.plot(z, value, color=SECOND, lw=2.0, label="$g(z)$")
    (p_line,) = ax.plot(z, prime, color=HIGHLIGHT, lw=2.0, ls="--", label="$g'(z)$")
    peak, peak_label = None, None
    if not g.kinks:
        # where g' is largest on the grid
        k = int(np.nanargmax(prime))
        peak = (float(z[k]), float(prime[k]))
        ax.plot([peak[0]], [peak[1]], "o", color=HIGHLIGHT, ms=6, zorder=4)
        peak_label = ax.annotate(f"largest $g'$ = {peak[1]:.3g}\nat $z$ = {peak[0]:.3g}",
                                 peak, xytext=(0.97, 0.3), textcoords="axes fraction",
                                 ha="right", va="center", fontsize=_FONT - 1, color=HIGHLIGHT,
                                 arrowprops=dict(arrowstyle="->", color=HIGHLIGHT, lw=0.8))
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_xlabel("$z$", fontsize=_FONT)
    ax.set_title(title if title is not None else g.name, fontsize=_FONT + 1)
    ax.legend(fontsize=_FONT - 1, loc="upper left")
    ax.grid(True, alpha=0.3)
    return {"z": z, "g": g_line, "prime": p_line, "peak": peak, "peak_label": peak_label}


def plot_work_count(ax, n_params, fd_madds, bp_madds, guides=False):
    """Counted work against the number of parameters P, log-log: the P^2 against P argument.

    n_params : (k,) numbers of parameters; fd_madds : (k,) multiply-adds of central
    differences (2P runs of the whole network, each a forward pass); bp_madds : (k,)
    multiply-adds of one forward and one backward pass. guides : also draw dotted guide lines
    of slope 2 (proportional to P^2, below the finite differences) and slope 1 (proportional to
    P, below backpropagation), a factor 10 under each series' first point.
    Returns the Line2D drawn: finite differences, backpropagation, then the guides (slope 2,
    slope 1) if drawn.
    """
    guides_on = bool(guides)
    n_params, fd_madds, bp_madds = (np.asarray(v, dtype=float) for v in (n_params, fd_madds, bp_madds))
    if not (n_params.ndim == 1 and n_params.shape == fd_madds.shape == bp_madds.shape):
        raise ValueError(f"n_params, fd_madds and bp_madds must be 1-D of one length, got shapes "
                         f"{n_params.shape}, {fd_madds.shape}, {bp_madds.shape}")
    (fd,) = ax.loglog(n_params, fd_madds, "o-", color=HIGHLIGHT,
                      label="finite differences: 2P runs × one forward pass (grows like $P^2$)")
    (bp,) = ax.loglog(n_params, bp_madds, "s-", color=SECOND,
                      label="backpropagation: one forward + one backward pass (grows like $P$)")
    guides = []
    if guides_on:
        # guide lines through a point a factor 10 below each series' first point: a power P^p
        # is a straight line of slope p on log-log axes
        for p, series, text in ((2, fd_madds, r"guide: slope 2, $\propto P^2$"),
                                (1, bp_madds, r"guide: slope 1, $\propto P$")):
            ys = series[0] / 10 * (n_params / n_params[0]) ** p
            (guide,) = ax.loglog(n_params, ys, ":", color="0.35", lw=1.4, label=text,
                                 gid=f"slope {p}")
            guides.append(guide)
    ax.set_xlabel("number of parameters P (weights and biases)", fontsize=_FONT)
    ax.set_ylabel("multiply-adds for the whole gradient", fontsize=_FONT)
    ax.legend(fontsize=_FONT - 1)
    ax.grid(True, which="major", alpha=0.3)
    return (fd, bp, *guides)


def plot_backprop_timing(ax, n_params, t_numerical, t_backprop, t_predicted=None):
    """Measured time against the number of parameters, log-log.

    n_params : (k,) numbers of parameters; t_numerical : (k,) seconds for the central
    differences of every weight and bias, 2P runs of the whole network (NaN where not
    measured); t_backprop : (k,) seconds for one forward plus one backward pass;
    t_predicted : optional (k,) seconds, 2P times the measured time of one run of the network.
    Returns the Line2D drawn: finite differences, backprop, then the prediction if given.
    """
    arrays = [np.asarray(v, dtype=float) for v in (n_params, t_numerical, t_backprop)]
    if t_predicted is not None:
        arrays.append(np.asarray(t_predicted, dtype=float))
    n_params = arrays[0]
    if not (n_params.ndim == 1 and all(v.shape == n_params.shape for v in arrays)):
        raise ValueError(f"n_params, t_numerical, t_backprop (and t_predicted) must be 1-D of one "
                         f"length, got shapes {[v.shape for v in arrays]}")
    lines = []
    (fd,) = ax.loglog(n_params, arrays[1], "o-", color=HIGHLIGHT,
                      label="finite differences, measured: 2P runs of the whole network")
    (bp,) = ax.loglog(n_params, arrays[2], "s-", color=SECOND,
                      label="backpropagation, measured: one forward + one backward pass")
    lines += [fd, bp]
    if t_predicted is not None:
        (pr,) = ax.loglog(n_params, arrays[3], ":", color=HIGHLIGHT, lw=2,
                          label="finite differences, 2P × measured time of one run")
        lines.append(pr)
    ax.set_xlabel("number of parameters P (weights and biases)", fontsize=_FONT)
    ax.set_ylabel("time for the whole gradient (s)", fontsize=_FONT)
    ax.legend(fontsize=_FONT - 1)
    ax.grid(True, which="major", alpha=0.3)
    return tuple(lines)
