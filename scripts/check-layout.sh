#!/usr/bin/env bash
# The house's shape, checked: workflows (deterministic, no I/O) <- core <- {api, worker}, api and
# worker independent of each other, and the API binary free of the worker side (the Temporal
# worker SDK, SES sending, the agent); one TLS stack and one version of each HTTP/gRPC crate.
# Also: no Rust source file over 650 lines.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
# Prints nothing when `crate` does not (normally) depend on `dep`.
depends_on() {
  # Not `grep -q`: it would stop reading early, cargo would die of SIGPIPE and pipefail would
  # turn a found dependency into "none".
  [ -n "$(cargo tree --locked -p "$1" -e normal --prefix none -i "$2" 2>/dev/null || true)" ]
}
forbid() {
  local crate=$1 why=$2; shift 2
  for dep in "$@"; do
    if depends_on "$crate" "$dep"; then
      echo "layout: $crate must not depend on $dep ($why)" >&2
      fail=1
    fi
  done
}
forbid offload-api "the API binary stays free of the worker side" \
  offload-worker temporalio-sdk temporalio-sdk-core aws-sdk-sesv2 mail-builder
forbid offload-worker "the worker does not build on the HTTP edge" offload-api axum
forbid offload-core "core is shared; it builds on workflows only" offload-api offload-worker
for crate in offload-api offload-worker offload-core offload-workflows; do
  forbid "$crate" "test servers are a dev-dependency only" offload-testkit
done
# The Temporal SDK itself pulls in tokio; what workflows may not do is use I/O crates directly.
direct=$(cargo tree --locked -p offload-workflows -e normal --depth 1 --prefix none | awk '{print $1}')
for dep in offload-core tokio reqwest aws-config mail-parser; do
  if grep -qx "$dep" <<<"$direct"; then
    echo "layout: offload-workflows must not depend on $dep (workflow code is deterministic: no I/O)" >&2
    fail=1
  fi
done

# One TLS stack: rustls on aws-lc-rs (the AWS SDK's and reqwest's provider; Temporal's client is
# built with tls-aws-lc), one hyper, one HTTP/2, one gRPC and one HTTP client version.
tree() { cargo tree --locked --workspace -e normal --target all "$@"; }
tree --depth 0 >/dev/null # fails loudly (and stops the script) when the tree cannot be read
if [ -n "$(tree -i ring 2>/dev/null || true)" ]; then
  echo "layout: ring is back in the dependency tree (one crypto provider: aws-lc-rs); see cargo tree -i ring" >&2
  fail=1
fi
duplicated=$(tree -d --depth 0 --prefix none | awk 'NF {print $1}' | sort -u)
for dep in rustls hyper h2 tonic reqwest aws-lc-rs opentelemetry; do
  if grep -qx "$dep" <<<"$duplicated"; then
    echo "layout: two versions of $dep in the dependency tree (cargo tree -d -i $dep)" >&2
    fail=1
  fi
done

while read -r lines file; do
  if [ "$file" != total ] && [ "$lines" -gt 650 ]; then
    echo "layout: $file has $lines lines (keep files under ~600: split by concern)" >&2
    fail=1
  fi
done < <(git ls-files '*.rs' | xargs wc -l)

if [ "$fail" = 0 ]; then echo "layout: ok"; fi
exit "$fail"
