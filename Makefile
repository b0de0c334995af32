# Two commands for a newcomer: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser nginx run dev test lint format bench check-content clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(INSTALLED)

# Debian's chromium and the axe-core engine, for the browser tests.
browser:
	bash .ci/ensure-browser.sh

# Debian's nginx, which tests/core/test_nginx.py starts in front of gunicorn.
nginx:
	bash .ci/ensure-nginx.sh

# DEBUG off: the site's own error pages, static files from whitenoise.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	$(PY) manage.py runserver $(HOST):$(PORT)

# For development: DEBUG on (Django's error pages with tracebacks), runserver reloads code.
dev: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install browser nginx
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Validates content/ (item-writing linter included) and prints the bank's figures; the loader
# compares against the database, so a fresh clone's database is migrated first.
check-content: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_content --check

bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles tests/e2e/node_modules data/*.sqlite3*
