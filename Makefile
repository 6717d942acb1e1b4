# The two commands of the README work on a fresh machine with only python3:
#   make demo   set up .venv, install, run the main example
#   make test   set up .venv, install, run the whole suite (2 workers)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/mlp_digits.py

test: $(STAMP)
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest -n 2 tests

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) runs .pytest_cache .hypothesis
