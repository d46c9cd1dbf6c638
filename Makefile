# Two commands set up a fresh machine: `make run` and `make test`. The rest is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
WS_PORT ?= 8001
STACK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mitid_portal
STACK_REDIS_URL ?= redis://127.0.0.1:6379/0
# Where the browser opens the live QR login's websocket; empty: the page's own origin (/ws/),
# as behind the proxy of deploy/nginx.conf.
STACK_WEBSOCKET_URL ?= ws://localhost:$(WS_PORT)
# The pages' origins, trusted by the websockets when they are served apart (on WS_PORT).
STACK_PAGE_ORIGINS ?= $(if $(STACK_WEBSOCKET_URL),http://localhost:$(PORT)$(COMMA)http://127.0.0.1:$(PORT))
COMMA := ,
# Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated).
TRUSTED_PROXIES ?=
MESSAGE_DIRS := pages nemid cpr messaging audit enrollment authenticators activation login app_api relying_parties demo_bank selfservice staff translations mitid_portal templates
MAKEMESSAGES := $(MANAGE) makemessages --locale da --locale en --locale kl --no-obsolete --add-location file --ignore '.venv/*' --ignore 'static/*' --ignore 'tests/*' --ignore 'bench/*'

.PHONY: run test format install static messages test-api-schema test-faults compilemessages check-messages translations-report check-translations lint test-services test-browser test-browser-stack run-stack browser-deps ci clean bench bench-peers bench-peers-instructions bench-peers-profile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

compilemessages: install
	$(MANAGE) compilemessages --ignore '.venv/*' -v 0

## The static files WhiteNoise serves with DEBUG off (staticfiles/), as the benchmarks run.
static: install
	DEBUG=false $(MANAGE) collectstatic --noinput -v 0

## make run: install, migrate, compile messages, load demo data, serve on http://127.0.0.1:8000
# The Demo Bank's addresses follow PORT (seed_demo registers them as its redirect URIs).
# DEBUG is off, as deployed: the portal's own error pages, never a traceback with settings
# (`make run DEBUG=true` for Django's technical pages, files from the finders); WhiteNoise
# serves collected files.
run: export DEMO_BANK_ORIGINS ?= http://localhost:$(PORT),http://127.0.0.1:$(PORT)
run: export DEBUG ?= false
run: compilemessages
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) shell --no-imports -c "from django.conf import settings as s; from django.core.management import call_command as c; s.DEBUG or c('collectstatic', interactive=False, verbosity=0)"
	$(MANAGE) seed_demo
	@echo "Serving the portal on http://localhost:$(PORT)/ (HTTP and websockets; Ctrl-C stops)"
	$(BIN)/uvicorn mitid_portal.asgi:application --host $(HOST) --port $(PORT) --lifespan off --no-proxy-headers

## make test: install, then run the test suite on embedded defaults (SQLite, no services)
test: compilemessages
	$(BIN)/pytest -q -n 2

## The same suite on PostgreSQL and Redis, plus the tests that need a real Celery worker.
test-services: compilemessages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mitid_portal} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} \
	CELERY_TASK_ALWAYS_EAGER=true \
	$(BIN)/pytest -q -n 2 -m 'not browser and not faults'

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@ldconfig -p | grep -q libzbar.so.0 || (apt-get update -qq && apt-get install -y -qq libzbar0 >/dev/null)

## Browser tests: Playwright driving Debian's chromium, with an axe-core check on every page.
test-browser: compilemessages browser-deps
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -m browser -p no:xdist

## The live QR login and the Demo Bank across two server processes joined by Redis, on PostgreSQL.
test-browser-stack: compilemessages browser-deps
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mitid_portal} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} \
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -m browser -p no:xdist tests/browser/test_live_qr_login.py tests/browser/test_demo_bank.py

## Fault tests: a Redis of their own stopped and started, a Celery worker killed, an SMS
## gateway failing; on PostgreSQL, with a real worker and beat.
test-faults: compilemessages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mitid_faults} \
	REDIS_URL=redis://127.0.0.1:$${FAULT_REDIS_PORT:-6391}/0 \
	SMS_BACKEND=messaging.backends.HttpSMSBackend \
	SMS_GATEWAY_URL=http://127.0.0.1:$${FAULT_GATEWAY_PORT:-8391}/messages \
	OUTBOX_RETRY_SECONDS=2 CELERY_TASK_ALWAYS_EAGER=false \
	$(BIN)/pytest -q -m faults -p no:xdist tests/faults

## schemathesis against the App API's OpenAPI document, every check (CI).
test-api-schema: install
	scripts/api_schema_check.sh

