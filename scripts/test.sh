#!/usr/bin/env bash
# Builds every engine component for wasm32-wasip2, then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! rustup target list --installed | grep -qx wasm32-wasip2; then
    rustup target add wasm32-wasip2
fi
# Every workspace crate but the host builds as a component (engines and test fixtures).
cargo build --profile plugin --target wasm32-wasip2 --workspace --exclude liqhost
export LIQHOST_WASM_DIR="${CARGO_TARGET_DIR:-$PWD/target}/wasm32-wasip2/plugin"
cargo test --workspace "$@"
