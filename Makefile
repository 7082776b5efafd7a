# The course's two commands are `make lab` and `make test`; everything else is for maintainers.
PYTHON   ?= python3
VENV     := .venv
BIN      := $(CURDIR)/$(VENV)/bin
STAMP    := $(VENV)/.installed
LAB_ARGS ?=
# JupyterLab refuses to run as root without this flag (containers, CI, some hubs).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
NBVAL    := --nbval-lax --nbval-current-env -p no:cacheprovider

.PHONY: setup lab test test-fast lint test-unit test-notebooks test-compat bench bench-widgets bench-attention bench-generate figures notebooks handout grade clean

setup: $(STAMP)

# Rebuilt only when requirements.txt or pyproject.toml change.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

lab: setup
	cd notebooks && $(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) 00_start_here.ipynb

test: lint test-unit test-notebooks

# The notebooks' code cells too (ruff reads .ipynb).
LINTED_NOTEBOOKS := $(wildcard notebooks/0*_*.ipynb)
lint: setup
	$(BIN)/ruff check alibi_edu tests notebooks/solutions $(LINTED_NOTEBOOKS)

# The quick loop: core, exercises, widgets, lm and the rest, without kernels, browsers or model training.
test-fast: setup
	@tmp=$$(mktemp -d) && ALIBI_EDU_DATA_DIR="$$tmp" $(BIN)/python -m pytest -q -m "not browser and not slow and not kernel" tests; \
	rc=$$?; rm -rf "$$tmp"; exit $$rc

# Exercise progress goes to a throw-away folder: tests never touch a student's saved progress.
test-unit: setup
	@tmp=$$(mktemp -d) && ALIBI_EDU_DATA_DIR="$$tmp" $(BIN)/python -m pytest tests; rc=$$?; rm -rf "$$tmp"; exit $$rc

# nbval runs on a temporary copy: tests never touch the student notebooks.
# pytest exits 5 when it collects nothing (no notebooks yet); that is not a failure.
test-notebooks: setup
	@tmp=$$(mktemp -d) && mkdir -p "$$tmp/notebooks" && cp -r notebooks/. "$$tmp/notebooks/" && \
	ALIBI_EDU_DATA_DIR="$$tmp/data" $(BIN)/python -m pytest $(NBVAL) --rootdir "$$tmp" "$$tmp/notebooks"; rc=$$?; \
	rm -rf "$$tmp"; if [ $$rc -eq 5 ]; then echo "no notebooks to validate"; exit 0; fi; exit $$rc

# The course on Google Colab's widget stack (.ci/colab-constraints.txt: ipywidgets 7.7, Notebook 6.5 ...) in a venv of
# its own, build/venv-compat: the wheel installs without upgrading them and works outside the repository, notebook
# 00's first cell installs it into a kernel without it, nbval runs every notebook, the browser test the classic
# Notebook. Needs no .venv; about 10 minutes.
test-compat:
	bash .ci/test-compat

bench: bench-widgets bench-attention bench-generate

bench-widgets: setup
	$(BIN)/python -m alibi_edu.bench widgets

bench-attention: setup
	$(BIN)/python -m alibi_edu.bench attention

bench-generate: setup
	$(BIN)/python -m alibi_edu.bench generate

# Maintainers: regenerate the committed gallery.
figures: setup
	$(BIN)/python -m alibi_edu.gallery figures
	FIGURES_DIR=$(CURDIR)/figures $(BIN)/python -m pytest -m browser tests/test_browser.py

# The text sources notebooks/src/*.py are the truth; this executes them into notebooks/*.ipynb (NB=04 for one).
NB ?=
notebooks: setup
	@tmp=$$(mktemp -d) && ALIBI_EDU_DATA_DIR="$$tmp" $(BIN)/python -m alibi_edu.build $(NB); \
	rc=$$?; rm -rf "$$tmp"; exit $$rc

# Instructors: the student copy in dist/handout (SOLUTIONS=1 keeps the solutions; EXAM=1 writes dist/exam, without
# the graded exercises' answers), and grading of collected notebooks:
# make grade SUBMISSIONS=folder [GRADES=grades.csv] [GRADEBOOK=gradebook.csv] [GRADESCOPE=dir] [FEEDBACK=dir]
# [CONFIG=grading.toml] [TIMEOUT=300]. CONFIG names the graded exercises and their points (default grading.toml).
GRADES  ?= grades.csv
TIMEOUT ?= 300
CONFIG  ?=
yes      = $(filter 1 yes true,$(1))
HANDOUT ?= dist/$(if $(call yes,$(EXAM)),exam,handout)

handout: setup
	$(BIN)/python -m alibi_edu.handout --out "$(HANDOUT)" $(if $(call yes,$(SOLUTIONS)),--solutions,) \
		$(if $(call yes,$(EXAM)),--exam,) $(if $(CONFIG),--config "$(CONFIG)",) $(if $(SOURCE),--source "$(SOURCE)",)

grade: setup
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [GRADES=grades.csv] [GRADEBOOK=file] [GRADESCOPE=dir] [FEEDBACK=dir] [CONFIG=grading.toml] [TIMEOUT=300]"; exit 2; }
	$(BIN)/python -m alibi_edu.grade "$(SUBMISSIONS)" --out "$(GRADES)" --timeout $(TIMEOUT) \
		$(if $(CONFIG),--config "$(CONFIG)",) $(if $(GRADEBOOK),--gradebook "$(GRADEBOOK)",) \
		$(if $(GRADESCOPE),--gradescope "$(GRADESCOPE)",) $(if $(FEEDBACK),--feedback "$(FEEDBACK)",)

# Instructors: the course's Gradescope autograder (docs/grading.md), a zip to upload: setup.sh, run_autograder, the
# grading file and the course's wheel. make autograder [AUTOGRADER=autograder.zip] [CONFIG=grading.toml] [TIMEOUT=300]
AUTOGRADER ?= autograder.zip
.PHONY: autograder
autograder: setup
	$(BIN)/python -m alibi_edu.grade.autograder --out "$(AUTOGRADER)" --timeout $(TIMEOUT) \
		$(if $(CONFIG),--config "$(CONFIG)",)

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis

# The course as a website, from the committed notebooks (never executed), in build/site (SITE_OUT=...): Sphinx +
# MyST-NB in a venv of its own (build/venv-site, requirements-site.txt), MathJax from npm (site/package.json).
# SITE_REPO_URL=https://github.com/OWNER/REPO adds each notebook's launch links (Colab, Binder, .ipynb).
.PHONY: site
SITE_VENV := build/venv-site
SITE_NPM  := build/site-npm
SITE_OUT  ?= build/site

$(SITE_VENV)/.installed: requirements-site.txt
	@test -x $(SITE_VENV)/bin/python || $(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-site.txt
	@touch $@

$(SITE_NPM)/.installed: site/package.json site/package-lock.json
	@mkdir -p $(SITE_NPM) && cp site/package.json site/package-lock.json $(SITE_NPM)/
	cd $(SITE_NPM) && npm ci --no-audit --no-fund --silent
	@touch $@

site: $(SITE_VENV)/.installed $(SITE_NPM)/.installed
	$(SITE_VENV)/bin/python site/build.py --out "$(SITE_OUT)"
