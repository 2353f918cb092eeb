#!/usr/bin/env bash
# "Copy one file and run it" (issue 19): the release binary that the end-to-end step built is
# copied alone to an empty folder and started there with nothing but a database address. It must
# be ready (the shipped instruments are in it), serve a page, the versioned WebAssembly and
# stylesheet the page links (brotli for a browser that takes it) and the chart library: all from
# the binary. Called by scripts/test.sh after the end-to-end tests; fails on any miss.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=target/release/reflect
[ -x "$bin" ] || { echo "anywhere: $bin is missing (build it with cargo leptos build --release --precompress)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
cp "$bin" "$dir/reflect"
cd "$dir"
env -i PATH="$PATH" HOME="$dir" DATABASE_URL="sqlite://$dir/data/reflect.db" LEPTOS_SITE_ADDR=127.0.0.1:0 \
  ./reflect serve >"$dir/out" 2>"$dir/err" &
server=$!
for _ in $(seq 1 100); do grep -q "running on" "$dir/out" 2>/dev/null && break; sleep 0.1; done
addr=$(sed -n 's|^Reflect is running on http://\([^ ]*\).*|\1|p' "$dir/out")
[ -n "$addr" ] || { echo "anywhere: the copied binary did not start:" >&2; cat "$dir/err" >&2; exit 1; }
fail() { echo "anywhere: $*" >&2; exit 1; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(curl -s "http://$addr/readyz")" = "ready" ] || fail "not ready"
page=$(curl -s -H 'Accept: text/html' "http://$addr/start/leadership-reflection")
echo "$page" | grep -q "Leadership reflection" || fail "the questionnaire page is missing its instrument"
css=$(echo "$page" | grep -o '/pkg/[0-9a-f]\{16\}/reflect.css' | head -1)
[ -n "$css" ] || fail "the page links no versioned stylesheet"
[ "$(code "http://$addr$css")" = 200 ] || fail "$css is not served"
wasm="${css%reflect.css}reflect.wasm"
enc=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: br' "http://$addr$wasm" | tr -d '\r' | grep -i '^content-encoding:' || true)
[ "$(code -H 'Accept-Encoding: br' "http://$addr$wasm")" = 200 ] || fail "$wasm is not served"
echo "$enc" | grep -qi 'br' || fail "$wasm is not sent as the build's brotli ($enc)"
[ "$(code "http://$addr/vendor/echarts.min.js")" = 200 ] || fail "the chart library is not served"
[ "$(code "http://$addr/fonts/DejaVuSans.ttf")" = 200 ] || fail "the font is not served"
echo "anywhere: the binary copied alone to $dir served $css, $wasm (brotli) and the chart library"
