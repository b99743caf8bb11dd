#!/usr/bin/env bash
# Builds and runs the C++ header tests (tests/cpp): compiles the test schema with the capnp
# C++ plugin, builds the test program against include/mp with g++ (C++20, -Wall -Wextra -Werror)
# and the Cap'n Proto libraries found by pkg-config, and runs it. Output goes to target/cpp-test.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/cpp-test
mkdir -p "$out/gen"
cxx=${CXX:-g++}
flags=(-std=c++20 -Wall -Wextra -Werror -O1)

echo "== C++ headers: tests/cpp"
# Every public header compiles on its own: users include them in any order.
for header in include/mp/*.h; do
  echo "#include <mp/$(basename "$header")>" |
    "$cxx" "${flags[@]}" -I include $(pkg-config --cflags capnp) -x c++ -fsyntax-only - ||
    { echo "include/mp/$(basename "$header") does not compile on its own" >&2; exit 1; }
done
capnp compile -oc++:"$out/gen" --src-prefix=tests/cpp -I include tests/cpp/types.capnp
"$cxx" "${flags[@]}" -I "$out/gen" $(pkg-config --cflags capnp) -c "$out/gen/types.capnp.c++" -o "$out/types.capnp.o"
"$cxx" "${flags[@]}" -I "$out/gen" -I include -I tests/cpp $(pkg-config --cflags capnp) \
  -c tests/cpp/test_types.cpp -o "$out/test_types.o"
# The schema declares an interface, whose generated server stubs need capnp-rpc.
"$cxx" "$out/test_types.o" "$out/types.capnp.o" $(pkg-config --libs capnp-rpc) -o "$out/test_types"
"$out/test_types"
