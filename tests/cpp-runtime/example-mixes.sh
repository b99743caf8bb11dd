#!/usr/bin/env bash
# Runs the calculator example with its three processes (mpexample, mpcalculator, mpprinter)
# taken from different builds, in every combination, and checks the exact output and that no
# process logged an error.
# Usage: example-mixes.sh NAME=BIN_DIR NAME=BIN_DIR...
set -euo pipefail

names=()
dirs=()
for arg in "$@"; do
  names+=("${arg%%=*}")
  dirs+=("${arg#*=}")
done

expected='Enter the equation, or "exit" to quit: mpprinter: Wow 1+1, that'"'"'s a tough one.

Enter the equation, or "exit" to quit: mpprinter: Wow 2*3, that'"'"'s a tough one.

Enter the equation, or "exit" to quit: Bye!'

failures=0
for e in "${!dirs[@]}"; do
  for c in "${!dirs[@]}"; do
    for p in "${!dirs[@]}"; do
      name="example ${names[$e]}, calculator ${names[$c]}, printer ${names[$p]}"
      dir=$(mktemp -d)
      ln -s "${dirs[$e]}/mpexample" "$dir/mpexample"
      ln -s "${dirs[$c]}/mpcalculator" "$dir/mpcalculator"
      ln -s "${dirs[$p]}/mpprinter" "$dir/mpprinter"
      status=0
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
    done
  done
done
exit "$failures"
