#!/usr/bin/env bash
# Runs every test suite: formatting and lint checks, then all Rust tests (runtime, generator,
# example programs, cross-process suites), then the C++ header tests. Set MP_ORIGINAL_PREFIX to
# an installed original libmultiprocess to also run the interop tests against its programs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy -q --workspace --all-targets -- -D warnings
echo "== cargo doc"
RUSTDOCFLAGS=-Dwarnings cargo doc -q --no-deps --workspace
echo "== cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test -q --workspace 2>&1 | tee "$log" || status=$?
echo "== C++: CMake build, ctest, installed package"
bash scripts/test-cmake.sh 2>&1 | tee -a "$log" || status=$?
echo "== mpbench --quick (smoke run; timings are printed, never checked)"
# With our C++ programs too, built against the package test-cmake.sh installed.
cargo run --release -q -p multiprocess-bench -- --quick --cpp target/cmake/prefix || status=$?
# One closing line for all suites together.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     END { printf "summary: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
