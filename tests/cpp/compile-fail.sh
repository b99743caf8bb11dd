#!/usr/bin/env bash
# Schema mistakes are compile errors: every case of compile_fail.cpp must fail to compile with
# its expected text, and without a case the file compiles (so the errors come from the cases).
# Usage: compile-fail.sh CXX SOURCE [COMPILER FLAGS...]
set -euo pipefail
cxx=$1
source=$2
shift 2
"$cxx" "$@" -DCASE=0 -fsyntax-only "$source"
cases=0
for case in $(sed -n 's/^#.*if CASE == \([0-9]*\).*/\1/p' "$source"); do
  expect=$(sed -n "s/^#.*if CASE == $case \/\/ expect: //p" "$source")
  if errors=$("$cxx" "$@" -DCASE="$case" -fsyntax-only "$source" 2>&1); then
    echo "compile_fail.cpp case $case compiled, but must not ($expect)" >&2
    exit 1
  elif ! grep -qF "$expect" <<<"$errors"; then
    echo "compile_fail.cpp case $case failed without \"$expect\":" >&2
    echo "$errors" | grep error | head -5 >&2
    exit 1
  fi
  cases=$((cases + 1))
done
echo "compile_fail.cpp: all $cases narrowing cases rejected at compile time"
