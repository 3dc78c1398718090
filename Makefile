# Neural Networks from Scratch with JAX: build and verify the book.
#
#   make book    build the site into _build/html (executes every chapter)
#   make test    build from clean, then run every check (a timing table at the end)
#   make check   the everyday loop: unit tests, an incremental build, nbval of the
#                chapters whose outputs changed since they were last verified
#   make bench-test  check the test budgets (chapter time vs. the floor, last make test)
#   make serve   preview the built site on http://127.0.0.1:8000
#   make bench   time dl_workshop.fit against the loops people write (benchmarks/results.md)
#   make pdf     the whole book as one PDF, _build/latex/book.pdf (TeX Live), then its checks
#   make pdf-check  check the PDF against the site (numbers, 300 dpi, links, BibTeX)
#   make lab     open the chapters' reader notebooks in JupyterLab (as Binder does)
#
# The first call creates .venv from requirements.lock; nothing else is needed
# beyond python3 and make (and root, or a preinstalled Chromium, for the
# browser tests).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
# DEPS=lock (default) installs exactly requirements.lock; DEPS=latest installs the
# newest releases allowed by pyproject.toml into a separate venv (weekly CI job).
DEPS ?= lock
ifeq ($(DEPS),latest)
VENV ?= .venv-latest
INSTALL_DEPS = $(BIN)/python -m pip install --quiet --upgrade ".[book,test]"
LOCK_HASH := latest
else
VENV ?= .venv
INSTALL_DEPS = $(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
# The venv is (re)installed whenever the lock or pyproject.toml changes.
LOCK_HASH := $(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
endif
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(LOCK_HASH)
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py
CHROMIUM ?= /usr/bin/chromium
# Debian's TeX Live, enough for `make pdf` (XeLaTeX, GNU FreeFont fonts, xindy for the index),
# and poppler-utils for the checks of the PDF (tools/check_pdf.py).
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
                texlive-xetex latexmk fonts-freefont-otf xindy poppler-utils
PORT ?= 8000

# Every command runs this checkout's library, whatever the venv was installed from.
export PYTHONPATH := $(CURDIR)/src
# Keep JAX on the CPU and quiet about it.
export JAX_PLATFORMS := cpu
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# JAX's persistent compilation cache, shared by every kernel this Makefile starts (the
# build's, nbval's): a function compiled by the build is loaded, not recompiled, by nbval
# (chapter 5: 128 s without, 80 s with a warm cache, on a loaded machine). `make clean`
# empties it; `make book-clean` keeps it.
export JAX_COMPILATION_CACHE_DIR := $(CURDIR)/_build/jax_cache
export JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS := 0
export JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES := 0
# Install from PyPI and the lock only (ignore any machine-wide extra indexes).
export PIP_FIND_LINKS :=
export PIP_EXTRA_INDEX_URL :=

.PHONY: help venv book book-clean test test-unit test-notebooks test-pipeline \
        test-figures test-launch test-site test-workflows serve bench lock pdf pdf-check clean chromium \
        check bench-test
TIMED := $(BIN)/python tools/suite_times.py

help:
	@sed -n '2,/^$$/p' Makefile

$(STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(INSTALL_DEPS)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP) $(KERNEL_CONFIG)

# Kernels started from the venv (the build's, nbval's) give every figure an SVG and a
# 300-dpi PNG rendition, so the book can export it (book/_ext/citable).
$(KERNEL_CONFIG): book/_ext/citable/ipython_kernel_config.py $(STAMP)
	install -D -m 644 $< $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (Debian) first." >&2; exit 1; fi; }

# Warnings are errors (-W -n), a raising cell is an error (book/_ext/build_checks.py), and
# pipefail keeps jupyter-book's exit status through the tee. A failed build removes
# _build/html, so no page from an earlier build is taken for the current one; the next
# `make book` re-executes the chapters that failed and reuses the cache for the others.
book: $(STAMP) $(KERNEL_CONFIG)
	mkdir -p _build
	@echo "$(BIN)/jupyter-book build . --builder html -W -n --keep-going"
	@$(BIN)/jupyter-book build . --builder html -W -n --keep-going 2>&1 | tee _build/build.log \
	  | grep -v -e 'Kernel is running over TCP without encryption' || { \
	  rm -rf _build/html; \
	  echo "The build FAILED (the messages above say where and why); _build/html was removed" \
	       "so that no stale page looks current. Fix the chapter and run 'make book' again." >&2; \
	  exit 1; }
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html (or run 'make serve')."

# The whole book as one PDF, through Jupyter Book's LaTeX builder (not part of `make test`;
# needs TeX Live, installed here with apt-get when run as root). Its kernels get the same
# figure settings as `make book` (300-dpi renditions), and the execution cache is keyed on
# the settings the kernels really read (book/_ext/cache_key.py), so the two builds share
# only clean results. Warnings are errors: a figure without its print rendition fails.
pdf: $(STAMP) $(KERNEL_CONFIG)
	@missing=$$(dpkg-query -W -f='$${db:Status-Status} $${Package}\n' $(TEX_PACKAGES) 2>&1 | grep -v '^installed ' || true); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $(TEX_PACKAGES) >/dev/null; \
	  else echo "TeX Live is missing: run 'sudo apt-get install --no-install-recommends $(TEX_PACKAGES)' (Debian) first." >&2; exit 1; fi; \
	fi
	mkdir -p _build
	TEXINPUTS=":$(CURDIR)/book/_latex" $(BIN)/jupyter-book build . --builder pdflatex \
	  -W -n --keep-going 2>&1 | tee _build/pdf.log
	@test -s _build/latex/book.pdf
	$(MAKE) pdf-check
	@echo "The PDF is built: $(CURDIR)/_build/latex/book.pdf"

# The PDF's own checks: numbers as on the website, 300-dpi images, no broken link targets;
# and, once the site is built too, its BibTeX entries compiled with pdfLaTeX and BibTeX.
pdf-check: $(STAMP)
	$(BIN)/python tools/check_pdf.py _build/latex/book.pdf
	@if [ -f _build/html/figures/figures.json ]; then \
	  $(BIN)/python -m pytest tests/figures/test_bibtex_latex.py; \
	else echo "No built site: run 'make book' and 'make pdf-check' to compile its BibTeX too."; fi

# Everything the build made, except JAX's compilation cache: its entries are keyed on the
# exact computation, JAX version and flags, so reusing them cannot change an output, and
# it spares a clean build (and `make test`) recompiling every jitted function.
book-clean:
	@test ! -d _build || find _build -mindepth 1 -maxdepth 1 ! -name jax_cache -exec rm -rf {} +

# Launching the chapters (issues 5 and 10). `make book` writes every chapter's reader
# and student notebooks into the site (_build/html/notebooks, book/_ext/reader).
.PHONY: notebooks lab
COLAB_DIR ?= _build/colab
LAB_DIR ?= _build/lab
EDITIONS := _build/html/notebooks/index.json

# The tree that Colab and Binder open: the reader notebooks, with a Colab-only install
# cell pinned to this commit, the student notebooks, and the rest of the repository
# (.github/workflows/colab-notebooks.yml publishes it to colab_notebooks_branch).
notebooks: $(STAMP)
	@test -f $(EDITIONS) || { echo "No reader notebooks yet: run 'make book' first." >&2; exit 1; }
	$(BIN)/python tools/colab_notebooks.py --out $(COLAB_DIR)

# JupyterLab on the same tree, as Binder opens it (LAB_ARGS: extra options). The tree is
# made again only after a new build, so your edits survive until the next `make book`.
$(LAB_DIR)/GENERATED.md: $(EDITIONS)
	$(BIN)/python tools/colab_notebooks.py --out $(LAB_DIR)

$(EDITIONS):
	$(MAKE) book

# Its kernels ignore the build's figure settings, as Binder's do (BOOK_KERNEL_SETTINGS=0).
lab: $(STAMP) $(LAB_DIR)/GENERATED.md
	BOOK_KERNEL_SETTINGS=0 JUPYTER_CONFIG_PATH=$(CURDIR)/.jupyter $(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=$(abspath $(LAB_DIR)) $(LAB_ARGS)

# Every suite runs even if an earlier one failed; the table of their times comes last.
SUITES := unit notebooks pipeline figures launch site workflows
test: $(STAMP) chromium book-clean
	$(TIMED) reset
	@$(TIMED) run book -- $(MAKE) --no-print-directory book || { $(TIMED) table; exit 1; }
	@status=0; for suite in $(SUITES); do \
	  $(TIMED) run $$suite -- $(MAKE) --no-print-directory test-$$suite || status=1; done; \
	  echo; echo "make test: time per suite (budget: 15 min in all; 'make bench-test' checks it)"; \
	  $(TIMED) table; exit $$status

# The everyday loop after editing a chapter or the library: unit tests, an incremental
# build (cached chapters are not re-executed), then nbval of the executed notebooks whose
# outputs are not yet verified (tools/verified_notebooks.py keeps their hashes).
check: $(STAMP) $(KERNEL_CONFIG)
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory book
	@pending=$$($(BIN)/python tools/verified_notebooks.py pending); \
	if [ -z "$$pending" ]; then echo "nbval: every executed notebook is already verified."; \
	else $(MAKE) --no-print-directory test-notebooks NOTEBOOKS="$$pending"; fi

# Budgets of issue 17 (machine-dependent, so a benchmark, not a test).
bench-test: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/python tools/bench_test.py $(BENCH_ARGS)

# The suites run on every core (pytest-xdist; WORKERS=1 runs them in one process). Unit
# tests are spread one by one (--dist load): grouping their modules (loadgroup) was slower.
WORKERS ?= auto
XDIST = -n $(WORKERS)

# The unit tests compile hundreds of small programs, each once: there XLA's backend
# optimizations (LLVM's passes) cost more time than they save (175 s -> 140 s from a cold
# cache, on 2 cores). The arithmetic is IEEE either way, and the tests' tolerances are
# unchanged; the chapters, nbval and the benchmarks run with XLA's defaults.
UNIT_XLA_FLAGS := --xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true
test-unit: $(STAMP)
	XLA_FLAGS="$${XLA_FLAGS:-} $(UNIT_XLA_FLAGS)" $(BIN)/python -m pytest $(XDIST) tests/unit

# NOTEBOOKS: which executed notebooks to verify (all by default). The ones that pass
# are recorded as verified (for `make check`).
NOTEBOOKS ?= _build/jupyter_execute
test-notebooks: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/python -m pytest -v -p tests.nbval_build --nbval --nbval-current-env \
	  $(XDIST) --dist loadscope \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg -o filterwarnings= \
	  $(NOTEBOOKS)
	@$(BIN)/python tools/verified_notebooks.py record $(NOTEBOOKS)

test-pipeline: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) --dist loadgroup tests/pipeline

test-figures: $(STAMP) $(KERNEL_CONFIG) chromium
	$(BIN)/python -m pytest $(XDIST) --dist loadgroup tests/figures

test-launch: $(STAMP) chromium
	$(BIN)/python -m pytest $(XDIST) --dist loadgroup tests/launch

test-site: $(STAMP) chromium
	$(BIN)/python -m pytest $(XDIST) --dist loadgroup tests/site

test-workflows: $(STAMP)
	$(BIN)/zizmor --offline --min-severity low .github/workflows
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

serve:
	@test -d _build/html || { echo "Nothing to serve yet: run 'make book' first." >&2; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# Medians of 3 runs, written to benchmarks/results.md (shown on the status page): run it
# on an otherwise idle machine. `python benchmarks/bench_fit.py --quick` is a smoke test.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_fit.py --write

# Maintainers only: re-resolve the lock after changing pyproject.toml.
# rfc3987-syntax (with lark, its only user) is left out: jsonschema's format-nongpl extra
# pulls it in, and its import builds some thirty Earley parsers, about 3 s in every
# process that imports jsonschema: each chapter's kernel (through nbformat, via myst-nb's
# glue), each build and each Jupyter server. jsonschema only checks the "iri" formats with
# it, and skips them when it is missing (python-jsonschema/jsonschema#1428).
LOCK_OMITS := --no-emit-package rfc3987-syntax --no-emit-package lark
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra book --extra test --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu --generate-hashes $(LOCK_OMITS) \
	  --custom-compile-command "make lock" -o requirements.lock

clean:
	rm -rf _build
