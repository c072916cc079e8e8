# backprop-lab: the two commands in the README are `make lab` and `make test`.
#   make lab     create .venv if missing, install, start JupyterLab on notebooks/00_index.ipynb
#   make test    create .venv if missing, install, run pytest over tests/ and strict nbval over the notebooks
# Other targets come from mk/*.mk (e.g. make student, make bench, make screenshots).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# jupyter refuses to start as root unless told it may
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# strict nbval (--nbval, not --nbval-lax) over every notebook that is meant to be run as stored;
# mk/*.mk files may add more with NOTEBOOKS += ...
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider
# test targets that mk/*.mk files add with TEST_TARGETS += ...
TEST_TARGETS := test-unit test-notebooks

.PHONY: install lab test test-unit test-notebooks clean
.DEFAULT_GOAL := help

-include mk/*.mk

help:
	@echo "make lab    - install into $(VENV) if needed and open JupyterLab on notebooks/00_index.ipynb"
	@echo "make test   - install into $(VENV) if needed and run the whole test suite"
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The server's root is the repository and its start page the index, so the URL it prints opens
# 00_index.ipynb even where no browser is launched (a server, a container, WSL).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir=. \
		--LabApp.default_url=/lab/tree/notebooks/00_index.ipynb

test: $(TEST_TARGETS)

test-unit: $(STAMP)
	$(PY) -m pytest tests --ignore=tests/browser -q

test-notebooks: $(STAMP)
	$(PY) -m pytest $(NBVAL) -q $(NOTEBOOKS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

## make run-notebooks NB="notebooks/0X_....ipynb ..." - execute notebooks in place, as they are committed
run-notebooks: $(STAMP)
	$(PY) scripts/run_notebooks.py $(NB)
