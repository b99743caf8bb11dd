#!/usr/bin/env bash
# Opt-in: compiles the original's example/ sources (from MP_ORIGINAL_SOURCE, a source tree of
# the original) unchanged against our installed package, runs them on stdin, and mixes them
# with our C++ and Rust example programs.
# Usage: run.sh PREFIX WORKDIR CPP_BIN_DIR RUST_BIN_DIR
set -euo pipefail
prefix=$1
work=$2
cpp=$3
rust=$4
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${MP_ORIGINAL_SOURCE:-}" ] || [ ! -f "$MP_ORIGINAL_SOURCE/example/example.cpp" ]; then
  echo "SKIPPED the original's example sources against our package (set MP_ORIGINAL_SOURCE to its source tree)"
  exit 0
fi
rm -rf "$work"
mkdir -p "$work/src"
cp "$MP_ORIGINAL_SOURCE"/example/*.capnp "$MP_ORIGINAL_SOURCE"/example/*.h "$MP_ORIGINAL_SOURCE"/example/*.cpp "$work/src/"
cp "$here/CMakeLists.txt" "$work/src/CMakeLists.txt"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/build"
bash "$here/../cpp-runtime/example-mixes.sh" "original sources on our library=$work/build" "C++=$cpp" "Rust=$rust"
