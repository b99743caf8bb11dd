#!/usr/bin/env bash
# Builds the calculator example and runs mpexample, which spawns mpcalculator and mpprinter
# from its own directory and reads equations from stdin ("exit" quits). Logs go to debug.log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --release -q -p multiprocess-examples
exec target/release/mpexample
