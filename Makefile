# One entry point for readers, developers and CI. Every target sets up what it needs itself.
# `make book` builds the book into _build/html; `make test` runs every test.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# MathJax served by the book itself, so math renders with no network (package.json, package-lock.json).
NODE_STAMP := node_modules/.package-lock.json

.PHONY: book test setup notebooks lint typecheck unit nbval build-strict browser bench clean

book: $(STAMP) $(NODE_STAMP)
	$(BIN)/jupyter-book build . --all -W -n --keep-going

test: lint typecheck unit nbval build-strict browser jupyterlab

setup: $(STAMP)

# Re-install whenever the dependency lists change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e '.[test]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The book serves its own MathJax, installed with npm: install Node.js and npm (e.g. apt-get install npm), then run make again." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

# Re-execute every notebook top to bottom and store its outputs: the record nbval compares against.
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py book
	$(BIN)/python tools/prose_numbers.py book

lint: $(STAMP)
	$(BIN)/ruff check l1l2 tests benchmarks tools conftest.py
	$(BIN)/ruff format --check l1l2 tests benchmarks tools conftest.py

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

nbval: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval-sanitize.cfg book/ -o addopts="" -o testpaths=""

build-strict: $(STAMP) $(NODE_STAMP)
	rm -rf _build/html
	$(BIN)/jupyter-book build . --all -W -n --keep-going

# The browser test opens the pages of the strict build.
browser: build-strict
	$(BIN)/pytest tests/browser -o addopts="-ra" -o testpaths=""

# Every notebook opened, run and read in JupyterLab (and the first in Notebook 7) from .venv, in
# headless Chromium; screenshots in _build/jupyterlab-screenshots/.
.PHONY: jupyterlab
jupyterlab: $(STAMP)
	$(BIN)/pytest tests/frontends -o addopts="-ra" -o testpaths=""

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .pytest_cache .mypy_cache .ruff_cache .hypothesis
