"""What the checks of forward and backward cost: each group switched off in turn, timed side by side.

    python benchmarks/check_cost.py                 # the three workloads of run.py, 3 repeats
    python benchmarks/check_cost.py --workloads deep --repeats 5

``bl.backward(net, bl.forward(net, x), y, loss)`` is timed (numpy single-threaded, CPU time, interleaved
rounds, as in run.py) with every check on, with one group of checks replaced by a no-op, and with all of
them off. The groups (issue 14 added the last three and made the first two stricter):

* inputs: x and y are converted, copied and checked (shapes, finiteness, the loss's targets);
* stale: the forward pass's stamp of the network (its version and the bytes of W[2..L]) and the
  comparison in backward that refuses a network changed in place or replaced since;
* forward-finite, gradients-finite: every z, a[L], dW and db is checked for NaN and inf.

Printed per workload: each variant's time / the time with every check on (< 1: what that group costs),
and, with --torch, every variant / PyTorch. This measures the checks; it is not a way to run without them
(the package has none).
"""

from __future__ import annotations

import argparse
import sys
import time

import backprop_lab as bl
from backprop_lab import network as N
from backprop_lab import results as Rs

import contenders as C
import run as R
import timing as T

HOME = {"as_input": N, "as_target": N, "parameter_stamp": Rs, "unchanged_since": N,
        "_check_forward_finite": N, "_check_gradients_finite": N}
"""Each check replaced here -> the module whose global the passes call it through."""
REAL = {name: getattr(module, name) for name, module in HOME.items()}

NO_OP = {
    "inputs": {"as_input": lambda net, x: (x, False), "as_target": lambda y, shape, dtype, loss: y},
    "stale": {"parameter_stamp": lambda net: None, "unchanged_since": lambda net, stamp: True},
    "forward-finite": {"_check_forward_finite": lambda net, a, z: None},
    "gradients-finite": {"_check_gradients_finite": lambda delta, dW, db: None},
}


def switch(off):
    """Put back every real check, then replace the groups named in ``off`` by no-ops."""
    for name, fn in REAL.items():
        setattr(HOME[name], name, fn)
    for group in off:
        for name, fn in NO_OP[group].items():
            setattr(HOME[name], name, fn)


def variant(net, x, y, loss, off):
    def run():
        switch(off)  # every variant pays for this call, "all checks" included
        return bl.backward(net, bl.forward(net, x), y, loss)
    return run


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", nargs="*", default=None, help="names from run.WORKLOADS (default: all)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--rounds", type=int, default=21)
    p.add_argument("--min-time", type=float, default=0.03)
    p.add_argument("--torch", action="store_true", help="also time PyTorch and print every variant / PyTorch")
    args = p.parse_args(argv)
    torch = None
    if args.torch:
        import torch
        torch.set_num_threads(1)
    T.set_threads(1)
    R.settle_allocator()
    variants = {"all checks": (), **{f"no {g}": (g,) for g in NO_OP}, "no checks": tuple(NO_OP)}
    print(f"variant / all checks, numpy single-threaded, CPU time, {args.rounds} rounds, {args.repeats} repeats")
    try:
        for w in R.WORKLOADS:
            if args.workloads is not None and w.name not in args.workloads:
                continue
            net, x, y = R.make_problem(w)
            fns = {name: variant(net, x, y, w.loss, off) for name, off in variants.items()}
            if torch is not None:
                fns["torch"] = C.torch_fn(net, x, y, w.loss)[0]
            rel = {name: [] for name in variants}
            vs_torch = {name: [] for name in variants}
            for _ in range(args.repeats):
                s = T.interleaved(fns, rounds=args.rounds, min_time=args.min_time, clock=time.process_time)
                for name in variants:
                    rel[name].append(T.ratio(s, name, "all checks"))
                    if torch is not None:
                        vs_torch[name].append(T.ratio(s, name, "torch"))
            print(f"{w.name}:")
            for name in variants:
                line = f"  {name:18s} {T.median(rel[name]):.3f} ({min(rel[name]):.3f}-{max(rel[name]):.3f})"
                if torch is not None:
                    line += (f"   / PyTorch {T.median(vs_torch[name]):.3f} "
                             f"({min(vs_torch[name]):.3f}-{max(vs_torch[name]):.3f})")
                print(line, flush=True)
    finally:
        switch(())
    return 0


if __name__ == "__main__":
    sys.exit(main())
