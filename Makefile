# The two front-door commands: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lint format typecheck architecture security check schema-doc clean help

help:
	@echo "make run    - the whole platform on embedded PostgreSQL + Redis (or DATABASE_URL/REDIS_URL)"
	@echo "make test   - the whole test suite"
	@echo "make check  - lint, format check, types, architecture contracts, security scan"
	@echo "make schema-doc - regenerate docs/DATABASE_SCHEMA.md's reference from a freshly migrated database"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/elcorp dev

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy

architecture: install
	PYTHONPATH=backend/src $(BIN)/lint-imports --no-cache

security: install
	$(BIN)/bandit -q -c pyproject.toml -r backend/src

check: lint typecheck architecture security

schema-doc: install
	$(BIN)/elcorp schema-doc

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
