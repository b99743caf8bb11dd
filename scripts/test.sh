#!/usr/bin/env bash
# Runs every test suite: formatting and lint checks, then all Rust tests (runtime, generator,
# example programs, cross-process suites). Set MP_ORIGINAL_PREFIX to an installed original
# libmultiprocess to also run the interop tests against its programs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy -q --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test -q --workspace
