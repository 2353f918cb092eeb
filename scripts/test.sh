#!/usr/bin/env bash
# Runs every test of Reflect: formatting and lints (server and browser targets), unit and
# integration tests on SQLite and PostgreSQL, and the Playwright end-to-end tests in Chromium
# (hydrated and with JavaScript disabled). Installs missing tools first.
#
# PostgreSQL: REFLECT_TEST_PG (default postgres://postgres@127.0.0.1:5432/postgres). Under CI
# (CI=true) or REFLECT_REQUIRE_PG=1 an unreachable server fails the run; elsewhere those tests
# are skipped with a visible message.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh --e2e

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

step "formatting"
cargo fmt --all --check

step "clippy (server)"
cargo clippy --features ssr --all-targets -- -D warnings
step "clippy (browser)"
cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL)"
if [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; then export REFLECT_REQUIRE_PG=1; fi
cargo test --features ssr

step "end-to-end tests (Playwright, Debian chromium, hydrated and JavaScript off)"
E2E_DIR="target/e2e"
rm -rf "$E2E_DIR" && mkdir -p "$E2E_DIR"
export DATABASE_URL="sqlite://$E2E_DIR/reflect.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${REFLECT_E2E_PORT:-3217}"
export REFLECT_BASE_URL="http://$LEPTOS_SITE_ADDR"
cargo leptos end-to-end

step "all tests passed"
