#!/usr/bin/env bash
# Load benchmark: answer saves over HTTP against a release build on a fresh SQLite file
# (synchronous=FULL) under target/bench-load, driven by wrk (installed from Debian when missing):
# RESPONDENTS reflections (default 1,000), SECONDS of load (default 60), CONNECTIONS (default 64).
# Prints saves/s, latency p50/p95/p99/max, errors by kind, "database is locked" in the server log,
# CPU of the server and of wrk; then the questionnaire page rendered with 16 connections and
# with CONNECTIONS.
# Set DATABASE_URL to a throwaway PostgreSQL database to measure that backend instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y wrk
fi
cargo build --package=reflect --bin=reflect-bench --no-default-features --features=bench --release
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
RUST_LOG="${RUST_LOG:-warn}" exec target/release/reflect-bench load "${1:-1000}" "${2:-60}" "${3:-64}"
