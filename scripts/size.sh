#!/usr/bin/env bash
# Builds the release site and prints what the questionnaire page downloads (wasm + JS + CSS),
# raw and compressed (gzip -9, brotli when available). The profile page also loads ECharts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
cargo leptos build --release >/dev/null
pkg=target/site/pkg
total_raw=0; total_gz=0
printf '%-28s %10s %10s\n' file raw gzip
for f in "$pkg/reflect_bg.wasm" "$pkg/reflect.wasm" "$pkg/reflect.js" "$pkg/reflect.css"; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-28s %10d %10d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-28s %10d %10d\n' "questionnaire page total" "$total_raw" "$total_gz"
e=target/site/vendor/echarts.min.js
printf '%-28s %10d %10d\n' "echarts.min.js (profile)" "$(stat -c %s "$e")" "$(gzip -9 -c "$e" | wc -c)"
