# Benchmarks (issue 7): forward + backward against a naive per-example loop, PyTorch autograd
# (optional, only if installed) and the matrix-product floor; stepper and notebook timings.
#   make bench            workloads, scaling sweeps, stepper, notebooks; writes benchmarks/results.md
#                         and docs/images/bench_*.png. Works without torch (it says it skipped that column).
#   make bench-torch      installs torch==2.13.0 into $(VENV) (never a requirement), then runs make bench
#   make bench-make-test  also times `make install` + `make test` in a fresh clone (slow)

.PHONY: bench bench-torch bench-make-test

## make bench           - time forward+backward vs naive loop / PyTorch (if installed) / matmul floor
bench: $(STAMP)
	$(PY) benchmarks/run.py --notebooks $(NOTEBOOKS)

## make bench-torch     - install torch==2.13.0 into the venv (optional reference), then make bench
bench-torch: $(STAMP)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) benchmarks/run.py --notebooks $(NOTEBOOKS)

## make bench-make-test - make bench, plus make install + make test timed in a fresh clone
bench-make-test: $(STAMP)
	$(PY) benchmarks/run.py --notebooks $(NOTEBOOKS) --make-test
