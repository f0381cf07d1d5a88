# Improvement Plan Tracker: `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run demo test test-fast test-browser lint format check clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed ## Create .venv and install the app with its test tools

demo: install ## Migrate the SQLite database and load the demo data (safe to repeat)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo ## Set everything up and serve on http://127.0.0.1:8000
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install ## Run the whole suite (DATABASE_URL=postgres://... for PostgreSQL)
	$(PY) -m pytest

test-fast: install ## The suite without browser tests
	$(PY) -m pytest -m "not browser"

lint: install ## ruff
	$(VENV)/bin/ruff check .

check: install ## Django checks and migrations up to date
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean: ## Remove the virtualenv, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache .ruff_cache staticfiles
