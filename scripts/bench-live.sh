#!/usr/bin/env bash
# Live-room benchmark: starts the app (release build) on a local port with a fresh SQLite file
# under target/bench-live, opens SCREENS presenter event streams (default 1,000) on one
# workshop, lets PARTICIPANTS (default 100) save their answers over HTTP as fast as the server
# takes them, and prints the answer → event latency (p50/p95/p99/max) and the answers per
# second. A third argument pauses each participant that many milliseconds between answers
# (0, the default: as fast as the server takes them). Set DATABASE_URL to a throwaway PostgreSQL database to measure that backend instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --package=reflect --bin=reflect-bench --no-default-features --features=bench --release
# two sockets per screen (client and server side) in one process
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
RUST_LOG="${RUST_LOG:-warn}" exec target/release/reflect-bench live "${1:-1000}" "${2:-100}" "${3:-0}"
