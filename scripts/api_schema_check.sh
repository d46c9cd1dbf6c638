#!/usr/bin/env bash
# schemathesis against the App API's OpenAPI document, on a portal served by gunicorn with a
# throwaway SQLite database. Every check runs (schemathesis.toml says which refusals a schema
# cannot express); the seed is fixed so that a run can be repeated exactly.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${API_SCHEMA_PORT:-8765}
dir=$(mktemp -d)
export DATABASE_URL="sqlite:///$dir/api.db"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/gunicorn mitid_portal.wsgi:application --bind "127.0.0.1:$port" --workers 2 \
  --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/api/app/v1/openapi.json" >/dev/null && break
  sleep 0.2
done
.venv/bin/schemathesis run "http://127.0.0.1:$port/api/app/v1/openapi.json" \
  --url "http://127.0.0.1:$port/api/app/v1" --checks all --max-examples 100 \
  --seed 20261202 --no-color
