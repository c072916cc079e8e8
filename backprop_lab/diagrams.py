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
           "draw_weight_edge", "draw_chain_paths", "draw_neuron_gates", "plot_backprop_timing"]

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
    Draws z_1..z_n, a_1..a_n and c; an edge z_j -> a_k wherever a_k depends on z_j (gid
    ``"z j->a k"``, 0-based), and a_k -> c for every k.
    Returns {"paths": [(j, k) for every edge z_j -> a_k drawn], "highlighted": the (j, k) of
    the highlighted edges, "edges": {(j, k): patch}}.
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
    what = (r"softmax: $z_{%d}$ reaches $c$ through every $a_k$" % (j + 1) if softmax else
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
    labelled with its weight W_jk = (W^T)_kj, and each neuron k of layer l+1 with its delta_k,
    which travels back along the edge; neuron j collects sum_k delta_k W_jk.
    Returns {"highlighted": [(j, k), ...], "edge_labels": {(j, k): Text},
    "delta_labels": {k: Text}, "sum": sum_k delta_k W_jk, "edges": {(i, k): patch}}.
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
            ax, spot, f"$W{up}_{{{j + 1}{k + 1}}} = (W^T)_{{{k + 1}{j + 1}}} = {W_next[j, k]:.2f}$",
            color=HIGHLIGHT)
        delta_labels[k] = _label(ax, right[k] + [0.45, 0], f"$\\delta{up}_{{{k + 1}}} = {delta_next[k]:.4f}$",
                                 ha="left")
    total = float(delta_next @ W_next[j])
    for i in range(n_l):
        _node(ax, left[i], f"${j + 1}$" if i == j else f"${i + 1}$", f"layer {l} neuron {i}",
              fc="#FBE3D6" if i == j else "white")
    for k in range(n_next):
        _node(ax, right[k], f"${k + 1}$", f"layer {l + 1} neuron {k}")
    _label(ax, left[j] - [0.45, 0], f"$\\sum_k \\delta{up}_k W{up}_{{{j + 1}k}} = {total:.4f}$",
           color=HIGHLIGHT, ha="right")
    top = max(n_l, n_next) / 2
    ax.text(0, top + 0.1, f"layer $l = {l}$", ha="center", fontsize=_FONT)
    ax.text(gap, top + 0.1, f"layer $l+1 = {l + 1}$", ha="center", fontsize=_FONT)
    _finish(ax, (-2.6, gap + 2.0), (-top - 0.3, top + 0.5),
            f"neuron $j = {j + 1}$ of layer {l} feeds every neuron $k$ of layer {l + 1}; "
            f"each $\\delta_k$ comes back along its edge")
    return {"highlighted": highlighted, "edge_labels": edge_labels, "delta_labels": delta_labels,
            "sum": total, "edges": edges}


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


