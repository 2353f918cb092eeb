#!/usr/bin/env bash
# Research-export benchmark: loads N finished leadership reflections × 36 statements (default
# 100,000, so 3.6 million answers) into a fresh SQLite file under target/bench-export, then
# downloads the long CSV over HTTP as a researcher while SAVERS respondents (default 8) keep
# saving answers: flat out, or PAUSE_MS apart (third argument). The server runs in a process of
# its own. Prints seconds (to the first and the last byte), rows, bytes, the server's resident
# memory at the start of the export and its peak during it, and the saves meanwhile.
# Set DATABASE_URL to a throwaway PostgreSQL database to measure that backend instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --package=reflect --bin=reflect-bench --no-default-features --features=bench --release
RUST_LOG="${RUST_LOG:-warn}" exec target/release/reflect-bench export "${1:-100000}" "${2:-8}" "${3:-0}"
