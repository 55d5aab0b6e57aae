#!/usr/bin/env bash
# Builds every engine component for wasm32-wasip2, then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! rustup target list --installed | grep -qx wasm32-wasip2; then
    rustup target add wasm32-wasip2
fi
# Every workspace crate but the host and its native libraries builds as a component
# (engines and test fixtures).
cargo build --profile plugin --target wasm32-wasip2 --workspace --exclude liqhost --exclude liqhost-market --exclude liqhost-sim
export LIQHOST_WASM_DIR="${CARGO_TARGET_DIR:-$PWD/target}/wasm32-wasip2/plugin"
# The Python zone manager (host/tests/python_guest.rs). Exit 2: componentize-py cannot be
# installed here, and those tests skip; any other failure stops the run.
py_status=0
py_wasm="$(bash scripts/build-python-guest.sh)" || py_status=$?
if [ "$py_status" -eq 0 ]; then
    export LIQHOST_PY_WASM="$py_wasm"
elif [ "$py_status" -ne 2 ]; then
    exit "$py_status"
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test binary (cargo's own last line is often an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "all tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
