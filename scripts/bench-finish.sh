#!/usr/bin/env bash
# Finish benchmark: what finishing a reflection costs, on a fresh SQLite file under
# target/bench-finish (or DATABASE_URL): the write lock's hold by the finish's aggregates and a
# finish's latency over HTTP (release build). BACKGROUND finished reflections first (2,000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --package=reflect --bin=reflect-bench --no-default-features --features=bench --release
RUST_LOG="${RUST_LOG:-warn}" exec target/release/reflect-bench finish "${1:-2000}" "${2:-200}"
