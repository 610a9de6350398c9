# The two commands: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEV := DJANGO_DEBUG=1

.PHONY: run test lint install install-dev test-tools

# Serving needs only the runtime dependencies; the test tools come with `make test`.
$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

install-dev: $(BIN)/.installed-dev

# `seed` loads the sourced fixture into an empty database only: never over edits.
run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py seed
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test-tools:
	@scripts/ensure-test-tools

# Every core (pytest-xdist): a worker each, with its own test database.
test: install-dev test-tools
	$(BIN)/pytest -n auto

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
