# Lodestar: `make run` to try it, `make test` to check it. Everything lives in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run serve test lint fmt bench bench-matching bench-slots bench-reminders bench-dashboards install install-test migrate demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.test: requirements/test.txt requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $(VENV)/.base $@

install: $(VENV)/.base

install-test: $(VENV)/.test

migrate: install
	$(MANAGE) migrate --noinput

# Demo data only on an empty database, so a second `make run` keeps what you changed.
demo: migrate
	@if $(MANAGE) is_empty; then $(MANAGE) seed_demo; else echo "Database has data: demo data not loaded."; fi

run: demo
	@bash scripts/run.sh

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The API fuzzing of `make test` (tests/test_api_fuzz.py) with ten times the examples.
.PHONY: fuzz
fuzz: install-test
	FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest tests/test_api_fuzz.py $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run
	@# Production settings must pass Django's deployment checklist without a warning.
	DEBUG=false SECRET_KEY=lint-only-key-never-used-to-sign-anything-0123456789-ABCDEFGHIJ \
		ALLOWED_HOSTS=lodestar.example.org DATA_DIR=$$(mktemp -d) \
		$(MANAGE) check --deploy --fail-level WARNING

fmt: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: bench-matching bench-slots bench-reminders bench-dashboards

# Issue 5 figures, side by side with scipy's linear_sum_assignment; `--quick` for a smoke run.
bench-matching: install-test
	$(BIN)/python -m benchmarks.matching $(BENCH_ARGS)

# Issue 7: mutual free slots of a pair over four weeks vs a minute-by-minute scan; `--db` adds
# the database version on a throwaway SQLite.
bench-slots: install-test
	$(BIN)/python -m benchmarks.slot_search $(BENCH_ARGS)

# Issue 7: the 24-hour reminder job over 20,000 members and 50,000 meetings on SQLite and
# PostgreSQL (BENCH_PG_URL) vs rendering the same e-mails in a loop; `--no-postgres` for SQLite.
bench-reminders: install-test
	$(BIN)/python -m benchmarks.reminders $(BENCH_ARGS)

# Issue 8: each dashboard section vs a plain count query over the same table, on generated data
# (`--quick`: 10,000 members; the full size is the issue's 100,000).
bench-dashboards: install-test
	$(BIN)/python -m benchmarks.dashboards $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data
