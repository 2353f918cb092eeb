#!/usr/bin/env bash
# Fuzzes the instrument file parser (fuzz/fuzz_targets/instrument.rs) for SECONDS (default 600),
# starting from the shipped instruments. The README test command runs it for 30 s. A crash stops
# the run with exit 1 and leaves the input in fuzz/artifacts/instrument/ (replay it with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none instrument FILE` from fuzz/).
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them. The
# sanitizer is off: the parser is safe Rust, and the target checks behaviour, not memory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_TO_RUN="${1:-600}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "[fuzz] installing cargo-fuzz (once per machine)" && cargo install cargo-fuzz --locked
fi
corpus="fuzz/corpus/instrument"
mkdir -p "$corpus"
cd fuzz
# new inputs go to the first folder (ignored by git); instruments/ is read as seeds only
log="$(mktemp)"
set +e
RUSTC_BOOTSTRAP=1 cargo fuzz run -s none instrument "corpus/instrument" ../instruments -- \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -print_final_stats=1 >"$log" 2>&1
status=$?
set -e
# the build's and the fuzzer's closing lines (its progress lines are many)
grep -vE '^#[0-9]+|^"|^###### |^ +Compiling |NEW_FUNC' "$log" | tail -n 40
rm -f "$log"
if [ "$status" -ne 0 ]; then
  echo "[fuzz] the instrument parser failed (exit $status); the input is in fuzz/artifacts/instrument/" >&2
  exit 1
fi
echo "[fuzz] no crash in $SECONDS_TO_RUN s"
