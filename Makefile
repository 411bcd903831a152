# Set-up and everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.PHONY: install assets browser run test test-fast bench lint messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

assets: install
	$(PY) manage.py collectstatic --noinput --verbosity 0

# The app with demo data on the embedded PostgreSQL (or DATABASE_URL), in DEBUG mode, with a
# task worker for background jobs (imports, the daily value-segment refresh queued here, which
# then keeps itself scheduled) that stops with the server.
run: install
	DEBUG=True $(PY) manage.py migrate --noinput
	DEBUG=True $(PY) manage.py seed_demo --if-empty
	DEBUG=True $(PY) manage.py refresh_value_segments --enqueue
	DEBUG=True $(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=True $(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
browser:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "The browser tests need Chromium at $(CHROMIUM). Install it with" >&2; \
		echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2; \
		echo "or run 'make browser' as root." >&2; \
		exit 1; \
	fi

# The whole suite, browser tests included, on PostgreSQL (embedded when DATABASE_URL is unset).
test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks at a million customers (not part of `make test`).
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

messages: install
	DEBUG=True $(PY) manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='node_modules/*' --ignore='staticfiles/*' --ignore='var/*' --ignore='bench/*' --ignore='tests/*'
	DEBUG=True $(PY) manage.py compilemessages -l zh_Hans --ignore='.venv/*'

clean:
	rm -rf staticfiles .pytest_cache
