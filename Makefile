# Masthead. `make demo` runs the demo newsroom; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/constraints.txt pyproject.toml | cksum | cut -d' ' -f1)
TEST_ENV := DJANGO_SETTINGS_MODULE=masthead.settings.test

.PHONY: install system-deps bench-deps demo serve worker test lint e2e bench clean constraints

$(STAMP): pyproject.toml requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Debian packages the browser tests and benchmarks drive (installed once, as root).
system-deps:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian packages: chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "Could not install chromium: run as root or install it yourself"; exit 1; }; }

demo: install
	$(BIN)/masthead demo

serve: install
	$(BIN)/masthead serve

worker: install
	$(BIN)/masthead worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install system-deps lint
	$(TEST_ENV) $(BIN)/masthead manage check --fail-level WARNING
	$(TEST_ENV) $(BIN)/masthead manage makemigrations --check --dry-run --noinput
	$(BIN)/pytest -q

e2e: install system-deps
	$(BIN)/pytest -q -m browser

# Debian packages the benchmarks drive: wrk (load), nginx (the static-file baseline).
bench-deps:
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { \
	  echo "Installing Debian packages: wrk nginx-light"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null) \
	  || { echo "Could not install wrk/nginx: run as root or install them yourself"; exit 1; }; }

bench: install bench-deps
	$(BIN)/python -m bench

# Re-pin every dependency after changing pyproject.toml (commit the result).
constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^masthead' > requirements/constraints.txt

clean:
	rm -rf $(VENV) var
