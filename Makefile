# The two front-door commands: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The staff dashboard (frontend/) needs Node 20 and npm; without them its checks are skipped in one line.
NPM    := $(shell command -v npm 2>/dev/null)
NODE_MODULES := frontend/node_modules/.package-lock.json
# The dashboard's browser suite runs in Debian's Chromium (never a downloaded browser).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test install lint format typecheck architecture security check schema-doc clean help frontend-check browser-check

help:
	@echo "make run    - the whole platform on embedded PostgreSQL + Redis (or DATABASE_URL/REDIS_URL)"
	@echo "make test   - the whole test suite (with the dashboard's lint, type check and unit tests)"
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

test: install frontend-check
	$(BIN)/python -m pytest
	@$(MAKE) --no-print-directory browser-check

# The staff dashboard in a real Chromium (backend/tests/browser): `make run`'s stack, seeded,
# driven by Playwright (frontend/e2e). Without Chromium it is skipped in one line.
browser-check:
ifeq ($(NPM),)
	@echo "Node 20 and npm not found: skipping the dashboard's browser tests (install Node 20, see README)"
else
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Chromium not found: skipping the dashboard's browser tests (install it: sudo apt-get install chromium)"; \
	else \
	  $(MAKE) --no-print-directory $(NODE_MODULES) && \
	  $(BIN)/python -m pytest -m browser backend/tests/browser -q; \
	fi
endif

# npm ci again whenever package-lock.json is newer than the installed tree.
$(NODE_MODULES): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend-check:
ifeq ($(NPM),)
	@echo "Node 20 and npm not found: skipping the staff dashboard's checks (install Node 20, see README)"
else
	@$(MAKE) --no-print-directory $(NODE_MODULES)
	cd frontend && npm run --silent lint && npm run --silent typecheck && npm test --silent
endif

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache frontend/node_modules frontend/dist frontend/test-results
