#!/usr/bin/env bash
# Builds the engine components, then runs the demo (Ctrl-C to stop). Extra arguments go
# to `liqhost demo`, e.g. `scripts/demo.sh --speed 600 --minutes 120`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! rustup target list --installed | grep -qx wasm32-wasip2; then
    rustup target add wasm32-wasip2
fi
cargo build --profile plugin --target wasm32-wasip2 --workspace --exclude liqhost --exclude liqhost-market --exclude liqhost-sim
plugins="${CARGO_TARGET_DIR:-$PWD/target}/wasm32-wasip2/plugin"
cargo run -p liqhost -- demo --plugins-dir "$plugins" "$@"
