# target_capnp_sources(<target> <include_prefix> <file.capnp>... [IMPORT_PATHS <dir>...] [ONLY_CAPNP])
#
# Generates C++ for each schema with mpgen and builds it into <target>, with the original
# libmultiprocess's signature and outputs:
#
# * <file.capnp> paths are relative to the current source directory; outputs go to the same
#   relative path in the current binary directory: <file>.capnp.h and .c++ (Cap'n Proto's own
#   C++), and <file>.capnp.proxy.h, .proxy-types.h, .proxy-client.c++, .proxy-server.c++ and
#   .proxy-types.c++ (the proxies).
# * <include_prefix> is the absolute source directory that generated #include lines are
#   relative to (usually ${CMAKE_CURRENT_SOURCE_DIR}); its counterpart in the binary directory
#   becomes a public include directory of <target>.
# * IMPORT_PATHS are searched for imported schemas; /mp/proxy.capnp is always found.
# * ONLY_CAPNP compiles only Cap'n Proto's C++, not the proxies.
# * A custom target <target>_headers builds the generated headers, for targets that include
#   them before the build system knows they are generated.
#
# mpgen is the MPGEN_EXECUTABLE variable if set, else the Libmultiprocess::mpgen target.
function(target_capnp_sources target include_prefix)
  cmake_parse_arguments(PARSE_ARGV 2 arg "ONLY_CAPNP" "" "IMPORT_PATHS")

  if(MPGEN_EXECUTABLE)
    if(NOT EXISTS "${MPGEN_EXECUTABLE}")
      message(FATAL_ERROR "MPGEN_EXECUTABLE: \"${MPGEN_EXECUTABLE}\" does not exist.")
    endif()
    set(mpgen "${MPGEN_EXECUTABLE}")
  elseif(TARGET Libmultiprocess::mpgen)
    set(mpgen $<TARGET_FILE:Libmultiprocess::mpgen>)
  else()
    message(FATAL_ERROR "target_capnp_sources: no mpgen (find_package(Libmultiprocess) or set MPGEN_EXECUTABLE)")
  endif()

  get_property(mp_include_dir GLOBAL PROPERTY MP_INCLUDE_DIR)
  set(headers "")
  foreach(schema IN LISTS arg_UNPARSED_ARGUMENTS)
    set(out "${CMAKE_CURRENT_BINARY_DIR}/${schema}")
    set(capnp_outputs "${out}.h" "${out}.c++")
    set(proxy_sources "${out}.proxy-client.c++" "${out}.proxy-server.c++" "${out}.proxy-types.c++")
    add_custom_command(
      OUTPUT ${capnp_outputs} ${proxy_sources} "${out}.proxy.h" "${out}.proxy-types.h"
      COMMAND ${mpgen} "${CMAKE_CURRENT_SOURCE_DIR}" "${include_prefix}" "${CMAKE_CURRENT_SOURCE_DIR}/${schema}"
              ${arg_IMPORT_PATHS} ${mp_include_dir}
      WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
      DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${schema}" ${mpgen}
      COMMENT "Generating C++ for ${schema}"
      VERBATIM)
    target_sources(${target} PRIVATE "${out}.c++")
    if(NOT arg_ONLY_CAPNP)
      target_sources(${target} PRIVATE ${proxy_sources})
    endif()
    list(APPEND headers "${out}.h" "${out}.proxy.h" "${out}.proxy-types.h")
  endforeach()

  # Generated #include lines are relative to include_prefix; its binary-dir counterpart holds
  # the generated headers.
  file(RELATIVE_PATH relative "${CMAKE_CURRENT_SOURCE_DIR}" "${include_prefix}")
  set(build_include "${CMAKE_CURRENT_BINARY_DIR}")
  if(relative)
    string(APPEND build_include "/${relative}")
  endif()
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${build_include}>)
  if(TARGET Libmultiprocess::multiprocess)
    target_link_libraries(${target} PRIVATE Libmultiprocess::multiprocess)
  endif()
  if(NOT TARGET "${target}_headers")
    add_custom_target("${target}_headers" DEPENDS ${headers})
  endif()
endfunction()
