# Masthead. `make demo` runs the demo newsroom; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/constraints.txt pyproject.toml | cksum | cut -d' ' -f1)
TEST_ENV := DJANGO_SETTINGS_MODULE=masthead.settings.test
# Test processes (pytest-xdist): each has its own database, media and cache prefix.
TEST_WORKERS ?= 2

.PHONY: install system-deps bench-deps demo serve worker test lint e2e bench clean constraints

$(STAMP): pyproject.toml requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Debian packages the tests drive: chromium (browser tests), varnish (the front-cache
# test). Only what is missing is installed, once, as root.
VARNISHD := command -v varnishd >/dev/null || test -x /usr/sbin/varnishd
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	$(VARNISHD) || missing="$$missing varnish"; \
	[ -z "$$missing" ] || { \
	  echo "Installing Debian packages:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || { echo "Could not install$$missing: run as root or install them yourself"; exit 1; }; }

demo: install
	$(BIN)/masthead demo

serve: install
	$(BIN)/masthead serve

worker: install
	$(BIN)/masthead worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# axe-core (accessibility rules, run in Chromium by tests/browser/): from npm, pinned,
# into ./node_modules (git-ignored). npm comes with Debian's nodejs when it is missing.
AXE_VERSION := 4.14.1
AXE := node_modules/axe-core/axe.min.js
$(AXE):
	@command -v npm >/dev/null || { echo "Installing Debian packages: npm"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) \
	  || { echo "Could not install npm: run as root or install it yourself"; exit 1; }; }
	npm install --no-save --no-package-lock --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

test: install system-deps $(AXE) lint
	$(TEST_ENV) $(BIN)/masthead manage check --fail-level WARNING
	$(TEST_ENV) $(BIN)/masthead manage makemigrations --check --dry-run --noinput
	$(BIN)/pytest -q -n $(TEST_WORKERS)

e2e: install system-deps $(AXE)
	$(BIN)/pytest -q -m browser

# Debian packages the benchmarks drive: wrk (load), nginx (the static-file baseline),
# varnish (the front cache).
bench-deps:
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v nginx >/dev/null || missing="$$missing nginx-light"; \
	$(VARNISHD) || missing="$$missing varnish"; \
	[ -z "$$missing" ] || { \
	  echo "Installing Debian packages:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || { echo "Could not install$$missing: run as root or install them yourself"; exit 1; }; }

bench: install bench-deps
	$(BIN)/python -m bench

# Re-pin every dependency after changing pyproject.toml (commit the result).
constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^masthead' > requirements/constraints.txt

clean:
	rm -rf $(VENV) var node_modules
