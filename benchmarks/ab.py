"""A/B: two versions of backprop_lab's forward + backward, timed side by side in one process.

    python benchmarks/ab.py HEAD~1                 # HEAD~1 (A) against the working tree (B)
    python benchmarks/ab.py HEAD~1 HEAD            # two commits
    python benchmarks/ab.py HEAD HEAD              # an A/A control: how much two identical copies differ
    python benchmarks/ab.py HEAD~1 --repeats 3 --rounds 31

Both versions are extracted from git (or copied from the working tree) into a temporary directory
under new package names, so neither is "the installed package" and both pay the same import and
lookup costs. Each workload of run.py (MNIST-size, classroom, deep) is built by each version from the
same seed, then ``v.backward(net, v.forward(net, x), y, loss)`` of the two are timed interleaved
(timing.interleaved), numpy single-threaded, by CPU time. Printed: B / A per workload, the median of
per-round ratios, for each repeat (< 1 means B is faster). Before timing, B's dW and db are checked
against A's.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

import run as R
import timing as T

ROOT = Path(__file__).resolve().parent.parent


def extract(rev, dest, name):
    """backprop_lab at ``rev`` (a git revision, or "WORKTREE") as package ``name`` under ``dest``."""
    target = dest / name
    if rev == "WORKTREE":
        shutil.copytree(ROOT / "backprop_lab", target, ignore=shutil.ignore_patterns("__pycache__"))
        return target
    archive = dest / f"{name}.tar"
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), rev, "backprop_lab"], cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest / f"{name}_src", filter="data")
    (dest / f"{name}_src" / "backprop_lab").rename(target)
    return target


def contender(bl, w):
    net = bl.Network.random(w.sizes, w.activations, seed=0, init=w.init)
    _, x, y = R.make_problem(w)

    def run():
        return bl.backward(net, bl.forward(net, x), y, w.loss)

    return run


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a", help="git revision of version A")
    p.add_argument("b", nargs="?", default="WORKTREE", help="git revision of version B (default: the working tree)")
    p.add_argument("--rounds", type=int, default=31)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--min-time", type=float, default=0.02)
    p.add_argument("--workloads", nargs="*", default=None, help="names from run.WORKLOADS (default: all)")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ab-"))
    try:
        extract(args.a, tmp, "bl_a")
        extract(args.b, tmp, "bl_b")
        sys.path.insert(0, str(tmp))
        A, B = importlib.import_module("bl_a"), importlib.import_module("bl_b")
        T.set_threads(1)
        workloads = [w for w in R.WORKLOADS if args.workloads is None or w.name in args.workloads]
        print(f"A = {args.a}, B = {args.b}; B / A, numpy single-threaded, CPU time, {args.rounds} rounds")
        results = {w.name: [] for w in workloads}
        for w in workloads:  # check that the two versions compute the same gradients
            ga, gb = contender(A, w)(), contender(B, w)()
            diff = max(float(np.max(np.abs(np.asarray(p) - np.asarray(q))))
                       for p, q in zip(list(ga.dW) + list(ga.db), list(gb.dW) + list(gb.db)))
            print(f"  {w.name}: max |dW_B - dW_A|, |db_B - db_A| = {diff:.1e}")
        for rep in range(args.repeats):
            for w in workloads:
                s = T.interleaved({"a": contender(A, w), "b": contender(B, w)}, rounds=args.rounds,
                                  min_time=args.min_time, clock=time.process_time)
                r = T.ratio(s, "b", "a")
                results[w.name].append(r)
                print(f"  repeat {rep + 1}: {w.name:11s} A {R._fmt_t(T.median(s['a']))}  B {R._fmt_t(T.median(s['b']))}"
                      f"  B / A {r:.3f}", flush=True)
        print("B / A over the repeats: " + "; ".join(
            f"{n} {min(v):.3f}-{max(v):.3f} (median {T.median(v):.3f})" for n, v in results.items()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
