"""Interleaved timing: every contender is timed in each round, in a rotating order,
in one process, so that load from other users of the machine hits them all alike.
Reported numbers are medians over rounds; ratios are medians of per-round ratios."""

from __future__ import annotations

import ctypes
import gc
import os
import resource
import statistics
import time


def _openblas(action):
    """The loaded OpenBLAS's get_num_threads or set_num_threads function, or None."""
    import numpy  # noqa: F401  (loads the library)

    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line and "/" in line}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            for symbol in (f"scipy_openblas_{action}_num_threads64_", f"openblas_{action}_num_threads64_",
                           f"openblas_{action}_num_threads"):
                if hasattr(lib, symbol):
                    return getattr(lib, symbol)
    except OSError:
        pass
    return None


def numpy_threads():
    """The number of threads numpy's BLAS (OpenBLAS) uses, read from the loaded library."""
    get = _openblas("get")
    if get is not None:
        return int(get())
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return os.cpu_count() or 1


def set_threads(n, torch=None):
    """Make numpy's BLAS (and torch, if given) use n threads. Returns False if numpy's could not be set."""
    if torch is not None:
        torch.set_num_threads(n)
    set_ = _openblas("set")
    if set_ is None:
        return False
    set_.argtypes = [ctypes.c_int]
    set_(n)
    return numpy_threads() == n


def _loops_for(fn, min_time, clock):
    """How many back-to-back calls make one sample last at least min_time seconds."""
    n = 1
    while True:
        t0 = clock()
        for _ in range(n):
            fn()
        dt = clock() - t0
        if dt >= min_time:
            return n
        n = max(n * 2, int(n * min_time / max(dt, 1e-9) * 1.2))


def interleaved(fns, rounds=15, min_time=0.02, faults=None, clock=time.perf_counter):
    """Time each fn in ``fns`` (name -> callable), in ``rounds`` interleaved rounds.

    Returns name -> list of seconds per call (one per round). Garbage collection is
    off while a sample runs, as in timeit. ``faults`` (if a dict) receives name -> minor
    page faults per call, summed over the rounds: fresh pages the allocator had to map.
    ``clock``: time.perf_counter (wall time) or time.process_time (CPU time of the whole process,
    every thread included: on a shared machine it leaves out the time spent waiting for a core).
    """
    names = list(fns)
    for fn in fns.values():  # warm up caches, BLAS thread pools, torch's allocator
        fn()
        fn()
    loops = {name: _loops_for(fns[name], min_time, clock) for name in names}
    samples = {name: [] for name in names}
    flt = {name: 0 for name in names}
    calls = {name: 0 for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            fn, n = fns[name], loops[name]
            gc_was_on = gc.isenabled()
            gc.disable()
            try:
                f0 = _minflt()
                t0 = clock()
                for _ in range(n):
                    fn()
                dt = clock() - t0
                flt[name] += _minflt() - f0
                calls[name] += n
            finally:
                if gc_was_on:
                    gc.enable()
            samples[name].append(dt / n)
    if faults is not None:
        faults.update({name: flt[name] / calls[name] for name in names})
    return samples


def _minflt():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def median(xs):
    return statistics.median(xs)


def ratio(samples, num, den):
    """Median over rounds of samples[num][r] / samples[den][r]."""
    return statistics.median(a / b for a, b in zip(samples[num], samples[den]))


def spread(xs):
    """The interquartile range relative to the median, a noise indicator."""
    q = statistics.quantiles(xs, n=4)
    return (q[2] - q[0]) / statistics.median(xs)
