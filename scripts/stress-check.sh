#!/usr/bin/env bash
# Flakiness check: runs the whole test suite twice side by side (each copy meets a machine at
# least as busy as a loaded CI runner), for several rounds, and reports every test
# that failed in any copy. Not part of the test command (it takes a while); run it after changing
# tests or timing.
#
#   scripts/stress-check.sh [rounds]     default 3
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

rounds="${1:-3}"
ensure_build_tools
ensure_temporal
ensure_moto
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL

say "building the test binaries"
binaries=$(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        message = json.loads(line)
    except ValueError:
        continue
    if message.get("reason") == "compiler-artifact" and message.get("executable") and message["profile"]["test"]:
        print(message["manifest_path"].rsplit("/", 1)[0] + " " + message["executable"])
')

work="$(mktemp -d /tmp/offload-stress.XXXXXX)"
failures=0
for round in $(seq 1 "$rounds"); do
  say "round $round of $rounds: two copies of the suite side by side"
  pids=()
  for run in a b; do
    # One copy runs the binaries one after another, as `cargo test` does; the two copies overlap.
    (
      status=0
      while read -r crate_dir binary; do
        log="$work/round$round-$run-$(basename "$binary").log"
        if ! (cd "$crate_dir" && "$binary" > "$log" 2>&1); then
          status=1
          echo "FAILED: $log" >&2
          grep -E "^test .* FAILED$|panicked at" "$log" | head -20 >&2 || true
        fi
      done <<< "$binaries"
      exit "$status"
    ) &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failures=$((failures + 1))
  done
done
if [ "$failures" -gt 0 ]; then
  echo "stress check: $failures failing run(s) in $rounds round(s); logs in $work" >&2
  exit 1
fi
echo "stress check: $rounds round(s) of two parallel copies, every test passed (logs in $work)"
