#!/usr/bin/env bash
# Installs the system packages the build needs, if they are missing: the Cap'n Proto schema
# compiler (capnproto), its headers and libraries (libcapnp-dev: the C++ headers, the C++ tests
# and the conformance peer), a C++20 compiler (g++ 10 or later), pkg-config, and CMake with
# Ninja for the C++ build.
set -euo pipefail

missing=()
command -v capnp >/dev/null 2>&1 || missing+=(capnproto)
[ -f /usr/include/capnp/rpc.capnp.h ] || missing+=(libcapnp-dev)
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  echo "Installing ${missing[*]} ..." >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust (rustup) first" >&2; exit 1; }
