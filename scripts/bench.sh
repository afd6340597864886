#!/usr/bin/env bash
# The benchmark: Offload against raw Temporal, measured in the same run with the same client
# library (bench/, `offload-bench`), on a release build. Writes bench/results.md.
#
#   scripts/bench.sh          quick form (bursts of 200, memory at 250/500/1000 open cases)
#   scripts/bench.sh --full   the recorded form (bursts of 500, memory at 1k/5k/10k open cases)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_build_tools
ensure_temporal
scale=small
if [ "${1:-}" = "--full" ]; then scale=full; fi
# OFFLOAD_BENCH_PROFILE=dev measures a debug build (a quick check of the benchmark itself).
profile="${OFFLOAD_BENCH_PROFILE:-release}"
say "building the $profile binaries"
cargo build --profile "$profile" --locked -p offload-api -p offload-worker -p offload-bench
BIN="$CARGO_TARGET_DIR/$([ "$profile" = dev ] && echo debug || echo "$profile")"

work="$(mktemp -d /tmp/offload-bench.XXXXXX)"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
temporal_port=$(port); api_port=$(port)
export OFFLOAD_TEMPORAL_ADDRESS="http://127.0.0.1:$temporal_port"
export OFFLOAD_API_ADDR="127.0.0.1:$api_port"
export OFFLOAD_PUBLIC_URL="http://127.0.0.1:$api_port"
export OFFLOAD_DATA_DIR="$work/data" OFFLOAD_KEYS_FILE="$work/data/keys.toml"
export OFFLOAD_OUTBOX_DIR="$work/outbox" OFFLOAD_TASK_QUEUE=offload-bench
export OFFLOAD_HOUR_SECONDS=1 OFFLOAD_RATE_LIMIT_PER_MINUTE=1000000
export OFFLOAD_INBOUND_SECRET="bench-inbound-secret" OFFLOAD_LOG_FORMAT=json
mkdir -p "$OFFLOAD_DATA_DIR"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$TEMPORAL" server start-dev --headless --ip 127.0.0.1 --port "$temporal_port" --log-level error \
  --dynamic-config-value frontend.namespaceRPS.visibility=1000 > "$work/temporal.log" 2>&1 &
temporal_pid=$!; pids+=("$temporal_pid")
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$temporal_port") 2>/dev/null && break; sleep 0.2; done
sleep 2
key=$("$BIN/offload-api" mint-key --tenant bench --append | sed -n 2p)
"$BIN/offload-worker" > "$work/worker.log" 2>&1 &
worker_pid=$!; pids+=("$worker_pid")
"$BIN/offload-api" > "$work/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -fsS "$OFFLOAD_PUBLIC_URL/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

say "measuring ($scale; logs in $work)"
"$BIN/offload-bench" --api "$OFFLOAD_PUBLIC_URL" --key "$key" --inbound-secret "$OFFLOAD_INBOUND_SECRET" \
  --temporal "$OFFLOAD_TEMPORAL_ADDRESS" --outbox "$OFFLOAD_OUTBOX_DIR" \
  --worker-pid "$worker_pid" --temporal-pid "$temporal_pid" --scale "$scale" \
  --out "$([ "$profile" = release ] && echo bench/results.md || echo "$work/results.md")"
