# The engine backends that backend-parameterized tests (engine unit tests, tests/spec, PER_ENGINE tests) run on:
# every backend of the build.
if(CAPSULE_WITH_V8)
  set(CAPSULE_TEST_BACKENDS "interp;v8" CACHE STRING "Engine backends the tests run on (a list)")
else()
  set(CAPSULE_TEST_BACKENDS "interp" CACHE STRING "Engine backends the tests run on (a list)")
endif()

# capsule_add_test(NAME SOURCES a.cc... [LIBS libs...] [PER_ENGINE])
# A GoogleTest executable registered with ctest; with PER_ENGINE, once per backend of CAPSULE_TEST_BACKENDS, as
# NAME.<backend>.<test> with CAPSULE_ENGINE=<backend> in its environment (the default engine of Engine::Create and of
# every runner's --engine), so that the same tests cover every engine. Tests see CAPSULE_GUEST_DIR (built guests), CAPSULE_BINARY_DIR
# (built runners) and CAPSULE_TEST_BACKENDS (the backend names, comma-separated) as compile definitions, and run
# after the guests are built.
find_package(GTest REQUIRED)
include(GoogleTest)

# Under the sanitizers, processes on the V8 backend run without LeakSanitizer's exit-time check: its tracer thread
# crashes now and then ("Tracer caught signal 11", about 1 process in 300 at -j2) when it stops a process whose V8
# worker threads are busy, failing a test that did nothing wrong. AddressSanitizer and UBSan stay on; the HDK's and
# the runners' code is leak-checked on interp, and engine_wasm2_test leak-checks the V8 backend in one process.
# (A value for the ENVIRONMENT_MODIFICATION test property.)
set(CAPSULE_V8_TEST_ENVIRONMENT "")
if(CAPSULE_SANITIZE)
  set(CAPSULE_V8_TEST_ENVIRONMENT "ASAN_OPTIONS=set:detect_leaks=0:abort_on_error=0")
endif()

function(capsule_add_test)
  if(NOT CAPSULE_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "PER_ENGINE" "NAME" "SOURCES;LIBS" ${ARGN})
  set(name ${T_NAME})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  string(REPLACE ";" "," _backends "${CAPSULE_TEST_BACKENDS}")
  target_compile_definitions(${name} PRIVATE CAPSULE_GUEST_DIR="${CAPSULE_GUEST_DIR}"
                                             CAPSULE_BINARY_DIR="${CMAKE_BINARY_DIR}"
                                             CAPSULE_TEST_BACKENDS="${_backends}")
  add_dependencies(${name} guests)
  if(T_PER_ENGINE)
    foreach(backend IN LISTS CAPSULE_TEST_BACKENDS)
      set(_properties TIMEOUT 120 ENVIRONMENT "CAPSULE_ENGINE=${backend}")
      if(backend STREQUAL "v8" AND CAPSULE_V8_TEST_ENVIRONMENT)
        list(APPEND _properties ENVIRONMENT_MODIFICATION "${CAPSULE_V8_TEST_ENVIRONMENT}")
      endif()
      gtest_discover_tests(${name} TEST_PREFIX "${name}.${backend}." DISCOVERY_TIMEOUT 60 PROPERTIES ${_properties})
    endforeach()
  else()
    gtest_discover_tests(${name} TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
  endif()
endfunction()
