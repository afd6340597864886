#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit tests, integration tests against a real
# Temporal dev server (started and stopped by the test harness), the replay corpus and the
# OpenAPI check. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_build_tools
ensure_temporal

say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
say "cargo test"
cargo test --workspace --locked
say "all checks passed"