def draw_neuron_gates(ax, a, W, b, g, y):
    """One neuron as a computational graph of gates: two multiplies, an add, g and the cost.

    a, W : the two inputs a_1, a_2 and weights W_1, W_2 (length 2); b : the bias; g : an
    activation object (``g(z)`` and ``g.prime(z)``); y : the target of c = (a_out - y)^2 / 2.
    Every edge carries its forward value (above, blue) and, going back, the gradient dc/d(.)
    (below, vermillion), computed gate by gate as upstream x local: the add gate hands its
    upstream gradient to every input, a multiply gate hands each input the other input's value.
    Returns {"value": {name: float}, "grad": {name: float}, "labels": {name: (Text, Text)}},
    with names "a1", "W1", "a2", "W2", "b", "p1", "p2" (the products), "z", "out".
    """
    a, W = np.asarray(a, dtype=float), np.asarray(W, dtype=float)
    if a.shape != (2,) or W.shape != (2,):
        raise ValueError(f"a and W must each hold 2 numbers, got shapes {a.shape} and {W.shape}")
    value = {"a1": a[0], "W1": W[0], "a2": a[1], "W2": W[1], "b": float(b)}
    value["p1"], value["p2"] = a[0] * W[0], a[1] * W[1]
    value["z"] = value["p1"] + value["p2"] + value["b"]
    value["out"] = float(g(np.array([value["z"]]))[0])
    grad = {"out": value["out"] - float(y)}                                 # dc/da = a - y
    grad["z"] = grad["out"] * float(g.prime(np.array([value["z"]]))[0])    # g gate: times g'(z)
    grad["p1"] = grad["p2"] = grad["b"] = grad["z"]                         # add: distributes
    grad["a1"], grad["W1"] = grad["p1"] * W[0], grad["p1"] * a[0]          # multiply: swaps
    grad["a2"], grad["W2"] = grad["p2"] * W[1], grad["p2"] * a[1]
    value = {k: float(v) for k, v in value.items()}
    grad = {k: float(v) for k, v in grad.items()}
    pos = {"a1": (0, 3.2), "W1": (0, 2.0), "a2": (0, 0.4), "W2": (0, -0.8), "b": (0, -2.0),
           "p1": (2.0, 2.6), "p2": (2.0, -0.2), "z": (4.0, 0.6), "out": (5.8, 0.6), "c": (7.6, 0.6)}
    pos = {k: np.asarray(v, dtype=float) for k, v in pos.items()}
    wires = [("a1", "p1"), ("W1", "p1"), ("a2", "p2"), ("W2", "p2"), ("p1", "z"), ("p2", "z"),
             ("b", "z"), ("z", "out"), ("out", "c")]
    labels = {}
    for src, dst in wires:
        p, q = pos[src], pos[dst]
        _edge(ax, p, q, f"{src}->{dst}", color="0.45", lw=1.2)
        mid = p + 0.5 * (q - p)
        if src in ("a1", "W1", "a2", "W2", "b"):   # inputs: label beside the leaf, left
            mid = p + [0.0, 0.0]
            up = ax.text(mid[0] - 0.35, mid[1] + 0.2, f"{value[src]:.2f}", ha="right", va="center",
                         fontsize=_FONT, color=SECOND)
            down = ax.text(mid[0] - 0.35, mid[1] - 0.2, f"{grad[src]:.3f}", ha="right", va="center",
                           fontsize=_FONT, color=HIGHLIGHT)
        else:
            up = ax.text(mid[0], mid[1] + 0.25, f"{value[src]:.2f}", ha="center", va="bottom",
                         fontsize=_FONT, color=SECOND)
            down = ax.text(mid[0], mid[1] - 0.25, f"{grad[src]:.3f}", ha="center", va="top",
                           fontsize=_FONT, color=HIGHLIGHT)
        labels[src] = (up, down)
    leaf = {"a1": "$a_1$", "W1": "$W_1$", "a2": "$a_2$", "W2": "$W_2$", "b": "$b$"}
    for k, text in leaf.items():
        _node(ax, pos[k], text, k, fc="#EEEEEE", r=0.3)
    _node(ax, pos["p1"], r"$\times$", "p1", r=0.3)
    _node(ax, pos["p2"], r"$\times$", "p2", r=0.3)
    _node(ax, pos["z"], "$+$", "z", r=0.3)
    _node(ax, pos["out"], "$g$", "out", r=0.3)
    _node(ax, pos["c"], "$c$", "c", r=0.3)
    ax.text(pos["z"][0] + 0.2, pos["z"][1] + 0.5, "add: copies\nthe gradient", ha="left", va="bottom",
            fontsize=_FONT - 1, color="0.3")
    ax.text(pos["p1"][0], pos["p1"][1] + 0.45, "multiply: swaps", ha="center", va="bottom",
            fontsize=_FONT - 1, color="0.3")
    ax.text(pos["out"][0], pos["out"][1] - 0.55, "times $g'(z)$", ha="center", va="top",
            fontsize=_FONT - 1, color="0.3")
    from matplotlib.lines import Line2D
    ax.legend(handles=[Line2D([], [], color=SECOND, marker="s", ls="", label="forward value"),
                       Line2D([], [], color=HIGHLIGHT, marker="s", ls="",
                              label=r"gradient $\partial c/\partial(\cdot)$ = upstream × local")],
              loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=_FONT, frameon=False)
    _finish(ax, (-1.4, 8.1), (-2.5, 3.7),
            r"one neuron as gates: $z = a_1W_1 + a_2W_2 + b$, $a = g(z)$, $c = \frac{1}{2}(a - y)^2$")
    return {"value": value, "grad": grad, "labels": labels}


def plot_backprop_timing(ax, n_params, t_numerical, t_backprop):
    """Time against the number of parameters, log-log: finite differences against backprop.

    n_params : (k,) numbers of parameters; t_numerical, t_backprop : (k,) seconds for all the
    finite-difference gradients and for one forward plus backward pass. Returns the two Line2D.
    """
    n_params, t_numerical, t_backprop = (np.asarray(v, dtype=float) for v in (n_params, t_numerical, t_backprop))
    if not (n_params.ndim == 1 and n_params.shape == t_numerical.shape == t_backprop.shape):
        raise ValueError(f"n_params, t_numerical and t_backprop must be 1-D of one length, got shapes "
                         f"{n_params.shape}, {t_numerical.shape}, {t_backprop.shape}")
    (fd,) = ax.loglog(n_params, t_numerical, "o-", color=HIGHLIGHT,
                      label="finite differences: 2 runs per parameter")
    (bp,) = ax.loglog(n_params, t_backprop, "s-", color=SECOND,
                      label="backpropagation: 1 forward + 1 backward pass")
    ax.set_xlabel("number of parameters (weights and biases)", fontsize=_FONT)
    ax.set_ylabel("time for the whole gradient (s)", fontsize=_FONT)
    ax.legend(fontsize=_FONT - 1)
    ax.grid(True, which="major", alpha=0.3)
    return fd, bp
