# Klinik Inovasi: `make run` sets up and serves the demo; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
# Links in e-mails, .ics files and pages point at the server `make run` starts, unless BASE_URL
# is given (environment, command line or .env, whose value wins over the derived one).
DOTENV_BASE_URL := $(shell sed -n -E 's/^[[:space:]]*(export[[:space:]]+)?BASE_URL[[:space:]]*=[[:space:]]*["'"'"']?([^"'"'"'[:space:]]*).*/\2/p' .env 2>/dev/null | tail -n 1)
BASE_URL ?= $(or $(DOTENV_BASE_URL),http://127.0.0.1:$(PORT))
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/clinic_test
MARIADB_URL ?= mysql+pymysql://root@127.0.0.1:3306/clinic_test?charset=utf8mb4
PYTEST_ARGS ?= -q
# The suite runs in parallel (pytest-xdist), one database per worker (tests/database.py), and
# names its 15 slowest tests.
TEST_WORKERS ?= auto
SUITE_ARGS = -n $(TEST_WORKERS) --durations=15 --ignore=tests/browser tests

.PHONY: run setup dev-setup translations test test-pg test-mariadb test-browser test-all bench extract-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d clinic/translations

setup: $(VENV)/.installed translations
	mkdir -p instance
	$(FLASK) db upgrade
	BASE_URL=$(BASE_URL) $(FLASK) seed-demo --if-empty

run: setup
	@BASE_URL=$(BASE_URL) $(FLASK) demo-logins --port $(PORT)
	BASE_URL=$(BASE_URL) CLINIC_EMBEDDED_SCHEDULER=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

dev-setup: $(VENV)/.dev-installed translations

test: dev-setup
	$(BIN)/python -m pytest $(PYTEST_ARGS) $(SUITE_ARGS)

# The browser suite drives the real UI in Debian's headless Chromium (package `chromium`),
# installed here when missing and we may (root with apt-get, as on the CI machine).
test-browser: dev-setup
	@if ! command -v chromium >/dev/null && [ -z "$$CHROMIUM_PATH" ] && [ "$$(id -u)" = 0 ] \
	    && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser suite"; \
	  apt-get install -y -q chromium >/dev/null 2>&1 \
	    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; \
	fi; \
	if ! command -v chromium >/dev/null && [ -z "$$CHROMIUM_PATH" ]; then \
	  echo "chromium not installed (apt-get install chromium): browser suite skipped"; \
	  [ "$$CI" != "true" ] || exit 1; exit 0; fi; \
	$(BIN)/python -m pytest $(PYTEST_ARGS) tests/browser

test-pg: dev-setup
	@$(BIN)/python scripts/testdb.py "$(PG_URL)"; rc=$$?; \
	if [ $$rc -eq 3 ]; then echo "PostgreSQL unreachable: suite skipped (CI=true makes this fail)"; exit 0; fi; \
	[ $$rc -eq 0 ] || exit $$rc; \
	TEST_DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS) $(SUITE_ARGS)

test-mariadb: dev-setup
	@$(BIN)/python scripts/testdb.py "$(MARIADB_URL)"; rc=$$?; \
	if [ $$rc -eq 3 ]; then echo "MariaDB unreachable: suite skipped (CI=true makes this fail)"; exit 0; fi; \
	[ $$rc -eq 0 ] || exit $$rc; \
	TEST_DATABASE_URL="$(MARIADB_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS) $(SUITE_ARGS)

test-all: test test-pg test-mariadb test-browser

# Serves the demo city (scale 1 and 10, SQLite and PostgreSQL) with gunicorn as deployed and
# drives every key page with wrk beside a Flask hello world; writes bench/results.md and .json.
# Not part of `make test` or CI. BENCH_SECONDS, BENCH_DBS, BENCH_SCALES restrict a run
# (scripts/bench/settings.py).
bench: dev-setup
	$(BIN)/python -m scripts.bench

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -w 100 -o clinic/translations/messages.pot .
	$(BIN)/pybabel -q update -N -w 100 -i clinic/translations/messages.pot -d clinic/translations

clean:
	rm -rf $(VENV) .pytest_cache
