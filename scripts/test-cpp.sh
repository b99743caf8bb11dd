#!/usr/bin/env bash
# Builds and runs the C++ header tests (tests/cpp): checks that every include/mp header compiles
# on its own, compiles the test schema with the capnp C++ plugin, builds the test program against
# include/mp with g++ (C++20, -Wall -Wextra -Werror) and the Cap'n Proto libraries found by
# pkg-config, runs it, and checks that schema mistakes fail to compile (compile_fail.cpp).
# Output goes to target/cpp-test; CXX selects another compiler.
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

# Schema mistakes are compile errors: every case of compile_fail.cpp must fail with its text
# (and without a case, the file compiles, so the errors come from the cases).
"$cxx" "${flags[@]}" -DCASE=0 -I "$out/gen" -I include -I tests/cpp $(pkg-config --cflags capnp) \
  -fsyntax-only tests/cpp/compile_fail.cpp
cases=0
for case in $(sed -n 's/^#.*if CASE == \([0-9]*\).*/\1/p' tests/cpp/compile_fail.cpp); do
  expect=$(sed -n "s/^#.*if CASE == $case \/\/ expect: //p" tests/cpp/compile_fail.cpp)
  if errors=$("$cxx" "${flags[@]}" -DCASE="$case" -I "$out/gen" -I include -I tests/cpp $(pkg-config --cflags capnp) \
      -fsyntax-only tests/cpp/compile_fail.cpp 2>&1); then
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
