#!/usr/bin/env bash
# The C++ side: configures and builds the CMake project (bridge library via cargo, C++ tests),
# runs ctest, installs into a scratch prefix, and builds and runs a consumer project that sees
# only that prefix (find_package and pkg-config).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="$root/target/cmake/build"
prefix="$root/target/cmake/prefix"
consumer="$root/target/cmake/consumer"

echo "== cmake configure + build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"
echo "== ctest"
ctest --test-dir "$build" --output-on-failure
echo "== install + consumer project"
rm -rf "$prefix" "$consumer"
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S tests/cmake-consumer -B "$consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$consumer" >/dev/null
"$consumer/consumer"
echo "== pkg-config consumer"
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --exists libmultiprocess
g++ -o "$consumer/consumer-pc" tests/cmake-consumer/consumer.cpp \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs libmultiprocess)
"$consumer/consumer-pc"
