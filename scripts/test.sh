#!/usr/bin/env bash
# Runs every check and test: formatting, lints, unit tests, integration tests against a real
# Temporal dev server and moto (started and stopped by the test harness), the replay corpus, the
# OpenAPI check, the rules agent's decisions on the evaluation corpus, the short chaos suite, and contract fuzzing of the live API. Installs what it
# needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_build_tools
ensure_temporal
ensure_moto
ensure_chromium
# CI builds once per run: incremental caches would only fill the disk.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
# The AWS tests talk only to moto: dummy credentials, so nothing can reach a real account.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL

say "docker-compose.yml (static validation)"
./scripts/check-compose.sh
say "the /docs assets match their pinned npm package"
./scripts/vendor-docs-ui.sh --check
say "crate layout, one TLS stack, file sizes"
./scripts/check-layout.sh
say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
say "cargo test"
cargo test --workspace --locked
say "typed clients (generated from openapi.json; drift check and an end-to-end case with the Python client)"
./scripts/gen-clients.sh --check
./scripts/client-e2e.sh
say "decision quality: the rules agent over the labeled corpus (fails on a false goal_achieved or a leak)"
cargo run --locked -q --bin offload-worker -- eval --corpus eval/corpus --agent rules
say "chaos (short form: kills and restarts mid-run; nothing may be lost or doubled)"
./scripts/chaos.sh --short
say "contract fuzzing (schemathesis against the live API)"
./scripts/fuzz-api.sh
say "all checks passed"
