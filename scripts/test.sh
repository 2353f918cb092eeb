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
echo "[test] set-up checked in $SECONDS s"

# Each step says how long the one before it took, so a slow step shows in any run's log (CI has
# 90 minutes on 2 cores; docs/performance.md "The test command").
last_step="" last_start=$SECONDS
step() {
  if [ -n "$last_step" ]; then printf '\033[1;32m<== %s: %d s\033[0m\n' "$last_step" $((SECONDS - last_start)); fi
  last_step="$*" last_start=$SECONDS
  printf '\n\033[1;32m==> %s\033[0m\n' "$*"
}

# A clean clone has no incremental state to reuse: building without it is faster there.
if [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; then export CARGO_INCREMENTAL=0; fi

step "formatting"
cargo fmt --all --check
leptosfmt --check src >/dev/null || { leptosfmt --check src | grep -v "^✅"; exit 1; }

step "clippy (server)"
cargo clippy --features bench --all-targets -- -D warnings
step "clippy (browser)"
cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL)"
if [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; then export REFLECT_REQUIRE_PG=1; fi
cargo test --features ssr

step "fuzzing the instrument parser (30 s; scripts/fuzz.sh SECONDS for longer)"
scripts/fuzz.sh "${REFLECT_FUZZ_SECONDS:-30}"

step "end-to-end tests and the page-weight budget (release build; Playwright, Debian chromium, hydrated and JavaScript off)"
E2E_DIR="target/e2e"
rm -rf "$E2E_DIR" && mkdir -p "$E2E_DIR"
export DATABASE_URL="sqlite://$E2E_DIR/reflect.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${REFLECT_E2E_PORT:-3217}"
export REFLECT_BASE_URL="http://$LEPTOS_SITE_ADDR"
# the workshop spec runs a room of three phones: the smallest room anyone can configure
export REFLECT_LIVE_MIN_GROUP_SIZE=3
# the first admin of the throwaway database, with a password made for this run only
export REFLECT_ADMIN_EMAIL="admin@e2e.test"
REFLECT_ADMIN_PASSWORD="e2e-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export REFLECT_ADMIN_PASSWORD
# On the release build, precompressed as served (scripts/serve.sh): the real process, and the one
# whose page weight tests/weight.spec.ts holds to its budget.
export REFLECT_E2E_RELEASE=1
# cargo-leptos 0.3.10 can exit 0 when the server does not compile; read the run's own summary too.
log="$E2E_DIR/end-to-end.log"
set +e
cargo leptos end-to-end --release --precompress --split 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ] || grep -qE "error: could not compile|[0-9]+ failed" "$log" \
   || ! grep -qE "^ +[0-9]+ passed" "$log"; then
  echo "end-to-end tests failed (exit $status; see $log)" >&2
  exit 1
fi

step "the release binary copied alone to an empty folder (scripts/anywhere.sh)"
scripts/anywhere.sh

step "all tests passed"
echo "all steps: $SECONDS s"
