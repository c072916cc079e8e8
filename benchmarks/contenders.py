"""The contenders timed against ``bl.backward(net, bl.forward(net, x), y)``.

Each builder takes a backprop_lab Network and a batch (x, y, loss) and returns a
no-argument function that computes the batch-mean gradients dW[l], db[l] for l = 1..L
(as lists, index l-1), so that the harness can check them against ours before timing.

* ``naive``: the textbook loop, one example at a time, with its own activation code
  (independent of backprop_lab's), accumulating outer(a^(l-1), delta^(l)).
* ``torch``: PyTorch autograd on the identical network (same float64 weights), forward,
  loss and ``torch.autograd.grad`` of C with respect to every W and b.
* ``floor``: the dense matrix products alone, in bare numpy: ``a^(l-1) @ W^(l)`` for each
  layer forward, ``a^(l-1).T @ delta^(l)`` and ``delta^(l) @ W^(l).T`` backward. Nothing
  that computes a gradient can skip these, so no implementation can be faster.
"""

from __future__ import annotations

import numpy as np

import backprop_lab as bl

# --- the naive per-example loop ---------------------------------------------
# Written the way a textbook (Nielsen ch. 2) does it, with its own g and g',
# so it is also an independent oracle for our dW, db.


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


NAIVE_G = {
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
}


def _naive_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def naive(net, x, y, loss):
    """One example at a time: forward, then delta^(L) and the recursion, summing dW, db."""
    Ws, bs = [np.array(W) for W in net.W], [np.array(b) for b in net.b]
    names = [g.name for g in net.g]
    L = len(Ws)
    loss = bl.get_loss(loss).name
    if names[-1] == "softmax" and loss != "cross_entropy":
        raise ValueError("the naive loop handles softmax only with cross_entropy")

    def run():
        dW = [np.zeros_like(W) for W in Ws]
        db = [np.zeros_like(b) for b in bs]
        for x_i, y_i in zip(x, y):
            a, z = [x_i], []
            for l in range(L):
                z.append(a[l] @ Ws[l] + bs[l])
                a.append(_naive_softmax(z[l]) if names[l] == "softmax" else NAIVE_G[names[l]][0](z[l]))
            if loss == "squared_error":
                delta = (a[L] - y_i) * NAIVE_G[names[-1]][1](z[L - 1])
            else:  # softmax + cross-entropy, sigmoid + binary cross-entropy
                delta = a[L] - y_i
            for l in range(L - 1, -1, -1):
                dW[l] += np.outer(a[l], delta)
                db[l] += delta
                if l > 0:
                    delta = (Ws[l] @ delta) * NAIVE_G[names[l - 1]][1](z[l - 1])
        m = len(x)
        return [d / m for d in dW], [d / m for d in db]

    return run


# --- PyTorch autograd ------------------------------------------------------

def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def torch_fn(net, x, y, loss):
    """forward + loss + autograd.grad(C, [W1..WL, b1..bL]) on float64 CPU tensors."""
    import torch
    import torch.nn.functional as F

    acts = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda z: z}
    Ws = [torch.tensor(np.array(W), requires_grad=True) for W in net.W]
    bs = [torch.tensor(np.array(b), requires_grad=True) for b in net.b]
    names = [g.name for g in net.g]
    xt, yt = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(y))
    loss = bl.get_loss(loss).name
    m = x.shape[0]
    params = Ws + bs
    L = len(Ws)

    def run():
        a = xt
        for l in range(L - 1):
            a = acts[names[l]](torch.addmm(bs[l], a, Ws[l]))  # what nn.Linear does
        z = torch.addmm(bs[-1], a, Ws[-1])
        if loss == "cross_entropy":  # softmax + cross-entropy from z, probability targets
            C = F.cross_entropy(z, yt)
        elif loss == "binary_cross_entropy":
            C = F.binary_cross_entropy_with_logits(z, yt, reduction="sum") / m
        else:  # c = 1/2 sum_j (a_j - y_j)^2, C = mean over the batch
            C = F.mse_loss(acts[names[-1]](z), yt, reduction="sum") * (0.5 / m)
        grads = torch.autograd.grad(C, params)
        return grads[:L], grads[L:]

    def run_numpy():
        dW, db = run()
        return [g.numpy() for g in dW], [g.numpy() for g in db]

    return run, run_numpy


# --- the matrix-product floor ------------------------------------------------

def floor(net, fwd, bwd):
    """Only the dense products of one forward + backward pass, on the real a, W and delta."""
    a = list(fwd.a)
    delta = list(bwd.delta)
    W = list(net.W)
    L = len(W)

    def run():
        for l in range(L):
            a[l] @ W[l]  # z^(l+1) without the bias and g
        for l in range(L):
            a[l].T @ delta[l]  # m * dW^(l+1)
        for l in range(1, L):
            delta[l] @ W[l].T  # delta^(l+1) W^(l+1)T, before * g'

    return run


# --- ours ------------------------------------------------------------------

def ours(net, x, y, loss):
    def run():
        return bl.backward(net, bl.forward(net, x), y, loss)

    def run_lists():
        bwd = run()
        return list(bwd.dW), list(bwd.db)

    return run, run_lists
