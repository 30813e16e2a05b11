# Lan Tỏa — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run DEBUG=1` shows Django's debug pages; by default the friendly 404/500 pages.
DEBUG ?=
DJANGO_DEBUG_VALUE := $(if $(filter 1 true yes on,$(DEBUG)),true,false)
# The locks pin every package, transitive ones included, with hashes (`make lock` writes them from
# requirements*.txt). pip refuses anything not in them.
PIP_INSTALL := $(PIP) install --quiet --disable-pip-version-check --require-hashes
# The tools that work on the requirements (uv for the locks, pip-audit), in their own venv.
TOOLS_VENV ?= .venv-tools

.PHONY: setup setup-runtime run test test-pg lint migrate seed bench messages lock lock-check audit tools clean

# Serving needs only the runtime lock: no test or lint tools, no npm.
$(VENV)/.installed-runtime: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.lock
	touch $@

# Tests and lint: the dev lock (runtime + test tools); it satisfies the runtime lock too.
$(VENV)/.installed-dev: requirements-dev.lock requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-dev.lock
	touch $@ $(VENV)/.installed-runtime

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser accessibility tests will be skipped"; fi

setup-runtime: $(VENV)/.installed-runtime

setup: $(VENV)/.installed-dev node_modules/.installed

migrate: setup-runtime
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	DJANGO_DEBUG=$(DJANGO_DEBUG_VALUE) $(PY) manage.py runserver $(HOST):$(PORT)

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

$(TOOLS_VENV)/.installed: requirements-tools.txt
	test -x $(TOOLS_VENV)/bin/python || $(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	touch $@

tools: $(TOOLS_VENV)/.installed

# Rewrite the locks from requirements*.txt (after adding or upgrading a package). The dev lock is
# resolved first; the runtime lock takes the same versions from it. Packages already locked keep
# their versions (uv prefers the output file's pins); `make lock UPGRADE=1` moves every one to the
# newest allowed. uv reads PyPI (or only its cache: `make lock UV_OFFLINE=1`).
UV_COMPILE = $(TOOLS_VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	$(if $(UPGRADE),--upgrade)
lock: tools
	$(UV_COMPILE) requirements-dev.txt -o requirements-dev.lock
	$(UV_COMPILE) requirements.txt -c requirements-dev.lock -o requirements.lock
	$(PYTHON) .ci/check_lock.py

# Every pin in requirements*.txt is in the locks at the same version (offline; CI runs it).
lock-check:
	$(PYTHON) .ci/check_lock.py

# Known vulnerabilities in every locked package (pip-audit); says so and skips without a network.
audit:
	$(PYTHON) .ci/audit.py --tools-venv $(TOOLS_VENV)

clean:
	rm -rf $(VENV) $(TOOLS_VENV) staticfiles db.sqlite3*
