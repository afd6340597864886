#!/usr/bin/env bash
# Typed clients generated from the committed openapi.json:
#   clients/python      openapi-python-client (PyPI, pinned below): the package offload_client
#   clients/typescript  openapi-typescript types for openapi-fetch (npm, pinned in
#                       clients/typescript/package.json and package-lock.json)
#
#   ./scripts/gen-clients.sh          regenerate both from openapi.json
#   ./scripts/gen-clients.sh --check  regenerate into a temporary folder and fail when the committed
#                                     clients differ; type-check the TypeScript client and its
#                                     example, import the Python example against the client
#
# Installs the generators first (into ~/.cache/offload/venv and clients/typescript/node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

OPENAPI_PYTHON_CLIENT_VERSION="0.29.1"
# openapi-python-client formats what it writes with ruff: pinned too, so that the output does not
# move with ruff's releases.
RUFF_VERSION="0.17.6"
# Optional properties with a default stay optional in request bodies (the generator's default
# makes `maxAttempts` required); an object without properties (`metadata`) is
# Record<string, unknown>, not Record<string, never>.
TS_FLAGS=(--default-non-nullable false --empty-objects-unknown)

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

venv="$OFFLOAD_CACHE/venv"
ts="clients/typescript"

ensure_generators() {
  if [ ! -x "$venv/bin/pip" ]; then
    command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
    python3 -m venv "$venv" || { echo "python3 cannot make a venv: install python3-venv" >&2; exit 1; }
  fi
  if ! "$venv/bin/openapi-python-client" --version 2>/dev/null | grep -qx "openapi-python-client version: $OPENAPI_PYTHON_CLIENT_VERSION" ||
     ! "$venv/bin/ruff" --version 2>/dev/null | grep -qx "ruff $RUFF_VERSION"; then
    say "installing openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION and ruff==$RUFF_VERSION into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION" "ruff==$RUFF_VERSION"
  fi
  if ! command -v npm >/dev/null; then
    say "installing nodejs and npm (Debian)"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  # npm ci whenever the lock file changed since the last install.
  local stamp="$ts/node_modules/.offload-lock.sha256"
  local want
  want="$(sha256sum "$ts/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing the TypeScript generator and compiler (npm ci in $ts)"
    (cd "$ts" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
    echo "$want" > "$stamp"
  fi
}

# Writes python/{pyproject.toml,offload_client} and typescript/src/schema.d.ts under $1, using $2
# as scratch space.
generate() {
  local dest="$1" scratch="$2" root="$PWD"
  python3 clients/python/codegen/prepare_spec.py openapi.json "$scratch/openapi-python.json"
  rm -rf "$scratch/py"
  # --fail-on-warning: a schema or route the generator drops fails here instead of going missing.
  if ! (cd "$scratch" && PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate \
        --path "$scratch/openapi-python.json" --config "$root/clients/python/codegen/config.yaml" \
        --meta uv --output-path "$scratch/py" --fail-on-warning) > "$scratch/python.log" 2>&1; then
    cat "$scratch/python.log" >&2
    echo "openapi-python-client could not generate the whole client (above)" >&2
    exit 1
  fi
  mkdir -p "$dest/python" "$dest/typescript/src"
  rm -rf "$dest/python/offload_client"
  cp -R "$scratch/py/offload_client" "$dest/python/offload_client"
  cp "$scratch/py/pyproject.toml" "$dest/python/pyproject.toml"
  "$ts/node_modules/.bin/openapi-typescript" openapi.json -o "$dest/typescript/src/schema.d.ts" \
    "${TS_FLAGS[@]}" > "$scratch/typescript.log" 2>&1 || { cat "$scratch/typescript.log" >&2; exit 1; }
}

ensure_generators
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

if ! $check; then
  say "generating clients/python (openapi-python-client $OPENAPI_PYTHON_CLIENT_VERSION) and clients/typescript (openapi-typescript) from openapi.json"
  generate clients "$scratch"
  echo "regenerated clients/python/offload_client, clients/python/pyproject.toml, clients/typescript/src/schema.d.ts" >&2
  exit 0
fi

generate "$scratch/generated" "$scratch"
# The committed side without what running the clients leaves behind (bytecode).
mkdir -p "$scratch/committed/python" "$scratch/committed/typescript/src"
cp -R clients/python/offload_client clients/python/pyproject.toml "$scratch/committed/python/" 2>/dev/null || true
cp clients/typescript/src/schema.d.ts "$scratch/committed/typescript/src/" 2>/dev/null || true
find "$scratch/committed" -name __pycache__ -prune -exec rm -rf {} +
if ! diff -r "$scratch/committed" "$scratch/generated" > "$scratch/diff.txt"; then
  echo "The committed clients differ from what openapi.json generates:" >&2
  (cd "$scratch" && git diff --no-index --stat=120 committed generated >&2) || true
  head -n 40 "$scratch/diff.txt" >&2
  echo "run scripts/gen-clients.sh (and commit clients/)" >&2
  exit 1
fi
echo "clients/python and clients/typescript match openapi.json" >&2

"$ts/node_modules/.bin/tsc" --noEmit -p "$ts"
echo "clients/typescript type-checks (src and examples, tsc $("$ts/node_modules/.bin/tsc" --version | cut -d' ' -f2))" >&2
# The example's imports exist in the generated package (it runs nothing on import).
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="clients/python:clients/python/examples" "$venv/bin/python" -c 'import create_case'
echo "clients/python/examples/create_case.py imports against the generated client" >&2
