#!/usr/bin/env bash
# Builds the release site as scripts/serve.sh does (precompressed) and prints what the
# questionnaire page downloads (wasm + JS + CSS): raw, and as sent (the .gz and .br files the
# build wrote). The profile page also loads ECharts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
cargo leptos build --release --precompress >/dev/null
size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
pkg=target/site/pkg
total_raw=0; total_gz=0; total_br=0
printf '%-28s %10s %10s %10s\n' file raw gzip brotli
for f in "$pkg/reflect_bg.wasm" "$pkg/reflect.wasm" "$pkg/reflect.js" "$pkg/reflect.css"; do
  [ -f "$f" ] || continue
  raw=$(size "$f"); gz=$(size "$f.gz"); br=$(size "$f.br")
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-28s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
printf '%-28s %10d %10d %10d\n' "questionnaire page total" "$total_raw" "$total_gz" "$total_br"
e=target/site/vendor/echarts.min.js
printf '%-28s %10d %10d %10d\n' "echarts.min.js (profile)" "$(size "$e")" "$(size "$e.gz")" "$(size "$e.br")"
