# The portal's two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CELERY := $(VENV)/bin/celery
ADDRESS := 127.0.0.1:8000

.PHONY: run test setup lint frontend clean bench bench-report

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/dist/council.css: node_modules/.installed static/scss/council.scss static/build.mjs
	npm run --silent build

frontend: static/dist/council.css

setup: $(VENV)/.installed frontend
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data

# The web server, a Celery worker and Celery beat, stopped together by Ctrl+C.
run: setup
	@echo ""
	@echo "The ICT Strategy Portal is starting at http://$(ADDRESS)/"
	@echo "Sign in with a demo account listed above. Press Ctrl+C to stop."
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(CELERY) -A ictstrategy worker --loglevel=INFO --concurrency=2 & \
	$(CELERY) -A ictstrategy beat --loglevel=INFO --pidfile= & \
	$(PY) manage.py runserver $(ADDRESS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: $(VENV)/.installed frontend lint
	DJANGO_SETTINGS_MODULE=ictstrategy.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=ictstrategy.settings.test $(VENV)/bin/pytest

# Serves the portal with gunicorn on PostgreSQL with 10,000 proposals and 3,000 risks
# over five years, and prints each main page's latency (with the page cache on and off)
# and query count, the annual report's and the prioritisation's times, and the bars met.
# It generates the data into BENCH_DATABASE_URL (a scratch database, created if missing)
# the first time. BENCH_CACHE_URL and BENCH_BROKER_URL (environment) give its gunicorn
# another Redis database, so two benchmarks can run on one machine.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ictstrategy_bench
bench: $(VENV)/.installed frontend
	@psql "$(BENCH_DATABASE_URL)" -tAc "SELECT 1" >/dev/null 2>&1 || \
		createdb --maintenance-db="$(dir $(BENCH_DATABASE_URL))postgres" "$(notdir $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --proposals 10000 --risks 3000 --years 5

# Times the annual report on a year of generated data. It adds that data to the
# configured database: point DATABASE_URL at a scratch database.
bench-report: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bench_annual_report --proposals 10000 --risks 3000

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles var
