# Two commands: `make lab` (the package + JupyterLab, nothing else) and `make test` (adds the
# test stack). Both set up what they need first, in .venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LAB_STAMP  := $(VENV)/.installed-lab
TEST_STAMP := $(VENV)/.installed-test
LITE_STAMP := $(VENV)/.installed-lite
# The notebook `make lab` opens; Binder's badge opens the same path (?labpath=...).
LECTURE1 := notebooks/01_backprop_by_hand.ipynb

.PHONY: setup setup-lab system system-browser lab test lint bench clean js js-deps lite \
        dist binder-lock pages

# setup-lab: what running the lectures needs; setup: that plus the test stack (one pip run
# from a fresh clone: the `test` extra includes `lab`).
setup-lab: system $(LAB_STAMP)
setup: system $(TEST_STAMP)

# Debian packages: Graphviz's `dot` (always) and Chromium (for the browser test).
system:
	@$(PYTHON) -c "import sys" || { echo "python3 is needed"; exit 1; }
	@if ! command -v dot >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Graphviz (dot) with apt-get ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "Graphviz's 'dot' is missing. Install it with one of:"; \
	    echo "  sudo apt-get install graphviz   (Debian/Ubuntu)"; \
	    echo "  conda install -c conda-forge graphviz python-graphviz"; \
	    echo "  brew install graphviz           (macOS)"; \
	    exit 1; \
	  fi; \
	fi

system-browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium with apt-get (browser test) ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: the browser test will be skipped (sudo apt-get install chromium)."; \
	  fi; \
	fi
	@if ! fc-list :lang=ko 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing fonts-noto-cjk with apt-get (Korean Stepper, lang='ko') ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	  else \
	    echo "No Korean font: Hangul will show as boxes (sudo apt-get install fonts-noto-cjk)."; \
	  fi; \
	fi

# $(call install,EXTRA): .venv with the package (editable) and that extra, and its kernel
define install
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[$(1)]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
endef

$(LAB_STAMP): pyproject.toml
	$(call install,lab)
	touch $(LAB_STAMP)

$(TEST_STAMP): pyproject.toml
	$(call install,test)
	touch $(TEST_STAMP) $(LAB_STAMP)

# JupyterLab serves the repository root, so its URLs are Binder's:
# /lab/tree/notebooks/01_backprop_by_hand.ipynb here and there.
# LAB_ARGS: extra options for JupyterLab, e.g. LAB_ARGS="--no-browser --port=8899".
LAB_ARGS ?=
lab: setup-lab
	$(VENV)/bin/jupyter lab $$([ "$$(id -u)" = "0" ] && echo --allow-root) \
	  --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/$(LECTURE1) $(LAB_ARGS)

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .

# pytest exits 5 when it collected no test: that fails `make test` (and CI) loudly.
# Every test, in two runs: all but the browser tests on two workers (pytest-xdist, a module per
# worker; wheel builds take turns: tests/build_support.py), then the browser tests one at a time (each
# drives a JupyterLab server and Chromium). PYTEST_ARGS="..." runs one plain pytest instead.
# pytest's exit 5 (nothing collected) is a failure, said as such.
PYTEST = $(PY) -m pytest -q
test: setup system-browser js-deps lint
	@run() { $(PYTEST) "$$@"; code=$$?; \
	  if [ $$code -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)" >&2; fi; \
	  return $$code; }; \
	if [ -n "$(PYTEST_ARGS)" ]; then run --durations=25 $(PYTEST_ARGS); \
	else run -n 2 --dist loadscope -m "not browser" --durations=15 && \
	     run -m browser --durations=10; fi

$(LITE_STAMP): $(LAB_STAMP)
	$(PY) -m pip install -q -e ".[lite]"
	touch $(LITE_STAMP)

# The wheel and sdist in dist/ (the lectures go into the wheel as package data).
dist: setup-lab $(LITE_STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist .

# The JupyterLite course site in lite/_output: the lectures, the wheel, the Pyodide kernel.
# See docs/deploy.md (GitHub Pages; what needs the network).
# PYODIDE=npm ships Pyodide's core (npm registry) in the site; its packages still come
# from the CDN. See docs/deploy.md.
PYODIDE ?=
lite: setup-lab $(LITE_STAMP)
	$(PY) lite/build.py $(if $(PYODIDE),--pyodide $(PYODIDE))

# Build the site and publish it on the gh-pages branch of `origin` (GitHub Pages).
pages: lite
	$(PY) -m pip install -q "ghp-import>=2.1"
	$(VENV)/bin/ghp-import --no-jekyll --push --force \
	  --message "JupyterLite course site" lite/_output

# Binder's exact pins, from this venv: run after changing pyproject's dependencies
# (tests/test_binder.py fails when a runtime dependency is unpinned or out of range).
binder-lock: setup-lab
	$(PY) binder/lock.py > binder/requirements.txt

# The browser view: js/src -> autodiff_viz/render/static/{view,graphviz}.js (committed, so
# pip install needs no Node). tests/render/test_bundle.py fails when they are stale.
js:
	cd js && npm ci --no-audit --no-fund && node build.mjs

# Node packages for the bundle test's rebuild (skipped quietly when Node is missing).
js-deps:
	@if command -v npm >/dev/null 2>&1 && [ ! -d js/node_modules ]; then \
	  (cd js && npm ci --no-audit --no-fund --silent) || echo "npm ci failed: the bundle rebuild test will be skipped"; \
	fi

bench: setup
	$(PY) benchmarks/engine.py

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache dist build lite/_output lite/.jupyterlite.doit.db
