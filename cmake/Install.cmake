# Installs the HDK (library, public headers, CMake package `Capsule`) so that anyone can build a runner on it:
#   find_package(Capsule REQUIRED)  target_link_libraries(my_runner PRIVATE capsule::hdk)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(_pkg_dir ${CMAKE_INSTALL_LIBDIR}/cmake/Capsule)
set_target_properties(capsule_hdk PROPERTIES EXPORT_NAME hdk OUTPUT_NAME capsule_hdk)
install(TARGETS capsule_hdk EXPORT CapsuleTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/capsule DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT CapsuleTargets NAMESPACE capsule:: DESTINATION ${_pkg_dir})
configure_package_config_file(cmake/CapsuleConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/CapsuleConfig.cmake
                              INSTALL_DESTINATION ${_pkg_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/CapsuleConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/CapsuleConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/CapsuleConfigVersion.cmake
        DESTINATION ${_pkg_dir})
