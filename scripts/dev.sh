#!/usr/bin/env bash
# Sets up and runs Offload locally: a Temporal dev server (SQLite file, Web UI), the worker and
# the API, with the local mail outbox and the rules agent. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_build_tools
ensure_temporal

export OFFLOAD_DATA_DIR="${OFFLOAD_DATA_DIR:-$PWD/.offload}"
export OFFLOAD_API_ADDR="${OFFLOAD_API_ADDR:-127.0.0.1:8080}"
export OFFLOAD_TEMPORAL_ADDRESS="${OFFLOAD_TEMPORAL_ADDRESS:-http://127.0.0.1:7233}"
export OFFLOAD_KEYS_FILE="${OFFLOAD_KEYS_FILE:-$OFFLOAD_DATA_DIR/keys.toml}"
# Local webhook receivers are usually plain http.
export OFFLOAD_WEBHOOK_ALLOW_HTTP="${OFFLOAD_WEBHOOK_ALLOW_HTTP:-true}"
export OFFLOAD_WEBHOOK_ALLOW_CIDRS="${OFFLOAD_WEBHOOK_ALLOW_CIDRS:-127.0.0.0/8,::1/128}"
UI_PORT="${OFFLOAD_UI_PORT:-8233}"
mkdir -p "$OFFLOAD_DATA_DIR"

# A secret for POST /inbound/email, kept across runs.
if [ -z "${OFFLOAD_INBOUND_SECRET:-}" ]; then
  [ -s "$OFFLOAD_DATA_DIR/inbound-secret" ] || { head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$OFFLOAD_DATA_DIR/inbound-secret"; chmod 600 "$OFFLOAD_DATA_DIR/inbound-secret"; }
  export OFFLOAD_INBOUND_SECRET="$(cat "$OFFLOAD_DATA_DIR/inbound-secret")"
fi

# The key that signs reply addresses and Message-IDs (API and worker share it), kept across runs.
if [ -z "${OFFLOAD_REPLY_SIGNING_KEY:-}" ]; then
  [ -s "$OFFLOAD_DATA_DIR/reply-signing-key.txt" ] || { head -c 48 /dev/urandom | base64 | tr -d "/+=\n" > "$OFFLOAD_DATA_DIR/reply-signing-key.txt"; chmod 600 "$OFFLOAD_DATA_DIR/reply-signing-key.txt"; }
  export OFFLOAD_REPLY_SIGNING_KEY="$(cat "$OFFLOAD_DATA_DIR/reply-signing-key.txt")"
fi

say "building offload-api and offload-worker"
cargo build --locked --bins
BIN="$CARGO_TARGET_DIR/debug"

pids=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

temporal_host="${OFFLOAD_TEMPORAL_ADDRESS#*://}"
if (exec 3<>"/dev/tcp/${temporal_host%:*}/${temporal_host##*:}") 2>/dev/null; then
  say "using the Temporal server already listening at $OFFLOAD_TEMPORAL_ADDRESS"
else
  say "starting the Temporal dev server (data in $OFFLOAD_DATA_DIR/temporal.db)"
  "$TEMPORAL" server start-dev --ip "${temporal_host%:*}" --port "${temporal_host##*:}" \
    --ui-port "$UI_PORT" --db-filename "$OFFLOAD_DATA_DIR/temporal.db" --log-level warn \
    > "$OFFLOAD_DATA_DIR/temporal.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/${temporal_host%:*}/${temporal_host##*:}") 2>/dev/null && break
    sleep 0.2
  done
fi

# A dev API key, minted once and kept (only its hash is in the keys file).
if [ ! -s "$OFFLOAD_DATA_DIR/dev-api-key" ]; then
  "$BIN/offload-api" mint-key --tenant dev --append | sed -n 2p > "$OFFLOAD_DATA_DIR/dev-api-key"
  chmod 600 "$OFFLOAD_DATA_DIR/dev-api-key"
fi

"$BIN/offload-worker" >> "$OFFLOAD_DATA_DIR/worker.log" 2>&1 &
pids+=($!)
"$BIN/offload-api" >> "$OFFLOAD_DATA_DIR/api.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 150); do
  curl -fsS "http://$OFFLOAD_API_ADDR/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://$OFFLOAD_API_ADDR/healthz" >/dev/null || { echo "the API did not come up; see $OFFLOAD_DATA_DIR/api.log" >&2; exit 1; }

cat <<INFO

  Offload is running.

  API            http://$OFFLOAD_API_ADDR
  Temporal UI    http://127.0.0.1:$UI_PORT
  Dev API key    $(cat "$OFFLOAD_DATA_DIR/dev-api-key")
  Inbound secret $OFFLOAD_INBOUND_SECRET   (header x-offload-inbound-secret)
  Outbox         $OFFLOAD_DATA_DIR/outbox   (one .eml file per sent message)
  Logs           $OFFLOAD_DATA_DIR/{api,worker,temporal}.log

  Ctrl-C stops everything.

INFO
wait -n "${pids[@]}"
