#!/usr/bin/env bash
# The page-weight and slow-phone benchmark. Builds the release site as scripts/serve.sh does
# (precompressed), prints the built files (raw, gzip, brotli), then serves it on a throwaway
# SQLite database and prints, from Chromium:
#   - what each participant page downloads on a cold load, as sent (end2end/tests/weight.spec.ts;
#     the same check fails the test command above 150 KB);
#   - first paint and interactive time of the home, category, profile and presenter pages on an
#     emulated slow 4G phone (end2end/bench/timing.spec.ts; REFLECT_BENCH_RUNS, default 3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh --e2e
build_log=$(mktemp)
cargo leptos build --release --precompress --split >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
rm -f "$build_log"
size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
pkg=target/site/pkg
# the main WebAssembly and its JavaScript, then the lazy islands' parts (cargo leptos --split:
# split_<island>_loader_… and the chunks they share), the stylesheet and the chart library
printf '%-58s %10s %10s %10s\n' file raw gzip brotli
for f in "$pkg/reflect.wasm" "$pkg/reflect.js" "$pkg"/__wasm_split*.js "$pkg"/split_*.wasm "$pkg"/chunk_*.wasm \
         "$pkg/reflect.css" target/site/vendor/echarts.min.js; do
  [ -f "$f" ] || continue
  printf '%-58s %10d %10d %10d\n' "$(basename "$f")" "$(size "$f")" "$(size "$f.gz")" "$(size "$f.br")"
done
echo "which parts each lazy island loads: $pkg/__wasm_split_manifest.json"

dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
export DATABASE_URL="sqlite://$dir/bench.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${REFLECT_BENCH_PORT:-3219}"
export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=reflect
export REFLECT_BASE_URL="http://$LEPTOS_SITE_ADDR"
export REFLECT_ADMIN_EMAIL="admin@bench.test"
REFLECT_ADMIN_PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export REFLECT_ADMIN_PASSWORD REFLECT_E2E_RELEASE=1
target/release/reflect >"$dir/server.log" 2>&1 &
server=$!
cd end2end
npx playwright test --config playwright.bench.config.ts 2>&1 | grep -E '^\[(weight|timing)\]|passed|failed|Error' || true
