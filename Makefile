# One entry point for readers, developers and CI. Every target sets up what it needs itself.
# `make book` builds the book into _build/html (strict: any warning fails); `make test` runs every
# test, its independent steps side by side.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
# MathJax served by the book itself, so math renders with no network (package.json, package-lock.json).
NODE_STAMP := node_modules/.package-lock.json
# pytest-xdist workers for the unit tests and nbval (`auto`: one per core; `make unit JOBS=0` runs
# them in one process).
JOBS   ?= auto
# Steps of `make test` that run at the same time (each pytest step has its own JOBS workers):
# after lint and typecheck (a second each), the four long ones at once.
TEST_JOBS ?= 4
# A command that runs a step behind the others (`make test` runs unit, nbval and jupyterlab
# behind the book and the browser test); empty when a step runs on its own.
BEHIND ?=
LINTED := l1l2 tests benchmarks tools book conftest.py
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg

.PHONY: book test quick setup notebooks lint typecheck unit nbval browser bench clean

# The strict build: any warning fails it. Removing the old output first means no page of an
# earlier build lingers for the browser test to open.
book: $(STAMP) $(NODE_STAMP)
	rm -rf _build/html
	$(BIN)/jupyter-book build . --all -W -n --keep-going

# Everything, side by side: the book builds and the browser opens it while the unit tests, nbval
# and the JupyterLab test run. Each step's output is printed whole when the step ends. The book
# and the browser test are the longest chain, so the other steps run behind them (nice): they
# take the CPU the chain leaves, instead of the chain running last and alone.
test: $(STAMP) $(NODE_STAMP)
	$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target BEHIND="nice -n 10" \
		lint typecheck browser unit nbval jupyterlab

# The check to run before every commit, in under a minute: lint, then the unit tests and
# doctests except tests/test_widgets.py (the explorers driven control by control, two thirds of
# `make unit`'s time; tests/test_figure_styles.py still builds both explorers and checks what they
# draw) and the Sphinx build of a small book in tests/test_prose_numbers.py (the longest single
# test; `make book` runs the same check on the whole book). Leaves out typecheck, the widgets'
# behaviour, nbval, the book and the browsers: `make test` runs them all.
QUICK_SKIPS := --ignore=tests/test_widgets.py \
	--deselect=tests/test_prose_numbers.py::test_strict_build_passes_and_fails_on_an_edited_literal
quick: lint
	$(BIN)/pytest -p no:cacheprovider -n $(JOBS) $(QUICK_SKIPS)

setup: $(STAMP)

# Re-install whenever the dependency lists change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e '.[test]'
	touch $@

# The benchmarks' extra (scikit-learn), installed once on top of the set-up and again after it.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The book serves its own MathJax, installed with npm: install Node.js and npm (e.g. apt-get install npm), then run make again." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

# Re-execute every notebook top to bottom and store its outputs: the record nbval compares against.
# Jupyter's own runner (nbconvert's ExecutePreprocessor, which is nbclient): in a fresh python3
# kernel of .venv, in the notebook's folder, each cell within 10 minutes, the widget state stored
# (the book embeds it), and no timestamps in the cells (`jupyter execute` cannot turn those off:
# every re-run would change every cell).
EXECUTE := --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=python3 \
	--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False \
	--ExecutePreprocessor.store_widget_state=True
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert $(EXECUTE) book/*.ipynb
	$(BIN)/python tools/prose_numbers.py book

# Ruff on the code and the notebooks' cells, the notebooks' stored outputs checked as the record
# nbval compares against (tools/check_notebooks.py), and the References page's list checked
# against references.bib (tools/references.py).
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/python tools/check_notebooks.py
	$(BIN)/python tools/references.py --check

typecheck: $(STAMP)
	$(BIN)/mypy

# The unit tests and doctests (pyproject.toml's testpaths), test by test to whichever of the JOBS
# processes is free: tests/test_widgets.py alone takes two thirds of the time, so whole modules per
# process would leave one idle. (The module-scoped fixtures, the chapters' data, take well under a
# second each to compute again.)
unit: $(STAMP)
	$(BEHIND) $(BIN)/pytest -n $(JOBS)

# Every notebook against its stored outputs, and the test that nbval fails when a number changes.
# --dist loadfile keeps a notebook's cells in order in one process (one kernel). The bites test
# (three nbval runs one after another) comes first, so that it does not start last and run alone.
nbval: $(STAMP)
	$(BEHIND) $(BIN)/pytest -p no:cacheprovider $(NBVAL) -n $(JOBS) --dist loadfile \
		-o addopts="-ra --strict-markers --strict-config" -o testpaths="" \
		tests/test_nbval_bites.py book/

# What the build wrote: the notebook archive read from its files, then every page opened in
# headless Chromium (skipped without it unless L1L2_REQUIRE_BROWSER=1). Like nbval it keeps no
# pytest cache: in `make test` it runs beside the unit tests, which keep theirs.
browser: book
	$(BIN)/pytest -p no:cacheprovider tests/book_html tests/browser \
		-o addopts="-ra --strict-markers" -o testpaths=""

# Every notebook opened and read in JupyterLab from .venv (chapter 11, the explorers, also run and
# its slider dragged; chapter 1 run in Notebook 7; nbval runs the rest), in
# headless Chromium; screenshots in _build/jupyterlab-screenshots/.
.PHONY: jupyterlab
jupyterlab: $(STAMP)
	$(BEHIND) $(BIN)/pytest -p no:cacheprovider tests/frontends -o addopts="-ra --strict-markers" -o testpaths=""

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .pytest_cache .mypy_cache .ruff_cache .hypothesis

# The package as an index gets it: the sdist and the wheel in dist/, their metadata and package
# page checked as an index renders them (twine check --strict). The sdist leaves out the tests
# that need the rest of the repository (pyproject.toml, [tool.hatch.build.targets.sdist]).
.PHONY: dist
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# The package as a reader gets it, outside .venv (tests/outside): the wheel built again and
# installed into fresh virtual environments, bare (the core works, the extras say how to install
# them) and with its notebooks extra (the package page's and README's examples, `l1l2 --help`,
# every chapter top to bottom in a kernel of that environment), and the unpacked sdist's tests.
# Minutes of pip installs from its cache: CI runs it after make test (.ci/run).
.PHONY: outside
outside: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider -s tests/outside -o addopts="-ra --strict-markers" \
		-o testpaths=""
