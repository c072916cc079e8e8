# Classroom exercises (issue 5): masters with solutions in notebooks/exercises/source/, student
# versions in notebooks/exercises/, made with nbgrader's own preprocessors.
#   make student          regenerate the student versions from the masters (ClearSolutions,
#                         ClearHiddenTests, ClearOutput), mark them {"backprop_lab": {"unexecuted": true}}
#                         and make their links relative to notebooks/exercises/
#   make test-exercises   (part of make test) run every student version top to bottom and check that
#                         the committed student versions are what `make student` makes from the masters;
#                         then grade a set of submissions with nbgrader end to end (correct, every
#                         catalogued mistake, every cheat of issue 13, an infinite loop): about 3 minutes
# nbgrader lives in its own environment, $(IVENV), never in $(VENV): it adds menus and server
# extensions to every JupyterLab it is installed in. Both are created on first use.

IVENV  ?= .venv-instructor
IPY    := $(IVENV)/bin/python
ISTAMP := $(IVENV)/.installed
EXERCISE_MASTERS := $(sort $(wildcard notebooks/exercises/source/*.ipynb))
STUDENT_DIR ?= notebooks/exercises

# the masters are committed executed, so strict nbval checks their stored outputs
NOTEBOOKS += $(EXERCISE_MASTERS)
TEST_TARGETS += test-exercises

NBGRADER_PREPROCESSORS := ["nbgrader.preprocessors.ClearSolutions","nbgrader.preprocessors.ClearHiddenTests","nbgrader.preprocessors.ClearOutput"]
# Two small steps after nbgrader (neither touches a solution):
# - the student versions are meant to be run by the student, so they are stored without outputs and
#   say so in their metadata (the notebook hygiene test and the repo hook read it);
# - they live one folder above the masters, so the masters' links to the derivation notebooks,
#   ](../../02_output_delta.ipynb), become ](../02_output_delta.ipynb).
STUDENT_FIXUPS := import sys, nbformat; \
nbs = {p: nbformat.read(p, as_version=4) for p in sys.argv[1:]}; \
[nb.metadata.update(backprop_lab={"unexecuted": True}) for nb in nbs.values()]; \
[c.update(source=c.source.replace("](../../", "](../")) \
 for nb in nbs.values() for c in nb.cells if c.cell_type == "markdown"]; \
[nbformat.write(nb, p) for p, nb in nbs.items()]

.PHONY: student test-exercises instructor-venv

$(ISTAMP): requirements-instructor.txt requirements.txt pyproject.toml
	test -x $(IPY) || $(PYTHON) -m venv $(IVENV)
	$(IPY) -m pip install --quiet --upgrade pip
	$(IPY) -m pip install --quiet -r requirements-instructor.txt
	touch $(ISTAMP)

## make instructor-venv - create .venv-instructor with nbgrader (for make student and autograding)
instructor-venv: $(ISTAMP)

## make student         - regenerate notebooks/exercises/E*.ipynb from the masters with nbgrader
student: $(ISTAMP)
	@mkdir -p $(STUDENT_DIR)
	$(IVENV)/bin/jupyter nbconvert --log-level=WARN --to notebook \
		--Exporter.preprocessors='$(NBGRADER_PREPROCESSORS)' \
		--output-dir=$(STUDENT_DIR) $(EXERCISE_MASTERS)
	$(IPY) -c '$(STUDENT_FIXUPS)' $(addprefix $(STUDENT_DIR)/,$(notdir $(EXERCISE_MASTERS)))

## make test-exercises  - run the student versions top to bottom; check they are in sync with the masters;
##                        autograde submissions (right, mistaken, cheating, looping) with nbgrader
test-exercises: $(STAMP) $(ISTAMP)
	IVENV=$(IVENV) $(PY) -m pytest tests/check_exercise_notebooks.py tests/check_nbgrader_autograde.py \
		-q -p no:cacheprovider --durations=3
