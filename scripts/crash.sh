#!/usr/bin/env bash
# The crash harness's long run: the server under a load of answer saves and page submissions,
# killed with SIGKILL ROUNDS times (default 200) per backend (SQLite, and PostgreSQL when it is
# reachable), then checked: every acknowledged answer stored once, no half-stored page, no 5xx,
# SQLite integrity_check ok, aggregates equal to a recompute. The README test command runs the
# same test with 12 kills.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REFLECT_CRASH_ROUNDS="${1:-200}" exec cargo test --features ssr --test it crash:: -- --nocapture
