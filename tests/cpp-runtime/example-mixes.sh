#!/usr/bin/env bash
# Runs the calculator example with its three processes taken from different builds and checks
# the exact output: every mix of our C++ programs with our Rust ones, and with the original's
# when a directory of them is given.
# Usage: example-mixes.sh CPP_BIN_DIR RUST_BIN_DIR [ORIGINAL_BIN_DIR]
set -euo pipefail
cpp=$1
rust=$2
orig=${3:-}

expected='Enter the equation, or "exit" to quit: mpprinter: Wow 1+1, that'"'"'s a tough one.

Enter the equation, or "exit" to quit: mpprinter: Wow 2*3, that'"'"'s a tough one.

Enter the equation, or "exit" to quit: Bye!'

failures=0
run_mix() {
  local name=$1 example=$2 calculator=$3 printer=$4
  local dir
  dir=$(mktemp -d)
  ln -s "$example/mpexample" "$dir/mpexample"
  ln -s "$calculator/mpcalculator" "$dir/mpcalculator"
  ln -s "$printer/mpprinter" "$dir/mpprinter"
  local out status=0
  out=$(cd "$dir" && printf '1+1\n2*3\nexit\n' | timeout 30 ./mpexample 2>&1) || status=$?
  if [ "$status" = 0 ] && [ "$out" = "$expected" ] && ! grep -qi "error" "$dir/debug.log"; then
    echo "ok     $name"
  else
    echo "FAILED $name (exit $status)"
    echo "$out" | head -20
    grep -i "error" "$dir/debug.log" | head -5 || true
    failures=$((failures + 1))
  fi
  rm -rf "$dir"
}

run_mix "all C++" "$cpp" "$cpp" "$cpp"
run_mix "C++ example, Rust calculator and printer" "$cpp" "$rust" "$rust"
run_mix "Rust example, C++ calculator and printer" "$rust" "$cpp" "$cpp"
run_mix "C++ example and calculator, Rust printer" "$cpp" "$cpp" "$rust"
run_mix "Rust example and calculator, C++ printer" "$rust" "$rust" "$cpp"
if [ -n "$orig" ]; then
  run_mix "C++ example, original calculator and printer" "$cpp" "$orig" "$orig"
  run_mix "original example, C++ calculator and printer" "$orig" "$cpp" "$cpp"
  run_mix "original example and calculator, C++ printer" "$orig" "$orig" "$cpp"
else
  echo "SKIPPED mixes with the original (set MP_ORIGINAL_PREFIX)"
fi
exit "$failures"
