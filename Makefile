# Two commands: `make lab` and `make test`. Both set up everything first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup system lab test test-fast lint bench clean js js-deps

setup: system $(STAMP)

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

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[lab,test]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# LAB_ARGS: extra options for JupyterLab, e.g. LAB_ARGS="--no-browser --port=8899".
LAB_ARGS ?=
lab: setup
	$(VENV)/bin/jupyter lab $$([ "$$(id -u)" = "0" ] && echo --allow-root) $(LAB_ARGS) \
	  notebooks/01_backprop_by_hand.ipynb

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: setup system-browser js-deps lint
	$(PY) -m pytest -q --durations=15 $(PYTEST_ARGS)

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
	rm -rf $(VENV) test-artifacts .pytest_cache
