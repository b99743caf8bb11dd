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
ctest_log=$(mktemp)
trap 'rm -f "$ctest_log"' EXIT
ctest_status=0
ctest --test-dir "$build" --output-on-failure 2>&1 | tee "$ctest_log" || ctest_status=$?
# The same closing line as cargo's, so the overall summary counts the C++ tests.
total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$ctest_log" | tail -1)
failed=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$ctest_log" | tail -1)
echo "test result: ctest. $(( ${total:-0} - ${failed:-0} )) passed; ${failed:-0} failed; 0 ignored"
[ "$ctest_status" = 0 ] || exit "$ctest_status"
echo "== install + consumer project"
rm -rf "$prefix" "$consumer"
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S tests/cmake-consumer -B "$consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$consumer" >/dev/null
"$consumer/consumer"
"$consumer/greeter"
echo "== the original's example sources against our package (opt-in: MP_ORIGINAL_SOURCE)"
bash tests/original-example/run.sh "$prefix" "$root/target/cmake/original-example" \
  "$build/cpp-examples" "$build/cargo/release"
echo "== pkg-config consumer"
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --exists libmultiprocess
g++ -o "$consumer/consumer-pc" tests/cmake-consumer/consumer.cpp \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs libmultiprocess)
"$consumer/consumer-pc"
