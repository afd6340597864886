#!/usr/bin/env bash
# The generated clients against a live stack (a Temporal dev server, offload-worker and
# offload-api from the debug build, on free ports):
# - clients/python/tests/test_e2e_case.py drives one case through the generated Python client,
#   create → the counterparty's question → INPUT_NEEDED → the answer → evidence → COMPLETED with a
#   schema-valid result (the counterparty replies through POST /inbound/email);
# - the Python and TypeScript examples create a case and read it back.
#
#   ./scripts/client-e2e.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_build_tools
ensure_temporal
venv="$OFFLOAD_CACHE/venv"
ts="clients/typescript"
# The test's tools, and the generated client's dependencies (installed below without them).
if ! "$venv/bin/python" -c 'import pytest, jsonschema, httpx, attrs' 2>/dev/null; then
  say "installing pytest, jsonschema, httpx and attrs into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "pytest==9.2.0" "jsonschema==4.26.0" "httpx==0.28.1" "attrs==26.1.0"
fi
command -v npm >/dev/null || { sudo_if_needed apt-get update -qq && sudo_if_needed apt-get install -y -qq npm; }
if [ ! -x "$ts/node_modules/.bin/tsc" ]; then
  (cd "$ts" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

cargo build --locked --bins -q
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The client as a user gets it: built and installed from clients/python (its pyproject.toml), into
# a folder of this run only.
say "installing the generated Python client (clients/python) for this run"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --target "$work/site" ./clients/python
(cd "$ts" && node_modules/.bin/tsc -p . --outDir "$work/ts" >/dev/null) &
tsc_pid=$!

export OFFLOAD_INBOUND_SECRET="client-e2e-inbound-secret-0123456789"
start_live_stack "$work" client-e2e client-e2e
logs() { live_stack_logs "$work"; }

export OFFLOAD_URL="http://$OFFLOAD_API_ADDR" OFFLOAD_API_KEY="$KEY" OFFLOAD_OUTBOX_DIR="$OFFLOAD_DATA_DIR/outbox"
say "a case end to end through the generated Python client (against $OFFLOAD_URL)"
started=$SECONDS
if ! PYTHONPATH="$work/site" PYTHONDONTWRITEBYTECODE=1 timeout 100 "$venv/bin/python" -m pytest -p no:cacheprovider --tb=short \
    -q clients/python/tests/test_e2e_case.py "$@"; then
  echo "client e2e FAILED (the Python client's case, above)" >&2
  logs
  exit 1
fi
echo "the Python client's case: created → INPUT_NEEDED → answered → COMPLETED in $((SECONDS - started)) s" >&2

say "the examples: a case created and read back with each client"
case_id="$(PYTHONPATH="$work/site" PYTHONDONTWRITEBYTECODE=1 timeout 60 "$venv/bin/python" clients/python/examples/create_case.py)"
PYTHONPATH="$work/site" PYTHONDONTWRITEBYTECODE=1 timeout 60 "$venv/bin/python" clients/python/examples/create_case.py "$case_id" |
  grep -E '^(CREATED|RUNNING) ' >/dev/null || { echo "client e2e: the Python example could not read $case_id back" >&2; exit 1; }
wait "$tsc_pid" || { echo "client e2e: clients/typescript does not compile" >&2; exit 1; }
# Node resolves openapi-fetch from clients/typescript/node_modules.
ln -s "$PWD/$ts/node_modules" "$work/ts/node_modules"
echo '{"type": "module"}' > "$work/ts/package.json"
case_id="$(timeout 60 node "$work/ts/examples/createCase.js")"
timeout 60 node "$work/ts/examples/createCase.js" "$case_id" | grep -E '^(CREATED|RUNNING) ' >/dev/null ||
  { echo "client e2e: the TypeScript example could not read $case_id back" >&2; exit 1; }
echo "both examples created a case and read it back" >&2
