# Installs headers, the bridge library (as libmultiprocess.a), mpgen, the CMake package (with
# target_capnp_sources) and a pkg-config file.
include(CMakePackageConfigHelpers)

set(MP_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/Libmultiprocess")

install(DIRECTORY include/mp DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(FILES "${MP_GENERATED_INCLUDE}/mp/proxy.capnp.h" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/mp")
install(FILES "${MP_BRIDGE_LIBRARY}" DESTINATION "${CMAKE_INSTALL_LIBDIR}" RENAME libmultiprocess.a)
install(PROGRAMS "${MP_MPGEN}" DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES cmake/TargetCapnpSources.cmake DESTINATION "${MP_CMAKE_DIR}")

configure_package_config_file(cmake/LibmultiprocessConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/LibmultiprocessConfig.cmake"
  INSTALL_DESTINATION "${MP_CMAKE_DIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_BINDIR)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/LibmultiprocessConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES
  "${CMAKE_CURRENT_BINARY_DIR}/LibmultiprocessConfig.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/LibmultiprocessConfigVersion.cmake"
  DESTINATION "${MP_CMAKE_DIR}")

# pkg-config: the prefix is computed when the file is installed, so it names the real prefix
# even when `cmake --install --prefix` differs from CMAKE_INSTALL_PREFIX.
string(REPLACE ";" " -l" MP_PC_SYSTEM_LIBS "-l${MP_RUST_SYSTEM_LIBS}")
configure_file(cmake/libmultiprocess.pc.in "${CMAKE_CURRENT_BINARY_DIR}/libmultiprocess.pc.in" @ONLY)
install(CODE "
  file(READ \"${CMAKE_CURRENT_BINARY_DIR}/libmultiprocess.pc.in\" pc)
  string(REPLACE \"%MP_INSTALL_PREFIX%\" \"\${CMAKE_INSTALL_PREFIX}\" pc \"\${pc}\")
  file(WRITE \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/libmultiprocess.pc\" \"\${pc}\")
  message(STATUS \"Installing: \${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/libmultiprocess.pc\")
")