messages: install
	$(MAKEMESSAGES)

## Fails when makemessages would change a catalogue, or a catalogue does not compile cleanly.
check-messages: install
	scripts/check_messages.sh $(MAKEMESSAGES)

## Translated, fuzzy and missing strings per language and app.
translations-report: install
	$(MANAGE) translations_report

## The same, failing on any fuzzy or missing string in da, en or kl (CI).
check-translations: install
	$(MANAGE) translations_report --check

## make format: apply ruff's formatting and safe fixes.
format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Lint, types, and the import layers of ../shared/ARCHITECTURE.md (the contracts in pyproject.toml).
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

## Runs the portal as a deployer would: PostgreSQL, Redis, a Celery worker and beat (Procfile).
run-stack: compilemessages
	mkdir -p var
	@psql "$(dir $(STACK_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$(notdir $(STACK_DATABASE_URL))'" | grep -q 1 || \
		psql "$(dir $(STACK_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(STACK_DATABASE_URL))"
	DATABASE_URL=$(STACK_DATABASE_URL) REDIS_URL=$(STACK_REDIS_URL) DEBUG=false $(MANAGE) collectstatic --noinput -v 0
	DATABASE_URL=$(STACK_DATABASE_URL) REDIS_URL=$(STACK_REDIS_URL) $(MANAGE) migrate --noinput -v 0
	DATABASE_URL=$(STACK_DATABASE_URL) REDIS_URL=$(STACK_REDIS_URL) $(MANAGE) seed_demo
	@echo "Pages on http://localhost:$(PORT)/ (gunicorn), websockets on ws://localhost:$(WS_PORT)/ (uvicorn)"
	DATABASE_URL=$(STACK_DATABASE_URL) REDIS_URL=$(STACK_REDIS_URL) DEBUG=false PORT=$(PORT) WS_PORT=$(WS_PORT) \
		WEBSOCKET_URL=$(STACK_WEBSOCKET_URL) TRUSTED_PROXIES=$(TRUSTED_PROXIES) \
		CSRF_TRUSTED_ORIGINS=$(STACK_PAGE_ORIGINS) $(BIN)/honcho start

## The peers' own virtualenv (git-ignored): their packages never enter the portal's .venv.
PEERS_VENV := bench/peers/.venv
$(PEERS_VENV)/.installed: bench/peers/requirements.txt
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/peers/requirements.txt
	touch $@

## make bench-peers: the portal's logins against django-allauth, django-two-factor-auth and
## Django's LoginView on PostgreSQL (bench/peers/); prints the table, writes bench/results/peers.json.
## Databases bench_peers_* (BENCH_PEERS_POSTGRES), Redis database 10 (BENCH_PEERS_REDIS_URL).
bench-peers: compilemessages static $(PEERS_VENV)/.installed
	$(BIN)/python -m bench.peers.run $(BENCH_PEERS_ARGS)

## make bench-peers-instructions: the same logins' instructions in the server's worker, counted
## by callgrind, which the machine's noise does not move (bench/results/peers-instructions.json).
bench-peers-instructions: compilemessages static $(PEERS_VENV)/.installed
	$(BIN)/python -m bench.peers.instructions $(BENCH_PEERS_INSTRUCTIONS_ARGS)

## make bench: every figure of the README's Benchmarks, one after the other (about 30 minutes,
## the machine otherwise quiet): (a) to (d), the peers' logins, the relying-party login. Each
## prints its table and saves its result in bench/results/. Needs wrk and valgrind
## (apt-get install -y wrk valgrind).
bench: compilemessages static $(PEERS_VENV)/.installed
	$(BIN)/python -m bench.frames --logins 10000
	$(BIN)/python -m bench.approvals --rate 100
	$(BIN)/python -m bench.approvals --rate 200
	$(BIN)/python -m bench.logins
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.instructions
	$(BIN)/python -m bench.signing
	$(BIN)/python -m bench.peers.run $(BENCH_PEERS_ARGS)
	$(BIN)/python -m bench.peers.instructions $(BENCH_PEERS_INSTRUCTIONS_ARGS)
	BENCH_DATABASE_URL=$${BENCH_PARTY_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mitid_oidc_bench} \
		$(BIN)/python -m bench.party_logins

## Where the portal's login CPU goes: py-spy on the workers (bench/results/peers-profile-*.txt).
bench-peers-profile: compilemessages static
	$(BIN)/python -m bench.peers.profile $(BENCH_PEERS_ARGS)

ci: lint check-messages check-translations test test-services test-browser

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm test-artifacts
