# The engine backends that backend-parameterized tests (engine unit tests, tests/spec) run on.
set(CAPSULE_TEST_BACKENDS "v8;interp" CACHE STRING "Engine backends the tests run on (a list)")

# capsule_add_test(NAME SOURCES a.cc... [LIBS libs...])
# A GoogleTest executable registered with ctest. Tests see CAPSULE_GUEST_DIR (built guests), CAPSULE_BINARY_DIR
# (built runners) and CAPSULE_TEST_BACKENDS (the backend names, comma-separated) as compile definitions, and run
# after the guests are built.
find_package(GTest REQUIRED)
include(GoogleTest)

function(capsule_add_test)
  if(NOT CAPSULE_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS" ${ARGN})
  set(name ${T_NAME})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  string(REPLACE ";" "," _backends "${CAPSULE_TEST_BACKENDS}")
  target_compile_definitions(${name} PRIVATE CAPSULE_GUEST_DIR="${CAPSULE_GUEST_DIR}"
                                             CAPSULE_BINARY_DIR="${CMAKE_BINARY_DIR}"
                                             CAPSULE_TEST_BACKENDS="${_backends}")
  add_dependencies(${name} guests)
  gtest_discover_tests(${name} TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
endfunction()
