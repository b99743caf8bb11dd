#!/usr/bin/env bash
# Builds the calculator example and runs mpexample, which spawns mpcalculator and mpprinter
# from its own directory and reads equations from stdin ("exit" quits). Logs go to debug.log.
# By default the C++ example (cpp-examples/, built with CMake against this checkout's package);
# --rust runs the Rust one (rust/examples/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if [ "${1:-}" = "--rust" ]; then
  cargo build --release -q -p multiprocess-examples
  exec target/release/mpexample
fi
build=target/cmake/build
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target mpexamples >&2
exec "$build/cpp-examples/mpexample"
