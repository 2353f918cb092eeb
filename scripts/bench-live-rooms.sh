#!/usr/bin/env bash
# Many live rooms at once (issue 19): starts the app (release build, a process of its own) on a
# local port with a fresh SQLite file under target/bench-live-rooms; ROOMS workshops (default 200),
# each created over HTTP by a facilitator of its own, with SCREENS_PER_ROOM presenter event
# streams (default 1) and PARTICIPANTS_PER_ROOM participants (default 50) who join by the room's
# code and save their answers over HTTP (keep-alive connections, as a phone's browser keeps one),
# PAUSE_MS apart (default 5000, the fastest real pace: the goal p99 <= 250 ms is set at it, see
# docs/performance.md; 0: as fast as the server takes them). Prints the answer → event
# latency on the answer's own room's screens (p50/p95/p99/max), the answers per second, and the
# CPU time of the server and of the benchmark client. Set DATABASE_URL to an empty, throwaway
# PostgreSQL database to measure that backend instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --package=reflect --bin=reflect-bench --no-default-features --features=bench --release
# per participant and per screen one socket in the client and one in the server (two processes)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
RUST_LOG="${RUST_LOG:-warn}" exec "${CARGO_TARGET_DIR:-target}/release/reflect-bench" live-rooms \
  "${1:-200}" "${2:-50}" "${3:-5000}" "${4:-1}"
