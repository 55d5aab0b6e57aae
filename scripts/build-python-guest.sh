#!/usr/bin/env bash
# Builds the Python zone manager (plugins-py/zone-manager-py) into a component with componentize-py.
#
#   scripts/build-python-guest.sh [OUT]
#
# OUT defaults to <cargo target dir>/python-guest/zone_manager_py.wasm, where
# host/tests/python_guest.rs looks when LIQHOST_PY_WASM is not set. The package's unit tests run
# first under the machine's python3. componentize-py (pinned below) is installed with pip
# when missing; if it still cannot be run, the script exits 2, which the tests read as
# "skip: componentize-py cannot be installed here". Any other failure exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

PIN="componentize-py==0.25.1"
SRC=plugins-py/zone-manager-py
OUT="${1:-${CARGO_TARGET_DIR:-$PWD/target}/python-guest/zone_manager_py.wasm}"

# The console script may sit outside PATH (pip --user), so fall back to the module's entry point.
componentize() {
    if command -v componentize-py >/dev/null 2>&1; then
        componentize-py "$@"
    else
        python3 -c 'import sys; from componentize_py import script; sys.argv[0] = "componentize-py"; sys.exit(script())' "$@"
    fi
}

if ! command -v python3 >/dev/null 2>&1; then
    echo "build-python-guest: python3 is missing, so componentize-py cannot be installed" >&2
    exit 2
fi
if ! componentize --version >/dev/null 2>&1; then
    echo "build-python-guest: componentize-py missing; installing $PIN with pip" >&2
    # A Debian-managed python3 refuses a plain pip install (PEP 668): then install for the user.
    python3 -m pip install --quiet "$PIN" || python3 -m pip install --quiet --user --break-system-packages "$PIN" || true
    if ! componentize --version >/dev/null 2>&1; then
        echo "build-python-guest: componentize-py cannot be installed on this machine" >&2
        exit 2
    fi
fi

PYTHONDONTWRITEBYTECODE=1 python3 -m unittest discover -s "$SRC/tests" >&2 || { echo "build-python-guest: unit tests failed" >&2; exit 1; }

mkdir -p "$(dirname "$OUT")"
tmp="$OUT.tmp$$"
# componentize-py bundles every file on its path and writes __pycache__ there while it
# pre-initialises the app: build from a clean copy, so the tree stays clean and no stale
# bytecode ends up in the component. `cp -p` keeps mtimes, which the bytecode records.
stage="$(mktemp -d)"
trap 'rm -f "$tmp"; rm -rf "$stage"' EXIT
cp -Rp "$SRC/src/." "$stage/"
started=$(date +%s)
componentize -d wit -w zone-manager-engine componentize -p "$stage" app -o "$tmp" >&2
# Rename into place: a watcher or a test never reads a half-written component.
mv -f "$tmp" "$OUT"
echo "build-python-guest: $(componentize --version) built $(wc -c <"$OUT") bytes in $(( $(date +%s) - started )) s" >&2
echo "$OUT"
