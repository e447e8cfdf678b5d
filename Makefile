# Habits: make install | demo | test | test-fast | lint | check | bench | eval
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
SHARED ?= ../shared
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test test-fast lint check bench eval clean

install: $(STAMP)

# torch first, pinned: pip takes the CPU wheel that lies on the machine's disk (find-links);
# anything unpinned here would pull a multi-GB CUDA build from PyPI.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "torch==2.13.0"
	$(PIP) install --quiet -e '.[dev]'
	$(PY) -m tracker.embed --prepare
	touch $(STAMP)

demo: install
	$(PY) scripts/demo.py

test: install
	$(PY) -m pytest -q

# the everyday loop: everything but the slow suites (embedding, crash loops)
test-fast: install
	$(PY) -m pytest -q -m "not slow"

lint: install
	$(VENV)/bin/ruff check src tests scripts bench
	$(VENV)/bin/ruff format --check src tests scripts bench
	$(VENV)/bin/mypy

# what CI runs: style, formatting and types first, then the whole suite
check: lint test

bench: install
	$(PY) bench/run.py

eval: install
	$(PY) scripts/eval.py --shared $(SHARED)

clean:
	rm -rf $(VENV) build dist src/*.egg-info
