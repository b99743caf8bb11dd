# Builds the Rust parts with cargo in a target directory of this build tree: the bridge's
# static library (libmultiprocess_cxx.a, installed as libmultiprocess.a), which also holds the
# C++ code for mp/proxy.capnp. The header for that code is generated here too, for the build
# tree and the install (the same capnp run as the bridge's build script, so the same text).
find_program(CARGO_EXECUTABLE cargo HINTS "$ENV{HOME}/.cargo/bin" REQUIRED)
find_program(CAPNP_EXECUTABLE capnp REQUIRED)

set(MP_CARGO_TARGET_DIR "${CMAKE_CURRENT_BINARY_DIR}/cargo")
set(MP_CARGO_PROFILE release)
set(MP_BRIDGE_LIBRARY "${MP_CARGO_TARGET_DIR}/${MP_CARGO_PROFILE}/libmultiprocess_cxx.a")
set(MP_GENERATED_INCLUDE "${CMAKE_CURRENT_BINARY_DIR}/include")

# cargo knows when its outputs are stale, so it runs on every build and is quick when
# nothing changed. It also builds mpgen, and the Rust example programs for the mixed-language
# tests.
add_custom_target(multiprocess_cargo ALL
  COMMAND "${CMAKE_COMMAND}" -E env "CARGO_TARGET_DIR=${MP_CARGO_TARGET_DIR}"
          "${CARGO_EXECUTABLE}" build --release --locked -p multiprocess-cxx -p multiprocess-examples -p multiprocess-gen
  WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
  BYPRODUCTS "${MP_BRIDGE_LIBRARY}" "${MP_CARGO_TARGET_DIR}/${MP_CARGO_PROFILE}/mpgen"
  COMMENT "Building the Rust runtime and bridge with cargo"
  USES_TERMINAL)

add_custom_command(
  OUTPUT "${MP_GENERATED_INCLUDE}/mp/proxy.capnp.h"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${MP_GENERATED_INCLUDE}"
  COMMAND "${CAPNP_EXECUTABLE}" compile "-I${CMAKE_CURRENT_SOURCE_DIR}/include"
          "--src-prefix=${CMAKE_CURRENT_SOURCE_DIR}/include" "-oc++:${MP_GENERATED_INCLUDE}"
          "${CMAKE_CURRENT_SOURCE_DIR}/include/mp/proxy.capnp"
  DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/include/mp/proxy.capnp"
  COMMENT "Generating mp/proxy.capnp.h")
add_custom_target(multiprocess_proxy_header ALL DEPENDS "${MP_GENERATED_INCLUDE}/mp/proxy.capnp.h")

add_library(multiprocess_bridge STATIC IMPORTED GLOBAL)
set_target_properties(multiprocess_bridge PROPERTIES IMPORTED_LOCATION "${MP_BRIDGE_LIBRARY}")
# The system libraries a Rust static library needs (rustc --print native-static-libs).
set(MP_RUST_SYSTEM_LIBS util rt pthread m dl)
target_link_libraries(multiprocess_bridge INTERFACE ${MP_RUST_SYSTEM_LIBS})
add_dependencies(multiprocess_bridge multiprocess_cargo multiprocess_proxy_header)

# mpgen, as Libmultiprocess::mpgen (what target_capnp_sources runs).
set(MP_MPGEN "${MP_CARGO_TARGET_DIR}/${MP_CARGO_PROFILE}/mpgen")
add_executable(mpgen IMPORTED GLOBAL)
set_target_properties(mpgen PROPERTIES IMPORTED_LOCATION "${MP_MPGEN}")
add_dependencies(mpgen multiprocess_cargo)
add_executable(Libmultiprocess::mpgen ALIAS mpgen)
