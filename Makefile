# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_DEBUG ?= true
# The usual local front-end dev servers (Next.js/CRA on 3000, Vite on 5173).
CORS_ALLOWED_ORIGINS ?= http://localhost:3000,http://127.0.0.1:3000,http://localhost:5173,http://127.0.0.1:5173

.PHONY: run stop test install install-dev lock migrate sample serve lint format check schema worker bench soak fuzz clients clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs come from the lock files (exact versions and hashes); `make lock` writes them
# from pyproject.toml. The stamp files re-run pip only when a lock file changes. The
# project itself goes in editable, without dependencies: the lock already has them.
$(VENV)/.installed: requirements-embedded.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-embedded.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# Three locks, one resolution: the dev lock (runtime, embedded PostgreSQL, test tools) is
# solved first and constrains the other two, so every lock names the same versions.
# Existing pins are kept; `make lock UPGRADE=1` moves everything to the newest releases.
UV_VERSION := 0.13.9
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

lock: | $(BIN)/python
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"
	$(UV_COMPILE) --extra embedded --extra dev -o requirements-dev.lock
	$(UV_COMPILE) --extra embedded --constraint requirements-dev.lock -o requirements-embedded.lock
	$(UV_COMPILE) --constraint requirements-dev.lock -o requirements.lock

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input

sample: migrate
	$(BIN)/python manage.py load_sample_content

run: sample
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@echo ""
	@echo "Breakthrough is starting on http://$(HOST):$(PORT)"
	@echo "  API root   http://$(HOST):$(PORT)/api/v1/"
	@echo "  API docs   http://$(HOST):$(PORT)/api/docs/   (ReDoc: /api/redoc/)"
	@echo "  Admin      http://$(HOST):$(PORT)/admin/"
	@echo "  Make an admin account:  $(BIN)/python manage.py createsuperuser"
	@echo "  Stop with Ctrl-C: the embedded PostgreSQL stops with the server."
	@echo ""
	@# One job worker beside gunicorn (mail goes to the console); it stops with gunicorn.
	@$(BIN)/python manage.py procrastinate worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker; \
		[ -n "$$DATABASE_URL" ] || $(BIN)/python -m config.embedded_db stop' EXIT; \
	trap 'exit 130' INT TERM; \
	HOST=$(HOST) PORT=$(PORT) CORS_ALLOWED_ORIGINS=$(CORS_ALLOWED_ORIGINS) \
		$(BIN)/gunicorn --config gunicorn.conf.py config.wsgi:application

# Stops the embedded PostgreSQL under .data/ (commands and tests start it again on use).
stop:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m config.embedded_db stop; fi

# pytest exits 5 when it collected no test: a failure, named so nobody mistakes it.
test: install-dev
	@DJANGO_DEBUG=false $(BIN)/pytest $(PYTEST_ARGS) || { status=$$?; \
		if [ $$status -eq 5 ]; then echo "pytest collected no tests (exit 5)" >&2; fi; \
		exit $$status; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Contract checks that CI runs besides the tests (production settings; they send no mail).
CHECK_ENV := DJANGO_DEBUG=false EMAIL_URL=dummymail://
check: install-dev
	$(CHECK_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(CHECK_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

schema: install
	$(BIN)/python manage.py spectacular --validate --file schema.yaml

# A job worker: run as many as you like, on as many hosts (each claims jobs with SKIP LOCKED).
worker: install
	$(BIN)/python manage.py procrastinate worker

bench: install-dev
	$(BIN)/python -m bench.run

# schemathesis with a new random seed each round for FUZZ_MINUTES (default 20), then
# every failure with its curl reproduction (tests/contract/run_schemathesis.py).
FUZZ_MINUTES ?= 20
fuzz: install-dev
	$(BIN)/python tests/contract/run_schemathesis.py --fuzz-minutes $(FUZZ_MINUTES)

# Three TypeScript clients generated from the served schema with their default options,
# compiled under `tsc --strict` and run against a live gunicorn (tests/clients/run.py).
clients: install-dev
	$(BIN)/python tests/clients/run.py

# Mixed traffic against production settings for SOAK_SECONDS (default 600), then errors,
# latency percentiles, rows written against 201s and worker memory (bench/soak.py).
SOAK_SECONDS ?= 600
soak: install-dev
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) staticfiles tests/clients/node_modules tests/clients/build
