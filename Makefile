# Two commands set up a fresh machine:
#   make run   - the shop on the embedded default (SQLite, in-memory channels, eager
#                Celery) with demo data, served by daphne on http://127.0.0.1:8000
#   make test  - the whole test suite against PostgreSQL and Redis on 127.0.0.1
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check venv messages lint

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

messages: venv
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: venv messages
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_shows
	$(BIN)/python manage.py privacy_seed_demo
	@echo "Storefront: http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/"
	$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

# Static checks first: lint, format, import contracts, types.
check: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: check messages
	scripts/ensure-browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tradewind} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
