# Lan Tỏa — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-pg lint migrate seed bench messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser accessibility tests will be skipped"; fi

setup: $(VENV)/.installed node_modules/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite on the local PostgreSQL and Redis, as .ci/run's second pass: the row-lock tests
# (exactly-once grading, gap-free serials) and COPY run instead of skipping, and the `worker`
# tests start their own Celery workers on the Redis broker. pytest-django creates and drops
# `test_<name of TEST_DATABASE_URL's database>`. Only the PostgreSQL and worker tests:
# `make test-pg PYTEST_ARGS='-m "postgres or worker"'`.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lantoa_test
TEST_CACHE_URL ?= redis://127.0.0.1:6379/15
TEST_BROKER_URL ?= redis://127.0.0.1:6379/14
test-pg: setup
	@pg_isready -q -d "$(TEST_DATABASE_URL)" || { echo "PostgreSQL does not answer at $(TEST_DATABASE_URL) (start it, or set TEST_DATABASE_URL)"; exit 1; }
	@$(PY) -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$(TEST_BROKER_URL)" 2>/dev/null || { echo "Redis does not answer at $(TEST_BROKER_URL) (start it, or set TEST_BROKER_URL)"; exit 1; }
	DATABASE_URL="$(TEST_DATABASE_URL)" CACHE_URL="$(TEST_CACHE_URL)" \
	CELERY_BROKER_URL="$(TEST_BROKER_URL)" CELERY_RESULT_BACKEND="$(TEST_BROKER_URL)" \
	  $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Benchmarks need PostgreSQL (and Redis for the Celery/load ones); BENCH picks them, e.g.
# `make bench BENCH="load_learners certificates_bulk"` or `make bench BENCH=all`.
bench: setup
	$(PIP) install --quiet -r requirements-bench.txt
	$(PY) benchmarks/run.py $(BENCH)

# Regenerate and compile the translations (needs GNU gettext's msgfmt).
messages: setup
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=staticfiles --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
