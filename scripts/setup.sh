#!/usr/bin/env bash
# Installs what Reflect needs to build and test, skipping whatever is already there.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run on its own.
#   scripts/setup.sh            toolchain for building and serving
#   scripts/setup.sh --e2e      also what the tests use: leptosfmt, Debian chromium and the
#                               end2end npm packages
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION="0.3.10"   # 0.3.11 needs rustc 1.96 (see docs/toolchain notes in README)
BINARYEN_VERSION="132"
LEPTOSFMT_VERSION="0.1.33"      # formats the view! macros; the test command checks it          # Debian's binaryen (v108) breaks release wasm in Chromium

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock"
}

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    say "please install $* with your package manager"; return 1
  fi
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ $apt_updated -eq 0 ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

setup_build() {
  if [[ "$(rustup target list --installed 2>/dev/null || true)" != *wasm32-unknown-unknown* ]]; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local have
  have="$(cargo leptos --version 2>/dev/null || true)"
  if [[ "$have" != *"$CARGO_LEPTOS_VERSION"* ]]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (slow: ~15 min, once per machine)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local wbv; wbv="$(wasm_bindgen_version)"
  have="$(wasm-bindgen --version 2>/dev/null || true)"
  if [ -n "$wbv" ] && [[ "$have" != *" $wbv" ]]; then
    say "installing wasm-bindgen-cli $wbv (matches Cargo.lock)"
    # --locked fails for this crate here (webpki-roots resolution); plain install works.
    cargo install wasm-bindgen-cli --version "$wbv" --force
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing node and npm"; apt_install nodejs npm
  fi
  local tools="$HOME/.cache/reflect-tools"
  have="$("$tools/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)"
  if [[ "$have" != *"version $BINARYEN_VERSION"* ]]; then
    say "installing npm binaryen@$BINARYEN_VERSION (wasm-opt for release builds)"
    mkdir -p "$tools"
    npm install --silent --no-audit --no-fund --prefix "$tools" "binaryen@$BINARYEN_VERSION"
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
}

setup_e2e() {
  if [[ "$(leptosfmt --version 2>/dev/null || true)" != *"$LEPTOSFMT_VERSION"* ]]; then
    say "installing leptosfmt $LEPTOSFMT_VERSION (~7 min, once per machine)"
    cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked
  fi
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian chromium (Playwright's own browser download does not work offline)"
    apt_install chromium
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ] \
     || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    say "installing end2end npm packages"
    (cd "$ROOT/end2end" && npm ci --silent --no-audit --no-fund)
  fi
}

setup_build
if [ "${1:-}" = "--e2e" ]; then setup_e2e; fi
