"""A/B: two versions of backprop_lab's forward + backward, timed side by side in one process.

    python benchmarks/ab.py HEAD~1                 # HEAD~1 (A) against the working tree (B)
    python benchmarks/ab.py HEAD~1 HEAD            # two commits
    python benchmarks/ab.py HEAD HEAD              # an A/A control: how much two identical copies differ
    python benchmarks/ab.py HEAD~1 --repeats 3 --rounds 31
    python benchmarks/ab.py HEAD~2 HEAD~1 HEAD     # more versions, all against the first

Both versions are extracted from git (or copied from the working tree) into a temporary directory
under new package names, so neither is "the installed package" and both pay the same import and
lookup costs. Each workload of run.py (MNIST-size, classroom, deep) is built by each version from the
same seed, then ``v.backward(net, v.forward(net, x), y, loss)`` of every version are timed interleaved
(timing.interleaved), numpy single-threaded, by CPU time. Printed: version / A per workload, the median
of per-round ratios, for each repeat (< 1 means the version is faster than A). Before timing, every
version's dW and db are compared with A's (the largest difference is printed).
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

import contenders as C
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
    p.add_argument("a", help="git revision of version A, the reference")
    p.add_argument("b", nargs="*", default=["WORKTREE"],
                   help="git revisions of the versions compared with A (default: the working tree)")
    p.add_argument("--rounds", type=int, default=31)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--min-time", type=float, default=0.02)
    p.add_argument("--torch", action="store_true",
                   help="also time PyTorch autograd (contenders.torch_fn) and print every version / PyTorch")
    p.add_argument("--workloads", nargs="*", default=None, help="names from run.WORKLOADS (default: all)")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ab-"))
    try:
        revs = [args.a, *args.b]
        names = [f"bl_{i}" for i in range(len(revs))]
        for rev, name in zip(revs, names):
            extract(rev, tmp, name)
        sys.path.insert(0, str(tmp))
        versions = {rev if revs.count(rev) == 1 else f"{rev} ({i})": importlib.import_module(name)
                    for i, (rev, name) in enumerate(zip(revs, names))}
        ref = next(iter(versions))
        torch = None
        if args.torch:
            import torch
            torch.set_num_threads(1)
        T.set_threads(1)
        R.settle_allocator()  # as run.py does: no page faults from glibc handing memory back
        workloads = [w for w in R.WORKLOADS if args.workloads is None or w.name in args.workloads]
        print(f"each version / {ref}, numpy single-threaded, CPU time, {args.rounds} rounds")
        results = {(v, w.name): [] for v in versions if v != ref for w in workloads}
        vs_torch = {(v, w.name): [] for v in versions for w in workloads}
        for w in workloads:  # check that the versions compute the same gradients
            ga = contender(versions[ref], w)()
            for v, bl in versions.items():
                gb = contender(bl, w)()
                diff = max(float(np.max(np.abs(np.asarray(p) - np.asarray(q))))
                           for p, q in zip(list(ga.dW) + list(ga.db), list(gb.dW) + list(gb.db)))
                print(f"  {w.name}, {v}: max |dW - dW_ref|, |db - db_ref| = {diff:.1e}")
        for rep in range(args.repeats):
            for w in workloads:
                fns = {v: contender(bl, w) for v, bl in versions.items()}
                if torch is not None:
                    _, x, y = R.make_problem(w)
                    fns["torch"] = C.torch_fn(R.make_problem(w)[0], x, y, w.loss)[0]
                s = T.interleaved(fns, rounds=args.rounds, min_time=args.min_time, clock=time.process_time)
                if torch is not None:
                    for v in versions:
                        vs_torch[(v, w.name)].append(T.ratio(s, v, "torch"))
                line = f"  repeat {rep + 1}: {w.name:11s} {ref} {R.fmt_time(T.median(s[ref]))}"
                for v in versions:
                    if v != ref:
                        r = T.ratio(s, v, ref)
                        results[(v, w.name)].append(r)
                        line += f"  {v} {R.fmt_time(T.median(s[v]))} ({r:.3f})"
                if torch is not None:
                    line += f"  torch {R.fmt_time(T.median(s['torch']))}"
                print(line, flush=True)
        for v in versions:
            if v != ref:
                print(f"{v} / {ref} over the repeats: " + "; ".join(
                    f"{w.name} {min(results[(v, w.name)]):.3f}-{max(results[(v, w.name)]):.3f} "
                    f"(median {T.median(results[(v, w.name)]):.3f})" for w in workloads))
        if torch is not None:
            for v in versions:
                print(f"{v} / PyTorch over the repeats: " + "; ".join(
                    f"{w.name} {min(vs_torch[(v, w.name)]):.3f}-{max(vs_torch[(v, w.name)]):.3f} "
                    f"(median {T.median(vs_torch[(v, w.name)]):.3f})" for w in workloads))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
