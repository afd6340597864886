#!/usr/bin/env bash
# The chaos suite (scripts/chaos.py): cases driven through every path while the worker is
# SIGKILLed at random moments, the Temporal server restarted on the same database file, the API
# killed, and the webhook receiver fails every other request. Prints what was lost (nothing) and
# exits non-zero if anything was lost, doubled, out of order or in the wrong end state.
#
#   scripts/chaos.sh                 the long form: 50 cases, 20 worker kills, 2 Temporal restarts
#   scripts/chaos.sh --short         the CI form: 18 cases, 8 worker kills, 1 Temporal restart
#   scripts/chaos.sh --seed 42 ...   replay a run's schedule (the seed is printed); other flags
#                                    pass through to chaos.py (--cases, --kills, --timeout, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_build_tools
ensure_temporal
say "building offload-api and offload-worker"
cargo build --locked --bins
args=()
for arg in "$@"; do
  if [ "$arg" = "--short" ]; then
    args+=(--cases 18 --kills 8 --temporal-restarts 1 --api-restarts 1 --timeout 300)
  else
    args+=("$arg")
  fi
done
say "chaos"
exec python3 scripts/chaos.py --bin "$CARGO_TARGET_DIR/debug" --temporal "$TEMPORAL" "${args[@]}"
