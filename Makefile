# Licentia: two commands. `make demo` runs the demo; `make test` runs every quality gate.
# Python: 3.12 if the machine has it (Django 6), else python3 (then Django 5.2 LTS).
PYTHON ?= $(shell for p in python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 python3; do \
	$$p -c 'import venv' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: demo test install lint typecheck test-sqlite test-postgres benchmark benchmark-postgres clean

$(BIN)/licentia: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/licentia

install: $(BIN)/licentia

demo: install
	$(BIN)/licentia demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test-sqlite: install
	$(BIN)/python -m pytest

# CI must run the PostgreSQL suite; elsewhere it is skipped, with the reason, when no server answers.
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL='$(POSTGRES_URL)' $(BIN)/python -m pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(POSTGRES_URL) is not reachable, and CI must run the PostgreSQL tests"; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL test run: no server reachable at $(POSTGRES_URL) (set POSTGRES_URL to use another)"; \
	fi

test: lint typecheck test-sqlite test-postgres

benchmark: install
	$(BIN)/python benchmarks/classification/run.py
	$(BIN)/python benchmarks/screening/run.py
	$(BIN)/python benchmarks/rules/run.py
	$(BIN)/python benchmarks/risk/run.py
	$(BIN)/python benchmarks/coordination/run.py

# Need PostgreSQL at $(POSTGRES_URL)'s server; each creates and drops its own database.
benchmark-postgres: install
	DATABASE_URL='$(POSTGRES_URL)' $(BIN)/python benchmarks/reports/run.py
	$(BIN)/python benchmarks/load/run.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
