# Gigbox: `make run` to try it, `make test` to check it. Needs only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve test install install-test migrate seed lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# DEBUG is off unless set (config/settings.py): the demo asks for it.
# The demo always runs on SQLite and the in-memory channel layer, whatever the shell has set.
run: export DATABASE_URL :=
run: export DEBUG := 1
run: export REDIS_URL :=
# Links in emails follow the address served (`make run PORT=8872` mails :8872 links; a
# wildcard HOST links to 127.0.0.1); production reads SITE_URL from its environment.
run: export SITE_URL := http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed
	@echo "Serving Gigbox on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/python -m config.server --host $(HOST) --port $(PORT)

# Production-like: N server processes (GIGBOX_PROCESSES, default 2) behind Debian's nginx on
# $(HOST):$(PORT), DEBUG off. Needs SECRET_KEY, DATABASE_URL (PostgreSQL) and REDIS_URL;
# refuses to start without them. Ctrl+C stops every process it started (docs/deploy.md).
serve: install
	$(BIN)/python -m deploy.serve --listen $(HOST):$(PORT)

# DATABASE_URL / REDIS_URL from the environment are used when set (CI sets both).
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Style (ruff.toml) and the import rules (.importlinter: the apps' one-way layers); CI runs it
# before the tests.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test
	$(BIN)/python bench/contact.py

clean:
	rm -rf var staticfiles .pytest_cache
