#!/usr/bin/env bash
# Live-room benchmark: starts the app (release build, a process of its own) on a local port with a
# fresh SQLite file under target/bench-live, opens SCREENS presenter event streams (default 1,000)
# on one workshop, lets PARTICIPANTS (default 100) join it and save their answers over HTTP as fast
# as the server takes them, and prints the answer → event latency (p50/p95/p99/max), the answers
# per second and the CPU time of server and client. A third argument pauses each participant that
# many milliseconds between answers (0, the default: as fast as the server takes them). Set
# DATABASE_URL to an empty, throwaway PostgreSQL database to measure that backend instead.
# Many rooms at once: scripts/bench-live-rooms.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --package=reflect --bin=reflect-bench --no-default-features --features=bench --release
# per screen one socket in the client and one in the server
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
RUST_LOG="${RUST_LOG:-warn}" exec "${CARGO_TARGET_DIR:-target}/release/reflect-bench" live \
  "${1:-1000}" "${2:-100}" "${3:-0}"
