# Improvement Plan Tracker: `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run demo test test-fast test-browser lint lint-imports typecheck import-graph \
	test-provider format check clean

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

test-provider: ## Install the test OpenID Connect provider (tests/oidc; skipped without npm)
	@if command -v npm >/dev/null 2>&1; then \
	  test -d tests/oidc/node_modules/oidc-provider || (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error); \
	else echo "npm not found: the single sign-on tests will be skipped"; fi

test: install test-provider ## Run the whole suite (DATABASE_URL=postgres://... for PostgreSQL)
	$(PY) -m pytest

test-fast: install test-provider ## The suite without browser tests
	$(PY) -m pytest -m "not browser"

test-browser: install ## Only the browser tests (headless Chromium)
	$(PY) -m pytest -m browser

lint: install ## ruff check, ruff format --check, import contracts, mypy (all run; fails if any fails)
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	$(VENV)/bin/lint-imports || status=1; \
	$(VENV)/bin/mypy || status=1; \
	exit $$status

lint-imports: install ## The import contracts between apps (pyproject.toml, ADR 0008)
	$(VENV)/bin/lint-imports

typecheck: install ## mypy with django-stubs (pyproject.toml, ADR 0008)
	$(VENV)/bin/mypy

import-graph: install ## Print the import graph between apps; fails on a cycle
	$(PY) -m devtools.import_graph

format: install ## Apply ruff's safe fixes, then format the code with ruff
	$(VENV)/bin/ruff check --fix --exit-zero .
	$(VENV)/bin/ruff format .

check: install ## Django checks and migrations up to date
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean: ## Remove the virtualenv, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache .ruff_cache staticfiles \
	  .mypy_cache .import_linter_cache .grimp_cache

# Benchmark (issue 7): PostgreSQL on 127.0.0.1:5432, locust in its own virtualenv (gevent stays out
# of .venv). Drops and recreates improvement_plans_bench and improvement_plans_bench_small.
BENCH_VENV := .bench-venv
.PHONY: bench
bench: install ## Benchmark pages (small, large, xl), pack PDFs, 230 concurrent users, import timings and two servers on PostgreSQL (about 40 minutes)
	@pg_isready -h 127.0.0.1 -p 5432 -q || { pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start; \
	  for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL cannot be reached on 127.0.0.1:5432"; exit 1; }
	@test -x $(BENCH_VENV)/bin/locust || { $(PYTHON) -m venv $(BENCH_VENV) && echo '*' > $(BENCH_VENV)/.gitignore \
	  && $(BENCH_VENV)/bin/pip install --quiet --upgrade pip && $(BENCH_VENV)/bin/pip install --quiet "locust==2.47.0"; }
	$(PY) manage.py bench --locust $(BENCH_VENV)/bin/locust $(BENCH_ARGS)
	@echo "== Import timings (5,000-row workbook, 200-page Word plan; nothing is kept)"
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/improvement_plans_bench_small $(PY) manage.py bench_imports
	$(MAKE) --no-print-directory bench-cluster

# Several app servers (issue 16): two gunicorn servers and two workers on one PostgreSQL database
# (improvement_plans_cluster, dropped and recreated), driven together by locust with no sticky
# sessions; fails when a check fails (no lost writes, each job once, sessions, files, reminders).
.PHONY: bench-cluster
bench-cluster: install ## Two app servers + two workers on one PostgreSQL under locust (about 2 minutes)
	@pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL cannot be reached on 127.0.0.1:5432"; exit 1; }
	@test -x $(BENCH_VENV)/bin/locust || { $(PYTHON) -m venv $(BENCH_VENV) && echo '*' > $(BENCH_VENV)/.gitignore \
	  && $(BENCH_VENV)/bin/pip install --quiet --upgrade pip && $(BENCH_VENV)/bin/pip install --quiet "locust==2.47.0"; }
	$(PY) manage.py bench_cluster --locust $(BENCH_VENV)/bin/locust $(BENCH_CLUSTER_ARGS)
