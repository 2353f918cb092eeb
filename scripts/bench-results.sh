#!/usr/bin/env bash
# Results-query benchmark: loads N finished leadership reflections (default 100,000 × 36
# statements) into a fresh SQLite file under target/bench and times the school, country and
# all-respondents results queries, then the whole data of their results pages (release build).
# Prints the load time. N = 1000000 takes several minutes and several GB of disk. Set
# DATABASE_URL to a throwaway PostgreSQL database to measure that backend instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --package=reflect --bin=reflect-bench --no-default-features --features=bench --release
exec "${CARGO_TARGET_DIR:-target}/release/reflect-bench" results "${1:-100000}"
