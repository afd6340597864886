#!/usr/bin/env bash
# Contract fuzzing: schemathesis (PyPI) generates requests for every route of the committed
# openapi.json against a live API (real Temporal dev server, worker, API on free ports) and fails
# on any server error or any response the spec does not describe.
#
#   ./scripts/fuzz-api.sh [extra schemathesis arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

SCHEMATHESIS_VERSION="4.32.5"
ensure_build_tools
ensure_temporal
venv="$OFFLOAD_CACHE/venv"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  say "installing schemathesis==$SCHEMATHESIS_VERSION into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
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

export OFFLOAD_INBOUND_SECRET="fuzz-inbound-secret-0123456789"
export OFFLOAD_RATE_LIMIT_PER_MINUTE=0
start_live_stack "$work" fuzz fuzz

# Every check; the fixed seed (so a change that breaks it is seen at once) and, unless one is
# given, a fresh seed per run (so each run explores new inputs), printed so it can be replayed:
#   OFFLOAD_FUZZ_SEEDS="20261128 <seed>" ./scripts/fuzz-api.sh
seeds="${OFFLOAD_FUZZ_SEEDS:-20261128 $(python3 -c 'import secrets; print(secrets.randbelow(2**31))')}"
export OFFLOAD_OUTBOX_DIR="$OFFLOAD_DATA_DIR/outbox" OFFLOAD_FUZZ_KEY="$KEY"
export OFFLOAD_FUZZ_REPORT="$work/counterparty.txt"
# One schemathesis run ("$@" after the seed: more arguments), then its figures checked: every
# generated test case passed, and the run says so in its summary. Exit 3: all passed, but the
# stateful phase reached no live case.
fuzz_once() {
  local seed="$1"
  shift
  set +e
  PYTHONPATH="$PWD/scripts" SCHEMATHESIS_HOOKS=schemathesis_hooks \
  "$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run openapi.json \
    --url "http://$OFFLOAD_API_ADDR" \
    --header "x-api-key: $KEY" \
    --header "x-offload-inbound-secret: $OFFLOAD_INBOUND_SECRET" \
    ${OFFLOAD_FUZZ_CHECKS:+--checks "$OFFLOAD_FUZZ_CHECKS"} \
    --max-examples "${OFFLOAD_FUZZ_EXAMPLES:-100}" \
    --seed "$seed" \
    --no-color \
    "$@" | tee "$work/schemathesis.txt"
  local status=${PIPESTATUS[0]}
  set -e
  python3 - "$work/schemathesis.txt" "$status" "$seed" "$OFFLOAD_FUZZ_REPORT" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
status, seed = int(sys.argv[2]), sys.argv[3]
from collections import Counter
report = open(sys.argv[4]).read().splitlines()
played = sum(1 for line in report if line.startswith("answered "))
calls = Counter(line.removeprefix("call ") for line in report if line.startswith("call "))
live = ", ".join(f"{route} → {count}" for route, count in sorted(calls.items())) or "none"
cases = re.search(r"(\d+) generated, (\d+) passed", text)
errored = re.search(r"(\d+) errored", text)
# The stateful phase counts as errors the steps whose link could not be followed: two links
# apply only to some cases (a case without attachments has none to fetch, one not waiting for
# input no request to answer). Errors there are printed, not failed on; an error in any other
# phase (a schema the tool cannot use, a request without an answer) fails the run.
stateful_errors = re.search(r"Stateful \(in [^)]*\)[\s\S]*?🚫 (\d+) errors?", text)
stateful_errors = int(stateful_errors.group(1)) if stateful_errors else 0
if errored and int(errored.group(1)) == stateful_errors:
    errored = None
scenarios = re.search(r"Scenarios:\s+(\d+)", text)
operations = re.search(r"Tested: (\d+)", text)
links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", text)
let_down = [line.removeprefix("failed ") for line in report if line.startswith("failed ")]
if let_down:
    print(f"contract fuzzing FAILED with seed {seed}: the counterparty could not play "
          f"{len(let_down)} case(s): " + "; ".join(let_down), file=sys.stderr)
    sys.exit(1)
if (status != 0 or not cases or cases.group(1) != cases.group(2) or int(cases.group(1)) == 0
        or errored):
    print(f"contract fuzzing FAILED with seed {seed} (schemathesis exit {status}): "
          f"{cases.group(0) if cases else 'no test case summary'}"
          f"{', ' + errored.group(0) if errored else ''}", file=sys.stderr)
    sys.exit(1)
if played == 0:
    print(f"contract fuzzing with seed {seed}: the counterparty answered no case, so the "
          "stateful phase never reached a live one", file=sys.stderr)
    sys.exit(3)
print(f"contract fuzzing (all checks, seed {seed}): {operations.group(1) if operations else '?'} operations, "
      f"{cases.group(1)} generated test cases, {cases.group(2)} passed, "
      f"{scenarios.group(1) if scenarios else 0} stateful scenarios "
      f"({stateful_errors} steps whose link did not apply), "
      f"{links.group(1) if links else 0}/{links.group(2) if links else 0} API links covered, "
      f"{played} live cases answered by the counterparty; calls that met them: {live}")
PY
}

failed=0
for seed in $seeds; do
  say "schemathesis against http://$OFFLOAD_API_ADDR, seed $seed"
  : > "$OFFLOAD_FUZZ_REPORT"
  outcome=0
  fuzz_once "$seed" "$@" || outcome=$?
  # The stateful phase ends at its first step whose link does not apply to the case at hand (an
  # attachment link on a case without one): with some seeds that is the first scenario, before
  # any live case. Then the stateful phase alone runs again with the next seeds, a few times.
  for retry in 1 2 3; do
    [ "$outcome" = 3 ] || break
    say "stateful phase again, seed $((seed + retry)): the last one ended before a live case"
    outcome=0
    fuzz_once "$((seed + retry))" --phases stateful "$@" || outcome=$?
  done
  if [ "$outcome" != 0 ]; then
    [ "$outcome" = 3 ] && echo "contract fuzzing FAILED with seed $seed: no stateful run reached a live case" >&2
    failed=1
  fi
done
exit "$failed"
